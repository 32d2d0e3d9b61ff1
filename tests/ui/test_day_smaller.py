"""Smaller defects of the caseworker's day (issue 18): 显示 is not offered for a look the user may not take
(the administrator); cancelling a print to a file removes the unfinished file and says so."""

from __future__ import annotations

import pytest
from PySide6.QtPrintSupport import QPrinter

from tests.ui.test_editor import demo_file, open_editor
from tests.ui.test_printing_ui import _page, _preview_vouchers, campaign_id

pytestmark = pytest.mark.usefixtures("qapp")


def test_the_administrator_is_not_offered_show(qtbot, app_context) -> None:
    ctx = app_context("admin")
    editor = open_editor(qtbot, ctx, demo_file(ctx))
    assert editor.read_only
    for button in (editor.id_stack.button, editor.bank_stack.button, editor.health_stack.button,
                   editor.members.show_button):
        assert not button.isEnabled() and "审批" in button.toolTip() and "经办" in button.toolTip()
    clerk = app_context("jingban")
    editor = open_editor(qtbot, clerk, demo_file(clerk))
    assert editor.id_stack.button.isEnabled() and "审计" in editor.id_stack.button.toolTip()


def test_a_cancelled_print_to_a_file_leaves_no_half_file(qtbot, app_context, tmp_path, monkeypatch) -> None:
    import threading

    from assist_desktop.ui.printing import paper

    ctx = app_context("jingban")
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, campaign_id(ctx.db_path))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "vouchers.pdf"
    printer.setOutputFileName(str(out))
    clicked = threading.Event()
    real_route = paper.route

    def route_after_the_click(p):  # type: ignore[no-untyped-def]
        clicked.wait(10)  # the worker is under way when 取消 is pressed
        return real_route(p)

    monkeypatch.setattr(paper, "route", route_after_the_click)
    op = page.print_document(printer)
    op.cancel()  # 取消 on the page, as the job goes out
    clicked.set()
    qtbot.waitUntil(lambda: op.done, timeout=30_000)
    assert op.was_cancelled
    assert not out.exists() and not list(tmp_path.glob("*.part"))  # before: half a PDF was left
    assert page.last_message == "打印已取消。"


def test_a_print_to_a_file_is_never_seen_half_written(qtbot, app_context, tmp_path, monkeypatch) -> None:
    """The PDF is written beside the chosen name and renamed: a failure midway leaves neither."""
    from pathlib import Path

    ctx = app_context("jingban")
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, campaign_id(ctx.db_path))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "vouchers.pdf"
    printer.setOutputFileName(str(out))
    real_write = Path.write_bytes

    def disk_full(self, data):  # type: ignore[no-untyped-def]
        real_write(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    op = page.print_document(printer)
    qtbot.waitUntil(lambda: op.done, timeout=30_000)
    monkeypatch.undo()
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    op = page.print_document(printer)
    qtbot.waitUntil(lambda: op.done, timeout=30_000)
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes().rstrip().endswith(b"%%EOF")
