"""The plaintext of a sync package: a zip of ``manifest.json``, ``signature.json`` and one JSON Lines file
per table (``tables/<table>.jsonl``), and the checks that make reading it safe.

A table's file starts with a header line ``{"table": …, "columns": […]}``; every further line is one row,
its values in that order (``tables.py`` says in what form). The manifest names the format and schema
version, the source and target unit, the sequence number, the usn range, and for each member its table,
row count, size and SHA-256; ``signature.json`` is the source unit's Ed25519 signature over the exact bytes
of ``manifest.json``. ``resources/schemas/`` describes all three for other systems (``sync.schemas``).

Reading never extracts anything to disk, and refuses before decompressing: unknown or escaping member
names (``../``, absolute paths), duplicates, encrypted or oddly compressed members, members that would
expand beyond their limits or by more than ``MAX_RATIO`` (a zip bomb), and streams that give more bytes
than they declared.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from assist_desktop.sync.errors import SyncError, temp_folder_error
from assist_desktop.sync.tables import TABLE_LABELS, row_bound, specs

FORMAT = "assist-desktop-sync"
# 2: the source's statement of its lower units (``lower_units``) and the audit anchors of its packages
FORMAT_VERSION = 2
MAX_ANCHORS = 1000
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
MEMBER_RE = re.compile(r"tables/([a-z_]{1,40})\.jsonl")
MAX_MEMBERS = 64
MAX_MANIFEST = 1 << 20
MAX_SIGNATURE = 4096
# Ceilings for a province's year (300k households, 1M members, 1M grants: ~2 GB of JSON Lines), far below what
# would fill an office PC's disk: a table's file at most 2 GiB (the attachments' 8 GiB: scans travel as hex),
# everything 16 GiB, 20 million rows. Each member is held to what the signed manifest declares (its bytes, and
# no more than its rows can take, ``row_bound``) before a byte of it is inflated, and to its lines as it is.
MAX_MEMBER = 2 << 30
MAX_ATTACHMENT_MEMBER = 8 << 30
MAX_TOTAL = 16 << 30
MAX_ROWS = 20_000_000
TEMP_MARGIN = 256 << 20  # room the temporary folder keeps after the package is unpacked
MAX_RATIO = 200  # JSON of UUIDs and names packs 5–10×; a run of zeros 1000× and more
MAX_LINE = 64 << 20  # one row (an attachment's hex) at most
COMPRESS_LEVEL = 1  # level 6 packs a county's year 10% smaller and takes twice as long


def member_name(table: str) -> str:
    return f"tables/{table}.jsonl"


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- the manifest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    unit_id: str
    code: str
    name: str
    level: str

    def as_json(self) -> dict[str, str]:
        return {"unit_id": self.unit_id, "code": self.code, "name": self.name, "level": self.level}

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）"


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


@dataclass(frozen=True)
class UnitEntry:
    """A unit whose records the package carries, with the head of its audit chain; ``anchor`` (the source's
    own entry only) is the event of its chain the upper unit last acknowledged, as the chain holds it now."""

    unit: UnitRef
    audit: AuditHead
    anchor: AuditHead | None = None
    # the source's own entry: its chain's hash now at the head of each package it sent since the last one
    # acknowledged (that one included) — the receiver finds there the head it last accepted
    anchors: tuple[AuditHead, ...] = ()


@dataclass(frozen=True)
class MemberEntry:
    name: str
    table: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    package_id: str
    made_at: str
    schema_revision: str
    program_version: str
    source: UnitRef
    target: UnitRef
    seq: int
    base_seq: int
    full: bool
    full_reason: str | None
    usn_since: int
    usn: int
    sign_key_id: str
    units: tuple[UnitEntry, ...]
    members: tuple[MemberEntry, ...]
    format_version: int = FORMAT_VERSION
    lower_units: dict[str, Any] | None = None  # the source's signed statement of the units it enrolled (sync.trust)

    @property
    def counts(self) -> dict[str, int]:
        return {m.table: m.rows for m in self.members}

    @property
    def rows(self) -> int:
        return sum(m.rows for m in self.members)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "format_version": self.format_version, "package_id": self.package_id,
            "made_at": self.made_at, "schema_revision": self.schema_revision, "program_version": self.program_version,
            "source": self.source.as_json(), "target": self.target.as_json(),
            "seq": self.seq, "base_seq": self.base_seq, "full": self.full, "full_reason": self.full_reason,
            "usn": {"since": self.usn_since, "assign": self.usn},
            "sign_key_id": self.sign_key_id,
            "units": [{**u.unit.as_json(), "audit": u.audit.as_json(),
                       "anchor": u.anchor.as_json() if u.anchor else None,
                       **({"anchors": [a.as_json() for a in u.anchors]} if u.anchors else {})} for u in self.units],
            "lower_units": self.lower_units,
            "members": [{"name": m.name, "table": m.table, "rows": m.rows, "bytes": m.bytes, "sha256": m.sha256}
                        for m in self.members],
        }


def _get(doc: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = doc.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SyncError(f"同步文件的清单（manifest.json）中{what}缺失或格式不对。")
    return value


def _unit(doc: Any, what: str) -> UnitRef:
    if not isinstance(doc, dict):
        raise SyncError(f"同步文件的清单中{what}缺失或格式不对。")
    return UnitRef(_get(doc, "unit_id", str, what), _get(doc, "code", str, what), _get(doc, "name", str, what),
                   _get(doc, "level", str, what))


def _head(doc: Any, what: str) -> AuditHead:
    if not isinstance(doc, dict):
        raise SyncError(f"同步文件的清单中{what}缺失或格式不对。")
    seq, digest = _get(doc, "seq", int, what), _get(doc, "hash", str, what)
    if seq < 0 or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise SyncError(f"同步文件的清单中{what}格式不对。")
    return AuditHead(seq, digest)


def parse_manifest(data: bytes) -> Manifest:
    """The manifest, with every field of the format checked (not yet against the database)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[… nested past the stack
        raise SyncError("同步文件的清单（manifest.json）无法读取，文件已损坏。") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SyncError("同步文件的清单格式标识不符，这不是本程序的同步文件。")
    version = _get(doc, "format_version", int, "格式版本")
    if version > FORMAT_VERSION:
        raise SyncError(f"此同步文件由较新版本的程序制作（格式第 {version} 版，本程序只能读第 {FORMAT_VERSION} 版），"
                        "请先升级本程序再导入。")
    usn = _get(doc, "usn", dict, "usn 范围")
    units_doc = _get(doc, "units", list, "单位列表")
    members_doc = _get(doc, "members", list, "文件列表")
    units = []
    for entry in units_doc:
        anchor = entry.get("anchor") if isinstance(entry, dict) else None
        anchors = entry.get("anchors", []) if isinstance(entry, dict) else []
        if not isinstance(anchors, list) or len(anchors) > MAX_ANCHORS:
            raise SyncError("同步文件的清单中审计链锚点格式不对。")
        units.append(UnitEntry(_unit(entry, "单位"), _head(entry.get("audit") if isinstance(entry, dict) else None,
                                                              "审计链"),
                               _head(anchor, "审计链锚点") if anchor is not None else None,
                               tuple(_head(a, "审计链锚点") for a in anchors)))
    members = []
    for entry in members_doc:
        if not isinstance(entry, dict):
            raise SyncError("同步文件的清单中文件列表格式不对。")
        m = MemberEntry(_get(entry, "name", str, "文件名"), _get(entry, "table", str, "表名"),
                        _get(entry, "rows", int, "行数"), _get(entry, "bytes", int, "文件大小"),
                        _get(entry, "sha256", str, "校验值"))
        if m.table not in specs() or m.name != member_name(m.table) or m.rows < 0 or m.bytes < 0 \
                or not re.fullmatch(r"[0-9a-f]{64}", m.sha256):
            raise SyncError(f"同步文件的清单中“{m.name}”一项不正确。")
        members.append(m)
    if len({m.table for m in members}) != len(members):
        raise SyncError("同步文件的清单中有重复的表。")
    seq, base = _get(doc, "seq", int, "序号"), _get(doc, "base_seq", int, "基准序号")
    since, assign = _get(usn, "since", int, "usn 起点"), _get(usn, "assign", int, "usn")
    if seq < 1 or not 0 <= base < seq or since < 0 or assign < 1:
        raise SyncError("同步文件的清单中序号或 usn 范围不正确。")
    if not units:
        raise SyncError("同步文件的清单没有列出任何单位。")
    full_reason = doc.get("full_reason")
    lower_units = doc.get("lower_units")
    if lower_units is not None and not isinstance(lower_units, dict):
        raise SyncError("同步文件的清单中下级单位名单格式不对。")
    return Manifest(
        package_id=_get(doc, "package_id", str, "文件编号"), made_at=_get(doc, "made_at", str, "制作时间"),
        schema_revision=_get(doc, "schema_revision", str, "结构版本"),
        program_version=_get(doc, "program_version", str, "程序版本"),
        source=_unit(doc.get("source"), "发出单位"), target=_unit(doc.get("target"), "接收单位"),
        seq=seq, base_seq=base, full=_get(doc, "full", bool, "完整标记"),
        full_reason=full_reason if isinstance(full_reason, str) else None, usn_since=since, usn=assign,
        sign_key_id=_get(doc, "sign_key_id", str, "签名密钥"), units=tuple(units), members=tuple(members),
        format_version=version, lower_units=lower_units)


# --- writing ----------------------------------------------------------------------------------------


class _HashingWriter:
    """Counts and hashes what goes into a zip member."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.sha, self.size = stream, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.size += len(data)
        self.stream.write(data)


class PackageWriter:
    """Writes the members of a package into a zip file object, one table at a time."""

    def __init__(self, out: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL,
                                   allowZip64=True)
        self.members: list[MemberEntry] = []

    def table(self, table: str, columns: list[str], chunks: Iterator[tuple[str, int]]) -> MemberEntry:
        """One table's file: the header line, then each chunk of already encoded lines (text, count)."""
        name = member_name(table)
        rows = 0
        with self.zip.open(name, "w", force_zip64=True) as raw:
            out = _HashingWriter(raw)
            out.write(dumps({"table": table, "columns": columns}))
            for text, count in chunks:
                if count:
                    out.write(("\n" + text).encode("utf-8"))
                    rows += count
            out.write(b"\n")
        entry = MemberEntry(name, table, rows, out.size, out.sha.hexdigest())
        self.members.append(entry)
        return entry

    def finish(self, manifest: bytes, signature: bytes) -> None:
        self.zip.writestr(MANIFEST, manifest)
        self.zip.writestr(SIGNATURE, signature)
        self.zip.close()

    def __enter__(self) -> "PackageWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()  # after an error too, before its temporary file goes (a no-op once finished)


# --- reading ----------------------------------------------------------------------------------------


@dataclass
class PackageReader:
    """A package's zip, opened with every structural check done; members are read on demand."""

    zip: zipfile.ZipFile
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    # the members as check_members inflated them, kept in a temporary file: applying reads them from
    # here rather than inflating everything a second time (a fifth of a county's import, P5)
    spill: IO[bytes] | None = None
    spilled: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def open(cls, stream: IO[bytes]) -> "PackageReader":
        try:
            archive = zipfile.ZipFile(stream, "r")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                NotImplementedError):  # NotImplementedError: "zip file version 6.4" in a damaged directory
            raise SyncError("同步文件的内容已损坏（不是完整的压缩包）。") from None
        try:
            infos = archive.infolist()
        except Exception:  # noqa: BLE001 - a damaged central directory fails in many ways
            raise SyncError("同步文件的内容已损坏（压缩包目录无法读取）。") from None
        if len(infos) > MAX_MEMBERS:
            raise SyncError(f"同步文件中有 {len(infos)} 个文件，远超应有的数量，疑似恶意文件，已拒绝。")
        by_name: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            if (name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or ":" in name
                    or "\x00" in name):
                raise SyncError(f"同步文件中有试图跳出所在文件夹的路径“{name[:80]}”，疑似恶意文件，已拒绝。")
            if name not in (MANIFEST, SIGNATURE) and not MEMBER_RE.fullmatch(name):
                raise SyncError(f"同步文件中有不应有的文件“{name[:80]}”，已拒绝。")
            if name in by_name:
                raise SyncError(f"同步文件中“{name}”出现了两次，疑似被篡改，已拒绝。")
            if info.flag_bits & 0x1:
                raise SyncError(f"同步文件中的“{name}”被另行加密，不是本程序制作的文件。")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise SyncError(f"同步文件中的“{name}”压缩方式不对，不是本程序制作的文件。")
            limit = {MANIFEST: MAX_MANIFEST, SIGNATURE: MAX_SIGNATURE,
                     member_name("attachment"): MAX_ATTACHMENT_MEMBER}.get(name, MAX_MEMBER)
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limit or (info.file_size > 1 << 16 and ratio > MAX_RATIO):
                raise SyncError(f"同步文件中的“{name}”解压后过大（{info.file_size:,} 字节，压缩比 {ratio:.0f}∶1），"
                                "疑似“压缩炸弹”，已拒绝。")
            total += info.file_size
            by_name[name] = info
        if total > MAX_TOTAL:
            raise SyncError("同步文件解压后总量过大，疑似“压缩炸弹”，已拒绝。")
        for needed in (MANIFEST, SIGNATURE):
            if needed not in by_name:
                raise SyncError(f"同步文件缺少 {needed}，文件不完整或不是本程序制作的。")
        return cls(archive, by_name)

    def read_small(self, name: str) -> bytes:
        info = self.infos[name]
        return b"".join(self._chunks(info))

    def _chunks(self, info: zipfile.ZipInfo, size: int = 1 << 20) -> Iterator[bytes]:
        """A member's bytes, refused as soon as they run past what it declared (a lying header)."""
        read = 0
        try:
            with self.zip.open(info, "r") as stream:
                while chunk := stream.read(size):
                    read += len(chunk)
                    if read > info.file_size:
                        raise SyncError(f"同步文件中的“{info.filename}”实际内容超过其声明的大小，疑似恶意文件，已拒绝。")
                    yield chunk
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            if isinstance(exc, SyncError):
                raise
            raise SyncError(f"同步文件中的“{info.filename}”已损坏，无法解压。") from None
        except Exception as exc:  # noqa: BLE001 - zlib.error and friends from a damaged stream
            if isinstance(exc, SyncError):
                raise
            raise SyncError(f"同步文件中的“{info.filename}”已损坏，无法解压。") from None
        if read != info.file_size:
            raise SyncError(f"同步文件中的“{info.filename}”内容不完整。")

    def table_names(self) -> set[str]:
        return {MEMBER_RE.fullmatch(n).group(1) for n in self.infos if MEMBER_RE.fullmatch(n)}  # type: ignore[union-attr]

    def check_members(self, manifest: Manifest) -> None:  # noqa: C901
        """Every member the manifest lists is there, of its size and SHA-256, and nothing else is; none inflates
        past what the manifest declares, nor the temporary folder past its room (``check_declared``)."""
        check_declared(manifest)
        listed = {m.name: m for m in manifest.members}
        extra = sorted(set(self.infos) - set(listed) - {MANIFEST, SIGNATURE})
        if extra:
            raise SyncError(f"同步文件中的“{extra[0]}”不在其清单中，疑似被篡改，已拒绝。")
        for name, entry in listed.items():
            info = self.infos.get(name)
            if info is None:
                raise SyncError(f"同步文件缺少清单中列出的“{name}”（{TABLE_LABELS.get(entry.table, entry.table)}）。")
            if info.file_size != entry.bytes:
                raise SyncError(f"同步文件中“{name}”的大小与清单不符，文件已被改动。")
            sha = hashlib.sha256()
            start = self._spill_file().tell()
            lines, first, run = 0, True, 0
            longest = row_bound(entry.table) + (64 << 10)
            for chunk in self._chunks(info):
                if first:  # a table's file: a header object, then arrays — junk is refused at its first MiB
                    _check_shape(entry, chunk)
                    first = False
                newlines = chunk.count(b"\n")
                lines += newlines
                run = len(chunk) - chunk.rfind(b"\n") - 1 if newlines else run + len(chunk)
                if run > longest:
                    raise SyncError(f"同步文件中“{TABLE_LABELS.get(entry.table, entry.table)}”有一行长于一行记录"
                                    "所能有的长度，疑似恶意文件，已拒绝。")
                if lines > entry.rows + 1:
                    raise SyncError(f"同步文件中“{TABLE_LABELS.get(entry.table, entry.table)}”的行数超过清单所列的 "
                                    f"{entry.rows} 行，疑似恶意文件，已拒绝。")
                sha.update(chunk)
                self._spill_write(chunk)
            if sha.hexdigest() != entry.sha256:
                raise SyncError(f"同步文件中“{name}”（{TABLE_LABELS.get(entry.table, entry.table)}）的校验值与清单不符，"
                                "文件已被改动或损坏。")
            self.spilled[name] = (start, info.file_size)

    def _spill_file(self) -> IO[bytes]:
        if self.spill is None:
            try:
                self.spill = tempfile.TemporaryFile()
            except OSError as exc:
                raise temp_folder_error(exc) from None
        return self.spill

    def _spill_write(self, chunk: bytes) -> None:
        try:
            self._spill_file().write(chunk)
        except OSError as exc:
            raise temp_folder_error(exc) from None

    def _member(self, info: zipfile.ZipInfo, size: int = 1 << 20) -> Iterator[bytes]:
        """A member's bytes: from the temporary file once checked, otherwise inflated from the zip."""
        where = self.spilled.get(info.filename)
        if where is None or self.spill is None:
            yield from self._chunks(info)
            return
        position, left = where
        while left:
            self.spill.seek(position)  # each reader keeps its own place in the shared file
            chunk = self.spill.read(min(size, left))
            if not chunk:
                raise SyncError(f"同步文件中的“{info.filename}”在临时文件中不完整。")
            position, left = position + len(chunk), left - len(chunk)
            yield chunk

    def lines(self, table: str) -> Iterator[bytes]:
        """The lines of a table's file (header first), none longer than MAX_LINE."""
        info = self.infos[member_name(table)]
        rest = b""
        for chunk in self._member(info):
            rest += chunk
            parts = rest.split(b"\n")
            rest = parts.pop()
            if len(rest) > MAX_LINE:
                raise SyncError(f"同步文件中“{TABLE_LABELS.get(table, table)}”有一行过长，疑似恶意文件，已拒绝。")
            yield from parts
        if rest:
            yield rest

    def close(self) -> None:
        self.zip.close()
        if self.spill is not None:
            self.spill.close()



def check_declared(manifest: Manifest) -> None:
    """Refuse, before inflating anything, a package whose members declare more than their rows can take or
    than the ceilings allow, or more than the temporary folder has room for."""
    total = rows = 0
    for m in manifest.members:
        label = TABLE_LABELS.get(m.table, m.table)
        ceiling = MAX_ATTACHMENT_MEMBER if m.table == "attachment" else MAX_MEMBER
        bound = min(ceiling, (64 << 10) + m.rows * row_bound(m.table))
        if m.bytes > bound:
            raise SyncError(f"同步文件中“{label}”声明解压后有 {m.bytes:,} 字节，而它的 {m.rows:,} 行最多只能有 "
                            f"{bound:,} 字节，疑似“压缩炸弹”，已拒绝（未解压）。")
        total, rows = total + m.bytes, rows + m.rows
    if total > MAX_TOTAL or rows > MAX_ROWS:
        raise SyncError(f"同步文件声明解压后共 {total:,} 字节、{rows:,} 行，超过一个省一年的数据量上限"
                        f"（{MAX_TOTAL >> 30} GiB、{MAX_ROWS:,} 行），疑似恶意文件，已拒绝（未解压）。")
    try:
        free = shutil.disk_usage(tempfile.gettempdir()).free
    except OSError:
        return
    if total + TEMP_MARGIN > free:
        raise SyncError(f"临时文件夹（{tempfile.gettempdir()}）只剩 {free >> 20:,} MB，解开此同步文件需要约 "
                        f"{(total + TEMP_MARGIN) >> 20:,} MB，请先清理磁盘空间（数据库未改动）。")


def _check_shape(entry: MemberEntry, chunk: bytes) -> None:
    lines = chunk.split(b"\n")
    label = TABLE_LABELS.get(entry.table, entry.table)
    if not lines[0].lstrip().startswith(b"{"):
        raise SyncError(f"同步文件中“{label}”的列名行不正确，文件已损坏，已拒绝。")
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        last = number == len(lines)  # may go on in the next chunk: only its start is known
        if stripped and not (stripped.startswith(b"[") and (last or stripped.endswith(b"]"))):
            raise SyncError(f"同步文件中“{label}”第 {number} 行无法读取，文件已损坏，已拒绝。")
