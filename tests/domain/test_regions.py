"""GB/T 2260 region codes from resources/regions/gb2260.csv."""

import csv

import pytest

from assist_desktop.domain import regions
from assist_desktop.domain.regions import (
    InvalidRegionCode,
    city_code,
    counties_in,
    full_region_name,
    is_known_region,
    province_code,
    region_name,
)
from assist_desktop.paths import resource_path


def test_current_county():
    assert region_name("610826") == "绥德县"
    assert full_region_name("610826") == "陕西省榆林市绥德县"
    assert is_known_region("610826")


def test_retired_code_keeps_its_historical_name():
    # 612726 定边县 of the former 榆林地区 (612700), retired in 1998.
    assert is_known_region("612726")
    assert region_name("612726") == "定边县"
    assert full_region_name("612726") == "陕西省榆林地区定边县"
    assert not regions.history("612726")[0].current
    assert regions.history("612726")[0].end_year == 1998


def test_reused_code_gives_the_current_name():
    assert region_name("130123") == "正定县"
    assert [r.name for r in regions.history("130123")][0] == "正定县"


def test_unknown_code():
    assert not is_known_region("999999")
    assert region_name("999999") is None
    assert full_region_name("999999") is None


def test_full_names_skip_groupings():
    assert full_region_name("110105") == "北京市朝阳区"  # not 北京市市辖区朝阳区
    assert full_region_name("500230") == "重庆市丰都县"
    assert full_region_name("419001") == "河南省济源市"
    assert full_region_name("610000") == "陕西省"
    assert full_region_name("610800") == "陕西省榆林市"


def test_counties_in_shaanxi():
    codes = counties_in("61")
    assert len(codes) > 100
    assert codes == sorted(codes)
    assert all(c.startswith("61") and c[4:] != "00" for c in codes)
    assert "610826" in codes
    assert "610801" not in codes  # 市辖区 is not a county
    assert "610821" not in codes  # 神木县 became 神木市 (610881) in 2017
    assert "612726" not in codes
    assert counties_in("6108") == [c for c in codes if c.startswith("6108")]
    assert "610881" in counties_in("6108")


@pytest.mark.parametrize("prefix", ["6", "610", "610826", "ab", ""])
def test_counties_in_needs_a_province_or_city_prefix(prefix):
    with pytest.raises(InvalidRegionCode) as caught:
        counties_in(prefix)
    assert "2位" in caught.value.message


def test_province_and_city_codes():
    assert province_code("610826") == "610000"
    assert city_code("610826") == "610800"
    assert city_code("610000") is None
    with pytest.raises(InvalidRegionCode) as caught:
        province_code("6108")
    assert "6位数字" in caught.value.message


def test_csv_shape():
    with resource_path("regions", "gb2260.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["code", "name", "start_year", "end_year"]
    assert len(rows) > 7000
    for row in rows:
        assert len(row["code"]) == 6 and row["code"].isdigit()
        assert row["name"]
        for year in (row["start_year"], row["end_year"]):
            assert year == "" or 1980 <= int(year) <= 2030
