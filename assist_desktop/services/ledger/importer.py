"""Import of a ledger: ``prepare_import`` reads and checks the sheet and writes nothing; ``commit_import``
writes what it found in ONE transaction of Core bulk inserts, with progress and cancel, and one audit event.

A background operation in the UI calls ``prepare_import`` (progress over the rows checked), shows the
plan's report, lets the user correct the column mapping (``prepare_import`` again with ``mapping``),
then calls ``commit_import`` (progress over the rows written; cancel leaves nothing written).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

from assist_desktop.domain.lifecycle import FileStatus, GrantStatus, Role
from assist_desktop.services.approvals import BatchCancelled
from assist_desktop.services.base import Refusal, audit, require_role, unit_of_work
from assist_desktop.services.ledger.checks import SheetChecker, classify_row, skip_issue
from assist_desktop.services.ledger.files import FileChecker
from assist_desktop.services.ledger.grants import ScholarshipChecker, VisitChecker
from assist_desktop.services.ledger.mapping import (
    KINDS,
    HeaderGuess,
    MappingError,
    apply_mapping,
    detect_header,
    guess_kind,
    mapping_by_titles,
)
from assist_desktop.services.ledger.model import (
    ERROR,
    ImportOptions,
    ImportPlan,
    ImportResult,
    Issue,
    LedgerImportError,
    Record,
    SheetPlan,
)
from assist_desktop.services.ledger.reading import SheetData, read_sheets
from assist_desktop.services.money_seal import SEAL_KEY, seal
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage import counters, derived
from assist_desktop.storage import models as m
from assist_desktop.services.tally import insert_rows  # counts the grants and files it writes (统计)

CHUNK = 1000
CHECKERS: dict[str, type[SheetChecker]] = {"files": FileChecker, "scholarships": ScholarshipChecker,
                                           "visits": VisitChecker}
ENTITY = "ledger"


def _audit_head(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(m.AuditEvent.seq), 0))).scalar_one()


def _require(session: Session, user: m.User, kind: str, options: ImportOptions) -> None:
    """The clerk imports. Historic files meant as active (在档) come in as one import batch that the
    approver approves as a whole on the 审批 page (``import_batches``): one person never needs both roles."""
    if options.file_status not in (FileStatus.draft.value, FileStatus.active.value):
        raise LedgerImportError("导入的档案状态只能是草稿或在档", field="档案状态")
    require_role(session, user, Role.clerk, doing=f"导入{KINDS[kind]}台账")


_NOT_LEDGER = re.compile(r"填表说明|填报说明|说明|汇总|合计|统计|目录|封面|注意事项|附件|字典|下拉|选项|参数")
_MASKED_ID = re.compile(r"^\d{2,6}\*{4,}[\dXx]{0,4}$")
ID_KEYS = ("id_number", "student_id_number")


def _sources(source: Path | str | SheetData | list[SheetData], sheet: str | None,
             progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
             password: str | None = None) -> list[SheetData]:
    if isinstance(source, SheetData):
        return [source]
    if isinstance(source, list):
        return source
    return read_sheets(source, sheet, all_sheets=sheet is None, cancelled=cancelled, password=password)


def _find_kind(sheets: list[SheetData]) -> str:
    for data in sheets:
        if _NOT_LEDGER.search(data.name) and len(sheets) > 1:
            continue
        try:
            return guess_kind(data)
        except MappingError:
            continue
    return guess_kind(sheets[0])  # its message says why


def sheet_roles(sheets: list[SheetData], kind: str) -> list[tuple[str, bool, str]]:
    """Which sheets an import reads: (name, read, why not) — 填表说明/汇总 and sheets without a ledger header
    are skipped, and so are hidden sheets (listed by the workbook)."""
    out: list[tuple[str, bool, str]] = []
    several = len(sheets) > 1
    for data in sheets:
        if several and _NOT_LEDGER.search(data.name):
            out.append((data.name, False, "填表说明、汇总等非台账工作表"))
            continue
        try:
            detect_header(data, kind)
        except MappingError:
            out.append((data.name, False, "没有台账表头"))
            continue
        out.append((data.name, True, ""))
    if sheets:
        out += [(name, False, "隐藏的工作表") for name in sheets[0].hidden_sheets]
    return out


def _masked(data: SheetData, guess: HeaderGuess, rows: list[tuple[int, list[Any]]]) -> bool:
    """A list exported with masked IDs (6108**********1234): it cannot become records."""
    cols = [c for c, k in guess.mapping.items() if k in ID_KEYS]
    if not cols or not rows:
        return False
    masked = sum(1 for _, r in rows if cols[0] < len(r) and isinstance(r[cols[0]], str)
                 and _MASKED_ID.match(r[cols[0]].strip()))
    return masked * 2 > len(rows)


def prepare_import(session: Session, user: m.User, source: Path | str | SheetData | list[SheetData],
                   kind: str | None = None, *, sheet: str | None = None, mapping: dict[int, str | None] | None = None,
                   options: ImportOptions | None = None, progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None, today: date | None = None,
                   password: str | None = None) -> ImportPlan:
    """Read ``source`` (a path: every visible sheet, or ``sheet``; or sheets already read; ``password`` opens
    an encrypted workbook), find each sheet's
    header, check every row. Sheets of instructions or totals (填表说明, 汇总) and sheets without a ledger
    header are skipped and named. ``mapping`` corrects the first sheet's guessed columns ({column index:
    field key or None}; sheets with the same header take it too); ``options.titles`` maps by column name on
    every sheet. Writes nothing."""
    today = today or date.today()
    options = options or ImportOptions()
    try:
        if kind is not None and kind not in KINDS:
            raise MappingError(f"没有“{kind}”这种台账（可选：files、scholarships、visits）")
        _require(session, user, kind or "files", options)
        sheets = _sources(source, sheet, progress, cancelled, password)
        kind = kind or _find_kind(sheets)
        first = sheets[0]
        plan = ImportPlan(kind, first.path, first.sha256, first.name, first.sheet_names,
                          HeaderGuess(kind, (0,), [], {}), options, today)
        plan.sheets += [SheetPlan(name, False, "隐藏的工作表") for name in first.hidden_sheets]
        several = len(sheets) > 1
        read: list[tuple[SheetData, HeaderGuess, list[tuple[int, list[Any]]]]] = []
        first_headers: list[str] | None = None
        problems: list[str] = []
        for data in sheets:
            if several and _NOT_LEDGER.search(data.name):
                plan.sheets.append(SheetPlan(data.name, False, "填表说明、汇总等非台账工作表"))
                continue
            try:
                guess = detect_header(data, kind)
            except MappingError as exc:
                if not several:
                    raise
                problems.append(exc.message)
                plan.sheets.append(SheetPlan(data.name, False, "没有台账表头"))
                continue
            if options.titles:
                guess = apply_mapping(guess, mapping_by_titles(guess, options.titles))
            if mapping and (first_headers is None or guess.headers == first_headers):
                guess = apply_mapping(guess, mapping)
            first_headers = first_headers if first_headers is not None else guess.headers
            rows: list[tuple[int, list[Any]]] = []
            skipped: list[Issue] = []
            for index in range(guess.first_data_row, len(data.rows)):
                cells_ = data.rows[index]
                why = classify_row(cells_, guess)
                if why is None:
                    rows.append((index + 1, cells_))
                    continue
                plan.skipped_rows += 1
                issue = skip_issue(index + 1, why)
                if issue:
                    skipped.append(Issue(issue.row, issue.column, issue.message, issue.level, data.name))
            # a masked list is said to be one before its missing columns (it has no health columns either)
            if _masked(data, guess, rows):
                raise LedgerImportError(f"工作表“{data.name}”是脱敏导出的名单（身份证号中间几位已用*隐藏），不能作为台账导入："
                                        "请用含完整身份证号的台账，或导出时选择“完整身份证号”")
            missing = guess.missing_required()
            if missing:
                message = (f"工作表“{data.name}”缺少必需的列：{'、'.join(f.label for f in missing)}"
                           "（可在列对应中指定哪一列是它）")
                if not several or not read and data is sheets[-1]:
                    raise MappingError(message, field="列对应")
                problems.append(message)
                plan.sheets.append(SheetPlan(data.name, False, "缺少必需的列"))
                continue
            if not rows:
                if not several:
                    raise LedgerImportError(f"工作表“{data.name}”的表头下面没有数据行")
                plan.sheets.append(SheetPlan(data.name, False, "表头下面没有数据行"))
                continue
            plan.issues += skipped
            hidden_rows = tuple(sorted(r + 1 for r in data.hidden_rows if r >= guess.first_data_row))
            from openpyxl.utils import get_column_letter

            plan.sheets.append(SheetPlan(data.name, True, header=guess, data_rows=len(rows), hidden_rows=hidden_rows,
                                         hidden_columns=tuple(get_column_letter(c + 1) for c in sorted(data.hidden_cols))))
            plan.issues += [Issue(0, "", note, "warning", data.name) for note in guess.notes]
            unmapped = [c for c in sorted(data.hidden_cols) if c < len(guess.headers) and not guess.mapping.get(c)
                        and not any(f"{get_column_letter(c + 1)}列“" in n for n in guess.notes)]
            if unmapped:
                plan.issues.append(Issue(0, "", "隐藏列" + "、".join(guess.column_name(c) for c in unmapped) +
                                         "未导入（隐藏列多为旧模板留下的列）", "info", data.name))
            if hidden_rows:
                shown = "、".join(str(r) for r in hidden_rows[:10]) + (f"等{len(hidden_rows)}行" if len(hidden_rows) > 10 else "行")
                plan.issues.append(Issue(hidden_rows[0], "", f"第{shown}在表中被隐藏，已照常检查；如不应导入，请在台账中删除这些行",
                                         "warning", data.name))
            read.append((data, guess, rows))
        if not read:
            raise MappingError("；".join(problems) or f"{first.path.name}中没有可导入的{KINDS[kind]}台账工作表")
        plan.header = read[0][1]
        plan.sheet_name = "、".join(d.name for d, _, _ in read)
        plan.data_rows = sum(len(r) for _, _, r in read)
        checker = CHECKERS[kind](session, read[0][1], options, today)
        checker.source_name = first.path.name[:60]
        total = plan.data_rows
        done = 0
        for data, guess, rows in read:
            if kind == "files" and not guess.column_of("union"):
                guess = _union_by_content(checker, plan, data, guess, rows)
            checker.use_sheet(data.name, guess)
            if kind == "files" and not guess.column_of("union"):
                _sheet_union(checker, plan, data, several)
            plan.records += checker.check(rows, progress, cancelled, done=done, total=total)
            done += len(rows)
        checker.finish(plan.records, progress, total)
        plan.issues += checker.issues
        plan.duplicates = checker.duplicates
        plan.unknown = list(checker.unknown.values())
        plan.matches = list(checker.matches.values())
        plan.context = {**checker.context, "audit_head": _audit_head(session), "user_id": user.id}
        if len(read) == 1:  # one sheet: the rows need no sheet name
            plan.issues = [replace(i, sheet="") for i in plan.issues]
            plan.duplicates = [replace(d, sheet="") for d in plan.duplicates]
            for r in plan.records:
                r.sheet = ""
            for found in (*plan.unknown, *plan.matches):
                found.rows = [("", n) for _, n in found.rows]
        return plan
    finally:
        if session.in_transaction():
            session.rollback()  # end the read snapshot; nothing was written


def _union_by_content(checker: SheetChecker, plan: ImportPlan, data: SheetData, guess: HeaderGuess,
                      rows: list[tuple[int, list[Any]]]) -> HeaderGuess:
    """A column whose name says nothing but whose cells are this county's unions (工会名称 under another word):
    taken as 所属工会, and said so."""
    matcher = checker.unions  # type: ignore[attr-defined]
    sample = rows[:60]
    for col, key in sorted(guess.mapping.items()):
        if key or col in data.hidden_cols:
            continue
        values = [r[col] for _, r in sample if col < len(r) and isinstance(r[col], str) and r[col].strip()]
        if len(values) < max(2, len(sample) // 2):
            continue
        if sum(1 for v in values if matcher.find(v) is not None) * 5 >= len(values) * 4:
            plan.issues.append(Issue(0, "", f"{guess.column_name(col)}的内容是本单位的基层工会名称，按“所属工会”导入",
                                     "warning", data.name))
            for sheet_plan in plan.sheets:
                if sheet_plan.name == data.name:
                    sheet_plan.header = apply_mapping(guess, {col: "union"})
            return apply_mapping(guess, {col: "union"})
    return guess


def _sheet_union(checker: SheetChecker, plan: ImportPlan, data: SheetData, several: bool) -> None:
    """A sheet without a union column: its name names the union when it is one (名州镇 → 名州镇总工会)."""
    match = checker.unions.find(data.name, checker.value_map.get("union"))  # type: ignore[attr-defined]
    if match is None or (not several and checker.options.unit_id):
        return
    checker.sheet_unit = match.unit_id
    sheet_plan = next(s for s in plan.sheets if s.name == data.name)
    sheet_plan.unit_id, sheet_plan.unit_name = match.unit_id, match.name
    plan.issues.append(Issue(0, "", f"没有“所属工会”列，按工作表名称归入“{match.name}”", "warning", data.name))


# --- writing ----------------------------------------------------------------------------------------------


def _template(model: type[SQLModel]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        default = column.default
        row[column.name] = default.arg if default is not None and default.is_scalar else None
    return row


class _Writer:
    def __init__(self, session: Session, user: m.User, plan: ImportPlan, records: list[Record],
                 progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None) -> None:
        self.session, self.user, self.plan, self.records = session, user, plan, records
        self.conn: Connection = session.connection()
        self.local = require_initialised(session)
        self.mtime = m.now_ms()
        self.progress, self.cancelled = progress, cancelled
        self.templates: dict[str, dict[str, Any]] = {}
        self.paid: list[dict[str, Any]] = []  # the past payments, sealed in the import's event (money_seal)
        self.pending: list[tuple[type[SQLModel], list[dict[str, Any]]]] = []
        self.counts: Counter[str] = Counter()
        self.batch_id: str | None = None
        self.file_ids: list[str] = []  # files written (their name pieces are written after them)

    def row(self, model: type[SQLModel], **values: Any) -> dict[str, Any]:
        name = model.__tablename__  # type: ignore[attr-defined]
        if name not in self.templates:
            self.templates[name] = _template(model)
        row = dict(self.templates[name])
        row.update(owner_unit_id=self.local.id, usn=-1, mtime=self.mtime, version=1)
        row.update(values)
        if "id" not in values:
            row["id"] = m.new_id()
        return row

    def reserve(self, prefix: str, count: int) -> int:
        """The first of ``count`` numbers drawn from counter ``prefix`` (the counter only moves forward)."""
        return counters.draw(self.conn, prefix, count)

    def add(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
        if rows:
            self.pending.append((model, rows))

    def flush(self) -> None:
        """Insert everything queued, chunk by chunk, with progress; cancel before any chunk rolls back all."""
        total = sum(len(rows) for _, rows in self.pending)
        done = 0
        for model, rows in self.pending:
            for start in range(0, len(rows), CHUNK):
                if self.cancelled is not None and self.cancelled():
                    raise BatchCancelled("已取消导入，没有写入任何数据。")
                done += insert_rows(self.conn, model, rows[start:start + CHUNK], chunk=CHUNK)
                self.counts[model.__tablename__] += min(CHUNK, len(rows) - start)  # type: ignore[attr-defined]
                if self.progress is not None:
                    self.progress(done, total)
        if self.cancelled is not None and self.cancelled():
            raise BatchCancelled("已取消导入，没有写入任何数据。")


def _write_files(w: _Writer) -> None:
    """Files as drafts; historic files meant as active as drafts of one import batch awaiting the approver
    (``import_batches.approve_batch`` makes them active). Numbered in their filing year; the ledger's
    建档时间 and 档案编号 kept on every file."""
    batched = w.plan.options.file_status == FileStatus.active.value
    today = w.plan.today
    filed = {id(r): r.payload["checked"].row.get("filed_on") for r in w.records}  # type: ignore[index]
    years = Counter((filed[id(r)] if batched and filed[id(r)] else today).year for r in w.records)
    next_no = {y: w.reserve(f"file:{w.local.code}:{y}", n) for y, n in sorted(years.items())}
    batch_id = None
    files, members = [], []
    if batched:
        batch = w.row(m.ImportBatch, kind="files", file_name=w.plan.path.name[:260], file_sha256=w.plan.sha256,
                      sheets=w.plan.sheet_name[:500], households=len(w.records),
                      members=sum(len(r.payload["checked"].members) for r in w.records),  # type: ignore[index]
                      status="pending", created_by=w.user.id, created_by_name=w.user.display_name[:64],
                      created_at=m.utcnow())
        batch_id = batch["id"]
        w.add(m.ImportBatch, [batch])
    for r in w.records:
        checked = r.payload["checked"]  # type: ignore[index]
        fig = checked.figures
        year = (filed[id(r)] if batched and filed[id(r)] else today).year
        file_id = m.new_id()
        files.append(w.row(
            m.HardshipFile, **checked.row, id=file_id, file_no=f"{w.local.code}-{year}-{next_no[year]:05d}",
            filing_year=year, unit_id=r.payload["unit_id"], status=FileStatus.draft.value,  # type: ignore[index]
            category=checked.category, category_proposed=fig.proposed.value if fig.proposed else None,
            category_override_reason=checked.category_override_reason, household_size=fig.household_size,
            household_annual_income_fen=fig.annual_income_fen, per_capita_monthly_income_fen=fig.per_capita_fen,
            subsistence_line_fen=fig.subsistence_line_fen, members_pending=fig.members_pending,
            opened_on=None, created_by=w.user.id, import_batch_id=batch_id))
        next_no[year] += 1
        for member in checked.members:
            values = {k: v for k, v in member.items() if k != "id"}
            members.append(w.row(m.Member, **values, file_id=file_id))
    w.add(m.HardshipFile, files)
    w.add(m.Member, members)
    w.batch_id = batch_id
    w.file_ids = [f["id"] for f in files]


def _disbursement(w: _Writer, vouchers: dict[int, int], grant_type: str, grant_id: str, name: str, number: str,
                  amount: int, paid_on: date, method: str, account: str | None) -> dict[str, Any]:
    seq = vouchers[paid_on.year]
    vouchers[paid_on.year] += 1
    return w.row(m.Disbursement, voucher_no=f"{w.local.code}-{paid_on.year}-V{seq:06d}", grant_type=grant_type,
                 grant_id=grant_id, recipient_name=name, recipient_id_number=number, amount_fen=amount, method=method,
                 bank_account=account, paid_on=paid_on, paid_by=w.user.id)


def _vouchers(w: _Writer, paid: list[date]) -> dict[int, int]:
    return {y: w.reserve(f"voucher:{w.local.code}:{y}", n) for y, n in sorted(Counter(d.year for d in paid).items())}


def _write_scholarships(w: _Writer) -> None:
    by_year: dict[int, list[Record]] = {}
    for r in w.records:
        by_year.setdefault(r.payload["year"], []).append(r)  # type: ignore[index]
    rounds = {rnd.year: rnd for rnd in w.session.execute(select(m.ScholarshipRound).where(
        m.ScholarshipRound.owner_unit_id == w.local.id, m.ScholarshipRound.year.in_(list(by_year)))).scalars()}
    new_rounds, round_ids = [], {}
    for year, records in sorted(by_year.items()):
        total = sum(r.payload["amount"] for r in records)  # type: ignore[index]
        if year in rounds:
            round_ids[year] = rounds[year].id
            w.conn.execute(update(m.ScholarshipRound.__table__).where(m.ScholarshipRound.id == rounds[year].id)
                           .values(budget_fen=m.ScholarshipRound.budget_fen + total, usn=-1, mtime=w.mtime,
                                   version=m.ScholarshipRound.version + 1))
        else:
            row = w.row(m.ScholarshipRound, year=year, name=f"{year}年金秋助学", apply_start=date(year, 7, 1),
                        apply_end=date(year, 9, 30), budget_fen=total, requires_notice=True, closed=True)
            new_rounds.append(row)
            round_ids[year] = row["id"]
    unfiled_ids = {}
    new_unfiled = []
    for number, values in w.plan.context.get("new_unfiled", {}).items():
        if any(r.payload["parent_id"] == number and not r.payload["unfiled_id"] and not r.payload["file_id"]  # type: ignore[index]
               for r in w.records):
            row = w.row(m.UnfiledHousehold, **values)
            new_unfiled.append(row)
            unfiled_ids[number] = row["id"]
    apps, payments = [], []
    vouchers = _vouchers(w, [r.payload["paid_on"] for r in w.records])  # type: ignore[index]
    for year, records in sorted(by_year.items()):
        seq = w.reserve(f"scholarship:{w.local.code}:{year}", len(records))
        for r in records:
            p = r.payload
            app_id = m.new_id()
            apps.append(w.row(
                m.Scholarship, **p["student"], id=app_id, round_id=round_ids[year],  # type: ignore[index]
                application_no=f"{w.local.code}-{year}-S{seq:05d}", file_id=p["file_id"],  # type: ignore[index]
                unfiled_household_id=p["unfiled_id"] or unfiled_ids.get(p["parent_id"]) if not p["file_id"] else None,  # type: ignore[index]
                status=GrantStatus.paid.value, plan="one_off", amount_fen=p["amount"], standard_amount_fen=p["amount"],  # type: ignore[index]
                approved_on=p["paid_on"]))  # type: ignore[index]
            seq += 1
            payments.append(_disbursement(w, vouchers, "scholarship", app_id, p["student"]["student_name"],  # type: ignore[index]
                                          p["student"]["student_id_number"], p["amount"], p["paid_on"],  # type: ignore[index]
                                          p["method"], p["bank_account"]))  # type: ignore[index]
    w.add(m.ScholarshipRound, new_rounds)
    w.add(m.UnfiledHousehold, new_unfiled)
    w.add(m.Scholarship, apps)
    w.add(m.Disbursement, payments)
    w.paid.extend(payments)


def _write_visits(w: _Writer) -> None:
    by_year: dict[int, list[Record]] = {}
    for r in w.records:
        by_year.setdefault(r.payload["year"], []).append(r)  # type: ignore[index]
    campaigns, sources, standards = [], [], []
    source_of: dict[int, str] = {}
    campaign_of: dict[int, str] = {}
    label = f"台账导入（{w.plan.path.name}）"[:100]
    for year, records in sorted(by_year.items()):
        total = sum(r.payload["cash"] + r.payload["goods"] for r in records)  # type: ignore[index]
        existing = records[0].payload["campaign_id"]  # type: ignore[index]
        if existing:
            campaign_id = existing
            w.conn.execute(update(m.Campaign.__table__).where(m.Campaign.id == existing)
                           .values(budget_fen=m.Campaign.budget_fen + total, usn=-1, mtime=w.mtime,
                                   version=m.Campaign.version + 1))
        else:
            days = [r.payload["visit_date"] for r in records if r.payload["visit_date"]]  # type: ignore[index]
            start = min(days, default=date(year, 1, 5))
            end = max(days, default=date(year, 2, 10))
            row = w.row(m.Campaign, year=year, name=f"{year}年春节送温暖活动", budget_fen=total, visit_start=start,
                        visit_end=end, closed=True)
            campaigns.append(row)
            campaign_id = row["id"]
            common: dict[str, Counter[tuple[int, int, str | None]]] = {}
            for r in records:
                p = r.payload
                common.setdefault(p["group"], Counter())[(p["cash"], p["goods"], p["goods_description"])] += 1  # type: ignore[index]
            for group, counter in sorted(common.items()):
                cash, goods, description = counter.most_common(1)[0][0]
                standards.append(w.row(m.CampaignStandard, campaign_id=campaign_id, group_key=group, cash_fen=cash,
                                       goods_fen=goods, goods_description=description))
        campaign_of[year] = campaign_id
        source = w.row(m.CampaignFundSource, campaign_id=campaign_id, name=label, amount_fen=total)
        sources.append(source)
        source_of[year] = source["id"]
    visits, payments = [], []
    paid = [r.payload["visit_date"] or date(r.payload["year"], 1, 31) for r in w.records if r.payload["cash"]]  # type: ignore[index]
    vouchers = _vouchers(w, paid)
    for r in w.records:
        p = r.payload
        day = p["visit_date"]  # type: ignore[index]
        visit_id = m.new_id()
        visits.append(w.row(
            m.Visit, id=visit_id, campaign_id=campaign_of[p["year"]], file_id=p["file_id"],  # type: ignore[index]
            unfiled_household_id=p["unfiled_id"], group_key=p["group"], recipient_name=p["name"],  # type: ignore[index]
            recipient_id_number=p["id_number"], unit_name=p["unit_name"], category=p["category"],  # type: ignore[index]
            fund_source_id=source_of[p["year"]], status=GrantStatus.paid.value, cash_fen=p["cash"],  # type: ignore[index]
            goods_fen=p["goods"], goods_description=p["goods_description"], cadres=p["cadres"],  # type: ignore[index]
            planned_date=day, actual_date=day, notes=p["notes"], approved_on=day))  # type: ignore[index]
        if p["cash"]:  # type: ignore[index]
            payments.append(_disbursement(w, vouchers, "visit", visit_id, p["name"], p["id_number"], p["cash"],  # type: ignore[index]
                                          day or date(p["year"], 1, 31), "cash", None))  # type: ignore[index]
    w.add(m.Campaign, campaigns)
    w.add(m.CampaignStandard, standards)
    w.add(m.CampaignFundSource, sources)
    w.add(m.Visit, visits)
    w.add(m.Disbursement, payments)
    w.paid.extend(payments)


WRITERS: dict[str, Callable[[_Writer], None]] = {"files": _write_files, "scholarships": _write_scholarships,
                                                 "visits": _write_visits}


def commit_import(session: Session, user: m.User, plan: ImportPlan, *, skip_invalid: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Write the plan's records in one transaction. Refused while any row has an error, unless
    ``skip_invalid`` (then only the valid ones are written); refused when the database changed since
    the plan was made (check again). ``cancelled()`` True before any chunk rolls everything back."""
    with unit_of_work(session, user, Refusal(ENTITY, None, f"import_{plan.kind}")):
        _require(session, user, plan.kind, plan.options)
        records = plan.valid_records
        if not records:
            raise LedgerImportError(f"{plan.path.name}中没有可以导入的行（{plan.invalid_count}处有错误），未写入任何数据。")
        if plan.invalid_count and not skip_invalid:
            raise LedgerImportError(f"台账中有{plan.invalid_count}处错误，未写入任何数据；请改正后重新检查，"
                                    f"或选择只导入正确的{plan.valid_count}行。")
        if _audit_head(session) != plan.context.get("audit_head"):
            raise LedgerImportError("检查之后数据库已有其他修改，为避免重复，请重新检查台账后再导入。")
        writer = _Writer(session, user, plan, records, progress, cancelled)
        WRITERS[plan.kind](writer)
        # SQLite: the name pieces once for all files, not row by row by the triggers (a third of the time); the
        # triggers are made again in this transaction. PostgreSQL's statement-level triggers cut them at once.
        regram = bool(writer.file_ids) and not derived.name_pieces_kept(writer.conn)
        if regram:
            derived.drop_triggers(writer.conn)
        writer.flush()
        if regram:
            derived.insert_pieces(writer.conn, writer.file_ids)
            derived.create_triggers(writer.conn)
        written = len(records)
        audit(session, user, None, f"import_{plan.kind}", {
            "file": plan.path.name, "sha256": plan.sha256, "sheet": plan.sheet_name, "kind": plan.kind,
            "data_rows": plan.data_rows, "written": written, "skipped_invalid": plan.invalid_count,
            "skipped_rows": plan.skipped_rows, "rows": dict(sorted(writer.counts.items())),
            **({"file_status": plan.options.file_status, "pending_members": plan.pending_count,
                "import_batch_id": writer.batch_id} if plan.kind == "files" else {}),
            **({SEAL_KEY: seal(writer.paid)} if writer.paid else {})},
            entity_type=ENTITY)
    unit = {"files": "户档案", "scholarships": "条助学记录", "visits": "户走访记录"}[plan.kind]
    summary = f"已从{plan.path.name}导入{written}{unit}"
    if plan.invalid_count:
        summary += f"，跳过有错误的{plan.invalid_count}户" if plan.kind != "scholarships" else f"，跳过有错误的{plan.invalid_count}人"
    pending = sum(1 for r in records if r.pending_members)
    if pending:
        summary += f"，其中{pending}户成员待补录"
    if writer.batch_id:
        summary += "；这批档案待审批人在“审批”页整批审批后转为在档"
    return ImportResult(plan.kind, written, dict(writer.counts), plan.invalid_count if skip_invalid else 0,
                        summary + "。", writer.batch_id)


def error_rows(plan: ImportPlan) -> list[int]:
    return sorted({i.row for i in plan.issues if i.level == ERROR and i.row})
