"""The Qt application. For now a start page over the database; the registry screens replace it (issue 4)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRunnable, Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from assist_desktop import __version__
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import FileStatus
from assist_desktop.services.overview import Overview, overview
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.schema import open_database
from assist_desktop.ui.fonts import install_cjk_font


class StartWindow(QMainWindow):
    def __init__(self, db_path: Path, figures: Overview, demo: bool) -> None:
        super().__init__()
        self.setWindowTitle(f"困难职工帮扶管理 {__version__}" + ("（演示）" if demo else ""))
        body = QWidget()
        layout = QVBoxLayout(body)
        title = QLabel(figures.unit_name or "尚未初始化的数据库")
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(title)
        counts = "、".join(f"{status.label} {figures.files_by_status[status.value]} 户"
                          for status in FileStatus if status.value in figures.files_by_status)
        layout.addWidget(QLabel(f"困难职工档案：{counts or '暂无'}；家庭成员 {figures.members} 人"))
        layout.addWidget(QLabel(f"未同步的档案：{figures.unsynced} 户"))
        path_label = QLabel(f"数据库：{db_path}")
        path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(path_label)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(720, 420)


class AutoBackup(QRunnable):
    """The automatic backup at start, off the GUI thread (a province-sized file takes seconds)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.result: Path | None = None
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.result = BackupManager(self.db_path).auto_backup()
        except DomainError as exc:  # a failed backup must not stop the work; it is reported
            self.error = exc.message


def build_window(db_path: Path, demo: bool = False) -> StartWindow:
    with open_database(db_path) as db, db.session() as session:
        figures = overview(session)
    return StartWindow(db_path, figures, demo)


def run(db_path: Path, demo: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    install_cjk_font(app)
    try:
        window = build_window(db_path, demo)
    except DomainError as exc:
        # Started from a desktop icon nobody reads stderr: say it in a window.
        QMessageBox.critical(None, "无法打开数据库", exc.message)
        return 1
    window.show()
    backup = AutoBackup(db_path)
    backup.setAutoDelete(False)
    pool = QThreadPool.globalInstance()
    pool.start(backup)
    code = app.exec()
    pool.waitForDone()  # never quit in the middle of writing a backup
    return code
