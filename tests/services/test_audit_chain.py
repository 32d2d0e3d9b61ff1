"""The audit chain detects any edit, deletion or reordering of its rows."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.dbtools import connect
import pytest

from assist_desktop.services.audit import append_event, verify_audit
from assist_desktop.storage.engine import Database


@pytest.fixture
def chained(tmp_db: Path) -> Path:
    with Database(tmp_db) as db:
        for i in range(5):
            with db.transaction() as s:
                append_event(s, actor_id=None, actor_name="李娜", entity_type="hardship_file", entity_id=str(i),
                             action="update", changes={"name": ["张三", f"张三{i}"]})
    return tmp_db


def _verify(path: Path):
    with Database(path) as db, db.session() as s:
        return verify_audit(s)


def test_intact_chain_verifies(chained: Path) -> None:
    verdict = _verify(chained)
    assert verdict.ok and verdict.events == 5 and verdict.broken_seq is None


@pytest.mark.parametrize(
    ("sql", "broken"),
    [
        ("UPDATE audit_event SET changes = '{\"name\":[\"李四\",\"李四\"]}' WHERE seq = 3", 3),
        ("UPDATE audit_event SET actor_name = '王五' WHERE seq = 1", 1),
        ("DELETE FROM audit_event WHERE seq = 2", 2),
        ("UPDATE audit_event SET seq = seq + 100 WHERE seq = 4", 4),
    ],
)
def test_tampering_is_detected(chained: Path, sql: str, broken: int) -> None:
    with closing(connect(chained)) as conn:
        conn.execute(sql)
        conn.commit()
    verdict = _verify(chained)
    assert not verdict.ok
    assert verdict.broken_seq == broken
    assert "审计记录" in verdict.message


def test_swapping_two_events_is_detected(chained: Path) -> None:
    with closing(connect(chained)) as conn:
        conn.execute("UPDATE audit_event SET seq = -2 WHERE seq = 2")
        conn.execute("UPDATE audit_event SET seq = 2 WHERE seq = 3")
        conn.execute("UPDATE audit_event SET seq = 3 WHERE seq = -2")
        conn.commit()
    assert not _verify(chained).ok


@pytest.mark.parametrize("changes", [{}, {"status": ["reviewed", "approved"], "opinion": "同意，\"引号\"\n换行"},
                                     {"amount": 123456, "list": [1, None, True], "nested": {"z": 1, "a": "é"}}])
def test_the_digest_made_at_the_chain_from_the_appended_part_is_the_verified_one(changes: dict) -> None:
    """An event's JSON is made when it is appended, its place on the chain (seq, prev_hash) added under the
    chain's lock: the hash is byte for byte the one ``verify_audit`` computes from the whole event."""
    from datetime import UTC, datetime

    from assist_desktop.services.audit import Appended, _chained_digest, _event_digest, _open_digest, canonical_json
    from assist_desktop.storage.models import AuditEvent

    for actor_id, entity_id in ((None, None), ("u-1", "e-2")):
        appended = Appended("3f2c", datetime(2027, 1, 8, 9, 30, 1, 250, tzinfo=UTC), actor_id, "王主席", "visit",
                            entity_id, "workflow:approve", canonical_json(changes))
        opened = _open_digest(appended)
        for seq, prev in ((1, "0" * 64), (98765, "ab" * 32)):
            appended.seq, appended.prev_hash, appended.hash = seq, prev, ""
            assert _chained_digest(opened, prev, seq) == _event_digest(AuditEvent(**appended.row()))
