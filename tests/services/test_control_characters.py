"""Control characters (ESC, BEL, backspace, NUL …) and direction overrides are refused at every entry —
the file editor's service, any other form's write, the ledger import — naming the field, with nothing
written. (The sync import's refusal is in tests/sync/test_bad_input.py; a value stored before this rule no
longer breaks the roster export: tests/services/ledger/test_export.py.)"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.names import InvalidName, normalise_name
from assist_desktop.domain.text import check_plain_text, control_character
from assist_desktop.services import registry, units
from assist_desktop.services.ledger import commit_import, prepare_import
from tests.services.conftest import TODAY, County, make_id

from .ledger.conftest import write_csv


@pytest.mark.parametrize("char,named", [("\x1b", "ESC，U+001B"), ("\x07", "BEL 响铃，U+0007"), ("\x08", "退格，U+0008"),
                                        ("\x00", "NUL 空字符，U+0000"), ("\x7f", "DEL 删除，U+007F"),
                                        ("\x9b", "控制字符，U+009B"), ("\u202e", "方向控制符，U+202E")])
def test_each_control_character_is_named(char: str, named: str) -> None:
    assert control_character(f"张{char}伟") == named
    with pytest.raises(InvalidName, match=re.escape(named)):
        normalise_name(f"阿卜杜热合曼·买买提{char}依明")
    with pytest.raises(DomainError, match=re.escape(f"家庭住址中有不可见的控制字符（{named}）")) as info:
        check_plain_text(f"名州镇{char}", "家庭住址")
    assert info.value.field == "家庭住址"


def test_tabs_and_line_breaks_are_not_control_characters_here() -> None:
    assert control_character("第一行\n第二行\t备注\r") is None
    assert normalise_name("张\t伟") == "张 伟"


def test_the_file_editors_service_refuses_them_naming_the_field(county: County, household) -> None:  # type: ignore[no-untyped-def]
    before = county.counts()
    clerk = county.users["jingban"]
    for changes, field in (({"name": "王建国\x1b[31m"}, "姓名"), ({"address": "名州镇\x07张家村"}, "家庭住址"),
                           ({"employer_name": "绥德县\x08兴业公司"}, "工作单位")):
        with county.session() as s, pytest.raises(DomainError) as info:
            registry.create_file(s, clerk, replace(household, **changes), today=TODAY)
        assert info.value.field == field and "控制字符" in info.value.message
    assert county.counts() == before


def test_any_other_write_is_refused_by_the_guard_naming_the_column(county: County) -> None:
    before = county.counts()
    admin = county.users["admin"]
    with county.session() as s:
        unit = units.list_grassroots_units(s)[1]  # the first is the county itself
    with county.session() as s, pytest.raises(DomainError, match="控制字符") as info:
        units.rename_unit(s, admin, unit.id, "名州镇\x1b总工会")
    assert info.value.field
    assert county.counts() == before


def test_a_ledger_cell_with_one_is_an_error_naming_row_and_column(county: County, tmp_path: Path) -> None:
    header = ["姓名", "与户主关系", "性别", "身份证号码", "联系电话", "家庭住址", "工作单位", "所属工会", "困难类别", "致困原因",
              "家庭人口", "月收入（元）"]
    rows = [header,
            ["王建国", "本人", "男", make_id("19800315", 123), "13912345678", "名州镇张家村12号\x07", "兴业公司",
             "名州镇总工会", "深度困难", "6", 1, "800"],
            ["李秀英\x1b", "本人", "女", make_id("19820611", 224), "13912345679", "名州镇张家村13号", "兴业公司",
             "名州镇总工会", "深度困难", "6", 1, "800"]]
    path = write_csv(tmp_path / "台账.csv", rows, "utf-8")
    before = county.counts()
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], path, "files", today=TODAY)
        lines = [i.line() for i in plan.errors]
        assert any("第2行" in ln and "家庭住址" in ln and "BEL" in ln for ln in lines), lines
        assert any("第3行" in ln and "姓名" in ln and "ESC" in ln for ln in lines), lines
        assert plan.valid_count == 0
        with pytest.raises(DomainError):
            commit_import(s, county.users["jingban"], plan)
    assert county.counts() == before
