"""The print preview of a rendered PDF (QtPdf), and printing its pages onto a QPrinter.

``PdfPreview`` shows the pages with page navigation and zoom. ``print_pdf`` is the raster path, for a
printer that cannot take the PDF itself (Windows, no CUPS; ``ui/printing/paper`` chooses): it runs in a
worker thread (``run_op``), opens its own ``QPdfDocument`` on the bytes, and page by page renders at the
printer's resolution capped at 300 dpi — text and rules need no more, and 600 dpi made a 76-page job a
217 MB spool — turns the page into grayscale, or into 1-bit when it is text and rules only (every form
the program prints), and paints it onto the printer with a ``QPainter`` (Qt allows painting on a QPrinter
outside the GUI thread). A 1-bit A4 page at 300 dpi is about 1 MB before compression, a colour one 35 MB.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QToolButton,
                               QVBoxLayout, QWidget)

from assist_desktop.ui.background import Cancelled, Progress
from assist_desktop.ui.flow import FlowLayout

# The finest raster sent to a printer: 300 dpi prints text and rules cleanly; an A4 page is 2480 × 3508 pixels.
MAX_PRINT_DPI = 300
# A page is "text" (printed 1-bit) when under this share of its pixels are mid-grey (anti-aliased edges are
# a fraction of a percent; a photo or a shaded area is far more).
TEXT_PAGE_MIDTONES = 0.02
MONO_TABLE = [0xFF000000, 0xFFFFFFFF]
ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
FIT_WIDTH, FIT_PAGE = "width", "page"


class PrintFailed(Exception):
    """The printer could not be opened or refused a page."""


def load_pdf(document: QPdfDocument, data: bytes) -> QBuffer:
    """Load ``data`` into ``document``; the returned buffer must stay alive as long as the document."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


def page_layout_for(size: QSizeF) -> QPageLayout:
    """The paper of a page of ``size`` points (A4 portrait, A4 landscape …), without margins: the PDF
    carries its own."""
    portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    orientation = (QPageLayout.Orientation.Landscape if size.width() > size.height()
                   else QPageLayout.Orientation.Portrait)
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    return QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0))


def prepare_printer(printer: QPrinter, first_page: QSizeF | None, title: str) -> None:
    """Paper and orientation from the document's first page, the whole sheet as the drawing area, the
    job's name."""
    if first_page is not None and not first_page.isEmpty():
        printer.setPageLayout(page_layout_for(first_page))
    printer.setFullPage(True)
    printer.setDocName(title)


def print_pdf(data: bytes, printer: QPrinter, progress: Progress | None = None) -> int:
    """Print the PDF's pages (the range chosen in the print dialog, else all); returns pages printed.
    Runs in a worker thread; a cancel aborts the print job."""
    document = QPdfDocument()
    buffer = load_pdf(document, data)  # read by the document while it renders
    count = document.pageCount()
    if count < 1:
        raise PrintFailed("empty document")
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
    pages = list(range(first - 1, last))
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed("the printer could not be opened")
    try:
        for done, index in enumerate(pages):
            if progress is not None:
                if progress.cancelled:
                    printer.abort()
                    raise Cancelled
                progress.report(done, len(pages))
            if done and not printer.newPage():
                raise PrintFailed("the printer refused a page")
            points = document.pagePointSize(index)
            pixels = QSize(max(1, round(points.width() / 72 * dpi)), max(1, round(points.height() / 72 * dpi)))
            image = document.render(index, pixels)
            if image.isNull():
                raise PrintFailed(f"page {index + 1} could not be rendered")
            image = for_paper(image)
            area = QRectF(painter.viewport())
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QSizeF(image.width() * scale, image.height() * scale)
            corner = QPointF(area.x() + (area.width() - target.width()) / 2,
                             area.y() + (area.height() - target.height()) / 2)
            painter.drawImage(QRectF(corner, target), image)
        if progress is not None:
            progress.report(len(pages), len(pages))
    finally:
        if painter.isActive():
            painter.end()
        document.close()
        buffer.close()
    return len(pages)


def for_paper(image: QImage) -> QImage:
    """A rendered page as a printer wants it: on white paper, in grayscale, and 1-bit when it holds only text
    and rules (a sharp threshold, no dithering). Pillow does the pixel work (C, a 300 dpi A4 page in about
    a tenth of a second; Qt's own conversions to 1-bit take four times as long)."""
    from PIL import Image, ImageChops

    image = image.convertToFormat(QImage.Format.Format_ARGB32)  # what QtPdf renders: ink on transparent
    w, h = image.width(), image.height()
    rgba = Image.frombuffer("RGBA", (w, h), image.constBits(), "raw", "BGRA", image.bytesPerLine(), 1)  # no copy
    # on white paper: each pixel darker than the paper by its ink's darkness times its coverage (alpha)
    gray = ImageChops.invert(ImageChops.multiply(rgba.getchannel("A"), ImageChops.invert(rgba.convert("L"))))
    histogram = gray.histogram()
    if sum(histogram[48:208]) / max(1, w * h) < TEXT_PAGE_MIDTONES:
        mono = gray.convert("1", dither=Image.Dither.NONE)  # threshold at half
        page = QImage(mono.tobytes("raw", "1"), w, h, (w + 7) // 8, QImage.Format.Format_Mono).copy()
        # black first, then white: only this colour table makes Qt's PDF and print engines send the page as
        # a 1-bit bitmap (a PDF image mask); any other goes as 24-bit colour
        page.setColorTable(MONO_TABLE)
        return page
    return QImage(gray.tobytes(), w, h, w, QImage.Format.Format_Grayscale8).copy()


class PdfPreview(QWidget):
    """Pages of a PDF with page navigation, zoom, and the print and save buttons (the page wires them)."""

    page_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buffer: QBuffer | None = None
        self.data: bytes | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        bar = FlowLayout()  # wraps on a narrow screen (1024×768) instead of widening the window
        self.previous_button = QToolButton()
        self.previous_button.setObjectName("previous_page")
        self.previous_button.setText(self.tr("◀ Previous"))
        self.previous_button.setToolTip(self.tr("Previous page (Page Up)"))
        self.previous_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        bar.addWidget(self.previous_button)
        self.page_label = QLabel()
        self.page_label.setObjectName("page_label")
        self.page_label.setMinimumWidth(90)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.page_label)
        self.next_button = QToolButton()
        self.next_button.setObjectName("next_page")
        self.next_button.setText(self.tr("Next ▶"))
        self.next_button.setToolTip(self.tr("Next page (Page Down)"))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        bar.addWidget(self.next_button)
        self.zoom_out_button = QToolButton()
        self.zoom_out_button.setObjectName("zoom_out")
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip(self.tr("Zoom out"))
        self.zoom_out_button.clicked.connect(lambda: self.step_zoom(-1))
        bar.addWidget(self.zoom_out_button)
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("zoom")
        self.zoom_combo.addItem(self.tr("Fit width"), FIT_WIDTH)
        self.zoom_combo.addItem(self.tr("Whole page"), FIT_PAGE)
        for factor in ZOOM_STEPS:
            self.zoom_combo.addItem(f"{round(factor * 100)}%", factor)
        self.zoom_combo.currentIndexChanged.connect(self._zoom_chosen)
        bar.addWidget(self.zoom_combo)
        self.zoom_in_button = QToolButton()
        self.zoom_in_button.setObjectName("zoom_in")
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip(self.tr("Zoom in"))
        self.zoom_in_button.clicked.connect(lambda: self.step_zoom(1))
        bar.addWidget(self.zoom_in_button)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setObjectName("print")
        bar.addWidget(self.print_button)
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.save_button.setObjectName("save_pdf")
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

        self.stack = QStackedWidget()
        self.empty_label = QLabel(self.tr("Choose what to print on the left, then press Preview."))
        self.empty_label.setObjectName("empty_hint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #666; font-size: 14px; background: #e8e8e8;")
        self.stack.addWidget(self.empty_label)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: #8a8a8a; }")
        self.view.pageNavigator().currentPageChanged.connect(self._page_moved)
        self.stack.addWidget(self.view)
        layout.addWidget(self.stack, 1)
        self.clear()

    # --- the document ---------------------------------------------------------------------------------

    def set_pdf(self, data: bytes) -> int:
        """Show ``data``; returns its page count."""
        self.document.close()
        self.data = data
        self._buffer = load_pdf(self.document, data)
        self.stack.setCurrentWidget(self.view)
        self.view.pageNavigator().jump(0, QPointF(), self.view.zoomFactor())
        self._update_controls()
        return self.page_count()

    def clear(self) -> None:
        self.document.close()
        self.data = None
        self._buffer = None
        self.stack.setCurrentWidget(self.empty_label)
        self._update_controls()

    def page_count(self) -> int:
        return self.document.pageCount() if self.data is not None else 0

    def first_page_size(self) -> QSizeF | None:
        """The first page's size in points (for the printer's paper), None when nothing is shown."""
        return self.document.pagePointSize(0) if self.page_count() else None

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        if not self.page_count():
            return
        page = max(0, min(page, self.page_count() - 1))
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())
        self._update_controls()

    def _page_moved(self, page: int) -> None:
        self._update_controls()
        self.page_changed.emit(page)

    def _update_controls(self) -> None:
        count = self.page_count()
        current = self.current_page() if count else -1
        self.page_label.setText(self.tr("Page {0} of {1}").format(current + 1, count) if count else "")
        self.previous_button.setEnabled(count > 0 and current > 0)
        self.next_button.setEnabled(count > 0 and current < count - 1)
        for widget in (self.zoom_combo, self.zoom_in_button, self.zoom_out_button):
            widget.setEnabled(count > 0)

    # --- zoom -----------------------------------------------------------------------------------------

    def _zoom_chosen(self, _index: int) -> None:
        choice = self.zoom_combo.currentData()
        if choice == FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif choice == FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(choice))

    def zoom_factor(self) -> float:
        return self.view.zoomFactor()

    def step_zoom(self, direction: int) -> None:
        """One step of the fixed factors up or down from what is shown now (a fitted zoom included)."""
        now = self.view.zoomFactor()
        if direction > 0:
            factor = next((f for f in ZOOM_STEPS if f > now + 0.01), ZOOM_STEPS[-1])
        else:
            factor = next((f for f in reversed(ZOOM_STEPS) if f < now - 0.01), ZOOM_STEPS[0])
        self.zoom_combo.setCurrentIndex(self.zoom_combo.findData(factor))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_PageDown:
            self.go_to(self.current_page() + 1)
        elif event.key() == Qt.Key.Key_PageUp:
            self.go_to(self.current_page() - 1)
        else:
            super().keyPressEvent(event)
