"""The main window: section navigation on the left, the section's page, and a status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QMessageBox, QStackedWidget, QVBoxLayout, QWidget)

from assist_desktop import __version__
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.overview import unsynced_records
from assist_desktop.services import backups
from assist_desktop.storage.backup import BackupManager
from assist_desktop.ui.background import lower_status_thread, maintenance_pool, run_op, status_pool
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.screen import fitted_size

log = logging.getLogger(__name__)
PageFactory = Callable[[AppContext], QWidget]
STATUS_AFTER_PAGE_MS = 1000  # the status bar counts again this long after a page is chosen (show_section)


class ComingPage(QWidget):
    """A section that a later release fills in."""

    def __init__(self, title: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(heading)
        layout.addWidget(QLabel(self.tr("This section is coming in a later version.")))
        layout.addStretch(1)


def _sections() -> list[tuple[str, str, PageFactory | None]]:
    """(key, title, page factory); None means a page still to come. Imported lazily to keep start-up quick."""
    def registry(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.registry.page import RegistryPage

        return RegistryPage(ctx)

    def scholarships(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.scholarships.page import ScholarshipsPage

        return ScholarshipsPage(ctx)

    def campaigns(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.campaigns.page import CampaignsPage

        return CampaignsPage(ctx)

    def approvals(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.approvals.page import ApprovalsPage

        return ApprovalsPage(ctx)

    def statistics(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.statistics.page import StatisticsPage

        return StatisticsPage(ctx)

    def printing(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.printing.page import PrintingPage

        return PrintingPage(ctx)

    def sync(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.sync.page import SyncPage

        return SyncPage(ctx)

    def settings(ctx: AppContext) -> QWidget:
        from assist_desktop.ui.settings.page import SettingsPage

        return SettingsPage(ctx)

    return [
        ("registry", QCoreApplication.translate("MainWindow", "Hardship files"), registry),
        ("scholarships", QCoreApplication.translate("MainWindow", "Golden Autumn scholarships"), scholarships),
        ("campaigns", QCoreApplication.translate("MainWindow", "Spring Festival visits"), campaigns),
        ("approvals", QCoreApplication.translate("MainWindow", "Approvals"), approvals),
        ("print", QCoreApplication.translate("MainWindow", "Printing"), printing),
        ("sync", QCoreApplication.translate("MainWindow", "Sync"), sync),
        ("statistics", QCoreApplication.translate("MainWindow", "Statistics"), statistics),
        ("settings", QCoreApplication.translate("MainWindow", "Settings"), settings),
    ]


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        title = self.tr("Hardship Assistance {0}").format(__version__)
        if ctx.demo:
            title += self.tr(" (demo)")
        if not ctx.db.encrypted:  # the demo, or a file from before encryption (assist-desktop encrypt)
            title += self.tr(" (not encrypted)")
        self.setWindowTitle(f"{title} — {ctx.unit.name}")
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 14px; } QListWidget::item { padding: 8px; }")
        self.stack = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.pages: dict[str, QWidget] = {}
        self._factories: dict[str, PageFactory | None] = {}
        self._titles: dict[str, str] = {}
        for key, label, factory in _sections():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self._factories[key], self._titles[key] = factory, label
            placeholder = QWidget()
            self.stack.addWidget(placeholder)
        self.nav.currentRowChanged.connect(self._show_row)
        self._build_menu()
        self._build_status_bar()
        self.nav.setCurrentRow(0)
        self._status_after_first_rows()
        self.resize(fitted_size(self, 1200, 760))
        ctx.events.files_changed.connect(lambda _ids: self.refresh_status())
        ctx.events.workflow_changed.connect(self.refresh_status)
        ctx.events.backup_taken.connect(lambda _p: self.refresh_status())
        from assist_desktop.ui.refresh import ChangeWatcher  # others' changes (other desks, the terminal)

        self.watcher = ChangeWatcher(ctx, self)
        ctx.events.synced.connect(self.refresh_status)

    # --- pages --------------------------------------------------------------------------------------

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        self.show_section(key)

    def show_section(self, key: str) -> QWidget:
        """Build a section's page the first time it is shown."""
        keys = list(self._factories)
        index = keys.index(key)
        if key not in self.pages:
            factory = self._factories[key]
            page = factory(self.ctx) if factory else ComingPage(self._titles[key])
            page.setObjectName(f"page_{key}")
            old = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.pages[key] = page
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)
        if self.stack.currentIndex() != index:
            # writes no event announces (users, standards) show up in the count too; counted once the page
            # has read what it shows (a province's count reads millions of index entries: it would compete)
            QTimer.singleShot(STATUS_AFTER_PAGE_MS, self.refresh_status)
        self.stack.setCurrentIndex(index)
        return self.pages[key]

    # --- menu ---------------------------------------------------------------------------------------

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        backup = QAction(self.tr("Back up now"), self)
        backup.triggered.connect(self.back_up)
        file_menu.addAction(backup)
        switch = QAction(self.tr("Switch user…"), self)
        switch.triggered.connect(self.switch_user)
        file_menu.addAction(switch)
        refresh = QAction(self.tr("Refresh"), self)
        refresh.setObjectName("refresh")
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(lambda: self.watcher.check(force=True))
        file_menu.addAction(refresh)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        tools_menu = self.menuBar().addMenu(self.tr("&Tools"))
        verify = QAction(self.tr("Verify a payment voucher…"), self)
        verify.setObjectName("verify_voucher")
        verify.triggered.connect(self.verify_voucher)
        tools_menu.addAction(verify)
        self.verify_action = verify
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        diagnostics = QAction(self.tr("Export diagnostics…"), self)
        diagnostics.setObjectName("export_diagnostics")
        diagnostics.triggered.connect(self.export_diagnostics)
        help_menu.addAction(diagnostics)
        about = QAction(self.tr("About"), self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)
        self.switch_requested = False
        self.next_user = None  # who logged in through 切换用户

    def back_up(self) -> None:
        def done(target: object) -> None:
            self.ctx.events.backup_taken.emit(str(target))
            self.statusBar().showMessage(self.tr("Backed up to {0}").format(target), 8000)

        db, user = self.ctx.db, self.ctx.user
        run_op(self, lambda _p: backups.back_up(db, user), on_done=done, title=self.tr("Backing up"),
               cancellable=False)

    def switch_user(self) -> bool:
        """切换用户: the login first, in front of this window; Esc or 退出 there leaves everything as it was.
        Logged in, this window closes and the program opens one for the new user."""
        from assist_desktop.ui.shell.login import database_login

        dialog = database_login(self.ctx.db, self.ctx.unit.name, self)
        dialog.setWindowTitle(self.tr("Switch user"))
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            return False
        self.next_user = dialog.user
        self.switch_requested = True
        self.close()
        return True

    def log_in_again(self) -> None:
        """After a restore: the window closes and the program asks for a login (the file's users)."""
        self.next_user = None
        self.switch_requested = True
        self.close()

    def verify_voucher(self) -> QWidget:
        """核验发放凭证: a scanned or pasted QR code checked offline (non-modal: scan one after another)."""
        from assist_desktop.ui.printing.verify import VerifyVoucherDialog

        dialog = VerifyVoucherDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.verify_dialog = dialog
        return dialog

    def export_diagnostics(self) -> object:
        """导出诊断信息: a zip for the IT staff (versions, row counts, logs; no contents), in the background."""
        from assist_desktop.ui.shell.diagnostics import export_diagnostics

        self.diagnostics_op = export_diagnostics(self, self.ctx)
        return self.diagnostics_op

    def about(self) -> QWidget:
        from assist_desktop.ui.shell.about import AboutDialog

        dialog = AboutDialog(self.ctx.db_path, self)
        dialog.open()
        return dialog

    # --- after start -----------------------------------------------------------------------------------

    def start_maintenance(self) -> None:
        """Off the GUI thread: the page-by-page check of a large file (skipped at open), then the
        automatic backup (in the audit log as the program's), and another every hour while the window is
        open. A damaged file is said at once, and is not backed up over good backups. A server database is the
        server's to check and back up (assist-desktop backup, scheduled by the IT person): no backup timer."""
        path, key = self.ctx.db_path, self.ctx.db.key
        if self.ctx.db.is_server:
            return
        db, user = self.ctx.db, self.ctx.user

        def work(_progress: object) -> tuple[str | None, object]:
            from assist_desktop.services.maintenance import run_maintenance

            # at the least priority (typing goes first); the backup in the audit log as the program's
            return run_maintenance(path, key=key,
                                   back_up=lambda: backups.auto_back_up(db, backups.AT_START, session_user=user))

        def done(result: tuple[str | None, object]) -> None:
            problem, backup = result
            if problem:
                QMessageBox.critical(self, self.tr("Database damaged"), problem)
                return  # no hourly backups of a damaged file either: they would thin out the good ones
            if backup:
                self.ctx.events.backup_taken.emit(str(backup))
            self.backup_timer.start()

        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(60 * 60 * 1000)
        self.backup_timer.timeout.connect(self.back_up_hourly)
        self.maintenance_op = run_op(self, work, on_done=done, show_progress=False, pool=maintenance_pool())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        timer = getattr(self, "backup_timer", None)
        if timer is not None:
            timer.stop()  # 切换用户 opens a new window with its own: no hourly backups in the old user's name
        super().closeEvent(event)

    def back_up_hourly(self) -> object:
        """The hourly automatic backup, in the background, quietly unless it fails."""
        running = getattr(self, "hourly_backup_op", None)
        if running is not None and not running.done:  # a slow disk: the last hour's is still being written
            return running
        db, user = self.ctx.db, self.ctx.user

        def done(backup: object) -> None:
            if backup:
                self.ctx.events.backup_taken.emit(str(backup))

        def work(_progress: object) -> object:
            from assist_desktop.services.maintenance import background_priority

            background_priority()  # a province's 1.6 GB copy must not slow the typing either
            return backups.auto_back_up(db, backups.HOURLY, session_user=user)

        self.hourly_backup_op = run_op(self, work, on_done=done, show_progress=False, pool=maintenance_pool())
        return self.hourly_backup_op

    # --- status bar ---------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        roles = "、".join(r.label for r in Role if r in self.ctx.roles)
        self.user_label = QLabel(self.tr("User: {0} ({1})").format(self.ctx.user.display_name, roles))
        self.unit_label = QLabel(self.tr("Unit: {0}").format(self.ctx.unit.name))
        self.db_label = QLabel(self.tr("Database: {0}").format(self.ctx.db_path))
        self.backup_label = QLabel()
        self.unsynced_label = QLabel()
        for name in ("user", "unit", "db", "backup", "unsynced"):
            widget = getattr(self, f"{name}_label")
            widget.setObjectName(f"status_{name}")
            bar.addPermanentWidget(widget)

    def _status_after_first_rows(self) -> None:
        """The status bar's counts once the registry shows its first rows: on a province's file counting the
        unsynced records reads millions of index entries, which must not delay the first rows."""
        model = getattr(self.pages.get("registry"), "model", None)
        searched = getattr(model, "searched", None)
        if searched is None:
            QTimer.singleShot(0, self.refresh_status)
            return

        def first(_total: int) -> None:
            searched.disconnect(first)
            QTimer.singleShot(0, self.refresh_status)

        searched.connect(first)

    def refresh_status(self) -> None:
        """Last backup and unsynced count, counted off the GUI thread (a large file takes a moment), in the
        status bar's own thread. Asked again while a count runs, it counts once more after it (whatever
        changed meanwhile shows), rather than starting counts side by side."""
        if not shiboken6.isValid(self):  # the context's events outlive a closed window (切换用户, a test's window)
            return
        if getattr(self, "_status_counting", False):
            self._status_again = True
            return
        self._status_counting, self._status_again = True, False
        db, path = self.ctx.db, self.ctx.db_path

        def work(_progress: object) -> tuple[datetime | None, int]:
            lower_status_thread()
            last = BackupManager(path, key=db.key).last_backup()
            with db.session() as session:
                return (last.taken_at if last else None), unsynced_records(session)

        def show(result: tuple[datetime | None, int]) -> None:
            taken, unsynced = result
            self.backup_label.setText(self.tr("Last backup: {0}").format(
                taken.strftime("%Y-%m-%d %H:%M") if taken else self.tr("none")))
            self.unsynced_label.setText(self.tr("Not yet synced: {0}").format(unsynced))

        def settled() -> None:
            if not shiboken6.isValid(self):
                return
            self._status_counting = False
            if self._status_again:
                self.refresh_status()

        def failed(exc: BaseException) -> None:  # a figure of the status bar: no box over the caseworker's work
            log.warning("status bar count failed: %r", exc)  # the last figure stays

        self.status_op = run_op(self, work, on_done=show, on_error=failed, show_progress=False, pool=status_pool())
        self.status_op.settled.connect(settled)
