"""Opening the database while the password is typed.

The login window is shown from a first look at the file (``storage.peek``: the unit's name, with sqlite3
alone), within a few tenths of a second of the program's start. What takes the better part of a second —
importing SQLAlchemy, SQLModel and the table classes, checking the file and bringing its schema up to date
(after a backup), the main window's modules, and a first registry search that fills SQLAlchemy's statement
cache and SQLite's pages — runs meanwhile in a thread of its own (``Opening``), so that after the password's
Enter only the password check, the main window and the first rows are left: a few tenths of a second.

A server database is opened the same way (its connection pool, the schema check — an upgrade after a
``pg_dump`` backup —, the first search), once a connection with psycopg alone has proved the server's
password and named the unit (``storage.server_peek``). Where this PC remembers the unit that server named at
its last opening (``paths.remembered_unit``), the login window shows that name from a bare Qt start and the
proof itself runs here first (``prove``): the server's name then replaces the remembered one in the window
(``named``); a password the server wants asked, or a database without a unit, ends the opening with
``ServerNotProven`` — the start then takes the server's own way (its password dialog, the first run); an
unreachable server ends it with the storage layer's message. The login (Enter) waits for all of it.

An encrypted file cannot be opened before the password: its key comes from the password's key slot
(``storage.keyslots``). For it the thread loads the modules only; the login (``services.login.log_in``) then
derives the key, opens the file and checks the schema after Enter.

Typing is not slowed: the keys go to Qt's line edits, which run no Python; the thread gives the interpreter
up every few milliseconds for anything that does.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from assist_desktop.services.login import Login
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.credentials import Known
    from assist_desktop.storage.location import Location

log = logging.getLogger(__name__)

# What the main window needs first, imported while the password is typed.
WARM_MODULES = ("assist_desktop.ui.shell.main_window", "assist_desktop.ui.registry.page",
                "assist_desktop.ui.context", "assist_desktop.services.users", "assist_desktop.services.setup",
                "assist_desktop.services.login", "assist_desktop.services.overview",
                "assist_desktop.services.file_list", "assist_desktop.services.search",
                "assist_desktop.storage.schema")


class ServerNotProven(Exception):
    """What the look at a server behind the login window found instead of its unit: no password the server takes
    by the ways that ask nobody (``known.address`` None; ``known.failure`` says why, for the server's password
    dialog), or a database without a unit yet (``known.address`` proven, ``known.seen`` None). Not a DomainError:
    nothing to tell the caseworker yet — the start asks the password or runs the first run (``ui.app.run``)."""

    def __init__(self, known: Known) -> None:
        super().__init__("the server's password must be asked" if known.address is None else "no unit yet")
        self.known = known
        self.username = ""  # what the caseworker had typed into the login window meanwhile (the next one has it)


class Opening(QObject):
    """The database (a file, or a server database: ``path`` is its address) opened in a worker thread: ``start`` it once the login window is up; ``wait`` gives
    the open database (None for an encrypted file: only loaded for) or raises what refused it. ``ready`` and
    ``failed`` tell the GUI thread."""

    ready = Signal()
    failed = Signal(object)  # the exception (a DomainError carries the caseworker's message)
    named = Signal(str)  # the unit's name the server gave, where it differs from the one remembered

    def __init__(self, path: Location, parent: QObject | None = None, *, encrypted: bool = False,
                 prove: bool = False, unit: str | None = None) -> None:
        """``prove``: a server address whose password is not proved yet (the login window came from the unit
        this PC remembers, ``unit``); ``unit``: a server database's unit as the window names it — remembered on
        this PC once the database is open."""
        super().__init__(parent)
        self.path, self.encrypted, self.prove, self.unit = path, encrypted, prove, unit
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._db: Database | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._open, name="opening", daemon=True)
            self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def _open(self) -> None:
        try:
            if self.encrypted:
                load()
            else:
                if self.prove:
                    self._prove()
                from assist_desktop.storage.schema import open_database

                db = open_database(self.path)
                try:
                    warm(db)
                except Exception:  # noqa: BLE001 - warming is an optimisation; the real calls say what is wrong
                    log.exception("warming the first registry search failed")
                self._db = db
                self._remember()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            self._error = exc
        finally:
            self._done.set()
        if self._error is not None:
            self.failed.emit(self._error)
        else:
            self.ready.emit()

    def _prove(self) -> None:
        """The server's password by the ways that ask nobody, proved by a connection that reads the unit's name
        (``storage.credentials.try_known``: raises ServerUnavailable when the server cannot be reached)."""
        from assist_desktop.paths import remember_unit
        from assist_desktop.storage.credentials import try_known
        from assist_desktop.storage.server_peek import unit_name

        known = try_known(self.path, unit_name)  # type: ignore[arg-type]
        if known.address is not None and known.seen is None:
            remember_unit(known.address.key, None)  # no unit (any more): the next start goes the long way too
        if known.address is None or known.seen is None:
            raise ServerNotProven(known)
        self.path = known.address  # with the password the server took (for the opening, and the login's check)
        if known.seen != self.unit:
            self.unit = known.seen
            self.named.emit(known.seen)  # the server is the truth: the window's name corrected

    def _remember(self) -> None:
        """A server database opened: its unit's name noted on this PC, for the next start's login window."""
        from assist_desktop.storage.location import ServerAddress

        if isinstance(self.path, ServerAddress) and self.unit:
            from assist_desktop.paths import remember_unit

            remember_unit(self.path.key, self.unit)

    def wait(self, timeout: float | None = None) -> Database | None:
        """The open database, once the opening is done (None for an encrypted file; raises what refused the
        file)."""
        self.start()
        if not self._done.wait(timeout):
            raise TimeoutError("the database is still being opened")
        if self._error is not None:
            raise self._error
        return self._db

    def check(self, username: str, password: str) -> Login:
        """The login window's one call after Enter (off the GUI thread): the login, or a DomainError — for a
        plain file on the database opened here, for an encrypted one by its key slot, which opens it."""
        db = self.wait()
        from assist_desktop.services.login import log_in

        return log_in(self.path, username, password, db=db)


def load() -> None:
    """Import what the login and the main window need (SQLAlchemy, the models, the pages' modules), set up
    the ORM's mappers and build the registry's first statements — what the first query of a fresh process
    would otherwise do after Enter."""
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)
    from sqlalchemy.orm import configure_mappers

    from assist_desktop.services.search import COUNT_LIMIT, FileFilters, count_statement, page_statement

    configure_mappers()
    count_statement("", FileFilters(), COUNT_LIMIT)
    page_statement("", FileFilters(), "-file_no", 0, 200, total=COUNT_LIMIT + 1, table_rows=COUNT_LIMIT + 1,
                   exact=False)


def warm(db: Database) -> None:
    """``load``, and run the registry's first search once as it will be run (any user may search; the result
    is thrown away): SQLAlchemy compiles the statements once, and SQLite reads the pages of the indexes the
    list walks."""
    load()
    from sqlmodel import select

    from assist_desktop.services.file_list import file_rows
    from assist_desktop.services.search import COUNT_LIMIT, FileFilters, search_page
    from assist_desktop.storage.models import User
    from assist_desktop.ui.registry.list_model import PAGE_SIZE, BLOCK

    with db.session() as session:
        user: Any = session.exec(select(User).where(User.active == True).limit(1)).first()  # noqa: E712
        if user is None:
            return
        found = search_page(session, user, "", FileFilters(), "-file_no", 0, PAGE_SIZE, count_limit=COUNT_LIMIT)
        file_rows(session, user, found.ids[:BLOCK])
