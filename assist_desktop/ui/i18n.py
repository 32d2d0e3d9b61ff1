"""Qt's translation layer: source strings are English, Simplified Chinese is shipped and the default.

Each area of the UI (a sub-package of ``ui/``, or ``ui`` itself for the modules at its top) has its own
catalogue ``resources/translations/zh_CN/<area>.ts``, compiled to ``.qm`` by ``scripts/i18n.py release``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from assist_desktop.paths import resource_path

LOCALE = "zh_CN"
_installed: list[QTranslator] = []  # kept alive: Qt does not own installed translators


def catalogue_dir(locale: str = LOCALE) -> Path:
    return resource_path("translations", locale)


def install_translators(app: QCoreApplication, locale: str = LOCALE) -> list[str]:
    """Load every area's catalogue, and Qt's own (button texts of standard dialogs); return areas loaded."""
    QLocale.setDefault(QLocale(locale))
    loaded = []
    for qm in sorted(catalogue_dir(locale).glob("*.qm")):
        translator = QTranslator(app)
        if not translator.load(str(qm)):
            raise RuntimeError(f"无法加载翻译文件 {qm}")
        app.installTranslator(translator)
        _installed.append(translator)
        loaded.append(qm.stem)
    qt_translator = QTranslator(app)
    if qt_translator.load(QLocale(locale), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_translator)
        _installed.append(qt_translator)
    return loaded

