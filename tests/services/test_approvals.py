"""The approval machinery: every action × every role, order, separation of duties, notice period."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date

from tests.dbtools import connect
import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import FILE_LIFECYCLE, Action, IllegalTransition, Role, grant_lifecycle
from assist_desktop.services import approvals, registry
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import PermissionDenied
from assist_desktop.services.registry import FileInput
from assist_desktop.storage import models as m

from .conftest import TODAY, County, make_id

ROLE_USERS = {"jingban": Role.clerk, "shenhe": Role.reviewer, "shenpi": Role.approver, "admin": Role.admin}
MONDAY = date(2026, 11, 2)

# The steps that bring a new file to each state, with the user who takes them.
FILE_PATH = {
    "draft": [],
    "submitted": [(Action.submit, "jingban")],
    "reviewed": [(Action.submit, "jingban"), (Action.review, "shenhe")],
    "on_notice": [(Action.submit, "jingban"), (Action.review, "shenhe"), (Action.put_on_notice, "shenhe")],
    "active": [(Action.submit, "jingban"), (Action.review, "shenhe"), (Action.put_on_notice, "shenhe"),
               (Action.approve, "shenpi")],
}


def _new_file(county: County, household: FileInput, n: int) -> m.HardshipFile:
    data = replace(household, name="张伟", id_number=make_id("19750102", 2 * n + 1), members=[])
    with county.session() as s:
        return registry.create_file(s, county.users["jingban"], data, today=MONDAY)


def _act(s, user, entity_type: str, entity_id: str, action: Action, **kwargs):  # type: ignore[no-untyped-def]
    """A step where the program takes it: a visit's approval in the campaign service, the rest generic."""
    if (entity_type, action) == ("visit", Action.approve):
        from assist_desktop.services import campaigns

        return campaigns.approve(s, user, entity_id, **kwargs)
    return approvals.act(s, user, entity_type, entity_id, action, **kwargs)


def _walk(county: County, entity_type: str, entity_id: str, steps: list[tuple[Action, str]]) -> None:
    with county.session() as s:
        for action, username in steps:  # the notice runs from Monday 2 Nov; approval comes after it
            _act(s, county.users[username], entity_type, entity_id, action,
                 today=TODAY if action is Action.approve else MONDAY)


def _version(county: County, model: type, entity_id: str) -> int:
    with county.session() as s:
        return s.get(model, entity_id).version


FILE_CASES = [(t.action, state.value, username)
              for t in FILE_LIFECYCLE.transitions for state in sorted(t.from_states) for username in ROLE_USERS]


@pytest.mark.parametrize(("action", "state", "username"), FILE_CASES,
                         ids=[f"{a.value}-{s}-{u}" for a, s, u in FILE_CASES])
def test_every_file_action_by_every_role(county: County, household: FileInput, action: Action, state: str,
                                         username: str) -> None:
    hf = _new_file(county, household, 1)
    _walk(county, "hardship_file", hf.id, FILE_PATH[state])
    allowed = FILE_LIFECYCLE.role_for(action, state) is ROLE_USERS[username]
    user = county.users[username]
    version = _version(county, m.HardshipFile, hf.id)
    refusals_before = county.count("audit_event", "action LIKE 'refused:%'")
    today = date(2026, 11, 20)

    def run() -> None:
        with county.session() as s:
            if action is Action.exit:
                registry.exit_file(s, user, hf.id, reason="moved", exit_date=today, expected_version=version,
                                   today=today)
            elif action is Action.annual_review:
                registry.annual_review(s, user, hf.id, outcome="keep", review_date=today, expected_version=version,
                                       today=today)
            else:
                approvals.act(s, user, "hardship_file", hf.id, action, opinion="材料不全，请补充", today=today)

    if allowed:
        run()
        with county.session() as s:
            assert s.get(m.HardshipFile, hf.id).status == FILE_LIFECYCLE.next_state(state, action).value
    else:
        with pytest.raises(PermissionDenied) as info:
            run()
        assert ROLE_USERS[username] is Role.admin or "只有" in info.value.message
        with county.session() as s:
            assert s.get(m.HardshipFile, hf.id).status == state
            assert s.get(m.HardshipFile, hf.id).version == version
        assert county.count("audit_event", "action LIKE 'refused:%'") == refusals_before + 1


def _visit(county: County, status: str = "draft") -> str:
    with county.db.transaction() as s:
        unit = s.get(m.Meta, "local_unit_id").value
        campaign = m.Campaign(owner_unit_id=unit, year=2027, name="2027年春节送温暖", budget_fen=10_000_000,
                              visit_start=date(2027, 1, 10), visit_end=date(2027, 2, 5))
        s.add(campaign)
        s.flush()
        source = m.CampaignFundSource(owner_unit_id=unit, campaign_id=campaign.id, name="本级工会经费",
                                      amount_fen=10_000_000)
        s.add(source)
        s.flush()
        visit = m.Visit(owner_unit_id=unit, campaign_id=campaign.id, group_key="deep", recipient_name="王建国",
                        recipient_id_number=make_id("19800315", 123), status=status, cash_fen=150_000, goods_fen=50_000,
                        fund_source_id=source.id)
        s.add(visit)
        s.flush()
        return visit.id


GRANT = grant_lifecycle(False)
GRANT_PATH = {"draft": [], "submitted": [(Action.submit, "jingban")],
              "reviewed": [(Action.submit, "jingban"), (Action.review, "shenhe")],
              "approved": [(Action.submit, "jingban"), (Action.review, "shenhe"), (Action.approve, "shenpi")]}
GRANT_CASES = [(t.action, state.value, username) for t in GRANT.transitions for state in sorted(t.from_states)
               if t.action in approvals.GENERIC_ACTIONS for username in ROLE_USERS]


@pytest.mark.parametrize(("action", "state", "username"), GRANT_CASES,
                         ids=[f"{a.value}-{s}-{u}" for a, s, u in GRANT_CASES])
def test_every_grant_action_by_every_role(county: County, action: Action, state: str, username: str) -> None:
    visit_id = _visit(county)
    _walk(county, "visit", visit_id, GRANT_PATH[state])
    allowed = GRANT.role_for(action, state) is ROLE_USERS[username]
    with county.session() as s:
        if allowed:
            _act(s, county.users[username], "visit", visit_id, action, opinion="理由", today=MONDAY)
            assert s.get(m.Visit, visit_id).status == GRANT.next_state(state, action).value
        else:
            with pytest.raises(PermissionDenied):
                _act(s, county.users[username], "visit", visit_id, action, opinion="理由", today=MONDAY)
            assert s.get(m.Visit, visit_id).status == state


def test_a_visit_is_approved_in_its_campaign_not_by_the_generic_step(county: County) -> None:
    visit_id = _visit(county)
    _walk(county, "visit", visit_id, GRANT_PATH["reviewed"])
    with county.session() as s, pytest.raises(DomainError, match="春节送温暖"):
        approvals.act(s, county.users["shenpi"], "visit", visit_id, Action.approve, today=MONDAY)
    with county.session() as s:
        assert s.get(m.Visit, visit_id).status == "reviewed"


def test_whole_path_records_workflow_events(county: County, household: FileInput) -> None:
    hf = _new_file(county, household, 2)
    _walk(county, "hardship_file", hf.id, FILE_PATH["on_notice"])
    with county.session() as s:
        # notice from Monday 2 Nov: five working days run to Friday 6 Nov; approval from Saturday 7 Nov
        with pytest.raises(DomainError, match="公示期未满") as info:
            approvals.approve(s, county.users["shenpi"], "hardship_file", hf.id, today=date(2026, 11, 6))
        assert "2026年11月7日" in info.value.message
        approvals.approve(s, county.users["shenpi"], "hardship_file", hf.id, opinion="同意建档",
                          today=date(2026, 11, 7))
        events = approvals.history(s, "hardship_file", hf.id)
        assert [(e.action, e.from_state, e.to_state, e.actor_name) for e in events] == [
            ("submit", "draft", "submitted", "李娜"), ("review", "submitted", "reviewed", "王建军"),
            ("put_on_notice", "reviewed", "on_notice", "王建军"), ("approve", "on_notice", "active", "张国强")]
        assert events[-1].opinion == "同意建档"
        hf = s.get(m.HardshipFile, hf.id)
        assert hf.status == "active" and hf.opened_on == date(2026, 11, 7) and hf.notice_start == MONDAY
        assert verify_audit(s).ok


def test_notice_period_is_configurable(county: County, household: FileInput) -> None:
    hf = _new_file(county, household, 3)
    _walk(county, "hardship_file", hf.id, FILE_PATH["on_notice"])
    with county.db.transaction() as s:
        s.add(m.Meta(key=approvals.NOTICE_DAYS_KEY, value="7"))
    with county.session() as s, pytest.raises(DomainError, match="须满7个工作日"):
        approvals.approve(s, county.users["shenpi"], "hardship_file", hf.id, today=date(2026, 11, 9))
    with county.session() as s:
        approvals.approve(s, county.users["shenpi"], "hardship_file", hf.id, today=date(2026, 11, 11))


def test_steps_out_of_order_are_refused(county: County, household: FileInput) -> None:
    hf = _new_file(county, household, 4)
    before = county.counts()
    with county.session() as s:
        with pytest.raises(IllegalTransition, match="草稿"):
            approvals.approve(s, county.users["shenpi"], "hardship_file", hf.id, today=TODAY)
        with pytest.raises(IllegalTransition):
            approvals.review(s, county.users["shenhe"], "hardship_file", hf.id, today=TODAY)
    assert county.counts() == before


def test_nobody_reviews_or_approves_what_they_submitted(county: County, household: FileInput) -> None:
    hf = _new_file(county, household, 5)
    boss = county.users["allround"]  # holds clerk, reviewer and approver
    with county.session() as s:
        approvals.submit(s, boss, "hardship_file", hf.id, today=MONDAY)
        with pytest.raises(PermissionDenied, match="本人提交"):
            approvals.review(s, boss, "hardship_file", hf.id, today=MONDAY)
        approvals.review(s, county.users["shenhe"], "hardship_file", hf.id, today=MONDAY)
        with pytest.raises(PermissionDenied, match="本人提交"):
            approvals.put_on_notice(s, boss, "hardship_file", hf.id, today=MONDAY)
        approvals.put_on_notice(s, county.users["shenhe"], "hardship_file", hf.id, today=MONDAY)
        with pytest.raises(PermissionDenied, match="本人提交"):
            approvals.approve(s, boss, "hardship_file", hf.id, today=TODAY)
        approvals.approve(s, county.users["shenpi"], "hardship_file", hf.id, today=TODAY)
    with closing(connect(county.path)) as conn:
        refused = conn.execute("SELECT actor_name, action FROM audit_event WHERE action LIKE 'refused:%'").fetchall()
    assert refused == [("刘强", "refused:review"), ("刘强", "refused:put_on_notice"), ("刘强", "refused:approve")]


def test_return_and_cancel_need_a_reason(county: County, household: FileInput) -> None:
    hf = _new_file(county, household, 6)
    _walk(county, "hardship_file", hf.id, FILE_PATH["submitted"])
    with county.session() as s:
        with pytest.raises(DomainError, match="须填写理由") as info:
            approvals.act(s, county.users["shenhe"], "hardship_file", hf.id, Action.return_to_draft, opinion="  ")
        assert info.value.field == "理由"
        approvals.return_to_draft(s, county.users["shenhe"], "hardship_file", hf.id, "缺少低保证明")
        assert s.get(m.HardshipFile, hf.id).status == "draft"
    visit_id = _visit(county)
    with county.session() as s, pytest.raises(DomainError, match="须填写理由"):
        approvals.act(s, county.users["jingban"], "visit", visit_id, Action.cancel)


def test_a_stale_step_is_refused(county: County, household: FileInput) -> None:
    hf = _new_file(county, household, 7)
    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "hardship_file", hf.id, expected_version=1)
        with pytest.raises(DomainError, match="已被李娜（.+）修改"):  # who moved it first, and when
            approvals.review(s, county.users["shenhe"], "hardship_file", hf.id, expected_version=1)


def test_deactivated_user_takes_no_step(county: County, household: FileInput) -> None:
    hf = _new_file(county, household, 8)
    with county.db.transaction() as s:
        s.get(m.User, county.users["jingban"].id).active = False
    with county.session() as s, pytest.raises(PermissionDenied, match="已停用"):
        approvals.submit(s, county.users["jingban"], "hardship_file", hf.id)


def test_approved_grant_is_frozen(county: County) -> None:
    visit_id = _visit(county, status="approved")
    with county.session() as s:
        visit = s.get(m.Visit, visit_id)
        approvals.assert_grant_editable(visit, {"notes", "cadres"})
        with pytest.raises(approvals.GrantFrozen, match="已审批"):
            approvals.assert_grant_editable(visit, {"cash_fen"})
        with pytest.raises(approvals.GrantFrozen):
            approvals.assert_grant_editable(visit, {"recipient_id_number"})


def test_pending_lists_what_waits_for_each_role(county: County, household: FileInput) -> None:
    drafts = [_new_file(county, household, n) for n in (10, 11)]
    submitted = _new_file(county, household, 12)
    on_notice = _new_file(county, household, 13)
    _walk(county, "hardship_file", submitted.id, FILE_PATH["submitted"])
    _walk(county, "hardship_file", on_notice.id, FILE_PATH["on_notice"])
    with county.session() as s:
        def ids(username: str) -> dict[str, tuple[Action, ...]]:
            return {i.entity_id: i.actions for i in approvals.pending(s, county.users[username])}

        assert ids("jingban") == {d.id: (Action.submit,) for d in drafts}
        assert ids("clerk2") == {}  # drafts belong to their author
        assert ids("shenhe") == {submitted.id: (Action.review, Action.return_to_draft)}
        assert ids("shenpi") == {on_notice.id: (Action.approve, Action.return_to_draft)}
        assert ids("admin") == {}
        item = approvals.pending(s, county.users["shenpi"])[0]
        assert (item.number, item.name, item.detail, item.status) == (on_notice.file_no, "张伟", "深度困难", "on_notice")


def test_a_selection_moves_together_or_not_at_all(county: County, household: FileInput) -> None:
    files = [_new_file(county, household, n) for n in (20, 21, 22)]
    with county.session() as s:
        approvals.act_many(s, county.users["jingban"], "hardship_file", [f.id for f in files[:2]], Action.submit)
        approvals.submit(s, county.users["allround"], "hardship_file", files[2].id)
    seen: list[tuple[int, int]] = []
    with county.session() as s:
        # the third was submitted by 刘强: he may not review it, so the whole selection stays
        with pytest.raises(PermissionDenied, match="第3项") as info:
            approvals.act_many(s, county.users["allround"], "hardship_file", [f.id for f in files], Action.review,
                               progress=lambda d, t: seen.append((d, t)))
        assert files[2].file_no in info.value.message
        assert all(s.get(m.HardshipFile, f.id, populate_existing=True).status == "submitted" for f in files)
        checks: list[int] = []  # the user presses cancel after the first item has moved
        with pytest.raises(approvals.BatchCancelled):
            approvals.act_many(s, county.users["shenhe"], "hardship_file", [f.id for f in files], Action.review,
                               cancelled=lambda: checks.append(1) or len(checks) > 1)
        assert all(s.get(m.HardshipFile, f.id, populate_existing=True).status == "submitted" for f in files)
        results = approvals.act_many(s, county.users["shenhe"], "hardship_file", [f.id for f in files], Action.review)
    assert [r.to_state for r in results] == ["reviewed"] * 3
    assert seen == [(1, 3), (2, 3)]
