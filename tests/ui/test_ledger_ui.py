"""Excel ledgers through the screens: the import wizard on a real workbook (a title row over the header, a
column the guess misses, a row Excel damaged) — preview, column mapping, the row-by-row report, nothing
written before the confirm, the commit, a cancel that leaves nothing; and the export dialogs of the
registry, scholarship and campaign pages, read back by a second reader (python-calamine)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from assist_desktop.domain.ids import id_check_character
from tests.ui.conftest import assert_chinese, untranslated, visible_texts

pytestmark = pytest.mark.usefixtures("qapp")

TODAY = date(2026, 11, 20)
HEADER = ["序号", "姓名", "与户主关系", "性别", "身份证号码", "户主电话", "家庭住址", "工作单位", "所属工会", "困难类别",
          "致困原因", "家庭人口", "月收入（元）", "家庭其他年收入", "医疗支出", "建档日期"]
PHONE_COLUMN = HEADER.index("户主电话")  # a name the guess does not know: the caseworker maps it


def make_id(born: str, seq: int) -> str:
    first17 = f"610826{born}{seq:03d}"
    return first17 + id_check_character(first17)


WORKER, WIFE, SON, SINGLE = make_id("19580315", 923), make_id("19600611", 924), make_id("19990901", 931), \
    make_id("19620202", 944)


def person(seq: int, name: str, sex: str, id_number: object, size: int) -> list[object]:
    return [seq, name, "本人", sex, id_number, "13912345678", "陕西省榆林市绥德县名州镇张家村12号", "绥德县兴业建筑工程有限公司",
            "名州镇总工会", "深度困难", "6", size, "800", "1,200元", "10000", "2019年3月1日"]


def member(name: str, relation: str, sex: str, id_number: str) -> list[object]:
    return [None, name, relation, sex, id_number] + [None] * 11


def write_ledger(path: Path, *extra: list[object]) -> Path:
    """Row 1 a title merged across, row 2 the header; rows 3-5 a household of three, row 6 an ID number that
    Excel turned into 6.10826E+17, row 7 a household of one, then ``extra`` rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "困难职工台账"
    ws.append(["绥德县困难职工档案台账（2024年）"])
    ws.merge_cells("A1:P1")
    ws.append(HEADER)
    for row in (person(1, "王建国", "男", WORKER, 3), member("李秀英", "妻子", "女", WIFE), member("王浩", "儿子", "男", SON),
                person(2, "张伟", "男", 6.10826195801024E+17, 1), person(3, "刘芳", "女", SINGLE, 1), *extra):
        ws.append(row)
    wb.save(path)
    return path


def count(path: Path, table: str, where: str = "1") -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f'SELECT count(*) FROM "{table}" WHERE {where}').fetchone()[0]


def counts(path: Path) -> dict[str, int]:
    return {t: count(path, t) for t in ("hardship_file", "member", "audit_event", "number_sequence")}


def _at(ctx, day: date = TODAY):
    ctx.clock = lambda: day
    return ctx


def _wizard(qtbot, ctx):
    from assist_desktop.ui.ledger.wizard import ImportWizard

    wizard = ImportWizard(_at(ctx))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _settle(qtbot, widget, timeout: int = 20_000) -> None:
    qtbot.waitUntil(widget.idle, timeout=timeout)


def _read_xlsx(path: Path) -> list[list[object]]:
    import python_calamine

    return python_calamine.load_workbook(str(path)).get_sheet_by_index(0).to_python()


def _opened(path: Path, password: str | None) -> Path:
    """A password-protected export decrypted as Excel and WPS do (msoffcrypto), into a new file."""
    import msoffcrypto

    assert password
    target = path.with_name(path.stem + "-opened.xlsx")
    with open(path, "rb") as f, open(target, "wb") as out:
        office = msoffcrypto.OfficeFile(f)
        office.load_key(password=password)
        office.decrypt(out)
    return target


# --- the import wizard -------------------------------------------------------------------------------------


def test_the_wizard_checks_reports_and_writes_only_on_confirm(qtbot, app_context, demo_db, tmp_path, shot) -> None:
    from assist_desktop.ui.ledger.wizard import DONE, MAPPING, REPORT

    with closing(sqlite3.connect(demo_db)) as conn:  # a worker already in the registry
        name, sex, number = conn.execute("SELECT name, sex, id_number FROM hardship_file WHERE status = 'active' "
                                         "ORDER BY file_no LIMIT 1").fetchone()
    path = write_ledger(tmp_path / "台账.xlsx", person(4, "刘芳", "女", SINGLE, 1),  # row 8: row 7 again
                        person(5, name, "男" if sex == "male" else "女", number, 1))  # row 9: in the database
    wizard = _wizard(qtbot, app_context("jingban"))  # (the login is in the audit log)
    before = counts(demo_db)
    assert not wizard.next_button.isEnabled()
    assert_chinese(wizard)
    wizard.choose_file(path)
    _settle(qtbot, wizard)
    # step 1: the header found below the title row, the preview shows the sheet as it is
    assert wizard.read is not None and wizard.read.kind == "files"
    assert wizard.read.guess.header_rows == (1,)
    info = wizard.header_label.text()
    assert "困难职工档案台账" in info and "表头在第 2 行" in info and "数据从第 3 行开始" in info
    assert wizard.preview.item(0, 0).text() == "绥德县困难职工档案台账（2024年）"
    assert wizard.preview.item(1, 1).text() == "姓名" and wizard.preview.item(1, 1).font().bold()
    assert wizard.preview.item(5, 4).text() == "6.10826E+17"  # the damaged ID, as Excel shows it
    assert wizard.sheet_combo.currentText() == "困难职工台账"
    assert wizard.next_button.isEnabled()
    assert_chinese(wizard)
    shot(wizard, "ledger-1-file")

    # step 2: the columns, guessed; the one the guess misses is mapped by hand
    wizard.go_next()
    assert wizard.step() == MAPPING
    assert wizard.mapping_combo(1).currentData() == "name"
    assert wizard.mapping_combo(4).currentData() == "id_number"
    assert wizard.mapping_combo(PHONE_COLUMN).currentData() is None
    assert wizard.mapping_table.item(PHONE_COLUMN, 1).text() == "户主电话"
    assert "13912345678" in wizard.mapping_table.item(PHONE_COLUMN, 2).text()
    wizard.set_mapping(PHONE_COLUMN, "phone")
    assert wizard.mapping() == {PHONE_COLUMN: "phone"}
    wizard.set_mapping(4, None)  # a required field taken away: the check waits for it
    assert "身份证号" in wizard.missing_label.text() and not wizard.next_button.isEnabled()
    wizard.set_mapping(4, "id_number")
    assert wizard.missing_label.text() == "" and wizard.next_button.text() == "检查"
    wizard.unit_combo.setCurrentIndex(wizard.unit_combo.findText("名州镇总工会"))
    assert_chinese(wizard)
    shot(wizard, "ledger-2-mapping")

    # step 3: the check in the background; the report names the row, the column and the problem
    wizard.go_next()
    _settle(qtbot, wizard)
    assert wizard.step() == REPORT, wizard.message.text()
    plan = wizard.plan
    assert plan is not None and plan.valid_count == 2 and plan.invalid_count == 3
    rows = wizard.issues_model.rows
    damaged = [r for r in rows if r[0] == "6"]
    assert damaged and damaged[0][1] == "E列“身份证号码”" and damaged[0][2] == "错误"
    assert "身份证号被 Excel 存成了数字" in damaged[0][3] and "6.10826E+17" in damaged[0][3]
    assert "可导入2户，有错误3户（错误3处），重复2处" in wizard.summary_label.text()
    assert "错误 3 处" in wizard.counts_label.text() and "重复 2 处" in wizard.counts_label.text()
    assert wizard.report_tabs.tabText(0) == f"问题（{len(plan.issues)}）"
    assert wizard.report_tabs.tabText(1) == "重复记录（2）"
    duplicates = {r[0]: r for r in wizard.duplicates_model.rows}
    assert duplicates["8"][1].startswith("刘芳（6108") and duplicates["8"][2:] == ("第7行", "表内重复")
    assert duplicates["9"][1].startswith(name) and duplicates["9"][3] == "数据库中已有"
    assert counts(demo_db) == before  # the check wrote nothing
    # with an error left, “Import” waits until the caseworker chooses the valid rows only
    assert wizard.next_button.text() == "导入" and not wizard.next_button.isEnabled()
    assert wizard.skip_invalid.isVisibleTo(wizard) and "只导入没有错误的 2 条（跳过有错误的 3 条）" in \
        wizard.skip_invalid.text()
    report = tmp_path / "检查报告.xlsx"
    wizard.save_report(report)
    _settle(qtbot, wizard)
    saved = _read_xlsx(report)
    assert any(row[0] == 6 and row[1] == "E列“身份证号码”" and "存成了数字" in str(row[3]) for row in saved if row)
    assert any(row[0] == 8 and row[3] == "表内重复" for row in saved if row)
    assert "报告已保存到" in wizard.message.text()
    assert_chinese(wizard)
    shot(wizard, "ledger-3-report")
    wizard.report_tabs.setCurrentIndex(1)
    shot(wizard, "ledger-3-duplicates")
    assert counts(demo_db) == before  # nor did saving the report

    wizard.skip_invalid.setChecked(True)
    assert wizard.next_button.isEnabled()
    changes = []
    wizard.ctx.events.files_changed.connect(changes.append)
    wizard.go_next()
    _settle(qtbot, wizard)
    assert wizard.step() == DONE, wizard.message.text()
    assert wizard.result is not None and wizard.result.written == 2
    after = counts(demo_db)
    assert after["hardship_file"] == before["hardship_file"] + 2
    assert after["member"] == before["member"] + 2
    assert after["audit_event"] == before["audit_event"] + 1
    assert count(demo_db, "hardship_file", f"id_number IN ('{WORKER}', '{SINGLE}') AND status = 'draft' "
                                           "AND phone = '13912345678'") == 2
    assert count(demo_db, "audit_event", "action = 'import_files' AND changes LIKE '%台账.xlsx%'") == 1
    assert "已从“台账.xlsx”导入 2 户档案。有错误的 3 条未导入。" in wizard.done_label.text()
    assert "写入：档案：2；家庭成员：2" in wizard.done_label.text()
    assert changes == [[]]  # the registry list refreshes
    assert wizard.close_button.text() == "关闭" and not wizard.next_button.isVisible()
    assert_chinese(wizard)
    shot(wizard, "ledger-4-done")


def test_cancelling_the_import_writes_nothing(qtbot, app_context, demo_db, tmp_path, monkeypatch) -> None:
    from assist_desktop.ui.ledger import wizard as module

    path = write_ledger(tmp_path / "台账.xlsx")
    wizard = _wizard(qtbot, app_context("jingban"))
    wizard.choose_file(path)
    _settle(qtbot, wizard)
    wizard.go_next()
    wizard.set_mapping(PHONE_COLUMN, "phone")
    wizard.go_next()
    _settle(qtbot, wizard)
    wizard.skip_invalid.setChecked(True)
    before = counts(demo_db)
    gate = threading.Event()
    real = module.commit_import

    def held(*args, **kwargs):  # the import starts only once the caseworker has pressed cancel
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "commit_import", held)
    op = wizard.commit()
    assert op is not None
    op.cancel()  # the progress dialog's cancel button
    gate.set()
    _settle(qtbot, wizard)
    assert wizard.result is None and wizard.step() != module.DONE
    assert wizard.message.text() == "已取消导入，没有写入任何数据。"
    assert counts(demo_db) == before


def test_the_check_can_be_cancelled_and_a_wrong_file_is_refused_with_the_reason(qtbot, app_context, demo_db,
                                                                               tmp_path) -> None:
    wizard = _wizard(qtbot, app_context("jingban"))
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    wizard.choose_file(bad)
    _settle(qtbot, wizard)
    assert "已损坏或不是有效的 Excel 文件" in wizard.message.text()
    assert not wizard.next_button.isEnabled()
    other = tmp_path / "名单.docx"
    other.write_bytes(b"whatever")
    wizard.choose_file(other)
    _settle(qtbot, wizard)
    assert "不支持的文件类型" in wizard.message.text()
    no_header = tmp_path / "随便.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["今天", "天气", "很好"])
    wb.active.append([1, 2, 3])
    wb.save(no_header)
    wizard.choose_file(no_header)
    _settle(qtbot, wizard)
    assert "找不到" in wizard.message.text() and not wizard.next_button.isEnabled()
    # a good file again; the check is cancelled from its progress dialog: nothing written, the mapping kept
    wizard.choose_file(write_ledger(tmp_path / "好的.xlsx"))
    _settle(qtbot, wizard)
    wizard.go_next()
    wizard.set_mapping(PHONE_COLUMN, "phone")
    before = counts(demo_db)
    op = wizard.check()
    op.cancel()
    _settle(qtbot, wizard)
    if wizard.plan is None:  # the check saw the cancel (a three-row sheet may be done before it)
        assert wizard.message.text() == "已取消检查，没有写入任何数据。"
        assert wizard.step() == 1
    assert counts(demo_db) == before


def test_a_reviewer_cannot_import(qtbot, app_context) -> None:
    from assist_desktop.ui.registry.page import RegistryPage

    page = RegistryPage(_at(app_context("shenhe")))
    qtbot.addWidget(page)
    assert not page.import_button.isEnabled() and page.export_button.isEnabled()
    page.wait()


# --- exports ---------------------------------------------------------------------------------------------


def test_the_roster_is_exported_masked_or_full_and_read_back_with_ids_as_text(qtbot, app_context, demo_db,
                                                                              tmp_path, shot) -> None:
    from assist_desktop.ui.registry.page import RegistryPage

    ctx = _at(app_context("jingban"))
    page = RegistryPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    assert page.wait()
    assert page.import_button.text() == "导入台账…" and page.export_button.text() == "导出花名册…"
    dialog = page.export_roster()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "导出困难职工花名册"
    assert dialog.scope_combo.itemText(0) == "全部在档档案"
    assert dialog.masked.isChecked() and dialog.full.isEnabled()
    assert_chinese(dialog)
    shot(dialog, "ledger-export-roster")
    masked = tmp_path / "花名册.xlsx"
    dialog.export(masked)
    _settle(qtbot, dialog)
    active = count(demo_db, "hardship_file", "status = 'active'")
    assert dialog.result is not None and dialog.result.rows == active
    assert f"已导出 {active} 行" in dialog.status.text()
    rows = _read_xlsx(masked)
    header = rows[1]
    column = header.index("身份证号")
    ids = [r[column] for r in rows[2:2 + active]]
    assert all(isinstance(v, str) and len(v) == 18 and v[4:14] == "*" * 10 for v in ids)
    assert "联系电话" not in header and "银行卡号" not in header
    # full IDs: the clerk may; the file holds them as text, and the export is in the log
    assert dialog.password_label.isHidden()  # a masked list is an open workbook
    dialog.full.setChecked(True)
    full = tmp_path / "花名册（完整）.xlsx"
    dialog.export(full)
    _settle(qtbot, dialog)
    password = dialog.result.password
    assert password and not dialog.password_value.isHidden() and dialog.password_value.text() == password
    assert "只显示这一次" in dialog.password_label.text()
    assert untranslated([dialog.password_label.text()]) == []  # the password beside it is data
    shot(dialog, "ledger-export-roster-password")
    rows = _read_xlsx(_opened(full, password))
    numbers = {r[rows[1].index("身份证号")] for r in rows[2:2 + active]}
    with closing(sqlite3.connect(demo_db)) as conn:
        expected = {r[0] for r in conn.execute("SELECT id_number FROM hardship_file WHERE status = 'active'")}
    assert numbers == expected  # every one intact: text, not 6.10826E+17
    assert "联系电话" in rows[1]
    assert count(demo_db, "audit_event", "action = 'export_full_ids' AND entity_type = 'ledger'") == 1
    assert "完整身份证号" in dialog.status.text()


def test_only_casework_roles_may_export_full_ids(qtbot, app_context) -> None:
    from assist_desktop.ui.ledger.export_dialog import ExportDialog

    dialog = ExportDialog(_at(app_context("admin")), "roster", [("全部在档档案", {})])
    qtbot.addWidget(dialog)
    assert not dialog.full.isEnabled() and "只有经办、审核、审批人员" in dialog.full.toolTip()


def test_scholarship_and_visit_lists_are_exported_from_their_pages(qtbot, app_context, demo_db, tmp_path,
                                                                   shot) -> None:
    from assist_desktop.ui.campaigns.page import CampaignsPage
    from assist_desktop.ui.scholarships.page import ScholarshipsPage

    ctx = _at(app_context("jingban"))
    page = ScholarshipsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.round_id() is not None, timeout=15_000)
    dialog = page.export_list()
    qtbot.addWidget(dialog)
    rid = page.round_id()
    assert dialog.scope_combo.currentData() == {"round_id": rid} and dialog.scope_combo.itemText(1) == "全部年度"
    out = tmp_path / "助学.xlsx"
    dialog.export(out)
    _settle(qtbot, dialog)
    rows = _read_xlsx(out)
    ((n, total),) = sqlite3.connect(demo_db).execute(
        "SELECT count(*), sum(amount_fen) FROM scholarship WHERE round_id = ? AND status != 'cancelled'", (rid,)).fetchall()
    assert dialog.result.rows == n
    assert rows[2 + n][0] == "合计" and round(float(rows[2 + n][15]) * 100) == total
    student_ids = [r[rows[1].index("学生身份证号")] for r in rows[2:2 + n]]
    assert all(isinstance(v, str) and "**********" in v for v in student_ids)
    assert_chinese(dialog)
    dialog.close()

    campaigns = CampaignsPage(ctx)
    qtbot.addWidget(campaigns)
    campaigns.show()
    qtbot.waitUntil(campaigns.idle, timeout=15_000)
    dialog = campaigns.export_list()
    qtbot.addWidget(dialog)
    cid = campaigns.campaign_id()
    assert dialog.scope_combo.currentData() == {"campaign_id": cid}
    dialog.full.setChecked(True)
    out = tmp_path / "慰问.xlsx"
    dialog.export(out)
    _settle(qtbot, dialog)
    rows = _read_xlsx(_opened(out, dialog.result.password))
    ((n, cash, goods),) = sqlite3.connect(demo_db).execute(
        "SELECT count(*), sum(cash_fen), sum(goods_fen) FROM visit WHERE campaign_id = ? AND status != 'cancelled'",
        (cid,)).fetchall()
    assert dialog.result.rows == n and rows[2 + n][0] == "合计"
    assert round(float(rows[2 + n][7]) * 100) == cash and round(float(rows[2 + n][8]) * 100) == goods
    ids = {r[rows[1].index("身份证号")] for r in rows[2:2 + n]}
    with closing(sqlite3.connect(demo_db)) as conn:
        assert ids == {r[0] for r in conn.execute("SELECT recipient_id_number FROM visit WHERE campaign_id = ? "
                                                  "AND status != 'cancelled'", (cid,))}
    assert [t for t in untranslated(visible_texts(dialog)) if t != dialog.result.password] == []
    shot(dialog, "ledger-export-visits")
