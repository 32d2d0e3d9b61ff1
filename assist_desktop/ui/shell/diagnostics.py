"""帮助 → 导出诊断信息: the diagnostics zip written in the background to a file the caseworker picks,
and what only the window knows for it (Qt, the platform plugin, the screens and their scaling)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import QCoreApplication, QStandardPaths, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from assist_desktop.logs import redact
from assist_desktop.ui.background import Op, run_op

if TYPE_CHECKING:  # the start imports this module for its Qt message handler, before the database layer loads
    from assist_desktop.ui.context import AppContext


def interface_facts() -> dict[str, str]:
    """Qt's side of the report: versions, platform plugin, style, screens with size and scaling."""
    app = QGuiApplication.instance()
    facts = {"Qt": qVersion(), "PySide6": PySide6.__version__}
    if isinstance(app, QGuiApplication):
        facts["平台插件"] = QGuiApplication.platformName()
        facts["界面字体"] = f"{app.font().family()} {app.font().pointSizeF():g} pt"
        for n, screen in enumerate(QGuiApplication.screens(), 1):
            size = screen.size()
            facts[f"屏幕 {n}"] = (f"{size.width()}×{size.height()}（逻辑像素），缩放 {screen.devicePixelRatio():g}，"
                                 f"逻辑 DPI {screen.logicalDotsPerInch():g}")
    return facts


def export_diagnostics(parent: QWidget, ctx: AppContext) -> Op[Path] | None:
    """Ask where to save, then write the zip in the background and say where it is."""
    from assist_desktop.services.diagnostics import suggested_name, write_diagnostics

    start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation) or str(Path.home())
    title = QCoreApplication.translate("Diagnostics", "Export diagnostics")
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(Path(start) / suggested_name(ctx.unit.code)),
                                            QCoreApplication.translate("Diagnostics", "Zip files (*.zip)"))
    if not chosen:
        return None
    target = Path(chosen) if chosen.lower().endswith(".zip") else Path(chosen + ".zip")
    facts = interface_facts()  # read on the GUI thread

    def work(progress):  # type: ignore[no-untyped-def]
        return write_diagnostics(ctx.db, target, facts, progress=lambda done, total: progress.report(done, total))

    def done(path: Path) -> None:
        QMessageBox.information(parent, title, QCoreApplication.translate(
            "Diagnostics", "Diagnostics written to {0}.\n\nIt holds the program's and the system's versions, "
            "the database's row counts and the program's logs, and nothing of the files' contents. "
            "Give it to your IT staff; nothing has been sent anywhere.").format(path))

    return run_op(parent, work, on_done=done, title=title, cancellable=False)


def qt_message_to_log(mode, _context, message: str) -> None:  # type: ignore[no-untyped-def]
    """Qt's own warnings (a platform plugin that will not load, a missing font) into the program's log."""
    import logging

    from PySide6.QtCore import QtMsgType

    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}.get(mode, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", redact(message))
    if sys.stderr is not None:  # as Qt's own handler would (a windowed Windows build has no stderr)
        print(message, file=sys.stderr, flush=True)
