"""Checking a ledger of hardship files: one household per worker row, its members on the rows below it
(``与户主关系`` says who they are), every household through ``registry.check_file`` — the rules of
``create_file`` — and duplicates within the sheet and against the registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlmodel import select

from assist_desktop.domain import enums
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.ids import Sex
from assist_desktop.domain.money import format_amount
from assist_desktop.services import registry
from assist_desktop.services.ledger import cells
from assist_desktop.services.ledger.checks import FAIL, SheetChecker, tick, who
from assist_desktop.services.ledger.model import WARNING, Record
from assist_desktop.services.setup import LOCAL_UNIT_KEY, require_initialised
from assist_desktop.storage.models import Meta, OrgUnit

WORKER_RELATIONS = {"本人", "户主", "职工", "职工本人", "申请人", "自己", "户主本人", "self"}
RELATION_WORDS = {
    "妻子": "spouse", "丈夫": "spouse", "妻": "spouse", "夫": "spouse", "爱人": "spouse", "夫妻": "spouse",
    "子": "son", "长子": "son", "次子": "son", "三子": "son", "儿": "son", "女": "daughter", "长女": "daughter",
    "次女": "daughter", "三女": "daughter", "父": "father", "母": "mother", "岳父": "father_in_law",
    "公公": "father_in_law", "岳母": "mother_in_law", "婆婆": "mother_in_law", "孙子": "grandson",
    "外孙": "grandson", "外孙子": "grandson", "孙女": "granddaughter", "外孙女": "granddaughter", "兄": "sibling",
    "弟": "sibling", "姐": "sibling", "妹": "sibling", "哥哥": "sibling", "弟弟": "sibling", "姐姐": "sibling",
    "妹妹": "sibling", "兄弟": "sibling", "姐妹": "sibling", "儿媳": "other", "女婿": "other",
}
CATEGORY_WORDS = {"深度困难": "deep", "深度": "deep", "特困": "deep", "相对困难": "relative", "相对": "relative",
                  "一般困难": "relative", "意外致困": "accident", "意外": "accident", "意外致贫": "accident"}
# ledger words → the labels of domain.enums (the form's own labels are accepted as they are)
ENUM_WORDS = {
    "political_status": {"党员": "中共党员", "预备党员": "中共预备党员", "团员": "共青团员", "民主党派人士": "民主党派"},
    "health": {"健康": "良好", "较好": "良好", "好": "良好", "差": "一般", "疾病": "患病", "大病": "患病", "重病": "患病",
               "有病": "患病", "残": "残疾"},
    "work_status": {"下岗": "下(待)岗", "待岗": "下(待)岗", "失业": "失(无)业", "无业": "失(无)业", "在职": "在岗"},
    "identity": {"下岗": "下(待)岗", "待岗": "下(待)岗", "失业": "失(无)业", "无业": "失(无)业", "在职": "在岗",
                 "在校学生": "学生", "在读": "学生", "学龄前儿童": "学龄前", "农民": "务农", "打工": "农民工"},
    "hukou_type": {"城镇": "非农业", "城镇户口": "非农业", "农村": "农业", "农村户口": "农业"},
    "education_level": {"大学": "本科", "大学本科": "本科", "大专": "高职/专科", "专科": "高职/专科", "高职": "高职/专科",
                        "中专": "中职", "职高": "中职", "硕士": "研究生", "博士": "研究生", "幼儿园": "学前"},
    "medical_insurance": {"职工医保": "城镇职工医保", "居民医保": "城乡居民医保", "新农合": "城乡居民医保", "无": "未参保"},
    "marital_status": {"已婚有配偶": "已婚", "初婚": "已婚", "再婚": "已婚", "离婚": "离异"},
}
FILE_ENUM_KEYS = ("political_status", "health", "work_status", "marital_status", "hukou_type", "file_type",
                  "file_origin", "medical_insurance")
MEMBER_ENUM_KEYS = ("identity", "health", "medical_insurance", "political_status", "education_level")
# the field a registry message names → the ledger column it comes from
ERROR_FIELDS = {
    "姓名": "name", "家庭成员姓名": "name", "身份证号": "id_number", "家庭成员身份证号": "id_number",
    "手机号码": "phone", "家庭住址": "address", "工作单位": "employer_name", "与职工关系": "relation",
    "主要致困原因": "primary_cause", "次要致困原因": "secondary_causes", "银行卡号": "bank_account",
    "本人月平均收入": "monthly_income", "家庭其他非薪资年收入": "other_annual_income", "医疗支出": "medical_expenses",
    "教育支出": "schooling_expenses", "致困支出": "hardship_costs", "困难类别": "category",
    "类别调整理由": "category", "政治面貌": "political_status", "健康状况": "health", "工作状态": "work_status",
    "婚姻状况": "marital_status", "户口类型": "hukou_type", "档案类型": "file_type", "档案来源": "file_origin",
    "医保状况": "medical_insurance", "身份": "identity", "当前学历": "education_level", "入学年份": "admission_year",
    "学制年限": "study_years", "民族": "ethnicity", "开户银行": "bank_name", "支行名称": "bank_branch",
    "所属工会": "union", "家庭月人均收入": "per_capita",
}
_MEMBER_PREFIX = re.compile(r"^第(\d+)名家庭成员")


def _enum_text(key: str, value: str) -> str | None:
    value = value.strip()
    return ENUM_WORDS.get(key, {}).get(value, value) or None


def _cause(value: str, label: str) -> int:
    """'6', '6-患重特大疾病', '患重特大疾病' or a clear part of the label ('大病' is not) → the code."""
    text = cells.compact_text(value)
    m = re.match(r"^(\d{1,2})(?:\D|$)", text)
    if m:
        return int(m.group(1))
    for cause in HardshipCause:
        if text == cause.label or cause.label.replace("遭受", "") == text:
            return int(cause)
    found = [c for c in HardshipCause if text and text in c.label]
    if len(found) == 1:
        return int(found[0])
    raise DomainError(f"{label}“{value}”不是致困原因代码（1至10）或名称", field=label)


def _causes(value: str, label: str) -> tuple[int, ...]:
    parts = [p for p in re.split(r"[,，、;；/\s]+", value) if p]
    return tuple(_cause(p, label) for p in parts)


def _category(value: str) -> str:
    text = cells.compact_text(value)
    if text in {c.value for c in HardshipCategory}:
        return text
    if text in CATEGORY_WORDS:
        return CATEGORY_WORDS[text]
    raise DomainError(f"困难类别“{value}”只能是深度困难、相对困难或意外致困", field="困难类别")


def _relation(value: str) -> str | None:
    """None for the worker; a relation code for a member (unknown words are checked by registry)."""
    text = cells.compact_text(value)
    if not text or text in WORKER_RELATIONS:
        return None
    return RELATION_WORDS.get(text) or _RELATION_LABELS.get(text) or text


_RELATION_LABELS = {part: code for code, label in enums.Relation.choices() for part in (label, *label.split("/"))}


class FileChecker(SheetChecker):
    kind = "files"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        local = require_initialised(self.session)
        # The session's identity map holds objects weakly: keep the ones every household's check reads
        # (local unit, its meta row, the unions), or each check would load them again.
        self.pinned = [local, self.session.get(Meta, LOCAL_UNIT_KEY),
                       *self.session.exec(select(OrgUnit).where(OrgUnit.active.is_(True)))]
        self.region = local.region_code or local.code
        self.line = registry.subsistence_line(self.session, self.region, self.today.year)
        self.units = {cells.compact_text(u.name): u.id for u in self.session.exec(
            select(OrgUnit).where(OrgUnit.active.is_(True), OrgUnit.level == "grassroots"))}

    # --- grouping -----------------------------------------------------------------------------------

    def households(self, rows: list[tuple[int, list[Any]]]) -> list[tuple[Record, list[tuple[int, list[Any]]]]]:
        out: list[tuple[Record, list[tuple[int, list[Any]]]]] = []
        for n, row in rows:
            relation = _relation(self.text(row, "relation")) if self.has("relation") else None
            if relation is None:
                out.append((Record((n,), self.text(row, "name")), [(n, row)]))
            elif not out:
                record = Record((n,), self.text(row, "name"))
                self.issue(record, n, "relation", "家庭成员行上方没有职工（户主）行：请把家庭成员放在所属职工的下方")
                out.append((record, []))
            else:
                record, group = out[-1]
                group.append((n, row))
                record.rows = (*record.rows, n)
            self.controls(out[-1][0], n, row)
        return out

    # --- one household ------------------------------------------------------------------------------

    def _money(self, record: Record, n: int, row: list[Any], key: str) -> int | object:
        label = self.column_label(key)
        value = self.read(record, n, row, key, cells.amount_fen, label)
        return 0 if value is None else value

    def column_label(self, key: str) -> str:
        from assist_desktop.services.ledger.mapping import spec

        return spec(self.kind, key).label

    def _member(self, record: Record, n: int, row: list[Any], index: int) -> registry.MemberInput | object:
        who_ = f"第{index}名家庭成员"
        name = self.name(record, n, row, "name", who_)
        id_number = self.read(record, n, row, "id_number", cells.id_text, "身份证号")
        income = self._money(record, n, row, "monthly_income")
        admission = self.read(record, n, row, "admission_year", cells.year_value, "入学年份", today=self.today)
        years = self.read(record, n, row, "study_years", cells.int_value, "学制", unit="年")
        if FAIL in (name, id_number, income, admission, years):
            return FAIL
        values = {k: _enum_text(k, self.text(row, k)) for k in MEMBER_ENUM_KEYS}
        return registry.MemberInput(
            name=name, relation=_relation(self.text(row, "relation")) or "", id_number=id_number or None,  # type: ignore[arg-type]
            monthly_income_fen=income, unit_or_school=self.text(row, "employer_name") or None,  # type: ignore[arg-type]
            admission_year=admission, study_years=years, **values)  # type: ignore[arg-type]

    def _file_input(self, record: Record, group: list[tuple[int, list[Any]]]) -> registry.FileInput | object:
        n, row = group[0]
        name = self.name(record, n, row, "name")
        id_number = self.read(record, n, row, "id_number", cells.id_text, "身份证号")
        money = {k: self._money(record, n, row, k) for k in (
            "monthly_income", "other_annual_income", "medical_expenses", "schooling_expenses", "hardship_costs")}
        annual = self.read(record, n, row, "annual_income", cells.amount_fen, "家庭年收入")
        per_capita = self.read(record, n, row, "per_capita", cells.amount_fen, "月人均收入")
        size = self.read(record, n, row, "household_size", cells.int_value, "家庭人口", unit="人")
        opened = self.read(record, n, row, "opened_on", cells.date_value, "建档日期", today=self.today)
        category = self.read(record, n, row, "category", lambda v: _category(cells.text(v)) if cells.text(v) else None)
        primary = self.read(record, n, row, "primary_cause",
                            lambda v: _cause(cells.text(v), "主要致困原因") if cells.text(v) else None)
        secondary = self.read(record, n, row, "secondary_causes", lambda v: _causes(cells.text(v), "次要致困原因"))
        members = [self._member(record, m, r, i) for i, (m, r) in enumerate(group[1:], start=1)]
        unit_id = self._unit(record, n, row)
        disaster = self.read(record, n, row, "disaster_or_accident", cells.flag, "遭受灾害或意外")
        values = [name, id_number, annual, per_capita, size, opened, category, primary, secondary, unit_id, disaster,
                  *money.values(), *members]
        if any(v is FAIL for v in values):
            return FAIL
        size_now = 1 + len(members)
        if size is not None and size != size_now:
            listed = f"职工本人和{len(members)}名家庭成员" if members else "职工本人，没有列出家庭成员"
            self.issue(record, n, "household_size",
                       f"家庭人口填写为{size}人，但台账中只登记了{listed}：请在职工所在行下方逐行列出家庭成员"
                       "（“与户主关系”列填写配偶、儿子等），或核对家庭人口")
            return FAIL
        member_monthly = sum(m.monthly_income_fen for m in members)  # type: ignore[union-attr]
        rigid = money["medical_expenses"] + money["schooling_expenses"]  # type: ignore[operator]
        other = money["other_annual_income"]
        if not self.has("other_annual_income") or not other:
            if annual is None and per_capita is not None:  # only the per-capita figure: rebuild the year's income
                annual = per_capita * 12 * size_now + rigid
            if annual is not None:
                other = annual - 12 * (money["monthly_income"] + member_monthly)  # type: ignore[operator]
                if other < 0:
                    self.issue(record, n, "annual_income",
                               f"家庭年收入{format_amount(annual)}元小于本人和家庭成员月收入合计的12倍"
                               f"（{format_amount(annual - other)}元），请核对")
                    return FAIL
        self.context.setdefault("per_capita", {})[n] = per_capita
        reason = self.text(row, "category_override_reason") or self.options.category_reason
        data = registry.FileInput(
            name=name, id_number=id_number, phone=self.text(row, "phone"), address=self.text(row, "address"),  # type: ignore[arg-type]
            employer_name=self.text(row, "employer_name"), unit_id=unit_id, primary_cause=primary,  # type: ignore[arg-type]
            secondary_causes=secondary, members=members,  # type: ignore[arg-type]
            worker_monthly_income_fen=money["monthly_income"], other_annual_income_fen=other,  # type: ignore[arg-type]
            medical_expenses_fen=money["medical_expenses"], schooling_expenses_fen=money["schooling_expenses"],  # type: ignore[arg-type]
            hardship_costs_fen=money["hardship_costs"], disaster_or_accident=bool(disaster), category=category, category_override_reason=reason,  # type: ignore[arg-type]
            file_origin=_enum_text("file_origin", self.text(row, "file_origin")) or "carried",  # type: ignore[arg-type]
            ethnicity=self.text(row, "ethnicity") or "汉族",
            bank_name=self.text(row, "bank_name") or None, bank_branch=self.text(row, "bank_branch") or None,
            bank_account=cells.compact_text(self.text(row, "bank_account")) or None,
            **{k: _enum_text(k, self.text(row, k)) for k in FILE_ENUM_KEYS if k != "file_origin"},  # type: ignore[arg-type]
        )
        record.payload = {"opened_on": opened}
        return data

    def _unit(self, record: Record, n: int, row: list[Any]) -> str | object:
        name = cells.compact_text(self.text(row, "union"))
        if name:
            unit_id = self.units.get(name)
            if unit_id is None:
                self.issue(record, n, "union", f"所属工会“{name}”不是本单位登记的基层工会，请核对名称或先在系统中添加该工会")
                return FAIL
            return unit_id
        if self.options.unit_id:
            return self.options.unit_id
        self.issue(record, n, "union", "没有所属工会：请在“所属工会”列填写基层工会名称，或在导入时选择默认的所属工会")
        return FAIL

    def _registry_error(self, record: Record, exc: DomainError) -> None:
        rows = record.rows
        row = rows[0]
        m = _MEMBER_PREFIX.match(exc.message)
        if m and int(m.group(1)) < len(rows):
            row = rows[int(m.group(1))]
        field = exc.field or ""
        key = ERROR_FIELDS.get(field) or ("monthly_income" if field.endswith("月收入") else None)
        self.issue(record, row, key, exc.message)

    def _consistency(self, record: Record, group: list[tuple[int, list[Any]]], checked: registry.CheckedFile) -> bool:
        ok = True
        people = [(group[0], checked.row)] + list(zip(group[1:], checked.members))
        for (n, row), person in people:
            sex_text = self.text(row, "sex")
            if sex_text and person.get("sex"):
                typed = {"男": "male", "女": "female", "男性": "male", "女性": "female"}.get(sex_text)
                if typed is None:
                    self.issue(record, n, "sex", f"性别“{sex_text}”应为男或女")
                    ok = False
                elif typed != person["sex"]:
                    self.issue(record, n, "sex", f"性别填写为“{sex_text}”，但身份证号第17位表示{Sex(person['sex']).label}性，"
                                                 "请核对性别或身份证号")
                    ok = False
            born = self.read(record, n, row, "birth_date", cells.date_value, "出生日期", today=self.today)
            if born is FAIL:
                ok = False
            elif born and person.get("birth_date") and born != person["birth_date"]:
                self.issue(record, n, "birth_date", f"出生日期{born:%Y-%m-%d}与身份证号中的{person['birth_date']:%Y-%m-%d}"
                                                    "不一致，请核对")
                ok = False
        typed_pc = self.context.get("per_capita", {}).get(group[0][0])
        if ok and typed_pc is not None and abs(typed_pc - checked.figures.per_capita_fen) > 100:
            self.issue(record, group[0][0], "per_capita",
                       f"台账月人均收入{format_amount(typed_pc)}元，按公式计算为{format_amount(checked.figures.per_capita_fen)}元"
                       "（以计算结果为准）", WARNING)
        if ok and checked.category_override_reason:
            self.issue(record, group[0][0], "category",
                       f"按公式测算为“{_label(checked.figures.proposed)}”，按台账定为“{HardshipCategory(checked.category).label}”，"
                       f"调整理由：{checked.category_override_reason}", WARNING)
        return ok

    # --- the sheet ----------------------------------------------------------------------------------

    def check(self, rows: list[tuple[int, list[Any]]], progress: Callable[[int, int], None] | None,
              cancelled: Callable[[], bool] | None) -> list[Record]:
        households = self.households(rows)
        total = len(households)
        seen: dict[str, tuple[int, str]] = {}
        records = []
        for done, (record, group) in enumerate(households, start=1):
            if done % 200 == 0:
                tick(done, total, progress, cancelled)
            records.append(record)
            if not group or record.errors:
                record.payload = None
                continue
            data = self._file_input(record, group)
            if data is FAIL:
                record.payload = None
                continue
            try:
                checked = registry.check_file(self.session, data, today=self.today, line_fen=self.line,  # type: ignore[arg-type]
                                              duplicates=False)
            except DomainError as exc:
                self._registry_error(record, exc)
                record.payload = None
                continue
            if not self._consistency(record, group, checked):
                record.payload = None
                continue
            record.name = checked.row["name"]
            # the same person twice in the sheet
            people = [(group[0][0], checked.row["id_number"], checked.row["name"])]
            people += [(n, m["id_number"], m["name"]) for (n, _), m in zip(group[1:], checked.members) if m["id_number"]]
            clash = False
            for n, number, name in people:
                if number in seen:
                    first_row, first_name = seen[number]
                    self.duplicate(record, n, "id_number", who(name, number), f"第{first_row}行",
                                   in_database=False, message=f"{who(name, number)}与第{first_row}行的{first_name}"
                                   "身份证号相同，同一人只能登记在一个档案中")
                    clash = True
                else:
                    seen[number] = (n, name)
            if clash:
                record.payload = None
                continue
            record.payload = {**(record.payload or {}), "checked": checked, "unit_id": data.unit_id,  # type: ignore[union-attr]
                              "people": people}
        tick(total, total, progress, None)
        self._database_duplicates(records)
        return records

    def _database_duplicates(self, records: list[Record]) -> None:
        by_number = {number: (record, n, name) for record in records if record.payload
                     for n, number, name in record.payload["people"]}
        for number, file_no, role in conflicts(self.session, list(by_number)):
            record, n, name = by_number[number]
            self.duplicate(record, n, "id_number", who(name, number), f"档案 {file_no} 的{role}", in_database=True,
                           message=f"{who(name, number)}已是档案 {file_no} 的{role}，一人只能在一个未撤档的档案中登记")
            record.payload = None


def conflicts(session: Any, numbers: list[str]) -> list[tuple[str, str, str]]:
    """``registry.find_conflicts`` in chunks (SQLite limits the parameters of one statement)."""
    out = []
    for start in range(0, len(numbers), 500):
        out += registry.find_conflicts(session, numbers[start:start + 500], None)
    return out


def _label(category: HardshipCategory | None) -> str:
    return category.label if category else "不符合任一类别"

