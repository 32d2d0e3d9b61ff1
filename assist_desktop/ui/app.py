"""Starting the program: fonts and translations, first run, login, the main window, automatic backup."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import resource_path
from assist_desktop.services.demo_accounts import DEMO_PASSWORD
from assist_desktop.services.setup import local_unit
from assist_desktop.services.users import authenticate, user_roles
from assist_desktop.storage.engine import Database
from assist_desktop.storage.location import Location, ServerAddress, parse_location
from assist_desktop.storage.schema import open_database
from assist_desktop.ui.background import GarbageCollector
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.fonts import install_cjk_font
from assist_desktop.ui.i18n import install_translators
from assist_desktop.ui.instance import InstanceLock

log = logging.getLogger(__name__)
DEMO_USER = "jingban"


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


def ensure_initialised(db_path: Location) -> Location | None:
    """Run the first-run wizard when the file is missing, or the file or server database holds no unit yet;
    the location to open (the wizard may have chosen a server), or None if the user gave up."""
    if not isinstance(db_path, Path) or db_path.exists():
        with open_database(db_path) as db, db.session() as session:
            if local_unit(session) is not None:
                return db_path
    from assist_desktop.ui.shell.first_run import FirstRunWizard

    wizard = FirstRunWizard(db_path)
    return wizard.location if wizard.exec() == QDialog.DialogCode.Accepted else None


def log_in(db: Database, demo: bool) -> AppContext | None:
    with db.session() as session:
        unit_name = local_unit(session).name  # type: ignore[union-attr]
    if demo:
        with db.session() as session:
            user = authenticate(session, DEMO_USER, DEMO_PASSWORD)
    else:
        from assist_desktop.ui.shell.login import LoginDialog

        dialog = LoginDialog(db, unit_name)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            return None
        user = dialog.user
    # Loaded after the login's own commit, in a session of their own, so nothing is left expired.
    with db.session() as session:
        unit = local_unit(session)
        assert unit is not None
        return AppContext(db=db, user=user, unit=unit, roles=user_roles(session, user), demo=demo)


def build_main_window(ctx: AppContext):  # type: ignore[no-untyped-def]
    from assist_desktop.ui.shell.main_window import MainWindow

    return MainWindow(ctx)


def event_loop(app: QApplication) -> int:
    return app.exec()


def run(db_path: Location | str, demo: bool = False) -> int:
    app = make_application()
    sys.excepthook = _excepthook
    db_path = parse_location(db_path)
    if isinstance(db_path, ServerAddress):
        # Several desks share a server: no lock file; the password is asked (or taken from the keyring) first.
        try:
            from assist_desktop.ui.shell.server_login import unlock_with_dialog

            db_path = unlock_with_dialog(db_path)
        except DomainError as exc:
            QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot open the database"), exc.message)
            return 1
        return _run_locked(app, db_path, demo)
    lock = InstanceLock(db_path)
    busy = lock.acquire()
    if busy is not None:
        QMessageBox.warning(None, QCoreApplication.translate("App", "Already open"), busy)
        return 1
    try:
        return _run_locked(app, db_path, demo)
    finally:
        lock.release()


def _run_locked(app: QApplication, db_path: Location, demo: bool) -> int:
    try:
        chosen = ensure_initialised(db_path)
        if chosen is None:
            return 0
        db_path = chosen  # the first run may have chosen the office's server
        db = open_database(db_path)
    except DomainError as exc:
        # Started from a desktop icon nobody reads stderr: say it in a window.
        QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot open the database"), exc.message)
        return 1
    pool = QThreadPool.globalInstance()
    code = 0
    try:
        while True:
            ctx = log_in(db, demo)
            if ctx is None:
                break
            window = build_main_window(ctx)
            window.show()
            window.start_maintenance()
            code = event_loop(app)
            if not window.switch_requested:
                break
            demo = False  # switching user always asks for the password
    finally:
        pool.waitForDone()  # never quit in the middle of writing a backup
        db.close()
    return code
