"""The sync trust model (DESIGN.md §8), tried the ways round it an attacker holding a county's own signing key
would: every package here is validly signed by its source, and each is refused naming the unit and the row,
with the receiver exactly as it was."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from assist_desktop.services.setup import initialise
from assist_desktop.storage import models as m
from assist_desktop.storage.schema import open_database
from assist_desktop.sync import keys as sync_keys
from assist_desktop.sync.errors import SyncError
from assist_desktop.sync.export import export_package
from assist_desktop.sync.keys import sign_document
from tests.dbtools import connect

from .conftest import (
    PASSWORD, Network, Opened, Unit, dump_lines, open_package, repack, set_manifest, set_member, table_lines,
    unchanged_after_refusal,
)
from .linking import key_file, link


def refused(net: Network, target: str, path: Path, *needles: str) -> str:
    before = net[target].state()
    with pytest.raises(SyncError) as caught:
        net.import_(target, path)
    message = caught.value.message
    for needle in needles:
        assert needle in message, message
    assert unchanged_after_refusal(net[target], before, caught.value), "a refused package changed the receiver"
    return message


def _rows(opened: Opened, table: str) -> tuple[dict[str, Any], list[list[Any]]]:
    return table_lines(opened, table)


def _put(opened: Opened, table: str, header: dict[str, Any], rows: list[list[Any]], sender: Unit) -> None:
    """A table's rows replaced, its count, size and hash in the manifest made right, and signed again."""
    name = f"tables/{table}.jsonl"
    manifest = opened.manifest
    for entry in manifest["members"]:
        if entry["name"] == name:
            entry["rows"] = len(rows)
    set_manifest(opened, manifest, sender)
    set_member(opened, name, dump_lines(header, rows), sender)


def _col(header: dict[str, Any], name: str) -> int:
    return header["columns"].index(name)


@pytest.fixture
def mizhi_package(net: Network) -> Opened:
    """米脂's first (full) package for 榆林, opened: validly signed with 米脂's own key."""
    return open_package(net.export("mizhi").path, net["yulin"])


def _own_unit_row(opened: Opened, unit: Unit) -> tuple[dict[str, Any], list[list[Any]], list[Any]]:
    header, rows = _rows(opened, "org_unit")
    row = next(r for r in rows if r[_col(header, "id")] == unit.unit_id)
    return header, rows, row


# --- the source keeps the code, name and level it was enrolled with ---------------------------------------------


def test_the_reported_attack_a_county_raising_itself_to_city_and_inventing_a_county(
        net: Network, mizhi_package: Opened) -> None:
    """米脂 (610827, enrolled as a county) sends its own row as a city, and a county 虚构县总工会 (610899) with a
    hardship file under it; the city took both before."""
    mizhi = net["mizhi"]
    header, rows, own = _own_unit_row(mizhi_package, mizhi)
    own[_col(header, "level")] = "city"
    _put(mizhi_package, "org_unit", header, rows, mizhi)
    message = refused(net, "yulin", repack(mizhi_package, net["yulin"], net.file("level.sync")),
                      "工会组织", "米脂县总工会（610827，县级）", "级别“city”", "重新交换公钥文件")
    assert "第 " in message and mizhi.unit_id in message  # the row, by line and id

    fresh = open_package(net.export("mizhi").path, net["yulin"])
    header, rows, own = _own_unit_row(fresh, mizhi)
    fake = list(own)
    fake_id = "0f0f0f0f-1111-4222-8333-444455556666"
    for column, value in (("id", fake_id), ("code", "610899"), ("name", "虚构县总工会"), ("level", "county"),
                          ("parent_id", None)):
        fake[_col(header, column)] = value
    _put(fresh, "org_unit", header, rows + [fake], mizhi)
    files_header, files = _rows(fresh, "hardship_file")
    files[0][_col(files_header, "unit_id")] = fake_id
    _put(fresh, "hardship_file", files_header, files, mizhi)
    refused(net, "yulin", repack(fresh, net["yulin"], net.file("invented.sync")),
            "虚构县总工会", "610899", "新的县级单位", "未经登记")
    with closing(connect(net["yulin"].path)) as conn:
        assert conn.execute("SELECT count(*) FROM org_unit WHERE code = '610899'").fetchone()[0] == 0


def test_the_invented_county_as_a_unit_of_the_manifest_is_refused(net: Network, mizhi_package: Opened) -> None:
    mizhi = net["mizhi"]
    manifest = mizhi_package.manifest
    invented = {"unit_id": "0f0f0f0f-1111-4222-8333-444455556666", "code": "610899", "name": "虚构县总工会",
                "level": "county", "audit": {"seq": 1, "hash": "0" * 64}, "anchor": None}
    set_manifest(mizhi_package, {**manifest, "units": manifest["units"] + [invented]}, mizhi)
    refused(net, "yulin", repack(mizhi_package, net["yulin"], net.file("invented-unit.sync")),
            "虚构县总工会（610899）", "米脂县总工会没有登记任何下级单位")


@pytest.mark.parametrize("where", ["manifest", "row"])
def test_a_changed_level_or_name_is_refused(net: Network, mizhi_package: Opened, where: str) -> None:
    mizhi = net["mizhi"]
    for column, value, needle in (("level", "city", "级别“city”"), ("name", "米脂市总工会", "名称“米脂市总工会”"),
                                  ("code", "610899", "代码“610899”")):
        opened = Opened(dict(mizhi_package.header), dict(mizhi_package.members))
        if where == "manifest":
            manifest = opened.manifest
            manifest["source"][column] = value
            manifest["units"][0][column] = value
            set_manifest(opened, manifest, mizhi)
            expected = ("米脂县总工会（610827，县级）", needle, "重新登记")
        else:
            header, rows, own = _own_unit_row(opened, mizhi)
            own[_col(header, column)] = value
            _put(opened, "org_unit", header, rows, mizhi)
            expected = ("工会组织", "米脂县总工会（610827，县级）", needle)
        refused(net, "yulin", repack(opened, net["yulin"], net.file(f"{where}-{column}.sync")), *expected)


def test_a_name_changes_only_through_a_new_key_file(net: Network) -> None:
    """Renamed at home, 米脂's packages are refused until 榆林 enrols its new key file (fingerprint checked)."""
    mizhi, yulin = net["mizhi"], net["yulin"]
    net.carry("mizhi", "yulin")
    with closing(connect(mizhi.path)) as conn:  # the county's own name, as its settings would change it
        conn.execute("UPDATE org_unit SET name = '米脂县总工会（新）', usn = -1 WHERE id = ?", (mizhi.unit_id,))
        conn.commit()
    package = net.export("mizhi")
    refused(net, "yulin", package.path, "名称“米脂县总工会（新）”", "登记为“米脂县总工会”")
    renamed = key_file(mizhi.db)
    with yulin.session() as s:
        sync_keys.enrol_lower_unit(s, None, renamed, fingerprint=renamed.fingerprint)
    assert net.import_("yulin", package.path).status == "applied"
    with closing(connect(yulin.path)) as conn:
        assert conn.execute("SELECT name FROM org_unit WHERE id = ?", (mizhi.unit_id,)).fetchone()[0] == "米脂县总工会（新）"


# --- rows owned by the source only ------------------------------------------------------------------------------


def test_another_units_owner_code_on_a_row_is_refused(net: Network, mizhi_package: Opened) -> None:
    mizhi, suide = net["mizhi"], net["suide"]
    header, rows = _rows(mizhi_package, "hardship_file")
    rows[3][_col(header, "owner_unit_id")] = suide.unit_id
    row_id = rows[3][_col(header, "id")]
    _put(mizhi_package, "hardship_file", header, rows, mizhi)
    refused(net, "yulin", repack(mizhi_package, net["yulin"], net.file("owner.sync")),
            "困难职工档案", "第 5 行", "绥德县总工会（610826）")
    # … and listing 绥德 among the package's units does not help: it reports to 榆林 itself
    manifest = mizhi_package.manifest
    suide_entry = {"unit_id": suide.unit_id, "code": "610826", "name": "绥德县总工会", "level": "county",
                   "audit": {"seq": 1, "hash": "0" * 64}, "anchor": None}
    set_manifest(mizhi_package, {**manifest, "units": manifest["units"] + [suide_entry]}, mizhi)
    refused(net, "yulin", repack(mizhi_package, net["yulin"], net.file("owner-listed.sync")), "直接向本单位报送")
    assert row_id


def test_a_union_of_another_unit_named_on_a_row_is_refused(net: Network, mizhi_package: Opened) -> None:
    """A user or a file placed under 绥德's union by 米脂's package: speaking for 绥德."""
    mizhi = net["mizhi"]
    net.carry("suide", "yulin")
    with closing(connect(net["yulin"].path)) as conn:
        suide_union = conn.execute("SELECT id FROM org_unit WHERE level = 'grassroots' AND owner_unit_id = ?",
                                   (net["suide"].unit_id,)).fetchone()[0]
    header, rows = _rows(mizhi_package, "user")
    rows[0][_col(header, "unit_id")] = suide_union
    _put(mizhi_package, "user", header, rows, mizhi)
    refused(net, "yulin", repack(mizhi_package, net["yulin"], net.file("user-union.sync")),
            "用户", "第 2 行", "属于绥德县总工会（610826", "不是本记录所属单位米脂县总工会")


def test_a_grassroots_union_hung_under_another_unit_is_refused(net: Network, mizhi_package: Opened) -> None:
    mizhi = net["mizhi"]
    header, rows = _rows(mizhi_package, "org_unit")
    union = next(r for r in rows if r[_col(header, "level")] == "grassroots")
    union[_col(header, "parent_id")] = net["yulin"].unit_id
    _put(mizhi_package, "org_unit", header, rows, mizhi)
    refused(net, "yulin", repack(mizhi_package, net["yulin"], net.file("hung.sync")), "挂在其他单位之下")


# --- a city to its province: its lower units, through its signed statement ----------------------------------------


def _city_package(net: Network) -> Opened:
    net.carry("suide", "yulin")
    net.carry("mizhi", "yulin")
    return open_package(net.export("yulin").path, net["shaanxi"])


def test_a_city_carries_its_enrolled_counties_and_the_province_keeps_its_statement(net: Network) -> None:
    opened = _city_package(net)
    statement = opened.manifest["lower_units"]
    assert [u["code"] for u in statement["units"]] == ["610826", "610827"]
    assert statement["signature"]["algorithm"] == "ed25519"
    package = net.export("yulin", full=True)
    assert net.import_("shaanxi", package.path).status == "applied"
    with closing(connect(net["shaanxi"].path)) as conn:
        stated = conn.execute("SELECT e.code, e.level, u.code, e.fingerprint IS NOT NULL FROM enrolled_unit e "
                              "JOIN org_unit u ON u.id = e.enrolled_by_unit_id ORDER BY e.code").fetchall()
    assert stated == [("610800", "city", "610000", 1), ("610826", "county", "610800", 1),
                      ("610827", "county", "610800", 1)]


def test_a_unit_missing_from_the_statement_is_refused(net: Network) -> None:
    opened = _city_package(net)
    yulin = net["yulin"]
    manifest = opened.manifest
    manifest["lower_units"]["units"] = [u for u in manifest["lower_units"]["units"] if u["code"] != "610827"]
    set_manifest(opened, manifest, yulin)
    refused(net, "shaanxi", repack(opened, net["shaanxi"], net.file("unsigned-list.sync")), "签名无效")
    statement = {k: v for k, v in manifest["lower_units"].items() if k != "signature"}
    with yulin.session() as s:
        manifest["lower_units"] = sign_document(s, yulin.unit_id, statement)
    set_manifest(opened, manifest, yulin)
    refused(net, "shaanxi", repack(opened, net["shaanxi"], net.file("short-list.sync")),
            "米脂县总工会（610827）", "不在榆林市总工会签名的下级单位名单中")


def test_a_lower_unit_of_a_lower_unit_is_refused(net: Network) -> None:
    """榆林 states 绥德's grassroots union as a unit of its own, and sends it as a unit of the package."""
    opened = _city_package(net)
    yulin = net["yulin"]
    header, rows = _rows(opened, "org_unit")
    union = next(r for r in rows if r[_col(header, "level")] == "grassroots"
                 and r[_col(header, "owner_unit_id")] == net["suide"].unit_id)
    union_id, union_name, union_code = (union[_col(header, c)] for c in ("id", "name", "code"))
    manifest = opened.manifest
    suide_entry = next(u for u in manifest["lower_units"]["units"] if u["code"] == "610826")
    statement = {k: v for k, v in manifest["lower_units"].items() if k != "signature"}
    statement["units"] = statement["units"] + [{**suide_entry, "unit_id": union_id, "code": union_code,
                                                "name": union_name, "level": "grassroots"}]
    with yulin.session() as s:
        manifest["lower_units"] = sign_document(s, yulin.unit_id, statement)
    set_manifest(opened, manifest, yulin)
    refused(net, "shaanxi", repack(opened, net["shaanxi"], net.file("grandchild.sync")), "指纹与其公钥不符")
    fingerprint = sync_keys.fingerprint_of(union_id, union_code, sync_keys.unb64(suide_entry["sign_public_key"], "k"),
                                           sync_keys.unb64(suide_entry["encrypt_public_key"], "k"))
    statement["units"][-1]["fingerprint"] = fingerprint
    with yulin.session() as s:
        manifest["lower_units"] = sign_document(s, yulin.unit_id, statement)
    set_manifest(opened, manifest, yulin)
    refused(net, "shaanxi", repack(opened, net["shaanxi"], net.file("grandchild2.sync")),
            union_name, "不是榆林市总工会（610800，市级）的下级单位")


def test_a_county_enrolled_at_another_city_is_refused(net: Network, tmp_path: Path) -> None:
    """绥德 reaches 陕西 through 榆林; 延安 then says it enrolled 绥德 too."""
    net.carry("suide", "yulin")
    assert net.carry("yulin", "shaanxi").status == "applied"
    yanan_path = tmp_path / "yanan.sqlite"
    db = open_database(yanan_path)
    initialise(db, unit_code="610600", unit_name="延安市总工会", admin_username="admin", admin_password=PASSWORD,
               level="city")
    link(db, net["shaanxi"].db)
    suide_key = key_file(net["suide"].db)
    with db.session() as s:
        sync_keys.enrol_lower_unit(s, None, suide_key, fingerprint=suide_key.fingerprint)
        unit_id = s.get(m.Meta, "local_unit_id").value
    yanan = Unit("yanan", yanan_path, db, unit_id, "610600")
    net.units["yanan"] = yanan  # closed with the network
    with db.session() as s:
        package = export_package(s, None, tmp_path / "yanan.sync")
    # with 绥德's row (延安 holds the copy its enrolment made): 绥德's records come through 榆林
    refused(net, "shaanxi", package.path, "绥德县总工会", "一向经由榆林市总工会报送")
    # and the statement alone, 绥德's row taken out of the package and the manifest signed again
    opened = open_package(package.path, net["shaanxi"])
    header, rows = _rows(opened, "org_unit")
    rows = [r for r in rows if r[_col(header, "id")] != suide_key.unit_id]
    _put(opened, "org_unit", header, rows, yanan)
    manifest = opened.manifest
    manifest["units"] = [u for u in manifest["units"] if u["unit_id"] != suide_key.unit_id]
    set_manifest(opened, manifest, yanan)
    refused(net, "shaanxi", repack(opened, net["shaanxi"], net.file("yanan.sync")),
            "延安市总工会的下级单位名单中有绥德县总工会（610826，县级）", "由榆林市总工会登记和报送")


def test_a_city_package_cannot_change_a_countys_name_against_its_statement(net: Network) -> None:
    opened = _city_package(net)
    yulin = net["yulin"]
    header, rows = _rows(opened, "org_unit")
    suide_row = next(r for r in rows if r[_col(header, "id")] == net["suide"].unit_id)
    suide_row[_col(header, "name")] = "榆林市总工会直属"
    _put(opened, "org_unit", header, rows, yulin)
    refused(net, "shaanxi", repack(opened, net["shaanxi"], net.file("county-name.sync")),
            "绥德县总工会（610826，县级）", "名称“榆林市总工会直属”")


def test_a_county_package_carrying_a_statement_of_its_own_is_held_to_it(net: Network, mizhi_package: Opened) -> None:
    """A county that signs a statement claiming 绥德 as its lower unit: 绥德 reports to 榆林 itself."""
    mizhi = net["mizhi"]
    suide_key = key_file(net["suide"].db)
    sign, enc = suide_key.current("sign"), suide_key.current("encrypt")
    statement = {"format": "assist-desktop-lower-units", "format_version": 1,
                 "unit": {"unit_id": mizhi.unit_id, "code": "610827", "name": "米脂县总工会", "level": "county"},
                 "made_at": "2026-11-20T00:00:00+00:00",
                 "units": [{"unit_id": suide_key.unit_id, "code": "610826", "name": "绥德县总工会", "level": "county",
                            "sign_key_id": sign.key_id, "sign_public_key": sync_keys.b64(sign.public_key),
                            "encrypt_public_key": sync_keys.b64(enc.public_key), "fingerprint": suide_key.fingerprint}]}
    manifest = mizhi_package.manifest
    with mizhi.session() as s:
        manifest["lower_units"] = sign_document(s, mizhi.unit_id, statement)
    set_manifest(mizhi_package, manifest, mizhi)
    refused(net, "yulin", repack(mizhi_package, net["yulin"], net.file("county-statement.sync")),
            "绥德县总工会（610826，县级）", "直接向本单位报送的单位")


def test_the_shipped_schema_states_the_rule() -> None:
    from assist_desktop.paths import resource_path

    schema = json.loads(resource_path("schemas", "sync-manifest.schema.json").read_text(encoding="utf-8"))
    assert "Trust rule" in schema["description"] and "lower_units" in schema["properties"]
