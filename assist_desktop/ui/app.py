"""Starting the program: fonts and translations, first run, login, the main window, automatic backup.

The start is ordered by what the caseworker sees first (P1): the login window comes up from a bare Qt start
and a first look at the file (``storage.peek``); SQLAlchemy, the models and the opening of the database
(check, upgrade, backup) run while the password is typed (``ui.shell.opening``); after Enter, the password
check, the main window and the first registry rows. This module imports nothing heavy at its top for that
reason. The automatic backup (and the page-by-page check of a large file) waits ``MAINTENANCE_DELAY_MS``
after the main window is up, so that it does not compete with the first searches.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import resource_path
from assist_desktop.ui.background import GarbageCollector, maintenance_pool
from assist_desktop.ui.fonts import install_cjk_font
from assist_desktop.ui.i18n import install_translators
from assist_desktop.ui.instance import InstanceLock

if TYPE_CHECKING:
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.models import User
    from assist_desktop.ui.context import AppContext

log = logging.getLogger(__name__)
DEMO_USER = "jingban"
MAINTENANCE_DELAY_MS = 20_000  # the integrity check of a large file and the hourly backup start this late
OPENING_AT_LATEST_MS = 300  # the database starts opening at the login window's first paint, or after this


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("AssistDesktop")
    icon = resource_path("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_cjk_font(app)
    install_translators(app)
    if not hasattr(app, "garbage_collector"):
        app.garbage_collector = GarbageCollector(app)  # type: ignore[attr-defined]
    return app


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
    """An error nobody caught: say so in a window rather than vanish (the details go to the log)."""
    log.error("uncaught", exc_info=(exc_type, exc, tb))  # type: ignore[arg-type]
    if isinstance(exc, DomainError):
        QMessageBox.warning(None, QCoreApplication.translate("App", "Not done"), exc.message)
        return
    QMessageBox.critical(None, QCoreApplication.translate("App", "Error"), QCoreApplication.translate(
        "App", "An unexpected error occurred. Your saved data is safe.\n\n{0}").format(
        "".join(traceback.format_exception_only(exc_type, exc)).strip()))


def ensure_initialised(db_path: Path) -> bool:
    """Run the first-run wizard when the file is missing or holds no unit yet; False if the user gave up."""
    from assist_desktop.services.setup import local_unit
    from assist_desktop.storage.schema import open_database

    if db_path.exists():
        with open_database(db_path) as db, db.session() as session:
            if local_unit(session) is not None:
                return True
    from assist_desktop.ui.shell.first_run import FirstRunWizard

    wizard = FirstRunWizard(db_path)
    return wizard.exec() == QDialog.DialogCode.Accepted


def log_in(db: Database, demo: bool) -> AppContext | None:
    """The demo's clerk, or whoever logs in with the login dialog on the open database."""
    from assist_desktop.services.demo_accounts import DEMO_PASSWORD
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import authenticate

    with db.session() as session:
        unit_name = local_unit(session).name  # type: ignore[union-attr]
    if demo:
        with db.session() as session:
            user = authenticate(session, DEMO_USER, DEMO_PASSWORD)
    else:
        from assist_desktop.ui.shell.login import database_login

        dialog = database_login(db, unit_name)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            return None
        user = dialog.user
    return context_for(db, user, demo)


def context_for(db: Database, user: User, demo: bool = False) -> AppContext:
    # Loaded after the login's own commit, in a session of their own, so nothing is left expired.
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import user_roles
    from assist_desktop.ui.context import AppContext

    with db.session() as session:
        unit = local_unit(session)
        assert unit is not None
        return AppContext(db=db, user=user, unit=unit, roles=user_roles(session, user), demo=demo)


def log_in_while_opening(db_path: Path, unit_name: str) -> AppContext | None:
    """The login window at once, the database opened meanwhile (``ui.shell.opening``); the context of whoever
    logged in, or None when the caseworker quit. What refused the file is raised once the window is closed."""
    from assist_desktop.ui.shell.login import LoginDialog, password_change
    from assist_desktop.ui.shell.opening import Opening

    opening = Opening(db_path)
    dialog = LoginDialog(unit_name, opening.check, opened=lambda: opening.done,
                         change=lambda user, old, new: password_change(opening.wait())(user, old, new))
    # refused: the window closes (on the GUI thread: the signal comes from the opening's), the reason follows
    opening.failed.connect(lambda _exc: dialog.reject(), Qt.ConnectionType.QueuedConnection)
    dialog.painted.connect(opening.start)  # once the window is on the screen: its first paint goes first
    QTimer.singleShot(OPENING_AT_LATEST_MS, opening.start)  # (where a platform does not paint it at once)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted and dialog.user is not None
    if not accepted and not opening.done:
        return None  # quit before the file was open: the daemon thread ends with the program
    db = opening.wait()  # raises what refused the file
    if not accepted:
        db.close()
        return None
    return context_for(db, dialog.user)  # type: ignore[arg-type]


def build_main_window(ctx: AppContext):  # type: ignore[no-untyped-def]
    from assist_desktop.ui.shell.main_window import MainWindow

    return MainWindow(ctx)


def event_loop(app: QApplication) -> int:
    return app.exec()


def run(db_path: Path, demo: bool = False) -> int:
    app = make_application()
    sys.excepthook = _excepthook
    lock = InstanceLock(db_path)
    busy = lock.acquire()
    if busy is not None:
        QMessageBox.warning(None, QCoreApplication.translate("App", "Already open"), busy)
        return 1
    try:
        return _run_locked(app, db_path, demo)
    finally:
        lock.release()


def _run_locked(app: QApplication, db_path: Path, demo: bool) -> int:
    from assist_desktop.storage.peek import peek

    seen = None if demo else peek(db_path)
    ctx: AppContext | None = None
    try:
        if seen is not None and seen.unit_name is not None:
            # a file of ours with its unit: the login window now, the opening behind it
            ctx = log_in_while_opening(db_path, seen.unit_name)
            if ctx is None:
                return 0
            db = ctx.db
        else:
            # the first run, the demo, or a file only the full opening can judge: opened first, as before
            if not ensure_initialised(db_path):
                return 0
            from assist_desktop.storage.schema import open_database

            db = open_database(db_path)
    except DomainError as exc:
        # Started from a desktop icon nobody reads stderr: say it in a window.
        QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot open the database"), exc.message)
        return 1
    pool = QThreadPool.globalInstance()
    code = 0
    try:
        while True:
            ctx = ctx or log_in(db, demo)
            if ctx is None:
                break
            window = build_main_window(ctx)
            window.show()
            QTimer.singleShot(MAINTENANCE_DELAY_MS, window, window.start_maintenance)
            code = event_loop(app)
            if not window.switch_requested:
                break
            ctx, demo = None, False  # switching user always asks for the password
    finally:
        maintenance_pool().waitForDone()  # never quit in the middle of writing a backup
        pool.waitForDone()
        db.close()
    return code
