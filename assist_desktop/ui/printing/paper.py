"""Sending a rendered PDF where the print dialog said, in a worker thread, page by page where it can.

- **A CUPS printer** (Linux, UOS, Kylin): the PDF itself goes to the queue (``services.print_queue``, with
  the dialog's copies, page range and two-sided choice); the printer's driver rasterises it. A campaign's
  vouchers leave in about a second as a 2–3 MB job.
- **Print to file (PDF)** in the dialog: the PDF bytes are written to that file as they are — a PDF save,
  not paper.
- **Anything else** (Windows, or no CUPS): the raster path, ``preview.print_pdf`` (≤ 300 dpi, grayscale or
  1-bit, page by page, cancellable).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter

from assist_desktop.services import print_queue
from assist_desktop.ui.background import Progress
from assist_desktop.ui.printing.preview import PrintFailed, print_pdf

PAPER, PDF_FILE = "paper", "pdf"
VECTOR, RASTER, FILE = "cups", "raster", "file"


@dataclass(frozen=True)
class Sent:
    """Where the document went: ``medium`` paper or a PDF file; ``how`` cups / raster / file."""

    medium: str
    how: str
    where: str  # the queue, the printer's name, or the file
    pages: tuple[int, int] | None  # the page range printed (1-based), None for all
    job_id: str = ""
    size: int = 0  # bytes handed over (the PDF, for CUPS and a file)


def page_range(printer: QPrinter, count: int) -> tuple[int, int] | None:
    """The pages the dialog asked for, None for all of them."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
        return (first, last) if (first, last) != (1, count) else None
    return None


def route(printer: QPrinter) -> str:
    """Which path a printer takes (see the module's text)."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return FILE
    name = printer.printerName()
    if name and print_queue.available() and name in {q.name for q in print_queue.queues()}:
        return VECTOR
    return RASTER


def send(data: bytes, printer: QPrinter, title: str, pages: int, progress: Progress | None = None,
         *, media: str | None = "A4") -> Sent:
    """In a worker: print or write ``data`` (a PDF of ``pages`` pages) as ``printer`` was set up."""
    chosen = page_range(printer, pages)
    how = route(printer)
    if progress is not None:
        progress.report(0, pages if how == RASTER else 1)
    if how == FILE:
        target = Path(printer.outputFileName())
        partial = target.with_name(target.name + ".part")
        if progress is not None:
            progress.check()  # 取消 before the file is written leaves no file at all
        try:
            partial.write_bytes(data)  # never half a PDF under the chosen name: written aside, then renamed
            partial.replace(target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise PrintFailed(f"{target}: {exc.strerror or exc}") from exc
        return Sent(PDF_FILE, FILE, str(target), None, size=len(data))
    if how == VECTOR:
        duplex = printer.duplex() in (QPrinter.DuplexMode.DuplexLongSide, QPrinter.DuplexMode.DuplexAuto)
        job = print_queue.submit_pdf(data, printer.printerName(), title=title, copies=max(1, printer.copyCount()),
                                     first_page=chosen[0] if chosen else None, last_page=chosen[1] if chosen else None,
                                     duplex=duplex, media=media)
        if progress is not None:
            progress.report(1, 1)
        return Sent(PAPER, VECTOR, job.queue, chosen, job.job_id, job.size)
    printed = print_pdf(data, printer, progress)
    first = chosen[0] if chosen else 1
    return Sent(PAPER, RASTER, printer.printerName() or printer.outputFileName(), (first, first + printed - 1)
                if chosen else None)


__all__ = ["FILE", "PAPER", "PDF_FILE", "RASTER", "Sent", "VECTOR", "page_range", "route", "send"]
