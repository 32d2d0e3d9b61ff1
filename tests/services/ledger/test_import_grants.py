"""Past scholarships and past visits from ledgers: paid records of the year's round or campaign (made,
closed, when missing), vouchers drawn, duplicates refused within the sheet and against the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path


from assist_desktop.services import registry
from assist_desktop.services.ledger import ImportOptions, commit_import, prepare_import
from tests.services.conftest import TODAY, County, make_id

from .conftest import write_csv, write_xlsx

PARENT = make_id("19800315", 123)
SON = make_id("20090901", 331)
STUDENT = make_id("20070901", 331)
OTHER_PARENT = make_id("19780505", 555)

SCH_HEADER = ["序号", "年度", "学生姓名", "学生身份证号", "学校", "学段", "入学年份", "金额（元）", "家长姓名", "家长身份证号",
              "发放日期"]


def _plan(county: County, path: Path, kind: str, **kwargs):
    with county.session() as s:
        return prepare_import(s, county.users["jingban"], path, kind, today=TODAY, **kwargs)


def _messages(plan, row: int) -> list[str]:
    return [f"{i.column}：{i.message}" for i in plan.issues if i.row == row]


def test_past_scholarships_become_paid_grants_of_a_closed_round(county: County, tmp_path: Path, household) -> None:
    with county.session() as s:
        registry.create_file(s, county.users["jingban"], household, today=TODAY)  # 王建国, son 王浩 (SON)
    rows = [["2024年金秋助学发放名单"], SCH_HEADER,
            [1, 2024, "王浩", SON, "绥德中学", "高中", 2024, "3,000.00", None, None, "2024-09-20"],  # 3: a member of a file
            [2, "2024年", "李娜", STUDENT, "西北大学", "本科", 2024, 5000, "李强", OTHER_PARENT, 45555],  # 4: unfiled
            [3, 2024, "李娜", STUDENT, "西北大学", "本科", 2024, 5000, "李强", OTHER_PARENT, None],  # 5: twice
            [4, 2024, "赵雷", make_id("20060101", 111), "西北大学", "本科", 2024, 5000, None, None, None],  # 6
            [5, 2024, "钱多", make_id("20060303", 113), "西北大学", "本科", 2024, 5000.555, "钱父", make_id("19700101", 111), None],
            [None, "合计", None, None, None, None, None, 18000]]
    path = write_xlsx(tmp_path / "助学.xlsx", rows, merges=["A1:K1"])
    plan = _plan(county, path, "scholarships")
    assert plan.valid_count == 2, [i.line() for i in plan.issues]
    assert "与第4行" not in "".join(_messages(plan, 5)) and "已在第4行" in _messages(plan, 5)[0]
    assert _messages(plan, 6) == ["J列“家长身份证号”：学生赵雷不在任何档案的家庭成员中：请填写家长姓名和家长身份证号"]
    assert _messages(plan, 7) == ["H列“金额”：金额“5000.555”不是整分（最多两位小数），请核对"]
    before = county.counts()
    with county.session() as s:
        commit_import(s, county.users["jingban"], plan, skip_invalid=True)
    assert county.count("scholarship_round", "year = 2024 AND closed AND budget_fen = 800000") == 1
    assert county.count("scholarship", "status = 'paid' AND plan = 'one_off'") == 2
    assert county.count("scholarship", "file_id IS NOT NULL AND student_name = '王浩'") == 1
    assert county.count("unfiled_household", "name = '李强' AND kind = 'low_income'") == 1
    # both paid on 2024-09-20: a date text and an Excel serial (45555); vouchers of 2024 drawn in order
    assert county.count("disbursement", "paid_on = '2024-09-20' AND grant_type = 'scholarship' AND method = 'cash'") == 2
    assert county.count("disbursement", "voucher_no IN ('610826-2024-V000001', '610826-2024-V000002')") == 2
    assert county.count("audit_event") == before["audit_event"] + 1
    # the same ledger again: every student already has that year's scholarship
    plan = _plan(county, path, "scholarships")
    assert plan.valid_count == 0
    assert {d.row for d in plan.duplicates if d.in_database} == {3, 4}
    assert "已有助学申请 610826-2024-S00001" in _messages(plan, 3)[0]


def test_student_checks_of_the_application_form_apply(county: County, tmp_path: Path) -> None:
    rows = [SCH_HEADER,
            [1, 2024, "小孩", make_id("20150101", 111), "某小学", "小学", 2024, 1000, "张三", PARENT, None],
            [2, 2024, "大人", make_id("19900101", 111), "西北大学", "本科", 2024, 1000, "张三", PARENT, None]]
    plan = _plan(county, write_xlsx(tmp_path / "a.xlsx", rows), "scholarships")
    assert _messages(plan, 2) == ["F列“学段”：学段“小学”不在资助范围内，金秋助学资助高中/中职、高职/专科、本科、研究生"]
    assert "34周岁，不符合本科学生的年龄" in _messages(plan, 3)[0]


def test_an_open_round_takes_no_history(county: County, tmp_path: Path) -> None:
    from assist_desktop.services import scholarships

    with county.session() as s:
        scholarships.create_round(s, county.users["shenpi"], scholarships.RoundInput(
            year=2026, apply_start=date(2026, 7, 1), apply_end=date(2026, 9, 30), budget_fen=100_000_00), today=TODAY)
    rows = [SCH_HEADER, [1, 2026, "李娜", STUDENT, "西北大学", "本科", 2025, 5000, "李强", OTHER_PARENT, None]]
    plan = _plan(county, write_xlsx(tmp_path / "a.xlsx", rows), "scholarships")
    assert _messages(plan, 2) == ["B列“年度”：2026年金秋助学尚未结束，不能导入为历史记录；本年度的申请请在金秋助学中录入"]


VISIT_HEADER = ["序号", "姓名", "身份证号", "工作单位", "慰问类别", "慰问金", "慰问品", "走访日期", "走访干部"]


def test_past_visits_in_gbk_csv_become_a_closed_campaign(county: County, tmp_path: Path, household) -> None:
    with county.session() as s:
        registry.create_file(s, county.users["jingban"], household, today=TODAY)
    rows = [["2025年春节送温暖慰问台账"], VISIT_HEADER,
            [1, "王建国", PARENT, "兴业建筑", "", "1500", "500", "2025-01-15", "张国强"],  # the file's category
            [2, "王浩", SON, "兴业建筑", "深度困难", "1500", "米、面、油", "2025-01-15", "张国强"],  # same household
            [3, "赵刚", OTHER_PARENT, "县环卫所", "坚守岗位", "800", None, "45672", "王建军"],  # serial date
            [4, "钱六", make_id("19660606", 117), "县医院", "劳模", None, None, "2025-01-20", None],
            [5, "孙七", make_id("19670707", 119), "县医院", "未建档", "500", None, "2024-06-01", None],
            ["合计", None, None, None, None, "3,800", None, None, None]]
    path = write_csv(tmp_path / "走访.csv", rows, "gbk")
    plan = _plan(county, path, "visits")
    assert plan.valid_count == 2, [i.line() for i in plan.issues]
    assert "所在家庭在2025年已在第3行慰问" in _messages(plan, 4)[0]
    assert _messages(plan, 6) == ["F列“慰问金”：慰问金和慰问品不能都为空"]
    assert _messages(plan, 7) == ["H列“走访日期”：走访日期2024-06-01不在2024年春节送温暖期间（2023年10月1日至2024年3月31日）"]
    with county.session() as s:
        commit_import(s, county.users["jingban"], plan, skip_invalid=True)
    assert county.count("campaign", "year = 2025 AND closed AND budget_fen = 280000") == 1
    assert county.count("visit", "status = 'paid' AND group_key = 'deep' AND file_id IS NOT NULL AND goods_fen = 50000") == 1
    assert county.count("visit", "group_key = 'on_duty' AND actual_date = '2025-01-15'") == 1
    assert county.count("campaign_fund_source", "amount_fen = 280000") == 1
    assert county.count("campaign_standard") == 2
    assert county.count("disbursement", "grant_type = 'visit'") == 2


def test_a_year_with_two_campaigns_asks_which(county: County, tmp_path: Path) -> None:
    from assist_desktop.services import campaigns

    for name in ("甲", "乙"):
        with county.session() as s:
            c = campaigns.create_campaign(s, county.users["shenpi"], campaigns.CampaignInput(
                year=2026, name=f"2026年春节送温暖{name}", visit_start=date(2026, 1, 5), visit_end=date(2026, 2, 10),
                fund_sources=[("上级工会拨款", 100_000_00)],
                standards={"deep": (1500_00, 500_00, "米面油"), "unfiled": (500_00, 0, None)}), today=TODAY)
    rows = [VISIT_HEADER, [1, "赵刚", OTHER_PARENT, "县环卫所", "未建档", "800", None, "2026-01-20", None]]
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    plan = _plan(county, path, "visits")
    assert "2026年有2个春节送温暖活动" in plan.errors[0].message
    plan = _plan(county, path, "visits", options=ImportOptions(campaign_id=c.id))
    assert plan.errors[0].message == "2026年春节送温暖乙尚未结束，不能导入为历史记录；请在该活动中添加慰问对象"
