"""Exported workbooks read back by a second reader (python-calamine, and the sheet XML itself): IDs are
text, amounts numbers with two decimals, the header frozen, totals right; masked unless the user may see
full IDs, every export in the audit log; and each list imports back (round trip)."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from contextlib import closing
from decimal import Decimal
from pathlib import Path

from tests.dbtools import audit_changes, connect
import pytest
import python_calamine

from assist_desktop.services.base import PermissionDenied
from assist_desktop.services.demo import generate_demo
from assist_desktop.services.ledger import (
    ImportOptions,
    commit_import,
    export_roster,
    export_scholarships,
    export_visits,
    prepare_import,
)
from assist_desktop.storage.schema import open_database
from assist_desktop.storage.location import ServerAddress
from tests.services.conftest import TODAY, County


@pytest.fixture
def demo(county: County, tmp_path: Path, county_template, databases):  # type: ignore[no-untyped-def]
    """The county with 60 demo households and last year's scholarships and campaign; and an empty twin."""
    twin = databases.copy(county_template, tmp_path, "twin.sqlite")
    generate_demo(county.db, 60, seed=5, today=TODAY)
    yield county, twin
    databases.drop(twin)


def calamine_rows(path: Path) -> list[list]:
    return python_calamine.load_workbook(str(path)).get_sheet_by_index(0).to_python()


def decrypted(path: Path, password: str | None) -> Path:
    """A protected export opened as Excel and WPS do, with its password (msoffcrypto, a second reader)."""
    import msoffcrypto

    assert password, "a list with full IDs must come with its password"
    with open(path, "rb") as f:
        assert f.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE container, not a readable zip
        f.seek(0)
        office = msoffcrypto.OfficeFile(f)
        assert office.is_encrypted()
        office.load_key(password=password)
        target = path.with_name(path.stem + "-opened.xlsx")
        with open(target, "wb") as out:
            office.decrypt(out)
    return target


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def styles_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/styles.xml").decode("utf-8")


def column_cells(xml: str, letter: str) -> list[tuple[str, str | None, str | None]]:
    """(reference, type attribute, style index) of every cell of a column below the header."""
    out = []
    for m in re.finditer(r'<c r="(%s(\d+))"([^>]*)>' % letter, xml):
        if int(m.group(2)) > 2:
            attrs = m.group(3)
            t = re.search(r't="(\w+)"', attrs)
            s = re.search(r's="(\d+)"', attrs)
            out.append((m.group(1), t.group(1) if t else None, s.group(1) if s else None))
    return out


def number_format_of(path: Path, style: str) -> str:
    styles = styles_xml(path)
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    xf = re.findall(r"<xf [^>]*>", xfs)[int(style)]
    fmt_id = re.search(r'numFmtId="(\d+)"', xf).group(1)
    custom = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]+)"', styles))
    return custom.get(fmt_id, {"4": "#,##0.00", "49": "@"}.get(fmt_id, fmt_id))


def test_full_roster_has_ids_as_text_amounts_as_numbers_frozen_header(demo, tmp_path: Path) -> None:
    county, _ = demo
    out = tmp_path / "花名册.xlsx"
    before = county.count("audit_event")
    with county.session() as s:
        result = export_roster(s, county.users["jingban"], out, full_ids=True)
    with closing(connect(county.path)) as conn:
        ids = {r[0] for r in conn.execute("SELECT id_number FROM hardship_file WHERE status = 'active'")}
        income = conn.execute("SELECT sum(household_annual_income_fen) FROM hardship_file "
                              "WHERE status='active'").fetchone()[0]
    raw = out.read_bytes()
    assert not any(i.encode() in raw for i in ids) and not zipfile.is_zipfile(out)  # nothing readable without it
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", result.password or "")
    assert (out.stat().st_mode & 0o777) == 0o600
    out = decrypted(out, result.password)
    rows = calamine_rows(out)
    assert rows[0][0] == "绥德县总工会困难职工花名册"
    header = rows[1]
    col = {name: i for i, name in enumerate(header)}
    data = rows[2:]
    assert result.rows == len(data) == len(ids)
    assert {r[col["身份证号"]] for r in data} == ids  # read back as text, all 18 characters
    assert all(isinstance(r[col["家庭年收入"]], float) for r in data)
    assert sum(Decimal(str(r[col["家庭年收入"]])) for r in data) * 100 == income
    xml = sheet_xml(out)
    assert re.search(r'<pane [^>]*ySplit="2"[^>]*state="frozen"', xml)
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    id_cells = column_cells(xml, letter[col["身份证号"]])
    assert id_cells and all(t in ("s", "inlineStr", "str") for _, t, _ in id_cells)
    assert {number_format_of(out, s) for _, _, s in id_cells} == {"@"}
    money = column_cells(xml, letter[col["家庭年收入"]])
    assert all(t in (None, "n") for _, t, _ in money)
    assert {number_format_of(out, s) for _, _, s in money} == {"#,##0.00"}
    widths = {}
    for tag in re.findall(r"<col [^>]*>", xml):
        low, high = int(re.search(r'min="(\d+)"', tag).group(1)), int(re.search(r'max="(\d+)"', tag).group(1))
        for i in range(low, high + 1):
            widths[i] = float(re.search(r'width="([\d.]+)"', tag).group(1))
    assert widths[col["家庭住址"] + 1] >= 40  # 20-odd Chinese characters, counted twice
    with closing(connect(county.path)) as conn:  # the changes as JSON (text on a file, JSONB on a server)
        said = [json.loads(r[0]) for r in conn.execute(
            "SELECT changes FROM audit_event WHERE action = 'export_full_ids' AND entity_type = 'ledger'").fetchall()]
    assert [e.get("password_protected") for e in said] == [True]
    assert county.count("audit_event") == before + 1
    assert result.password not in " ".join(str(r) for r in county_rows(county.path, "audit_event"))


def county_rows(path: Path, table: str) -> list[tuple]:
    with closing(connect(path)) as conn:
        return conn.execute(f'SELECT * FROM "{table}"').fetchall()


def test_masked_roster_leaves_out_contact_and_bank(demo, tmp_path: Path) -> None:
    county, _ = demo
    out = tmp_path / "花名册（脱敏）.xlsx"
    with closing(connect(county.path)) as conn:  # households whose cause is a serious illness
        ill = conn.execute("SELECT count(*) FROM hardship_file WHERE status = 'active' AND (primary_cause = 6 "
                           "OR ',' || secondary_causes || ',' LIKE '%,6,%')").fetchone()[0]
    assert ill
    with county.session() as s:
        result = export_roster(s, county.users["admin"], out)  # any role may export a masked list
    assert result.password is None and zipfile.is_zipfile(out)  # stays an open workbook
    rows = calamine_rows(out)
    assert "联系电话" not in rows[1] and "银行卡号" not in rows[1] and "家庭住址" not in rows[1]
    # no health: neither the causes (患重特大疾病) nor the medical expenses
    assert not {"主要致困原因", "次要致困原因", "医疗支出"} & set(rows[1])
    assert not any("疾病" in str(cell) for row in rows for cell in row)
    ids = [r[rows[1].index("身份证号")] for r in rows[2:-1]]
    assert ids and all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", i) for i in ids)
    assert rows[-1][0].startswith("身份证号已脱敏") and "健康" in rows[-1][0]
    assert [e.get("password_protected") for e in audit_changes(county.path, "action = 'export'")] == [False]


def test_full_ids_need_a_role_that_may_read_them(demo, tmp_path: Path) -> None:
    county, _ = demo
    out = tmp_path / "x.xlsx"
    with county.session() as s, pytest.raises(PermissionDenied, match="导出含完整身份证号"):
        export_roster(s, county.users["admin"], out, full_ids=True)
    assert not out.exists()
    assert county.count("audit_event", "action = 'refused:export'") == 0  # refused before anything was made


def test_scholarship_and_visit_lists_with_totals(demo, tmp_path: Path) -> None:
    county, _ = demo
    with county.session() as s:
        sch = export_scholarships(s, county.users["jingban"], tmp_path / "助学.xlsx")
        vis = export_visits(s, county.users["jingban"], tmp_path / "走访.xlsx", full_ids=True)
    with closing(connect(county.path)) as conn:
        amount = conn.execute("SELECT sum(amount_fen) FROM scholarship WHERE status != 'cancelled'").fetchone()[0]
        cash, goods = conn.execute("SELECT sum(cash_fen), sum(goods_fen) FROM visit").fetchone()
    rows = calamine_rows(tmp_path / "助学.xlsx")
    total = rows[-2]  # the note is the last row
    assert total[0] == "合计" and Decimal(str(total[rows[1].index("金额")])) * 100 == amount == sch.totals["amount_fen"]
    assert sch.password is None and vis.password
    rows = calamine_rows(decrypted(tmp_path / "走访.xlsx", vis.password))
    assert rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][rows[1].index("慰问金")])) * 100 == cash
    assert Decimal(str(rows[-1][rows[1].index("慰问品折价")])) * 100 == goods
    assert vis.rows == len(rows) - 3


def test_each_list_imports_back_into_an_empty_county(demo, tmp_path: Path) -> None:
    county, twin = demo
    user = county.users["jingban"]
    with county.session() as s:  # protected workbooks, read back with their passwords
        passwords = {"花名册.xlsx": export_roster(s, user, tmp_path / "花名册.xlsx", full_ids=True, members=True).password,
                     "助学.xlsx": export_scholarships(s, user, tmp_path / "助学.xlsx", full_ids=True).password,
                     "走访.xlsx": export_visits(s, user, tmp_path / "走访.xlsx", full_ids=True).password}
    facts = "coalesce(health, '') || '/' || coalesce(medical_insurance, '') || '/' || coalesce(identity, '')"
    if isinstance(county.path, ServerAddress):  # the members' facts in their order, joined, on either engine
        ids_of_members = "(SELECT string_agg(id_number, ',' ORDER BY seq) FROM member WHERE file_id = f.id)"
        members_facts = f"(SELECT string_agg({facts}, ',' ORDER BY seq) FROM member WHERE file_id = f.id)"
    else:
        ids_of_members = ("(SELECT group_concat(id_number) FROM (SELECT id_number FROM member WHERE file_id = f.id "
                          "ORDER BY seq))")
        members_facts = f"(SELECT group_concat({facts}) FROM member WHERE file_id = f.id)"
    query = {"files": "SELECT f.id_number, f.category, f.household_size, f.per_capita_monthly_income_fen, "
                      f"{ids_of_members}, f.ethnicity, f.file_type, f.is_migrant_worker, f.single_parent, "
                      "f.zero_employment, f.disaster_or_accident, f.health, f.medical_insurance, f.housing_type, "
                      "f.hukou_type, f.hukou_region_code, f.postal_code, f.bank_name, f.bank_branch, f.bank_account, "
                      f"f.phone, f.address, {members_facts} "
                      "FROM hardship_file f WHERE status = 'active'",
             "numbers": "SELECT id_number, file_no, opened_on FROM hardship_file WHERE status = 'active'",
             "scholarships": "SELECT s.student_id_number, r.year, s.amount_fen, s.education_level FROM scholarship s "
                             "JOIN scholarship_round r ON r.id = s.round_id",
             "visits": "SELECT v.recipient_id_number, c.year, v.cash_fen, v.goods_fen, v.group_key FROM visit v "
                       "JOIN campaign c ON c.id = v.campaign_id"}
    with closing(connect(county.path)) as conn:
        expected = {k: sorted(conn.execute(q).fetchall()) for k, q in query.items()}
    with open_database(twin) as db, db.session() as s:
        unit = s.execute(sqlite_text("SELECT id FROM org_unit WHERE code = '610826G001'")).scalar_one()
        for kind, name in (("files", "花名册.xlsx"), ("scholarships", "助学.xlsx"), ("visits", "走访.xlsx")):
            opts = ImportOptions(unit_id=unit, file_status="active")
            plan = prepare_import(s, county.users["allround"], tmp_path / name, kind, options=opts, today=TODAY,
                                  password=passwords[name],
                                  mapping={c: None for c, k in _mapping_of(tmp_path / name, kind, passwords[name])
                                           if k == "union"})
            assert plan.ok, [i.line() for i in plan.errors][:5]
            result = commit_import(s, county.users["allround"], plan)
            if result.import_batch_id:  # files as active: the approver approves the import batch
                from assist_desktop.services.import_batches import approve_batch

                approve_batch(s, county.users["shenpi"], result.import_batch_id, today=TODAY)
    # the old file number and filing date are kept on the new file (its own number is the new county's)
    query["numbers"] = "SELECT id_number, former_file_no, filed_on FROM hardship_file WHERE status = 'active'"
    with closing(connect(twin)) as conn:
        got = {k: sorted(conn.execute(q).fetchall()) for k, q in query.items()}
    assert got["numbers"] == expected["numbers"] and len(got["numbers"]) > 20
    assert any(r[7] for r in got["files"]) and any(r[12] for r in got["files"])  # the demo fills health, housing …
    assert got == expected


def test_a_masked_list_is_refused_as_one_and_its_note_is_no_row(demo, tmp_path: Path) -> None:
    """A masked roster (what leaves the office) cannot become files: the import says it is a masked list."""
    from assist_desktop.services.ledger import LedgerImportError, read_sheet
    from assist_desktop.services.ledger.checks import classify_row
    from assist_desktop.services.ledger.mapping import detect_header

    county, _ = demo
    path = tmp_path / "脱敏花名册.xlsx"
    with county.session() as s:
        export_roster(s, county.users["jingban"], path)
    sheet = read_sheet(path)
    note = sheet.rows[-1]
    assert note[0] == "身份证号已脱敏；本表不含住址、电话、健康（致困原因、医疗支出）和银行信息。"
    assert classify_row(note, detect_header(sheet, "files")) == "footer"
    with county.session() as s, pytest.raises(LedgerImportError, match="是脱敏导出的名单（身份证号中间几位已用\\*隐藏）"):
        prepare_import(s, county.users["jingban"], path, "files", today=TODAY)


def _mapping_of(path, kind, password):
    from assist_desktop.services.ledger import detect_header, read_sheet

    return detect_header(read_sheet(path, password=password), kind).mapping.items()


def test_a_protected_workbook_needs_its_password_to_import(demo, tmp_path: Path) -> None:
    from assist_desktop.services.ledger.reading import WorkbookPasswordRequired

    county, _ = demo
    with county.session() as s:
        result = export_roster(s, county.users["jingban"], tmp_path / "花名册.xlsx", full_ids=True)
        with pytest.raises(WorkbookPasswordRequired, match="设置了打开密码"):
            prepare_import(s, county.users["jingban"], tmp_path / "花名册.xlsx", "files", today=TODAY)
        with pytest.raises(WorkbookPasswordRequired, match="打开密码不对"):
            prepare_import(s, county.users["jingban"], tmp_path / "花名册.xlsx", "files", today=TODAY,
                           password="WRONG-PASS-WORD")
        plan = prepare_import(s, county.users["jingban"], tmp_path / "花名册.xlsx", "files", today=TODAY,
                              password=result.password)
    assert plan.sheet_name == "花名册" and plan.duplicates  # read: every household found already filed here


def test_a_stored_control_character_no_longer_breaks_the_roster(demo, tmp_path: Path) -> None:
    county, _ = demo
    with closing(connect(county.path)) as conn:  # stored behind the program's back, or by an old version
        conn.execute("UPDATE hardship_file SET name = name || char(27) || '[31m', employer_name = 'A' || char(7) "
                     "WHERE id = (SELECT id FROM hardship_file WHERE status = 'active' ORDER BY file_no LIMIT 1)")
        conn.commit()
    with county.session() as s:
        result = export_roster(s, county.users["jingban"], tmp_path / "花名册.xlsx")
    assert result.replaced_cells == 2
    rows = calamine_rows(tmp_path / "花名册.xlsx")
    assert any("\ufffd[31m" in str(cell) for cell in rows[2]) and "A\ufffd" in rows[2]
    assert [e.get("control_characters_replaced") for e in audit_changes(county.path)
            if "control_characters_replaced" in e] == [2]


def sqlite_text(sql: str):
    from sqlalchemy import text

    return text(sql)
