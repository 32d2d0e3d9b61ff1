"""Every kind of bad file is refused with a message that names the problem, and the database is left
exactly as it was (same row counts in every table, same audit head)."""

from __future__ import annotations

import json
import sqlite3
import uuid
import zipfile
from contextlib import closing
from pathlib import Path

from tests.dbtools import connect
import pytest

from assist_desktop.storage import deferred_keys
from assist_desktop.sync import keys as sync_keys
from assist_desktop.sync.ack import apply_ack, write_ack
from assist_desktop.sync.errors import SyncError
from assist_desktop.sync.importer import inspect_package
from assist_desktop.sync.package import FORMAT_VERSION, MANIFEST, SIGNATURE

from .conftest import (
    Network, Opened, dump_lines, make_zip, open_package, repack, seal_zip, set_manifest, set_member, table_lines,
    unchanged_after_refusal,
)

CJK = "\u4e00"


def refused(net: Network, target: str, path: Path, match: str) -> str:
    before = net[target].state()
    with pytest.raises(SyncError) as caught:
        net.import_(target, path)
    message = caught.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert match in message, message
    assert unchanged_after_refusal(net[target], before, caught.value), "a refused file changed the database"
    return message


@pytest.fixture
def package(net: Network) -> Path:
    """绥德's first package for 榆林, not yet imported."""
    return net.export("suide").path


@pytest.fixture
def opened(net: Network, package: Path) -> Opened:
    return open_package(package, net["yulin"])


# --- the file itself -----------------------------------------------------------------------------------


def test_a_flipped_bit_anywhere_is_refused(net: Network, package: Path) -> None:
    data = package.read_bytes()
    positions = sorted({0, 5, 9, 11, 40, 200, len(data) // 3, len(data) // 2, len(data) - 17, len(data) - 1,
                        *range(300, len(data), max(1, len(data) // 25))})
    for position in positions:
        for bit in (0, 7):
            bad = bytearray(data)
            bad[position] ^= 1 << bit
            target = net.file(f"flip-{position}-{bit}.sync")
            target.write_bytes(bytes(bad))
            refused(net, "yulin", target, "")


def test_a_truncated_file_is_refused(net: Network, package: Path, opened: Opened) -> None:
    data = package.read_bytes()
    for length in (0, 4, 12, 60, len(data) // 2, len(data) - 16, len(data) - 1):
        cut = net.file(f"cut-{length}.sync")
        cut.write_bytes(data[:length])
        message = refused(net, "yulin", cut, "")
        assert any(word in message for word in ("不完整", "损坏", "不是同步文件")), message
    # cut exactly after a whole segment: the last-segment flag gives it away
    small = net.file("segments.sync")
    small.write_bytes(seal_zip(make_zip(opened.members), opened.header, net["yulin"], segment_size=4096))
    whole = small.read_bytes()
    header_end = whole.index(b"}", 12) + 1
    cut = net.file("cut-at-segment.sync")
    cut.write_bytes(whole[:header_end + 4096 + 16])
    refused(net, "yulin", cut, "不完整")
    assert net.import_("yulin", small).status == "applied"  # the whole of it is fine


def test_something_that_is_not_a_package_is_refused(net: Network, tmp_path: Path) -> None:
    other = tmp_path / "roster.sync"
    other.write_text("姓名,身份证号\n张三,610826\n", encoding="utf-8")
    refused(net, "yulin", other, "不是同步文件")
    with net["suide"].session() as s:
        key_file = tmp_path / "key.sync"
        key_file.write_bytes(sync_keys.export_key_file(s, None))
    refused(net, "yulin", key_file, "不是同步文件")
    with pytest.raises(SyncError, match="无法读取同步文件"), net["yulin"].session() as s:
        inspect_package(s, tmp_path / "missing.sync")


def test_a_package_for_another_unit_is_refused(net: Network, package: Path) -> None:
    refused(net, "shaanxi", package, "不是发给本单位（陕西省总工会，610000）的")
    refused(net, "mizhi", package, "不是发给本单位")


def test_a_package_from_a_unit_not_enrolled_is_refused(net: Network, package: Path) -> None:
    with closing(connect(net["yulin"].path)) as conn:
        conn.execute("DELETE FROM sync_peer WHERE unit_id = ?", (net["suide"].unit_id,))
        conn.commit()
    refused(net, "yulin", package, "来自未登记的单位（代码 610826）")


def test_a_newer_format_is_refused(net: Network, opened: Opened) -> None:
    newer_version = FORMAT_VERSION + 1
    header = dict(opened.header, format_version=newer_version)
    newer = net.file("newer-envelope.sync")
    newer.write_bytes(seal_zip(make_zip(opened.members), header, net["yulin"]))
    refused(net, "yulin", newer, f"较新版本的程序制作（格式第 {newer_version} 版")
    manifest = opened.manifest
    manifest["format_version"] = newer_version
    set_manifest(opened, manifest, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("newer-manifest.sync")), "")
    manifest["format_version"], manifest["schema_revision"] = FORMAT_VERSION, "9999"
    set_manifest(opened, manifest, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("newer-schema.sync")), "数据结构第 9999 版")


# --- keys ----------------------------------------------------------------------------------------------


def test_an_unknown_key_is_refused_and_a_retired_one_still_verifies(net: Network) -> None:
    old = net.export("suide")  # made before the county changes its keys
    admin = net["suide"].user("admin")
    with net["suide"].session() as s:
        sync_keys.rotate_unit_keys(s, admin, reason="电脑更换")
    new = net.export("suide")
    refused(net, "yulin", new.path, "不是绥德县总工会已登记的密钥")
    with net["suide"].session() as s:
        key_file = sync_keys.read_key_file(sync_keys.export_key_file(s, None))
    with net["yulin"].session() as s:
        enrolled = sync_keys.enrol_lower_unit(s, None, key_file, fingerprint=key_file.fingerprint)
    assert len(enrolled.keys_added) == 2 and len(enrolled.keys_retired) == 2
    with net["yulin"].session() as s, inspect_package(s, old.path) as prepared:
        assert prepared.report.sign_key_retired and prepared.report.status == "new"
    assert net.import_("yulin", new.path).status == "applied"


def test_a_revoked_key_is_refused(net: Network, package: Path) -> None:
    with net["yulin"].session() as s:
        key_id = sync_keys.list_peers(s)[1].sign_key_id
        assert sync_keys.list_peers(s)[1].code == "610826"
        sync_keys.revoke_key(s, None, key_id, reason="县总工会电脑被盗")
    message = refused(net, "yulin", package, f"签名密钥 {key_id} 已于")
    assert "县总工会电脑被盗" in message
    with net["yulin"].session() as s:
        assert sync_keys.list_peers(s)[1].revoked_keys == (key_id,)


def test_an_acknowledgement_signed_with_a_revoked_key_is_refused(net: Network, package: Path) -> None:
    result = net.import_("yulin", package)
    ack = net.file("ack.json")
    with net["yulin"].session() as s:
        write_ack(s, result.package_id, ack)  # type: ignore[arg-type]
    with net["suide"].session() as s:
        upper = [p for p in sync_keys.list_peers(s) if p.relation == "upper"][0]
        sync_keys.revoke_key(s, None, upper.sign_key_id, reason="市总工会密钥泄露")  # type: ignore[arg-type]
    before = net["suide"].state()
    with net["suide"].session() as s, pytest.raises(SyncError, match="已于 .* 被吊销"):
        apply_ack(s, None, ack)
    assert net["suide"].state() == before


def test_a_forged_or_foreign_acknowledgement_is_refused(net: Network, package: Path) -> None:
    result = net.import_("yulin", package)
    ack = net.file("ack.json")
    with net["yulin"].session() as s:
        write_ack(s, result.package_id, ack)  # type: ignore[arg-type]
    doc = json.loads(ack.read_text(encoding="utf-8"))
    doc["package"]["usn"] = 99  # changed after signing
    forged = net.file("forged.json")
    forged.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = net["suide"].state()
    with net["suide"].session() as s, pytest.raises(SyncError, match="签名无效"):
        apply_ack(s, None, forged)
    with net["mizhi"].session() as s, pytest.raises(SyncError, match="不是本单位的"):
        apply_ack(s, None, ack)
    assert net["suide"].state() == before


# --- the zip inside --------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused(net: Network, opened: Opened) -> None:
    opened.members["tables/member.jsonl"] = b"\0" * (64 << 20)
    message = refused(net, "yulin", repack(opened, net["yulin"], net.file("bomb.sync")), "压缩炸弹")
    assert "tables/member.jsonl" in message


@pytest.mark.parametrize("name", ["../escape.jsonl", "tables/../../etc/passwd", "/etc/cron.d/x", "C:\\Windows\\x.jsonl",
                                  "tables\\..\\x.jsonl"])
def test_a_path_leaving_its_folder_is_refused(net: Network, opened: Opened, name: str) -> None:
    opened.members[name] = b"{}"
    refused(net, "yulin", repack(opened, net["yulin"], net.file("escape.sync")), "试图跳出所在文件夹")


def test_unexpected_or_doubled_members_are_refused(net: Network, opened: Opened) -> None:
    extra = dict(opened.members)
    extra["notes.txt"] = b"hello"
    opened_extra = Opened(opened.header, extra)
    refused(net, "yulin", repack(opened_extra, net["yulin"], net.file("extra.sync")), "不应有的文件")
    unlisted = dict(opened.members)
    unlisted["tables/campaign.jsonl"], unlisted["tables/scholarship.jsonl"] = b"", unlisted.pop("tables/scholarship.jsonl")
    refused(net, "yulin", repack(Opened(opened.header, unlisted), net["yulin"], net.file("unlisted.sync")), "")
    too_many = dict(opened.members)
    for n in range(70):
        too_many[f"tables/t{chr(97 + n % 26)}{n}.jsonl".replace("0", "o").replace("1", "i")] = b""
    refused(net, "yulin", repack(Opened(opened.header, too_many), net["yulin"], net.file("many.sync")), "")


def test_a_manifest_changed_without_the_key_is_refused(net: Network, opened: Opened) -> None:
    manifest = opened.manifest
    manifest["members"][0]["rows"] += 1
    set_manifest(opened, manifest, net["suide"], sign=False)
    refused(net, "yulin", repack(opened, net["yulin"], net.file("unsigned.sync")), "签名无效")


def test_a_signature_by_another_unit_is_refused(net: Network, opened: Opened) -> None:
    from .conftest import resign

    resign(opened, net["mizhi"])  # 米脂 is enrolled too, but this is 绥德's package
    refused(net, "yulin", repack(opened, net["yulin"], net.file("other-signer.sync")), "签名无效")


def test_a_member_changed_without_its_hash_is_refused(net: Network, opened: Opened) -> None:
    header, rows = table_lines(opened, "hardship_file")
    i = header["columns"].index("name")
    rows[0][i] = "冒" * len(rows[0][i])  # the same size: only the hash can tell
    opened.members["tables/hardship_file.jsonl"] = dump_lines(header, rows)
    refused(net, "yulin", repack(opened, net["yulin"], net.file("hash.sync")), "校验值与清单不符")


# --- what the rows say ------------------------------------------------------------------------------------


def test_a_count_that_does_not_match_the_manifest_is_refused(net: Network, opened: Opened) -> None:
    header, rows = table_lines(opened, "member")
    set_member(opened, "tables/member.jsonl", dump_lines(header, rows[:-1]), net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("count.sync")), "与清单所列的")


@pytest.mark.parametrize("checked", ["once a key", "row by row"])
def test_a_row_referring_to_data_neither_sent_nor_held_is_refused(
        net: Network, opened: Opened, databases, checked: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A member of a file the package lacks and the city does not hold, and a visit of a campaign likewise:
    refused, the database unchanged — on the server both with the keys checked once a key after the COPY
    (replica mode, storage.deferred_keys) and row by row (a login not allowed replica mode)."""
    if checked == "row by row":
        if not databases.postgres:
            pytest.skip("a file checks its keys row by row either way")
        monkeypatch.setattr(deferred_keys, "available", lambda _conn: False)
    for table, column, label in (("member", "file_id", "家庭成员"), ("visit", "campaign_id", "走访")):
        copy = Opened(opened.header, dict(opened.members))
        header, rows = table_lines(copy, table)
        rows[len(rows) // 2][header["columns"].index(column)] = str(uuid.uuid4())
        set_member(copy, f"tables/{table}.jsonl", dump_lines(header, rows), net["suide"])
        message = refused(net, "yulin", repack(copy, net["yulin"], net.file(f"orphan-{table}.sync")),
                          "引用了本数据库中没有的数据")
        assert f"“{label}”" in message, message


@pytest.mark.parametrize("column,value,problem", [
    ("birth_date", "1980/01/01", "不是有效日期"), ("household_size", "3", "类型不对"),
    ("status", None, "不能为空"), ("id", "not-a-uuid", "不是有效的编号"), ("single_parent", 2, "应为 0 或 1"),
    ("name", "张" * 31, "超过 30 个字符"),
    ("name", "张三\x1b[2J", "含有不可见的控制字符（ESC，U+001B）"), ("address", "名州镇\x07", "BEL 响铃"),
    ("employer_name", "某厂\u202e", "方向控制符"),
])
def test_a_value_of_the_wrong_form_is_refused_naming_row_and_column(
        net: Network, opened: Opened, column: str, value: object, problem: str) -> None:
    header, rows = table_lines(opened, "hardship_file")
    rows[4][header["columns"].index(column)] = value
    set_member(opened, "tables/hardship_file.jsonl", dump_lines(header, rows), net["suide"])
    message = refused(net, "yulin", repack(opened, net["yulin"], net.file("value.sync")), problem)
    assert "“困难职工档案”第 6 行" in message and column in message


def test_unreadable_lines_and_headers_are_refused(net: Network, opened: Opened) -> None:
    header, rows = table_lines(opened, "visit")
    data = dump_lines(header, rows).replace(b"\n[", b"\n[{", 1)
    set_member(opened, "tables/visit.jsonl", data, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("line.sync")), "第 2 行无法读取")
    header["columns"] = header["columns"] + ["secret_column"]
    set_member(opened, "tables/visit.jsonl", dump_lines(header, [r + [1] for r in rows]), net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("column.sync")), "不认识的列 secret_column")


def test_rows_of_a_unit_the_package_does_not_list_are_refused(net: Network, opened: Opened) -> None:
    header, rows = table_lines(opened, "employer")
    rows[0][header["columns"].index("owner_unit_id")] = net["mizhi"].unit_id
    set_member(opened, "tables/employer.jsonl", dump_lines(header, rows), net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("owner.sync")), "属于清单之外的单位")


def test_a_package_claiming_another_units_records_is_refused(net: Network, opened: Opened) -> None:
    manifest = opened.manifest
    mizhi = {"unit_id": net["mizhi"].unit_id, "code": "610827", "name": "米脂县总工会", "level": "county",
             "audit": {"seq": 1, "hash": "0" * 64}, "anchor": None}
    set_manifest(opened, {**manifest, "units": manifest["units"] + [mizhi]}, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("claim.sync")), "直接向本单位报送")
    mine = {**mizhi, "unit_id": net["yulin"].unit_id, "code": "610800", "name": "榆林市总工会", "level": "city"}
    set_manifest(opened, {**manifest, "units": manifest["units"] + [mine]}, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("mine.sync")), "本单位（榆林市总工会）自己的记录")


def test_a_record_id_held_by_another_unit_is_refused(net: Network, opened: Opened) -> None:
    net.carry("mizhi", "yulin")
    with closing(connect(net["yulin"].path)) as conn:
        theirs = conn.execute("SELECT id FROM employer WHERE owner_unit_id = ?", (net["mizhi"].unit_id,)).fetchone()[0]
    header, rows = table_lines(opened, "employer")
    rows[0][header["columns"].index("id")] = theirs
    set_member(opened, "tables/employer.jsonl", dump_lines(header, rows), net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("steal.sync")), "属于其他单位的记录编号相同")


def test_an_audit_chain_that_goes_back_or_was_rewritten_is_refused(net: Network) -> None:
    net.carry("suide", "yulin")
    from .test_sequence import _edit

    _edit(net, "高志强", 457)
    second = net.export("suide")
    opened = open_package(second.path, net["yulin"])
    manifest = opened.manifest
    first_head = manifest["units"][0]["anchor"]
    assert first_head is not None and first_head["seq"] < manifest["units"][0]["audit"]["seq"]
    back = json.loads(json.dumps(manifest))
    back["units"][0]["audit"] = {"seq": first_head["seq"] - 1, "hash": "a" * 64}
    set_manifest(opened, back, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("back.sync")), "审计记录比上次报送时少")
    rewritten = json.loads(json.dumps(manifest))
    rewritten["units"][0]["anchor"]["hash"] = "b" * 64
    set_manifest(opened, rewritten, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("rewritten.sync")), "与当初报送时不一致")
    same_seq = json.loads(json.dumps(manifest))
    same_seq["units"][0]["audit"] = {"seq": first_head["seq"], "hash": "c" * 64}
    set_manifest(opened, same_seq, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("same-seq.sync")), "与上次报送的不一致")
    assert net.import_("yulin", second.path).status == "applied"  # the real one is fine


def test_replays_and_late_packages_leave_the_database_unchanged(net: Network) -> None:
    first = net.export("suide")
    net.import_("yulin", first.path)
    before = net["yulin"].state()
    assert net.import_("yulin", first.path).status == "repeat"
    assert net["yulin"].state() == before


def test_a_zip_member_with_a_lying_size_is_refused(net: Network, opened: Opened) -> None:
    data = make_zip(opened.members)
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        info = z.getinfo("tables/member.jsonl")
    # shrink the size recorded in the central directory: the stream then holds more than declared
    patched = bytearray(data)
    needle = info.filename.encode()
    at = data.rindex(needle)  # the central directory entry comes after the local one
    entry = at - 46
    assert patched[entry:entry + 4] == b"PK\x01\x02"
    patched[entry + 24:entry + 28] = (info.file_size // 2).to_bytes(4, "little")
    lying = net.file("lying.sync")
    lying.write_bytes(seal_zip(bytes(patched), opened.header, net["yulin"]))
    refused(net, "yulin", lying, "")


def test_signature_file_missing_is_refused(net: Network, opened: Opened) -> None:
    del opened.members[SIGNATURE]
    refused(net, "yulin", repack(opened, net["yulin"], net.file("nosig.sync")), "缺少 signature.json")
    assert MANIFEST in opened.members


def test_a_table_without_its_bookkeeping_columns_is_refused(net: Network, opened: Opened) -> None:
    header, rows = table_lines(opened, "employer")
    i = header["columns"].index("usn")
    header["columns"].pop(i)
    set_member(opened, "tables/employer.jsonl", dump_lines(header, [r[:i] + r[i + 1:] for r in rows]), net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("nousn.sync")), "缺少必需的列 usn")


def test_json_nested_past_the_stack_is_refused(net: Network, opened: Opened) -> None:
    # (in the files' table: a nesting this deep is longer than a row of the employers' table may be at all)
    header, rows = table_lines(opened, "hardship_file")
    deep = dump_lines(header, rows[:-1]) + b"[" * 200_000 + b"]" * 200_000 + b"\n"
    set_member(opened, "tables/hardship_file.jsonl", deep, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("deep.sync")), "无法读取")
    manifest = opened.members[MANIFEST]
    opened.members[MANIFEST] = manifest[:-1] + b', "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    from .conftest import resign

    resign(opened, net["suide"])
    refused(net, "yulin", repack(opened, net["yulin"], net.file("deep-manifest.sync")), "无法读取")



def test_a_bad_row_in_a_late_chunk_rolls_back_the_rows_written_before(
        net: Network, opened: Opened, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows go in chunk by chunk: with chunks of 3 rows the bad last visit is found after files, members
    and earlier visits were written; all of it is rolled back."""
    from assist_desktop.sync import importer

    monkeypatch.setattr(importer, "CHUNK", 3)
    header, rows = table_lines(opened, "visit")
    assert len(rows) > 9
    rows[-1][header["columns"].index("cash_fen")] = "100"
    set_member(opened, "tables/visit.jsonl", dump_lines(header, rows), net["suide"])
    message = refused(net, "yulin", repack(opened, net["yulin"], net.file("late.sync")), "类型不对")
    assert f"“走访”第 {len(rows) + 1} 行" in message and "cash_fen" in message, message


def test_a_cancel_between_chunks_writes_nothing_and_the_file_imports_afterwards(
        net: Network, package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assist_desktop.sync import importer
    from assist_desktop.sync.errors import SyncCancelled

    monkeypatch.setattr(importer, "CHUNK", 2)
    yulin = net["yulin"]
    before = yulin.state()
    steps: list[int] = []
    with yulin.session() as s, pytest.raises(SyncCancelled):
        importer.import_package(s, None, package, progress=lambda d, t: steps.append(d),
                                cancelled=lambda: len(steps) >= 3)
    assert len(steps) == 3 and yulin.state() == before
    result = net.import_("yulin", package)
    assert result.status == "applied" and result.report.rows == sum(result.written.values())



@pytest.mark.parametrize("full_from", [0, 1], ids=["decrypting", "unpacking"])
def test_a_full_temporary_folder_is_refused_naming_it(net: Network, package: Path, monkeypatch: pytest.MonkeyPatch,
                                                      full_from: int) -> None:
    """A package is decrypted into one temporary file and its checked members kept in a second one for
    applying: the disk filling up at either is a message naming the folder, and nothing is written."""
    import errno
    import io
    import tempfile

    opened: list[int] = []

    class Temporary(io.BytesIO):
        def __init__(self) -> None:
            super().__init__()
            self.full = len(opened) >= full_from
            opened.append(1)

        def write(self, data: bytes) -> int:  # type: ignore[override]
            if self.full:
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(data)

    monkeypatch.setattr(tempfile, "TemporaryFile", Temporary)
    message = refused(net, "yulin", package, "空间不足或无法写入")
    assert tempfile.gettempdir() in message and len(opened) == full_from + 1


@pytest.mark.parametrize("table,label,column,value,problem", [
    ("hardship_file", "困难职工档案", "birth_date", "2026-02-30", "不是有效日期"),
    ("hardship_file", "困难职工档案", "birth_date", "٢٠٢٦-٠١-٠١", "不是有效日期"),
    ("workflow_event", "审批记录", "at", "2026-11-21 25:00:00.000000", "不是有效时间"),
])
def test_a_date_of_the_right_form_that_is_no_day_is_refused(
        net: Network, opened: Opened, table: str, label: str, column: str, value: str, problem: str) -> None:
    """Stored, such a value would break every later read of the record (the city's list, its statistics)."""
    header, rows = table_lines(opened, table)
    rows[2][header["columns"].index(column)] = value
    set_member(opened, f"tables/{table}.jsonl", dump_lines(header, rows), net["suide"])
    message = refused(net, "yulin", repack(opened, net["yulin"], net.file("day.sync")), problem)
    assert f"“{label}”第 4 行" in message and column in message


@pytest.mark.parametrize("table,label,column", [
    ("hardship_file", "困难职工档案", "status"), ("hardship_file", "困难职工档案", "category"), ("visit", "走访", "status"),
])
def test_a_code_this_program_does_not_know_is_refused(
        net: Network, opened: Opened, table: str, label: str, column: str) -> None:
    """A newer program's status or category (or a forged one) would break every screen that shows the row."""
    header, rows = table_lines(opened, table)
    rows[1][header["columns"].index(column)] = "suspended"
    set_member(opened, f"tables/{table}.jsonl", dump_lines(header, rows), net["suide"])
    message = refused(net, "yulin", repack(opened, net["yulin"], net.file("code.sync")), "不是本程序认识的代码")
    assert f"“{label}”第 3 行" in message and column in message and "suspended" in message


# --- inflation bounded by the manifest and a ceiling (a county's own key signs whatever it likes) ---------------


def _inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes the reader writes to its temporary file while checking members."""
    from assist_desktop.sync.package import PackageReader

    spilled = [0]
    real = PackageReader._spill_write

    def counting(self, chunk: bytes) -> None:  # type: ignore[no-untyped-def]
        spilled[0] += len(chunk)
        real(self, chunk)

    monkeypatch.setattr(PackageReader, "_spill_write", counting)
    return spilled


def _junk(size: int) -> bytes:
    import random

    rng = random.Random(5)  # sixteen letters: packs about 2:1, far under the zip-bomb ratio
    return bytes(rng.choice(b"abcdefghijklmnop") for _ in range(size))


def test_a_member_larger_than_its_rows_can_take_is_refused_before_inflating(
        net: Network, opened: Opened, monkeypatch: pytest.MonkeyPatch) -> None:
    header, rows = table_lines(opened, "member")
    body = dump_lines(header, rows[:3])[:-1] + b"\n" + _junk(24 << 20) + b"\n"
    set_member(opened, "tables/member.jsonl", body, net["suide"])
    manifest = opened.manifest
    next(m for m in manifest["members"] if m["table"] == "member")["rows"] = len(rows)
    set_manifest(opened, manifest, net["suide"])
    spilled = _inflated(monkeypatch)
    message = refused(net, "yulin", repack(opened, net["yulin"], net.file("swollen.sync")), "最多只能有")
    assert "家庭成员" in message and "未解压" in message
    assert spilled[0] < 1 << 20  # not a member's worth inflated


def test_junk_declared_as_many_rows_is_refused_at_its_first_mebibyte(
        net: Network, opened: Opened, monkeypatch: pytest.MonkeyPatch) -> None:
    junk = _junk(24 << 20)
    header, _rows = table_lines(opened, "member")
    body = dump_lines(header, []) + junk
    set_member(opened, "tables/member.jsonl", body, net["suide"])
    manifest = opened.manifest
    next(m for m in manifest["members"] if m["table"] == "member")["rows"] = 100_000  # room for 24 MB
    set_manifest(opened, manifest, net["suide"])
    spilled = _inflated(monkeypatch)
    refused(net, "yulin", repack(opened, net["yulin"], net.file("junk.sync")), "第 2 行无法读取")
    assert spilled[0] < 2 << 20


def test_a_package_past_a_provinces_year_or_the_temporary_folder_is_refused(
        net: Network, package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from assist_desktop.sync import package as package_module

    spilled = _inflated(monkeypatch)
    monkeypatch.setattr(package_module, "MAX_ROWS", 10)
    refused(net, "yulin", package, "超过一个省一年的数据量上限")
    monkeypatch.undo()
    spilled = _inflated(monkeypatch)
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=100 << 20))
    refused(net, "yulin", package, "只剩 100 MB")
    assert spilled[0] == 0
