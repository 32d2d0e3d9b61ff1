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
    with pytest.raises(LedgerReadError, match="设置了打开密码（已加密）：请输入打开密码，或在 Excel 或 WPS 中取消密码后另存再导入"):
        read_sheet(locked)
    assert read_sheet(locked, password="gonghui2025").rows[0][:2] == ["姓名", "身份证号"]  # with it, read in memory
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


def test_hidden_rows_and_columns_of_an_xls_are_named_too(county: County, tmp_path: Path) -> None:
    """Excel 97-2003 keeps the hidden flag in its ROW and COLINFO records, which calamine does not read."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("台账")
    rows = [["姓名", "旧编号", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "主要致困原因", "身份证号"]]
    rows += [[f"张{'一二三四'[i]}", f"OLD{i}", make_id("19750102", 401 + 2 * i)[:17] + "0", "13800000000", "某地",
              "某厂", "名州镇总工会", "6", make_id("19750102", 401 + 2 * i)] for i in range(4)]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.col(1).hidden = True
    ws.col(2).hidden = True  # a stale ID column, hidden, of the same name as column I
    ws.row(3).hidden = True
    path = tmp_path / "隐藏.xls"
    book.save(str(path))
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], path, "files", today=TODAY)
    lines = [i.line() for i in plan.issues if i.level != "error"]
    assert plan.ok and plan.valid_count == 4  # the visible ID column was used, not the hidden stale one
    assert "整张表：C列“身份证号”是隐藏列，与可见的I列同为“身份证号”，未导入隐藏列" in lines
    assert "整张表：隐藏列B列“旧编号”未导入（隐藏列多为旧模板留下的列）" in lines
    assert "第4行：第4行在表中被隐藏，已照常检查；如不应导入，请在台账中删除这些行" in lines


def test_bank_cards_excel_damaged_are_refused_in_csv_as_in_xlsx(county: County, tmp_path: Path) -> None:
    head = ["姓名", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "主要致困原因", "银行卡号"]
    rows = [head] + [[f"张{'一二三'[i]}", make_id("19750102", 401 + 2 * i), "13800000000", "某地", "某厂", "名州镇总工会",
                      "6", card] for i, card in enumerate(("6.22848E+18", "6228480123456780000", "6228480123456789012"))]
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], write_csv(tmp_path / "卡号.csv", rows, "gbk"), "files",
                              today=TODAY)
    errors = {i.row: (i.column, i.message) for i in plan.errors}
    assert errors[2][0] == "H列“银行卡号”" and "科学计数法" in errors[2][1]
    assert errors[3] == ("H列“银行卡号”", "银行卡号“6228480123456780000”第15位以后全是0：号码被 Excel 存成了数字，后几位已丢失，"
                                         "无法恢复；请把该列设为“文本”格式后重新录入卡号")
    assert 4 not in errors and plan.valid_count == 1


def test_a_union_column_under_another_name_is_known_by_its_cells_and_a_missing_one_said_once(
        county: County, tmp_path: Path) -> None:
    head = ["姓名", "身份证号", "联系电话", "家庭住址", "工作单位", "归口单位", "主要致困原因"]
    rows = [head] + [[f"张{'一二三'[i]}", make_id("19750102", 401 + 2 * i), "13800000000", "某地", "某厂",
                      ("名州镇工会", "名州镇", "绥德县名州镇总工会")[i], "6"] for i in range(3)]
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], write_xlsx(tmp_path / "归口.xlsx", rows), "files", today=TODAY)
    assert plan.ok and plan.valid_count == 3
    assert "整张表：F列“归口单位”的内容是本单位的基层工会名称，按“所属工会”导入" in [i.line() for i in plan.issues]
    without = [[c for j, c in enumerate(r) if j != 5] for r in rows]
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], write_xlsx(tmp_path / "无工会.xlsx", without), "files",
                              today=TODAY)
    assert [i.line() for i in plan.errors] == ["第2行，“所属工会”：没有所属工会（第2、3、4行，共3户）：请在“所属工会”列填写"
                                               "基层工会名称，或在导入时选择默认的所属工会"]
    with county.session() as s:  # --unit: the answer for the whole sheet
        from assist_desktop.services.ledger import ImportOptions

        plan = prepare_import(s, county.users["jingban"], tmp_path / "无工会.xlsx", "files", today=TODAY,
                              options=ImportOptions(unit_id=county.grassroots_id))
    assert plan.ok and plan.valid_count == 3
