"""Paper printing through CUPS: the PDF goes to the queue as PDF (a private scheduler with a CUPS-PDF
printer, tests/cupsd.py) and comes out of the "printer" with the same pages and text; a page range, copies
and a landscape sign-off sheet; refusals in Chinese for a queue that does not exist and for what is not a PDF."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import ImageChops

from assist_desktop.reports.signoff import RosterLine, SignoffRenderer, SignoffSheet
from assist_desktop.reports.voucher import VoucherRenderer, VoucherSheet
from assist_desktop.services import print_queue
from assist_desktop.services.print_queue import PrintQueueError
from tests.reports import pdftools
from tests.reports.conftest import voucher


def _difference(a, b) -> float:
    """The share of pixels that differ clearly between two renderings of a page."""
    assert a.size == b.size
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 96 else 0)
    return diff.histogram()[255] / (a.width * a.height)


def _vouchers(n: int) -> bytes:
    return VoucherRenderer().render(VoucherSheet("绥德县总工会", [voucher(i) for i in range(1, n + 1)]))


def test_the_queue_is_listed_and_a_pdf_prints_as_it_was_made(cups_queue) -> None:
    assert print_queue.available()
    assert cups_queue.queue in [q.name for q in print_queue.queues()]
    pdf = _vouchers(9)
    before = len(cups_queue.outputs())
    job = print_queue.submit_pdf(pdf, cups_queue.queue, title="2027年春节送温暖发放凭证", media="A4")
    assert job.job_id.startswith(f"{cups_queue.queue}-") and job.size == len(pdf)
    out = cups_queue.wait_for_output(before + 1)[-1].read_bytes()
    assert pdftools.info(out)["Pages"] == "3" and "595 x 842" in pdftools.info(out)["Page size"]
    # CUPS-PDF makes its PDF again through PostScript (the Chinese text loses its Unicode map on the way):
    # compare what is printed, page by page, with what was sent
    for page in (1, 3):
        printed = pdftools.page_image(out, page, 40)
        assert pdftools.ink(printed) > 0.01 and _difference(pdftools.page_image(pdf, page, 40), printed) < 0.02
    flat = pdftools.squeeze(pdftools.text(out))
    assert all(f"6108**********{1000 + n:04d}" in flat for n in range(1, 10))
    assert print_queue.job_finished(job.job_id)


def test_a_page_range_copies_and_a_landscape_sheet(cups_queue) -> None:
    before = len(cups_queue.outputs())
    print_queue.submit_pdf(_vouchers(9), cups_queue.queue, title="第2页", first_page=2, last_page=2)
    lines = [RosterLine(f"王{n}", "名州镇总工会", "深度困难", f"6108**********{n:04d}", 150_000) for n in range(1, 21)]
    sheet = SignoffRenderer().render(SignoffSheet("绥德县总工会", "2027年春节送温暖慰问金签领表", lines, date(2027, 1, 9)))
    print_queue.submit_pdf(sheet, cups_queue.queue, title="签领表", copies=2)
    page_two, printed = cups_queue.wait_for_output(before + 2)[-2:]
    only = pdftools.squeeze(pdftools.text(page_two.read_bytes()))
    assert "6108**********1004" in only and "6108**********1001" not in only
    assert pdftools.info(page_two.read_bytes())["Pages"] == "1"
    info = pdftools.info(printed.read_bytes())
    assert info["Pages"] == "4"  # two collated copies of a two-page sheet
    assert _difference(pdftools.page_image(sheet, 2, 40), pdftools.page_image(printed.read_bytes(), 4, 40)) < 0.02


def test_refusals_name_the_queue_and_print_nothing(cups_queue) -> None:
    with pytest.raises(PrintQueueError) as caught:
        print_queue.submit_pdf(_vouchers(1), "NoSuchPrinter", title="x")
    assert "NoSuchPrinter" in caught.value.message and "没有接受作业" in caught.value.message
    with pytest.raises(PrintQueueError, match="不是PDF"):
        print_queue.submit_pdf(b"hello", cups_queue.queue, title="x")
    with pytest.raises(PrintQueueError, match="份数"):
        print_queue.submit_pdf(_vouchers(1), cups_queue.queue, title="x", copies=0)


def test_media_names_the_forms_paper() -> None:
    assert print_queue.media_for(595.27, 841.89) == "A4" and print_queue.media_for(841.89, 595.27) == "A4"
    assert print_queue.media_for(595.27, 419.53) == "A5" and print_queue.media_for(612, 792) is None
