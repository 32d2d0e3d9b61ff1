"""The hardship-file editor driven like a caseworker drives it: keyboard, Chinese input, the services' refusals."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from sqlmodel import select

from assist_desktop.domain.ids import id_check_character
from assist_desktop.domain.lifecycle import FileStatus
from assist_desktop.storage.models import HardshipFile, Member
from assist_desktop.ui.editor import FileEditor
from assist_desktop.ui.editor.members_table import KEYS

from .conftest import assert_chinese, type_text

TIMEOUT = 10_000
TAB_NAMES = ("worker", "members", "income", "bank", "attachments", "history")


def make_id(born: str, seq: int, region: str = "610826") -> str:
    first17 = f"{region}{born}{seq:03d}"
    return first17 + id_check_character(first17)


WORKER_ID = make_id("19800315", 123)
SPOUSE_ID = make_id("19820611", 224)


# --- helpers -----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_blocking_dialogs(monkeypatch) -> list[str]:
    """A message box must never block a test run: unexpected ones are recorded and answered 不保存 / 关闭."""
    unexpected: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: unexpected.append(box.text())
                        or QMessageBox.StandardButton.Discard.value)
    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda _p, _t, text, *a, **k: unexpected.append(text)))
    return unexpected


def open_editor(qtbot, ctx, file_id: str | None = None, **kw) -> FileEditor:
    editor = FileEditor(ctx, file_id, **kw)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(lambda: editor.ready and editor.idle, timeout=TIMEOUT)
    QApplication.processEvents()
    return editor


def wait_idle(qtbot, editor: FileEditor) -> None:
    qtbot.waitUntil(lambda: editor.idle, timeout=TIMEOUT)
    QApplication.processEvents()


def focused(editor: FileEditor) -> QWidget | None:
    return QApplication.focusWidget() or editor.focusWidget()


def press(qtbot, editor: FileEditor, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(editor) or editor, key, modifier)


def tab_to(qtbot, editor: FileEditor, widget: QWidget, limit: int = 80) -> None:
    """Press Tab until ``widget`` has the focus, as a caseworker moves through the form."""
    for _ in range(limit):
        if focused(editor) is widget:
            return
        press(qtbot, editor, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.objectName()}; stuck at {focused(editor).objectName()}")


def field_widget(editor: FileEditor, key: str) -> QWidget:
    return editor.fields[key].widget


def demo_file(ctx, status: str = "active", offset: int = 0) -> str:
    with ctx.db.session() as s:
        return s.exec(select(HardshipFile.id).where(HardshipFile.status == status)
                      .order_by(HardshipFile.file_no).offset(offset)).first()


def sql(db_path: Path, query: str, *args) -> list[tuple]:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(query, args).fetchall()


def capture_dialogs(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a, **k: shown.append(text)))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, _t, text, *a, **k: shown.append(text)))
    return shown


def answer_message_boxes(monkeypatch, *answers: QMessageBox.StandardButton) -> list[str]:
    """Stand in for the user in front of a QMessageBox: record its text, press the given buttons in turn."""
    asked: list[str] = []
    queue = list(answers)

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        buttons = [box.button(b).text() for b in (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
                                                  QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes,
                                                  QMessageBox.StandardButton.No) if box.button(b)]
        asked.append("|".join(buttons))
        return (queue.pop(0) if queue else QMessageBox.StandardButton.Discard).value

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


# --- a new file from the keyboard -------------------------------------------------------------------------------


def test_a_new_file_is_filled_from_the_keyboard_and_saved(qtbot, app_context, demo_db: Path, shot) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx)
    assert editor.windowTitle().startswith("新建困难职工档案")
    name = field_widget(editor, "name")
    qtbot.waitUntil(lambda: focused(editor) is name, timeout=TIMEOUT)
    type_text(name, "王建国")
    press(qtbot, editor, Qt.Key.Key_Return)  # Enter moves on and does not close the dialog
    id_edit = field_widget(editor, "id_number")
    assert focused(editor) is id_edit and editor.isVisible()
    qtbot.keyClicks(id_edit, WORKER_ID)
    # derived at once, never typed twice
    assert (editor.birth_box.text(), editor.sex_box.text(), editor.age_box.text()) == ("1980-03-15", "男", "46岁")
    qtbot.waitUntil(lambda: editor.fields["id_number"].message.isVisible(), timeout=TIMEOUT)
    assert "陕西省榆林市绥德县" in editor.fields["id_number"].message.text()  # a hint, not an error
    assert editor.fields["id_number"].error is None

    # the tab order follows the printed form
    order = []
    for _ in range(8):
        press(qtbot, editor, Qt.Key.Key_Tab)
        order.append(focused(editor).objectName())
    assert order == ["ethnicity", "political_status", "marital_status", "work_status", "model_worker_type",
                     "medical_insurance", "health", "disability_type"]

    political = field_widget(editor, "political_status")
    tab_to(qtbot, editor, political)  # Tab wraps round through the whole dialog
    press(qtbot, editor, Qt.Key.Key_Down)
    press(qtbot, editor, Qt.Key.Key_Down)
    assert editor.fields["political_status"].value() == "cpc_probationary"
    tab_to(qtbot, editor, field_widget(editor, "phone"))
    qtbot.keyClicks(focused(editor), "13912345678")
    press(qtbot, editor, Qt.Key.Key_Return)
    press(qtbot, editor, Qt.Key.Key_Return)  # past 其他联系方式
    qtbot.keyClicks(focused(editor), "718000")
    press(qtbot, editor, Qt.Key.Key_Return)
    assert focused(editor) is field_widget(editor, "address")
    type_text(focused(editor), "陕西省榆林市绥德县名州镇张家村12号")
    tab_to(qtbot, editor, field_widget(editor, "employer_name"))
    type_text(focused(editor), "绥德县兴业建筑工程有限公司")
    tab_to(qtbot, editor, field_widget(editor, "unit_id"))
    press(qtbot, editor, Qt.Key.Key_Down)
    press(qtbot, editor, Qt.Key.Key_Down)
    assert editor.fields["unit_id"].value()

    # members: Alt+2, Ctrl+N, then type cell by cell with Enter
    press(qtbot, editor, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert editor.tabs.currentWidget() is editor.members
    view = editor.members.view
    assert focused(editor) is view
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(focused(editor), QLineEdit) and view.isAncestorOf(focused(editor)))
    type_text(focused(editor), "李秀英")
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_relation_editor")
    press(qtbot, editor, Qt.Key.Key_Down)  # 配偶
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_id_number_editor")
    qtbot.keyClicks(focused(editor), SPOUSE_ID.lower())
    press(qtbot, editor, Qt.Key.Key_Return)  # over sex / birth date / age, which follow from the number
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_identity_editor")
    for _ in range(3):
        press(qtbot, editor, Qt.Key.Key_Down)  # 失(无)业
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_health_editor")
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_income_editor")
    qtbot.keyClicks(focused(editor), "300")
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_unit_or_school_editor")
    type_text(focused(editor), "不写这个")
    press(qtbot, editor, Qt.Key.Key_Escape)  # Esc drops the cell's typing and leaves the editor, not the dialog
    assert editor.isVisible()
    model = editor.members.model
    assert model.rows[0]["name"] == "李秀英" and model.rows[0]["relation"] == "spouse"
    assert model.data(model.index(0, KEYS.index("sex"))) == "女"
    assert model.data(model.index(0, KEYS.index("birth_date"))) == "1982-06-11"
    assert model.data(model.index(0, KEYS.index("identity"))) == "失(无)业"
    assert model.data(model.index(0, KEYS.index("income"))) == "300.00"
    assert model.rows[0]["unit_or_school"] == ""

    # income and causes: Alt+3
    press(qtbot, editor, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    income = field_widget(editor, "worker_monthly_income_fen")
    assert focused(editor) is income
    qtbot.keyClicks(income, "800")
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.keyClicks(focused(editor), "1,200.00")
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.keyClicks(focused(editor), "10000")
    type_text(focused(editor), "元")
    assert income.text() == "800.00"  # reformatted once left
    tab_to(qtbot, editor, field_widget(editor, "primary_cause"))
    for _ in range(6):
        press(qtbot, editor, Qt.Key.Key_Down)
    assert editor.fields["primary_cause"].value() == 6
    press(qtbot, editor, Qt.Key.Key_Tab)
    for _ in range(9):
        press(qtbot, editor, Qt.Key.Key_Down)
    assert editor.fields["secondary_1"].value() == 9
    assert editor.figure_labels["size"].text() == "2人"
    assert editor.figure_labels["proposed"].text() == "深度困难"
    assert editor.dirty and editor.isWindowModified()
    shot(editor, "editor_new_filled")

    press(qtbot, editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editor.file_id is not None and editor.idle, timeout=TIMEOUT)
    assert not editor.dirty and editor.version == 1 and editor.status == "draft"
    assert editor.file_no.startswith("610826-")
    assert "已保存" in editor.status_line.text()

    # read back with a plain connection, as another program would
    row = sql(demo_db, "SELECT name, id_number, sex, birth_date, phone, unit_id, worker_monthly_income_fen, "
                       "other_annual_income_fen, medical_expenses_fen, primary_cause, secondary_causes, category, "
                       "household_size, political_status, created_by FROM hardship_file WHERE id = ?",
              editor.file_id)[0]
    assert row[:5] == ("王建国", WORKER_ID, "male", "1980-03-15", "13912345678")
    assert row[5] == editor.fields["unit_id"].value()
    assert row[6:] == (80_000, 120_000, 1_000_000, 6, "9", "deep", 2, "cpc_probationary", ctx.user.id)
    members = sql(demo_db, "SELECT name, relation, id_number, sex, identity, monthly_income_fen FROM member "
                           "WHERE file_id = ? ORDER BY seq", editor.file_id)
    assert members == [("李秀英", "spouse", SPOUSE_ID, "female", "unemployed", 30_000)]

    # saving again keeps the member (it now has its id) instead of re-adding it
    member_id = sql(demo_db, "SELECT id FROM member WHERE file_id = ?", editor.file_id)[0][0]
    editor.fields["phone"].widget.setText("13800001111")
    assert editor.save()
    assert sql(demo_db, "SELECT id FROM member WHERE file_id = ?", editor.file_id) == [(member_id,)]
    assert editor.version == 2


def test_saving_emits_files_changed(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx, demo_file(ctx))
    seen: list[list[str]] = []
    ctx.events.files_changed.connect(seen.append)
    editor.fields["phone"].widget.setText("13800002222")
    assert editor.save()
    assert seen == [[editor.file_id]]


# --- inline validation -------------------------------------------------------------------------------------------


def test_an_invalid_id_shows_its_message_at_the_field_and_save_is_refused(qtbot, app_context, shot) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx)
    id_edit = field_widget(editor, "id_number")
    wrong = WORKER_ID[:-1] + ("0" if WORKER_ID[-1] != "0" else "1")
    qtbot.keyClicks(id_edit, wrong)
    message = editor.fields["id_number"].message
    qtbot.waitUntil(message.isVisible, timeout=TIMEOUT)
    assert message.text() == "身份证号校验位错误，请逐位核对号码是否抄错"
    assert id_edit.property("invalid") is True
    assert editor.birth_box.text() == ""
    type_text(field_widget(editor, "name"), "王建国")
    shot(editor, "editor_invalid_id")
    assert editor.save() is False
    assert editor.file_id is None
    assert "未保存" in editor.status_line.text()
    assert focused(editor) is id_edit  # the first problem of the form gets the focus
    # corrected: the message goes away as soon as typing pauses
    id_edit.setText(WORKER_ID)
    qtbot.waitUntil(lambda: editor.fields["id_number"].error is None, timeout=TIMEOUT)
    assert id_edit.property("invalid") is False


@pytest.mark.parametrize(("key", "typed", "expected"), [
    ("phone", "1391234567", "不是有效的11位手机号码"),
    ("postal_code", "7180", "应为6位数字"),
    ("name", "王2", "不能有数字"),
    ("worker_monthly_income_fen", "12,34", "千位分隔逗号位置不对"),
    ("work_start_date", "2015-02-30", "不是有效日期"),
])
def test_each_field_speaks_as_it_is_typed(qtbot, app_context, key: str, typed: str, expected: str) -> None:
    editor = open_editor(qtbot, app_context("jingban"))
    editor.go_to_tab(editor._tab_of(field_widget(editor, key)))
    qtbot.keyClicks(field_widget(editor, key), typed) if typed.isascii() else type_text(field_widget(editor, key),
                                                                                         typed)
    qtbot.waitUntil(lambda: editor.fields[key].error is not None, timeout=TIMEOUT)
    assert expected in editor.fields[key].message.text()
    assert editor.fields[key].message.isVisible()


def test_income_changes_update_the_figures_and_the_proposal(qtbot, app_context) -> None:
    editor = open_editor(qtbot, app_context("jingban"))
    editor.go_to_tab(2)
    labels = editor.figure_labels
    assert labels["line"].text() == "每人每月770.00元"  # resources/policy: 绥德县
    income = field_widget(editor, "worker_monthly_income_fen")
    qtbot.keyClicks(income, "1,000")
    assert labels["per_capita"].text() == "1,000.00元"
    assert labels["proposed"].text() == "相对困难"
    assert editor.fields["category"].widget.itemText(0) == "按公式（相对困难）"
    income.clear()
    qtbot.keyClicks(income, "500.5")
    type_text(income, "元")
    assert labels["per_capita"].text() == "500.50元" and labels["proposed"].text() == "深度困难"
    # a member without income halves the per-capita figure
    editor.members.add_member()
    editor.members.commit_pending()
    assert labels["size"].text() == "2人" and labels["per_capita"].text() == "250.25元"
    # rigid expenses come off first
    qtbot.keyClicks(field_widget(editor, "medical_expenses_fen"), "6006")
    assert labels["per_capita"].text() == "0.00元"
    # too high for any category, unless a disaster struck
    for key, text in (("medical_expenses_fen", ""), ("worker_monthly_income_fen", "5000")):
        field_widget(editor, key).setText(text)
    assert labels["proposed"].text() == "不符合任一类别"
    qtbot.keyClick(field_widget(editor, "disaster_or_accident"), Qt.Key.Key_Space)
    assert labels["proposed"].text() == "意外致困"
    field_widget(editor, "worker_monthly_income_fen").setText("abc")
    assert labels["proposed"].text() == "请先更正标红的金额"


def test_overriding_the_category_without_a_reason_is_refused_at_the_reason_field(qtbot, app_context,
                                                                                 monkeypatch) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx, demo_file(ctx))
    editor.go_to_tab(2)
    category = field_widget(editor, "category")
    assert editor.fields["category"].value() == ""  # 按公式
    proposed = editor.proposal
    assert proposed is not None
    category.setFocus()
    while editor.fields["category"].value() in ("", proposed.value):
        press(qtbot, editor, Qt.Key.Key_Down)
    assert "*" in editor.reason_label.text()  # the reason became mandatory
    version = editor.version
    assert editor.save() is False
    reason = editor.fields["category_override_reason"]
    assert reason.message.isVisible() and f"公式结果为“{proposed.label}”" in reason.message.text()
    assert focused(editor) is reason.widget and editor.version == version

    # the service says the same, and its refusal lands at the same field
    reason.clear()
    monkeypatch.setattr(FileEditor, "_override_needed", lambda self: False)
    assert editor.save() is False
    assert reason.message.isVisible() and "须填写类别调整理由" in reason.message.text()
    assert "按公式测算家庭月人均收入" in reason.message.text()
    monkeypatch.undo()

    type_text(reason.widget, "入户调查发现家中另有大额债务")
    assert editor.save() is True and editor.version == version + 1


def test_the_service_refusal_is_mapped_back_to_its_field(qtbot, app_context, monkeypatch) -> None:
    """A rule only the service knows (the unit was deactivated meanwhile) shows at the union field."""
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx, demo_file(ctx))
    unit_id = editor.fields["unit_id"].value()
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        conn.execute("UPDATE org_unit SET active = 0 WHERE id = ?", (unit_id,))
        conn.commit()
    editor.fields["phone"].widget.setText("13800003333")
    shown = capture_dialogs(monkeypatch)
    assert editor.save() is False
    assert shown == []
    assert editor.tabs.currentIndex() == 0
    assert "所属基层工会不存在或已停用" in editor.fields["unit_id"].message.text()


# --- members ---------------------------------------------------------------------------------------------------------


def test_members_table_add_edit_remove_and_a_duplicate_person(qtbot, app_context, qtmodeltester, shot) -> None:
    ctx = app_context("jingban")
    file_id, other_id = demo_file(ctx, offset=0), demo_file(ctx, offset=1)
    with ctx.db.session() as s:
        taken = s.exec(select(Member.id_number, HardshipFile.file_no).join(HardshipFile,
                       HardshipFile.id == Member.file_id).where(Member.file_id == other_id,
                                                                Member.id_number.is_not(None))).first()
    editor = open_editor(qtbot, ctx, file_id)
    qtmodeltester.check(editor.members.model)
    editor.go_to_tab(1)
    model, view = editor.members.model, editor.members.view
    before = model.rowCount()
    assert before >= 1
    # existing members' ID numbers are masked and cannot be edited before "show"
    masked = model.data(model.index(0, KEYS.index("id_number")))
    assert "**********" in masked
    assert not model.flags(model.index(0, KEYS.index("id_number"))) & Qt.ItemFlag.ItemIsEditable

    qtbot.mouseClick(editor.members.add_button, Qt.MouseButton.LeftButton)
    row = before
    assert model.rowCount() == before + 1
    type_text(focused(editor), "赵小红")
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_relation_editor")
    for _ in range(3):
        press(qtbot, editor, Qt.Key.Key_Down)  # 女儿
    press(qtbot, editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(editor).objectName() == "member_id_number_editor")
    # typed wrong first: the cell speaks while typing
    qtbot.keyClicks(focused(editor), "61082620100101")
    qtbot.waitUntil(lambda: editor.members.message.isVisible())
    assert "身份证号应为18位" in editor.members.message.text()
    focused(editor).clear()
    qtbot.keyClicks(focused(editor), taken[0])
    press(qtbot, editor, Qt.Key.Key_Return)
    press(qtbot, editor, Qt.Key.Key_Escape)
    assert model.rows[row]["id_number"] == taken[0]
    assert qtmodeltester.check(model) is None

    # saving: the registry refuses — the person is in another live file
    assert editor.save() is False
    message = editor.members.message.text()
    assert f"家庭成员赵小红" in message and f"已是档案 {taken[1]} 的家庭成员" in message
    assert view.currentIndex().row() == row and view.currentIndex().column() == KEYS.index("id_number")
    assert model.data(model.index(row, KEYS.index("id_number")), Qt.ItemDataRole.ToolTipRole) == message
    shot(editor, "editor_members_duplicate")

    # removing the row (keyboard: Ctrl+Delete) lets the save through; the other members are kept
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert model.rowCount() == before
    assert editor.save() is True
    assert len(sql(ctx.db_path, "SELECT id FROM member WHERE file_id = ?", file_id)) == before


def test_a_member_typed_twice_is_caught_before_the_service(qtbot, app_context) -> None:
    editor = open_editor(qtbot, app_context("jingban"))
    model = editor.members.model
    for _ in range(2):
        editor.members.add_member()
        editor.members.commit_pending()
    for row in (0, 1):
        model.setData(model.index(row, KEYS.index("name")), f"成员{'甲乙'[row]}")
        model.setData(model.index(row, KEYS.index("relation")), "son")
        model.setData(model.index(row, KEYS.index("id_number")), SPOUSE_ID)
    assert model.cell_error(1, "id_number") == "与第1行身份证号相同"
    assert model.data(model.index(1, KEYS.index("id_number")), Qt.ItemDataRole.BackgroundRole) is not None


# --- existing files: versions, stale saves, read-only, closing ---------------------------------------------------


def test_editing_a_demo_file_bumps_its_version(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    file_id = demo_file(ctx)
    editor = open_editor(qtbot, ctx, file_id)
    version = editor.version
    assert not editor.dirty and not editor.isWindowModified()
    address = field_widget(editor, "address")
    address.setFocus()
    address.end(False)
    type_text(address, "（东侧）")
    assert editor.dirty
    assert editor.save()
    assert editor.version == version + 1 and not editor.dirty
    assert sql(ctx.db_path, "SELECT version, address FROM hardship_file WHERE id = ?", file_id)[0] == (
        version + 1, address.text())
    assert f"第 {version + 1} 版" in editor.state_label.text()


def test_a_stale_save_shows_the_stale_version_message(qtbot, app_context, monkeypatch) -> None:
    ctx = app_context("jingban")
    file_id = demo_file(ctx)
    first = open_editor(qtbot, ctx, file_id)
    second = open_editor(qtbot, app_context("jingban"), file_id)
    first.fields["phone"].widget.setText("13800004444")
    assert first.save()
    second.fields["phone"].widget.setText("13800005555")
    shown = capture_dialogs(monkeypatch)
    assert second.save() is False
    assert len(shown) == 1 and "已被李娜（" in shown[0] and "请关闭后重新打开" in shown[0]
    assert sql(ctx.db_path, "SELECT phone FROM hardship_file WHERE id = ?", file_id) == [("13800004444",)]
    assert second.isVisible() and second.dirty  # nothing lost from the screen


def test_a_reviewer_opens_a_file_read_only(qtbot, app_context, shot) -> None:
    ctx = app_context("shenhe")
    file_id = demo_file(ctx)
    editor = open_editor(qtbot, ctx, file_id)
    assert editor.read_only
    assert editor.banner.isVisible() and "审核" in editor.banner.text() and "只能查看" in editor.banner.text()
    assert field_widget(editor, "name").isReadOnly()
    assert not field_widget(editor, "unit_id").isEnabled()
    assert not editor.save_button.isVisible()
    assert not editor.members.add_button.isVisible()
    model = editor.members.model
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    name = field_widget(editor, "name")
    before = name.text()
    qtbot.keyClicks(name, "abc")
    qtbot.keyClick(name, Qt.Key.Key_Backspace)
    assert name.text() == before
    assert editor.save() is False and not editor.dirty
    for index, tab in enumerate(TAB_NAMES):
        editor.tabs.setCurrentIndex(index)
        wait_idle(qtbot, editor)
        assert_chinese(editor)
        shot(editor, f"editor_readonly_{tab}")


def test_a_submitted_file_is_read_only_even_for_the_clerk(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx, demo_file(ctx, "submitted"))
    assert editor.read_only and "已提交" in editor.banner.text()
    assert not editor.attachments.can_remove


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_closing_with_unsaved_changes_asks(qtbot, app_context, monkeypatch, answer: str) -> None:
    ctx = app_context("jingban")
    file_id = demo_file(ctx)
    editor = open_editor(qtbot, ctx, file_id)
    phone = field_widget(editor, "phone")
    phone.setFocus()
    phone.selectAll()
    qtbot.keyClicks(phone, "13811112222")
    button = {"cancel": QMessageBox.StandardButton.Cancel, "discard": QMessageBox.StandardButton.Discard,
              "save": QMessageBox.StandardButton.Save}[answer]
    asked = answer_message_boxes(monkeypatch, button)
    qtbot.keyClick(phone, Qt.Key.Key_Escape)
    assert asked == ["档案有尚未保存的修改。关闭前要保存吗？", "保存|不保存|取消"]
    stored = sql(ctx.db_path, "SELECT phone FROM hardship_file WHERE id = ?", file_id)[0][0]
    if answer == "cancel":
        assert editor.isVisible() and editor.dirty and stored != "13811112222"
    elif answer == "discard":
        assert not editor.isVisible() and stored != "13811112222"
    else:
        assert not editor.isVisible() and stored == "13811112222"


def test_closing_without_changes_does_not_ask(qtbot, app_context, monkeypatch) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx, demo_file(ctx))
    asked = answer_message_boxes(monkeypatch)
    qtbot.keyClick(field_widget(editor, "name"), Qt.Key.Key_Escape)
    assert asked == [] and not editor.isVisible()


# --- sensitive fields -----------------------------------------------------------------------------------------------


def test_show_on_the_bank_account_is_logged(qtbot, app_context, shot) -> None:
    ctx = app_context("jingban")
    file_id = demo_file(ctx)
    account = sql(ctx.db_path, "SELECT bank_account FROM hardship_file WHERE id = ?", file_id)[0][0]
    editor = open_editor(qtbot, ctx, file_id)
    editor.go_to_tab(3)
    stack = editor.bank_stack
    assert stack.masked and stack.masked_text.text() == "*" * (len(account) - 4) + account[-4:]
    assert focused(editor) is field_widget(editor, "bank_name")
    tab_to(qtbot, editor, stack.button, limit=3)  # 开户银行 → 支行名称 → 显示
    shot(editor, "editor_bank_masked")
    before = sql(ctx.db_path, "SELECT count(*) FROM audit_event WHERE action = 'view_sensitive'")[0][0]
    qtbot.keyClick(stack.button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not stack.masked, timeout=TIMEOUT)
    assert field_widget(editor, "bank_account").text() == account
    events = sql(ctx.db_path, "SELECT entity_id, actor_name, changes FROM audit_event WHERE action = 'view_sensitive'")
    assert len(events) == before + 1
    assert events[-1][:2] == (file_id, ctx.user.display_name)
    assert json.loads(events[-1][2]) == {"fields": ["银行卡号"]}
    assert not editor.dirty  # looking is not changing
    # the worker's ID number stays masked: each look is asked for, and logged, on its own
    assert editor.id_stack.masked


def test_show_on_the_member_ids_unmasks_the_table_and_the_worker_id(qtbot, app_context) -> None:
    ctx = app_context("shenhe")  # a reviewer may look too
    file_id = demo_file(ctx)
    editor = open_editor(qtbot, ctx, file_id)
    editor.go_to_tab(1)
    model = editor.members.model
    full = sql(ctx.db_path, "SELECT id_number FROM member WHERE file_id = ? ORDER BY seq", file_id)[0][0]
    qtbot.mouseClick(editor.members.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.data(model.index(0, KEYS.index("id_number"))) == full, timeout=TIMEOUT)
    assert not editor.id_stack.masked and not editor.members.show_button.isVisible()
    changes = sql(ctx.db_path, "SELECT changes FROM audit_event WHERE action = 'view_sensitive' AND entity_id = ?",
                  file_id)
    assert [json.loads(c[0]) for c in changes] == [{"fields": ["身份证号", "健康状况"]}]


# --- attachments ----------------------------------------------------------------------------------------------------


class FakeDialogs:
    def __init__(self, to_open: list[str], save_to: str = "") -> None:
        self.to_open, self.save_to = to_open, save_to
        self.opened: list[str] = []

    def open_files(self, parent, title, name_filter) -> list[str]:
        return list(self.to_open)

    def save_file(self, parent, title, suggested) -> str:
        return self.save_to

    def open_external(self, path: str) -> bool:
        self.opened.append(path)
        return True


def test_attachments_add_open_save_and_remove(qtbot, app_context, tmp_path: Path, monkeypatch, shot) -> None:
    ctx = app_context("jingban")
    file_id = demo_file(ctx)
    scan = tmp_path / "身份证正反面.jpg"
    content = b"\xff\xd8\xff\xe0 JFIF scanned ID " + bytes(range(256)) * 64
    scan.write_bytes(content)
    dialogs = FakeDialogs([str(scan)], save_to=str(tmp_path / "副本.jpg"))
    editor = open_editor(qtbot, ctx, file_id, dialogs=dialogs)
    editor.go_to_tab(4)
    tab = editor.attachments
    qtbot.waitUntil(lambda: tab.loaded, timeout=TIMEOUT)
    assert tab.items == []
    tab.kind.setFocus()
    press(qtbot, editor, Qt.Key.Key_Down)
    press(qtbot, editor, Qt.Key.Key_Down)  # 身份证
    assert tab.kind.code() == "id_card"
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tab.items) == 1 and editor.idle, timeout=TIMEOUT)
    digest = hashlib.sha256(content).hexdigest()
    item = tab.items[0]
    assert (item.name, item.kind_label, item.size, item.sha256) == ("身份证正反面.jpg", "身份证", len(content), digest)
    assert tab.table.item(0, 4).text() == digest[:16] + "…" and tab.table.item(0, 4).toolTip() == digest
    stored = sql(ctx.db_path, "SELECT sha256, content FROM attachment WHERE file_id = ?", file_id)
    assert stored == [(digest, content)] and hashlib.sha256(stored[0][1]).hexdigest() == digest
    assert tab.summary.text() == "共 1 份材料"
    assert_chinese(editor)
    shot(editor, "editor_attachments")

    # the same scan again: refused, naming the first
    shown = capture_dialogs(monkeypatch)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown) and editor.idle, timeout=TIMEOUT)
    assert "内容完全相同" in shown[0] and "身份证正反面.jpg" in shown[0]
    assert len(tab.items) == 1

    tab.table.selectRow(0)
    tab.open_selected()
    qtbot.waitUntil(lambda: bool(dialogs.opened), timeout=TIMEOUT)
    assert Path(dialogs.opened[0]).read_bytes() == content
    tab.save_selected()
    qtbot.waitUntil(lambda: (tmp_path / "副本.jpg").exists() and editor.idle, timeout=TIMEOUT)
    assert (tmp_path / "副本.jpg").read_bytes() == content
    views = sql(ctx.db_path, "SELECT count(*) FROM audit_event WHERE entity_type = 'attachment' AND action = 'view'")
    assert views == [(2,)]

    asked = answer_message_boxes(monkeypatch, QMessageBox.StandardButton.Yes)
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.items == [] and editor.idle, timeout=TIMEOUT)
    assert "身份证正反面.jpg" in asked[0] and asked[1] == "删除|保留"
    assert sql(ctx.db_path, "SELECT count(*) FROM attachment WHERE file_id = ?", file_id) == [(0,)]
    assert sql(ctx.db_path, "SELECT count(*) FROM tombstone WHERE table_name = 'attachment' AND row_id = ?",
               item.id) == [(1,)]
    # the file's own version is untouched: the open form can still be saved
    editor.fields["phone"].widget.setText("13800006666")
    assert editor.save()


def test_a_too_large_file_is_refused_before_it_is_read(qtbot, app_context, tmp_path: Path, monkeypatch) -> None:
    from assist_desktop.services import attachments

    ctx = app_context("jingban")
    big = tmp_path / "整本户口簿.pdf"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 1024)
    editor = open_editor(qtbot, ctx, demo_file(ctx), dialogs=FakeDialogs([str(big)]))
    editor.go_to_tab(4)
    qtbot.waitUntil(lambda: editor.attachments.loaded, timeout=TIMEOUT)
    shown = capture_dialogs(monkeypatch)
    editor.attachments.choose_and_add()
    qtbot.waitUntil(lambda: bool(shown) and editor.idle, timeout=TIMEOUT)
    assert "整本户口簿.pdf" in shown[0] and "超过上限" in shown[0]
    assert sql(ctx.db_path, "SELECT count(*) FROM attachment") == [(0,)]


def test_a_new_file_takes_attachments_only_once_saved(qtbot, app_context) -> None:
    editor = open_editor(qtbot, app_context("jingban"))
    editor.go_to_tab(4)
    assert not editor.attachments.add_button.isEnabled()
    assert editor.attachments.summary.text() == "请先保存档案，再添加附件材料。"


# --- history -----------------------------------------------------------------------------------------------------------


def test_history_lists_the_approval_steps_and_the_edits(qtbot, app_context, shot) -> None:
    ctx = app_context("jingban")
    file_id = demo_file(ctx)
    editor = open_editor(qtbot, ctx, file_id)
    editor.go_to_tab(5)
    history = editor.history
    qtbot.waitUntil(lambda: history.loaded, timeout=TIMEOUT)
    titles = [e.title for e in history.entries]
    assert titles == ["审批", "公示", "审核", "提交"]  # newest first
    assert history.table.item(0, 1).text() == "张国强"
    assert "公示中 → 在档" in history.table.item(0, 3).text() and "同意建档" in history.table.item(0, 3).text()
    assert_chinese(editor)
    shot(editor, "editor_history")
    editor.go_to_tab(0)
    editor.fields["phone"].widget.setText("13800007777")
    assert editor.save()
    editor.go_to_tab(5)
    qtbot.waitUntil(lambda: history.loaded, timeout=TIMEOUT)
    assert history.entries[0].title == "修改档案"
    assert "手机号码" in history.entries[0].detail and "13800007777" in history.entries[0].detail


# --- every tab in Chinese, with a screenshot -------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["new", "existing"])
def test_every_tab_speaks_chinese(qtbot, app_context, shot, which: str) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx, None if which == "new" else demo_file(ctx))
    for index, tab in enumerate(TAB_NAMES):
        editor.go_to_tab(index)
        wait_idle(qtbot, editor)
        assert_chinese(editor)
        shot(editor, f"editor_{which}_{tab}")
    if which == "existing":  # and with the sensitive parts shown
        editor.go_to_tab(0)
        editor.reveal(("id_number", "health", "illness", "disability_type", "disability_grade"))
        qtbot.waitUntil(lambda: not editor.health_stack.masked and editor.idle, timeout=TIMEOUT)
        assert_chinese(editor)
        shot(editor, "editor_existing_worker_shown")


def test_an_exited_file_opens_read_only(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx, demo_file(ctx, FileStatus.exited.value))
    assert editor.read_only and "撤档" in editor.banner.text()
    assert not editor.attachments.can_add
    assert editor.save() is False


def test_today_is_used_for_ages(qtbot, app_context) -> None:
    editor = open_editor(qtbot, app_context("jingban"), today=date(2030, 1, 1))
    qtbot.keyClicks(field_widget(editor, "id_number"), WORKER_ID)
    assert editor.age_box.text() == "49岁"


def test_a_missing_file_is_reported_not_crashed(qtbot, app_context, _no_blocking_dialogs) -> None:
    editor = open_editor(qtbot, app_context("jingban"), "00000000-0000-0000-0000-000000000000")
    assert editor.read_only and editor.load_error and "找不到档案" in editor.banner.text()
    assert _no_blocking_dialogs and "找不到档案" in _no_blocking_dialogs[0]
    assert editor.save() is False
