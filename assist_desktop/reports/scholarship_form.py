"""金秋助学申请审批表: the student, the household, school and level, the amount and plan, the opinions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from assist_desktop.domain.money import amount_in_words, format_amount
from assist_desktop.reports.base import (
    LABEL_SIZE,
    Opinion,
    Pen,
    Renderer,
    Ticker,
    cn_date,
    draw_opinion,
    require,
)
from assist_desktop.reports.layout import Cell, FormFlow, L, V

TITLE = "金秋助学申请审批表"


@dataclass(frozen=True)
class InstallmentLine:
    """One study year of an approved yearly plan, as recorded: what was approved, and what was paid."""

    year_index: int
    academic_year: int
    amount_fen: int
    status: str  # 待核查 / 已核查待发放 / 已发放 / 已停发
    paid_on: date | None = None
    voucher_no: str = ""
    note: str = ""  # why it was stopped

    def text(self) -> str:
        head = f"第{self.year_index}学年（{self.academic_year}—{self.academic_year + 1}学年）{format_amount(self.amount_fen)}元"
        if self.paid_on is not None:
            return f"{head}：已发放，{cn_date(self.paid_on)}，凭证号{self.voucher_no}"
        return f"{head}：{self.status}" + (f"（{self.note}）" if self.note else "")


@dataclass(frozen=True)
class ScholarshipForm:
    """What the form prints; labels in Chinese, money in fen."""

    unit_name: str
    application_no: str
    round_name: str  # 2026年金秋助学
    printed_on: date
    status: str
    # the student
    student_name: str
    student_sex: str
    student_id_number: str
    student_birth_date: date | None
    school: str
    education_level: str  # 本科 …
    admission_year: int | None
    study_years: int | None
    major: str = ""
    admission_notice_no: str = ""
    # the household
    parent_name: str = ""
    parent_id_number: str = ""
    household_kind: str = ""  # 建档困难职工 / 农民工 / 新就业形态劳动者 …
    file_no: str = ""  # the parent's hardship file, when filed
    category: str = ""
    parent_employer: str = ""
    grassroots_name: str = ""
    phone: str = ""
    address: str = ""
    # the aid (fen)
    amount_fen: int = 0
    standard_amount_fen: int = 0
    plan: str = ""  # 一次性发放 / 按年发放至毕业
    plan_years: int = 1
    amount_override_reason: str = ""
    exclusions: tuple[tuple[str, bool], ...] = ()  # (checklist item, applies); all False for a valid application
    notice: str = ""
    opinions: tuple[Opinion, ...] = ()
    installments: tuple[InstallmentLine, ...] = ()  # a yearly plan once approved: one line a study year
    paid_fen: int | None = None  # a one-off grant paid: the amount paid
    paid_on: date | None = None
    voucher_no: str = ""

    @property
    def approved_total_fen(self) -> int:
        """What was approved: the installments not stopped (a yearly plan), else the amount."""
        if self.installments:
            return sum(i.amount_fen for i in self.installments if i.status != "已停发")
        return self.amount_fen

    @property
    def paid_total_fen(self) -> int:
        if self.installments:
            return sum(i.amount_fen for i in self.installments if i.paid_on is not None)
        return self.paid_fen or 0


class ScholarshipFormRenderer(Renderer[ScholarshipForm]):
    document = TITLE

    def title(self, data: ScholarshipForm) -> str:
        return f"{TITLE} {data.application_no} {data.student_name}"

    def check(self, data: ScholarshipForm) -> None:
        require(TITLE, [
            ("申请编号", data.application_no), ("学生姓名", data.student_name), ("学生身份证号", data.student_id_number),
            ("就读学校", data.school), ("学历层次", data.education_level), ("家长姓名", data.parent_name),
            ("家庭类别", data.household_kind), ("资助金额", data.amount_fen or None),
        ], hint="请先在助学申请中补全后再打印。")

    def draw(self, pen: Pen, data: ScholarshipForm, ticker: Ticker) -> None:
        d = data
        page_w, page_h = self.pagesize
        left, width = 15 * mm, page_w - 30 * mm

        def header(pen: Pen, page: int) -> None:
            top = page_h - 16 * mm
            pen.text(page_w / 2, top, TITLE + ("（续）" if page > 1 else ""), 17, align="center", bold=True)
            round_name = f"（{d.round_name}）"
            pen.text(page_w / 2, top - 6.5 * mm, round_name, pen.fitting_size(round_name, width, 10.5, 7), align="center")
            y = top - 13 * mm
            number = f"申请编号：{d.application_no}"
            union = f"填报单位（盖章）：{d.grassroots_name or d.unit_name}"
            room = width - pen.width(number, LABEL_SIZE) - 6 * mm
            pen.text(left, y, union, pen.fitting_size(union, room, LABEL_SIZE, 6.5))
            pen.text(left + width, y, number, LABEL_SIZE, align="right")

        flow = FormFlow(pen, left=left, width=width, bottom=16 * mm, header=header,
                        first_top=page_h - 32 * mm, other_top=page_h - 32 * mm)
        years = f"{d.study_years}年" if d.study_years else ""
        flow.section("学生情况", [
            [L(10, "姓名"), V(14, d.student_name), L(8, "性别"), V(8, d.student_sex), L(12, "出生日期"),
             V(18, cn_date(d.student_birth_date, blank=""))],
            [L(10, "身份证号"), V(30, d.student_id_number), L(12, "学历层次"), V(18, d.education_level)],
            [L(10, "录取学校"), V(30, d.school), L(12, "专业"), V(18, d.major)],
            [L(10, "入学年份"), V(14, f"{d.admission_year}年" if d.admission_year else ""), L(8, "学制"), V(8, years),
             L(12, "录取通知书编号"), V(18, d.admission_notice_no)],
        ])
        flow.section("家庭情况", [
            [L(10, "家长姓名"), V(14, d.parent_name), L(8, "身份证号"), V(26, d.parent_id_number, "center"),
             L(12, "联系电话"), V(14, d.phone)],
            [L(10, "家庭类别"), V(20, d.household_kind), L(10, "档案编号"), V(22, d.file_no or "未建档"),
             L(10, "困难类别"), V(12, d.category or "—")],
            [L(10, "工作单位"), V(38, d.parent_employer), L(12, "所属工会"), V(24, d.grassroots_name)],
            [L(10, "家庭住址"), V(74, d.address)],
        ])
        checks = "；".join(f"{item}：{'是' if applies else '否'}" for item, applies in d.exclusions)
        yearly = d.plan_years > 1
        if yearly and d.installments:  # approved: what the record holds, year by year
            plan = (f"{d.plan}，每学年{format_amount(d.amount_fen)}元；已审批{len(d.installments)}个学年，"
                    f"审批金额合计{format_amount(d.approved_total_fen)}元，已发放{format_amount(d.paid_total_fen)}元")
        elif yearly:  # not approved yet: the yearly amount only, never a total nobody approved
            plan = f"{d.plan}，每学年{format_amount(d.amount_fen)}元（审批后逐学年核查在读情况后发放）"
        else:
            plan = d.plan + (f"；已发放，{cn_date(d.paid_on)}，凭证号{d.voucher_no}" if d.paid_on else "")
        amount_label = "每学年金额" if yearly else "核定金额"
        aid_rows = [
            [L(14, "资助标准"), V(26, f"{format_amount(d.standard_amount_fen)}元", "right"),
             L(16, f"{amount_label}（小写）"), V(38, f"¥{format_amount(d.amount_fen)}", "right")],
            [L(14, f"{amount_label}（大写）"), V(80, f"人民币{amount_in_words(d.amount_fen)}")],
            [L(14, "发放方式"), V(80, plan)],
        ]
        if d.installments:
            aid_rows.append([L(14, "分年发放"), V(80, "\n".join(i.text() for i in d.installments), size=9)])
        if d.amount_override_reason and d.amount_fen != d.standard_amount_fen:
            aid_rows.append([L(14, "金额调整理由"), V(80, d.amount_override_reason)])
        if checks:
            aid_rows.append([L(14, "资格核查"), V(80, checks, size=8.5)])
        aid_rows.append([L(14, "公示情况"), V(80, d.notice or "尚未公示")])
        flow.section("资助情况", aid_rows)
        flow.row(Cell(1, custom=_pledge), height=17 * mm)
        for op in d.opinions:
            flow.row(Cell(1, custom=lambda p, x, y, w, h, op=op: draw_opinion(p, x, y, 28 * mm, w, h, op)),
                     height=27 * mm)
        flow.draw()
        ticker(1)


def _pledge(pen: Pen, x: float, y: float, w: float, h: float) -> None:
    pen.cell(x, y + 6 * mm, w, h - 6 * mm, "本人承诺：所填情况真实，未获得其他渠道同类资助，不属于自费出国留学、"
             "高收费民办或中外合作办学、军事院校及免学费项目；如有不实，愿退回全部助学金。", 9, valign="top", pad=3 * mm)
    pen.text(x + w - 4 * mm, y + 2.6 * mm, cn_date(None), LABEL_SIZE, align="right")
    pen.text(x + 4 * mm, y + 2.6 * mm, "学生（签字）：", LABEL_SIZE)
    pen.text(x + w / 2 - 10 * mm, y + 2.6 * mm, "家长（签字）：", LABEL_SIZE)


__all__ = ["InstallmentLine", "ScholarshipForm", "ScholarshipFormRenderer", "TITLE"]
