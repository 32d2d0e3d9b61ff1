"""The editor on a file a ledger brought in as one household row (成员待补录): it says what is missing, judges
the category on the ledger's household size and income until every person is listed, then on the members."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from assist_desktop.services import registry
from assist_desktop.services.registry import FileInput
from assist_desktop.ui.editor import FileEditor
from tests.services.conftest import make_id

from .conftest import assert_chinese


@pytest.fixture(autouse=True)
def _discard_on_close(monkeypatch) -> None:
    """Closing the editor with the rows added unsaved asks 保存吗: answered 不保存, never left waiting."""
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Discard.value)


def test_the_editor_shows_what_a_ledger_household_is_missing(qtbot, app_context, shot) -> None:
    ctx = app_context("jingban")
    ctx.clock = lambda: date(2026, 11, 20)
    with ctx.db.session() as s:
        unit = s.execute(__import__("sqlalchemy").text(
            "SELECT id FROM org_unit WHERE level = 'grassroots' ORDER BY code LIMIT 1")).scalar_one()
        hf = registry.create_file(s, ctx.user, FileInput(
            name="阿卜杜热合曼·买买提依明·艾则孜", id_number=make_id("19800315", 777), phone="13912345678",
            address="陕西省榆林市绥德县名州镇张家村12号", employer_name="绥德县兴业建筑工程有限公司", unit_id=unit,
            primary_cause=6, declared_household_size=4, declared_annual_income_fen=2_400_000,
            filed_on=date(2019, 3, 1), former_file_no="SD2019-0042"), today=date(2026, 11, 20))
        file_id = hf.id
    editor = FileEditor(ctx, file_id)
    qtbot.addWidget(editor)
    editor.resize(1100, 760)
    editor.show()
    qtbot.waitUntil(lambda: editor.ready and editor.idle, timeout=10_000)
    QApplication.processEvents()
    note = editor.pending_note
    assert note.isVisible()
    assert note.text().startswith("成员待补录：台账登记家庭人口4人，这里已列出1人，还有3人请在“家庭成员”页补录。")
    assert "家庭年收入24,000.00元" in note.text()
    assert editor.figure_labels["size"].text() == "4人（台账登记数，已列出1人）"
    assert editor.figure_labels["per_capita"].text() == "500.00元"
    assert_chinese(editor)
    shot(editor, "editor-members-pending")
    editor.go_to_tab(1)
    for _ in range(3):
        editor.members.add_member()
    QApplication.processEvents()
    assert not note.isVisible() and editor.figure_labels["size"].text() == "4人"  # everyone listed: from the members
