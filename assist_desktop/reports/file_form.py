"""困难职工家庭建档申请审批表: the whole household file on paper, with the three opinion boxes.

The layout of the national 困难职工档案表 as counties print it: title, the grassroots union (to seal), file
number and the date the form was filled in (the file's own date, not the print day); boxed sections — the
worker (with 医保状况, 户口所在地, 工作时间, 邮编), the household members, income against the subsistence
line, category and causes, the account for payments, the file's process (建档人 / 审核人 / 录入人, the
yearly reviews, the attachments) — the applicant's pledge, then the opinions of the grassroots union (left
for its own chair to sign and seal) and of the county federation's review and approval, each with
signature, seal and date. The opinions never stand alone on a page: they go with the pledge and the row
before it. A household of six fits the front and back of one sheet. An exited file carries its 撤档 mark,
date and reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.units import mm

from assist_desktop.domain.money import format_amount
from assist_desktop.reports.base import (
    LABEL_SIZE,
    VALUE_SIZE,
    Opinion,
    Pen,
    Renderer,
    Ticker,
    cn_date,
    draw_opinion,
    require,
)
from assist_desktop.reports.layout import Cell, FormFlow, L, V

TITLE = "困难职工家庭建档申请审批表"


@dataclass(frozen=True)
class MemberLine:
    name: str
    relation: str
    sex: str = ""
    id_number: str = ""
    birth_date: date | None = None
    identity: str = ""
    health: str = ""
    monthly_income_fen: int = 0
    unit_or_school: str = ""


@dataclass(frozen=True)
class FileForm:
    """Everything the form prints, labels already in Chinese and money in fen."""

    unit_name: str  # the county federation that keeps the file
    grassroots_name: str  # the grassroots union the worker belongs to
    file_no: str
    printed_on: date
    status: str  # 草稿 / 在档 …
    # the worker
    name: str
    sex: str
    id_number: str
    birth_date: date | None
    phone: str
    address: str
    employer_name: str
    ethnicity: str = ""
    political_status: str = ""
    health: str = ""
    disability: str = ""
    work_status: str = ""
    model_worker: str = ""
    marital_status: str = ""
    hukou: str = ""
    housing: str = ""
    unit_nature: str = ""
    file_type: str = ""
    file_origin: str = ""
    flags: tuple[str, ...] = ()  # 单亲家庭, 零就业家庭 …
    members: tuple[MemberLine, ...] = ()
    # income (fen)
    household_size: int = 1
    members_pending: bool = False  # a ledger's declared household with people not listed yet (成员待补录)
    worker_monthly_income_fen: int = 0
    other_annual_income_fen: int = 0
    household_annual_income_fen: int = 0
    medical_expenses_fen: int = 0
    schooling_expenses_fen: int = 0
    hardship_costs_fen: int = 0
    per_capita_fen: int = 0
    subsistence_line_fen: int | None = None
    # category and causes
    category: str = ""  # 深度困难 …
    category_proposed: str = ""
    category_override_reason: str = ""
    primary_cause: str = ""
    secondary_causes: tuple[str, ...] = ()
    other_cause_text: str = ""
    # account
    bank_name: str = ""
    bank_branch: str = ""
    bank_account: str = ""
    civil_affairs_check: str = ""
    notice: str = ""  # 公示 period, when the file went on notice
    opinions: tuple[Opinion, ...] = field(default_factory=tuple)
    # the national form's fields kept in the file
    filled_on: date | None = None  # 填表日期: the file's own date (made, or imported)
    medical_insurance: str = ""
    hukou_region: str = ""  # 户口所在地: the GB/T 2260 division's name (and code)
    work_start: date | None = None  # 工作时间
    postal_code: str = ""
    other_contact: str = ""
    filed_by: str = ""  # 建档人
    reviewed_by: str = ""  # 审核人
    entered_by: str = ""  # 录入人
    reviews: tuple[str, ...] = ()  # 年审: "2026年12月1日 2026年度复核：继续在档（深度困难）" …
    attachments: tuple[str, ...] = ()  # 附件: "身份证及户口簿：户主身份证.jpg" …
    exit_date: date | None = None  # 撤档
    exit_reason: str = ""
    exit_note: str = ""

    @property
    def rigid_expenses_fen(self) -> int:
        return self.medical_expenses_fen + self.schooling_expenses_fen


CATEGORIES = ("深度困难", "相对困难", "意外致困")


def _yuan(fen: int | None) -> str:
    return "" if fen is None else f"{format_amount(fen)}元"


class FileFormRenderer(Renderer[FileForm]):
    document = TITLE

    def title(self, data: FileForm) -> str:
        return f"{TITLE} {data.file_no} {data.name}"

    def check(self, data: FileForm) -> None:
        require(TITLE, [
            ("档案编号", data.file_no), ("姓名", data.name), ("性别", data.sex), ("身份证号", data.id_number),
            ("联系电话", data.phone), ("家庭住址", data.address), ("工作单位", data.employer_name),
            ("所属基层工会", data.grassroots_name), ("困难类别", data.category), ("主要致困原因", data.primary_cause),
            ("低保标准", data.subsistence_line_fen),
        ], hint="请先在档案中补全后再打印。")

    def draw(self, pen: Pen, data: FileForm, ticker: Ticker) -> None:
        page_w, page_h = self.pagesize
        left, width = 15 * mm, page_w - 30 * mm

        def header(pen: Pen, page: int) -> None:
            top = page_h - 16 * mm
            pen.text(page_w / 2, top, TITLE + ("（续）" if page > 1 else ""), 17, align="center", bold=True)
            if data.exit_date is not None and page == 1:
                _exit_mark(pen, left + width - 34 * mm, top + 6 * mm, data)
            number = f"档案编号：{data.file_no}"
            number_w = pen.width(number, LABEL_SIZE)
            y = top - 10 * mm
            union = f"基层工会（盖章）：{data.grassroots_name}"
            pen.text(left, y, union, pen.fitting_size(union, width - number_w - 6 * mm, LABEL_SIZE, 6.5))
            pen.text(left + width, y, number, LABEL_SIZE, align="right")
            if page == 1:
                pen.text(left, y + 5 * mm, f"填表日期：{cn_date(data.filled_on or data.printed_on)}", 8.5)

        flow = FormFlow(pen, left=left, width=width, bottom=16 * mm, header=header,
                        first_top=page_h - 29 * mm, other_top=page_h - 29 * mm)
        self._worker(flow, data)
        self._members(flow, data)
        self._income(flow, data)
        self._category(flow, data)
        self._account(flow, data)
        self._process(flow, data)
        flow.keep_last_with_next()  # the pledge and the opinions never start a page on their own
        flow.row(Cell(1, custom=lambda p, x, y, w, h: _pledge(p, x, y, w, h)), height=17 * mm,
                 keep_with_next=bool(data.opinions))
        for i, op in enumerate(data.opinions):
            flow.row(Cell(1, custom=lambda p, x, y, w, h, op=op: draw_opinion(p, x, y, 28 * mm, w, h, op)),
                     height=27 * mm, keep_with_next=i < len(data.opinions) - 1)
        flow.draw()
        ticker(1)

    def _worker(self, flow: FormFlow, d: FileForm) -> None:
        flow.section("职工基本情况", [
            [L(10, "姓名"), V(16, d.name), L(8, "性别"), V(8, d.sex), L(10, "民族"), V(10, d.ethnicity),
             L(12, "出生日期"), V(16, cn_date(d.birth_date, blank=""))],
            [L(10, "身份证号"), V(34, d.id_number), L(10, "政治面貌"), V(10, d.political_status),
             L(12, "健康状况"), V(16, " ".join(x for x in (d.health, d.disability) if x))],
            [L(10, "工作单位"), V(34, d.employer_name), L(10, "单位性质"), V(10, d.unit_nature),
             L(12, "工作状态"), V(16, d.work_status)],
            [L(10, "工作时间"), V(16, cn_date(d.work_start, blank="")), L(8, "医保"), V(18, d.medical_insurance),
             L(10, "婚姻状况"), V(10, d.marital_status), L(12, "劳模类型"), V(16, d.model_worker)],
            [L(10, "家庭住址"), V(54, d.address), L(12, "邮政编码"), V(16, d.postal_code)],
            [L(10, "联系电话"), V(16, d.phone), L(8, "其他联系方式"), V(18, d.other_contact), L(10, "住房"),
             V(38, d.housing)],
            [L(10, "户口类型"), V(16, d.hukou), L(8, "户口所在地"), V(66, d.hukou_region)],
            [L(10, "档案类型"), V(16, d.file_type), L(8, "来源"), V(8, d.file_origin), L(10, "其他"),
             V(48, "、".join(d.flags) or "无")],
        ])

    def _members(self, flow: FormFlow, d: FileForm) -> None:
        head = [L(9, "姓名"), L(8, "与职工关系"), L(5, "性别"), L(20, "身份证号"), L(9, "身份"), L(7, "健康"),
                L(10, "月收入(元)"), L(22, "工作单位或学校")]
        rows = [head]
        for m in d.members:
            rows.append([V(9, m.name, "center"), V(8, m.relation, "center"), V(5, m.sex, "center"),
                         V(20, m.id_number, "center"), V(9, m.identity, "center"), V(7, m.health, "center"),
                         V(10, format_amount(m.monthly_income_fen), "right"), V(22, m.unit_or_school)])
        if not d.members:
            rows.append([V(90, f"（家庭人口{d.household_size}人为台账登记数，家庭成员待补录）" if d.members_pending
                           else "（无其他家庭成员，本户1人）", "center")])
        flow.section("家庭成员", rows)

    def _income(self, flow: FormFlow, d: FileForm) -> None:
        line = d.subsistence_line_fen or 0
        if d.per_capita_fen < line:
            verdict = "低于当地低保标准"
        elif d.per_capita_fen < 2 * line:
            verdict = "低于低保标准的2倍"
        else:
            verdict = "不低于低保标准的2倍"
        ratio = f"{d.per_capita_fen * 100 // line / 100:.2f}" if line else ""
        rigid = (f"{_yuan(d.rigid_expenses_fen)}（医疗 {format_amount(d.medical_expenses_fen)}，"
                 f"教育 {format_amount(d.schooling_expenses_fen)}）")
        how = (f"月人均收入 =（家庭年度总收入 − 刚性支出）÷ 12 ÷ 家庭人口 = {format_amount(d.per_capita_fen)}元，{verdict}。"
               + (f" 当年致困支出 {format_amount(d.hardship_costs_fen)}元。" if d.hardship_costs_fen else ""))
        flow.section("家庭收入", [
            [L(18, "本人月平均收入"), V(16, _yuan(d.worker_monthly_income_fen), "right"),
             L(22, "家庭其他非薪资年收入"), V(16, _yuan(d.other_annual_income_fen), "right"),
             L(12, "家庭人口"), V(10, f"{d.household_size}人", "center")],
            [L(18, "家庭年度总收入"), V(16, _yuan(d.household_annual_income_fen), "right"),
             L(22, "刚性支出（医疗、教育）"), V(38, rigid)],
            [L(18, "家庭月人均收入"), V(16, _yuan(d.per_capita_fen), "right"),
             L(22, "当地低保标准（元/人·月）"), V(16, _yuan(line), "right"),
             L(12, "对比"), V(10, f"{ratio}倍", "center")],
            [L(18, "测算说明"), V(76, how, size=9)],
            *([[L(18, "成员待补录"), V(76, f"家庭人口{d.household_size}人为台账登记数，已列出{1 + len(d.members)}人，"
                                      f"其余{d.household_size - 1 - len(d.members)}人待补录；按台账登记的家庭人口和"
                                      "家庭年度总收入测算", size=9)]] if d.members_pending else []),
        ])

    def _category(self, flow: FormFlow, d: FileForm) -> None:
        def boxes(pen: Pen, x: float, y: float, w: float, h: float) -> None:
            pen.check_boxes(x + 2 * mm, y + h / 2 - VALUE_SIZE * 0.35, [(c, c == d.category) for c in CATEGORIES])

        proposed = d.category_proposed or d.category
        note = f"系统测算：{proposed}" + (f"；调整理由：{d.category_override_reason}" if d.category_override_reason
                                        and proposed != d.category else "")
        secondary = "、".join(d.secondary_causes) or "无"
        flow.section("困难情况", [
            [L(18, "困难类别"), Cell(40, custom=boxes), V(36, note, size=9)],
            [L(18, "主要致困原因"), V(24, d.primary_cause), L(16, "次要致困原因"), V(36, secondary)],
            *([[L(18, "其他原因说明"), V(76, d.other_cause_text)]] if d.other_cause_text else []),
            *([[L(18, "民政核对"), V(76, d.civil_affairs_check)]] if d.civil_affairs_check else []),
        ])

    def _account(self, flow: FormFlow, d: FileForm) -> None:
        if d.bank_account:
            cells = [L(12, "开户银行"), V(16, d.bank_name), L(10, "支行"), V(22, d.bank_branch),
                     L(10, "银行卡号"), V(24, d.bank_account, "center")]
        else:
            cells = [L(12, "发放账户"), V(82, "未登记银行账户（现金发放须凭签领表领取）")]
        flow.section("账户公示", [cells, [L(12, "公示情况"), V(82, d.notice or "尚未公示")]])

    def _process(self, flow: FormFlow, d: FileForm) -> None:
        rows = [[L(12, "建档人"), V(22, d.filed_by), L(10, "审核人"), V(22, d.reviewed_by), L(10, "录入人"),
                 V(18, d.entered_by)],
                [L(12, "年审"), V(82, "\n".join(d.reviews) or "尚未年审", size=9)],
                [L(12, "附件"), V(82, "；".join(d.attachments) or "无", size=9)]]
        if d.exit_date is not None:
            rows.append([L(12, "撤档"), V(82, f"{cn_date(d.exit_date)}撤档，原因：{d.exit_reason}"
                                          + (f"（{d.exit_note}）" if d.exit_note else ""))])
        flow.section("建档管理", rows)


def _exit_mark(pen: Pen, x: float, y: float, d: FileForm) -> None:
    """已撤档, the date, in a box at the top right (as a stamp would be)."""
    w, h = 34 * mm, 11 * mm
    pen.rect(x, y - h, w, h, width=1.4)
    pen.text(x + w / 2, y - 5.2 * mm, "已撤档", 13, align="center", bold=True)
    pen.text(x + w / 2, y - 9.2 * mm, cn_date(d.exit_date), 7.5, align="center")


def _pledge(pen: Pen, x: float, y: float, w: float, h: float) -> None:
    pen.cell(x, y + 6 * mm, w, h - 6 * mm, "本人承诺：以上所填家庭成员、收入及困难情况真实完整，如有隐瞒或虚报，"
             "愿承担相应责任并退回所领帮扶资金；同意工会委托民政部门核对家庭经济状况。", 9, valign="top", pad=3 * mm)
    pen.text(x + w - 4 * mm, y + 2.6 * mm, cn_date(None), LABEL_SIZE, align="right")
    pen.text(x + w - 50 * mm, y + 2.6 * mm, "申请人（签字）：", LABEL_SIZE, align="right")


__all__ = ["FileForm", "FileFormRenderer", "MemberLine", "TITLE"]
