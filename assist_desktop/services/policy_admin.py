"""The standards table (救助标准) as the administrator keeps it in the database.

The yearly policy files in ``resources/policy/`` ship example figures; a county sets its own. The
administrator copies a year's figures from the file into the database (``seed_year``) and edits any
amount or a level's plan there, each change with a reason and an audit event: one line
(``set_standard``) or several lines of a year at once, all or nothing (``set_standards``, the screen's save).
Every service looks a standard up here (``lookup``): the database row of the local unit first, then
the year's policy file. A scholarship standard of 0 in the database means "not funded" (for example
no standard for unfiled households at a level), so an application for it is refused like a missing
one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from sqlmodel import Session, select

from assist_desktop.domain import policy as pol
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.domain.money import format_amount
from assist_desktop.services.base import (
    NotFound,
    Refusal,
    StaleVersion,
    audit,
    check_version,
    diff,
    require_role,
    snapshot,
    touch,
    unit_of_work,
)
from assist_desktop.services.setup import local_unit_id, require_initialised
from assist_desktop.storage.models import PolicyStandard, User

ENTITY = "policy_standard"
# No scholarship or visit of a county comes near 10万元; anything larger is a slip of the keyboard.
MAX_STANDARD_FEN = 100_000_00
REASON_MAX = 200
DESCRIPTION_MAX = 100
FROM_DATABASE = "database"
FROM_FILE = "file"


class StandardError(DomainError):
    pass


class NoStandard(StandardError):
    """No standard for the program, year, key and household kind (or it is 0: not funded)."""


@dataclass(frozen=True)
class Standard:
    """One line of the standards table as the services and the screen see it."""

    program: str
    year: int
    key: str
    filed: bool
    amount_fen: int
    goods_fen: int
    goods_description: str
    plan: str | None
    label: str
    source: str  # FROM_DATABASE or FROM_FILE
    id: str | None = None  # the database row, when there is one
    version: int | None = None

    @property
    def filed_label(self) -> str:
        return "建档" if self.filed else "未建档"

    @property
    def plan_label(self) -> str:
        return pol.PLANS.get(self.plan or "", "")


@cache
def policy_book() -> pol.PolicyBook:
    """The bundled policy files, read once per process (the README asks for a restart after editing)."""
    return pol.load_policy()


def _label(program: str, key: str, fallback: str = "") -> str:
    defaults = pol.SCHOLARSHIP_LEVELS if program == pol.SCHOLARSHIP else pol.SPRING_FESTIVAL_GROUPS
    return defaults.get(key) or fallback or key


def _from_row(row: PolicyStandard, label: str = "") -> Standard:
    return Standard(row.program, row.year, row.key, row.filed, row.amount_fen, row.goods_fen or 0,
                    row.goods_description or "", row.plan, _label(row.program, row.key, label), FROM_DATABASE,
                    row.id, row.version)


def _from_file(std: pol.PolicyStandard) -> Standard:
    return Standard(std.program, std.year, std.key, std.filed, std.amount_fen, std.goods_fen,
                    std.goods_description, std.plan, std.label or _label(std.program, std.key), FROM_FILE)


def _file_standard(program: str, year: int, key: str, filed: bool) -> pol.PolicyStandard | None:
    try:
        return policy_book().standard(program, year, key, filed)
    except pol.PolicyError:
        return None


def _file_standards(program: str, year: int) -> list[pol.PolicyStandard]:
    try:
        return policy_book().standards(program, year)
    except pol.PolicyError:
        return []


def _db_row(session: Session, owner_id: str | None, program: str, year: int, key: str,
            filed: bool) -> PolicyStandard | None:
    if owner_id is None:
        return None
    return session.exec(select(PolicyStandard).where(
        PolicyStandard.owner_unit_id == owner_id, PolicyStandard.program == program, PolicyStandard.year == year,
        PolicyStandard.key == key, PolicyStandard.filed == filed)).first()


def lookup(session: Session, program: str, year: int, key: str, filed: bool) -> Standard | None:
    """The standard in force: the local unit's database row, else the year's policy file; None if neither."""
    row = _db_row(session, local_unit_id(session), program, year, key, filed)
    if row is not None:
        return _from_row(row)
    found = _file_standard(program, year, key, filed)
    return _from_file(found) if found is not None else None


def require_standard(session: Session, program: str, year: int, key: str, filed: bool) -> Standard:
    """Like ``lookup``, but a missing (or, for scholarships, zero) standard is refused with a message."""
    found = lookup(session, program, year, key, filed)
    if found is None or (program == pol.SCHOLARSHIP and found.amount_fen <= 0):
        kind = "建档" if filed else "未建档"
        raise NoStandard(f"{year}年{pol.PROGRAM_LABELS.get(program, program)}没有“{_label(program, key)}”"
                         f"（{kind}户）的救助标准，不能确定金额；请管理员在“救助标准”中补充。", field="救助标准")
    return found


def standards(session: Session, program: str, year: int) -> list[Standard]:
    """The year's table for the screen: the database rows, and the file's lines not yet in the database."""
    owner = local_unit_id(session)
    rows = list(session.exec(select(PolicyStandard).where(
        PolicyStandard.owner_unit_id == owner, PolicyStandard.program == program, PolicyStandard.year == year)))
    labels = {s.key: s.label for s in _file_standards(program, year)}
    out = {(r.key, r.filed): _from_row(r, labels.get(r.key, "")) for r in rows}
    for std in _file_standards(program, year):
        out.setdefault((std.key, std.filed), _from_file(std))
    order = list(pol.SCHOLARSHIP_LEVELS if program == pol.SCHOLARSHIP else pol.SPRING_FESTIVAL_GROUPS)
    return sorted(out.values(), key=lambda s: (order.index(s.key) if s.key in order else len(order), s.key,
                                               not s.filed))


# --- the administrator's edits ------------------------------------------------------------------------


def _check_program(program: str) -> str:
    if program not in pol.PROGRAM_LABELS:
        raise StandardError(f"未知的救助项目“{program}”", field="救助项目")
    return program


def _check_year(year: int, today: date) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= today.year + 1:
        raise StandardError(f"年度“{year}”不合理（应在2000年至{today.year + 1}年之间）", field="年度")
    return year


def _check_key(program: str, year: int, key: str) -> str:
    key = (key or "").strip()
    known = set(pol.SCHOLARSHIP_LEVELS if program == pol.SCHOLARSHIP else pol.SPRING_FESTIVAL_GROUPS)
    known |= {s.key for s in _file_standards(program, year)}
    if key not in known:
        what = "学段" if program == pol.SCHOLARSHIP else "慰问对象"
        raise StandardError(f"{pol.PROGRAM_LABELS[program]}没有“{key}”这个{what}", field=what)
    return key


def _check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise StandardError("修改救助标准须填写理由（如依据的文件文号）", field="修改理由")
    if len(text) > REASON_MAX:
        raise StandardError(f"修改理由过长（{len(text)}字，最多{REASON_MAX}字）", field="修改理由")
    return text


def _new_row(owner_id: str, program: str, year: int, key: str, filed: bool,
             base: pol.PolicyStandard | Standard | None) -> PolicyStandard:
    return PolicyStandard(owner_unit_id=owner_id, program=program, year=year, key=key, filed=filed,
                          amount_fen=base.amount_fen if base else 0, goods_fen=base.goods_fen if base else 0,
                          goods_description=(base.goods_description or None) if base else None,
                          plan=base.plan if base else ("one_off" if program == pol.SCHOLARSHIP else None))


def seed_year(session: Session, user: User, year: int, *, program: str | None = None,
              today: date | None = None) -> int:
    """Copy the year's standards from the policy file into the database (lines already there are kept).

    Returns how many lines were added. Admin only; one audit event.
    """
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, None, "seed")):
        require_role(session, user, Role.admin, doing="设置救助标准")
        local = require_initialised(session)
        _check_year(year, today)
        programs = [_check_program(program)] if program else list(pol.PROGRAM_LABELS)
        file_lines = [s for p in programs for s in _file_standards(p, year)]
        if not file_lines:
            raise StandardError(f"没有{year}年的政策文件，无法从政策文件导入标准；可复制上一年度的标准，"
                                "或直接逐项录入。", field="年度")
        added = []
        for std in file_lines:
            if _db_row(session, local.id, std.program, year, std.key, std.filed) is None:
                session.add(_new_row(local.id, std.program, year, std.key, std.filed, std))
                added.append(f"{std.program}:{std.key}:{'filed' if std.filed else 'unfiled'}")
        if added:
            session.flush()
            audit(session, user, None, "seed", {"year": year, "added": added}, entity_type=ENTITY)
        return len(added)


@dataclass(frozen=True)
class StandardChange:
    """One line to change in ``set_standards``; a value left None stays as it is.

    ``expected_version`` is the version of the database row the screen showed; 0 says the screen showed
    the line from the policy file (no row yet), so a row saved meanwhile by someone else is a conflict;
    None skips the check.
    """

    key: str
    filed: bool
    amount_fen: int | None = None
    goods_fen: int | None = None
    goods_description: str | None = None  # "" clears it
    plan: str | None = None
    expected_version: int | None = None


def line_label(program: str, key: str, filed: bool) -> str:
    """How a message names a line of the table: 本科（未建档）."""
    return f"{_label(program, key)}（{'建档' if filed else '未建档'}）"


def amount_label(program: str) -> str:
    """The name of a line's money in messages and in ``DomainError.field``."""
    return "慰问金" if program == pol.SPRING_FESTIVAL else "金额"


def check_amount(value: int | None, label: str) -> int | None:
    """An amount of a standard in fen (None: unchanged): an integer, not negative, within reason."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise StandardError(f"{label}必须是以分为单位的整数金额", field=label)
    if value < 0:
        raise StandardError(f"{label}不能为负数", field=label)
    if value > MAX_STANDARD_FEN:
        raise StandardError(f"{label}{format_amount(value)}元超出合理范围（最多{format_amount(MAX_STANDARD_FEN)}元），"
                            "请核对", field=label)
    return value


def _check_change(session: Session, owner_id: str, program: str, year: int,
                  change: StandardChange) -> StandardChange:
    """The change with its values checked and normalised; refused if it is wrong or out of date."""
    key = _check_key(program, year, change.key)
    amount_fen = check_amount(change.amount_fen, amount_label(program))
    goods_fen = check_amount(change.goods_fen, "慰问品折价")
    plan, goods_description = change.plan, change.goods_description
    if plan is not None:
        if program != pol.SCHOLARSHIP:
            raise StandardError("只有金秋助学的标准有发放方式", field="发放方式")
        if plan not in pol.PLANS:
            raise StandardError(f"发放方式“{plan}”只能是一次性发放或按年发放至毕业", field="发放方式")
    if goods_description is not None:
        if program != pol.SPRING_FESTIVAL and goods_description.strip():
            raise StandardError("只有春节送温暖的标准有慰问品", field="慰问品内容")
        goods_description = goods_description.strip()
        if len(goods_description) > DESCRIPTION_MAX:
            raise StandardError(f"慰问品内容过长（{len(goods_description)}字，最多{DESCRIPTION_MAX}字）",
                                field="慰问品内容")
    if goods_fen is not None and program != pol.SPRING_FESTIVAL and goods_fen:
        raise StandardError("只有春节送温暖的标准有慰问品", field="慰问品折价")
    if all(v is None for v in (amount_fen, goods_fen, goods_description, plan)):
        raise StandardError("没有要修改的内容", field=amount_label(program))
    row = _db_row(session, owner_id, program, year, key, change.filed)
    what = f"{year}年“{_label(program, key)}”标准"
    if row is None:
        if _file_standard(program, year, key, change.filed) is None and amount_fen is None:
            raise StandardError(f"{year}年没有“{_label(program, key)}”（{'建档' if change.filed else '未建档'}）的标准，"
                                "新增时须填写金额", field=amount_label(program))
    elif change.expected_version == 0:
        raise StaleVersion(f"{what}已被他人存入本单位设定（当前第 {row.version} 版），请重新载入后再修改。")
    else:
        check_version(row, change.expected_version, what)
    return StandardChange(key, change.filed, amount_fen, goods_fen, goods_description, plan, change.expected_version)


def _apply_change(session: Session, user: User, owner_id: str, program: str, year: int, change: StandardChange,
                  reason: str, *, align: bool = True) -> PolicyStandard:
    """Write one checked change and its audit event; ``align``: a plan change carries to the other kind."""
    key, filed = change.key, change.filed
    row = _db_row(session, owner_id, program, year, key, filed)
    created = row is None
    if row is None:
        base = _file_standard(program, year, key, filed)
        row = _new_row(owner_id, program, year, key, filed, base)
        if base is None and program == pol.SCHOLARSHIP:  # a new line takes the level's plan
            sibling = lookup(session, program, year, key, not filed)
            row.plan = sibling.plan if sibling and sibling.plan else "one_off"
        session.add(row)
        session.flush()
        before = {}
    else:
        before = snapshot(row)
    if change.amount_fen is not None:
        row.amount_fen = change.amount_fen
    if change.goods_fen is not None:
        row.goods_fen = change.goods_fen
    if change.goods_description is not None:
        row.goods_description = change.goods_description or None
    if change.plan is not None:
        row.plan = change.plan
    changes = diff(before, snapshot(row), skip=("id", "owner_unit_id"))
    if not created:
        if not changes:
            return row
        touch(row)
    audit(session, user, row, "create" if created else "update", {**changes, "reason": reason})
    if change.plan is not None and align:
        _align_plan(session, user, owner_id, program, year, key, not filed, change.plan, reason)
    return row


def set_standard(session: Session, user: User, *, program: str, year: int, key: str, filed: bool,
                 reason: str, amount_fen: int | None = None, goods_fen: int | None = None,
                 goods_description: str | None = None, plan: str | None = None,
                 expected_version: int | None = None, today: date | None = None) -> PolicyStandard:
    """Change (or add) one line of the table: amount, goods, and for scholarships the level's plan.

    A plan belongs to the education level, so changing it changes the filed and the unfiled line of
    that level together. Admin only, with a reason; the audit event keeps the old and new figures.
    """
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, None, "update")):
        require_role(session, user, Role.admin, doing="修改救助标准")
        local = require_initialised(session)
        program = _check_program(program)
        year = _check_year(year, today)
        reason = _check_reason(reason)
        change = _check_change(session, local.id, program, year, StandardChange(
            key, filed, amount_fen, goods_fen, goods_description, plan, expected_version))
        return _apply_change(session, user, local.id, program, year, change, reason)


def _at_line(exc: DomainError, program: str, key: str, filed: bool) -> DomainError:
    """The same refusal, its message led by the line it concerns; ``line`` = (key, filed) for the screen."""
    named = type(exc)(f"{line_label(program, key, filed)}：{exc.message}", field=exc.field)
    named.line = (key, filed)  # type: ignore[attr-defined]
    return named


def refused_line(exc: BaseException) -> tuple[str, bool] | None:
    """The line (key, filed) that ``set_standards`` refused, if the refusal concerns one line."""
    return getattr(exc, "line", None)


def set_standards(session: Session, user: User, *, program: str, year: int, changes: Sequence[StandardChange],
                  reason: str, today: date | None = None) -> list[PolicyStandard]:
    """Change several lines of one year's table in one transaction, with one reason: all or nothing.

    Every line is checked (values, versions) before anything is written; a refusal names its line
    (“本科（未建档）：金额不能为负数”, ``refused_line(exc)`` gives it to the screen). A level's plan
    goes to both of its lines; the two lines of one level may not ask for different plans.
    Returns the rows of the changed lines, in the order given.
    """
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, None, "update")):
        require_role(session, user, Role.admin, doing="修改救助标准")
        local = require_initialised(session)
        program = _check_program(program)
        year = _check_year(year, today)
        reason = _check_reason(reason)
        if not changes:
            raise StandardError("没有要修改的内容", field=amount_label(program))
        checked: list[StandardChange] = []
        plans: dict[str, str] = {}
        for change in changes:
            try:
                line = _check_change(session, local.id, program, year, change)
            except DomainError as exc:
                raise _at_line(exc, program, change.key, change.filed) from exc
            if any((c.key, c.filed) == (line.key, line.filed) for c in checked):
                raise _at_line(StandardError("同一行出现了两次", field=amount_label(program)), program, line.key,
                               line.filed)
            if line.plan is not None and plans.setdefault(line.key, line.plan) != line.plan:
                raise _at_line(StandardError("发放方式属于学段，建档与未建档两行须相同", field="发放方式"), program,
                               line.key, line.filed)
            checked.append(line)
        # Both lines of a level in the batch take its plan here; the plan is carried only to a line not in it.
        in_batch = {(c.key, c.filed) for c in checked}
        checked = [c if c.plan is not None or c.key not in plans else replace(c, plan=plans[c.key])
                   for c in checked]
        return [_apply_change(session, user, local.id, program, year, c, reason,
                              align=(c.key, not c.filed) not in in_batch) for c in checked]


def _align_plan(session: Session, user: User, owner_id: str, program: str, year: int, key: str, filed: bool,
                plan: str, reason: str) -> None:
    """The other household kind of the same level follows a plan change (if the level has that line)."""
    row = _db_row(session, owner_id, program, year, key, filed)
    if row is None:
        base = _file_standard(program, year, key, filed)
        if base is None:
            return
        row = _new_row(owner_id, program, year, key, filed, base)
        row.plan = plan
        session.add(row)
        session.flush()
        audit(session, user, row, "create", {**diff({}, snapshot(row), skip=("id", "owner_unit_id")),
                                             "reason": reason})
        return
    if row.plan != plan:
        before = snapshot(row)
        row.plan = plan
        touch(row)
        audit(session, user, row, "update", {**diff(before, snapshot(row)), "reason": reason})


def missing_lines(session: Session, program: str, year: int) -> list[tuple[str, bool]]:
    """Lines (key, filed) the screen offers for entry although neither the database nor the file has them.

    Scholarships: every built-in level for both household kinds. Spring Festival: the groups of the
    year's policy file are its table; a year without a file takes the groups of the nearest year's file.
    """
    have = {(s.key, s.filed) for s in standards(session, program, year)}
    if program == pol.SCHOLARSHIP:
        wanted = [(k, f) for k in pol.SCHOLARSHIP_LEVELS for f in (True, False)]
    elif _file_standards(program, year):
        return []
    else:
        years = sorted(policy_book().years(), key=lambda y: (abs(y - year), -y))
        lines = next((found for y in years if (found := _file_standards(program, y))), [])
        wanted = [(s.key, s.filed) for s in lines] or [(k, k != "unfiled") for k in pol.SPRING_FESTIVAL_GROUPS]
    return [line for line in wanted if line not in have]


def has_standards(session: Session, program: str, year: int) -> bool:
    """Whether the year has a table at all (this unit's rows or the year's policy file): without one no
    amount can be worked out for the year's round or campaign."""
    return any(s.amount_fen > 0 or s.goods_fen > 0 for s in standards(session, program, year))


def last_year_with_standards(session: Session, program: str, before: int) -> int | None:
    """The nearest earlier year that has a table (the one to offer to copy), or None."""
    owner = local_unit_id(session)
    years = set(session.exec(select(PolicyStandard.year).where(
        PolicyStandard.owner_unit_id == owner, PolicyStandard.program == program, PolicyStandard.year < before)))
    years |= {y for y in policy_book().years() if y < before}
    return next((y for y in sorted(years, reverse=True) if has_standards(session, program, y)), None)


def copy_year(session: Session, user: User, *, program: str, from_year: int, to_year: int,
              today: date | None = None) -> int:
    """Copy the table in force for ``from_year`` (this unit's rows, else the policy file's lines) to
    ``to_year`` as this unit's rows; lines ``to_year`` already has are kept. Admin only; one audit
    event. Returns how many lines were added."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, None, "copy_year")):
        require_role(session, user, Role.admin, doing="设置救助标准")
        local = require_initialised(session)
        program = _check_program(program)
        _check_year(to_year, today)
        source = [s for s in standards(session, program, from_year)]
        if not source:
            raise StandardError(f"{from_year}年没有{pol.PROGRAM_LABELS[program]}救助标准，无法复制。", field="年度")
        added = []
        for std in source:
            if _db_row(session, local.id, program, to_year, std.key, std.filed) is None:
                session.add(_new_row(local.id, program, to_year, std.key, std.filed, std))
                added.append(f"{program}:{std.key}:{'filed' if std.filed else 'unfiled'}")
        if added:
            session.flush()
            audit(session, user, None, "copy_year", {"program": program, "from": from_year, "to": to_year,
                                                     "added": added}, entity_type=ENTITY)
        return len(added)


def get_row(session: Session, standard_id: str) -> PolicyStandard:
    row = session.get(PolicyStandard, standard_id)
    if row is None:
        raise NotFound(f"找不到该救助标准（编号 {standard_id}）。")
    return row


__all__ = ["FROM_DATABASE", "FROM_FILE", "NoStandard", "Standard", "StandardChange", "StandardError", "amount_label",
           "check_amount", "copy_year", "has_standards", "last_year_with_standards", "line_label", "lookup",
           "missing_lines", "policy_book", "refused_line", "require_standard", "seed_year", "set_standard",
           "set_standards", "standards"]
