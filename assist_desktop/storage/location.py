"""Where a database is: a file on this PC (SQLite, the default) or a PostgreSQL server shared by several desks.

``--db`` and the first-run wizard take either. A server is written as a URL,
``postgresql+psycopg://assist@192.168.1.10:5432/assist`` (``postgresql://`` and ``postgres://`` are read
the same way); its password is never part of what is saved on the PC: it is asked at the start or taken
from the operating system's keyring (``storage.credentials``), and kept only in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote

from assist_desktop.domain.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DRIVER = "postgresql+psycopg"
_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://", "postgresql+psycopg2://")
DEFAULT_PORT = 5432
# `server init`'s default administrator: Debian's local superuser through the socket. Here, not in
# storage.provision (SQLAlchemy), because the command line's parser names it in its help at every start.
DEFAULT_ADMIN = "postgresql://postgres@/postgres?host=/var/run/postgresql"
# SQLAlchemy's own reading of a database URL (sqlalchemy.engine.url._parse_url), here so that the start reads
# ``--db`` without loading SQLAlchemy (half a second before the login window); a test holds the two equal.
_URL = re.compile(r"""
    (?P<name>[\w\+]+)://
    (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
    (?:(?:\[(?P<ipv6host>[^/\?]+)\]|(?P<ipv4host>[^/:\?]+))?(?::(?P<port>[^/\?]*))?)?
    (?:/(?P<database>[^\?]*))?
    (?:\?(?P<query>.*))?
    """, re.X)


class BadServerAddress(DomainError):
    """The text looks like a server address but cannot be read as one."""


def is_server_text(text: str) -> bool:
    return text.strip().lower().startswith(_SCHEMES)


@dataclass(frozen=True)
class ServerAddress:
    """A PostgreSQL database: host, port, database and login role; the password only in memory."""

    host: str
    port: int
    database: str
    username: str
    password: str | None = None
    query: tuple[tuple[str, str], ...] = ()  # e.g. (("sslmode", "require"),)

    @classmethod
    def parse(cls, text: str) -> "ServerAddress":
        raw = text.strip()
        lower = raw.lower()
        for scheme in _SCHEMES:
            if lower.startswith(scheme):
                raw = DRIVER + "://" + raw[len(scheme):]
                break
        else:
            raise BadServerAddress(f"“{text}”不是数据库服务器地址（应以 postgresql:// 开头）。")
        match = _URL.match(raw)
        try:
            if match is None:
                raise ValueError("Could not parse SQLAlchemy URL from given URL string")
            part = match.groupdict()
            username, password, database = (unquote(part[k]) if part[k] is not None else None
                                            for k in ("username", "password", "database"))
            url_host, url_port = part["ipv4host"] or part["ipv6host"], int(part["port"]) if part["port"] else None
            options = dict(parse_qsl(part["query"])) if part["query"] is not None else {}  # the last of a repeated key
            host = url_host or options.pop("host", None) or "localhost"  # ?host=/var/run/postgresql: the local socket
            port = int(options.pop("port")) if "port" in options and not url_port else url_port
        except ValueError as exc:
            raise BadServerAddress(f"数据库服务器地址“{text}”无法识别：{exc}") from None
        if not database:
            raise BadServerAddress(f"数据库服务器地址“{text}”缺少数据库名（如 postgresql://assist@192.168.1.10/assist）。")
        if not username:
            raise BadServerAddress(f"数据库服务器地址“{text}”缺少登录用户名（如 postgresql://assist@192.168.1.10/assist）。")
        query = tuple(sorted(options.items()))
        return cls(host, port or DEFAULT_PORT, database, username, password, query)

    @property
    def url(self) -> "URL":
        from sqlalchemy.engine import URL

        return URL.create(DRIVER, username=self.username, password=self.password, host=self.host, port=self.port,
                          database=self.database, query=dict(self.query))

    def with_password(self, password: str | None) -> "ServerAddress":
        return ServerAddress(self.host, self.port, self.database, self.username, password, self.query)

    def with_database(self, database: str) -> "ServerAddress":
        return ServerAddress(self.host, self.port, database, self.username, self.password, self.query)

    @property
    def text(self) -> str:
        """The address as saved and shown: never with the password."""
        if self.host.startswith("/"):  # a local socket folder
            port = f"&port={self.port}" if self.port != DEFAULT_PORT else ""
            extra = "".join(f"&{k}={v}" for k, v in self.query)
            return f"{DRIVER}://{self.username}@/{self.database}?host={self.host}{port}{extra}"
        return self.url.render_as_string(hide_password=True).replace(":***@", "@")

    @property
    def label(self) -> str:
        """For messages: 服务器 192.168.1.10:5432 上的数据库 assist（用户 assist）."""
        return f"服务器 {self.host}:{self.port} 上的数据库 {self.database}（用户 {self.username}）"

    @property
    def key(self) -> str:
        """Identifies the database (not the password): the keyring entry, the backups folder."""
        return f"{self.username}@{self.host}:{self.port}/{self.database}"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # never print the password in a traceback
        return f"ServerAddress({self.text!r})"


Location = Path | ServerAddress


def parse_location(text: str | Path | ServerAddress) -> Location:
    """``--db``'s value: a server address, or else a file path."""
    if isinstance(text, (Path, ServerAddress)):
        return text
    if is_server_text(text):
        return ServerAddress.parse(text)
    return Path(text)


def is_server(location: object) -> bool:
    return isinstance(location, ServerAddress)


def describe(location: Location) -> str:
    return location.label if isinstance(location, ServerAddress) else f"数据库文件 {location}"
