"""Each unit's keys, its public-key file and its fingerprint, and enrolment between units."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.dbtools import connect
import pytest
from sqlmodel import select

from assist_desktop.services.setup import SetupError, create_database
from assist_desktop.storage import models as m
from assist_desktop.storage.schema import open_database
from assist_desktop.sync import keys as sync_keys
from assist_desktop.sync.errors import SyncError

from .conftest import PASSWORD, Network


def _key_file(net: Network, key: str) -> sync_keys.UnitKeyFile:
    with net[key].session() as s:
        return sync_keys.read_key_file(sync_keys.export_key_file(s, None))


def test_init_makes_both_keys_and_the_level_must_match_the_code(tmp_path: Path) -> None:
    create_database(tmp_path / "city.sqlite", unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                    admin_password=PASSWORD, level="city", encrypt=False)
    with open_database(tmp_path / "city.sqlite") as db, db.session() as s:
        keys = {k.purpose: k for k in s.exec(select(m.UnitKey))}
        event = s.exec(select(m.AuditEvent).where(m.AuditEvent.action == "initialise")).one()
    assert set(keys) == {"sign", "encrypt"} and keys["encrypt"].algorithm == "x25519"
    assert all(len(k.private_key or b"") == 32 for k in keys.values())
    assert json.loads(event.changes)["encryption_key"] == keys["encrypt"].key_id
    with pytest.raises(SetupError, match="县级行政区划代码，与所选的市级不符"):
        create_database(tmp_path / "bad.sqlite", unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                        admin_password=PASSWORD, level="city", encrypt=False)


def test_a_database_from_before_the_sync_package_gets_its_key_on_first_need(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    create_database(path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin", admin_password=PASSWORD, encrypt=False)
    with closing(connect(path)) as conn:
        conn.execute("DELETE FROM unit_key WHERE purpose = 'encrypt'")
        conn.commit()
    with open_database(path) as db, db.session() as s:
        info = sync_keys.read_key_file(sync_keys.export_key_file(s, None))
        held = s.exec(select(m.UnitKey).where(m.UnitKey.purpose == "encrypt")).one()
    assert info.current("encrypt").key_id == held.key_id


def test_the_key_file_carries_public_keys_only_and_reads_back(net: Network) -> None:
    with net["suide"].session() as s:
        data = sync_keys.export_key_file(s, None)
        fingerprint = sync_keys.own_fingerprint(s)
    doc = json.loads(data)
    assert "private" not in data.decode() and {k["purpose"] for k in doc["keys"]} == {"sign", "encrypt"}
    info = sync_keys.read_key_file(data)
    assert (info.code, info.name, info.level, info.unit_id) == ("610826", "绥德县总工会", "county", net["suide"].unit_id)
    assert info.fingerprint == fingerprint and len(fingerprint.replace(" ", "")) == 20 and fingerprint[4] == " "
    assert info.lines()[2] == f"指纹：{fingerprint}"


@pytest.mark.parametrize("change,message", [
    (lambda d: d["unit"].update(name="假冒县总工会"), "签名无效"),
    (lambda d: d.update(fingerprint="1111 2222 3333 4444 5555"), "签名无效"),
    (lambda d: d["keys"][0].update(key_id="DEADBEEF"), "公钥与其编号不符"),
    (lambda d: d.update(format_version=9), "较新版本"),
    (lambda d: d.update(format="something-else"), "不是单位公钥文件"),
])
def test_a_changed_key_file_is_refused(net: Network, change, message: str) -> None:  # type: ignore[no-untyped-def]
    with net["suide"].session() as s:
        doc = json.loads(sync_keys.export_key_file(s, None))
    change(doc)
    with pytest.raises(SyncError, match=message):
        sync_keys.read_key_file(json.dumps(doc, ensure_ascii=False).encode())
    with pytest.raises(SyncError, match="不是单位公钥文件"):
        sync_keys.read_key_file(b"\x89PNG not json")


def test_enrolment_needs_the_fingerprint_read_over_the_phone(net: Network) -> None:
    info = _key_file(net, "suide")
    before = net["shaanxi"].state()
    with net["shaanxi"].session() as s, pytest.raises(SyncError, match="指纹不符"):
        sync_keys.enrol_lower_unit(s, None, info, fingerprint="0000 0000 0000 0000 0000")
    assert net["shaanxi"].state() == before
    with net["shaanxi"].session() as s:  # spaces and dashes as people type them do not matter
        result = sync_keys.enrol_lower_unit(s, None, info, fingerprint=info.fingerprint.replace(" ", "-"))
    assert result.new_unit and result.relation == "lower" and "已登记下级单位：绥德县总工会" in result.summary()


def test_enrolment_makes_the_unit_its_keys_and_a_peer(net: Network) -> None:
    yulin, suide = net["yulin"], net["suide"]
    with yulin.session() as s:
        unit = s.get(m.OrgUnit, suide.unit_id)
        peer = s.exec(select(m.SyncPeer).where(m.SyncPeer.unit_id == suide.unit_id)).one()
        held = s.exec(select(m.UnitKey).where(m.UnitKey.unit_id == suide.unit_id)).all()
        peers = sync_keys.list_peers(s)
    assert (unit.code, unit.level, unit.owner_unit_id, unit.usn) == ("610826", "county", suide.unit_id, 0)
    assert peer.relation == "lower" and peer.needs_full_snapshot
    assert {k.purpose for k in held} == {"sign", "encrypt"} and all(k.private_key is None for k in held)
    assert [(p.relation, p.code) for p in peers] == [("upper", "610000"), ("lower", "610826"), ("lower", "610827")]
    with suide.session() as s:
        local = s.get(m.OrgUnit, suide.unit_id)
        upper = sync_keys.upper_unit(s)
    assert local.parent_id == yulin.unit_id and local.usn == -1  # the hierarchy travels with the county's row
    assert upper is not None and upper[1].code == "610800" and upper[1].usn == 0


def test_levels_and_one_upper_unit_are_enforced(net: Network) -> None:
    province, city, county = _key_file(net, "shaanxi"), _key_file(net, "yulin"), _key_file(net, "mizhi")
    cases = [
        ("suide", sync_keys.enrol_lower_unit, city, "不是本单位（县级）的下级"),
        ("yulin", sync_keys.set_upper_unit, county, "不是本单位（市级）的上级"),
        ("suide", sync_keys.set_upper_unit, province, "一个单位只能向一个上级单位报送"),
        ("yulin", sync_keys.enrol_lower_unit, _key_file(net, "yulin"), "本单位自己的公钥文件"),
        ("yulin", sync_keys.enrol_lower_unit, province, "不是本单位（市级）的下级"),
    ]
    for where, register, info, message in cases:
        before = net[where].state()
        with net[where].session() as s, pytest.raises(SyncError, match=message):
            register(s, None, info, fingerprint=info.fingerprint)
        assert net[where].state() == before


def test_a_rebuilt_database_of_an_enrolled_unit_is_not_taken_for_it(net: Network, tmp_path: Path) -> None:
    path = tmp_path / "again.sqlite"
    create_database(path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin", admin_password=PASSWORD, encrypt=False)
    with open_database(path) as db, db.session() as s:
        info = sync_keys.read_key_file(sync_keys.export_key_file(s, None))
    with net["yulin"].session() as s, pytest.raises(SyncError, match="已有代码为 610826 的单位"):
        sync_keys.enrol_lower_unit(s, None, info, fingerprint=info.fingerprint)


def test_rotation_keeps_old_keys_and_enrolling_again_retires_them(net: Network) -> None:
    before = _key_file(net, "suide")
    with net["suide"].session() as s:
        sign, enc = sync_keys.rotate_unit_keys(s, net["suide"].user("admin"), reason="例行更换")
    after = _key_file(net, "suide")
    assert after.fingerprint != before.fingerprint
    assert {k.key_id for k in after.keys} >= {before.current("sign").key_id, sign.key_id, enc.key_id}
    assert after.current("sign").key_id == sign.key_id
    with net["yulin"].session() as s:
        result = sync_keys.enrol_lower_unit(s, None, after, fingerprint=after.fingerprint)
        held = {k.key_id: k for k in s.exec(select(m.UnitKey).where(m.UnitKey.unit_id == net["suide"].unit_id))}
    assert set(result.keys_added) == {sign.key_id, enc.key_id}
    assert set(result.keys_retired) == {before.current("sign").key_id, before.current("encrypt").key_id}
    assert held[before.current("sign").key_id].retired_at is not None and held[sign.key_id].retired_at is None
    with net["suide"].session() as s, pytest.raises(SyncError, match="须填写原因"):
        sync_keys.rotate_encryption_key(s, net["suide"].user("admin"), reason=" ")


def test_only_the_administrator_enrols_and_the_clerk_is_refused_on_record(net: Network) -> None:
    from assist_desktop.services.base import PermissionDenied

    info = _key_file(net, "suide")
    with net["shaanxi"].session() as s, pytest.raises(PermissionDenied, match="管理员"):
        sync_keys.enrol_lower_unit(s, net["shaanxi"].user("jingban"), info, fingerprint=info.fingerprint)
    assert net["shaanxi"].count("audit_event", "action = 'refused:lower'") == 1
    with net["shaanxi"].session() as s:
        sync_keys.enrol_lower_unit(s, net["shaanxi"].user("admin"), info, fingerprint=info.fingerprint)


def test_a_key_file_that_cannot_be_written_leaves_no_export_in_the_audit_log(net: Network, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    before = net["suide"].state()
    with net["suide"].session() as s, pytest.raises(SyncError, match="无法写入公钥文件"):
        sync_keys.export_key_file(s, None, blocker / "610826.key")
    assert net["suide"].state() == before
    out = tmp_path / "usb" / "610826.key"
    with net["suide"].session() as s:
        data = sync_keys.export_key_file(s, None, out)
    assert out.read_bytes() == data and sync_keys.read_key_file(out).code == "610826"
    counts, _head = net["suide"].state()
    assert counts["audit_event"] == before[0]["audit_event"] + 1
