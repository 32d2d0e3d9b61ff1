"""A corpus of ledgers shaped like the ones county unions keep, written by code (no binary blobs), each
with the outcome expected for every record.

The shapes come from county templates and rosters found with the search tool (困难职工档案表 and its
填表说明: 困难类别 “低保户 / 低保边缘户 / 意外致困户”, 健康状况 “癌症 / 心血管病 …”, 身份证号 “15位或18位”,
家庭成员 over 姓名 / 关系 / 身份证号 / 月收入; 金秋助学 and 春节送温暖 rosters with 合计 and signature rows):

- one row per household with 家庭人口 and income and no member rows (the most common shape);
- members on the rows below the worker; members in columns beside vertically merged worker cells; blocks of
  member columns repeated across one row;
- one sheet per township (no union column) beside 汇总 and 填表说明 sheets;
- a hidden column left over from an old template with the same name as a visible one, hidden rows, data
  validation lists and frozen panes (as WPS saves them);
- .xls (Excel 97-2003) and GBK CSV;
- 学生情况 / 家长情况 over duplicate 姓名 / 身份证号 columns; visit rosters with amounts in capitals.

Values are the longest and oddest real ones: minority names up to 30 characters, a 40-character union,
landlines, 15-digit IDs, month-only dates, amounts in capitals, traditional characters.

``good`` records must import; ``fatal`` ones carry planted problems, each expected at its row and column
letter. ``build(tmp, seed)`` makes the tuning corpus; ``build(tmp, seed, held_out=True)`` a held-out set of
the same shapes with other header wordings, value spellings and people (not looked at while tuning).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tests.services.conftest import make_id

COUNTY = "绥德县"
UNIONS = ("名州镇总工会", "义合镇总工会", "四十里铺镇总工会",
          "绥德县名州镇辛家沟村黄河流域生态保护与高质量发展农民专业合作社联合总会工会委员会")  # the last: 40 characters
assert len(UNIONS[3]) == 40
# how ledgers write each union (名州镇工会, 名州镇, 绥德县名州镇总工会, 名州镇總工會 …)
UNION_SPELLINGS = {
    "名州镇总工会": ("名州镇总工会", "名州镇工会", "名州镇", "绥德县名州镇总工会", "名州镇總工會"),
    "义合镇总工会": ("义合镇总工会", "义合镇工会", "绥德县义合镇总工会", "義合鎮總工會"),
    "四十里铺镇总工会": ("四十里铺镇总工会", "四十里铺镇", "四十里铺镇工会"),
    UNIONS[3]: (UNIONS[3], "名州镇辛家沟村黄河流域生态保护与高质量发展农民专业合作社联合总会工会"),
}
REGIONS = ("610826", "610802", "610827", "610828", "622927")  # 绥德, 榆阳, 米脂, 佳县, 积石山
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常单仇解"
GIVEN = "建国秀英伟芳娜敏静丽强磊军洋勇艳杰涛明超秀兰霞平刚桂英文华红玉兰凤英志强春梅海燕"
LONG_NAMES = (
    "阿卜杜热合曼·买买提依明·艾则孜",  # 16
    "买买提依明·阿卜杜克热木·艾则孜江·吐尔逊",  # 21
    "阿依古丽·阿卜杜热合曼·买买提依明·吐尔逊阿依",  # 23
    "艾则孜江·阿卜杜克热木·买买提依明·阿卜杜热合曼·吐",  # 26
    "古丽孜巴·阿卜杜克热木·买买提依明·阿卜杜热合曼·吐尔逊阿依",  # 30
    "马哈木德·穆罕默德·哈三",
    "扎西多吉",
    "额尔敦巴特尔",
)
assert max(len(n) for n in LONG_NAMES) == 30
TRADITIONAL = ("陳建國", "劉麗華", "張偉", "黃曉東", "鄭國強")
EMPLOYERS = ("绥德县兴业建筑工程有限公司", "绥德县名州镇环卫所", "榆林市恒源煤电集团有限责任公司绥德分公司",
             "绥德县四十里铺镇农贸市场个体工商户", "陕西省绥德县义合镇中心小学")
CAUSE_WORDS = ("患重特大疾病", "因病致困", "6", "患病、子女上学", "因学", "子女就学", "下岗失业", "因残",
               "6-患重特大疾病", "因病，因学", "遭受意外事故", "无劳动能力")
CATEGORY_WORDS = {"deep": ("深度困难", "特困职工", "深度困难职工", "低保户", "特困"),
                  "relative": ("相对困难", "一般困难", "相对困难职工", "低保边缘户"),
                  "accident": ("意外致困", "意外致困户")}
RELATIONS = {"spouse": ("妻子", "丈夫", "配偶", "之妻", "爱人"), "son": ("儿子", "之子", "长子", "继子"),
             "daughter": ("女儿", "之女", "养女", "次女"), "mother": ("母亲", "之母"), "father": ("父亲",),
             "grandson": ("长孙", "孙子"), "other": ("媳妇", "祖母", "祖父")}
LINE_FEN = 77_000  # 绥德县's subsistence line in the county fixture's year (resources/policy/2026.toml)


@dataclass
class Person:
    name: str
    id_number: str
    sex: str
    born: date


@dataclass
class Household:
    worker: Person
    members: list[tuple[str, Person]]  # (relation code, person)
    union: str
    category: str  # the formula's category for the figures below
    annual_fen: int
    size: int  # declared household size
    causes: str
    phone: str
    address: str
    employer: str
    opened: date
    file_no: str


@dataclass
class Expect:
    sheet: str
    row: int  # the Excel row where the record starts
    name: str
    good: bool
    pending: bool = False
    fatal: list[tuple[int, str]] = field(default_factory=list)  # planted problems: (row, column letter)
    size: int | None = None  # the household size the file must have
    file_no: str | None = None  # 档案编号 kept
    filed_on: date | None = None


@dataclass
class Ledger:
    shape: str
    kind: str
    path: Path
    expect: list[Expect]
    options: dict[str, Any] = field(default_factory=dict)  # only --unit / --year

    @property
    def good(self) -> list[Expect]:
        return [e for e in self.expect if e.good]


class People:
    """Valid, unique people: ID numbers with real county codes, names from long minority names to 张伟."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.seq = seed * 7919 % 400

    def person(self, born: date, *, sex: str | None = None, name: str | None = None, odd: bool = True) -> Person:
        rng = self.rng
        while True:
            self.seq = (self.seq + 1) % 1000
            seq = self.seq
            if sex == "male" and seq % 2 == 0 or sex == "female" and seq % 2 == 1:
                continue
            number = make_id(born.strftime("%Y%m%d"), seq, rng.choice(REGIONS))
            if number not in self.used:
                break
        self.used.add(number)
        if name is None:
            if odd and rng.random() < 0.12:
                name = rng.choice(LONG_NAMES)
            else:
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        return Person(name, number, "男" if seq % 2 else "女", born)

    def day(self, start: int, end: int) -> date:
        return date(self.rng.randint(start, end), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def household(self, index: int, *, members: int | None = None, union: str | None = None) -> Household:
        rng = self.rng
        worker = self.person(self.day(1968, 1990))
        count = rng.choice((1, 2, 3, 3, 4, 5)) - 1 if members is None else members
        people: list[tuple[str, Person]] = []
        if count:
            people.append(("spouse", self.person(self.day(1968, 1990), sex="female" if worker.sex == "男" else "male")))
        for _ in range(count - 1):
            kind = rng.choice(("son", "daughter", "son", "mother", "grandson"))
            if kind == "mother":
                people.append((kind, self.person(self.day(1940, 1955), sex="female")))
            elif kind == "grandson":
                people.append((kind, self.person(self.day(2015, 2022), sex="male")))
            else:
                people.append((kind, self.person(self.day(2000, 2015), sex="male" if kind == "son" else "female")))
        size = 1 + count
        category = rng.choice(("deep", "deep", "relative", "relative", "accident"))
        per_capita = {"deep": rng.randint(200, 760), "relative": rng.randint(780, 1500),
                      "accident": rng.randint(780, 1500)}[category] * 100
        annual = per_capita * 12 * size
        if category == "accident":  # above twice the line, a disaster or accident that year
            annual = rng.randint(1600, 2500) * 100 * 12 * size
        return Household(
            worker, people, union or rng.choice(UNIONS), category, annual, size, rng.choice(CAUSE_WORDS),
            phone=rng.choice(("139", "138", "187", "151")) + f"{rng.randint(0, 99_999_999):08d}",
            address=f"陕西省榆林市绥德县{rng.choice(('名州镇', '义合镇', '四十里铺镇'))}{rng.choice(('张家', '辛家沟', '王家'))}村"
                    f"{rng.randint(1, 99)}号",
            employer=rng.choice(EMPLOYERS), opened=date(rng.randint(2012, 2024), rng.randint(1, 12), 1),
            file_no=f"SD{rng.randint(2012, 2024)}{index:04d}")


def _category_word(rng: random.Random, hh: Household) -> str:
    return rng.choice(CATEGORY_WORDS[hh.category])


def _union_word(rng: random.Random, hh: Household) -> str:
    return rng.choice(UNION_SPELLINGS[hh.union])


def _relation_word(rng: random.Random, code: str) -> str:
    return rng.choice(RELATIONS[code])


def _yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen / 100:.2f}"


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _title(ws: Any, text: str, width: int, rows: int = 1) -> None:
    ws.append([text] + [None] * (width - 1))
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    if rows > 1:
        ws.append(["填报单位：绥德县总工会（盖章）", None, None, None, None, "填报日期：2025年12月"])


def _wps_touches(ws: Any, header_row: int, column_of: dict[str, int], last_row: int) -> None:
    """What a WPS template carries: frozen header, drop-down lists on the category and sex columns."""
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    if "category" in column_of:
        dv = DataValidation(type="list", formula1='"深度困难,相对困难,意外致困"', allow_blank=True)
        letter = get_column_letter(column_of["category"])
        dv.add(f"{letter}{header_row + 1}:{letter}{max(last_row, header_row + 1) + 200}")
        ws.add_data_validation(dv)
    if "sex" in column_of:
        dv = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
        letter = get_column_letter(column_of["sex"])
        dv.add(f"{letter}{header_row + 1}:{letter}{max(last_row, header_row + 1) + 200}")
        ws.add_data_validation(dv)


# --- 1. one row per household ----------------------------------------------------------------------------


ONE_ROW_HEADERS = (
    ("序号", "档案编号", "姓名", "性别", "民族", "身份证号码", "联系电话", "所属工会", "工作单位", "家庭住址", "困难类别",
     "致困原因", "家庭人口", "家庭年收入（元）", "建档时间", "备注"),
    ("序号", "职工编号", "职工姓名", "性别", "民族", "公民身份号码", "手机号码", "基层工会", "单位名称", "现住址", "帮扶类别",
     "主要致困原因", "家庭人数", "家庭年度总收入", "建档年月", "备注"),
)


def one_row_households(folder: Path, people: People, *, n: int = 24, held_out: bool = False,
                       name: str = "困难职工花名册.xlsx") -> Ledger:
    rng = people.rng
    header = list(ONE_ROW_HEADERS[1 if held_out else 0])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    _title(ws, f"{COUNTY}总工会困难职工花名册（截至2025年12月）", len(header), rows=2)
    ws.append(header)
    header_row = ws.max_row
    expect = []
    for i in range(n):
        hh = people.household(i, members=rng.choice((0, 1, 2, 3, 4)))
        ethnic = "汉族" if hh.worker.name not in LONG_NAMES else rng.choice(("维吾尔族", "回族", "东乡族"))
        phone = hh.phone if i % 9 else rng.choice(("0912-5621234", "(0912)5628765", None))
        opened: Any = hh.opened
        shown_open = rng.choice((f"{hh.opened.year}.{hh.opened.month}", f"{hh.opened.year}年{hh.opened.month}月",
                                 hh.opened))
        ws.append([i + 1, hh.file_no, hh.worker.name, hh.worker.sex, ethnic, hh.worker.id_number, phone,
                   _union_word(rng, hh), hh.employer, hh.address, _category_word(rng, hh), hh.causes, hh.size,
                   _yuan(hh.annual_fen) if i % 5 else f"{hh.annual_fen // 100:,}元", shown_open, None])
        expect.append(Expect("花名册", ws.max_row, hh.worker.name, True, pending=hh.size > 1, size=hh.size,
                             file_no=hh.file_no, filed_on=opened))
    ws.append(["合计", None, f"{n}户"] + [None] * 9 + [sum(1 for _ in expect)] + [None] * 3)
    ws.append(["填表人：李娜", None, None, "审核人：王建军", None, None, "联系电话：0912-5621234"])
    _wps_touches(ws, header_row, {"category": 11, "sex": 4}, ws.max_row)
    return Ledger("one_row_households", "files", _save(wb, folder / name), expect)


# --- 2. members on the rows below the worker, a merged two-row header --------------------------------------


def member_rows(folder: Path, people: People, *, n: int = 10, held_out: bool = False) -> Ledger:
    rng = people.rng
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    upper = ["序号", "姓名", "与户主关系" if not held_out else "关系（是户主的）", "性别", "出生年月", "身份证号", "困难类别",
             "致困原因", None, "家庭人口", "收入情况", None, "所属工会", "联系电话", "家庭住址", "工作单位或学校"]
    lower = [None] * 8 + [None, None, "月收入（元）", "家庭其他年收入", None, None, None, None]
    upper[7], upper[8] = "致困原因", None
    lower[7], lower[8] = "主要", "次要"
    width = len(upper)
    _title(ws, "2025年绥德县困难职工家庭情况台账", width)
    ws.append(upper)
    ws.append(lower)
    ws.merge_cells("H2:I2")
    ws.merge_cells("K2:L2")
    for c in range(1, width + 1):
        if c not in (8, 9, 11, 12):
            ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    expect = []
    for i in range(n):
        hh = people.household(100 + i, members=rng.choice((1, 2, 3)))
        listed = 1 + len(hh.members)
        monthly = hh.annual_fen // 12 // listed // 100 * 100
        other = hh.annual_fen - monthly * 12 * listed
        birth: Any = rng.choice((float(f"{hh.worker.born.year}.{hh.worker.born.month:02d}"),
                                 f"{hh.worker.born.year}.{hh.worker.born.month}", hh.worker.born))
        if isinstance(birth, float) and hh.worker.born.month == 10:
            birth = 1900 + (hh.worker.born.year - 1900) + 0.1  # 1981.10 typed into a General cell: 1981.1
        primary, _, secondary = hh.causes.partition("、")
        ws.append([i + 1, hh.worker.name, rng.choice(("本人", "户主", None)), hh.worker.sex, birth,
                   hh.worker.id_number, _category_word(rng, hh), primary, secondary or None, listed, _yuan(monthly),
                   _yuan(other), _union_word(rng, hh), hh.phone, hh.address, hh.employer])
        first = ws.max_row
        for code, p in hh.members:
            ws.append([None, p.name, _relation_word(rng, code), p.sex, f"{p.born.year}.{p.born.month}", p.id_number,
                       None, None, None, None, _yuan(monthly), None, None, None, None,
                       rng.choice(("绥德中学", "待业", "务农")) if code != "spouse" else hh.employer])
        expect.append(Expect("台账", first, hh.worker.name, True, size=listed))
    ws.append(["合  计", None, None, None, None, None, None, None, None, None, None, None])
    ws.append(["制表人：", None, "审核人：", None, None, "单位负责人："])
    return Ledger("member_rows", "files", _save(wb, folder / "困难职工家庭台账.xlsx"), expect)


# --- 3. members in columns beside vertically merged worker cells -------------------------------------------


def member_columns(folder: Path, people: People, *, n: int = 8, held_out: bool = False) -> Ledger:
    rng = people.rng
    group = "家庭成员情况" if not held_out else "家庭主要成员"
    upper = ["序号", "职工姓名", "身份证号", "所属工会", "联系电话", "家庭住址", "工作单位", "困难类别", "致困原因", "家庭人口",
             "家庭月人均收入", group, None, None, None]
    lower = [None] * 11 + ["姓名", "关系", "身份证号", "月收入"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "档案"
    _title(ws, "困难职工档案汇总表", len(upper))
    ws.append(upper)
    ws.append(lower)
    ws.merge_cells(start_row=2, start_column=12, end_row=2, end_column=15)
    for c in range(1, 12):
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    expect = []
    for i in range(n):
        hh = people.household(200 + i, members=rng.choice((1, 2, 3)))
        listed = 1 + len(hh.members)
        per_capita = hh.annual_fen // 12 // listed
        start = ws.max_row + 1
        for k, (code, p) in enumerate(hh.members):
            worker = [i + 1, hh.worker.name, hh.worker.id_number, _union_word(rng, hh), hh.phone, hh.address,
                      hh.employer, _category_word(rng, hh), hh.causes, listed, _yuan(per_capita)] if k == 0 else [None] * 11
            ws.append(worker + [p.name, _relation_word(rng, code), p.id_number, 0])
        end = ws.max_row
        if end > start:
            for c in range(1, 12):
                ws.merge_cells(start_row=start, start_column=c, end_row=end, end_column=c)
        expect.append(Expect("档案", start, hh.worker.name, True, size=listed))
    return Ledger("member_columns", "files", _save(wb, folder / "档案汇总（成员在右侧）.xlsx"), expect)


# --- 4. blocks of member columns across one row --------------------------------------------------------------


def member_blocks(folder: Path, people: People, *, n: int = 8) -> Ledger:
    rng = people.rng
    upper = ["序号", "姓名", "身份证号", "所属工会", "联系电话", "家庭住址", "工作单位", "困难类别", "致困原因", "家庭人口",
             "家庭年收入", "家庭成员1", None, None, "家庭成员2", None, None]
    lower = [None] * 11 + ["姓名", "关系", "身份证号"] * 2
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(upper)
    ws.append(lower)
    ws.merge_cells("L1:N1")
    ws.merge_cells("O1:Q1")
    for c in range(1, 12):
        ws.merge_cells(start_row=1, start_column=c, end_row=2, end_column=c)
    expect = []
    for i in range(n):
        hh = people.household(300 + i, members=rng.choice((0, 1, 2)))
        cells = []
        for code, p in hh.members:
            cells += [p.name, _relation_word(rng, code), p.id_number]
        cells += [None] * (6 - len(cells))
        size = hh.size + (1 if i % 3 == 0 else 0)  # some households have more people than the two blocks hold
        ws.append([i + 1, hh.worker.name, hh.worker.id_number, _union_word(rng, hh), hh.phone, hh.address, hh.employer,
                   _category_word(rng, hh), hh.causes, size, _yuan(hh.annual_fen)] + cells)
        expect.append(Expect("Sheet1", ws.max_row, hh.worker.name, True, pending=size > hh.size, size=size))
    return Ledger("member_blocks", "files", _save(wb, folder / "成员分块台账.xlsx"), expect)


# --- 5. one sheet per township, 汇总 and 填表说明 --------------------------------------------------------


def townships(folder: Path, people: People, *, n: int = 6, held_out: bool = False) -> Ledger:
    rng = people.rng
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "填表说明"
    guide.append(["填表说明"])
    guide.append(["1.困难类别：请填写“低保户”、“低保边缘户”或“意外致困户”。"])
    guide.append(["2.身份证号：必须是15位或18位。"])
    summary = wb.create_sheet("汇总")
    summary.append(["乡镇", "户数", "人数"])
    header = ["序号", "姓名", "性别", "身份证号", "手机号码", "家庭住址", "工作单位", "困难类别", "致困原因", "家庭人口", "月人均收入"]
    if held_out:
        header = ["编号", "户主姓名", "性别", "公民身份号码", "手机", "现住址", "单位", "帮扶类别", "困难原因", "家庭人数",
                  "人均月收入"]
    expect = []
    for sheet, union in (("名州镇", "名州镇总工会"), ("义合镇", "义合镇总工会"), ("四十里铺镇", "四十里铺镇总工会")):
        ws = wb.create_sheet(sheet)
        _title(ws, f"{sheet}困难职工名单", len(header))
        ws.append(header)
        count = 0
        for i in range(n):
            hh = people.household(400 + i, members=0, union=union)
            size = rng.choice((1, 2, 3, 4))
            per_capita = hh.annual_fen // 12 // hh.size
            ws.append([i + 1, hh.worker.name, hh.worker.sex, hh.worker.id_number, hh.phone, hh.address, hh.employer,
                       _category_word(rng, hh), hh.causes, size, _yuan(per_capita)])
            expect.append(Expect(sheet, ws.max_row, hh.worker.name, True, pending=size > 1, size=size))
            count += size
        summary.append([sheet, n, count])
    summary.append(["合计", 3 * n, None])
    return Ledger("townships", "files", _save(wb, folder / "各乡镇困难职工名单.xlsx"), expect)


# --- 6. hidden leftovers of an old template, hidden rows, WPS touches --------------------------------------------


def hidden_leftovers(folder: Path, people: People, *, n: int = 10) -> Ledger:
    rng = people.rng
    header = ["序号", "姓名", "身份证号", "身份证号", "性别", "联系电话", "所属工会", "家庭住址", "工作单位", "困难类别",
              "致困原因", "家庭人口", "家庭年收入", "建档日期"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年台账"
    ws.append(header)
    ws.column_dimensions["C"].hidden = True  # the old template's ID column, with stale 15-digit numbers
    expect = []
    for i in range(n):
        hh = people.household(500 + i, members=0)
        old = hh.worker.id_number[:6] + hh.worker.id_number[8:17]
        ws.append([i + 1, hh.worker.name, old, hh.worker.id_number, hh.worker.sex, hh.phone, _union_word(rng, hh),
                   hh.address, hh.employer, _category_word(rng, hh), hh.causes, hh.size, _yuan(hh.annual_fen),
                   hh.opened])
        expect.append(Expect("2025年台账", ws.max_row, hh.worker.name, True, pending=hh.size > 1, size=hh.size))
        if i in (3, 7):
            ws.row_dimensions[ws.max_row].hidden = True  # hidden by a filter, still a household
    _wps_touches(ws, 1, {"category": 10, "sex": 5}, ws.max_row)
    return Ledger("hidden_leftovers", "files", _save(wb, folder / "WPS台账（隐藏列）.xlsx"), expect)


# --- 7. .xls (Excel 97-2003) ------------------------------------------------------------------------------------


def old_xls(folder: Path, people: People, *, n: int = 10, held_out: bool = False) -> Ledger:
    import xlwt

    rng = people.rng
    header = ["序号", "姓名", "出生年月", "身份证号", "联系电话", "所属工会", "家庭住址", "工作单位", "困难类别", "致困原因",
              "家庭人口", "家庭年收入", "建档时间"]
    if held_out:
        header = ["序号", "姓 名", "出生年月日", "身份证号码\n（18位）", "联系方式", "工会名称", "家庭地址", "单位名称",
                  "困难程度", "致困原因", "家庭人口数", "家庭总收入", "入档时间"]
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("困难职工")
    ws.write_merge(0, 0, 0, len(header) - 1, "绥德县困难职工档案台账（2019年）")
    for c, title in enumerate(header):
        ws.write(1, c, title)
    expect = []
    for i in range(n):
        hh = people.household(600 + i, members=0)
        r = 2 + i
        born = hh.worker.born
        values = [i + 1, hh.worker.name, float(f"{born.year}.{born.month:02d}"), hh.worker.id_number, hh.phone,
                  _union_word(rng, hh), hh.address, hh.employer, _category_word(rng, hh), hh.causes, hh.size,
                  hh.annual_fen / 100 if hh.annual_fen % 100 == 0 else _yuan(hh.annual_fen),
                  f"{hh.opened.year}.{hh.opened.month}"]
        for c, v in enumerate(values):
            ws.write(r, c, v)
        expect.append(Expect("困难职工", r + 1, hh.worker.name, True, pending=hh.size > 1, size=hh.size))
    path = folder / "困难职工台账2019.xls"
    book.save(str(path))
    return Ledger("old_xls", "files", path, expect)


# --- 8. GBK CSV with 15-digit IDs and amounts as written -----------------------------------------------------


def gbk_csv(folder: Path, people: People, *, n: int = 10, held_out: bool = False) -> Ledger:
    rng = people.rng
    header = ["序号", "姓名", "身份证号", "联系电话", "所属工会", "家庭住址", "工作单位", "困难类别", "致困原因", "家庭人口",
              "家庭年收入"]
    if held_out:
        header = ["序号", "职工姓名", "身份证号码", "电话号码", "所在工会", "居住地址", "所在单位", "困难类型", "主要困难原因",
                  "家庭成员数", "家庭年总收入"]
    rows: list[list[Any]] = [["绥德县困难职工名册"], header]
    expect = []
    for i in range(n):
        hh = people.household(700 + i, members=0)
        number = hh.worker.id_number
        if i % 3 == 0:  # an old 15-digit number (born in the 1900s): raised to 18 with a 提示
            number = number[:6] + number[8:17]
        amount = rng.choice((f"{hh.annual_fen // 100:,}", f"{hh.annual_fen // 100}元", f"￥{hh.annual_fen // 100}"))
        rows.append([i + 1, hh.worker.name, number, hh.phone, _union_word(rng, hh), hh.address, hh.employer,
                     _category_word(rng, hh), hh.causes, f"{hh.size}人", amount])
        expect.append(Expect("", len(rows), hh.worker.name, True, pending=hh.size > 1, size=hh.size))
    path = folder / "困难职工名册.csv"
    with open(path, "w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows(rows)
    return Ledger("gbk_csv", "files", path, expect)


# --- 9. traditional characters, landlines, the long names and the long union -----------------------------------------


def odd_values(folder: Path, people: People) -> Ledger:
    rng = people.rng
    header = ["姓名", "身份证号", "联系电话", "所属工会", "家庭住址", "工作单位", "困难类别", "致困原因", "家庭人口", "家庭年收入"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "特殊值"
    ws.append(header)
    expect = []
    names = [*LONG_NAMES[:5], *TRADITIONAL]
    for i, name in enumerate(names):
        hh = people.household(800 + i, members=0, union=UNIONS[3] if i % 2 else "名州镇总工会")
        person = people.person(hh.worker.born, name=name)
        phone = ("0912-5621234", "(0912)5628765", "09125621234", hh.phone, None)[i % 5]
        union = "名州镇總工會" if i == 6 else _union_word(rng, hh)
        ws.append([name, person.id_number, phone, union, hh.address, hh.employer, _category_word(rng, hh),
                   rng.choice(("患病、子女上学", "因病，因学", "6")), hh.size, _yuan(hh.annual_fen)])
        expect.append(Expect("特殊值", ws.max_row, name, True, pending=hh.size > 1, size=hh.size))
    return Ledger("odd_values", "files", _save(wb, folder / "特殊值台账.xlsx"), expect)


# --- 10. planted fatal problems, each at its row and column ----------------------------------------------------


def planted(folder: Path, people: People) -> Ledger:
    rng = people.rng
    header = ["序号", "姓名", "身份证号", "联系电话", "所属工会", "家庭住址", "工作单位", "困难类别", "致困原因", "家庭人口",
              "家庭年收入", "银行卡号", "建档时间"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(header)
    expect = []
    col = {name: get_column_letter(i + 1) for i, name in enumerate(header)}

    def add(values: list[Any], fatal: list[str], name: str) -> None:
        ws.append(values)
        r = ws.max_row
        expect.append(Expect("台账", r, name, not fatal, fatal=[(r, col[c]) for c in fatal]))

    for i in range(12):
        hh = people.household(900 + i, members=0)
        values = [i + 1, hh.worker.name, hh.worker.id_number, hh.phone, _union_word(rng, hh), hh.address, hh.employer,
                  _category_word(rng, hh), hh.causes, hh.size, _yuan(hh.annual_fen), None, hh.opened]
        fatal: list[str] = []
        if i == 1:  # an ID Excel turned into a number
            values[2] = float(hh.worker.id_number[:17] + "0")
            fatal = ["身份证号"]
        elif i == 2:  # a digit mistyped: the check character fails
            values[2] = hh.worker.id_number[:10] + str((int(hh.worker.id_number[10]) + 1) % 10) + hh.worker.id_number[11:]
            fatal = ["身份证号"]
        elif i == 3:  # a bank card Excel stored as a number: digits past the 15th lost
            values[11] = 6228480123456789000
            fatal = ["银行卡号"]
        elif i == 4:  # a date that is no day
            values[12] = "2019-02-30"
            fatal = ["建档时间"]
        elif i == 5:  # a category word nobody uses
            values[7] = "五保户困难"
            fatal = ["困难类别"]
        elif i == 6:  # two problems in one row: both named at once
            values[2] = hh.worker.id_number[:17] + ("0" if hh.worker.id_number[17] != "0" else "1")
            values[10] = "12,34"
            fatal = ["身份证号", "家庭年收入"]
        elif i == 7:  # a union this county does not have
            values[4] = "清涧县某镇工会"
            fatal = ["所属工会"]
        elif i == 8:  # a mobile number that is neither a mobile nor a landline
            values[3] = "1391234"
            fatal = ["联系电话"]
        add(values, fatal, hh.worker.name)
    return Ledger("planted", "files", _save(wb, folder / "有错误的台账.xlsx"), expect)


# --- 11. 金秋助学: 学生情况 / 家长情况 over duplicate names ----------------------------------------------------


def scholarships(folder: Path, people: People, *, n: int = 10, held_out: bool = False) -> Ledger:
    rng = people.rng
    groups = ("学生情况", "家长情况") if not held_out else ("学生信息", "家长信息")
    upper = ["序号", groups[0], None, None, None, None, groups[1], None, None, "资助金额", "发放日期"]
    lower = [None, "姓名", "身份证号", "录取院校", "录取层次", "入学年份", "姓名", "身份证号", "工作单位", None, None]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "金秋助学"
    _title(ws, "2024年金秋助学金发放花名册", len(upper))
    ws.append(upper)
    ws.append(lower)
    ws.merge_cells("B2:F2")
    ws.merge_cells("G2:I2")
    for c in (1, 10, 11):
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    expect = []
    levels = (("一本", 500000, 2006), ("二本", 500000, 2006), ("专科（高职）", 400000, 2006), ("普高", 300000, 2009),
              ("职高", 300000, 2009), ("大学本科", 500000, 2006))
    for i in range(n):
        level, amount, year = rng.choice(levels)
        student = people.person(date(year, rng.randint(1, 8), rng.randint(1, 28)))
        parent = people.person(people.day(1972, 1985))
        money: Any = rng.choice((f"{amount // 100}", "伍仟元整" if amount == 500000 else f"{amount // 100}.00",
                                 "人民币肆仟元" if amount == 400000 else amount // 100))
        ws.append([i + 1, student.name, student.id_number, rng.choice(("西北大学", "延安大学", "榆林学院", "绥德中学")),
                   level, 2024, parent.name, parent.id_number, rng.choice(EMPLOYERS), money, "2024-09-20"])
        expect.append(Expect("金秋助学", ws.max_row, student.name, True))
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None])
    ws.append(["经办人：", None, None, "审核人：", None, None, "单位负责人（签字）："])
    return Ledger("scholarships", "scholarships", _save(wb, folder / "金秋助学发放花名册.xlsx"), expect)


# --- 12. 春节送温暖慰问花名册 ---------------------------------------------------------------------------------


def visits(folder: Path, people: People, *, n: int = 12, held_out: bool = False) -> Ledger:
    rng = people.rng
    header = ["序号", "慰问对象", "身份证号", "单位名称", "对象类别", "慰问金（元）", "慰问品", "慰问日期", "领取人签字"]
    if held_out:
        header = ["序号", "姓名", "身份证号码", "工作单位", "慰问类别", "慰问金额", "慰问物资", "走访时间", "签字"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "慰问花名册"
    _title(ws, "2025年春节送温暖慰问花名册", len(header), rows=2)
    ws.append(header)
    expect = []
    groups = ("特困职工", "低保户", "相对困难职工", "困难劳模", "坚守岗位职工", "未建档困难职工", "意外致困职工")
    for i in range(n):
        person = people.person(people.day(1965, 1995))
        cash: Any = rng.choice(("1500", "壹仟伍佰元整", "伍佰元整", 800, "1,000元"))
        ws.append([i + 1, person.name, person.id_number, rng.choice(EMPLOYERS), rng.choice(groups), cash,
                   rng.choice(("米、面、油", "大米一袋、食用油一桶", None)), date(2025, 1, rng.randint(6, 24)), None])
        expect.append(Expect("慰问花名册", ws.max_row, person.name, True))
    ws.append(["合计", None, None, None, None, None])
    ws.append(["发放人：", None, "监督人：", None, None, "填表日期：2025年1月25日"])
    return Ledger("visits", "visits", _save(wb, folder / "春节送温暖慰问花名册.xlsx"), expect)


# --- 13. per-capita income only, as 家庭年人均收入 --------------------------------------------------------------


def per_capita_only(folder: Path, people: People, *, n: int = 8) -> Ledger:
    rng = people.rng
    header = ["编号", "户主姓名", "户主身份证号", "联系方式", "所在工会", "家庭地址", "就业单位", "困难程度", "困难原因",
              "共同生活人口", "家庭年人均收入"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年人均"
    ws.append(header)
    expect = []
    for i in range(n):
        hh = people.household(1000 + i, members=0)
        per_year = hh.annual_fen // hh.size
        ws.append([f"{i + 1:03d}", hh.worker.name, hh.worker.id_number, hh.phone, _union_word(rng, hh), hh.address,
                   hh.employer, _category_word(rng, hh), hh.causes, hh.size, _yuan(per_year)])
        expect.append(Expect("年人均", ws.max_row, hh.worker.name, True, pending=hh.size > 1, size=hh.size))
    return Ledger("per_capita_only", "files", _save(wb, folder / "年人均收入台账.xlsx"), expect)


SHAPES = (one_row_households, member_rows, member_columns, member_blocks, townships, hidden_leftovers, old_xls,
          gbk_csv, odd_values, planted, scholarships, visits, per_capita_only)


def build(folder: Path, seed: int = 16, *, held_out: bool = False) -> list[Ledger]:
    """Every shape once (the held-out set: other wordings, other people)."""
    folder.mkdir(parents=True, exist_ok=True)
    people = People(seed)
    out = []
    for shape in SHAPES:
        kwargs = {"held_out": True} if held_out and "held_out" in shape.__code__.co_varnames else {}
        out.append(shape(folder, people, **kwargs))
    return out
