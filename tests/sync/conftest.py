"""Two counties, their city and the province, enrolled with each other, built once and copied per test;
helpers to carry packages, to take a package apart and put it back together (for the bad-input tests),
and to see that a refused file left a database exactly as it was."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from assist_desktop.domain.ids import id_check_character
from assist_desktop.services.demo import generate_demo, mark_demo
from assist_desktop.services.setup import initialise
from assist_desktop.storage import models as m
from assist_desktop.storage.engine import Database
from assist_desktop.storage.location import Location
from assist_desktop.storage.schema import open_database
from assist_desktop.sync import crypto
from assist_desktop.sync.ack import apply_ack, write_ack
from assist_desktop.sync.export import ExportResult, export_package
from assist_desktop.sync.importer import ImportResult, import_package
from assist_desktop.sync.package import MANIFEST, SIGNATURE
from tests.dbtools import Databases, Reader, Template, count
from tests.sync.linking import link

TODAY = date(2026, 11, 20)
PASSWORD = "sync-pass-123"
UNITS = {  # name: (code, unit name, level, demo families, seed)
    "suide": ("610826", "绥德县总工会", "county", 24, 3),
    "mizhi": ("610827", "米脂县总工会", "county", 18, 4),
    "yulin": ("610800", "榆林市总工会", "city", 4, 5),
    "shaanxi": ("610000", "陕西省总工会", "province", 0, 6),
}


def make_id(born: str, seq: int, region: str = "610826") -> str:
    first17 = f"{region}{born}{seq:03d}"
    return first17 + id_check_character(first17)


def db_state(path: Location) -> tuple[dict[str, int], tuple[int, str] | None]:
    """Row counts of every table and the audit chain's head: what a refused file must leave unchanged."""
    with closing(Reader(path)) as r:
        counts = {t: r.count(t) for t in r.tables()}
        rows = r.query("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        head = rows[0] if rows else None
        usn = r.count("hardship_file", "usn = -1")
    counts["~pending_files"] = usn
    return counts, head


def unchanged_after_refusal(unit: "Unit", before: tuple[dict[str, int], tuple[int, str] | None],
                            error: Exception) -> bool:
    """The receiver as it was before a refused package — but for the one audit event a refusal for a broken
    audit chain writes (``sync.importer.record_audit_break``); any other refusal writes nothing."""
    from assist_desktop.sync.importer import AuditBreak

    counts, head = unit.state()
    if not isinstance(error, AuditBreak):
        return (counts, head) == before
    if {k: v for k, v in counts.items() if k != "audit_event"} != {k: v for k, v in before[0].items()
                                                                  if k != "audit_event"}:
        return False
    with closing(Reader(unit.path)) as r:  # a file or a server database
        action = r.query("SELECT action FROM audit_event ORDER BY seq DESC LIMIT 1")[0][0]
    return counts["audit_event"] == before[0]["audit_event"] + 1 and action == "refused:import"


@dataclass
class Unit:
    key: str
    path: Location  # a file, or a server database (tests/dbtools.py)
    db: Database
    unit_id: str
    code: str

    def session(self) -> Session:
        return self.db.session()

    def state(self) -> tuple[dict[str, int], tuple[int, str] | None]:
        return db_state(self.path)

    def user(self, username: str) -> m.User:
        with self.session() as s:
            user = s.exec(select(m.User).where(m.User.username == username)).one()
            s.expunge(user)
        return user

    def rows(self, table: str, owner: str | None = None, columns: str = "id, version, mtime") -> set[tuple]:
        where = f" WHERE owner_unit_id = '{owner}'" if owner else ""
        with closing(Reader(self.path)) as r:
            return set(r.query(f'SELECT {columns} FROM "{table}"{where}'))

    def count(self, table: str, where: str = "1") -> int:
        return count(self.path, table, where)


@dataclass
class Network:
    """Four databases: the counties 绥德 and 米脂 report to 榆林, which reports to 陕西."""

    root: Path
    units: dict[str, Unit] = field(default_factory=dict)
    n: int = 0
    dbs: Databases | None = None
    copies: list[Location] = field(default_factory=list)
    template: dict[str, Template] | None = None  # a unit not yet used is copied from it at first use

    def __getitem__(self, key: str) -> Unit:
        if key not in self.units and self.template is not None and key in UNITS:
            # copied when a test first takes it: most tests use two of the four, and on the server each copy
            # is a CREATE DATABASE … TEMPLATE (and a DROP after)
            assert self.dbs is not None
            path = self.dbs.copy(self.template[key], self.root, f"{key}.sqlite")
            db = open_database(path)
            with db.session() as s:
                unit_id = s.get(m.Meta, "local_unit_id").value
            self.units[key] = Unit(key, path, db, unit_id, UNITS[key][0])
        return self.units[key]

    def file(self, name: str) -> Path:
        self.n += 1
        return self.root / f"{self.n:02d}-{name}"

    def export(self, source: str, *, full: bool = False) -> ExportResult:
        unit = self[source]
        with unit.session() as s:
            return export_package(s, None, self.file(f"{source}.sync"), full=full)

    def import_(self, target: str, path: Path) -> ImportResult:
        with self[target].session() as s:
            return import_package(s, None, path)

    def ack(self, target: str, result: ImportResult, source: str) -> int:
        ack_path = self.file(f"{source}.ack")
        with self[target].session() as s:
            write_ack(s, result.package_id, ack_path)  # type: ignore[arg-type]
        with self[source].session() as s:
            return apply_ack(s, None, ack_path).marked

    def carry(self, source: str, target: str, *, full: bool = False, ack: bool = True) -> ImportResult:
        package = self.export(source, full=full)
        result = self.import_(target, package.path)
        if ack:
            self.ack(target, result, source)
        return result

    def snapshot(self, key: str) -> Location:
        """A copy of a unit's database now (SQLite's backup API; a database copy on the server), to go back
        to later."""
        assert self.dbs is not None
        unit = self[key]
        unit.db.close()  # the server copies a database nobody is connected to
        copy = self.dbs.snapshot(unit.path, self.file(f"{key}-copy.sqlite"))
        self.copies.append(copy)
        return copy

    def restore(self, key: str, copy: Location) -> None:
        """The unit's database as it was at ``snapshot`` (an office restoring a backup)."""
        assert self.dbs is not None
        unit = self[key]
        unit.db.close()
        self.dbs.restore(unit.path, copy)
        unit.db = open_database(unit.path)

    def close(self) -> None:
        for unit in self.units.values():
            unit.db.close()
            if self.dbs is not None:
                self.dbs.drop(unit.path)
        for copy in self.copies:
            if self.dbs is not None:
                self.dbs.drop(copy)


def _build(locations: dict[str, Location]) -> None:
    dbs = {}
    for key, (code, name, level, families, seed) in UNITS.items():
        db = open_database(locations[key])
        initialise(db, unit_code=code, unit_name=name, admin_username="admin", admin_password=PASSWORD, level=level)
        mark_demo(db)  # made-up units: demo data may go in
        if families:
            generate_demo(db, families, seed=seed, today=TODAY)
        else:
            from assist_desktop.services.demo import ensure_demo_unit

            ensure_demo_unit(db)
        dbs[key] = db
    for lower, upper in (("suide", "yulin"), ("mizhi", "yulin"), ("yulin", "shaanxi")):
        link(dbs[lower], dbs[upper])
    for db in dbs.values():
        db.close()


@pytest.fixture(scope="session")
def network_template(databases: Databases) -> dict[str, Template]:
    return databases.group("network", tuple(UNITS), _build)


def open_network(template: dict[str, Template], root: Path, dbs: Databases) -> Network:
    root.mkdir(parents=True, exist_ok=True)
    return Network(root, dbs=dbs, template=template)  # each unit's database copied at its first use


@pytest.fixture
def net(network_template: dict[str, Template], tmp_path: Path, databases: Databases) -> Iterator[Network]:
    network = open_network(network_template, tmp_path / "net", databases)
    yield network
    network.close()


# --- taking a package apart and putting it back together --------------------------------------------------


def _private_x25519(unit: Unit) -> Any:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    with unit.session() as s:
        key = s.exec(select(m.UnitKey).where(m.UnitKey.unit_id == unit.unit_id, m.UnitKey.purpose == "encrypt",
                                             m.UnitKey.retired_at.is_(None))).one()  # type: ignore[union-attr]
        return X25519PrivateKey.from_private_bytes(key.private_key)


def _signing_private(unit: Unit) -> Any:
    from assist_desktop.services import keys

    with unit.session() as s:
        return keys.private_key(keys.current_key(s, unit.unit_id))


@dataclass
class Opened:
    """A package's plaintext: the envelope header and the zip's members, in order."""

    header: dict[str, Any]
    members: dict[str, bytes]

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.members[MANIFEST])


def open_package(path: Path, receiver: Unit) -> Opened:
    data = path.read_bytes()
    stream = io.BytesIO(data)
    envelope = crypto.read_envelope(stream)
    plain = io.BytesIO()
    crypto.open_sealed(stream, envelope, _private_x25519(receiver), plain, limit=len(data))
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as z:
        members = {info.filename: z.read(info) for info in z.infolist()}
    header = {k: v for k, v in envelope.header.items()
              if k not in ("ephemeral_key", "salt", "nonce_prefix", "segment_size")}
    return Opened(header, members)


def seal_zip(zip_bytes: bytes, header: dict[str, Any], receiver: Unit, *, segment_size: int = crypto.SEGMENT_SIZE) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = _private_x25519(receiver).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    out = io.BytesIO()
    crypto.seal(io.BytesIO(zip_bytes), out, header, public, segment_size=segment_size)
    return out.getvalue()


def make_zip(members: dict[str, bytes], *, infos: Callable[[zipfile.ZipInfo], None] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if infos:
                infos(info)
            z.writestr(info, data)
    return buffer.getvalue()


def resign(opened: Opened, sender: Unit) -> None:
    """Sign the (changed) manifest again with the sender's real key, as a package made by a faulty or
    hostile copy of the program would be."""
    from assist_desktop.sync.keys import b64

    manifest = opened.members[MANIFEST]
    signature = json.loads(opened.members[SIGNATURE])
    signature["signature"] = b64(_signing_private(sender).sign(manifest))
    opened.members[SIGNATURE] = json.dumps(signature).encode()


def set_member(opened: Opened, name: str, data: bytes, sender: Unit) -> None:
    """Replace a member, fix its size and SHA-256 in the manifest, and sign the manifest again."""
    import hashlib

    opened.members[name] = data
    manifest = opened.manifest
    for entry in manifest["members"]:
        if entry["name"] == name:
            entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    opened.members[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    resign(opened, sender)


def set_manifest(opened: Opened, manifest: dict[str, Any], sender: Unit, *, sign: bool = True) -> None:
    opened.members[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    if sign:
        resign(opened, sender)


def repack(opened: Opened, receiver: Unit, out: Path, **zip_options: Any) -> Path:
    out.write_bytes(seal_zip(make_zip(opened.members, **zip_options), opened.header, receiver))
    return out


def table_lines(opened: Opened, table: str) -> tuple[dict[str, Any], list[list[Any]]]:
    lines = opened.members[f"tables/{table}.jsonl"].decode().splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:] if line]


def dump_lines(header: dict[str, Any], rows: list[list[Any]]) -> bytes:
    return ("\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in [header, *rows]) + "\n").encode()
