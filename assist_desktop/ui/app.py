"""Starting the program: fonts and translations, first run, login, the main window, automatic backup."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import resource_path
from assist_desktop.services.demo_accounts import DEMO_PASSWORD, is_demo_database
from assist_desktop.services.setup import local_unit
from assist_desktop.services.users import authenticate, user_roles
from assist_desktop.storage.engine import Database
from assist_desktop.storage.location import Location, ServerAddress, parse_location
from assist_desktop.storage.interrupt import interrupt_reads, track_reads
from assist_desktop.storage.models import User
from assist_desktop.storage.schema import open_database
from assist_desktop.ui.background import GarbageCollector
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.fonts import install_cjk_font
from assist_desktop.ui.i18n import install_translators, prefer_chinese_dates
from assist_desktop.ui.keys import install_enter_for_buttons
from assist_desktop.ui.instance import InstanceLock

log = logging.getLogger(__name__)
DEMO_USER = "jingban"


def make_application(argv: list[str] | None = None) -> QApplication:
    if QApplication.instance() is None:
        prefer_chinese_dates()
    app = QApplication.instance() or QApplication(argv or sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("AssistDesktop")
    icon = resource_path("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_cjk_font(app)
    install_translators(app)
    install_enter_for_buttons(app)
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
    from assist_desktop.storage import keyslots

    if isinstance(db_path, Path) and keyslots.has_key_file(db_path):  # encrypted: made by init, so set up
        return db_path
    if not isinstance(db_path, Path) or db_path.exists():
        with open_database(db_path) as db, db.session() as session:
            if local_unit(session) is not None:
                return db_path
    from assist_desktop.ui.shell.first_run import FirstRunWizard

    wizard = FirstRunWizard(db_path)
    return wizard.location if wizard.exec() == QDialog.DialogCode.Accepted else None


def log_in(db: Database | None, demo: bool, db_path: Path | None = None,
           user: User | None = None) -> AppContext | None:
    """Who works now: ``user`` when already logged in (切换用户 asked for the password in the window), else
    the demo's clerk or whoever the login dialog lets in. ``db`` None: an encrypted file, opened by the
    password typed (the key slot's). A demo database keeps ``demo`` whoever logs in (the title says （演示）)."""
    if db is not None:
        with db.session() as session:
            unit_name = local_unit(session).name  # type: ignore[union-attr]
    else:
        from assist_desktop.storage import keyslots

        unit_name = keyslots.label(db_path)  # type: ignore[arg-type]
    if demo and db is not None:
        with db.session() as session:
            # only a demo database logs in by itself: a real one (made by init) always asks who is there
            demo = is_demo_database(session)
    if user is not None and db is not None:
        pass
    elif demo:
        with db.session() as session:
            user = authenticate(session, DEMO_USER, DEMO_PASSWORD)
    else:
        from assist_desktop.ui.shell.login import LoginDialog

        dialog = LoginDialog(db, unit_name, db_path=db_path)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            if db is None and dialog.db is not None:
                dialog.db.close()
            return None
        user = dialog.user
        db = dialog.db
        assert db is not None
    from assist_desktop.storage import file_lock

    file_lock.set_user(user.display_name)
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


def start_program_log() -> None:
    """The rotating log in the user data folder (assist_desktop.logs), Qt's own messages into it, and a
    first line saying what runs where; before the QApplication, so a platform plugin that fails to load
    is in the log too."""
    import platform

    from PySide6.QtCore import qInstallMessageHandler, qVersion

    from assist_desktop import __version__
    from assist_desktop.logs import start_logging
    from assist_desktop.ui.shell.diagnostics import qt_message_to_log

    if start_logging() is None:
        return
    qInstallMessageHandler(qt_message_to_log)
    log.info("start: Assist Desktop %s%s, Python %s, Qt %s, %s", __version__,
             " (installed build)" if getattr(sys, "frozen", False) else "", platform.python_version(), qVersion(),
             platform.platform())


def _log_shown(window: QWidget) -> None:
    """When the main window has been shown: seconds since the process started (the cold start)."""
    from assist_desktop.logs import process_age

    age = process_age()
    log.info("main window shown%s, Qt platform %s, device pixel ratio %g",
             f" {age:.2f} s after the process started" if age is not None else "",
             QGuiApplication.platformName(), window.devicePixelRatioF())


def run(db_path: Location | str, demo: bool = False) -> int:
    from assist_desktop.storage import file_lock

    start_program_log()
    app = make_application()
    sys.excepthook = _excepthook
    file_lock.set_program(file_lock.WINDOW)  # how a busy file names this program to the others
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
    from assist_desktop.storage import keyslots

    try:
        chosen = ensure_initialised(db_path)
        if chosen is None:
            return 0
        db_path = chosen  # the first run may have chosen the office's server
        # an encrypted file is opened by the login's password (its key slot); a plain one or a server now
        encrypted = isinstance(db_path, Path) and keyslots.has_key_file(db_path)
        db = None if encrypted else open_database(db_path)
        log.info("database %s: %s", "encrypted, opened at login" if db is None else "opened",
                 f"{db_path.stat().st_size / 2**20:.1f} MB" if isinstance(db_path, Path) else "a server database")
    except DomainError as exc:
        log.warning("database refused: %s", exc.message)
        # Started from a desktop icon nobody reads stderr: say it in a window.
        QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot open the database"), exc.message)
        return 1
    pool = QThreadPool.globalInstance()
    code = 0
    user = None
    try:
        while True:
            ctx = log_in(db, demo, db_path, user)
            if ctx is None:
                break
            db = ctx.db
            track_reads(db.engine)
            window = build_main_window(ctx)
            window.show()
            QTimer.singleShot(0, lambda w=window: _log_shown(w))
            window.start_maintenance()
            code = event_loop(app)
            if not window.switch_requested:
                break
            user = window.next_user  # 切换用户 asked for the password before the window closed
            if db.key is None and isinstance(db_path, Path) and keyslots.has_key_file(db_path):
                db.close()  # a plain file replaced by an encrypted backup (设置 → 恢复): the password opens it
                db = None
                user = None
            if user is None:
                demo = False  # after a restore the password is always asked (the file's users)
    finally:
        if db is not None:
            interrupt_reads(db.engine)  # a long read (a count, a list) must not keep the process after its window
        pool.waitForDone()  # never quit in the middle of writing a backup
        if db is not None:
            db.close()
    log.info("exit %s", code)
    return code
