"""Checking ledgers of past grants: scholarships paid in past rounds and Spring Festival visits of past
campaigns. Each row becomes a paid grant of its year's round or campaign (found, or made closed);
the student and parent checks are those of ``services.scholarships``, the person checks those of the
registry; one grant per student per round and one visit per household per campaign."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from assist_desktop.domain.contact import parse_bank_account
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import HardshipCategory
from assist_desktop.domain.ids import parse_id_number
from assist_desktop.domain.lifecycle import FileStatus, GrantStatus
from assist_desktop.domain.policy import SPRING_FESTIVAL_GROUPS
from assist_desktop.services import scholarships as sch
from assist_desktop.services.ledger import cells, words
from assist_desktop.services.ledger.checks import FAIL, SheetChecker, tick, who
from assist_desktop.services.ledger.model import Record
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage.models import (
    Campaign,
    HardshipFile,
    Member,
    Scholarship,
    ScholarshipRound,
    UnfiledHousehold,
    Visit,
)

MAX_GRANT_FEN = 100_000_00  # 10万元 to one student or household in one round: more is a slip of the keyboard
DEFAULT_YEARS = {"senior_high": 3, "vocational_college": 3, "undergraduate": 4, "postgraduate": 3}
METHODS = {"现金": "cash", "cash": "cash", "转账": "transfer", "银行转账": "transfer", "打卡": "transfer",
           "transfer": "transfer", "代发": "transfer"}
_STUDENT_FIELDS = {"学生姓名": "student_name", "学生身份证号": "student_id_number", "学段": "education_level",
                   "学校": "school", "入学年份": "admission_year", "学制": "study_years", "专业": "major",
                   "录取通知书编号": None, "资助排除条件": None}


def _chunks(values: Iterable[str], size: int = 500) -> Iterable[list[str]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def files_of(session: Any, numbers: Iterable[str]) -> dict[str, list[tuple[str, str, str, str, str | None, str]]]:
    """id number → [(file id, file no, status, role, category, worker name)], files not exited first."""
    out: dict[str, list[tuple[str, str, str, str, str | None, str]]] = {}
    HF = HardshipFile
    for chunk in _chunks(set(numbers)):
        for number, *rest in session.execute(select(HF.id_number, HF.id, HF.file_no, HF.status, HF.category, HF.name)
                                             .where(HF.id_number.in_(chunk))):
            fid, no, status, category, name = rest
            out.setdefault(number, []).append((fid, no, status, "职工", category, name))
        for number, *rest in session.execute(
                select(Member.id_number, HF.id, HF.file_no, HF.status, HF.category, HF.name)
                .join(HF, HF.id == Member.file_id).where(Member.id_number.in_(chunk))):
            fid, no, status, category, name = rest
            out.setdefault(number, []).append((fid, no, status, "家庭成员", category, name))
    for found in out.values():
        found.sort(key=lambda f: (f[2] == FileStatus.exited.value, f[3] != "职工"))
    return out


def _festival_year(day: date) -> int:
    """A visit in October–December belongs to the next year's Spring Festival."""
    return day.year + 1 if day.month >= 10 else day.year


class _GrantChecker(SheetChecker):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.local = require_initialised(self.session)

    def year(self, record: Record, n: int, row: list[Any], *fallbacks: int | None) -> int | object:
        year = self.read(record, n, row, "year", cells.year_value, "年度", today=self.today)
        if year is FAIL:
            return FAIL
        year = year or self.options.year or next((f for f in fallbacks if f), None)
        if year is None:
            self.issue(record, n, "year", "无法确定年度：请填写“年度”列，或在导入时指定年度")
            return FAIL
        if not 2000 <= year <= self.today.year + 1:  # type: ignore[operator]
            self.issue(record, n, "year", f"年度“{year}”不合理（应在2000年至{self.today.year + 1}年之间）")
            return FAIL
        return year

    def amount(self, record: Record, n: int, row: list[Any], key: str, label: str, *,
               required: bool) -> int | None | object:
        value = self.read(record, n, row, key, cells.amount_words_fen, label)
        if value is FAIL:
            return FAIL
        if value is not None and value > MAX_GRANT_FEN:
            self.issue(record, n, key, f"{label}{value / 100:,.2f}元超出合理范围（每人最多10万元），请核对")
            return FAIL
        if required and not value:
            self.issue(record, n, key, f"{label}不能为空或为0")
            return FAIL
        return value

    def person_id(self, record: Record, n: int, row: list[Any], key: str, who_: str) -> str | None | object:
        raw = self.read(record, n, row, key, cells.id_text, f"{who_}身份证号")
        if raw is FAIL or not raw:
            return raw or None
        if "*" in raw:
            self.issue(record, n, key, f"{who_}身份证号“{raw}”是脱敏后的号码，不能导入：请用含完整身份证号的名单")
            return FAIL
        converted = cells.id_15_to_18(raw)
        if converted:
            self.issue(record, n, key, f"{who_}身份证号“{raw}”是15位旧号码，已按国家标准升为18位：{converted}", "warning")
            raw = converted
        try:
            return parse_id_number(raw, today=self.today).value  # type: ignore[arg-type]
        except DomainError as exc:
            self.issue(record, n, key, f"{who_}{exc.message}")
            return FAIL


class ScholarshipChecker(_GrantChecker):
    kind = "scholarships"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.rounds = {r.year: r for r in self.session.execute(
            select(ScholarshipRound).where(ScholarshipRound.owner_unit_id == self.local.id)).scalars()}

    def _student(self, record: Record, n: int, row: list[Any], year: int) -> dict[str, Any] | object:
        name = self.name(record, n, row, "student_name", "学生")
        number = self.read(record, n, row, "student_id_number", cells.id_text, "学生身份证号")
        admission = self.read(record, n, row, "admission_year", cells.year_value, "入学年份", today=self.today)
        years = self.read(record, n, row, "study_years", cells.int_value, "学制", unit="年")
        if FAIL in (name, number, admission, years):
            return FAIL
        level_text = self.text(row, "education_level")
        try:
            code = words.education(level_text, self.value_map) if level_text else None
        except words.Unknown:
            code = None  # the application form's own message names the level
        code = "senior_high" if code == "secondary_vocational" else code
        if code in sch.LEVEL_RULES:
            level_text = code
        if years is None:
            try:
                years = DEFAULT_YEARS[sch.parse_level(level_text)]
            except DomainError:
                years = 0  # the level's own message follows
        data = sch.ApplicationInput(round_id="", student_name=name, student_id_number=number or "",  # type: ignore[arg-type]
                                    school=self.text(row, "school"), education_level=level_text,
                                    admission_year=admission or year, study_years=years,  # type: ignore[arg-type]
                                    major=self.text(row, "major") or None)
        try:
            # the application form's student checks (ID, level, age on 1 September, length of study)
            return sch._clean_student(data, SimpleNamespace(year=year), self.today)  # type: ignore[arg-type]
        except DomainError as exc:
            key = _STUDENT_FIELDS.get(exc.field or "", "student_id_number")
            self.issue(record, n, key, exc.message)
            return FAIL

    def check(self, rows: list[tuple[int, list[Any]]], progress: Callable[[int, int], None] | None,
              cancelled: Callable[[], bool] | None, *, done: int = 0, total: int | None = None) -> list[Record]:
        records: list[Record] = []
        total = total if total is not None else len(rows)
        for done, (n, row) in enumerate(rows, start=done + 1):
            if done % 200 == 0:
                tick(done, total, progress, cancelled)
            record = self.record((n,), self.text(row, "student_name"))
            records.append(record)
            self.controls(record, n, row)
            paid_on = self.read(record, n, row, "paid_on", cells.date_value, "发放日期", today=self.today)
            admission = self.read(record, n, row, "admission_year", cells.year_value, "入学年份", today=self.today)
            year = self.year(record, n, row, paid_on.year if isinstance(paid_on, date) else None,
                             admission if isinstance(admission, int) else None)
            amount = self.amount(record, n, row, "amount", "金额", required=True)
            parent_id = self.person_id(record, n, row, "parent_id_number", "家长")
            parent_name = self.name(record, n, row, "parent_name", "家长") if self.text(row, "parent_name") else None
            account = self.read(record, n, row, "bank_account",
                                lambda v: parse_bank_account(cells.text(v)) if cells.text(v) else None)
            if FAIL in (paid_on, year, amount, parent_id, parent_name, account):
                continue
            rnd = self.rounds.get(year)  # type: ignore[call-overload]
            if rnd is not None and not rnd.closed:
                self.issue(record, n, "year", f"{rnd.name}尚未结束，不能导入为历史记录；本年度的申请请在金秋助学中录入")
                continue
            student = self._student(record, n, row, year)  # type: ignore[arg-type]
            if student is FAIL:
                continue
            method_text = cells.compact_text(self.text(row, "method"))
            method = METHODS.get(method_text) if method_text else ("transfer" if account else "cash")
            if method is None:
                self.issue(record, n, "method", f"发放方式“{method_text}”应为现金或转账")
                continue
            if bool(parent_id) != bool(parent_name):
                self.issue(record, n, "parent_id_number" if parent_name else "parent_name",
                           "家长姓名和家长身份证号须同时填写")
                continue
            kind_text = cells.compact_text(self.text(row, "household_kind"))
            kind = next((k for k, label in sch.UNFILED_KINDS.items() if kind_text in (k, label) or
                         (kind_text and kind_text in label)), None) if kind_text else self.options.household_kind
            record.name = student["student_name"]  # type: ignore[index]
            if paid_on is None:
                paid_on = min(date(year, 12, 31), self.today)  # type: ignore[arg-type]
            record.payload = {"year": year, "student": student, "amount": amount, "paid_on": paid_on,
                              "method": method, "bank_account": account if method == "transfer" else None,
                              "parent_id": parent_id, "parent_name": parent_name, "kind": kind or "low_income",
                              "phone": self.text(row, "phone"), "employer_name": self.text(row, "employer_name")}
        return records

    def finish(self, records: list[Record], progress: Callable[[int, int], None] | None, total: int) -> None:
        tick(total, total, progress, None)
        self._households(records)
        self._duplicates(records)
        self.value_issues()

    def _households(self, records: list[Record]) -> None:
        live = [r for r in records if r.payload]
        numbers = {r.payload["student"]["student_id_number"] for r in live}  # type: ignore[index]
        numbers |= {r.payload["parent_id"] for r in live if r.payload["parent_id"]}  # type: ignore[index]
        files = files_of(self.session, numbers)
        unfiled = {}
        for chunk in _chunks({r.payload["parent_id"] for r in live if r.payload["parent_id"]}):  # type: ignore[index]
            for u in self.session.execute(select(UnfiledHousehold).where(UnfiledHousehold.id_number.in_(chunk))).scalars():
                unfiled[u.id_number] = u
        new_unfiled: dict[str, dict[str, Any]] = self.context.setdefault("new_unfiled", {})
        for record in live:
            p = record.payload
            n = record.rows[0]
            student_no = p["student"]["student_id_number"]  # type: ignore[index]
            parent_files = [f for f in files.get(p["parent_id"] or "", []) if f[3] == "职工"]  # type: ignore[index]
            student_files = [f for f in files.get(student_no, []) if f[3] == "家庭成员"]
            p["file_id"] = p["unfiled_id"] = None  # type: ignore[index]
            if parent_files:
                p["file_id"] = parent_files[0][0]  # type: ignore[index]
            elif student_files and not p["parent_id"]:  # type: ignore[index]
                p["file_id"] = student_files[0][0]  # type: ignore[index]
            elif p["parent_id"]:  # type: ignore[index]
                existing = unfiled.get(p["parent_id"])  # type: ignore[index]
                if existing is not None:
                    if existing.name != p["parent_name"]:  # type: ignore[index]
                        self.issue(record, n, "parent_name", f"家长身份证号已登记为未建档户“{existing.name}”，"
                                                             f"与填写的姓名“{p['parent_name']}”不一致，请核对")  # type: ignore[index]
                        record.payload = None
                        continue
                    p["unfiled_id"] = existing.id  # type: ignore[index]
                elif p["parent_id"] not in new_unfiled:  # type: ignore[index]
                    try:
                        new_unfiled[p["parent_id"]] = sch._clean_unfiled(self.session, sch.UnfiledInput(  # type: ignore[index]
                            name=p["parent_name"], id_number=p["parent_id"], kind=p["kind"],  # type: ignore[index]
                            phone=p["phone"] or None, employer_name=p["employer_name"] or None), self.today)  # type: ignore[index]
                    except DomainError as exc:
                        key = {"家长姓名": "parent_name", "家长手机号码": "phone", "家长工作单位": "employer_name",
                               "未建档户类别": "household_kind"}.get(exc.field or "", "parent_id_number")
                        self.issue(record, n, key, exc.message)
                        record.payload = None
                        continue
                elif new_unfiled[p["parent_id"]]["name"] != p["parent_name"]:  # type: ignore[index]
                    self.issue(record, n, "parent_name", f"家长身份证号与前面行的家长“{new_unfiled[p['parent_id']]['name']}”"  # type: ignore[index]
                                                         f"相同，但姓名填写为“{p['parent_name']}”，请核对")  # type: ignore[index]
                    record.payload = None
                    continue
            else:
                self.issue(record, n, "parent_id_number", f"学生{record.name}不在任何档案的家庭成员中："
                                                          "请填写家长姓名和家长身份证号")
                record.payload = None

    def _duplicates(self, records: list[Record]) -> None:
        seen: dict[tuple[int, str], int] = {}
        for record in records:
            if not record.payload:
                continue
            p, n = record.payload, record.rows[0]
            number = p["student"]["student_id_number"]
            key = (p["year"], number)
            if key in seen:
                self.duplicate(record, n, "student_id_number", who(record.name, number), f"第{seen[key]}行",
                               in_database=False, message=f"学生{who(record.name, number)}在{p['year']}年已在第{seen[key]}行，"
                               "每名学生每轮只能资助一次")
                record.payload = None
            else:
                seen[key] = n
        live = {(r.payload["year"], r.payload["student"]["student_id_number"]): r for r in records if r.payload}
        S, R = Scholarship, ScholarshipRound
        for chunk in _chunks({number for _, number in live}):
            for number, year, no, status in self.session.execute(
                    select(S.student_id_number, R.year, S.application_no, S.status).join(R, R.id == S.round_id)
                    .where(S.student_id_number.in_(chunk), S.status != GrantStatus.cancelled.value,
                           R.owner_unit_id == self.local.id)):
                record = live.get((year, number))
                if record is None or record.payload is None:
                    continue
                self.duplicate(record, record.rows[0], "student_id_number", who(record.name, number),
                               f"助学申请 {no}", in_database=True,
                               message=f"学生{who(record.name, number)}在{year}年已有助学申请 {no}"
                               f"（{GrantStatus(status).label}），每名学生每轮只能资助一次")
                record.payload = None


class VisitChecker(_GrantChecker):
    kind = "visits"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.campaigns: dict[int, list[Campaign]] = {}
        for c in self.session.execute(select(Campaign).where(Campaign.owner_unit_id == self.local.id)).scalars():
            self.campaigns.setdefault(c.year, []).append(c)

    def _campaign(self, record: Record, n: int, year: int) -> str | None | object:
        """The campaign id of ``year`` (None: one is made, closed, at commit)."""
        found = self.campaigns.get(year, [])
        if self.options.campaign_id:
            chosen = next((c for c in found if c.id == self.options.campaign_id), None)
            if chosen is None:
                self.issue(record, n, "year", f"所选活动不是{year}年的春节送温暖活动")
                return FAIL
            found = [chosen]
        if len(found) > 1:
            names = "、".join(f"“{c.name}”" for c in found)
            self.issue(record, n, "year", f"{year}年有{len(found)}个春节送温暖活动（{names}），请在导入时选择一个")
            return FAIL
        if found and not found[0].closed:
            self.issue(record, n, "year", f"{found[0].name}尚未结束，不能导入为历史记录；请在该活动中添加慰问对象")
            return FAIL
        return found[0].id if found else None

    def check(self, rows: list[tuple[int, list[Any]]], progress: Callable[[int, int], None] | None,
              cancelled: Callable[[], bool] | None, *, done: int = 0, total: int | None = None) -> list[Record]:
        records: list[Record] = []
        total = total if total is not None else len(rows)
        for done, (n, row) in enumerate(rows, start=done + 1):
            if done % 200 == 0:
                tick(done, total, progress, cancelled)
            record = self.record((n,), self.text(row, "name"))
            records.append(record)
            self.controls(record, n, row)
            name = self.name(record, n, row, "name")
            number = self.person_id(record, n, row, "id_number", "")
            day = self.read(record, n, row, "visit_date", cells.date_value, "走访日期", today=self.today)
            year = self.year(record, n, row, _festival_year(day) if isinstance(day, date) else None)
            cash = self.amount(record, n, row, "cash", "慰问金", required=False)
            goods = self.amount(record, n, row, "goods", "慰问品折价", required=False)
            if FAIL in (name, number, day, year, cash, goods):
                continue
            if number is None:
                self.issue(record, n, "id_number", "身份证号不能为空")
                continue
            description = self.text(row, "goods_description") or None
            if description and not goods:  # a 慰问品 column holding the value ("500", "500元")
                try:
                    goods = cells.amount_fen(description, "慰问品")
                    description = None
                except DomainError:
                    pass
            if not cash and not goods:
                self.issue(record, n, "cash", "慰问金和慰问品不能都为空")
                continue
            if isinstance(day, date) and not date(year - 1, 10, 1) <= day <= date(year, 3, 31):  # type: ignore[operator]
                self.issue(record, n, "visit_date", f"走访日期{day:%Y-%m-%d}不在{year}年春节送温暖期间"
                                                    f"（{year - 1}年10月1日至{year}年3月31日）")  # type: ignore[operator]
                continue
            campaign_id = self._campaign(record, n, year)  # type: ignore[arg-type]
            if campaign_id is FAIL:
                continue
            group_text = cells.compact_text(self.text(row, "group"))
            try:
                group = words.visit_group(group_text, self.value_map) if group_text else None
            except words.Unknown:
                self.unknown_value(record, n, "group", words.key(group_text))
                continue
            for key, limit, label in (("cadres", 200, "走访干部"), ("notes", 1000, "备注"), ("unit_name", 100, "工作单位")):
                if len(self.text(row, key)) > limit:
                    self.issue(record, n, key, f"{label}过长（最多{limit}字）")
            if record.errors:
                continue
            record.name = name  # type: ignore[assignment]
            record.payload = {"year": year, "campaign_id": campaign_id, "group": group, "name": name,
                              "id_number": number, "unit_name": self.text(row, "unit_name") or None,
                              "cash": cash or 0, "goods": goods or 0, "goods_description": description,
                              "visit_date": day, "cadres": self.text(row, "cadres") or None,
                              "notes": self.text(row, "notes") or None}
        return records

    def finish(self, records: list[Record], progress: Callable[[int, int], None] | None, total: int) -> None:
        tick(total, total, progress, None)
        self._households(records)
        self._duplicates(records)
        self.value_issues()

    def _households(self, records: list[Record]) -> None:
        live = [r for r in records if r.payload]
        files = files_of(self.session, {r.payload["id_number"] for r in live})  # type: ignore[index]
        unfiled = {}
        for chunk in _chunks({r.payload["id_number"] for r in live}):  # type: ignore[index]
            for uid, number in self.session.execute(select(UnfiledHousehold.id, UnfiledHousehold.id_number)
                                                    .where(UnfiledHousehold.id_number.in_(chunk))):
                unfiled[number] = uid
        for record in live:
            p = record.payload
            worker = [f for f in files.get(p["id_number"], []) if f[3] == "职工"]  # type: ignore[index]
            p["file_id"] = worker[0][0] if worker else None  # type: ignore[index]
            p["household"] = worker[0][0] if worker else next(  # type: ignore[index]
                (f[0] for f in files.get(p["id_number"], []) if f[2] != FileStatus.exited.value), None)  # type: ignore[index]
            category = worker[0][4] if worker else None
            if p["group"] is None:  # type: ignore[index]
                p["group"] = category or "unfiled"  # type: ignore[index]
            p["category"] = category or (p["group"] if p["group"] in {c.value for c in HardshipCategory} else None)  # type: ignore[index]
            p["unfiled_id"] = unfiled.get(p["id_number"]) if not worker else None  # type: ignore[index]

    def _duplicates(self, records: list[Record]) -> None:
        seen: dict[tuple[int, str], int] = {}
        for record in records:
            if not record.payload:
                continue
            p, n = record.payload, record.rows[0]
            keys = [(p["year"], p["id_number"])] + ([(p["year"], p["household"])] if p["household"] else [])
            first = next((seen[k] for k in keys if k in seen), None)
            if first is not None:
                self.duplicate(record, n, "id_number", who(record.name, p["id_number"]), f"第{first}行",
                               in_database=False, message=f"{who(record.name, p['id_number'])}所在家庭在{p['year']}年"
                               f"已在第{first}行慰问，同一户每次活动只慰问一次")
                record.payload = None
                continue
            for k in keys:
                seen[k] = n
        live = [r for r in records if r.payload]
        by_number = {(r.payload["year"], r.payload["id_number"]): r for r in live}  # type: ignore[index]
        by_file = {(r.payload["year"], r.payload["household"]): r for r in live if r.payload["household"]}  # type: ignore[index]
        V, C = Visit, Campaign
        base = select(C.year, V.recipient_id_number, V.file_id, V.recipient_name, C.name).join(C, C.id == V.campaign_id)
        base = base.where(V.status != GrantStatus.cancelled.value, C.owner_unit_id == self.local.id)
        hits = []
        for chunk in _chunks({n for _, n in by_number}):
            hits += self.session.execute(base.where(V.recipient_id_number.in_(chunk))).all()
        for chunk in _chunks({f for _, f in by_file}):
            hits += self.session.execute(base.where(V.file_id.in_(chunk))).all()
        for year, number, file_id, name, campaign in hits:
            record = by_number.get((year, number)) or by_file.get((year, file_id))
            if record is None or record.payload is None:
                continue
            self.duplicate(record, record.rows[0], "id_number", who(record.name, record.payload["id_number"]),
                           f"{campaign}", in_database=True,
                           message=f"{who(record.name, record.payload['id_number'])}所在家庭已列入{campaign}"
                           f"（{name}），同一户每次活动只慰问一次")
            record.payload = None
