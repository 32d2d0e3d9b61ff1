"""The 审批 page's batches (issue 18): a selection takes every item it can, in one transaction, and lists the
others with why — before, the first refusal stopped the batch with nothing done. Refused items leave no
trace (savepoints), permission refusals are audited, the audit chain holds."""

from __future__ import annotations

from contextlib import closing
from datetime import date

from assist_desktop.domain.lifecycle import Action
from assist_desktop.services import batches
from assist_desktop.services.audit import verify_audit

from tests.dbtools import connect

from .conftest import County
from .conftest_campaigns import (IN_JANUARY, OWN, UPPER, bulk_files, generate, load_visit, make_campaign,
                                 source_ids, submit_and_review, visit_ids)


def _rows(county: County, sql: str, *args: object) -> list[tuple]:
    with closing(connect(county.path)) as conn:
        return conn.execute(sql, args).fetchall()


def test_a_batch_approves_the_visits_the_fund_source_holds_and_lists_the_rest(county: County) -> None:
    files = bulk_files(county, 4, make=lambda i: {"category": "deep"})  # 1,500 cash + 500 goods each
    c = make_campaign(county, sources=((UPPER, 5_000_00), (OWN, 20_000_00)))
    generate(county, c.id, fund_source_id=source_ids(county, c.id)[UPPER])
    ids = [visit_ids(county, c.id, f"file_id = '{f.id}'")[0] for f in files]
    submit_and_review(county, ids)
    with county.session() as s:
        money = batches.selection_money(s, "visit", ids)
        assert (money.count, money.cash_fen, money.goods_fen) == (4, 6_000_00, 2_000_00)
        assert money.text() == "共4项，合计8,000.00元（慰问金6,000.00元，慰问品2,000.00元）"
        outcome = batches.take_each(s, county.users["shenpi"], "visit", ids, Action.approve, opinion="同意",
                                    today=IN_JANUARY)
    assert [r.entity_id for r in outcome.done] == ids[:2]
    assert [(n.index, n.entity_id) for n in outcome.not_taken] == [(3, ids[2]), (4, ids[3])]
    assert all("超出该来源金额5,000.00元" in n.reason and files[k + 2].name in n.label
               for k, n in enumerate(outcome.not_taken))
    assert outcome.summary() == "审批：2项已完成，2项未能审批。"
    assert [load_visit(county, i).status for i in ids] == ["approved", "approved", "reviewed", "reviewed"]
    assert [load_visit(county, i).approved_on for i in ids] == [IN_JANUARY, IN_JANUARY, None, None]
    assert _rows(county, "SELECT count(*) FROM workflow_event WHERE action = 'approve'") == [(2,)]
    with county.session() as s:
        assert verify_audit(s).ok


def test_files_whose_notice_has_not_run_are_listed_with_the_day_they_may_be_approved(county: County) -> None:
    started = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 18)]  # the last one only two days ago
    files = bulk_files(county, 3, make=lambda i: {"status": "on_notice", "notice_start": started[i]})
    ids = [f.id for f in files]
    before = _rows(county, "SELECT count(*) FROM audit_event")[0][0]
    with county.session() as s:
        details = batches.pending_details(s, "hardship_file", ids)
        assert details[ids[2]].approvable_from == date(2026, 11, 25)  # 5 working days: 18–24 Nov
        assert details[ids[0]].id_tail == files[0].id_number[-4:] and details[ids[0]].unit_name == "名州镇总工会"
        # the reviewer may not approve: each item refused, audited, nothing moves
        refused = batches.take_each(s, county.users["shenhe"], "hardship_file", ids, Action.approve,
                                    today=date(2026, 11, 20))
    assert not refused.done and len(refused.not_taken) == 3 and "审批" in refused.not_taken[0].reason
    assert _rows(county, "SELECT count(*) FROM audit_event WHERE action = 'refused:approve'") == [(3,)]
    with county.session() as s:
        outcome = batches.take_each(s, county.users["shenpi"], "hardship_file", ids, Action.approve,
                                    today=date(2026, 11, 20))
    assert [r.entity_id for r in outcome.done] == ids[:2]
    (late,) = outcome.not_taken
    assert late.entity_id == ids[2] and "公示期未满" in late.reason and "2026年11月25日" in late.reason
    assert _rows(county, "SELECT status FROM hardship_file WHERE id IN (?, ?, ?) ORDER BY file_no", *ids) == [
        ("active",), ("active",), ("on_notice",)]
    assert _rows(county, "SELECT count(*) FROM audit_event")[0][0] == before + 3 + 2
    with county.session() as s:
        assert verify_audit(s).ok
