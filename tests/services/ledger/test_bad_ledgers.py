"""Bad ledgers an office really has: a workbook locked with a password (encrypted as Excel does it), a sheet
with no header, a ledger whose every value is a word nobody uses, and a 200,000-row sheet — read and checked
with progress, cancelled at any point with nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from assist_desktop.services.approvals import BatchCancelled
from assist_desktop.services.ledger import (
    LedgerReadError,
    MappingError,
    commit_import,
    prepare_import,
    read_sheet,
)
from assist_desktop.services.ledger.reading import read_sheets
from tests.services.conftest import TODAY, County, make_id

from .conftest import write_csv, write_xlsx

HEADER = ["姓名", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "困难类别", "主要致困原因", "与户主关系", "家庭人口"]


def test_a_workbook_locked_with_a_password_is_refused_saying_so(county: County, tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.save(plain)
    plain.seek(0)
    locked = tmp_path / "加密台账.xlsx"
    with open(locked, "wb") as out:
        OOXMLFile(plain).encrypt("gonghui2025", out)  # Excel's own agile encryption
    before = county.counts()
    with pytest.raises(LedgerReadError, match="设置了打开密码（已加密），请在 Excel 或 WPS 中取消密码后另存再导入"):
        read_sheet(locked)
    with county.session() as s, pytest.raises(LedgerReadError, match="设置了打开密码"):
        prepare_import(s, county.users["jingban"], locked, "files", today=TODAY)
    assert county.counts() == before


def test_a_sheet_with_no_header_names_what_it_looked_for(county: County, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "无表头.xlsx", [["2025年工作总结"], ["一、基本情况"], ["全县共建档困难职工312户。"]])
    with county.session() as s, pytest.raises(MappingError, match="前30行中找不到困难职工档案台账的表头（应有姓名、身份证号、"
                                                                  "主要致困原因等列名）"):
        prepare_import(s, county.users["jingban"], path, "files", today=TODAY)


def test_a_ledger_whose_every_value_is_unknown_lists_each_word_once(county: County, tmp_path: Path) -> None:
    rows = [HEADER] + [[f"张{c}", make_id("19750102", 401 + 2 * i), "13800000000", "某地", "某厂", "火星镇工会", "五保户",
                        "命不好", "老乡" if i % 2 else None, "三"] for i, c in enumerate("一二三四")]
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], write_xlsx(tmp_path / "怪.xlsx", rows), "files", today=TODAY)
    assert plan.valid_count == 0
    words = {(u.field, u.word): [n for _, n in u.rows] for u in plan.unknown}
    assert words == {("union", "火星镇工会"): [2, 4], ("category", "五保户"): [2, 4], ("primary_cause", "命不好"): [2, 4],
                     ("relation", "老乡"): [3, 5]}
    lines = [i.line() for i in plan.errors]
    assert "第2行，G列“困难类别”：困难类别“五保户”无法识别，共2行使用（第2、4行）；请在“值对应”中指定它是什么，或改正台账" in lines
    assert "第2行，J列“家庭人口”：家庭人口“三”应为整数" in lines and "第4行，J列“家庭人口”：家庭人口“三”应为整数" in lines
    # 老乡 below a worker is a member whose relation nobody can read; each row's other problems are there too
    assert sum("火星镇工会" in line for line in lines) == 1


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200,000 one-row households, as a province-sized export would be (GBK CSV: written in seconds)."""
    path = tmp_path_factory.mktemp("big") / "二十万行.csv"
    head = ["姓名", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "主要致困原因", "家庭人口", "家庭年收入"]
    rows = [head] + [["张伟", make_id(f"19{60 + i % 30}0{1 + i % 9}{10 + i % 18}", i % 1000), "13800000000",
                      "绥德县名州镇1号", "绥德县环卫所", "名州镇总工会", "6", 1 + i % 5, "12000"] for i in range(200_000)]
    return write_csv(path, rows, "gbk")


def test_a_200000_row_sheet_is_read_with_progress_and_cancelled_at_any_point(county: County, big_csv: Path) -> None:
    seen: list[tuple[int, int]] = []
    with pytest.raises(BatchCancelled, match="已取消读取台账"):
        read_sheets(big_csv, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: len(seen) >= 10)
    assert seen[0][1] >= 200_000 and seen[-1][0] == 20_000  # progress of the whole sheet, then the cancel
    sheet = read_sheet(big_csv)
    assert len(sheet.rows) == 200_001
    before = county.counts()
    checked: list[tuple[int, int]] = []
    with county.session() as s, pytest.raises(BatchCancelled, match="已取消检查，没有写入任何数据"):
        prepare_import(s, county.users["jingban"], sheet, "files", today=TODAY,
                       progress=lambda d, t: checked.append((d, t)), cancelled=lambda: len(checked) >= 25)
    assert checked[-1] == (5000, 200_000)
    assert county.counts() == before


def test_hidden_rows_and_columns_are_named_in_the_report(county: County, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "旧编号", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "主要致困原因", "身份证号"])
    for i in range(4):
        ws.append([f"张{'一二三四'[i]}", f"OLD{i}", make_id("19750102", 401 + 2 * i)[:17] + "0", "13800000000", "某地",
                   "某厂", "名州镇总工会", "6", make_id("19750102", 401 + 2 * i)])
    ws.column_dimensions["B"].hidden = True
    ws.column_dimensions["C"].hidden = True  # a stale ID column, hidden, of the same name as column I
    ws.row_dimensions[4].hidden = True
    path = tmp_path / "隐藏.xlsx"
    wb.save(path)
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], path, "files", today=TODAY)
    lines = [i.line() for i in plan.issues if i.level != "error"]
    assert plan.ok and plan.valid_count == 4  # the visible ID column was used, not the hidden stale one
    assert "整张表：C列“身份证号”是隐藏列，与可见的I列同为“身份证号”，未导入隐藏列" in lines
    assert "整张表：隐藏列B列“旧编号”未导入（隐藏列多为旧模板留下的列）" in lines
    assert "第4行：第4行在表中被隐藏，已照常检查；如不应导入，请在台账中删除这些行" in lines
