"""Every printed document with the longest real values (tests/reports/longest.py: 30-character minority
names, 40-character union, campaign and round names, 积石山保安族东乡族撒拉族自治县总工会, long addresses,
rare characters) checked from the PDF's own character boxes and rules (pdfplumber): no two words overlap,
no rule crosses a word, everything lies inside the margins, and every page has body content."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assist_desktop.reports import (
    FileFormRenderer,
    NoticeRenderer,
    ScholarshipFormRenderer,
    SignoffRenderer,
    StatisticsRenderer,
    VoucherRenderer,
)

from . import layout_check, longest, pdftools


def _vouchers(per_sheet: int, counterfoil: bool = False):
    sheet = longest.vouchers(7, per_sheet)
    return replace(sheet, counterfoil=counterfoil,
                   vouchers=[replace(v, guardian=i % 2 == 0) for i, v in enumerate(sheet.vouchers)])


def _signoff_of_a_round():
    sheet = longest.signoff(17)
    return replace(sheet, title=f"{longest.ROUND}助学金签领表", cash_label="助学金", goods_label=None,
                   unit_label="就读学校", category_label="学历层次", who="人",
                   lines=[replace(line, unit=longest.SCHOOL, category="本科（第5学年）") for line in sheet.lines])


DOCUMENTS = {
    "file_form": lambda: FileFormRenderer().render(longest.file_form()),
    "file_form_exited": lambda: FileFormRenderer().render(longest.exited_file_form()),
    "scholarship_form": lambda: ScholarshipFormRenderer().render(longest.scholarship_form()),
    "vouchers_3": lambda: VoucherRenderer().render(_vouchers(3)),
    "vouchers_2": lambda: VoucherRenderer().render(_vouchers(2)),
    "vouchers_1": lambda: VoucherRenderer().render(_vouchers(1)),
    "vouchers_counterfoil": lambda: VoucherRenderer().render(_vouchers(2, counterfoil=True)),
    "signoff_campaign": lambda: SignoffRenderer().render(longest.signoff()),
    "signoff_round": lambda: SignoffRenderer().render(_signoff_of_a_round()),
    "notice_campaign": lambda: NoticeRenderer().render(longest.notice()),
    "notice_new_files": lambda: NoticeRenderer().render(longest.notice_of_files()),
    "statistics": lambda: StatisticsRenderer().render(longest.statistics()),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_longest_values_never_overprint_cross_a_rule_or_leave_the_page(name: str) -> None:
    pdf = DOCUMENTS[name]()
    problems = layout_check.check(pdf)
    assert not problems, f"{len(problems)} layout problems, first: " + "; ".join(str(p) for p in problems[:8])
    pdftools.assert_printable(pdf)


def test_the_check_finds_what_it_looks_for() -> None:
    """The checker itself: a label drawn over another, a word across a rule, a word off the page, a page
    with only a footer — each is reported."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from assist_desktop.reports import fonts

    fonts.register()
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    c.setFont(fonts.REGULAR, 12)
    c.drawString(100, 700, "困难职工档案")
    c.drawString(130, 702, "编号")  # over the first
    c.line(90, 604, 300, 604)
    c.drawString(100, 600, "积石山")  # the rule runs through it
    c.drawString(560, 500, "阿卜杜热合曼")  # off the right edge
    c.showPage()
    c.setFont(fonts.REGULAR, 9)
    c.drawString(280, 20, "第2页")  # a page with nothing but its number
    c.save()
    kinds = {(p.page, p.kind) for p in layout_check.check(out.getvalue())}
    assert kinds == {(1, "overlap"), (1, "rule"), (1, "margin"), (2, "empty")}


def test_a_household_of_six_fits_one_sheet_and_the_opinions_never_stand_alone() -> None:
    from dataclasses import replace as change

    form = longest.exited_file_form()
    assert form.household_size == 6 and len(form.members) == 5
    pages = layout_check.page_texts(FileFormRenderer().render(form))
    assert len(pages) == 2  # front and back of one sheet, as the national 档案表
    last = "".join(pages[-1].split())
    assert "县总工会审批意见" in last and "本人承诺" in last and "附件" in last
    # however long the household, the opinion boxes go with the pledge and the row before them
    for extra in range(0, 9):
        members = form.members + tuple(change(m, name=f"{m.name}{i}") for i, m in enumerate(form.members[:1] * extra))
        texts = ["".join(t.split()) for t in layout_check.page_texts(FileFormRenderer().render(
            change(form, members=members)))]
        holder = next(t for t in texts if "县总工会审批意见" in t)
        assert "本人承诺" in holder and "基层工会意见" in holder
        before_pledge = holder.split("本人承诺")[0]
        assert any(word in before_pledge for word in ("撤档", "附件", "年审")), extra
