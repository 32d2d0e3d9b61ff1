"""发放: money handed over or transferred for an approved grant, each payment on its own voucher.

``pay`` serves every kind of grant through a small adapter per ``grant_type``; ``pay_many`` pays a list of
one kind in one transaction (the bulk action of the visits list), with the same checks for each item:

- ``scholarship``: a one-off scholarship; the grant moves approved → paid by the lifecycle's pay step.
- ``installment``: one year of a multi-year plan, once released (year one at approval, later years
  after the enrolment check); the first one paid also moves its scholarship to paid.
- ``visit``: the cash of a Spring Festival visit (the goods are handed over in kind).

Rules: only the clerk (经办) pays; money goes only to an approved grant, once; the paid date lies
neither before the approval (nor before the enrolment check) nor after today; a transfer names the
account (the household file's account by default), cash names none. Voucher numbers are
``{unit code}-{year}-V{seq:06d}`` from the counter ``voucher:{unit code}:{year}`` of the paid date's
year. The counter only moves forward, so a number once issued is never issued again (even if its
disbursement row were lost); a refused payment draws no number, since the number is drawn after every
check, in the same transaction. The audit log keeps the account and ID number masked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from assist_desktop.domain.contact import mask_account, parse_bank_account
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.ids import mask_id_number
from assist_desktop.domain.lifecycle import Action, GrantStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.services.approvals import BatchCancelled, apply_step, describe
from assist_desktop.services.base import (
    NotFound,
    PermissionDenied,
    Refusal,
    audit,
    check_version,
    for_write,
    require_role,
    retrying,
    touch,
    unit_of_work,
)
from assist_desktop.services.numbers import next_number
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage.models import (
    Disbursement,
    HardshipFile,
    Installment,
    Scholarship,
    Synced,
    User,
    Visit,
)

GRANT_TYPES = {"scholarship": "助学金", "installment": "分年助学金", "visit": "慰问金"}
METHODS = {"cash": "现金", "transfer": "转账"}


class PaymentError(DomainError):
    pass


@dataclass
class _Target:
    """What a payment needs to know about a grant, whatever its kind."""

    entity: Synced
    what: str  # how messages name it
    recipient_name: str
    recipient_id_number: str
    amount_fen: int
    not_before: date | None  # approval (or enrolment check) date
    not_before_label: str
    default_account: Callable[[], str | None]  # read only for a transfer
    mark_paid: Callable[[Session, User, date], None]
    goods_only: bool = False  # a visit with goods and no cash: handed over, no voucher


def _file_account(session: Session, file_id: str | None) -> Callable[[], str | None]:
    def account() -> str | None:
        hf = session.get(HardshipFile, file_id) if file_id else None
        return hf.bank_account if hf else None

    return account


def _scholarship_target(session: Session, grant_id: str) -> _Target:
    s = session.get(Scholarship, grant_id)
    if s is None:
        raise NotFound(f"找不到该助学申请（编号 {grant_id}）。")
    if s.plan == "yearly":
        raise PaymentError(f"{describe(s)}按年发放，请在“分年发放”中逐年发放")
    if s.status != GrantStatus.approved.value:
        raise PaymentError(f"{describe(s)}当前为“{GrantStatus(s.status).label}”，只有已审批的助学金才能发放")

    def mark(session: Session, user: User, today: date) -> None:
        apply_step(session, user, s, Action.pay, today=today)

    return _Target(s, describe(s), s.student_name, s.student_id_number, s.amount_fen, s.approved_on, "审批日期",
                   _file_account(session, s.file_id), mark)


def _installment_target(session: Session, grant_id: str) -> _Target:
    inst = session.get(Installment, grant_id)
    if inst is None:
        raise NotFound(f"找不到该分年发放记录（编号 {grant_id}）。")
    s = session.get(Scholarship, inst.scholarship_id)
    assert s is not None
    what = f"{describe(s)}第{inst.year_index}学年（{inst.academic_year}年）"
    if s.status not in (GrantStatus.approved.value, GrantStatus.paid.value):
        raise PaymentError(f"{describe(s)}当前为“{GrantStatus(s.status).label}”，不能发放")
    if inst.status == "pending":
        raise PaymentError(f"{what}尚未核查在读情况，核查后才能发放")
    if inst.status == "paid":
        raise PaymentError(f"{what}已发放，不能重复发放")
    if inst.status == "stopped":
        raise PaymentError(f"{what}已停发（{inst.stop_reason or '无说明'}），不能发放")
    not_before = max(d for d in (s.approved_on, inst.enrolment_checked_on, date(inst.academic_year, 1, 1)) if d)
    label = "在读核查日期" if inst.enrolment_checked_on and not_before == inst.enrolment_checked_on else "审批日期"

    def mark(session: Session, user: User, today: date) -> None:
        inst.status = "paid"
        touch(inst)
        audit(session, user, inst, "pay", {"status": ["released", "paid"]})
        if s.status == GrantStatus.approved.value:  # the first year paid: the grant itself is paid
            apply_step(session, user, s, Action.pay, today=today)

    return _Target(inst, what, s.student_name, s.student_id_number, inst.amount_fen, not_before, label,
                   _file_account(session, s.file_id), mark)


def _visit_target(session: Session, grant_id: str) -> _Target:
    v = session.get(Visit, grant_id)
    if v is None:
        raise NotFound(f"找不到该走访慰问记录（编号 {grant_id}）。")
    if v.status != GrantStatus.approved.value:
        raise PaymentError(f"{describe(v)}当前为“{GrantStatus(v.status).label}”，只有已审批的慰问才能发放慰问金")
    if v.cash_fen <= 0 and v.goods_fen <= 0:
        raise PaymentError(f"{describe(v)}没有慰问金和慰问品，不需发放")

    def mark(session: Session, user: User, today: date) -> None:
        apply_step(session, user, v, Action.pay, today=today)

    return _Target(v, describe(v), v.recipient_name, v.recipient_id_number, v.cash_fen, v.approved_on, "审批日期",
                   _file_account(session, v.file_id), mark, goods_only=v.cash_fen <= 0)


_TARGETS: dict[str, Callable[[Session, str], _Target]] = {
    "scholarship": _scholarship_target, "installment": _installment_target, "visit": _visit_target}


def next_voucher_no(session: Session, unit_code: str, year: int) -> str:
    """``610826-2026-V000042``; the counter only moves forward."""
    return f"{unit_code}-{year}-V{next_number(session, f'voucher:{unit_code}:{year}'):06d}"


def _check_when_and_how(paid_on: date, method: str, today: date) -> None:
    """The checks of a payment that do not depend on the grant."""
    if method not in METHODS:
        raise PaymentError(f"发放方式“{method}”只能是现金或转账", field="发放方式")
    if not isinstance(paid_on, date):
        raise PaymentError("请填写发放日期", field="发放日期")
    if paid_on > today:
        raise PaymentError(f"发放日期{paid_on:%Y-%m-%d}晚于今天", field="发放日期")


def _paid_before(session: Session, grant_type: str, grant_ids: Sequence[str]) -> dict[str, str]:
    """Voucher numbers of grants of the list already paid (500 at a time)."""
    ids, found = list(grant_ids), {}
    for start in range(0, len(ids), 500):
        found.update(session.execute(select(Disbursement.grant_id, Disbursement.voucher_no).where(
            Disbursement.grant_type == grant_type, Disbursement.grant_id.in_(ids[start:start + 500]))).all())
    return found


def _refuse_second_payment(session: Session, grant_type: str, grant_id: str, target: _Target,
                           earlier: str | None = None) -> None:
    if earlier is None:
        earlier = _paid_before(session, grant_type, [grant_id]).get(grant_id)
    if earlier:
        raise PaymentError(f"{target.what}已发放（凭证号 {earlier}），不能重复发放")


def _pay_target(session: Session, user: User, local_id: str, local_code: str, grant_type: str, grant_id: str,
                target: _Target, *, paid_on: date, method: str, bank_account: str | None,
                today: date) -> Disbursement | None:
    """Check and record the payment of one grant inside the caller's transaction (the caller has refused a
    second payment and checked the date and method). A visit of goods only is marked handed over, with
    no voucher (nothing but the signed roster records goods): returns None."""
    if target.not_before is None:
        raise PaymentError(f"{target.what}没有审批日期，不能发放")
    if paid_on < target.not_before:
        raise PaymentError(f"发放日期{paid_on:%Y-%m-%d}早于{target.not_before_label}"
                           f"{target.not_before:%Y-%m-%d}", field="发放日期")
    if target.goods_only:
        visit = target.entity
        target.mark_paid(session, user, today)
        if getattr(visit, "actual_date", True) is None:
            visit.actual_date = paid_on  # type: ignore[attr-defined]
        audit(session, user, visit, "hand_over_goods", {"paid_on": paid_on.isoformat(),
                                                        "goods": format_amount(getattr(visit, "goods_fen", 0))})
        return None
    account = None
    if method == "transfer":
        typed = (bank_account or "").strip()
        account = parse_bank_account(typed, field="收款账号") if typed else target.default_account()
        if not account:
            raise PaymentError(f"{target.what}转账发放须填写收款账号", field="收款账号")
    elif bank_account and bank_account.strip():
        raise PaymentError("现金发放不填写收款账号（凭签领表领取）", field="收款账号")
    if target.amount_fen <= 0:
        raise PaymentError(f"{target.what}金额为0，不需发放")
    d = Disbursement(owner_unit_id=local_id, voucher_no=next_voucher_no(session, local_code, paid_on.year),
                     grant_type=grant_type, grant_id=grant_id, recipient_name=target.recipient_name,
                     recipient_id_number=target.recipient_id_number, amount_fen=target.amount_fen,
                     method=method, bank_account=account, paid_on=paid_on, paid_by=user.id)
    session.add(d)  # written with the transaction's next flush (a batch flushes once)
    target.mark_paid(session, user, today)
    audit(session, user, d, "create", {
        "voucher_no": d.voucher_no, "grant_type": grant_type, "grant_id": grant_id,
        "recipient_name": d.recipient_name, "recipient_id_number": mask_id_number(d.recipient_id_number),
        "amount": format_amount(d.amount_fen), "method": method,
        "bank_account": mask_account(account) if account else None, "paid_on": paid_on.isoformat()})
    return d


def _preload(session: Session, grant_type: str, ids: list[str]) -> list[Synced]:
    """Read a batch's grants (and an installment's scholarship) 500 at a time into the session, so the
    targets find them without a query each; a missing one is reported by its target as before. The
    caller keeps the list: the session's identity map holds its objects only while someone does."""
    model = {"scholarship": Scholarship, "installment": Installment, "visit": Visit}.get(grant_type)
    held: list[Synced] = []
    if model is None:
        return held
    with session.no_autoflush:
        for start in range(0, len(ids), 500):
            rows = list(session.exec(for_write(session, select(model).where(  # type: ignore[attr-defined]
                model.id.in_(ids[start:start + 500])).order_by(model.id))))  # type: ignore[attr-defined]
            held += rows
            if model is Installment:
                parents = sorted({r.scholarship_id for r in rows})
                held += session.exec(for_write(session, select(Scholarship).where(  # type: ignore[attr-defined]
                    Scholarship.id.in_(parents)).order_by(Scholarship.id))).all()
    return held


def _target_maker(grant_type: str) -> Callable[[Session, str], _Target]:
    make = _TARGETS.get(grant_type)
    if make is None:
        raise PaymentError(f"未知的发放类型“{grant_type}”")
    return make


@retrying
def pay(session: Session, user: User, grant_type: str, grant_id: str, *, paid_on: date, method: str,
        bank_account: str | None = None, expected_version: int | None = None,
        today: date | None = None) -> Disbursement:
    """Record the payment of one approved grant and move it to paid; returns the disbursement with its voucher."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(grant_type if grant_type in GRANT_TYPES else "disbursement",
                                             grant_id, Action.pay.value)):
        require_role(session, user, Role.clerk, doing="发放")
        local = require_initialised(session)
        make = _target_maker(grant_type)
        loaded = _preload(session, grant_type, [grant_id])  # noqa: F841 - locked (a second desk paying it waits)
        target = make(session, grant_id)
        check_version(target.entity, expected_version, target.what)
        _refuse_second_payment(session, grant_type, grant_id, target)
        _check_when_and_how(paid_on, method, today)
        if target.goods_only:
            raise PaymentError(f"{target.what}只有慰问品，没有慰问金：请在“春节送温暖”中标记为已发放（不出凭证）")
        paid = _pay_target(session, user, local.id, local.code, grant_type, grant_id, target, paid_on=paid_on,
                           method=method, bank_account=bank_account, today=today)
        assert paid is not None
        return paid


@retrying
def pay_many(session: Session, user: User, grant_type: str, ids: Sequence[str], *, paid_on: date, method: str,
             today: date | None = None, progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> list[Disbursement]:
    """Pay a list of approved grants of one kind as ONE transaction, on the same date and by the same method
    (a transfer goes to each household file's account); vouchers are numbered in the list's order (visits of
    goods only are marked handed over and get none). If any
    grant is refused (the message names it: a paid date before its approval, a second payment, no account)
    or the user cancels, nothing is paid and no number is drawn."""
    today = today or date.today()
    ids = list(ids)
    with unit_of_work(session, user, Refusal(grant_type if grant_type in GRANT_TYPES else "disbursement",
                                             ids[0] if len(ids) == 1 else None, f"{Action.pay.value}:batch")):
        require_role(session, user, Role.clerk, doing="发放")
        local = require_initialised(session)
        make = _target_maker(grant_type)
        if not ids:
            raise PaymentError("请选择要发放的事项")
        if len(set(ids)) != len(ids):
            raise PaymentError("所选事项中有重复，请重新选择")
        _check_when_and_how(paid_on, method, today)
        loaded = _preload(session, grant_type, ids)  # noqa: F841 - kept alive for the loop
        earlier = _paid_before(session, grant_type, ids)
        made = []
        for index, grant_id in enumerate(ids, start=1):
            if cancelled and cancelled():
                raise BatchCancelled(f"已取消，{len(ids)}项均未发放。")
            try:
                target = make(session, grant_id)
            except DomainError as exc:
                raise type(exc)(f"第{index}项：{exc.message}（本批均未发放）", field=exc.field) from None
            try:
                _refuse_second_payment(session, grant_type, grant_id, target, earlier.get(grant_id, ""))
                paid = _pay_target(session, user, local.id, local.code, grant_type, grant_id, target,
                                   paid_on=paid_on, method=method, bank_account=None, today=today)
                if paid is not None:  # goods only: handed over, no voucher
                    made.append(paid)
            except PermissionDenied as exc:
                raise PermissionDenied(f"第{index}项 {target.what}：{exc.message}") from None
            except DomainError as exc:
                message = exc.message if exc.message.startswith(target.what) else f"{target.what}：{exc.message}"
                raise PaymentError(f"第{index}项 {message}（本批均未发放）", field=exc.field) from None
            if progress:
                progress(index, len(ids))
        return made


def disbursements_for(session: Session, grant_type: str, grant_id: str) -> list[Disbursement]:
    return list(session.exec(select(Disbursement).where(Disbursement.grant_type == grant_type,
                                                        Disbursement.grant_id == grant_id)
                             .order_by(Disbursement.paid_on)))


__all__ = ["GRANT_TYPES", "METHODS", "PaymentError", "disbursements_for", "next_voucher_no", "pay", "pay_many"]
