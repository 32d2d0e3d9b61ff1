"""The approval forms and the statistics summary as printed: every section, the per-capita figure against
the subsistence line, the category ticked, opinion boxes from the workflow (blank for a hand signature when
a step is still to come), a long household continuing on a second page, refusals naming missing fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assist_desktop.reports.base import MissingData, Opinion
from assist_desktop.reports.file_form import FileForm, FileFormRenderer, MemberLine
from assist_desktop.reports.scholarship_form import ScholarshipForm, ScholarshipFormRenderer
from assist_desktop.reports.statistics import StatColumn, StatisticsRenderer, StatisticsSummary, StatRow, StatSection

from . import pdftools

OPINIONS = (Opinion("基层工会意见", "经办人", "名州镇总工会", "经入户调查，情况属实，同意上报。", "李娜", date(2026, 11, 2)),
            Opinion("县总工会审核意见", "审核人", "绥德县总工会", "审核通过。", "张明", date(2026, 11, 3)),
            Opinion("县总工会审批意见", "审批人", "绥德县总工会"))


def _file(**changes) -> FileForm:
    form = FileForm(
        unit_name="绥德县总工会", grassroots_name="名州镇总工会", file_no="610826-2026-00001", printed_on=date(2026, 11, 20),
        status="submitted", name="王㐂国", sex="男", id_number="610826198003151234", birth_date=date(1980, 3, 15),
        phone="13912345678", address="陕西省榆林市绥德县名州镇张家村12号", employer_name="绥德县兴业建筑工程有限公司",
        ethnicity="汉族", health="患病（恶性肿瘤）", work_status="在岗", marital_status="已婚", hukou="农业",
        members=(MemberLine("李秀英", "配偶", "女", "610826198206112245", date(1982, 6, 11), "失(无)业", "良好"),
                 MemberLine("王𠀀", "儿子", "男", "610826200909013312", date(2009, 9, 1), "学生", "良好", 0, "绥德中学")),
        household_size=3, worker_monthly_income_fen=80_000, other_annual_income_fen=120_000,
        household_annual_income_fen=1_080_000, medical_expenses_fen=600_000, per_capita_fen=13_333,
        subsistence_line_fen=76_000, category="深度困难", category_proposed="深度困难", primary_cause="患重特大疾病",
        secondary_causes=("子女上学",), bank_name="中国农业银行", bank_branch="绥德县支行",
        bank_account="6228480123456789012", opinions=OPINIONS)
    return replace(form, **changes)


def test_file_form_prints_the_whole_file():
    pdf = FileFormRenderer().render(_file())
    text = pdftools.assert_printable(pdf)
    flat = pdftools.squeeze(text)
    assert pdftools.info(pdf)["Pages"] == "2"  # front and back of one sheet, as the national form
    for expected in ("困难职工家庭建档申请审批表", "基层工会（盖章）：名州镇总工会", "档案编号：610826-2026-00001",
                     "王㐂国", "610826198003151234", "1980年3月15日", "陕西省榆林市绥德县名州镇张家村12号",
                     "绥德县兴业建筑工程有限公司", "患病（恶性肿瘤）",
                     # members
                     "李秀英", "配偶", "610826198206112245", "王𠀀", "儿子", "绥德中学",
                     # income against the line: (10,800 − 6,000) ÷ 12 ÷ 3 = 133.33
                     "800.00元", "1,200.00元", "10,800.00元", "6,000.00元", "133.33元", "760.00元", "0.17倍",
                     "低于当地低保标准",
                     # category and causes; the account
                     "√深度困难", "相对困难", "意外致困", "患重特大疾病", "子女上学", "中国农业银行", "6228480123456789012",
                     # the opinions from the workflow, and the blank approval box
                     "经入户调查，情况属实，同意上报。", "经办人（签字）：李娜", "2026年11月2日", "审核通过。",
                     "审核人（签字）：张明", "2026年11月3日", "审批人（签字）：年月日", "绥德县总工会（盖章）审批人",
                     "申请人（签字）：", "第1页共2页", "第2页共2页"):
        assert expected in flat, expected
    assert flat.count("√") == 1  # one category ticked


def test_a_large_household_continues_on_a_second_page():
    members = tuple(MemberLine(f"成员{i}", "其他", "女", "", None, "学生", "良好", 0, "绥德中学") for i in range(16))
    pdf = FileFormRenderer().render(_file(members=members, household_size=17))
    pages = pdftools.pages(pdf)
    assert len(pages) == 2
    first, second = (pdftools.squeeze(p) for p in pages)
    assert "第1页共2页" in first and "第2页共2页" in second and "困难职工家庭建档申请审批表（续）" in second
    assert all(f"成员{i}" in first + second for i in range(16))
    assert "县总工会审批意见" in second


def test_file_form_refuses_missing_fields_by_name():
    with pytest.raises(MissingData) as caught:
        FileFormRenderer().render(_file(id_number="", address=" ", category=""))
    message = caught.value.message
    assert "困难职工家庭建档申请审批表" in message and "“身份证号”、“家庭住址”、“困难类别”" in message
    assert caught.value.field == "身份证号"


def _scholarship(**changes) -> ScholarshipForm:
    form = ScholarshipForm(
        unit_name="绥德县总工会", application_no="610826-2026-S00001", round_name="2026年金秋助学",
        printed_on=date(2026, 9, 1), status="approved", student_name="王丽", student_sex="女",
        student_id_number="610826200803104421", student_birth_date=date(2008, 3, 10), school="西北大学",
        education_level="本科", admission_year=2026, study_years=4, major="护理学", admission_notice_no="2026123456",
        parent_name="王建国", parent_id_number="610826198003151234", household_kind="建档困难职工",
        file_no="610826-2026-00001", category="深度困难", parent_employer="绥德县兴业建筑工程有限公司",
        grassroots_name="名州镇总工会", phone="13912345678", address="陕西省榆林市绥德县名州镇张家村12号",
        amount_fen=500_000, standard_amount_fen=500_000, plan="按年发放至毕业", plan_years=4,
        exclusions=(("已获其他渠道资助", False), ("自费出国留学", False)),
        notice="2026年8月20日至2026年8月26日公示（5个工作日），期满无异议", opinions=OPINIONS)
    return replace(form, **changes)


def test_scholarship_form_prints_student_household_aid_and_opinions():
    text = pdftools.assert_printable(ScholarshipFormRenderer().render(_scholarship()))
    flat = pdftools.squeeze(text)
    for expected in ("金秋助学申请审批表", "（2026年金秋助学）", "申请编号：610826-2026-S00001", "王丽",
                     "610826200803104421", "西北大学", "护理学", "本科", "2026年", "4年", "王建国", "建档困难职工",
                     "610826-2026-00001", "深度困难", "5,000.00元", "¥5,000.00", "人民币伍仟元整",
                     "按年发放至毕业，每学年5,000.00元（审批后逐学年核查在读情况后发放）", "已获其他渠道资助：否",
                     "期满无异议", "学生（签字）：", "家长（签字）：", "经办人（签字）：李娜"):
        assert expected in flat, expected
    assert "合计" not in flat  # no total the record does not hold: the installments are made at approval


def test_an_approved_yearly_plan_prints_its_installments_as_recorded():
    from assist_desktop.reports.scholarship_form import InstallmentLine

    lines = (InstallmentLine(1, 2026, 500_000, "已发放", date(2026, 10, 9), "610826-2026-V000123"),
             InstallmentLine(2, 2027, 500_000, "待发放"),
             InstallmentLine(3, 2028, 500_000, "已停发", note="在读核查：退学"),
             InstallmentLine(4, 2029, 500_000, "已停发", note="在读核查：退学"))
    flat = pdftools.squeeze(pdftools.text(ScholarshipFormRenderer().render(_scholarship(installments=lines))))
    assert "已审批4个学年，审批金额合计10,000.00元，已发放5,000.00元" in flat
    assert "第1学年（2026—2027学年）5,000.00元：已发放，2026年10月9日，凭证号610826-2026-V000123" in flat
    assert "第3学年（2028—2029学年）5,000.00元：已停发（在读核查：退学）" in flat
    assert "20,000.00" not in flat


def test_scholarship_form_refuses_missing_fields():
    with pytest.raises(MissingData, match="“就读学校”、“家长姓名”"):
        ScholarshipFormRenderer().render(_scholarship(school="", parent_name=""))


def test_statistics_summary_prints_sections_with_totals():
    data = StatisticsSummary("绥德县总工会", 2026, date(2026, 12, 31), [
        StatSection("一、春节送温暖", "慰问对象", (StatColumn("户数"), StatColumn("慰问金", True)),
                    (StatRow("深度困难职工", (1_200, 180_000_000)), StatRow("相对困难职工", (2_206, 220_600_000)))),
        StatSection("二、金秋助学", "学历层次", (StatColumn("人数"), StatColumn("资助金额", True)),
                    (StatRow("本科（建档）", (268, 134_000_000)),)),
    ])
    flat = pdftools.squeeze(pdftools.assert_printable(StatisticsRenderer().render(data)))
    for expected in ("2026年度帮扶工作统计表", "填报单位（盖章）：绥德县总工会", "一、春节送温暖", "深度困难职工1,2001,800,000.00",
                     "相对困难职工2,2062,206,000.00", "合计3,4064,006,000.00", "二、金秋助学", "本科（建档）2681,340,000.00",
                     "合计2681,340,000.00", "第1页共1页"):
        assert expected in flat, expected
