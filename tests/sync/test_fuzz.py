"""The reader over mutated packages (hypothesis): whatever the bytes, the answer is the package applied
whole or a SyncError with a Chinese message and the database as it was — never another exception.

Four depths: the sealed file (any change must fail authentication), the values of its envelope header
(read before anything is decrypted), the zip inside sealed again (structure, manifest, signature, member
hashes), and the JSON Lines of a table with its hash and the manifest's signature made right again
(parsing and the checks of every value).

The acknowledgement (the upper unit's signed JSON that a county imports with ``sync ack``) likewise:
its bytes mutated (flips, cuts, insertions, truncation), and its values replaced, removed or added with
the signature made right again (the checks of every value behind the signature).

Each test runs ``SYNC_FUZZ_EXAMPLES`` examples (150 by default; the nightly run sets
``SYNC_FUZZ_EXAMPLES=10000``).
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assist_desktop.sync.crypto import MAGIC
from assist_desktop.sync.errors import SyncError

from .conftest import Network, Opened, _signing_private, make_zip, open_network, open_package, seal_zip, set_member

EXAMPLES = int(os.environ.get("SYNC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 150,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Bench:
    def __init__(self, net: Network, package: Path, pristine: Path) -> None:
        self.net, self.package, self.pristine = net, package, pristine
        self.data = package.read_bytes()
        self.opened = open_package(package, net["yulin"])
        self.zip = make_zip(self.opened.members)
        self.before = net["yulin"].state()
        self.n = 0

    def attempt(self, data: bytes) -> None:
        """Import ``data``: refused leaving the database as it was, or applied (then put back)."""
        self.n += 1
        path = self.net.root / f"fuzz-{self.n}.sync"
        path.write_bytes(data)
        try:
            self.net.import_("yulin", path)
        except SyncError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message), exc.message
            assert self.net["yulin"].state() == self.before, exc.message
        else:
            self.net.restore("yulin", self.pristine)
            assert self.net["yulin"].state() == self.before
        finally:
            path.unlink()


@pytest.fixture(scope="module")
def bench(network_template: Any, tmp_path_factory: pytest.TempPathFactory, databases: Any) -> Iterator[Bench]:
    net = open_network(network_template, tmp_path_factory.mktemp("fuzz"), databases)
    package = net.export("suide").path
    pristine = net.snapshot("yulin")
    yield Bench(net, package, pristine)
    net.close()


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["flip", "set", "cut", "insert", "delete", "splice"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
    if kind == "set":
        chunk = draw(st.binary(min_size=1, max_size=16))
        return data[:at] + chunk + data[at + len(chunk):]
    if kind == "cut":
        return data[:at]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 256)):]
    other = draw(st.integers(0, len(data) - 1))  # a piece of the file copied over another place
    size = draw(st.integers(1, 512))
    return data[:at] + data[other:other + size] + data[at + size:]


@st.composite
def mutated(draw: st.DrawFn, source: bytes) -> bytes:
    data = source
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        data = _mutate(data, draw)
    return data


@FUZZ
@given(data=st.data())
def test_any_change_to_the_file_is_refused(bench: Bench, data: st.DataObject) -> None:
    bad = data.draw(mutated(bench.data))
    assume(bad != bench.data)
    bench.n += 1
    path = bench.net.root / f"outer-{bench.n}.sync"
    path.write_bytes(bad)
    with pytest.raises(SyncError):
        bench.net.import_("yulin", path)
    assert bench.net["yulin"].state() == bench.before
    path.unlink()


@FUZZ
@given(data=st.data())
def test_the_zip_inside_mutated_and_sealed_again(bench: Bench, data: st.DataObject) -> None:
    bad = data.draw(mutated(bench.zip))
    assume(bad != bench.zip)
    bench.attempt(seal_zip(bad, bench.opened.header, bench.net["yulin"]))


def test_a_zip_of_an_unknown_version_is_refused(bench: Bench) -> None:
    """Found by the nightly run: a central directory entry asking for "zip file version 6.4" made
    zipfile raise NotImplementedError."""
    data = bytearray(bench.zip)
    data[data.index(b"PK\x01\x02") + 6] = 0x40  # "version needed to extract" of the first entry
    path = bench.net.root / "zip-version.sync"
    path.write_bytes(seal_zip(bytes(data), bench.opened.header, bench.net["yulin"]))
    with pytest.raises(SyncError, match="已损坏"):
        bench.net.import_("yulin", path)
    assert bench.net["yulin"].state() == bench.before


_TOKENS = st.sampled_from([b"null", b"true", b"-1", b"0", b"1e309", b'"', b"[", b"]", b",", b"{}", b"\\u0000",
                           b'"2026-02-30"', b'"x"', b"9223372036854775808", "张".encode(), b"\xff", b"\n", b"  "])


@FUZZ
@given(data=st.data(), table=st.sampled_from(["hardship_file", "member", "visit", "org_unit", "user", "disbursement"]))
def test_table_lines_mutated_with_hashes_and_signature_made_right(bench: Bench, data: st.DataObject, table: str) -> None:
    name = f"tables/{table}.jsonl"
    original = bench.opened.members[name]
    lines = original.split(b"\n")
    index = data.draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    at = data.draw(st.integers(0, max(0, len(line) - 1)))
    cut = data.draw(st.integers(0, 12))
    piece = data.draw(st.one_of(_TOKENS, st.binary(max_size=8)))
    lines[index] = line[:at] + piece + line[at + cut:]
    changed = b"\n".join(lines)
    assume(changed != original)
    opened = Opened(dict(bench.opened.header), dict(bench.opened.members))
    set_member(opened, name, changed, bench.net["suide"])
    bench.attempt(seal_zip(make_zip(opened.members), opened.header, bench.net["yulin"]))


# --- the acknowledgement --------------------------------------------------------------------------------


class AckBench:
    """绥德 has sent its first package; 榆林 applied it and wrote the acknowledgement, not yet imported."""

    def __init__(self, net: Network, ack: Path, pristine: Path) -> None:
        self.net, self.pristine = net, pristine
        self.data = ack.read_bytes()
        self.doc = json.loads(self.data)
        self.before = net["suide"].state()
        self.n = 0
        self.seen = {"applied": 0, "refused": 0}

    def attempt(self, data: bytes) -> None:
        """Import ``data`` at the county: refused leaving the database as it was, or applied (then put back)."""
        from assist_desktop.sync.ack import apply_ack

        self.n += 1
        path = self.net.root / f"fuzz-{self.n}.ack"
        path.write_bytes(data)
        try:
            with self.net["suide"].session() as s:
                apply_ack(s, None, path)
        except SyncError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message), exc.message
            assert self.net["suide"].state() == self.before, exc.message
            self.seen["refused"] += 1
        else:
            self.net.restore("suide", self.pristine)
            assert self.net["suide"].state() == self.before
            self.seen["applied"] += 1
        finally:
            path.unlink()

    def signed(self, doc: dict[str, Any]) -> bytes:
        """``doc`` signed again with 榆林's real key (as a faulty or hostile copy of the program would)."""
        from assist_desktop.services.audit import canonical_json
        from assist_desktop.sync.keys import b64

        body = canonical_json({k: v for k, v in doc.items() if k != "signature"}).encode("utf-8", "surrogatepass")
        signature = dict(self.doc["signature"])
        signature["value"] = b64(_signing_private(self.net["yulin"]).sign(body))
        return json.dumps({**doc, "signature": signature}, indent=1).encode()


@pytest.fixture(scope="module")
def ack_bench(network_template: Any, tmp_path_factory: pytest.TempPathFactory, databases: Any
              ) -> Iterator[AckBench]:
    from assist_desktop.sync.ack import write_ack

    net = open_network(network_template, tmp_path_factory.mktemp("fuzz-ack"), databases)
    result = net.import_("yulin", net.export("suide").path)
    ack = net.file("suide.ack")
    with net["yulin"].session() as s:
        write_ack(s, result.package_id, ack)  # type: ignore[arg-type]
    bench = AckBench(net, ack, net.snapshot("suide"))
    bench.attempt(bench.data)  # the pristine acknowledgement applies
    assert bench.seen == {"applied": 1, "refused": 0}
    yield bench
    net.close()


@FUZZ
@given(data=st.data())
def test_the_acknowledgement_mutated(ack_bench: AckBench, data: st.DataObject) -> None:
    bad = data.draw(mutated(ack_bench.data))
    assume(bad != ack_bench.data)
    ack_bench.attempt(bad)


_HUGE = st.sampled_from([2**63 - 1, 2**63, -1, -2**63 - 1, 2**64 + 5, 10**40])
_INTS = st.one_of(st.integers(-3, 5), _HUGE, st.integers())
_TEXTS = st.one_of(st.text(max_size=12),
                   st.sampled_from(["", "\ud800", "x\udfff", "\u0000", "张" * 300, "2026-02-30"]))
_VALUES = st.one_of(
    st.none(), st.booleans(), _INTS, st.floats(), _TEXTS,
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
    st.builds(lambda: [[[[[]]]]]))  # a new object each time: the changes below mutate in place


def _place(doc: Any, data: st.DataObject) -> tuple[Any, Any]:
    """A place in ``doc`` (container, key): a top-level key, or with odds of 3 in 4 one inside it, and so
    on down (so that each top-level value is as likely as the per-table counts together)."""
    parent = doc
    while True:
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        if not keys:
            return parent, None
        key = data.draw(st.sampled_from(keys))
        if not isinstance(parent[key], dict | list) or not parent[key] or data.draw(st.integers(0, 3)) == 0:
            return parent, key
        parent = parent[key]


def _change(doc: Any, data: st.DataObject) -> None:
    """Replace (mostly by a value of the same kind, which reaches further), remove or add one value."""
    parent, key = _place(doc, data)
    how = data.draw(st.sampled_from(["replace", "replace", "replace", "remove", "add"]))
    if key is None or how == "add":
        if isinstance(parent, dict):
            parent[data.draw(st.text(max_size=8))] = data.draw(_VALUES)
        else:
            parent.append(data.draw(_VALUES))
    elif how == "remove":
        del parent[key]
    else:
        value = parent[key]
        like = _INTS if isinstance(value, int) and not isinstance(value, bool) else _TEXTS if isinstance(value, str) \
            else _VALUES
        parent[key] = data.draw(st.one_of(like, _VALUES))


@FUZZ
@given(data=st.data())
def test_the_acknowledgements_values_changed_and_signed_again(ack_bench: AckBench, data: st.DataObject) -> None:
    doc = {k: v for k, v in json.loads(ack_bench.data).items() if k != "signature"}
    for _ in range(data.draw(st.integers(1, 3))):
        _change(doc, data)
    signed = json.loads(ack_bench.signed(doc))
    if data.draw(st.booleans()):  # and now and then the signature's own fields
        _change(signed["signature"], data)
    ack_bench.attempt(json.dumps(signed, indent=1).encode())


@pytest.mark.parametrize("change", [
    {"package": {"seq": 2**64}}, {"package": {"seq": -2**64}},  # found: OverflowError from SQLite
    {"package": {"seq": 7}, "last_received_seq": 2**63},  # found: the same, where a backup was restored
    {"from": {"name": "\ud800"}},  # found: UnicodeEncodeError (a lone surrogate) before the signature check
])
def test_the_acknowledgements_found_by_fuzzing_are_refused(ack_bench: AckBench, change: dict[str, Any]) -> None:
    """Signed by the upper unit's real key, so that only the values' own checks can refuse them."""
    doc = json.loads(ack_bench.data)
    for key, value in change.items():
        if isinstance(value, dict):
            doc[key].update(value)
        else:
            doc[key] = value
    refused = ack_bench.seen["refused"]
    ack_bench.attempt(ack_bench.signed(doc))
    assert ack_bench.seen["refused"] == refused + 1


# --- the envelope header (read before anything is decrypted) -------------------------------------------


def _envelope(data: bytes) -> tuple[dict[str, Any], bytes]:
    (length,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
    start = len(MAGIC) + 4
    return json.loads(data[start:start + length]), data[start + length:]


def _with_header(header: dict[str, Any], sealed: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return MAGIC + struct.pack(">I", len(raw)) + raw + sealed


@FUZZ
@given(data=st.data())
def test_the_envelope_headers_values_changed(bench: Bench, data: st.DataObject) -> None:
    header, sealed = _envelope(bench.data)
    for _ in range(data.draw(st.integers(1, 3))):
        _change(header, data)
    bench.attempt(_with_header(header, sealed))


@pytest.mark.parametrize("field", ["source", "sign_key_id", "recipient_key_id"])
def test_a_lone_surrogate_in_the_envelope_header_is_refused(bench: Bench, field: str) -> None:
    """Found by hand after the acknowledgement's fuzzing: a "\\ud800" in the header failed the first query
    with UnicodeEncodeError."""
    header, sealed = _envelope(bench.data)
    if field == "source":
        header["source"]["unit_id"] = "\ud800"
    else:
        header[field] = "\ud800"
    path = bench.net.root / f"surrogate-{field}.sync"
    path.write_bytes(_with_header(header, sealed))
    with pytest.raises(SyncError, match="文件头已损坏"):
        bench.net.import_("yulin", path)
    assert bench.net["yulin"].state() == bench.before
