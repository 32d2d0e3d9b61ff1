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


def qt_catalogue_dirs() -> list[Path]:
    """Where Qt's own catalogue (qtbase_zh_CN.qm: the file dialog's 查找范围, the print dialog's 打印) is
    looked for: the copy the bundle keeps in resources/translations/qt (build.spec), Qt's translations
    folder, and PySide6's own (a frozen program's Qt may point elsewhere)."""
    import PySide6

    return [resource_path("translations", "qt"), Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            Path(PySide6.__file__).resolve().parent / "Qt" / "translations"]


def install_translators(app: QCoreApplication, locale: str = LOCALE) -> list[str]:
    """Load every area's catalogue, and Qt's own (standard dialogs); return what was loaded. Qt's is
    installed last so that it is asked first; ``qt_extra`` holds what Qt's lacks (Qt 6's newer labels)."""
    QLocale.setDefault(QLocale(locale))
    loaded = []
    for qm in sorted(catalogue_dir(locale).glob("*.qm")):
        translator = QTranslator(app)
        if not translator.load(str(qm)):
            raise RuntimeError(f"无法加载翻译文件 {qm}")
        app.installTranslator(translator)
        _installed.append(translator)
        loaded.append(qm.stem)
    for folder in qt_catalogue_dirs():
        qt_translator = QTranslator(app)
        if qt_translator.load(QLocale(locale), "qtbase", "_", str(folder)):
            app.installTranslator(qt_translator)
            _installed.append(qt_translator)
            loaded.append("qtbase")
            break
    return loaded


def prefer_chinese_dates() -> None:
    """Before the QApplication exists: dates Qt writes with the system's format (the file dialog's 修改日期)
    as 2026/12/7, not 7 12 2026, on a Linux desktop whose locale is not Chinese. Qt reads the time format
    from LC_TIME when LC_ALL does not set one; Windows takes the PC's regional setting."""
    import os
    import sys

    if sys.platform == "win32" or os.environ.get("LC_ALL"):
        return
    current = os.environ.get("LC_TIME") or os.environ.get("LANG") or ""
    if not current.startswith("zh"):
        os.environ["LC_TIME"] = "zh_CN.UTF-8"

