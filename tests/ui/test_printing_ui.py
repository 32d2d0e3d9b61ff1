"""打印 page and the voucher verification dialog, on the demo county: what is previewed is what the services
render (page count, text read back with pdftotext), saving or printing a voucher job records it (voucher_print
rows, read with sqlite3; a second run is 补打), a cancel records nothing, a print goes through a QPrinter
(here one writing a PDF file), and a scanned QR payload is verified or refused."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from tests.ui.conftest import assert_chinese, type_text

pytestmark = pytest.mark.usefixtures("qapp")

TODAY = date(2026, 11, 20)
WAIT = 30_000


def rows(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def pdf_pages(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "probe.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def campaign_id(path: Path) -> str:
    return rows(path, "SELECT id FROM campaign WHERE year = 2026")[0][0]


def _page(qtbot, ctx):
    from assist_desktop.ui.printing.page import PrintingPage

    ctx.clock = lambda: TODAY
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.idle() and bool(page.sources), timeout=WAIT)
    return page


def _settle(qtbot, page, op) -> None:
    assert op is not None
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    qtbot.waitUntil(page.idle, timeout=WAIT)


def _preview_vouchers(qtbot, page, source_id: str, *, only_new: bool = False) -> None:
    from assist_desktop.ui.printing.page import VOUCHERS

    page.choose_document(VOUCHERS)
    page.choose_source(source_id)
    (page.scope_new if only_new else page.scope_all).setChecked(True)
    _settle(qtbot, page, page.preview())


def test_vouchers_preview_save_record_and_reprint(qtbot, app_context, tmp_path, shot, cups_queue) -> None:
    ctx = app_context("jingban")
    db = ctx.db_path
    cid = campaign_id(db)
    paid = rows(db, "SELECT d.voucher_no FROM disbursement d JOIN visit v ON v.id = d.grant_id "
                    "WHERE d.grant_type = 'visit' AND v.campaign_id = ? ORDER BY d.voucher_no", cid)
    assert len(paid) > 10
    page = _page(qtbot, ctx)
    assert_chinese(page)

    _preview_vouchers(qtbot, page, cid)
    job = page.rendered.job
    assert job is not None and job.count == len(paid) and job.reprints == 0
    pages = pdf_pages(page.rendered.pdf, tmp_path)
    assert pages == -(-len(paid) // 3) == page.page_count()
    assert page.preview_pane.page_label.text() == f"第 1 / {pages} 页"
    assert f"凭证{len(paid)}张，共{pages}页" in page.summary_label.text()
    assert rows(db, "SELECT count(*) FROM voucher_print") == [(0,)]  # a preview records nothing
    page.preview_pane.go_to(2)
    qtbot.waitUntil(lambda: page.preview_pane.page_label.text() == f"第 3 / {pages} 页", timeout=WAIT)
    page.preview_pane.step_zoom(1)
    assert page.preview_pane.zoom_combo.currentText().endswith("%")
    page.preview_pane.zoom_combo.setCurrentIndex(0)  # back to fit width
    page.preview_pane.go_to(0)
    qtbot.wait(400)  # the view paints its pages
    assert_chinese(page)
    shot(page, "printing-vouchers-preview")

    # saved as a PDF file: recorded as a save, not as a paper copy
    target = tmp_path / "凭证.pdf"
    _settle(qtbot, page, page.save_pdf(target))
    assert target.exists() and paid[0][0] in pdf_text(target) and paid[-1][0] in pdf_text(target)
    assert rows(db, "SELECT count(*), max(copy_no) FROM voucher_save") == [(len(paid), 1)]
    assert rows(db, "SELECT count(*) FROM voucher_print") == [(0,)]
    assert "另存为PDF" in page.record_label.text() and page.preview_pane.print_button.isEnabled()

    # the same preview then goes to the printer (a CUPS queue: the PDF itself): the originals, no 补打
    before = len(cups_queue.outputs())
    _settle(qtbot, page, page.print_document(_queue_printer(cups_queue)))
    printed = rows(db, "SELECT p.copy_no, count(*) FROM voucher_print p JOIN disbursement d ON d.id = p.disbursement_id "
                       "JOIN visit v ON v.id = d.grant_id WHERE v.campaign_id = ? GROUP BY p.copy_no", cid)
    assert printed == [(1, len(paid))]
    assert f"首次打印{len(paid)}张，补打0张" in page.record_label.text()
    out = cups_queue.wait_for_output(before + 1)[-1]
    assert pdf_pages(out.read_bytes(), tmp_path) == pages
    # the recorded preview cannot be printed again as it is: its copy numbers are used up
    assert not page.preview_pane.print_button.isEnabled() and "补打" in page.preview_pane.print_button.toolTip()
    shot(page, "printing-vouchers-recorded")

    # only the vouchers not printed yet: none left
    _preview_vouchers(qtbot, page, cid, only_new=True)
    assert "都已打印过" in page.summary_label.text()

    # the second paper run is 补打
    _preview_vouchers(qtbot, page, cid)
    assert page.rendered.job.reprints == len(paid) and page.rendered.job.first_prints == 0
    assert f"补打{len(paid)}张" in page.summary_label.text()
    _settle(qtbot, page, page.print_document(_queue_printer(cups_queue)))
    assert f"首次打印0张，补打{len(paid)}张" in page.record_label.text()
    assert rows(db, "SELECT copy_no, count(*) FROM voucher_print GROUP BY copy_no") == [(1, len(paid)), (2, len(paid))]


def _queue_printer(cups_queue) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(cups_queue.queue)
    assert printer.printerName() == cups_queue.queue and printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
    return printer


def test_cancel_while_rendering_records_nothing(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    page = _page(qtbot, ctx)
    from assist_desktop.ui.printing.page import VOUCHERS

    page.choose_document(VOUCHERS)
    page.choose_source(campaign_id(ctx.db_path))
    op = page.preview()
    op.cancel()
    _settle(qtbot, page, op)
    assert op.was_cancelled and page.rendered is None and page.page_count() == 0
    assert not page.preview_pane.save_button.isEnabled()
    assert page.save_pdf("/tmp/never.pdf") is None
    assert rows(ctx.db_path, "SELECT count(*) FROM voucher_print") == [(0,)]


def test_printed_meanwhile_asks_to_preview_again(qtbot, app_context, tmp_path, _no_blocking_message_boxes) -> None:
    from assist_desktop.services.printing import VoucherSelection, issue_vouchers

    ctx = app_context("jingban")
    cid = campaign_id(ctx.db_path)
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, cid)
    count = page.rendered.job.count
    with ctx.db.session() as s:  # someone else prints the same vouchers in between
        issue_vouchers(s, ctx.user, VoucherSelection(campaign_id=cid))
    _settle(qtbot, page, page.save_pdf(tmp_path / "stale.pdf"))
    assert "请重新预览" in page.record_label.text()
    assert any("请重新预览" in text for _kind, text in _no_blocking_message_boxes)
    assert rows(ctx.db_path, "SELECT count(*) FROM voucher_print") == [(count,)]  # only the other print
    assert not page.preview_pane.save_button.isEnabled()


def test_print_to_a_pdf_file_writes_the_pdf_itself_and_records_a_save(qtbot, app_context, tmp_path) -> None:
    from assist_desktop.ui.printing.page import SIGNOFF

    ctx = app_context("jingban")
    db = ctx.db_path
    rnd = rows(db, "SELECT id, name FROM scholarship_round WHERE year = 2026")[0]
    page = _page(qtbot, ctx)
    page.choose_document(SIGNOFF)
    page.choose_source(rnd[0])
    _settle(qtbot, page, page.preview())
    assert page.rendered.job is None and page.page_count() >= 1
    assert f"{rnd[1]}" in page.summary_label.text() and f"共{page.page_count()}页" in page.summary_label.text()

    out = tmp_path / "printed.pdf"
    _settle(qtbot, page, page.print_document(_file_printer(out)))
    assert out.read_bytes() == page.rendered.pdf  # the print dialog's "print to file": the PDF as made

    # a voucher job printed to a PDF file is a save, not a paper copy
    _preview_vouchers(qtbot, page, rnd[0])
    job = page.rendered.job
    out2 = tmp_path / "vouchers-printed.pdf"
    _settle(qtbot, page, page.print_document(_file_printer(out2)))
    assert out2.read_bytes() == page.rendered.pdf
    assert rows(db, "SELECT count(*) FROM voucher_save WHERE batch_id = ?", job.batch_id) == [(job.count,)]
    assert rows(db, "SELECT count(*) FROM voucher_print") == [(0,)]


def _file_printer(path: Path, dpi: int = 1200) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    return printer


def _image_list(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def test_the_raster_path_prints_page_by_page_in_the_background_at_300_dpi_1_bit(
        qtbot, app_context, tmp_path, monkeypatch) -> None:
    """Where no CUPS takes the PDF (Windows): each page a 1-bit image at most 300 dpi, the progress and the
    cancel button on the page, no modal box; only the vouchers of the pages printed are recorded."""
    from PySide6.QtWidgets import QApplication

    from assist_desktop.ui.printing import paper

    monkeypatch.setattr(paper, "route", lambda _printer: paper.RASTER)
    ctx = app_context("jingban")
    db = ctx.db_path
    cid = campaign_id(db)
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, cid)
    job = page.rendered.job
    out = tmp_path / "raster.pdf"
    printer = _file_printer(out)  # a 1200 dpi printer, as a laser printer's driver says
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    op = page.print_document(printer)
    assert page.printing_box.isVisible() and QApplication.activeModalWidget() is None
    assert not page.preview_pane.print_button.isEnabled()  # one print at a time
    _settle(qtbot, page, op)
    assert not page.printing_box.isVisible() and page.printed_pages == 2
    images = _image_list(out)
    assert len(images) == 2  # one image a page
    for image in images:  # page num type width height color comp bpc enc interp object ID x-ppi y-ppi …
        assert image[5] == "gray" and image[7] == "1" and int(image[12]) <= 300, image
    assert pdf_pages(out.read_bytes(), tmp_path) == 2 and out.stat().st_size < 400_000
    # the vouchers on pages 2 and 3 only
    on_pages = [i.voucher_no for i in job.items[3:9]]
    recorded = rows(db, "SELECT d.voucher_no FROM voucher_print p JOIN disbursement d ON d.id = p.disbursement_id "
                        "ORDER BY d.voucher_no")
    assert [r[0] for r in recorded] == on_pages


def test_cancelling_the_raster_print_records_nothing(qtbot, app_context, tmp_path, monkeypatch) -> None:
    from assist_desktop.ui.printing import paper

    monkeypatch.setattr(paper, "route", lambda _printer: paper.RASTER)
    ctx = app_context("jingban")
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, campaign_id(ctx.db_path))
    op = page.print_document(_file_printer(tmp_path / "cancelled.pdf"))
    qtbot.mouseClick(page.printing_cancel, Qt.MouseButton.LeftButton)
    _settle(qtbot, page, op)
    assert op.was_cancelled and rows(ctx.db_path, "SELECT count(*) FROM voucher_print") == [(0,)]
    assert page.preview_pane.print_button.isEnabled()  # nothing recorded: the preview may still be printed


def test_vouchers_print_one_copy_at_a_time(qtbot, app_context, tmp_path, _no_blocking_message_boxes) -> None:
    ctx = app_context("jingban")
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, campaign_id(ctx.db_path))
    printer = _file_printer(tmp_path / "two.pdf")
    printer.setCopyCount(2)
    assert page.print_document(printer) is None
    assert any("补打" in text for _kind, text in _no_blocking_message_boxes)
    assert not (tmp_path / "two.pdf").exists()


def test_signoff_notice_statistics_and_forms_preview(qtbot, app_context, tmp_path, shot) -> None:
    from assist_desktop.ui.printing.page import FILE_FORM, NOTICE, SCHOLARSHIP_FORM, SIGNOFF, STATISTICS

    ctx = app_context("jingban")
    db = ctx.db_path
    cid = campaign_id(db)
    page = _page(qtbot, ctx)

    page.choose_document(SIGNOFF)
    page.choose_source(cid)
    _settle(qtbot, page, page.preview())
    out = tmp_path / "signoff.pdf"
    _settle(qtbot, page, page.save_pdf(out))
    assert "签领表" in pdf_text(out) and pdf_pages(out.read_bytes(), tmp_path) == page.page_count()
    assert rows(db, "SELECT count(*) FROM voucher_print") == [(0,)]

    page.choose_document(NOTICE)
    page.choose_source(cid)
    _settle(qtbot, page, page.preview())
    assert "公示名单" in page.summary_label.text() and page.page_count() >= 1

    page.choose_document(STATISTICS)
    page.choose_year(2026)
    _settle(qtbot, page, page.preview())
    assert page.page_count() >= 1

    file_no, name = rows(db, "SELECT file_no, name FROM hardship_file WHERE status = 'active' ORDER BY file_no")[3]
    page.choose_document(FILE_FORM)
    qtbot.waitUntil(page.idle, timeout=WAIT)
    type_text(page.file_search, name)
    page._file_form_debouncer.flush()
    qtbot.waitUntil(lambda: page.idle() and any(file_no in page.file_results.item(i).text()
                                                for i in range(page.file_results.count())), timeout=WAIT)
    match = next(i for i in range(page.file_results.count()) if file_no in page.file_results.item(i).text())
    page.file_results.setCurrentRow(match)
    _settle(qtbot, page, page.preview())
    out = tmp_path / "file.pdf"
    _settle(qtbot, page, page.save_pdf(out))
    text = pdf_text(out)
    assert file_no in text and name in text and "建档申请审批表" in text
    qtbot.wait(300)
    assert_chinese(page)
    shot(page, "printing-file-form")

    app_no = rows(db, "SELECT application_no FROM scholarship ORDER BY application_no")[0][0]
    page.choose_document(SCHOLARSHIP_FORM)
    qtbot.keyClicks(page.scholarship_search, app_no)
    page._scholarship_form_debouncer.flush()
    qtbot.waitUntil(lambda: page.idle() and page.scholarship_results.count() >= 1
                    and app_no in page.scholarship_results.item(0).text(), timeout=WAIT)
    _settle(qtbot, page, page.preview())
    out = tmp_path / "app.pdf"
    _settle(qtbot, page, page.save_pdf(out))
    assert app_no in pdf_text(out)


def test_a_reviewer_previews_vouchers_but_may_not_print_them(qtbot, app_context) -> None:
    ctx = app_context("shenhe")
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, campaign_id(ctx.db_path))
    assert page.page_count() > 0
    for button in (page.preview_pane.print_button, page.preview_pane.save_button):
        assert not button.isEnabled() and "经办" in button.toolTip()
    assert page.save_pdf("/tmp/never.pdf") is None
    assert rows(ctx.db_path, "SELECT count(*) FROM voucher_print") == [(0,)]


def test_verification_dialog_accepts_a_voucher_and_refuses_a_changed_one(qtbot, app_context, shot) -> None:
    from assist_desktop.services.printing import VoucherSelection, voucher_sheet_data
    from assist_desktop.ui.shell.main_window import MainWindow

    ctx = app_context("jingban")
    with ctx.db.session() as s:
        sheet, _items, _waiting = voucher_sheet_data(s, ctx.user, VoucherSelection(campaign_id=campaign_id(ctx.db_path)))
    voucher = sheet.vouchers[0]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.verify_action.trigger()  # 工具 → 核验发放凭证…
    dialog = window.verify_dialog
    assert dialog.isVisible()
    assert_chinese(dialog)

    op = dialog.verify(voucher.payload)
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    text = dialog.result_label.text()
    assert dialog.certificate is not None and "验证通过" in text and voucher.voucher_no in text
    assert voucher.recipient_name in text and "凭证有效" in dialog.verdict_label.text()
    assert "密钥" in text  # the key id is hex data (letters A–F), so the whole dialog is not checked again
    shot(dialog, "verify-voucher-valid")

    parts = voucher.payload.split(":")
    parts[6] = str(int(parts[6]) + 100_000)  # 1,000 yuan more
    op = dialog.verify(":".join(parts))
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    assert dialog.certificate is None and "验证失败" in dialog.result_label.text()
    assert "凭证无效" in dialog.verdict_label.text()
    shot(dialog, "verify-voucher-refused")

    op = dialog.verify("not a voucher")
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    assert "不是本系统出具" in dialog.result_label.text()


def test_a_text_page_goes_to_paper_as_1_bit_and_a_photo_page_as_grayscale() -> None:
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

    from assist_desktop.ui.printing.preview import for_paper

    page = QImage(400, 300, QImage.Format.Format_ARGB32)
    page.fill(QColor(0, 0, 0, 0))  # QtPdf's paper: transparent
    painter = QPainter(page)
    painter.fillRect(20, 20, 200, 4, QColor("black"))
    painter.drawText(30, 60, "发放凭证 610826")
    painter.end()
    text = for_paper(page)
    assert text.format() == QImage.Format.Format_Mono and text.colorTable() == [0xFF000000, 0xFFFFFFFF]
    assert text.pixelColor(100, 21).name() == "#000000" and text.pixelColor(300, 200).name() == "#ffffff"

    painter = QPainter(page)
    gradient = QLinearGradient(0, 0, 400, 0)
    gradient.setColorAt(0, QColor("white"))
    gradient.setColorAt(1, QColor("black"))
    painter.fillRect(0, 100, 400, 200, gradient)  # a photo-like area
    painter.end()
    photo = for_paper(page)
    assert photo.format() == QImage.Format.Format_Grayscale8
    assert photo.pixelColor(5, 10).name() == "#ffffff" and 100 < photo.pixelColor(200, 200).red() < 160


def test_counterfoils_the_notice_of_new_files_and_a_rounds_school_year(qtbot, app_context, tmp_path, shot) -> None:
    from assist_desktop.ui.printing.page import NOTICE, SIGNOFF, VOUCHERS

    ctx = app_context("jingban")
    db = ctx.db_path
    page = _page(qtbot, ctx)
    page.choose_document(VOUCHERS)
    page.choose_source(campaign_id(db))
    page.counterfoil_check.setChecked(True)
    assert not page.per_sheet_combo.isEnabled()
    _settle(qtbot, page, page.preview())
    job = page.rendered.job
    assert job.per_sheet == 2 and page.page_count() == -(-job.count // 2)
    flat = pdf_text_of(page.rendered.pdf, tmp_path)
    assert flat.count("（存根联）") == job.count
    shot(page, "printing-vouchers-counterfoil")

    # the notice of new hardship files: the files reviewed or on notice of the demo county
    with closing(sqlite3.connect(db)) as conn:  # three more files on notice; all posted Monday 16 November
        conn.execute("UPDATE hardship_file SET status = 'on_notice' WHERE id IN "
                     "(SELECT id FROM hardship_file WHERE status = 'active' ORDER BY file_no LIMIT 3)")
        conn.execute("UPDATE hardship_file SET notice_start = '2026-11-16' WHERE status IN ('reviewed', 'on_notice')")
        conn.commit()
    files = rows(db, "SELECT name FROM hardship_file WHERE status IN ('reviewed', 'on_notice')")
    assert len(files) >= 3
    page.choose_document(NOTICE)
    page.new_files_check.setChecked(True)
    assert not page.source_combos[NOTICE].isEnabled()
    _settle(qtbot, page, page.preview())
    flat = pdf_text_of(page.rendered.pdf, tmp_path)
    assert "困难职工建档对象公示名单" in flat and all(name in flat for (name,) in files)
    assert "公示期为2026年11月16日至2026年11月20日（5个工作日）" in flat

    # a round's sign-off: all payments, or one school year's
    rnd = rows(db, "SELECT id FROM scholarship_round WHERE year = 2026")[0][0]
    page.choose_document(SIGNOFF)
    page.choose_source(rnd)
    assert page.academic_year_combo.count() >= 2 and page.academic_year_combo.itemData(1) == 2026
    page.academic_year_combo.setCurrentIndex(1)
    _settle(qtbot, page, page.preview())
    assert page.rendered.request.academic_year == 2026 and "助学金签领表" in pdf_text_of(page.rendered.pdf, tmp_path)


def pdf_text_of(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "probe-text.pdf"
    path.write_bytes(data)
    return "".join(pdf_text(path).split())
