"""Which column holds what: the fields of each kind of ledger, their Chinese names and synonyms, and the
header row found even below a title row, in merged cells, or over two rows ("家长" over "姓名").

A caller (the import wizard) shows ``HeaderGuess.mapping`` and may correct it: a mapping is a plain
``{column index: field key or None}``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.ledger.reading import SheetData

KINDS = {"files": "困难职工档案", "scholarships": "金秋助学", "visits": "春节送温暖走访"}
HEADER_SCAN_ROWS = 30


class MappingError(DomainError):
    pass


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str  # the column name used in exports and messages
    synonyms: tuple[str, ...] = ()
    required: bool = False
    note: str = ""  # shown in the wizard's mapping list

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


def _f(key: str, label: str, synonyms: str = "", required: bool = False, note: str = "") -> FieldSpec:
    return FieldSpec(key, label, tuple(s for s in synonyms.split() if s), required, note)


IGNORED = "ignored"  # recognised, deliberately not imported (序号, 备注 …)

# A household's members in columns beside the worker's (家庭成员情况 over 姓名 / 关系 / 身份证号): one member
# per row beside vertically merged worker cells, or blocks repeated across (成员1 …, 成员2 …).
_MEMBER_PREFIXES = ("家庭成员", "成员", "家庭主要成员", "家属", "共同生活家庭成员", "家庭成员情况")
_MEMBER_BLOCK = (
    ("member_name", "家庭成员姓名", ("姓名", "名字"), "每一组成员列中的姓名"),
    ("member_relation", "家庭成员关系", ("关系", "与户主关系", "与职工关系", "与户主的关系", "与职工的关系", "称谓"), ""),
    ("member_id_number", "家庭成员身份证号", ("身份证号", "身份证号码", "公民身份号码", "身份证"), ""),
    ("member_sex", "家庭成员性别", ("性别",), ""),
    ("member_birth_date", "家庭成员出生日期", ("出生日期", "出生年月"), ""),
    ("member_income", "家庭成员月收入", ("月收入", "收入", "月平均收入"), ""),
    ("member_identity", "家庭成员身份", ("身份", "职业", "就业状况", "人员身份"), ""),
    ("member_employer", "家庭成员单位或学校", ("单位或学校", "工作单位", "就读学校", "单位", "学校"), ""),
    ("member_education", "家庭成员学历", ("学历", "当前学历", "文化程度"), ""),
    ("member_health", "家庭成员健康状况", ("健康状况", "身体状况"), ""),
)
MEMBER_KEYS = frozenset(k for k, *_ in _MEMBER_BLOCK)

FILE_FIELDS: tuple[FieldSpec, ...] = (
    _f("name", "姓名", "职工姓名 户主姓名 姓名（职工） 名字 申请人姓名 困难职工姓名", True),
    _f("relation", "与户主关系", "与职工关系 与户主的关系 与职工的关系 家庭关系 关系 关系（是户主的） 是户主的",
       note="本人/户主为职工，其余（配偶、儿子…）为其下家庭成员"),
    _f("id_number", "身份证号", "身份证号码 公民身份号码 公民身份证号码 身份证 证件号码 身份证件号码 职工身份证号 "
       "户主身份证号 职工身份证号码 户主身份证号码", True),
    _f("sex", "性别", note="与身份证号核对"),
    _f("birth_date", "出生日期", "出生年月 出生年月日", note="与身份证号核对（只填年月也可）"),
    _f("category", "困难类别", "帮扶类别 困难程度 困难类型 类别 困难职工类别"),
    _f("primary_cause", "主要致困原因", "致困原因 主要困难原因 困难原因 主要原因", True),
    _f("secondary_causes", "次要致困原因", "其他致困原因 次要原因"),
    _f("household_size", "家庭人口", "家庭人口数 家庭人数 人口 家庭成员数 共同生活人口 共同生活家庭成员人数",
       note="与登记的家庭成员人数核对"),
    _f("per_capita", "月人均收入", "家庭月人均收入 人均月收入 家庭人均月收入 月人均", note="与按公式计算的结果核对"),
    _f("per_capita_annual", "家庭年人均收入", "年人均收入 人均年收入 家庭人均年收入", note="按12个月折成月人均收入"),
    _f("annual_income", "家庭年收入", "家庭年总收入 家庭年度总收入 年收入 家庭总收入 家庭年收入合计"),
    _f("monthly_income", "月收入", "本人月收入 本人月平均收入 月平均收入 月工资 职工月收入 个人月收入"),
    _f("other_annual_income", "家庭其他年收入", "家庭其他非薪资年收入 其他年收入 非薪资收入 其他收入"),
    _f("medical_expenses", "医疗支出", "医疗费用 自付医疗费用 医疗自付费用 年医疗支出"),
    _f("schooling_expenses", "教育支出", "子女教育支出 教育费用 学费支出 就学支出"),
    _f("hardship_costs", "致困支出", "意外支出 灾害损失 灾害或意外支出"),
    _f("disaster_or_accident", "遭受灾害或意外", "是否遭受灾害或意外 遭受自然灾害或意外事故 灾害或意外"),
    _f("employer_name", "工作单位", "单位 所在单位 工作单位名称 单位名称 就业单位 单位或学校 工作单位或学校 就读学校"),
    _f("union", "所属工会", "基层工会 所属基层工会 工会 所在工会 所属工会名称 工会名称 所在基层工会 归属工会 基层工会名称"),
    _f("phone", "联系电话", "手机号 手机号码 手机 电话 联系方式 电话号码 联系电话号码"),
    _f("address", "家庭住址", "住址 地址 家庭地址 现住址 居住地址 现居住地址 家庭详细住址"),
    _f("bank_name", "开户银行", "开户行 银行 开户银行名称 开户行名称"),
    _f("bank_branch", "支行名称", "开户网点 支行 开户支行"),
    _f("bank_account", "银行卡号", "银行账号 账号 卡号 银行账户 存折账号 银行卡账号 社保卡号"),
    _f("ethnicity", "民族"),
    _f("political_status", "政治面貌"),
    _f("health", "健康状况", "身体状况"),
    _f("work_status", "工作状态", "就业状态 在岗状态"),
    _f("marital_status", "婚姻状况"),
    _f("hukou_type", "户口类型", "户口性质 户籍类型 户籍性质"),
    _f("file_type", "档案类型", "职工类型"),
    _f("file_origin", "档案来源", "建档类型"),
    _f("opened_on", "建档日期", "建档时间 入档时间 建档年月", note="只填年月也可"),
    _f("former_file_no", "档案编号", "原档案编号 职工编号 档案号 困难职工编号", note="原台账的编号，导入后保留"),
    _f("housing_type", "住房类型", "住房情况 住房性质"),
    _f("other_contact", "其他联系方式", "其它联系方式 固定电话 座机 家庭电话"),
    _f("postal_code", "邮政编码", "邮编"),
    _f("hukou_region_code", "户口所在地行政区划", "户口所在地行政区划代码 户口所在地代码"),
    _f("work_start_date", "工作时间", "参加工作时间 参加工作日期 入职时间", note="只填年月也可"),
    _f("single_parent", "是否单亲", "单亲 单亲家庭"),
    _f("zero_employment", "是否零就业家庭", "零就业家庭 是否为零就业家庭"),
    _f("model_worker_type", "劳模类型", "劳模类别"),
    _f("identity", "身份", "成员身份 就业状况 职业"),
    _f("education_level", "当前学历", "学历 文化程度 就读学段 学段"),
    _f("admission_year", "入学年份", "入学时间 入学年度"),
    _f("study_years", "学制", "学制年限"),
    _f("medical_insurance", "医保状况", "医疗保险 参保情况 医保类型"),
    _f("category_override_reason", "类别调整理由", "类别调整原因"),
    *(_f(key, label, " ".join(p + n for p in _MEMBER_PREFIXES for n in names), note=note)
      for key, label, names, note in _MEMBER_BLOCK),
    _f(IGNORED, "（不导入）", "序号 编号 备注 状态 档案状态 年龄 所属地区 行政区划 填表日期 成员年龄 家庭成员年龄"),
)

SCHOLARSHIP_FIELDS: tuple[FieldSpec, ...] = (
    _f("year", "年度", "助学年度 资助年度 年份 活动年度"),
    _f("student_name", "学生姓名", "受助学生 受助学生姓名 学生 姓名 子女姓名", True),
    _f("student_id_number", "学生身份证号", "学生身份证号码 学生公民身份号码 身份证号 身份证号码 公民身份号码 子女身份证号", True),
    _f("school", "学校", "就读学校 录取学校 录取院校 院校名称 学校名称 就读院校", True),
    _f("major", "专业", "录取专业 所学专业"),
    _f("education_level", "学段", "学历层次 录取层次 就读阶段 层次 学历 教育阶段 类别", True),
    _f("admission_year", "入学年份", "入学时间 入学年度 录取年份"),
    _f("study_years", "学制", "学制年限"),
    _f("amount", "金额", "资助金额 助学金额 发放金额 助学金 资助标准 金额（元）", True),
    _f("parent_name", "家长姓名", "父母姓名 职工姓名 监护人姓名 户主姓名 父（母）姓名 家长"),
    _f("parent_id_number", "家长身份证号", "家长身份证号码 父母身份证号 职工身份证号 监护人身份证号 户主身份证号"),
    _f("household_kind", "家庭类型", "家庭类别 职工类型 困难职工类型 身份类别"),
    _f("employer_name", "工作单位", "家长工作单位 单位 所在单位"),
    _f("phone", "联系电话", "手机号 手机号码 联系方式 电话"),
    _f("paid_on", "发放日期", "发放时间 资助日期"),
    _f("method", "发放方式"),
    _f("bank_account", "银行卡号", "银行账号 账号 卡号"),
    _f(IGNORED, "（不导入）", "序号 编号 申请编号 备注 状态 性别 出生日期 年龄 家庭住址 住址 发放计划 计划"),
)

VISIT_FIELDS: tuple[FieldSpec, ...] = (
    _f("year", "年度", "活动年度 春节年度 年份"),
    _f("name", "姓名", "慰问对象 慰问对象姓名 受慰问人 户主姓名 职工姓名", True),
    _f("id_number", "身份证号", "身份证号码 公民身份号码 身份证 证件号码", True),
    _f("unit_name", "工作单位", "单位 所在单位 单位名称 工作单位名称"),
    _f("group", "慰问类别", "对象类别 慰问对象类别 类别 困难类别 困难程度 帮扶类别"),
    _f("cash", "慰问金", "慰问金额 慰问金（元） 慰问资金 现金 金额 发放金额"),
    _f("goods", "慰问品折价", "慰问品金额 物资折价 慰问品价值 慰问物资折价 物品折价"),
    _f("goods_description", "慰问品", "慰问物品 物资 慰问品内容 慰问物资 物品"),
    _f("visit_date", "走访日期", "慰问日期 走访时间 慰问时间 发放日期 日期"),
    _f("cadres", "走访干部", "慰问人 走访人员 带队领导 走访领导 慰问领导"),
    _f("notes", "备注", "说明"),
    _f(IGNORED, "（不导入）", "序号 编号 性别 状态 活动 活动名称 年龄 联系电话 手机号码 家庭住址 住址"),
)

FIELDS: dict[str, tuple[FieldSpec, ...]] = {"files": FILE_FIELDS, "scholarships": SCHOLARSHIP_FIELDS,
                                           "visits": VISIT_FIELDS}


def fields_for(kind: str) -> tuple[FieldSpec, ...]:
    if kind not in FIELDS:
        raise MappingError(f"没有“{kind}”这种台账（可选：{'、'.join(f'{k}（{v}）' for k, v in KINDS.items())}）")
    return FIELDS[kind]


@lru_cache(maxsize=None)
def spec(kind: str, key: str) -> FieldSpec:
    return next(f for f in fields_for(kind) if f.key == key)


_UNIT_SUFFIX = re.compile(r"[（(][^（）()]*[)）]$")


def normalise_header(value: Any) -> str:
    """'身份证号码\n（18位）' → '身份证号码'; '金额(元)' → '金额'; '*姓 名：' → '姓名'."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text).strip("*＊:：")
    while True:
        stripped = _UNIT_SUFFIX.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
    return text


def _lookup(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields_for(kind):
        for name in f.names():
            out.setdefault(normalise_header(name), f.key)
    return out


_LOOKUPS: dict[str, dict[str, str]] = {}


def match_field(kind: str, header: Any) -> str | None:
    if kind not in _LOOKUPS:
        _LOOKUPS[kind] = _lookup(kind)
    return _LOOKUPS[kind].get(normalise_header(header))


@dataclass
class HeaderGuess:
    """Where the header is and what each column holds."""

    kind: str
    header_rows: tuple[int, ...]  # 0-based rows of the header (one, or two for a grouped header)
    headers: list[str]  # the column names as the sheet shows them (grouped headers joined: 家长/姓名)
    mapping: dict[int, str | None]  # column index → field key (None: not imported)
    notes: list[str] = field(default_factory=list)
    hidden_columns: frozenset[int] = frozenset()

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def column_name(self, col: int) -> str:
        from openpyxl.utils import get_column_letter

        name = self.headers[col] if col < len(self.headers) and self.headers[col] else ""
        return f"{get_column_letter(col + 1)}列“{name}”" if name else f"{get_column_letter(col + 1)}列"

    def column_of(self, key: str) -> int | None:
        return next((c for c, k in self.mapping.items() if k == key), None)

    def columns_of(self, key: str) -> list[int]:
        return sorted(c for c, k in self.mapping.items() if k == key)

    def missing_required(self) -> list[FieldSpec]:
        mapped = set(self.mapping.values())
        return [f for f in fields_for(self.kind) if f.required and f.key not in mapped]

    def titles(self) -> dict[str, str]:
        """The mapping by column name ({sheet's column name: field key or ''}), the form a mapping file keeps."""
        out: dict[str, str] = {}
        for col, name in enumerate(self.headers):
            if name and name not in out:
                key = self.mapping.get(col)
                out[name] = key if key and key != IGNORED else ""
        return out


def _filled_top(sheet: SheetData, limit: int) -> list[list[Any]]:
    """The top rows with each merged range's value copied into every cell it covers."""
    width = sheet.width
    rows = [list(r) + [None] * (width - len(r)) for r in sheet.rows[:limit]]
    for r1, c1, r2, c2 in sheet.merged:
        if r1 >= limit or r1 >= len(rows) or c1 >= width:
            continue
        value = rows[r1][c1]
        for r in range(r1, min(r2, limit - 1, len(rows) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                rows[r][c] = value
    return rows


def _text(value: Any) -> str:
    return normalise_header(value)


_GROUP_SUFFIX = re.compile(r"(?:基本情况|基本信息|情况|信息|状况|资料)$")
_GROUP_NUMBER = re.compile(r"(?:[(（]?[0-9一二三四五六七八九十]+[)）]?)$")


def group_prefix(upper: str) -> str:
    """A group header as the prefix of the names under it: 家长情况 → 家长, 家庭成员情况（1） → 家庭成员."""
    text = _GROUP_NUMBER.sub("", upper)
    text = _GROUP_SUFFIX.sub("", text)
    return _GROUP_NUMBER.sub("", text)


def _assign(kind: str, labels: list[list[str]], hidden: frozenset[int] = frozenset(),
            names: list[str] | None = None) -> tuple[dict[int, str | None], list[str], list[str]]:
    """Map each column from its candidate labels (tried in order). A field goes to one column, the first
    visible one (a hidden column left over from an old template is never chosen silently over a visible
    one); a household's member fields may repeat (one block of columns per member)."""
    from openpyxl.utils import get_column_letter

    mapping: dict[int, str | None] = {}
    shown = names if names is not None else [c[-1] if c else "" for c in labels]
    notes: list[str] = []
    taken: dict[str, int] = {}
    keys = [next((k for k in (match_field(kind, c) for c in candidates if c) if k), None) for candidates in labels]
    order = [c for c in range(len(labels)) if c not in hidden] + [c for c in range(len(labels)) if c in hidden]
    for col in order:
        key = keys[col]
        where = f"{get_column_letter(col + 1)}列“{shown[col]}”"
        if key and key != IGNORED and key not in MEMBER_KEYS and key in taken:
            other = f"{get_column_letter(taken[key] + 1)}列"
            if col in hidden:
                notes.append(f"{where}是隐藏列，与可见的{other}同为“{spec(kind, key).label}”，未导入隐藏列")
            else:
                notes.append(f"{where}与{other}同为“{spec(kind, key).label}”，只导入{other}")
            key = None
        elif key and key != IGNORED:
            taken.setdefault(key, col)
            if col in hidden:
                notes.append(f"{where}是隐藏列，按“{spec(kind, key).label}”导入；如不应导入，请在列对应中改为不导入")
        mapping[col] = key
    mapping = dict(sorted(mapping.items()))
    # member columns without a member name are the member-row layout's relation column (家庭成员关系)
    if "member_name" not in mapping.values():
        for col, key in mapping.items():
            if key == "member_relation" and "relation" not in mapping.values():
                mapping[col] = "relation"
            elif key in MEMBER_KEYS:
                mapping[col] = None
    return mapping, shown, notes


def _score(mapping: dict[int, str | None]) -> int:
    return len({k for k in mapping.values() if k and k != IGNORED})


def detect_header(sheet: SheetData, kind: str) -> HeaderGuess:
    """Find the header row (or pair of rows) with the most recognised column names. Under a group header
    (学生情况 / 家长情况, 家庭成员情况) the names take the group's word first: 家长情况 over 姓名 is 家长姓名."""
    fields_for(kind)
    hidden = frozenset(getattr(sheet, "hidden_cols", ()) or ())
    top = _filled_top(sheet, HEADER_SCAN_ROWS)
    texts = [[_text(v) for v in row] for row in top]
    singles = [_assign(kind, [[v] for v in row], hidden) if sum(1 for v in row if v) >= 2 else None for row in texts]
    best: tuple[int, HeaderGuess] | None = None
    for r, single in enumerate(singles):
        if single is not None and (best is None or _score(single[0]) > best[0]):
            best = (_score(single[0]), HeaderGuess(kind, (r,), single[1], single[0], single[2], hidden))
    for r in range(len(texts) - 1):
        upper, lower = texts[r], texts[r + 1]
        if not any(upper) or not any(lower):
            continue
        labels = [[group_prefix(u) + l, u + l, l, u] if u and l and u != l else [l or u] for u, l in zip(upper, lower)]
        shown = [f"{u}/{l}" if u and l and u != l else (l or u) for u, l in zip(upper, lower)]
        mapping, _, notes = _assign(kind, labels, hidden, shown)
        score = _score(mapping)
        alone = max(_score(s[0]) if s else 0 for s in (singles[r], singles[r + 1]))
        if score > alone and (best is None or score > best[0]):
            best = (score, HeaderGuess(kind, (r, r + 1), shown, mapping, notes, hidden))
    if best is None or best[0] < 2:
        names = "、".join(f.label for f in fields_for(kind) if f.required)
        raise MappingError(f"工作表“{sheet.name}”的前{HEADER_SCAN_ROWS}行中找不到{KINDS[kind]}台账的表头"
                           f"（应有{names}等列名），请检查是否选错了工作表或台账类型")
    return best[1]


def apply_mapping(guess: HeaderGuess, changes: dict[int, str | None] | None) -> HeaderGuess:
    """The guess with the caller's corrections: ``{column: field key or None}``; a field moved to a new
    column leaves its old one (member fields may repeat, one block per member)."""
    if not changes:
        return guess
    keys = {f.key for f in fields_for(guess.kind)}
    mapping = dict(guess.mapping)
    for col, key in changes.items():
        if key is not None and key not in keys:
            raise MappingError(f"没有“{key}”这个字段", field="列对应")
        if col < 0:
            raise MappingError(f"第{col + 1}列不存在", field="列对应")
        if key and key != IGNORED and key not in MEMBER_KEYS:
            for other, k in list(mapping.items()):
                if k == key and other != col:
                    mapping[other] = None
        mapping[col] = key
    return HeaderGuess(guess.kind, guess.header_rows, guess.headers, mapping, guess.notes, guess.hidden_columns)


def field_key(kind: str, text: str) -> str | None:
    """A field named as a caseworker writes it in a mapping (身份证号, 家庭人口) or by its key (id_number);
    ``''``/不导入 is None. Unknown: MappingError."""
    value = normalise_header(text)
    if value in ("", "不导入", "（不导入）", "none", "-"):
        return None
    specs = fields_for(kind)
    for f in specs:
        if value == f.key or value == normalise_header(f.label):
            return f.key if f.key != IGNORED else None
    found = match_field(kind, value)
    if found:
        return found if found != IGNORED else None
    raise MappingError(f"没有名为“{text}”的字段（可选：{'、'.join(f.label for f in specs if f.key != IGNORED)}）",
                       field="列对应")


def mapping_by_titles(guess: HeaderGuess, titles: dict[str, str | None]) -> dict[int, str | None]:
    """Column-index changes from a mapping by column name ({'家长/姓名': 'parent_name'}, or the name under
    the group alone when it is unique); titles the sheet does not have are left out."""
    changes: dict[int, str | None] = {}
    wanted = {normalise_header(t): k for t, k in titles.items()}
    for col, name in enumerate(guess.headers):
        norm = normalise_header(name)
        if norm in wanted:
            changes[col] = wanted[norm]
        elif "/" in name and normalise_header(name.split("/")[-1]) in wanted:
            lower = normalise_header(name.split("/")[-1])
            if sum(1 for h in guess.headers if normalise_header(h.split("/")[-1]) == lower) == 1:
                changes[col] = wanted[lower]
    return changes


def guess_kind(sheet: SheetData) -> str:
    """The kind whose fields the sheet's header matches best (ties: files)."""
    scores = {}
    for kind in KINDS:
        try:
            guess = detect_header(sheet, kind)
        except MappingError:
            continue
        specific = {"scholarships": ("school", "education_level"), "visits": ("cash", "goods", "visit_date"),
                    "files": ("primary_cause", "household_size", "category")}[kind]
        scores[kind] = (_score(guess.mapping) + 3 * sum(1 for k in guess.mapping.values() if k in specific))
    if not scores:
        raise MappingError(f"工作表“{sheet.name}”中找不到可识别的台账表头（如姓名、身份证号等列）")
    return max(scores, key=lambda k: scores[k])
