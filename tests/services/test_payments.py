"""发放: money only to an approved grant, once, by the clerk, on its own voucher whose number is never reused."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date

from tests.dbtools import connect
import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services import approvals, payments, scholarships
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import PermissionDenied
from assist_desktop.services.payments import PaymentError
from assist_desktop.storage import models as m

from .conftest import TODAY, County
from .conftest_scholarships import (
    DAUGHTER,
    Family,
    apply,
    approved,
    daughter_input,
    family,  # noqa: F401  (fixture)
    family_input,  # noqa: F401  (fixture)
    installments,
    load,
    migrant_child_input,
    round26,  # noqa: F401  (fixture)
    son_input,
    submit_and_review,
    yearly_plan_for,
)

ACCOUNT = "6228480123456789012"  # the household fixture's card


def _pay(county: County, grant_type: str, grant_id: str, *, user: str = "jingban", paid_on: date = TODAY,
         method: str = "transfer", today: date = TODAY, **kw: object) -> m.Disbursement:
    with county.session() as s:
        return payments.pay(s, county.users[user], grant_type, grant_id, paid_on=paid_on, method=method,
                            today=today, **kw)  # type: ignore[arg-type]


def _vouchers(county: County) -> list[tuple]:
    with closing(connect(county.path)) as conn:
        return conn.execute("SELECT voucher_no, grant_type, amount_fen, method, bank_account, recipient_name "
                            "FROM disbursement ORDER BY voucher_no").fetchall()


def test_a_one_off_scholarship_is_paid_on_a_voucher(county: County, family: Family, round26) -> None:
    app = approved(county, daughter_input(round26.id, family))
    d = _pay(county, "scholarship", app.id)
    assert d.voucher_no == "610826-2026-V000001"
    assert _vouchers(county) == [("610826-2026-V000001", "scholarship", 500_000, "transfer", ACCOUNT, "王丽")]
    assert (d.recipient_id_number, d.paid_by, d.paid_on) == (DAUGHTER, county.users["jingban"].id, TODAY)
    assert load(county, app.id).status == "paid"
    with closing(connect(county.path)) as conn:
        steps = [r[0] for r in conn.execute("SELECT action FROM workflow_event WHERE entity_id = ? ORDER BY at",
                                            (app.id,))]
        logged = conn.execute("SELECT changes FROM audit_event WHERE entity_type = 'disbursement'").fetchone()[0]
        counter = conn.execute("SELECT last FROM number_sequence WHERE prefix = 'voucher:610826:2026'").fetchone()
    assert steps[-1] == "pay" and counter == (1,)
    assert ACCOUNT not in logged and DAUGHTER not in logged and json.loads(logged)["bank_account"].endswith("9012")
    with pytest.raises(PaymentError, match="当前为“已发放”"):  # never twice
        _pay(county, "scholarship", app.id)


def test_money_only_to_an_approved_grant_by_the_clerk(county: County, family: Family, round26) -> None:
    app = apply(county, daughter_input(round26.id, family))
    submit_and_review(county, app.id)
    with pytest.raises(PaymentError, match="只有已审批的助学金才能发放"):
        _pay(county, "scholarship", app.id)
    scholarships_approved = approved(county, son_input(round26.id, family))
    for user in ("shenhe", "shenpi", "admin"):
        with pytest.raises(PermissionDenied, match="经办"):
            _pay(county, "scholarship", scholarships_approved.id, user=user)
    assert county.count("audit_event", "action = 'refused:pay'") == 3
    assert county.count("disbursement") == 0 and county.count("number_sequence", "prefix LIKE 'voucher:%'") == 0
    with pytest.raises(PaymentError, match="未知的发放类型"):
        _pay(county, "bonus", app.id)


BAD_PAYMENTS = [
    ({"paid_on": date(2026, 11, 19)}, "发放日期", "早于审批日期2026-11-20"),
    ({"paid_on": date(2026, 11, 21)}, "发放日期", "晚于今天"),
    ({"method": "cheque"}, "发放方式", "现金或转账"),
    ({"method": "cash", "bank_account": ACCOUNT}, "收款账号", "现金发放不填写"),
    ({"bank_account": "6228-48"}, "收款账号", "12至30位"),
]


@pytest.mark.parametrize(("changes", "field", "fragment"), BAD_PAYMENTS, ids=[str(c[0]) for c in BAD_PAYMENTS])
def test_bad_payments_are_refused_and_change_nothing(county: County, family: Family, round26, changes: dict,
                                                     field: str, fragment: str) -> None:
    app = approved(county, daughter_input(round26.id, family))
    before = (county.count("disbursement"), county.count("number_sequence"), county.count("audit_event"))
    with pytest.raises(DomainError) as exc:
        _pay(county, "scholarship", app.id, **changes)
    assert exc.value.field == field and fragment in exc.value.message, exc.value.message
    assert (county.count("disbursement"), county.count("number_sequence"), county.count("audit_event")) == before
    assert load(county, app.id).status == "approved"


def test_cash_and_the_unfiled_household_without_an_account(county: County, family: Family, round26) -> None:
    child = approved(county, migrant_child_input(round26.id))
    with pytest.raises(PaymentError, match="须填写收款账号"):  # no file, so no account on record
        _pay(county, "scholarship", child.id)
    d = _pay(county, "scholarship", child.id, method="cash")
    assert (d.method, d.bank_account, d.amount_fen) == ("cash", None, 400_000)
    son = approved(county, son_input(round26.id, family))
    d2 = _pay(county, "scholarship", son.id, bank_account="6217 0000 1111 2222 333")
    assert d2.bank_account == "6217000011112222333"  # the account typed wins over the file's
    assert [v[0] for v in _vouchers(county)] == ["610826-2026-V000001", "610826-2026-V000002"]


def test_installments_are_paid_year_by_year_on_their_own_vouchers(county: County, family: Family, round26) -> None:
    yearly_plan_for(county, 2026)
    app = approved(county, daughter_input(round26.id, family))
    first, second, *_ = installments(county, app.id)
    with pytest.raises(PaymentError, match="按年发放，请在“分年发放”中逐年发放"):
        _pay(county, "scholarship", app.id)
    with pytest.raises(PaymentError, match="尚未核查在读情况"):
        _pay(county, "installment", second.id)
    d1 = _pay(county, "installment", first.id)
    assert load(county, app.id).status == "paid"  # the first year paid: the grant is paid
    with pytest.raises(PaymentError, match="已发放，不能重复发放"):
        _pay(county, "installment", first.id)
    in_2027 = date(2027, 9, 6)
    with county.session() as s:
        scholarships.check_enrolment(s, county.users["jingban"], second.id, checked_on=in_2027, still_enrolled=True,
                                     today=in_2027)
    with pytest.raises(PaymentError, match="早于在读核查日期2027-09-06"):
        _pay(county, "installment", second.id, paid_on=date(2027, 9, 5), today=in_2027)
    d2 = _pay(county, "installment", second.id, paid_on=date(2027, 9, 20), today=date(2027, 9, 20))
    assert (d1.voucher_no, d2.voucher_no) == ("610826-2026-V000001", "610826-2027-V000001")  # a counter per year
    assert [i.status for i in installments(county, app.id)] == ["paid", "paid", "pending", "pending"]
    with county.session() as s:
        assert scholarships.stop_plan(s, county.users["shenpi"], app.id, "学生毕业前转入军校") == [3, 4]
    third = installments(county, app.id)[2]
    with pytest.raises(PaymentError, match="已停发（学生毕业前转入军校）"):
        _pay(county, "installment", third.id, paid_on=date(2028, 9, 20), today=date(2028, 9, 20))
    with county.session() as s:
        rows = scholarships.application_rows(s, county.users["jingban"], [app.id])
        assert verify_audit(s).ok
    assert (rows[0].installments_total, rows[0].installments_paid, rows[0].status) == (4, 2, "paid")


@pytest.mark.tally_unchecked  # records changed with raw SQL, as the program never writes them
def test_a_refused_payment_uses_no_number_and_numbers_never_repeat(county: County, family: Family, round26) -> None:
    daughter = approved(county, daughter_input(round26.id, family))
    son = approved(county, son_input(round26.id, family))
    with pytest.raises(PaymentError):
        _pay(county, "scholarship", daughter.id, method="cash", bank_account=ACCOUNT)
    assert _pay(county, "scholarship", daughter.id).voucher_no.endswith("V000001")
    assert _pay(county, "scholarship", son.id).voucher_no.endswith("V000002")
    with closing(connect(county.path)) as conn:  # the counter is ahead of any voucher ever issued
        conn.execute("DELETE FROM disbursement WHERE voucher_no LIKE '%V000002'")
        conn.commit()
    child = approved(county, migrant_child_input(round26.id))
    assert _pay(county, "scholarship", child.id, method="cash").voucher_no.endswith("V000003")


def test_a_spring_festival_visit_is_paid_the_same_way(county: County, family: Family) -> None:
    with county.db.transaction() as s:
        unit_id = s.get(m.Meta, "local_unit_id").value
        campaign = m.Campaign(owner_unit_id=unit_id, year=2026, name="2026年春节送温暖", budget_fen=10_000_00,
                              visit_start=date(2026, 1, 10), visit_end=date(2026, 2, 10))
        s.add(campaign)
        s.flush()
        visit = m.Visit(owner_unit_id=unit_id, campaign_id=campaign.id, file_id=family.file_id, group_key="deep",
                        recipient_name="王建国", recipient_id_number="610826198003151232", status="approved",
                        cash_fen=150_000, goods_fen=50_000, approved_on=date(2026, 1, 12))
        s.add(visit)
    d = _pay(county, "visit", visit.id, paid_on=date(2026, 1, 20))
    assert (d.amount_fen, d.bank_account, d.grant_type) == (150_000, ACCOUNT, "visit")  # the cash; goods go in kind
    with county.session() as s:
        assert s.get(m.Visit, visit.id).status == "paid"
        assert [x.voucher_no for x in payments.disbursements_for(s, "visit", visit.id)] == [d.voucher_no]


def test_pay_many_pays_a_list_in_one_transaction_with_vouchers_in_its_order(county: County, family: Family,
                                                                           round26) -> None:
    son = approved(county, son_input(round26.id, family))
    daughter = approved(county, daughter_input(round26.id, family))
    seen: list[tuple[int, int]] = []
    with county.session() as s:
        made = payments.pay_many(s, county.users["jingban"], "scholarship", [son.id, daughter.id], paid_on=TODAY,
                                 method="transfer", today=TODAY, progress=lambda d, t: seen.append((d, t)))
    assert [(d.voucher_no, d.grant_id, d.amount_fen, d.bank_account) for d in made] == [
        ("610826-2026-V000001", son.id, 300_000, ACCOUNT), ("610826-2026-V000002", daughter.id, 500_000, ACCOUNT)]
    assert seen == [(1, 2), (2, 2)]
    assert load(county, son.id).status == load(county, daughter.id).status == "paid"
    with county.session() as s:
        assert verify_audit(s).ok


def test_pay_many_refuses_the_whole_list_naming_the_item(county: County, family: Family, round26) -> None:
    son = approved(county, son_input(round26.id, family))
    daughter = apply(county, daughter_input(round26.id, family))  # not approved
    before = (county.count("disbursement"), county.count("number_sequence"), county.count("audit_event"),
              county.count("workflow_event"))

    def pay_list(ids: list[str], **kw: object) -> None:
        with county.session() as s:
            values: dict = {"paid_on": TODAY, "method": "transfer", "today": TODAY, **kw}
            payments.pay_many(s, county.users["jingban"], "scholarship", ids, **values)

    with pytest.raises(PaymentError) as exc:
        pay_list([son.id, daughter.id])
    assert exc.value.message.startswith("第2项：助学申请") and "只有已审批的助学金才能发放（本批均未发放）" in exc.value.message
    with pytest.raises(PaymentError) as exc:
        pay_list([son.id], paid_on=date(2026, 11, 19))
    assert exc.value.field == "发放日期"
    assert exc.value.message == (f"第1项 助学申请 {son.application_no}（王浩）：发放日期2026-11-19早于审批日期2026-11-20"
                                 "（本批均未发放）")
    with pytest.raises(PaymentError, match="晚于今天") as exc:
        pay_list([son.id], paid_on=date(2026, 11, 21))
    with pytest.raises(PaymentError, match="重复"):
        pay_list([son.id, son.id])
    with pytest.raises(PaymentError, match="未知的发放类型"):
        with county.session() as s:
            payments.pay_many(s, county.users["jingban"], "bonus", [son.id], paid_on=TODAY, method="cash", today=TODAY)
    with pytest.raises(approvals.BatchCancelled):
        pay_list([son.id], cancelled=lambda: True)
    assert (county.count("disbursement"), county.count("number_sequence"), county.count("audit_event"),
            county.count("workflow_event")) == before
    with pytest.raises(PermissionDenied, match="经办"):
        with county.session() as s:
            payments.pay_many(s, county.users["shenpi"], "scholarship", [son.id], paid_on=TODAY, method="cash",
                              today=TODAY)
    assert county.count("audit_event", "action = 'refused:pay:batch'") == 1
    assert load(county, son.id).status == "approved"
