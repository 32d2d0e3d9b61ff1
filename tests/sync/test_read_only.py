"""A county's records at the city are read-only: only the owning unit edits them (DESIGN.md §6); the
refusal is audited and leaves the record as it was. The city's own records stay editable."""

from __future__ import annotations

from tests.dbtools import connect
import pytest
from sqlmodel import select

from assist_desktop.domain.lifecycle import Action
from assist_desktop.services import approvals, attachments, campaigns, registry, scholarships
from assist_desktop.services.base import NotOwnRecord
from assist_desktop.storage import models as m

from .conftest import TODAY, Network
from .test_round_trip import new_household


@pytest.fixture
def city(net: Network) -> Network:
    net.carry("suide", "yulin")
    return net


def _county_row(net: Network, model: type, **where: str) -> m.Synced:
    with net["yulin"].session() as s:
        stmt = select(model).where(model.owner_unit_id == net["suide"].unit_id)  # type: ignore[attr-defined]
        for column, value in where.items():
            stmt = stmt.where(getattr(model, column) == value)
        row = s.exec(stmt).first()
        s.expunge(row)
        return row


def _refused(net: Network, action, match: str = "属于绥德县总工会，在本单位只能查看") -> None:  # type: ignore[no-untyped-def]
    before = net["yulin"].state()
    with net["yulin"].session() as s, pytest.raises(NotOwnRecord, match=match):
        action(s)
    counts, head = net["yulin"].state()
    assert counts["hardship_file"] == before[0]["hardship_file"] and counts["audit_event"] == before[0]["audit_event"] + 1
    assert head != before[1]  # … the refusal itself is in the audit log


def test_a_county_file_cannot_be_edited_exited_or_stepped_at_the_city(city: Network) -> None:
    hf = _county_row(city, m.HardshipFile, status="active")
    clerk, approver = city["yulin"].user("jingban"), city["yulin"].user("shenpi")
    _refused(city, lambda s: registry.update_file(s, clerk, hf.id, new_household(city), expected_version=hf.version,
                                                  today=TODAY))
    _refused(city, lambda s: registry.exit_file(s, approver, hf.id, reason="moved", exit_date=TODAY,
                                                expected_version=hf.version, today=TODAY))
    _refused(city, lambda s: approvals.act(s, approver, "hardship_file", hf.id, Action.return_to_draft,
                                           opinion="退回", today=TODAY))
    _refused(city, lambda s: attachments.add_attachment(s, clerk, hf.id, kind="id_card", name="a.jpg", content=b"x"))
    with city["yulin"].session() as s:
        assert s.get(m.HardshipFile, hf.id).version == hf.version
        refusal = s.exec(select(m.AuditEvent).where(m.AuditEvent.action == "refused:update")).one()
    assert refusal.entity_id == hf.id and "只能查看" in refusal.changes


def test_a_county_grant_cannot_be_changed_at_the_city(city: Network) -> None:
    grant = _county_row(city, m.Scholarship)
    visit = _county_row(city, m.Visit)
    approver = city["yulin"].user("shenpi")
    _refused(city, lambda s: scholarships.cancel(s, approver, grant.id, "重复资助", today=TODAY))
    _refused(city, lambda s: scholarships.stop_plan(s, approver, grant.id, "已毕业", today=TODAY))
    _refused(city, lambda s: campaigns.update_visit(s, approver, visit.id, expected_version=visit.version,
                                                    notes="改"))
    rnd = _county_row(city, m.ScholarshipRound)
    _refused(city, lambda s: scholarships.set_round_closed(s, approver, rnd.id, True, expected_version=rnd.version))


def test_the_citys_own_records_stay_editable(city: Network) -> None:
    with city["yulin"].session() as s:
        own = s.exec(select(m.HardshipFile).where(m.HardshipFile.owner_unit_id == city["yulin"].unit_id,
                                                  m.HardshipFile.status == "active")).first()
        done = registry.exit_file(s, city["yulin"].user("shenpi"), own.id, reason="out_of_hardship", exit_date=TODAY,
                                  expected_version=own.version, today=TODAY)
    assert done.status == "exited" and done.usn == -1


@pytest.mark.tally_unchecked  # records changed with raw SQL, as the program never writes them
@pytest.mark.parametrize("entity_type", ["hardship_file", "scholarship", "visit"])
def test_the_citys_work_queue_holds_only_its_own_records(city: Network, entity_type: str) -> None:
    """The county's records waiting for review or approval at the county are not the city's to act on:
    the city's queues list none of them (they would only be refused), its own ones still."""
    import sqlite3
    from contextlib import closing

    model = approvals.ENTITIES[entity_type]
    with closing(connect(city["yulin"].path)) as conn, conn:  # as the county holds them mid-season
        for status in ("submitted", "reviewed"):
            conn.execute(f"UPDATE {entity_type} SET status = ? WHERE id = (SELECT id FROM {entity_type} "
                         "WHERE owner_unit_id = ? AND status NOT IN ('submitted', 'reviewed') LIMIT 1)",
                         (status, city["suide"].unit_id))
    with city["yulin"].session() as s:
        waiting = s.exec(select(model).where(model.status.in_(("submitted", "reviewed")))).all()
        own = {row.id for row in waiting if row.owner_unit_id == city["yulin"].unit_id}
    assert len(waiting) - len(own) >= 2
    listed: set[str] = set()
    for username in ("shenhe", "shenpi"):
        user = city["yulin"].user(username)
        with city["yulin"].session() as s:
            listed |= {item.entity_id for item in approvals.pending(s, user, entity_type=entity_type)}
    assert listed <= own and (listed or not own)
