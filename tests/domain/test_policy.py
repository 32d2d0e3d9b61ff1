"""Standards and subsistence lines as yearly TOML files (DESIGN.md §2 PolicyStandard, §3)."""

import shutil

import pytest

from assist_desktop.domain.policy import PolicyError, PolicyStandard, load_policy
from assist_desktop.paths import resource_path

from .helpers import assert_chinese


@pytest.fixture(scope="module")
def book():
    return load_policy()


def test_bundled_years(book):
    assert {2025, 2026} <= set(book.years())


def test_scholarship_standards(book):
    # DESIGN.md §3: higher education 5000 filed / 4000 unfiled; senior high 3000 / 2000.
    filed = book.standard("scholarship", 2026, "undergraduate")
    assert filed == PolicyStandard(
        "scholarship", 2026, "undergraduate", True, 500_000, plan="one_off", label="本科"
    )
    assert book.standard("scholarship", 2026, "undergraduate", filed=False).amount_fen == 400_000
    assert book.standard("scholarship", 2026, "senior_high").amount_fen == 300_000
    assert book.standard("scholarship", 2026, "senior_high", filed=False).amount_fen == 200_000
    keys = {s.key for s in book.standards("scholarship", 2026)}
    assert keys == {"senior_high", "vocational_college", "undergraduate", "postgraduate"}


def test_spring_festival_standards(book):
    # DESIGN.md §3: e.g. deep 1500 cash + 500 goods.
    for year in (2025, 2026):
        deep = book.standard("spring_festival", year, "deep")
        assert (deep.amount_fen, deep.goods_fen, deep.total_fen) == (150_000, 50_000, 200_000)
        assert deep.goods_description
    assert book.standard("spring_festival", 2026, "unfiled", filed=False).amount_fen == 50_000
    # applies_to = "all": the same standard whether the household has a file or not.
    on_duty = book.standard("spring_festival", 2026, "on_duty")
    assert book.standard("spring_festival", 2026, "on_duty", filed=False).amount_fen == on_duty.amount_fen


def test_missing_standard_names_it(book):
    with pytest.raises(PolicyError) as caught:
        book.standard("spring_festival", 2026, "deep", filed=False)
    assert_chinese(caught.value.message, "2026年", "春节送温暖", "深度困难职工", "未建档")
    with pytest.raises(PolicyError) as caught:
        book.standard("scholarship", 2031, "undergraduate")
    assert_chinese(caught.value.message, "2031年", "2031.toml")


def test_subsistence_line_falls_back_county_city_province(book):
    assert book.subsistence_line("610826", 2026) == 77_000  # 绥德县's own line
    assert book.subsistence_line("610802", 2026) == 78_000  # 榆林市
    assert book.subsistence_line("610502", 2026) == 76_000  # 陕西省
    assert book.subsistence_line("610826", 2025) == 75_000  # 2025 has no county line
    assert book.subsistence_line("610102", 2025) == 79_000  # written "790.00" in the file


def test_missing_subsistence_line_names_region_and_year(book):
    with pytest.raises(PolicyError) as caught:
        book.subsistence_line("110105", 2026)
    assert_chinese(caught.value.message, "2026年", "110105", "北京市朝阳区")


GOOD = """
year = 2030
[subsistence_lines]
"61" = 700.50
[[scholarship]]
key = "undergraduate"
filed = "5,000.00"
plan = "yearly"
[[spring_festival]]
key = "work_injury"
label = "工伤职工家属"
cash = 800
"""


def write(tmp_path, text, name="2030.toml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_custom_file(tmp_path):
    (tmp_path / "README.md").write_text("not a policy file", encoding="utf-8")
    book = load_policy(write(tmp_path, GOOD))
    assert book.years() == [2030]
    assert book.subsistence_line("610826", 2030) == 70_050  # an unquoted decimal is read without float
    standard = book.standard("scholarship", 2030, "undergraduate")
    assert (standard.amount_fen, standard.plan) == (500_000, "yearly")
    with pytest.raises(PolicyError):
        book.standard("scholarship", 2030, "undergraduate", filed=False)
    assert book.standard("spring_festival", 2030, "work_injury").label == "工伤职工家属"


def test_bundled_files_copy_loads(tmp_path):
    for path in resource_path("policy").glob("*.toml"):
        shutil.copy(path, tmp_path)
    assert load_policy(tmp_path).years() == load_policy().years()


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("year = 2030\n[[scholarship]\n", ["格式错误"]),
        ("year = 2029\n", ["year", "2030"]),
        (GOOD.replace('"5,000.00"', '"5000.555"'), ["undergraduate", "两位小数"]),
        (GOOD.replace('"5,000.00"', '"-5000"'), ["undergraduate", "负数"]),
        (GOOD.replace('"5,000.00"', "true"), ["undergraduate", "金额"]),
        (GOOD.replace('plan = "yearly"', 'plan = "monthly"'), ["undergraduate", "plan"]),
        (GOOD.replace('plan = "yearly"', "amount = 5000"), ["undergraduate", "amount"]),
        (GOOD.replace('filed = "5,000.00"', ""), ["undergraduate", "filed"]),
        (GOOD.replace('label = "工伤职工家属"', ""), ["第1个[[spring_festival]]", "work_injury", "label"]),
        (GOOD.replace("cash = 800", ""), ["work_injury", "cash"]),
        (GOOD + '[[spring_festival]]\nkey = "work_injury"\nlabel = "x"\ncash = 1\n', ["第2个", "重复"]),
        (GOOD.replace('"61" = 700.50', '"610" = 700'), ["“610”", "行政区划代码"]),
        (GOOD.replace('"61" = 700.50', '"61" = 0'), ["“61”", "大于0"]),
        (GOOD + "[budget]\ntotal = 1\n", ["budget"]),
    ],
)
def test_malformed_file_names_file_and_entry(tmp_path, text, needles):
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    assert_chinese(caught.value.message, "2030.toml", *needles)


def test_empty_or_missing_directory(tmp_path):
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path)
    assert_chinese(caught.value.message, "没有年度政策文件")
    with pytest.raises(PolicyError):
        load_policy(tmp_path / "nowhere")
