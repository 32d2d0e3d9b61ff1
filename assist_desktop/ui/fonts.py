"""The bundled CJK font, so Chinese renders on a PC that has none installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from assist_desktop.paths import resource_path

CJK_FONT_FILE = resource_path("fonts", "wqy-microhei.ttc")


def install_cjk_font(app: QApplication) -> str:
    """Register the bundled font and make it the application's default; return its family name."""
    font_id = QFontDatabase.addApplicationFont(str(CJK_FONT_FILE))
    if font_id < 0:
        raise RuntimeError(f"无法加载字体文件 {CJK_FONT_FILE}")
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return family
