"""The reader over mutated packages (hypothesis): whatever the bytes, the answer is the package applied
whole or a SyncError with a Chinese message and the database as it was — never another exception.

Three depths: the sealed file (any change must fail authentication), the zip inside sealed again
(structure, manifest, signature, member hashes), and the JSON Lines of a table with its hash and the
manifest's signature made right again (parsing and the checks of every value).

Each test runs ``SYNC_FUZZ_EXAMPLES`` examples (150 by default; the nightly run sets
``SYNC_FUZZ_EXAMPLES=5000``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assist_desktop.sync.errors import SyncError

from .conftest import Network, Opened, make_zip, open_network, open_package, seal_zip, set_member

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
def bench(network_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    net = open_network(network_template, tmp_path_factory.mktemp("fuzz"))
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
