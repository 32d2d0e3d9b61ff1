"""Sequence numbers, gaps, full snapshots: a package applies only on top of what the upper unit has."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.dbtools import connect, triggers
import pytest
from sqlmodel import select

from assist_desktop.services import registry
from assist_desktop.storage import models as m
from assist_desktop.storage.schema import head_revision
from assist_desktop.sync.errors import SyncError
from assist_desktop.sync.export import plan_export
from assist_desktop.sync.history import package_history, request_full_snapshot
from assist_desktop.sync.tables import TOMBSTONE

from .conftest import TODAY, Network, make_id, unchanged_after_refusal
from .test_round_trip import new_household


def _edit(net: Network, name: str, seq: int) -> str:
    household = new_household(net)
    household.name, household.id_number, household.members = name, make_id("19750505", seq), []
    with net["suide"].session() as s:
        return registry.create_file(s, net["suide"].user("jingban"), household, today=TODAY).id


def test_a_gap_is_refused_naming_the_missing_number(net: Network) -> None:
    net.carry("suide", "yulin")
    before_second = net.snapshot("yulin")
    _edit(net, "高志强", 457)
    net.carry("suide", "yulin")  # the city takes and acknowledges the 2nd …
    _edit(net, "白玉兰", 458)
    third = net.export("suide")
    assert third.seq == 3
    net.restore("yulin", before_second)  # … then goes back to a backup made before it
    before = net["yulin"].state()
    with pytest.raises(SyncError, match="缺少绥德县总工会的第 2 号同步文件") as refused:
        net.import_("yulin", third.path)
    assert "本单位最后导入的是第 1 号" in refused.value.message and "--full" in refused.value.message
    assert net["yulin"].state() == before
    # a full snapshot fills the gap
    full = net.export("suide", full=True)
    result = net.import_("yulin", full.path)
    assert result.status == "applied" and result.report.manifest.full
    assert net["yulin"].count("hardship_file", f"owner_unit_id = '{net['suide'].unit_id}'") == 26


def test_a_package_numbered_again_with_other_content_is_refused(net: Network) -> None:
    """The county went back to a backup and numbered a new package like one already imported."""
    net.carry("suide", "yulin")
    before_second = net.snapshot("suide")
    _edit(net, "高志强", 457)
    net.carry("suide", "yulin", ack=False)
    net.restore("suide", before_second)
    _edit(net, "白玉兰", 458)
    again = net.export("suide")
    assert again.seq == 2
    before = net["yulin"].state()
    with pytest.raises(SyncError, match="内容与之不同"):
        net.import_("yulin", again.path)
    assert net["yulin"].state() == before


def test_a_county_back_from_a_backup_catches_up_through_the_citys_acknowledgement(net: Network) -> None:
    from assist_desktop.sync.ack import apply_ack, write_ack
    from assist_desktop.sync.history import last_received

    net.carry("suide", "yulin")
    before_second = net.snapshot("suide")
    _edit(net, "高志强", 457)
    net.carry("suide", "yulin")
    net.restore("suide", before_second)  # the county's PC failed; last week's backup is put back
    _edit(net, "白玉兰", 458)
    with pytest.raises(SyncError, match="内容与之不同"):
        net.import_("yulin", net.export("suide").path)
    again = net.file("again.ack")
    with net["yulin"].session() as s:
        write_ack(s, last_received(s, "610826"), again)
    with net["suide"].session() as s:
        result = apply_ack(s, None, again)
    assert result.report.status == "resync" and result.marked == 0 and "已将同步序号接续上" in result.summary()
    with net["suide"].session() as s:
        plan = plan_export(s)
    assert plan.full and plan.seq == 3
    # The backup cut the county's audit log below what the city accepted: refused naming the numbers, until the
    # city, having called the county, takes the break knowingly (and says so in its own audit log).
    full = net.export("suide")
    before = net["yulin"].state()
    with pytest.raises(SyncError, match="审计链") as refused:
        net.import_("yulin", full.path)
    assert "本单位上次接受的" in refused.value.message and "--accept-audit-break" in refused.value.message
    assert unchanged_after_refusal(net["yulin"], before, refused.value)  # but the refusal, in the audit log
    with net["yulin"].session() as s:
        from assist_desktop.sync.importer import import_package

        result = import_package(s, None, full.path, accept_audit_break=True)
    assert result.status == "applied" and result.report.audit_breaks
    with closing(connect(net["yulin"].path)) as conn:
        changes = conn.execute("SELECT changes FROM audit_event WHERE action = 'import' ORDER BY seq DESC").fetchone()[0]
    assert "audit_break_accepted" in changes
    net.ack("yulin", result, "suide")
    net.carry("suide", "yulin")
    suide = net["suide"].unit_id
    assert net["yulin"].rows("hardship_file", suide) == net["suide"].rows("hardship_file", suide)  # 高志强 went


def test_a_schema_change_makes_the_next_package_a_full_snapshot(net: Network) -> None:
    net.carry("suide", "yulin")
    with net["suide"].session() as s:
        assert not plan_export(s).full
    with closing(connect(net["suide"].path)) as conn:  # as if acknowledged under an older program
        conn.execute("UPDATE sync_package SET schema_revision = '0004'")
        conn.commit()
    with net["suide"].session() as s:
        plan = plan_export(s)
    assert plan.full and plan.full_reason == f"程序数据结构已更新（第 0004 版 → 第 {head_revision()} 版）"
    assert plan.rows > 300  # every row, not the few changed ones
    package = net.export("suide")
    assert package.full and package.rows == plan.rows


def test_a_full_snapshot_removes_what_the_county_no_longer_holds(net: Network) -> None:
    net.carry("suide", "yulin")
    net.carry("yulin", "shaanxi")
    suide = net["suide"]
    with closing(connect(suide.path)) as conn:  # gone without a tombstone (say, a bad repair by hand)
        member_id = conn.execute("SELECT id FROM member WHERE owner_unit_id = ? LIMIT 1", (suide.unit_id,)).fetchone()[0]
        conn.execute("DELETE FROM member WHERE id = ?", (member_id,))
        conn.commit()
    result = net.carry("suide", "yulin", full=True)
    assert result.deleted == 1 and net["yulin"].count("member", f"id = '{member_id}'") == 0
    assert net["yulin"].count(TOMBSTONE, f"row_id = '{member_id}' AND usn = -1") == 1
    up = net.carry("yulin", "shaanxi")  # and the deletion goes on upward
    assert up.deleted == 1 and net["shaanxi"].count("member", f"id = '{member_id}'") == 0


def test_the_upper_unit_asks_for_a_full_snapshot_in_its_acknowledgement(net: Network) -> None:
    net.carry("suide", "yulin")
    with net["yulin"].session() as s:
        request_full_snapshot(s, None, "610826")
    _edit(net, "高志强", 457)
    net.carry("suide", "yulin")  # its acknowledgement carries the request
    with net["suide"].session() as s:
        plan = plan_export(s)
    assert plan.full and plan.full_reason == "上级单位要求重新报送完整数据"
    net.carry("suide", "yulin")
    with net["suide"].session() as s:
        assert not plan_export(s).full  # satisfied
    with net["yulin"].session() as s:
        peer = s.exec(select(m.SyncPeer).where(m.SyncPeer.unit_id == net["suide"].unit_id)).one()
        history = package_history(s)
    assert not peer.needs_full_snapshot
    assert [(v.direction, v.seq, v.full, v.status) for v in history if v.unit_code == "610826"] == [
        ("in", 3, True, "applied"), ("in", 2, False, "applied"), ("in", 1, True, "applied")]
    assert history[0].status_label == "已导入" and history[0].direction_label == "收到"


def test_export_goes_only_to_the_upper_unit(net: Network) -> None:
    from assist_desktop.sync.export import export_package

    with net["suide"].session() as s, pytest.raises(SyncError, match="只能发往上级单位"):
        export_package(s, None, net.file("x.sync"), target_code="610827")
    with net["shaanxi"].session() as s, pytest.raises(SyncError, match="还没有设置上级单位"):
        export_package(s, None, net.file("y.sync"))
    assert not list(net.root.glob("*.partial")) and not list(net.root.glob(".*.partial"))


def test_a_cancelled_export_writes_nothing(net: Network) -> None:
    from assist_desktop.sync.errors import SyncCancelled
    from assist_desktop.sync.export import export_package

    before = net["suide"].state()
    out = net.file("cancelled.sync")
    seen: list[tuple[int, int]] = []
    with net["suide"].session() as s, pytest.raises(SyncCancelled):
        export_package(s, None, out, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: len(seen) >= 1)
    assert seen and not out.exists() and not list(net.root.glob(".*.partial"))
    assert net["suide"].state() == before


def test_the_page_flow_reports_first_then_applies_with_progress_and_can_cancel(net: Network) -> None:
    """What the page does: a verification report with nothing written, then apply with progress; a cancel
    midway leaves the database as it was."""
    from assist_desktop.sync.errors import SyncCancelled
    from assist_desktop.sync.importer import apply_package, inspect_package

    package = net.export("suide")
    yulin = net["yulin"]
    before = yulin.state()
    with yulin.session() as s, inspect_package(s, package.path) as prepared:
        report = prepared.report
        assert report.status == "new" and report.rows == package.rows and report.source.code == "610826"
        assert any("签名：有效" in line for line in report.lines())
        assert yulin.state() == before  # the report wrote nothing
        seen: list[tuple[int, int]] = []
        with pytest.raises(SyncCancelled, match="已取消导入"):
            apply_package(s, None, prepared, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: len(seen) > 1)
    assert yulin.state() == before
    with closing(connect(yulin.path)) as conn:  # the triggers dropped for the import came back with the rollback
        assert len(triggers(conn)) == 6
    with yulin.session() as s, inspect_package(s, package.path) as prepared:
        seen = []
        result = apply_package(s, None, prepared, progress=lambda d, t: seen.append((d, t)))
    assert result.status == "applied" and seen[-1] == (package.rows, package.rows)
