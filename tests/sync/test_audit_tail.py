"""The audit log's tail: cutting its last entries, or editing one and hashing everything after it again, leaves
a chain that holds together — ``check`` finds it against the backups' chains and the upper unit's acknowledged
head and says from which entry; the city refuses a package whose chain no longer holds the head it accepted."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.services.audit import GENESIS_HASH, _event_digest
from assist_desktop.services.backups import restore
from assist_desktop.services.maintenance import check_database
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.models import AuditEvent
from assist_desktop.sync.errors import SyncError
from tests.dbtools import Reader, connect
from .conftest import Network
from .test_sequence import _edit


def _events(net: Network, n: int, start: int = 700) -> None:
    for k in range(n):
        _edit(net, "郝建军" if k % 2 else "惠秀英", start + k)


def cut(path: Path, keep: int) -> None:
    """Delete every entry after ``keep`` — as someone with the file and sqlite3 would."""
    with closing(connect(path)) as conn:
        conn.execute("DELETE FROM audit_event WHERE seq > ?", (keep,))
        conn.commit()


def rewrite(path: Path, seq: int, changes: str) -> None:
    """Change entry ``seq`` and hash it and every later entry again, so that the chain holds together."""
    from sqlmodel import Session, select

    from assist_desktop.storage.engine import Database

    with Database(path) as db:  # a plain connection to the file or the server database, no program around it
        with Session(db.engine) as s:
            events = s.exec(select(AuditEvent).where(AuditEvent.seq >= seq - 1).order_by(AuditEvent.seq)).all()
            prev_hash = events[0].hash if events[0].seq == seq - 1 else GENESIS_HASH
            for event in events:
                if event.seq < seq:
                    continue
                if event.seq == seq:
                    event.changes = changes
                event.prev_hash = prev_hash
                event.hash = prev_hash = _event_digest(event)
                s.add(event)
            s.commit()


def head(path: Path) -> int:
    with closing(connect(path)) as conn:
        return conn.execute("SELECT max(seq) FROM audit_event").fetchone()[0]


# A server's backups are pg_dump archives on the desk, which check does not read back: a server database's chain
# is held against the upper unit's acknowledgement only (the tests below that anchor on a backup are SQLite's).


def lines(path: Path) -> tuple[bool, str]:
    report = check_database(path)
    return report.ok, "\n".join(report.lines)


@pytest.mark.sqlite_only  # anchored on a backup file (see above)
@pytest.mark.parametrize("cut_off", [1, 5, 50])
def test_cutting_the_last_entries_is_caught_against_a_backup(net: Network, cut_off: int) -> None:
    suide = net["suide"]
    _events(net, 50)
    top = head(suide.path)
    backup = BackupManager(suide.path).create("auto")
    suide.db.close()
    ok, said = lines(suide.path)
    assert ok, said
    cut(suide.path, top - cut_off)
    ok, said = lines(suide.path)
    assert not ok
    assert "审计链完整" in said  # the cut chain holds together …
    assert (f"审计记录被截断：备份 {backup.name} 中有第 1–{top} 条，当前数据库只到第 {top - cut_off} 条，"
            f"自第 {top - cut_off + 1} 条起的 {cut_off} 条不见了") in said  # … but not with its backup


@pytest.mark.sqlite_only  # anchored on a backup file (see above)
def test_an_entry_edited_and_everything_after_it_hashed_again_is_caught(net: Network) -> None:
    suide = net["suide"]
    _events(net, 12)
    top = head(suide.path)
    backup = BackupManager(suide.path).create("manual")
    suide.db.close()
    rewrite(suide.path, top - 7, json.dumps({"name": ["惠秀英", "某某"]}, ensure_ascii=False))
    ok, said = lines(suide.path)
    assert not ok and "审计链完整" in said
    assert f"审计记录被改写：自第 {top - 7} 条起与备份 {backup.name} 中的记录不同" in said


def test_the_acknowledged_head_anchors_the_chain(net: Network) -> None:
    suide = net["suide"]
    net.carry("suide", "yulin")  # 榆林 acknowledges: its signed word on 绥德's head
    with closing(connect(suide.path)) as conn:
        said = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'acknowledged_audit_head'").fetchone()[0])
    acked = said["seq"]
    _events(net, 3)
    suide.db.close()
    ok, text = lines(suide.path)
    assert ok and f"榆林市总工会确认收到第 1 号同步文件时的审计链头第 {acked} 条" in text
    rewrite(suide.path, acked - 2, "{}")
    ok, text = lines(suide.path)
    assert not ok and f"改写发生在第 {acked} 条或更早" in text
    cut(suide.path, acked - 3)
    ok, text = lines(suide.path)
    assert not ok and f"自第 {acked - 2} 条起缺失" in text


@pytest.mark.sqlite_only  # anchored on a backup file (see above)
def test_a_logged_restore_is_no_cut(net: Network) -> None:
    suide = net["suide"]
    first = BackupManager(suide.path).create("manual")
    _events(net, 6)
    admin = suide.user("admin")
    restored_from = restore(suide.db, admin, first)
    assert restored_from is not None
    suide.db.close()
    ok, text = lines(suide.path)
    assert ok, text
    assert "恢复备份" in text and restored_from.name in text


def test_the_city_refuses_a_package_from_a_cut_or_rewritten_chain(net: Network) -> None:
    suide, yulin = net["suide"], net["yulin"]
    net.carry("suide", "yulin")  # accepted and acknowledged
    with closing(connect(suide.path)) as conn:
        acked = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'acknowledged_audit_head'").fetchone()[0])
    _events(net, 4)
    second = net.carry("suide", "yulin", ack=False)  # accepted by the city, not yet acknowledged at the county
    accepted = second.report.manifest.units[0].audit.seq
    copy = net.snapshot("suide")

    # the county's log cut back to what was acknowledged, then more work: the chain is longer than the city's
    # head again, but no longer holds it
    cut(suide.path, acked["seq"])
    _events(net, 9, start=800)
    third = net.export("suide")
    before = yulin.state()
    with pytest.raises(SyncError) as refused:
        net.import_("yulin", third.path)
    assert f"第 {accepted} 条" in refused.value.message and "本单位上次接受的" in refused.value.message
    assert refused.value.message.endswith("本次拒绝导入已记入审计日志。")
    assert unchanged_but_the_refusal(yulin, before, third.path, accepted)

    # an entry rewritten in the middle and everything after it hashed again
    net.restore("suide", copy)
    rewrite(suide.path, acked["seq"] - 1, "{}")
    fourth = net.export("suide")
    before = yulin.state()
    with pytest.raises(SyncError) as refused:
        net.import_("yulin", fourth.path)
    assert f"第 {accepted} 条与本单位上次接受的不一致" in refused.value.message
    assert unchanged_but_the_refusal(yulin, before, fourth.path, accepted)


def unchanged_but_the_refusal(unit, before, package: Path, accepted: int, logins: int = 0) -> bool:  # noqa: ANN001
    """The receiver as it was, but for one audit event (and a terminal's login): the refusal, naming the file,
    the unit and the entry."""
    counts, _head = unit.state()
    if {k: v for k, v in counts.items() if k != "audit_event"} != {k: v for k, v in before[0].items()
                                                                  if k != "audit_event"}:
        return False
    assert counts["audit_event"] == before[0]["audit_event"] + 1 + logins
    with closing(Reader(unit.path)) as r:  # a file or a server database
        action, changes = r.query("SELECT action, changes FROM audit_event ORDER BY seq DESC LIMIT 1")[0]
    changes = json.loads(changes) if isinstance(changes, str) else changes  # JSONB comes back read
    assert action == "refused:import" and changes["file"] == package.name
    assert (changes["unit"], changes["unit_name"], changes["accepted_seq"]) == ("610826", "绥德县总工会", accepted)
    return True


def test_the_terminals_sync_import_refuses_a_cut_chain_and_writes_the_refusal_down(net: Network, tmp_path: Path,
                                                                                   capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.cli import main

    from .conftest import PASSWORD

    suide, yulin = net["suide"], net["yulin"]
    net.carry("suide", "yulin")
    with closing(Reader(suide.path)) as r:
        acked = json.loads(r.query("SELECT value FROM meta WHERE key = 'acknowledged_audit_head'")[0][0])
    _events(net, 4)
    accepted = net.carry("suide", "yulin", ack=False).report.manifest.units[0].audit.seq
    cut(suide.path, acked["seq"])
    _events(net, 9, start=800)
    package = net.export("suide").path
    password = tmp_path / "pw.txt"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    monkeypatch.setenv("ASSIST_DESKTOP_USER", "admin")
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD_FILE", str(password))
    before = yulin.state()
    code = main(["sync", "import", "--db", str(yulin.path), str(package)])
    err = capsys.readouterr().err
    assert code == 1 and f"第 {accepted} 条" in err and "绥德县总工会" in err
    assert "--accept-audit-break" in err and "本次拒绝导入已记入审计日志" in err
    assert unchanged_but_the_refusal(yulin, before, package, accepted, logins=1)
    with closing(Reader(yulin.path)) as r:
        actor = r.query("SELECT actor_name FROM audit_event ORDER BY seq DESC LIMIT 1")[0][0]
    assert actor == yulin.user("admin").display_name  # the person logged in at the terminal
