"""Checking a ledger of hardship files, in the shapes county unions keep them:

- one row per household with 家庭人口 and the household's income and no member rows: the file keeps the
  declared size and income as stated, its category computed from them, marked 成员待补录;
- members on the rows below their worker (``与户主关系`` says who they are);
- members in columns beside the worker (家庭成员情况 over 姓名 / 关系 / 身份证号), one per row beside
  vertically merged worker cells, or blocks of columns repeated across the row.

Every household goes through ``registry.check_file`` — the rules of ``create_file`` — with every problem of a
row reported at once; words the program cannot read are listed once with the rows using them; duplicates
within the workbook and against the registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import HardshipCategory
from assist_desktop.domain.ids import Sex
from assist_desktop.domain.money import format_amount
from assist_desktop.services import registry
from assist_desktop.services.ledger import cells, words
from assist_desktop.services.ledger.checks import FAIL, SheetChecker, tick, who
from assist_desktop.services.ledger.mapping import MEMBER_KEYS, spec
from assist_desktop.services.ledger.model import INFO, WARNING, Record
from assist_desktop.services.ledger.unions import UnionMatcher
from assist_desktop.services.setup import LOCAL_UNIT_KEY, require_initialised
from assist_desktop.storage.models import Meta, OrgUnit

FILE_ENUM_KEYS = ("political_status", "health", "work_status", "marital_status", "hukou_type", "file_type",
                  "file_origin", "medical_insurance", "housing_type")
MEMBER_ENUM_KEYS = ("identity", "health", "medical_insurance", "political_status")
# a member's fields in the member-row layout (the worker's columns) and in a block of member columns
MEMBER_FIELDS = {"name": "member_name", "relation": "member_relation", "id_number": "member_id_number",
                 "sex": "member_sex", "birth_date": "member_birth_date", "monthly_income": "member_income",
                 "identity": "member_identity", "employer_name": "member_employer",
                 "education_level": "member_education", "health": "member_health"}
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
    "所属工会": "union", "家庭月人均收入": "per_capita", "家庭人口": "household_size", "家庭年收入": "annual_income",
    "建档时间": "opened_on", "原档案编号": "former_file_no", "住房类型": "housing_type", "邮政编码": "postal_code",
    "户口所在地": "hukou_region_code", "参加工作时间": "work_start_date", "其他联系方式": "other_contact",
    "劳模类型": "model_worker_type",
}
_MEMBER_PREFIX = re.compile(r"^第(\d+)名家庭成员")
_LABELS = {"monthly_income": "月收入", "other_annual_income": "家庭其他年收入", "medical_expenses": "医疗支出",
           "schooling_expenses": "教育支出", "hardship_costs": "致困支出"}
_MASKED = re.compile(r"^\d{2,6}\*{4,}[\dXx]{0,4}$")


def _household_rows(checker: FileChecker, rows: list[tuple[int, list[Any]]]) -> list[tuple[Record, list[tuple]]]:
    """Group the rows into households: [(record, [(row number, cells, block or None, is the worker)])]."""
    out: list[tuple[Record, list[tuple]]] = []
    blocks = checker.blocks
    for n, row in rows:
        worker_blank = not checker.text(row, "name") and not checker.text(row, "id_number")
        members_here = [b for b in range(len(blocks)) if checker.block_text(row, b, "member_name")]
        if worker_blank and members_here and out:
            # a member on a row beside the worker's vertically merged cells
            record, group = out[-1]
            group += [(n, row, b, False) for b in members_here]
            record.rows = (*record.rows, n)
            continue
        word = checker.text(row, "relation") if checker.has("relation") else ""
        relation: str | None | object = None
        if word:
            try:
                relation = words.relation(word, checker.value_map)
            except words.Unknown:
                relation = FAIL  # an unknown word below a worker: a member (the word is reported with it)
        if relation in (None, words.SELF) or (relation is FAIL and not out):
            record = checker.record((n,), checker.text(row, "name"))
            out.append((record, [(n, row, None, True)] + [(n, row, b, False) for b in members_here]))
        elif not out:
            record = checker.record((n,), checker.text(row, "name"))
            checker.issue(record, n, "relation", "家庭成员行上方没有职工（户主）行：请把家庭成员放在所属职工的下方")
            out.append((record, []))
        else:
            record, group = out[-1]
            group.append((n, row, None, False))
            record.rows = (*record.rows, n)
    return out


class FileChecker(SheetChecker):
    kind = "files"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        local = require_initialised(self.session)
        # The session's identity map holds objects weakly: keep the ones every household's check reads
        # (local unit, its meta row, the unions), or each check would load them again.
        self.pinned = [local, self.session.get(Meta, LOCAL_UNIT_KEY),
                       *self.session.exec(select(OrgUnit).where(OrgUnit.active.is_(True)))]
        self.local = local
        self.union_ids = frozenset(self.unions_ids_of())
        self.region = local.region_code or local.code
        self.line = registry.subsistence_line(self.session, self.region, self.today.year)
        self.unions = UnionMatcher([(u.id, u.name) for u in self.session.exec(
            select(OrgUnit).where(OrgUnit.active.is_(True), OrgUnit.level == "grassroots"))], local.name)
        self.seen: dict[str, tuple[int, str, str]] = {}
        self.pending_rows: list[tuple[str, int]] = []
        self.blocks: list[dict[str, int]] = []
        self.source_name = "导入的台账"
        self.no_union: dict[str, list[tuple[str, int]]] = {}

    def unions_ids_of(self) -> list[str]:
        return [u.id for u in self.pinned[2:] if u.level == "grassroots"]

    def use_sheet(self, name: str, guess: Any) -> None:
        super().use_sheet(name, guess)
        # blocks of member columns: a new block starts where a member field comes round again
        blocks: list[dict[str, int]] = []
        for col, key in sorted(guess.mapping.items()):
            if key in MEMBER_KEYS:
                if not blocks or key in blocks[-1]:
                    blocks.append({})
                blocks[-1][key] = col
        self.blocks = [b for b in blocks if "member_name" in b]

    # --- cells of a member: in the member-row layout or in a block of columns ----------------------

    def block_text(self, row: list[Any], block: int, key: str) -> str:
        col = self.blocks[block].get(key)
        return cells.text(row[col]) if col is not None and col < len(row) else ""

    def _getter(self, row: list[Any], block: int | None) -> Callable[[str], Any]:
        if block is None:
            return lambda key: self.raw(row, key)
        cols = self.blocks[block]

        def get(key: str) -> Any:
            col = cols.get(MEMBER_FIELDS.get(key, key))
            return row[col] if col is not None and col < len(row) else None
        return get

    def _column(self, key: str, block: int | None) -> str | None:
        """The column a message about a member's ``key`` names (None: the field's own column)."""
        if block is None:
            return None
        col = self.blocks[block].get(MEMBER_FIELDS.get(key, key))
        return self.guess.column_name(col) if col is not None else f"“{spec(self.kind, MEMBER_FIELDS.get(key, key)).label}”"

    # --- one household ------------------------------------------------------------------------------

    def _read(self, record: Record, n: int, get: Callable[[str], Any], key: str, convert: Callable[..., Any],
              *args: Any, block: int | None = None, **kwargs: Any) -> Any:
        try:
            return convert(get(key), *args, **kwargs)
        except DomainError as exc:
            self.issue(record, n, key, exc.message, column=self._column(key, block))
            return FAIL

    def _id(self, record: Record, n: int, get: Callable[[str], Any], key: str, who_: str,
            block: int | None = None) -> str | object:
        """An ID as typed; a 15-digit one converted to 18 (said so); a masked one (6101**********1234) refused."""
        raw = self._read(record, n, get, key, cells.id_text, f"{who_}身份证号", block=block)
        if raw is FAIL or not raw:
            return raw
        if _MASKED.match(raw):
            self.issue(record, n, key, f"{who_}身份证号“{raw}”是脱敏后的号码，不能导入：请用含完整身份证号的台账",
                       column=self._column(key, block))
            return FAIL
        converted = cells.id_15_to_18(raw)
        if converted:
            from assist_desktop.domain.ids import parse_id_number

            try:
                parse_id_number(converted, today=self.today)
            except DomainError as exc:
                self.issue(record, n, key, f"{who_}身份证号“{raw}”是15位，按旧号码规则升为18位后无效（{exc.message}）："
                           "请核对号码或填写18位号码", column=self._column(key, block))
                return FAIL
            self.issue(record, n, key, f"{who_}身份证号“{raw}”是15位旧号码，已按国家标准升为18位：{converted}", WARNING,
                       column=self._column(key, block))
            return converted
        return raw

    def _money(self, record: Record, n: int, row: list[Any], key: str) -> int | object:
        if key not in self.cols:
            return 0
        value = self.read(record, n, row, key, cells.amount_words_fen, _LABELS[key])
        return 0 if value is None else value

    def _enum(self, record: Record, n: int, get: Callable[[str], Any], key: str,
              block: int | None = None) -> str | None | object:
        if block is None and key not in self.cols:  # a column the ledger does not have (most of them)
            return None
        word = cells.text(get(key))
        if not word:
            return None
        try:
            return words.enum_code(key, word, self.value_map)
        except words.Unknown:
            self.unknown_value(record, n, key, words.key(word), column=self._column(key, block))
            return FAIL

    def _member(self, record: Record, n: int, row: list[Any], block: int | None,
                index: int) -> tuple[registry.MemberInput | object, dict[str, Any]]:
        get = self._getter(row, block)
        who_ = f"第{index}名家庭成员"
        key_name = "name"
        raw_name = cells.text(get(key_name))
        name = self._name(record, n, raw_name, key_name, who_, block)
        id_number = self._id(record, n, get, "id_number", who_, block)
        income = self._read(record, n, get, "monthly_income", cells.amount_words_fen, f"{who_}月收入", block=block)
        admission = self._read(record, n, get, "admission_year", cells.year_value, "入学年份", today=self.today,
                               block=block) if block is None else None
        years = self._read(record, n, get, "study_years", cells.int_value, "学制", unit="年",
                           block=block) if block is None else None
        relation_word = cells.text(get("relation"))
        relation: Any = None
        try:
            relation = words.relation(relation_word, self.value_map) if relation_word else None
        except words.Unknown:
            self.unknown_value(record, n, "relation", words.key(relation_word), column=self._column("relation", block))
            relation = FAIL
        values = {k: self._enum(record, n, get, k, block) for k in MEMBER_ENUM_KEYS}
        education_word = cells.text(get("education_level"))
        try:
            education = words.education(education_word, self.value_map) if education_word else None
        except words.Unknown:
            self.unknown_value(record, n, "education_level", words.key(education_word),
                               column=self._column("education_level", block))
            education = FAIL
        extra = {"sex": cells.text(get("sex")), "birth": get("birth_date"), "block": block}
        if FAIL in (name, id_number, income, admission, years, relation, education, *values.values()):
            return FAIL, extra
        return registry.MemberInput(
            name=name, relation=relation or "", id_number=id_number or None,  # type: ignore[arg-type]
            monthly_income_fen=income or 0, unit_or_school=cells.text(get("employer_name")) or None,  # type: ignore[arg-type]
            education_level=education, admission_year=admission, study_years=years, **values), extra  # type: ignore[arg-type]

    def _name(self, record: Record, n: int, raw: str, key: str, who_: str, block: int | None) -> str | object:
        from assist_desktop.domain.names import normalise_name
        from assist_desktop.services.ledger.checks import _CJK_GAP

        try:
            name = normalise_name(_CJK_GAP.sub("", raw))
        except DomainError as exc:
            self.issue(record, n, key, f"{who_}{exc.message}", column=self._column(key, block))
            return FAIL
        simple = cells.simplified(name)
        if simple != name:
            self.issue(record, n, key, f"{who_}姓名“{name}”含繁体字，已转为简体“{simple}”", WARNING,
                       column=self._column(key, block))
        return simple

    def _phone(self, record: Record, n: int, row: list[Any]) -> tuple[str, str | None]:
        """(mobile, landline): a missing mobile or a landline is a warning, not a refusal."""
        from assist_desktop.domain.contact import InvalidContact, parse_mobile

        raw = self.text(row, "phone")
        if not raw:
            self.issue(record, n, "phone", "没有手机号码：已导入，请在档案中补填（建档时手机号码为必填项）", WARNING)
            return "", None
        try:
            return parse_mobile(raw), None
        except InvalidContact:
            pass
        fixed = cells.landline(raw)
        if fixed:
            self.issue(record, n, "phone", f"联系电话“{raw}”是固定电话，已记入“其他联系方式”；请在档案中补填手机号码",
                       WARNING)
            return "", fixed
        return raw, None  # the registry's message names what is wrong with it

    def _unit(self, record: Record, n: int, row: list[Any]) -> str | object:
        word = self.text(row, "union")
        if word:
            match = self.unions.find(word, self.value_map.get("union"))
            if match is None:
                self.unknown_value(record, n, "union", cells.compact_text(word))
                return FAIL
            if not match.exact:
                self.matched_value(record, n, "union", cells.compact_text(word), match.name)
            return match.unit_id
        if self.sheet_unit:
            return self.sheet_unit
        if self.options.unit_id:
            return self.options.unit_id
        # one line for the sheet, not one per row: the answer is one choice (a union column, or --unit)
        record.errors += 1
        self.failed.add("union")
        self.no_union.setdefault(record.sheet, []).append((record.sheet, n))
        return FAIL

    def _file_input(self, record: Record, group: list[tuple]) -> registry.FileInput | object:
        n, row, _, _ = group[0]
        get = self._getter(row, None)
        name = self._name(record, n, self.text(row, "name"), "name", "", None)
        id_number = self._id(record, n, get, "id_number", "")
        money = {k: self._money(record, n, row, k) for k in (
            "monthly_income", "other_annual_income", "medical_expenses", "schooling_expenses", "hardship_costs")}
        annual = self.read(record, n, row, "annual_income", cells.amount_words_fen, "家庭年收入")
        per_capita = self.read(record, n, row, "per_capita", cells.amount_words_fen, "月人均收入")
        per_year = self.read(record, n, row, "per_capita_annual", cells.amount_words_fen, "家庭年人均收入")
        size = self.read(record, n, row, "household_size", cells.int_value, "家庭人口", unit="人")
        opened = self.read(record, n, row, "opened_on", cells.month_or_date, "建档时间", today=self.today)
        started = self.read(record, n, row, "work_start_date", cells.month_or_date, "参加工作时间", today=self.today)
        category: Any = None
        category_word = self.text(row, "category")
        if category_word:
            try:
                category = words.category(category_word, self.value_map)
            except words.Unknown:
                self.unknown_value(record, n, "category", words.key(category_word))
                category = FAIL
        causes: Any = []
        for key in ("primary_cause", "secondary_causes"):
            word = self.text(row, key)
            if not word:
                continue
            try:
                causes += [c for c in words.causes(word, self.value_map, key) if c not in causes]
            except words.Unknown as exc:
                self.unknown_value(record, n, key, words.key(str(exc)))
                causes = FAIL
                break
        file_enums = {k: self._enum(record, n, get, k) for k in FILE_ENUM_KEYS}
        model_worker = self.text(row, "model_worker_type")
        model = {"全国劳模": "national", "省部级劳模": "provincial", "地市级劳模": "municipal", "否": "none",
                 "无": "none", "非劳模": "none", "": "none"}.get(cells.compact_text(model_worker), model_worker)
        flags = {k: self.read(record, n, row, k, cells.flag, spec(self.kind, k).label)
                 for k in ("disaster_or_accident", "single_parent", "zero_employment")}
        account = self.read(record, n, row, "bank_account", cells.account_text, "银行卡号")
        members = []
        extras = [{"sex": self.text(row, "sex"), "birth": self.raw(row, "birth_date"), "block": None}]
        index = 0
        for m, mrow, block, is_worker in group[1:]:
            if block is not None and words.key(cells.text(self._getter(mrow, block)("relation"))) in ("本人", "户主"):
                continue  # the worker listed again in the member columns
            index += 1
            member, extra = self._member(record, m, mrow, block, index)
            members.append((m, member, extra))
        unit_id = self._unit(record, n, row)
        phone, landline = self._phone(record, n, row)
        hukou = self.text(row, "hukou_region_code")
        if hukou and not re.fullmatch(r"\d{6}", cells.compact_text(hukou)):
            self.issue(record, n, "hukou_region_code", f"户口所在地“{hukou}”不是6位行政区划代码，未导入", WARNING)
            hukou = ""
        values = [name, id_number, annual, per_capita, per_year, size, opened, started, category, causes, unit_id,
                  account, *flags.values(), *money.values(), *file_enums.values(), *(m for _, m, _ in members)]
        if per_year not in (None, FAIL) and per_capita is None:
            per_capita = (per_year + 6) // 12  # 家庭年人均收入 → a month's, to the fen
        listed = 1 + len(members)
        if size not in (None, FAIL) and size < listed:  # type: ignore[operator]
            self.issue(record, n, "household_size", f"家庭人口填写为{size}人，但台账中登记了职工本人和{len(members)}名家庭成员"
                                                    f"共{listed}人，请核对家庭人口或家庭成员")
        pending = size not in (None, FAIL) and size > listed  # type: ignore[operator]
        rigid = sum(money[k] for k in ("medical_expenses", "schooling_expenses") if money[k] is not FAIL)  # type: ignore[misc]
        declared_annual = None
        other = money["other_annual_income"]
        if pending:
            if annual not in (None, FAIL):
                declared_annual = annual
            elif per_capita not in (None, FAIL):
                declared_annual = per_capita * 12 * size + rigid  # type: ignore[operator]
        elif (not self.has("other_annual_income") or not other) and FAIL not in (annual, per_capita, *money.values(),
                                                                                 *(m for _, m, _ in members)):
            if annual is None and per_capita is not None:  # only the per-capita figure: rebuild the year's income
                annual = per_capita * 12 * listed + rigid
            if annual is not None:
                member_monthly = sum(m.monthly_income_fen for _, m, _ in members)  # type: ignore[union-attr]
                other = annual - 12 * (money["monthly_income"] + member_monthly)  # type: ignore[operator]
                if other < 0:
                    self.issue(record, n, "annual_income",
                               f"家庭年收入{format_amount(annual)}元小于本人和家庭成员月收入合计的12倍"
                               f"（{format_amount(annual - other)}元），请核对")
        self.context.setdefault("per_capita", {})[(record.sheet, n)] = per_capita if per_capita is not FAIL else None
        # a historic ledger's category was judged against its year's line: kept, the ledger named as the reason
        reason = (self.text(row, "category_override_reason") or self.options.category_reason
                  or (f"按原台账认定（{self.source_name}）" if category not in (None, FAIL) else None))
        record.pending_members = bool(pending)
        passed = [(m, e) for m, member, e in members if member is not FAIL]
        extras += [e for _, e in passed]
        record.payload = {"opened_on": opened[0] if isinstance(opened, tuple) else None, "extras": extras,
                          "member_rows": [m for m, _ in passed], "blocks": [e["block"] for _, e in passed]}

        def ok(value: Any, default: Any) -> Any:
            return default if value is FAIL else value

        data = registry.FileInput(
            name=ok(name, "？"), id_number=ok(id_number, "") or "", phone=phone, address=self.text(row, "address"),
            employer_name=self.text(row, "employer_name"), unit_id=ok(unit_id, ""),
            primary_cause=(causes[0] if causes not in (FAIL, []) else None),  # type: ignore[index]
            secondary_causes=tuple(causes[1:]) if causes not in (FAIL, []) else (),  # type: ignore[index]
            members=[m for _, m, _ in members if m is not FAIL],  # type: ignore[misc]
            worker_monthly_income_fen=ok(money["monthly_income"], 0), other_annual_income_fen=max(0, ok(other, 0)),
            medical_expenses_fen=ok(money["medical_expenses"], 0),
            schooling_expenses_fen=ok(money["schooling_expenses"], 0),
            hardship_costs_fen=ok(money["hardship_costs"], 0), disaster_or_accident=bool(ok(flags["disaster_or_accident"], False)),
            single_parent=bool(ok(flags["single_parent"], False)), zero_employment=bool(ok(flags["zero_employment"], False)),
            category=ok(category, None), category_override_reason=reason,
            file_origin=ok(file_enums["file_origin"], None) or "carried",
            ethnicity=self.text(row, "ethnicity") or "汉族",
            bank_name=self.text(row, "bank_name") or None, bank_branch=self.text(row, "bank_branch") or None,
            bank_account=ok(account, None) or None, other_contact=landline or self.text(row, "other_contact") or None,
            postal_code=cells.compact_text(self.text(row, "postal_code")) or None,
            hukou_region_code=cells.compact_text(hukou) or None, model_worker_type=model or "none",
            work_start_date=started[0] if isinstance(started, tuple) else None,
            is_migrant_worker=file_enums["file_type"] == "migrant_worker",
            declared_household_size=size if pending else None, declared_annual_income_fen=declared_annual,
            filed_on=opened[0] if isinstance(opened, tuple) else None,
            former_file_no=self.text(row, "former_file_no") or None,
            **{k: ok(file_enums[k], None) for k in FILE_ENUM_KEYS if k != "file_origin"},
        )
        if any(v is FAIL for v in values):
            record.payload["input"] = data
            return FAIL
        return data

    def _registry_errors(self, record: Record, exc: DomainError) -> None:
        """The registry's messages, each at its row and column; fields the row's own checks already named
        are left out (one message per problem)."""
        errors = exc.errors if isinstance(exc, registry.FileErrors) else [exc]
        member_rows = record.payload["member_rows"] if record.payload else []
        blocks = record.payload["blocks"] if record.payload else []
        for error in errors:
            row = record.rows[0]
            field = error.field or ""
            key = ERROR_FIELDS.get(field) or ("monthly_income" if field.endswith("月收入") else None)
            block = None
            m = _MEMBER_PREFIX.match(error.message)
            if m and int(m.group(1)) <= len(member_rows):
                index = int(m.group(1))
                row, block = member_rows[index - 1], blocks[index - 1]
                if field.endswith("月收入"):
                    key = "monthly_income"
            elif key in self.failed or (key == "category" and self.failed):
                continue  # said already; the category is judged once the row's own problems are put right
            self.issue(record, row, key, error.message, column=self._column(key, block) if key else None)

    def _consistency(self, record: Record, group: list[tuple], checked: registry.CheckedFile) -> None:
        extras = record.payload["extras"]  # type: ignore[index]
        rows = [group[0][0]] + record.payload["member_rows"]  # type: ignore[index]
        self.failed = set()
        people = [checked.row] + list(checked.members)
        for n, extra, person in zip(rows, extras, people):
            block = extra["block"]
            sex_key, birth_key = "sex", "birth_date"
            sex_text = extra["sex"]
            if sex_text and person.get("sex"):
                typed = {"男": "male", "女": "female", "男性": "male", "女性": "female"}.get(sex_text)
                if typed is None:
                    self.issue(record, n, sex_key, f"性别“{sex_text}”应为男或女", column=self._column(sex_key, block))
                elif typed != person["sex"]:
                    self.issue(record, n, sex_key, f"性别填写为“{sex_text}”，但身份证号第17位表示{Sex(person['sex']).label}性，"
                                                   "请核对性别或身份证号", column=self._column(sex_key, block))
            raw_birth = extra["birth"]
            if raw_birth is None or cells.is_blank(raw_birth) or not person.get("birth_date"):
                continue
            try:
                found = cells.month_or_date(raw_birth, "出生日期", today=self.today)
            except DomainError as exc:
                self.issue(record, n, birth_key, exc.message, column=self._column(birth_key, block))
                continue
            if found is None:
                continue
            born, month_only = found
            real = person["birth_date"]
            if month_only:
                if (born.year, born.month) != (real.year, real.month) and not cells.birth_month_matches(raw_birth, real):
                    self.issue(record, n, birth_key, f"出生年月{born:%Y年%m月}与身份证号中的{real:%Y年%m月}不一致，请核对",
                               column=self._column(birth_key, block))
            elif born != real:
                self.issue(record, n, birth_key, f"出生日期{born:%Y-%m-%d}与身份证号中的{real:%Y-%m-%d}不一致，请核对",
                           column=self._column(birth_key, block))
        if record.errors:
            return
        typed_pc = self.context.get("per_capita", {}).get((record.sheet, group[0][0]))
        if typed_pc is not None and abs(typed_pc - checked.figures.per_capita_fen) > 100:
            self.issue(record, group[0][0], "per_capita",
                       f"台账月人均收入{format_amount(typed_pc)}元，按公式计算为{format_amount(checked.figures.per_capita_fen)}元"
                       "（以计算结果为准）", WARNING)
        if checked.category_override_reason:
            self.issue(record, group[0][0], "category",
                       f"按公式测算为“{_label(checked.figures.proposed)}”，按台账定为“{HardshipCategory(checked.category).label}”，"
                       f"调整理由：{checked.category_override_reason}", WARNING)

    # --- the sheet ----------------------------------------------------------------------------------

    def issue(self, record: Record | None, row: int, key: str | None, message: str, level: str = "error", *,
              column: str | None = None) -> None:
        if level == "error" and key:
            self.failed.add(key)
        super().issue(record, row, key, message, level, column=column)

    def unknown_value(self, record: Record, row: int, field: str, word: str, *, column: str | None = None) -> None:
        self.failed.add(field)
        super().unknown_value(record, row, field, word, column=column)

    def check(self, rows: list[tuple[int, list[Any]]], progress: Callable[[int, int], None] | None,
              cancelled: Callable[[], bool] | None, *, done: int = 0, total: int | None = None) -> list[Record]:
        households = _household_rows(self, rows)
        total = total if total is not None else len(rows)
        fallback_unit = self.options.unit_id or next(iter(self.unions.by_id), "")
        records = []
        for record, group in households:
            done += len(record.rows)
            if done // 200 != (done - len(record.rows)) // 200:
                tick(done, total, progress, cancelled)
            records.append(record)
            if not group:
                record.payload = None
                continue
            self.failed: set[str] = set()
            for n, row in dict((entry[0], entry[1]) for entry in group).items():
                self.controls(record, n, row)  # control characters in any cell: the row's error, naming the column
            data = self._file_input(record, group)
            data_input = data if data is not FAIL else record.payload["input"]  # type: ignore[index]
            if not data_input.unit_id:  # the union's problem is said; the rest of the row is still checked
                from dataclasses import replace

                data_input = replace(data_input, unit_id=fallback_unit)
            try:
                checked = registry.check_file(self.session, data_input, today=self.today, line_fen=self.line,
                                              duplicates=False, all_errors=True, mobile_optional=True,
                                              local=self.local, known_units=self.union_ids)
            except DomainError as exc:
                self._registry_errors(record, exc)
                record.payload = None
                continue
            self._consistency(record, group, checked)
            if data is FAIL or record.errors:
                record.payload = None
                continue
            record.name = checked.row["name"]
            if record.pending_members:
                self.pending_rows.append((record.sheet, record.rows[0]))
            # the same person twice in the workbook
            people = [(group[0][0], checked.row["id_number"], checked.row["name"])]
            people += [(m, mem["id_number"], mem["name"]) for m, mem in zip(record.payload["member_rows"], checked.members)  # type: ignore[index]
                       if mem["id_number"]]
            clash = False
            for n, number, name in people:
                if number in self.seen:
                    first_row, first_name, first_sheet = self.seen[number]
                    where = f"第{first_row}行" if first_sheet == record.sheet else f"工作表“{first_sheet}”第{first_row}行"
                    self.duplicate(record, n, "id_number", who(name, number), where,
                                   in_database=False, message=f"{who(name, number)}与{where}的{first_name}"
                                   "身份证号相同，同一人只能登记在一个档案中")
                    clash = True
                else:
                    self.seen[number] = (n, name, record.sheet)
            if clash:
                record.payload = None
                continue
            record.payload = {"opened_on": record.payload["opened_on"], "checked": checked,  # type: ignore[index]
                              "unit_id": data.unit_id, "people": people}  # type: ignore[union-attr]
        return records

    def finish(self, records: list[Record], progress: Callable[[int, int], None] | None, total: int) -> None:
        tick(total, total, progress, None)
        self._database_duplicates(records)
        self.value_issues()
        from assist_desktop.services.ledger.checks import rows_text
        from assist_desktop.services.ledger.model import Issue

        for sheet, rows in self.no_union.items():
            self.issues.append(Issue(rows[0][1], self.column("union", sheet),
                                     f"没有所属工会（{rows_text(rows)}，共{len(rows)}户）：请在“所属工会”列填写基层工会名称，"
                                     "或在导入时选择默认的所属工会", "error", sheet))
        if self.pending_rows:
            self.issues.append(self._pending_note())

    def _pending_note(self) -> Any:
        from assist_desktop.services.ledger.checks import rows_text
        from assist_desktop.services.ledger.model import Issue

        sheet, first = self.pending_rows[0]
        return Issue(first, self.column("household_size", sheet),
                     f"{len(self.pending_rows)}户只列出了部分家庭成员或只有户主一行（{rows_text(self.pending_rows)}）："
                     "按台账的家庭人口和家庭收入测算类别，导入后标记“成员待补录”，请在档案中补录家庭成员", INFO, sheet)

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


__all__ = ["FileChecker", "conflicts", "date"]
