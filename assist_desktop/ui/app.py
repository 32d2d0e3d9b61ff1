"""Starting the program: fonts and translations, first run, login, the main window, automatic backup.

The start is ordered by what the caseworker sees first (P1): the login window comes up from a bare Qt start
and a first look at the file (``storage.peek``; an encrypted file's key file, ``storage.keyslots``, names
its unit) or, for a server, the unit this PC remembers that server named at its last opening
(``paths.remembered_unit``) — the server's password is then proved and the name read behind the window
(``ui.shell.opening``: the server's name corrects the window's; a password to ask, an unreachable server or
a database without a unit close it and the server's own way follows). The first time against a server (nothing
remembered) the look comes first (``storage.server_peek``: psycopg's connection that proves the server's
password — asked first, in a light dialog, when neither the address, libpq nor the keyring has it — reads the
unit's name); SQLAlchemy, the models and — for a plain file or a server — the opening of the database (check, upgrade,
backup) run while the password is typed (``ui.shell.opening``); after Enter, the password check (for an
encrypted file the key slot's key derivation, which opens the file), the main window and the first registry
rows. This module imports nothing heavy at its top for that reason. The automatic backup (and the
page-by-page check of a large or encrypted file) waits ``MAINTENANCE_DELAY_MS`` after the main window is up,
so that it does not compete with the first searches.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

# (not Qt's namespace: importing the name builds Python enums for all of Qt::, ≈15 ms before the login window)
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import resource_path
from assist_desktop.ui.background import GarbageCollector, maintenance_pool, status_pool
from assist_desktop.ui.fonts import install_cjk_font
from assist_desktop.ui.i18n import install_translators, prefer_chinese_dates
from assist_desktop.ui.input_method import apply_input_method
from assist_desktop.ui.keys import install_enter_for_buttons
from assist_desktop.ui.instance import InstanceLock

if TYPE_CHECKING:
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.location import Location
    from assist_desktop.storage.models import User
    from assist_desktop.ui.context import AppContext

log = logging.getLogger(__name__)
DEMO_USER = "jingban"
MAINTENANCE_DELAY_MS = 20_000  # the integrity check of a large file and the hourly backup start this late
OPENING_AT_LATEST_MS = 300  # the database starts opening at the login window's first paint, or after this


def make_application(argv: list[str] | None = None) -> QApplication:
    if QApplication.instance() is None:
        prefer_chinese_dates()
        apply_input_method()  # before Qt reads QT_IM_MODULE: fcitx through ibus where Qt has no fcitx plugin
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
    from assist_desktop.services.setup import local_unit
    from assist_desktop.storage import keyslots
    from assist_desktop.storage.schema import open_database

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
    from assist_desktop.services.demo_accounts import DEMO_PASSWORD, is_demo_database
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import authenticate

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
        from assist_desktop.ui.shell.login import database_login, file_login

        dialog = database_login(db, unit_name) if db is not None else file_login(db_path, unit_name)  # type: ignore[arg-type]
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            if db is None and dialog.db is not None:
                dialog.db.close()
            return None
        user = dialog.user
        db = dialog.db
        assert db is not None
    return context_for(db, user, demo)


def context_for(db: Database, user: User, demo: bool = False) -> AppContext:
    """The context of whoever logged in (the file's lock then names them to other programs)."""
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import user_roles
    from assist_desktop.storage import file_lock
    from assist_desktop.ui.context import AppContext

    file_lock.set_user(user.display_name)
    # Loaded after the login's own commit, in a session of their own, so nothing is left expired.
    with db.session() as session:
        unit = local_unit(session)
        assert unit is not None
        return AppContext(db=db, user=user, unit=unit, roles=user_roles(session, user), demo=demo)


def log_in_while_opening(db_path: Location, unit_name: str, *, encrypted: bool,
                         prove: bool = False, username: str = "") -> AppContext | None:
    """The login window at once; what can be done before the password meanwhile (``ui.shell.opening``: a
    plain file or a server database opened, an encrypted file's modules loaded — only its password's key opens
    it; ``prove``: a server whose password is proved and unit read there first, the window named meanwhile by
    the unit this PC remembers). The context of whoever logged in, or None when the caseworker quit; what
    refused the file (or ``ServerNotProven``, with the username typed meanwhile) is raised once the window is
    closed. ``username``: typed into an earlier login window the start had to close."""
    from assist_desktop.storage.location import ServerAddress
    from assist_desktop.ui.shell.login import LoginDialog
    from assist_desktop.ui.shell.opening import Opening, ServerNotProven

    opening = Opening(db_path, encrypted=encrypted, prove=prove,
                      unit=unit_name if isinstance(db_path, ServerAddress) else None)
    dialog = LoginDialog(unit_name, opening.check, opened=lambda: opening.done)
    if username:
        dialog.username.setText(username)
        dialog.password.setFocus()
    # refused: the window closes, the reason follows. The dialog's own slot, so that the call is queued to the
    # GUI thread (the signal comes from the opening's) without naming Qt.QueuedConnection before the first
    # paint (Qt's namespace: ≈15 ms of enums)
    opening.failed.connect(dialog.reject)
    opening.named.connect(dialog.show_unit_name)  # (a slot too: the server's name, read in the opening's thread)

    def start_opening() -> None:
        # Qt's namespace and its Python enums, left out of the first paint, built here on the GUI thread before
        # the opening's thread imports the pages that name it: never lazily from two threads at once (≈15 ms
        # while the caseworker reads the window)
        from PySide6.QtCore import Qt  # noqa: F401

        opening.start()

    # once the window is on the screen: after its first paint has been drawn (a zero timer runs once the paint
    # event is done), or at the latest after OPENING_AT_LATEST_MS where a platform does not paint it at once
    dialog.painted.connect(lambda: QTimer.singleShot(0, start_opening))
    QTimer.singleShot(OPENING_AT_LATEST_MS, start_opening)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted and dialog.user is not None
    if not accepted and not opening.done:
        return None  # quit before the file was open: the daemon thread ends with the program
    try:
        opened = opening.wait()  # raises what refused the file
    except ServerNotProven as exc:
        exc.username = dialog.username.text().strip()  # not lost with the window: the next one has it
        raise
    if not accepted:
        if opened is not None:
            opened.close()
        if dialog.db is not None and dialog.db is not opened:
            dialog.db.close()
        return None
    assert dialog.db is not None
    return context_for(dialog.db, dialog.user)  # type: ignore[arg-type]


def build_main_window(ctx: AppContext):  # type: ignore[no-untyped-def]
    from assist_desktop.ui.shell.main_window import MainWindow

    return MainWindow(ctx)


def event_loop(app: QApplication) -> int:
    return app.exec()


def start_program_log() -> None:
    """The rotating log in the user data folder (assist_desktop.logs), Qt's own messages into it, and a
    first line saying what runs where; before the QApplication, so a platform plugin that fails to load
    is in the log too. The system is named by what the kernel says (``os.uname``'s, or Windows' version):
    ``platform.platform()`` would also start ``uname -p`` and read the interpreter's binary for its C library
    before the login window — the diagnostics zip carries that in full."""
    import platform

    from PySide6.QtCore import qInstallMessageHandler, qVersion

    from assist_desktop import __version__
    from assist_desktop.logs import start_logging
    from assist_desktop.ui.shell.diagnostics import qt_message_to_log

    if start_logging() is None:
        return
    qInstallMessageHandler(qt_message_to_log)
    log.info("start: Assist Desktop %s%s, Python %s, Qt %s, %s-%s-%s", __version__,
             " (installed build)" if getattr(sys, "frozen", False) else "", platform.python_version(), qVersion(),
             platform.system(), platform.release(), platform.machine())


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
    ahead = None
    remembered: str | None = None
    if not isinstance(db_path, Path):  # a server's address (the database layer is loaded for it only)
        from assist_desktop.storage.location import ServerAddress, parse_location

        db_path = parse_location(db_path)
        if isinstance(db_path, ServerAddress):
            from assist_desktop.paths import remembered_unit

            # the unit this PC remembers for that server: the login window at once, named by it, the password
            # proved behind it (ui.shell.opening); not for the demo, which logs in by itself
            remembered = None if demo else remembered_unit(db_path.key)
            if remembered is None:
                # the first time: the server's password proved by the ways that ask nobody (as given, libpq's
                # own, the keyring) and the unit's name read (storage.server_peek), in a thread while Qt starts
                from assist_desktop.storage.credentials import KnownAhead
                from assist_desktop.storage.server_peek import unit_name

                ahead = KnownAhead(db_path, unit_name)
    app = make_application()
    sys.excepthook = _excepthook
    from assist_desktop.ui.shell.waiting import install_waiting_notice

    install_waiting_notice(app)  # a busy file: the window says whom it waits for
    file_lock.set_program(file_lock.WINDOW)  # how a busy file names this program to the others
    if not isinstance(db_path, Path):
        # Several desks share a server: no lock file. The login window named by the remembered unit while the
        # password is proved behind it; where that fails (a password to ask, no unit) or nothing is remembered,
        # the server's password first (as given, libpq's own, the keyring, or asked in a light dialog), proved by
        # a psycopg connection that also reads the unit's name for the login window (storage.server_peek); the
        # database is then opened behind the login window.
        from assist_desktop.ui.shell.opening import ServerNotProven

        known, typed = None, ""
        if remembered is not None:
            try:
                return _run_locked(app, db_path, demo, server_unit=remembered, proven=False)
            except ServerNotProven as exc:
                log.info("server: %s; the server's own way", exc)
                known, typed = exc.known, exc.username
        try:
            from assist_desktop.storage.server_peek import unit_name
            from assist_desktop.ui.shell.server_login import unlock_with_dialog

            known = known or ahead.result()  # type: ignore[union-attr]
            db_path, name = unlock_with_dialog(db_path, look=unit_name, known=known)
        except DomainError as exc:
            QMessageBox.critical(None, QCoreApplication.translate("App", "Cannot open the database"), exc.message)
            return 1
        return _run_locked(app, db_path, demo, server_unit=name, username=typed)
    lock = InstanceLock(db_path)
    busy = lock.acquire()
    if busy is not None:
        QMessageBox.warning(None, QCoreApplication.translate("App", "Already open"), busy)
        return 1
    try:
        return _run_locked(app, db_path, demo)
    finally:
        lock.release()


def _login_window_first(db_path: Path, demo: bool) -> tuple[str, bool] | None:
    """(the unit's name, encrypted) where the login window can come before the database is opened: a plain
    file of ours with its unit (``storage.peek``), or an encrypted one (its key file names the unit); None for
    the demo, the first run, or a file only the full opening can judge."""
    from assist_desktop.storage.peek import has_key_file, peek

    if demo:
        return None
    if has_key_file(db_path):
        from assist_desktop.storage import keyslots

        try:
            return keyslots.label(db_path), True
        except DomainError:
            return None  # a damaged key file: the full way says what is wrong
    seen = peek(db_path)
    if seen is None or seen.unit_name is None:
        return None
    return seen.unit_name, False


def _run_locked(app: QApplication, db_path: Location, demo: bool, server_unit: str | None = None,
                proven: bool = True, username: str = "") -> int:
    """``server_unit``: a server database's unit as its first look read it (None: no unit yet, or not known), or
    — ``proven`` False — as this PC remembers it: the server's password is then proved behind the login window,
    which raises ``ServerNotProven`` when it must be asked or the database has no unit."""
    from assist_desktop.storage.peek import has_key_file

    ctx: AppContext | None = None
    try:
        if isinstance(db_path, Path):
            first = _login_window_first(db_path, demo)
        else:  # a server: the look at it named the unit (the demo and the first run go the full way)
            first = (server_unit, False) if server_unit is not None and not demo else None
        if first is not None:
            ctx = log_in_while_opening(db_path, first[0], encrypted=first[1], prove=not proven, username=username)
            if ctx is None:
                return 0
            db: Database | None = ctx.db
            if not isinstance(db_path, Path):
                db_path = ctx.db.location  # the address with the password the server took
            log.info("database %s: %s", "encrypted, opened at login" if first[1] else "opened behind the login",
                     f"{db_path.stat().st_size / 2**20:.1f} MB" if isinstance(db_path, Path) else "a server database")
        else:
            chosen = ensure_initialised(db_path)
            if not chosen:  # the wizard given up
                return 0
            db_path = chosen  # the first run may have chosen the office's server
            from assist_desktop.storage.schema import open_database

            # an encrypted file is opened by the login's password (its key slot); a plain one or a server now
            encrypted = isinstance(db_path, Path) and has_key_file(db_path)
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
            ctx = ctx or log_in(db, demo, db_path, user)
            if ctx is None:
                break
            db = ctx.db
            if not isinstance(db_path, Path):  # the unit's name noted for the next start's login window
                from assist_desktop.paths import remember_unit

                remember_unit(db_path.key, ctx.unit.name)
            from assist_desktop.storage.interrupt import track_reads

            track_reads(db.engine)
            window = build_main_window(ctx)
            window.show()
            QTimer.singleShot(0, lambda w=window: _log_shown(w))
            if isinstance(window, QObject):  # the timer goes with the window (a stand-in in tests is not one)
                QTimer.singleShot(MAINTENANCE_DELAY_MS, window, window.start_maintenance)
            else:
                QTimer.singleShot(MAINTENANCE_DELAY_MS, window.start_maintenance)
            code = event_loop(app)
            if not window.switch_requested:
                break
            user = window.next_user  # 切换用户 asked for the password before the window closed
            if db.key is None and isinstance(db_path, Path) and has_key_file(db_path):
                db.close()  # a plain file replaced by an encrypted backup (设置 → 恢复): the password opens it
                db = None
                user = None
            if user is None:
                demo = False  # after a restore the password is always asked (the file's users)
            ctx = None
    finally:
        if db is not None:
            from assist_desktop.storage.interrupt import interrupt_reads

            interrupt_reads(db.engine)  # a long read (a count, a list) must not keep the process after its window
        maintenance_pool().waitForDone()  # never quit in the middle of writing a backup
        pool.waitForDone()
        status_pool().waitForDone()  # the status bar's count (interrupted above): its thread ends before the file closes
        if db is not None:
            db.close()
    log.info("exit %s", code)
    return code
