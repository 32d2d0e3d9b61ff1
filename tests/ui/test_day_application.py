"""The scholarship application form as a clerk fills it (issue 18): typed data is asked about before the form
closes; a filed household's student is picked from its members (the look at the ID audited); the
application keeps its own materials, as a file does."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import assert_chinese, type_text
from tests.ui.test_scholarships_ui import CLOCK, _apply, _at, _page, reopen_round

pytestmark = pytest.mark.usefixtures("qapp")


def _rows(path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def answers(monkeypatch):
    """The clerk's answers to the 'unsaved changes' box, in turn; what it asked is kept."""
    queue: list[QMessageBox.StandardButton] = []
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        return (queue.pop(0) if queue else QMessageBox.StandardButton.Cancel).value

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return queue, asked


def test_closing_a_typed_application_asks_first(qtbot, app_context, demo_db, answers) -> None:
    queue, asked = answers
    round_id = reopen_round(demo_db)
    page = _page(qtbot, _at(app_context("jingban"), CLOCK))
    page.round_combo.setCurrentIndex(page.round_combo.findData(round_id))
    qtbot.waitUntil(page.idle, timeout=10_000)
    editor = page.new_application()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert not editor.isVisible() and asked == []

    editor = page.new_application()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    type_text(editor.student_name, "阿卜杜热合曼·买买提依明·艾则孜")
    queue.append(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert asked == ["这份申请有未保存的修改，关闭前要保存吗？"] and editor.isVisible()  # stays, as typed
    assert editor.student_name.text() == "阿卜杜热合曼·买买提依明·艾则孜"
    queue.append(QMessageBox.StandardButton.Discard)
    editor.buttons.button(editor.buttons.StandardButton.Cancel).click()  # 关闭
    assert len(asked) == 2 and not editor.isVisible()
    assert _rows(demo_db, "SELECT count(*) FROM scholarship WHERE student_name LIKE '阿卜杜%'") == [(0,)]


def test_the_student_is_picked_from_the_households_members(qtbot, app_context, demo_db, answers, shot) -> None:
    file_no, parent, child, number, school, admission, years = _rows(
        demo_db, "SELECT f.file_no, f.name, m.name, m.id_number, m.unit_or_school, m.admission_year, m.study_years "
                 "FROM member m JOIN hardship_file f ON f.id = m.file_id WHERE m.education_level = 'undergraduate' "
                 "AND f.status = 'active' AND m.admission_year >= 2023 ORDER BY f.file_no LIMIT 1")[0]
    round_id = reopen_round(demo_db)
    page = _page(qtbot, _at(app_context("jingban"), CLOCK))
    page.round_combo.setCurrentIndex(page.round_combo.findData(round_id))
    qtbot.waitUntil(page.idle, timeout=10_000)
    editor = page.new_application()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    qtbot.keyClicks(editor.file_search, file_no)
    qtbot.keyClick(editor.file_search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.idle() and editor.member_pick.count() > 1, timeout=10_000)
    assert editor.member_pick.isVisibleTo(editor)
    assert editor.fields["student_name"].error is None  # Enter searched; it did not also try to save
    row = next(i for i in range(editor.member_pick.count()) if editor.member_pick.itemText(i).startswith(child))
    assert number not in editor.member_pick.itemText(row) and number[-4:] in editor.member_pick.itemText(row)  # masked
    before = _rows(demo_db, "SELECT count(*) FROM audit_event WHERE action = 'view_sensitive'")[0][0]
    editor.member_pick.setCurrentIndex(row)
    editor.member_pick.activated.emit(row)
    qtbot.waitUntil(lambda: editor.idle() and editor.student_id.text() == number, timeout=10_000)
    assert (editor.student_name.text(), editor.school.text(), editor.level.code()) == (child, school, "undergraduate")
    assert (editor.admission.text(), editor.study_years.text()) == (str(admission), str(years))
    assert _rows(demo_db, "SELECT count(*) FROM audit_event WHERE action = 'view_sensitive'")[0][0] == before + 1
    assert_chinese(editor)
    shot(editor, "application-picked-student")


def test_an_application_keeps_its_materials(qtbot, app_context, demo_db, tmp_path, answers) -> None:
    (sid,) = _apply(demo_db, reopen_round(demo_db), 1)
    scan = tmp_path / "录取通知书.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0 admission notice scan")
    page = _page(qtbot, _at(app_context("jingban"), CLOCK))
    editor = page.open_application(sid)
    qtbot.waitUntil(lambda: editor.idle() and editor.version > 0, timeout=10_000)
    editor.tabs.setCurrentIndex(1)
    tab = editor.attachments
    qtbot.waitUntil(lambda: tab.loaded, timeout=10_000)
    assert tab.can_add and "录取通知书" in tab.checklist.text()
    tab.kind.set_code("student_proof")
    tab.add_files([str(scan)], "student_proof")
    qtbot.waitUntil(lambda: tab.op.done and len(tab.items) == 1, timeout=10_000)
    assert _rows(demo_db, "SELECT name, kind, scholarship_id, file_id FROM attachment WHERE scholarship_id = ?", sid) == [
        ("录取通知书.jpg", "student_proof", sid, None)]
    assert "学生证" not in tab.checklist.text()
    assert tab.can_remove  # a draft: the clerk may still take it away
    assert_chinese(editor)
