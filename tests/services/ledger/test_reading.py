"""Reading ledgers: .xls written by an Excel 97-2003 writer, CSV in GBK and in UTF-8 with a BOM, and the bad
files an office has (wrong type, password, corrupt, empty, no header): a clear message, nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from assist_desktop.services.ledger import (
    LedgerReadError,
    MappingError,
    detect_header,
    guess_kind,
    prepare_import,
    read_sheet,
)
from tests.services.conftest import TODAY, County, make_id

from .conftest import write_csv, write_xls, write_xlsx

ID_A = make_id("19800315", 123)
ID_B = make_id("19750102", 457)
HEADER = ["姓名", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "主要致困原因", "月收入"]


def _rows():
    return [HEADER,
            ["王建国", ID_A, "13912345678", "绥德县名州镇张家村12号", "兴业建筑公司", "名州镇总工会", "6", "800"],
            ["張偉", ID_B, "13912345679", "绥德县名州镇王家村3号", "兴业建筑公司", "名州镇总工会", "患重特大疾病", "1,000元"]]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_gbk_or_utf8_is_decoded(county: County, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "台账.csv", [["绥德县困难职工台账"], *_rows()], encoding)
    sheet = read_sheet(path)
    assert sheet.encoding == {"gbk": "gb18030", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030"}[encoding]
    assert sheet.rows[2][0] == "王建国"
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], sheet, "files", today=TODAY)
    assert plan.ok, [i.line() for i in plan.issues]
    assert [r.name for r in plan.records] == ["王建国", "张伟"]


def test_csv_id_numbers_that_went_through_excel(county: County, tmp_path: Path) -> None:
    rows = _rows()
    rows[1][1] = "6.10826E+17"
    path = write_csv(tmp_path / "台账.csv", rows, "gbk")
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], path, "files", today=TODAY)
    assert [i.line() for i in plan.errors] == [
        "第2行，B列“身份证号”：身份证号“6.10826E+17”是科学计数法：号码被 Excel 存成了数字，后几位已丢失，无法恢复；"
        "请把该列设为“文本”格式后重新录入号码"]


def test_xls_with_a_merged_title_and_grouped_header(county: County, tmp_path: Path) -> None:
    """Excel 97-2003: the title merged across, 家长 merged over 姓名 / 身份证号, dates as date cells."""
    title = ["2025年金秋助学发放台账"] + [None] * 8
    upper = ["学生姓名", "学生身份证号", "学校", "学段", "金额", "家长", None, "发放日期", "序号"]
    lower = [None, None, None, None, None, "姓名", "身份证号", None, None]
    data = ["王浩", make_id("20070901", 331), "西北大学", "本科", 5000.0, "王建国", ID_A, date(2025, 9, 20), 1]
    path = write_xls(tmp_path / "助学.xls", [title, upper, lower, data],
                     merges=[(0, 0, 0, 8), (1, 1, 5, 6)] + [(1, 2, c, c) for c in (0, 1, 2, 3, 4, 7, 8)])
    sheet = read_sheet(path)
    assert sheet.file_format == "xls" and (0, 0, 0, 8) in sheet.merged
    assert guess_kind(sheet) == "scholarships"
    guess = detect_header(sheet, "scholarships")
    assert guess.header_rows == (1, 2)
    assert guess.mapping[5] == "parent_name" and guess.mapping[6] == "parent_id_number"
    assert guess.headers[5] == "家长/姓名"
    assert sheet.rows[3][7] == date(2025, 9, 20) and sheet.rows[3][4] == 5000.0
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], sheet, today=TODAY)  # the kind guessed
    assert plan.kind == "scholarships" and plan.ok, [i.line() for i in plan.issues]
    assert plan.records[0].payload["year"] == 2025 and plan.records[0].payload["amount"] == 500_000


def test_header_found_below_a_title_and_a_note(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["某某县总工会"], ["填报单位：名州镇", None, "2024年12月"], *_rows()])
    guess = detect_header(read_sheet(path), "files")
    assert guess.header_rows == (2,) and guess.first_data_row == 3


def test_bad_files_get_a_clear_message(county: County, tmp_path: Path) -> None:
    word = tmp_path / "说明.docx"
    word.write_bytes(b"PK\x03\x04not really")
    with pytest.raises(LedgerReadError, match="不支持的文件类型"):
        read_sheet(word)
    locked = tmp_path / "加密.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(LedgerReadError, match="设置了打开密码"):
        read_sheet(locked)
    broken = tmp_path / "损坏.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(LedgerReadError, match="已损坏"):
        read_sheet(broken)
    bad_xls = tmp_path / "损坏.xls"
    bad_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600)
    with pytest.raises(LedgerReadError, match="加密|已损坏"):
        read_sheet(bad_xls)
    empty = write_xlsx(tmp_path / "空.xlsx", [])
    with pytest.raises(LedgerReadError, match="是空的"):
        read_sheet(empty)
    with pytest.raises(LedgerReadError, match="是空文件"):
        read_sheet(write_csv(tmp_path / "空.csv", [], "utf-8"))
    no_header = write_xlsx(tmp_path / "无表头.xlsx", [["甲", "乙", "丙"], [1, 2, 3]])
    with pytest.raises(MappingError, match="找不到"):
        detect_header(read_sheet(no_header), "files")
    with pytest.raises(LedgerReadError, match="没有名为“明细”的工作表"):
        read_sheet(write_xlsx(tmp_path / "a.xlsx", _rows()), "明细")
    before = county.counts()
    with county.session() as s, pytest.raises(MappingError):
        prepare_import(s, county.users["jingban"], no_header, "files", today=TODAY)
    assert county.counts() == before


def test_a_sheet_missing_a_required_column_says_which(county: County, tmp_path: Path) -> None:
    rows = [[c for c in r if c != "身份证号"] for r in [HEADER]] + [r[:1] + r[2:] for r in _rows()[1:]]
    with county.session() as s, pytest.raises(MappingError, match="缺少必需的列：身份证号"):
        prepare_import(s, county.users["jingban"], write_xlsx(tmp_path / "a.xlsx", rows), "files", today=TODAY)
    # the caller's mapping fills the gap: column B (联系电话 here) is declared the ID column … and fails as such
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], tmp_path / "a.xlsx", "files", today=TODAY,
                              mapping={1: "id_number", 2: None})
    assert "身份证号应为18位" in plan.errors[0].message


def test_xlsx_cells_read_as_a_second_reader_sees_them(county: County, tmp_path: Path) -> None:
    """The .xlsx values come from python-calamine: every cell must be what openpyxl (the second reader) gives —
    whole numbers as int, date cells as datetime, an ID Excel stored as a number as that float, 出生年月 1980.03,
    error cells (#N/A typed, and a VLOOKUP's cached #N/A as WPS leaves it) as their text — and the merged
    title, hidden row and hidden column read from the sheet's XML."""
    import re
    import zipfile
    from datetime import datetime, time

    rows = [["绥德县困难职工台账"] + [None] * 10,
            [*HEADER[:7], "家庭人口", "出生年月", "建档时间", "备注"],
            ["王建国", ID_A, "13912345678", "绥德县名州镇张家村12号", "兴业建筑公司", "名州镇总工会", "6", 4, 1980.03,
             datetime(2015, 3, 1), "#N/A"],
            ["李娜", 6.10826198110001e17, "13912345679", "绥德县名州镇王家村3号", "兴业建筑公司", "名州镇总工会", "6", 3.0,
             "1994.12", datetime(2019, 10, 4, 9, 30), time(8, 30)],
            ["赵强", ID_B, "13912345670", "绥德县名州镇3号", "兴业建筑公司", "名州镇总工会", "6", "=1+1", None, None, None]]
    path = tmp_path / "台账.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for row in rows:
        ws.append(row)
    ws.merge_cells("A1:K1")
    ws.column_dimensions["K"].hidden = True
    ws.row_dimensions[4].hidden = True
    wb.save(path)
    # WPS keeps a VLOOKUP that found nothing as a formula with its cached error value
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb'<c r="H5"[^>]*>.*?</c>',
                                               b'<c r="H5" t="e"><f>VLOOKUP(A5,Sheet2!A:B,2,0)</f><v>#N/A</v></c>',
                                               sheet_xml)
    assert parts["xl/worksheets/sheet1.xml"] != sheet_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)

    sheet = read_sheet(path)
    second = [list(r) for r in openpyxl.load_workbook(path, read_only=True, data_only=True).active.iter_rows(values_only=True)]
    assert len(sheet.rows) == len(second)
    for ours, theirs in zip(sheet.rows, second):
        theirs = theirs[:len(ours)] if not any(v is not None for v in theirs[len(ours):]) else theirs
        assert [(v, type(v)) for v in ours] == [(v, type(v)) for v in theirs]
    assert sheet.rows[2][7:11] == [4, 1980.03, datetime(2015, 3, 1), "#N/A"] and type(sheet.rows[3][7]) is int
    assert sheet.rows[3][1] == 6.10826198110001e17 and sheet.rows[3][9] == datetime(2019, 10, 4, 9, 30)
    assert sheet.rows[4][7] == "#N/A"
    assert sheet.merged == [(0, 0, 0, 10)] and sheet.hidden_cols == {10} and sheet.hidden_rows == {3}
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], sheet, "files", today=TODAY)
    lines = [i.line() for i in plan.errors]
    assert any(t.startswith("第4行，B列") and "被 Excel 存成了数字" in t for t in lines), lines
    assert any(t.startswith("第5行，H列") and "#N/A" in t for t in lines), lines
