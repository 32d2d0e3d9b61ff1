"""A first look at a server database before the program opens it, with psycopg alone: does the server take the
password, and whose database is it.

``storage.peek`` does the same for a file with sqlite3. For a server the look is a connection anyway: the
server's password must be known to be right (else it is asked) before the database can be opened, and the
same connection reads the local unit's name from the database itself in one query. Where this PC remembers the
unit that server named at its last opening (``paths.remembered_unit``), the login window shows that name at
once and the look runs behind it (``ui.shell.opening``), the server's name replacing a stale one; the first
time, it runs before the login window. SQLAlchemy, the models and the schema check (the better part of a
second) run behind the login window. Whatever the look does not know (no unit yet, not
our tables) is left to the full opening, which refuses or asks with its own messages; and the login is always
checked against the database once it is open, whatever name the window showed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assist_desktop.storage.location import ServerAddress
from assist_desktop.storage.peek import UNIT_NAME
from assist_desktop.storage.server import connect_args, connection_problem

if TYPE_CHECKING:
    import psycopg


def connect(address: ServerAddress) -> "psycopg.Connection[Any]":
    """A psycopg connection as the program's engine makes them (``storage.server``); raises PasswordNeeded
    or ServerUnavailable with the caseworker's message when the server cannot be reached or refuses."""
    import psycopg

    params: dict[str, Any] = dict(address.query)
    params.update(host=address.host, port=address.port, dbname=address.database, user=address.username,
                  **connect_args())
    if address.password is not None:
        params["password"] = address.password  # else libpq's own: PGPASSWORD, the PGPASSFILE / ~/.pgpass
    try:
        return psycopg.connect(**params)
    except psycopg.Error as exc:
        problem = connection_problem(exc, address)
        if problem is not None:
            raise problem from None
        raise


def unit_name(conn: "psycopg.Connection[Any]") -> str | None:
    """The local unit's name; None where only the full opening can tell (no unit yet, not our tables)."""
    import psycopg

    try:
        row = conn.execute(UNIT_NAME).fetchone()
    except psycopg.Error:
        return None
    return str(row[0]) if row and row[0] else None
