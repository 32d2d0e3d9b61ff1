"""The longest real values a county's documents carry, for the layout tests: minority names of up to 30
characters (阿卜杜热合曼·买买提依明·艾则孜 and longer), 40-character grassroots union names, the county
积石山保安族东乡族撒拉族自治县总工会, 40-character campaign and round names, long addresses, schools and
employers, rare characters (CJK Extension A and B), and the largest amounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from assist_desktop.reports.base import Opinion

COUNTY = "积石山保安族东乡族撒拉族自治县总工会"
NAMES = (
    "阿卜杜热合曼·买买提依明·艾则孜·阿布都克力木·吐尔逊艾力江",  # 30
    "古丽努尔·阿不都热合曼·买买提依明·艾则孜江·吐尔洪",  # 26
    "阿卜杜热合曼·买买提依明·艾则孜",  # 16
    "欧阳𠀀㐂",  # Extension B and A
    "马尔哈巴·马合木提",
    "韩撒拉玛·马哈麦",
)
UNIONS = (
    "临夏州积石山保安族东乡族撒拉族自治县大河家镇大河家村农民工服务中心联合工会委员会",  # 40
    "积石山保安族东乡族撒拉族自治县吹麻滩镇中心学校暨附属幼儿园教育系统联合工会委员会",  # 40
)
CAMPAIGN = "2027年积石山保安族东乡族撒拉族自治县总工会春节送温暖困难职工家庭走访慰问活动"  # 40
ROUND = "2027年积石山保安族东乡族撒拉族自治县总工会金秋助学困难职工子女助学金发放活动"  # 40
ADDRESS = ("甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县大河家镇大河家村三社保安族民俗文化旅游区移民安置小区"
           "12号楼2单元602室")
EMPLOYER = "积石山保安族东乡族撒拉族自治县大河家镇保安腰刀锻制技艺传承与民族手工艺品加工农民专业合作社"
SCHOOL = "新疆维吾尔自治区喀什地区疏附县托克扎克镇中学内地新疆高中班（甘肃省临夏回族自治州民族中学）"
ILLNESS = "患病（终末期肾病规律血液透析、2型糖尿病伴多种并发症）"

assert len(NAMES[0]) == 30 and all(len(u) == 40 for u in UNIONS) and len(CAMPAIGN) == 40 and len(ROUND) == 40


def opinions(grassroots: str) -> tuple[Opinion, ...]:
    return (Opinion("基层工会意见", "基层工会负责人", grassroots),
            Opinion("县总工会审核意见", "审核人", COUNTY, "经审核，该户家庭人均月收入低于当地最低生活保障标准，情况属实，同意建档并报县总工会审批。",
                    NAMES[1], date(2026, 12, 30)),
            Opinion("县总工会审批意见", "审批人", COUNTY, "同意建档。", NAMES[2], date(2027, 1, 8)))


def file_form():
    from assist_desktop.reports.file_form import FileForm, MemberLine

    members = tuple(MemberLine(NAMES[(i + 1) % len(NAMES)], relation, sex, f"62292719{80 + i:02d}0315{i:03d}{i % 10}",
                               date(1980 + i, 3, 15), identity, health, 123_456_78 if i == 0 else 0,
                               SCHOOL if identity == "学生" else EMPLOYER)
                    for i, (relation, sex, identity, health) in enumerate((
                        ("配偶", "女", "失(无)业", "残疾"), ("儿子", "男", "学生", "良好"), ("女儿", "女", "学生", "良好"),
                        ("父亲", "男", "退休", "患病"), ("母亲", "女", "农民工", "一般"))))
    return FileForm(
        unit_name=COUNTY, grassroots_name=UNIONS[0], file_no="622927-2027-00001", printed_on=date(2027, 1, 9),
        status="在档", name=NAMES[0], sex="男", id_number="62292719800315123X", birth_date=date(1980, 3, 15),
        phone="13912345678", address=ADDRESS, employer_name=EMPLOYER, ethnicity="维吾尔族", political_status="中共党员",
        health=ILLNESS, disability="肢体 二级（重度）", work_status="下(待)岗", model_worker="省部级", marital_status="丧偶",
        hukou="农业", housing="租住私房 20–50平方米", unit_nature="集体企业", file_type="困难农民工", file_origin="返困",
        flags=("单亲家庭", "零就业家庭", "农民工", "解困脱困对象", "无自救能力"), members=members, household_size=6,
        worker_monthly_income_fen=123_456_78, other_annual_income_fen=987_654_32, household_annual_income_fen=999_999_99,
        medical_expenses_fen=888_888_88, schooling_expenses_fen=77_777_77, hardship_costs_fen=99_999_99,
        per_capita_fen=4_567, subsistence_line_fen=81_500, category="意外致困", category_proposed="深度困难",
        category_override_reason="户主因工伤致残，家庭遭受意外事故，当年致困支出超过家庭年收入的百分之八十，按意外致困建档",
        primary_cause="遭受意外事故", secondary_causes=("患重特大疾病", "子女上学", "下岗失业"),
        other_cause_text="妻子肢体残疾无劳动能力，父母年老多病，两名子女分别就读高中和大学，住房为租住",
        bank_name="甘肃积石山农村商业银行股份有限公司", bank_branch="大河家镇支行营业部（积石山保安族东乡族撒拉族自治县）",
        bank_account="6228480123456789012345", civil_affairs_check="2026年12月28日 经县民政局家庭经济状况核对，符合条件",
        notice="2026年12月28日至2027年1月6日公示（5个工作日），期满无异议", opinions=opinions(UNIONS[0]))


def scholarship_form():
    from assist_desktop.reports.scholarship_form import ScholarshipForm

    return ScholarshipForm(
        unit_name=COUNTY, application_no="622927-2027-S00001", round_name=ROUND, printed_on=date(2027, 9, 20),
        status="已发放", student_name=NAMES[0], student_sex="男", student_id_number="622927200907011234",
        student_birth_date=date(2009, 7, 1), school=SCHOOL, education_level="本科", admission_year=2027, study_years=5,
        major="临床医学（五年制本科·少数民族预科班）", admission_notice_no="2027-6229-000123456789",
        parent_name=NAMES[1], parent_id_number="62292719800315123X", household_kind="建档困难职工",
        file_no="622927-2027-00001", category="深度困难", parent_employer=EMPLOYER, grassroots_name=UNIONS[1],
        phone="13912345678", address=ADDRESS, amount_fen=500_000, standard_amount_fen=500_000, plan="按年发放至毕业",
        plan_years=5, exclusions=(("已获其他渠道同类资助", False), ("自费出国留学", False), ("高收费民办或中外合作办学", False),
                                  ("军事院校、免学费或定向项目", False)),
        notice="2027年8月24日至2027年8月28日公示（5个工作日），期满无异议", opinions=opinions(UNIONS[1]))


def vouchers(count: int = 7, per_sheet: int = 3):
    from assist_desktop.reports.voucher import Voucher, VoucherSheet
    from tests.reports.conftest import signed_payload

    items = []
    for n in range(1, count + 1):
        name = NAMES[n % len(NAMES)]
        number = f"622927-2027-V{n:06d}"
        masked = f"6229**********{1000 + n:04d}"
        paid = date(2027, 1, 28)
        items.append(Voucher(number, "金秋助学助学金（分年发放）", f"{ROUND}（第5学年）", name, masked, 99_999_999, paid,
                             "转账", signed_payload(number, name, masked, 99_999_999, paid),
                             account="6228480123456789012", copy_no=1 + (n % 3 == 0)))
    return VoucherSheet(COUNTY, items, per_sheet)


def roster_lines(count: int = 31):
    from assist_desktop.reports.signoff import RosterLine

    return [RosterLine(NAMES[n % len(NAMES)], UNIONS[n % 2], "相对困难" if n % 2 else "坚守岗位职工",
                       f"6229**********{n:04d}", 9_999_999, 999_999) for n in range(1, count + 1)]


def signoff(count: int = 31):
    from assist_desktop.reports.signoff import SignoffSheet

    return SignoffSheet(COUNTY, f"{CAMPAIGN}慰问金（品）签领表", roster_lines(count), date(2027, 1, 9),
                        note="慰问品：大米25公斤、面粉25公斤、菜籽油5升（按标准折价500元）")


def notice(count: int = 40):
    from assist_desktop.reports.notice import NoticeLine, PublicNotice

    lines = [NoticeLine(NAMES[n % len(NAMES)], UNIONS[n % 2], "深度困难", f"6229**********{n:04d}", 9_999_999)
             for n in range(1, count + 1)]
    intro = (f"\u3000\u3000根据{CAMPAIGN}安排，经基层工会推荐、县总工会审核，拟对以下{count}户困难职工家庭走访慰问，现予公示。"
             f"公示期为2027年1月4日至2027年1月8日（5个工作日）。如有异议，请在公示期内向{COUNTY}反映。")
    return PublicNotice(COUNTY, f"{CAMPAIGN}慰问对象公示名单", lines, date(2027, 1, 4), intro=intro,
                        contact_phone="0930-7721234", amount_label="慰问金额", who="户")


def statistics():
    from assist_desktop.reports.statistics import StatColumn, StatisticsSummary, StatRow, StatSection

    files = StatSection("一、困难职工档案", "困难类别", (StatColumn("在档户数"), StatColumn("本年新建档"), StatColumn("本年撤档")),
                        (StatRow("深度困难", (12_345, 1_234, 123)), StatRow("相对困难", (23_456, 2_345, 234)),
                         StatRow("意外致困", (3_456, 345, 34))), note="在档户数为2026年12月31日的数目。")
    money = StatSection("二、2026年春节送温暖", "慰问对象",
                        (StatColumn("户数"), StatColumn("慰问金", True), StatColumn("慰问品折价", True), StatColumn("合计", True)),
                        tuple(StatRow(label, (99_999, 999_999_999_99, 99_999_999_99, 999_999_999_99))
                              for label in ("深度困难职工", "相对困难职工", "意外致困职工", "劳动模范", "坚守岗位职工",
                                            "未建档低收入职工")))
    return StatisticsSummary(COUNTY, 2026, date(2026, 12, 31), (files, money, replace(money, title="三、重复一节")))


__all__ = ["ADDRESS", "CAMPAIGN", "COUNTY", "EMPLOYER", "NAMES", "ROUND", "SCHOOL", "UNIONS", "file_form", "notice",
           "roster_lines", "scholarship_form", "signoff", "statistics", "vouchers"]


def exited_file_form():
    return replace(file_form(), status="已撤档", exit_date=date(2027, 3, 31), exit_reason="家庭收入增加，已脱困",
                   exit_note="长子大学毕业就业，家庭月人均收入超过当地最低生活保障标准的两倍", filled_on=date(2026, 12, 20),
                   medical_insurance="城乡居民基本医疗保险", hukou_region="甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县（622927）",
                   work_start=date(2003, 7, 1), postal_code="731700", other_contact="0930-7721234（村委会）",
                   filed_by=NAMES[2], reviewed_by=NAMES[1], entered_by=NAMES[0],
                   reviews=("2027年3月1日 2026年度复核：继续在档，类别由深度困难调整为意外致困",),
                   attachments=tuple(f"{kind}：{name}" for kind, name in (
                       ("身份证及户口簿", "阿卜杜热合曼·买买提依明户口簿（首页及全部成员页）扫描件.pdf"),
                       ("工资或收入证明", "积石山县大河家镇保安腰刀专业合作社2026年度收入证明.jpg"),
                       ("诊断证明及医疗费用票据", "临夏州人民医院终末期肾病诊断证明及2026年透析费用票据.pdf"),
                       ("残疾证", "妻子残疾人证（肢体二级）.jpg"), ("学生证或录取通知书", "长子兰州大学学生证.jpg"),
                       ("帮扶申请书", "困难职工帮扶申请书（本人签字）.pdf"))))


def notice_of_files(count: int = 23):
    from assist_desktop.reports.notice import NoticeLine, PublicNotice

    lines = [NoticeLine(NAMES[n % len(NAMES)], UNIONS[n % 2], ("深度困难", "相对困难", "意外致困")[n % 3],
                        f"6229**********{n:04d}", 0) for n in range(1, count + 1)]
    title = f"{COUNTY}2027年第一批困难职工建档对象公示名单"
    intro = (f"\u3000\u3000经职工本人申请、基层工会入户调查、县总工会审核，拟将以下{count}户职工家庭纳入困难职工档案管理，"
             f"现予公示。公示期为2027年1月4日至2027年1月8日（5个工作日）。如有异议，请在公示期内向{COUNTY}反映。")
    return PublicNotice(COUNTY, title, lines, date(2027, 1, 4), intro=intro, contact_phone="0930-7721234",
                        contact_person=NAMES[0], amount_label="金额", who="户")
