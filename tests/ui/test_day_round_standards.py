"""A new round for a year without standards (issue 18): said at creation, and the administrator is offered
last year's table — before, the round opened and every application then failed for want of an amount."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from tests.ui.conftest import type_text
from tests.ui.test_scholarships_ui import _page

pytestmark = pytest.mark.usefixtures("qapp")
TODAY = date(2026, 11, 20)


def _rows(path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def boxes(monkeypatch) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"question": [], "warning": []}
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *a, **k: seen["question"].append(text) or QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda _p, _t, text, *a, **k: seen["warning"].append(text) or QMessageBox.StandardButton.Ok))
    return seen


def _new_round_2027(qtbot, ctx):
    ctx.clock = lambda: TODAY
    page = _page(qtbot, ctx)
    dialog = page.edit_round(new=True, exec_dialog=False)
    labels = [w.text() for w in dialog.findChildren(QLabel)]
    assert "名称" in labels and "姓名" not in labels  # the round's name, not a person's
    dialog.year.setValue(2027)
    dialog.budget.setText("300000")
    type_text(dialog.name, "2027年金秋助学")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted or bool(dialog.message.text()),
                    timeout=15_000)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.message.text()
    return page, dialog


def test_the_administrator_is_offered_last_years_table(qtbot, app_context, demo_db, boxes) -> None:
    assert _rows(demo_db, "SELECT count(*) FROM policy_standard WHERE year = 2027") == [(0,)]
    page, dialog = _new_round_2027(qtbot, app_context("admin"))
    (question,) = boxes["question"]
    assert "2027年还没有金秋助学救助标准" in question and "将2026年的标准复制为2027年的标准" in question
    qtbot.waitUntil(lambda: dialog.copy_op.done, timeout=15_000)
    copied = _rows(demo_db, "SELECT key, filed, amount_fen, plan FROM policy_standard "
                            "WHERE program = 'scholarship' AND year = 2027 ORDER BY key, filed")
    with page.ctx.db.session() as s:
        from assist_desktop.services import policy_admin

        wanted = sorted((x.key, int(x.filed), x.amount_fen, x.plan)
                        for x in policy_admin.standards(s, "scholarship", 2026))
    assert copied == wanted and len(copied) == 8
    assert _rows(demo_db, "SELECT count(*) FROM audit_event WHERE action = 'copy_year'") == [(1,)]


def test_the_chair_is_told_the_administrator_sets_them(qtbot, app_context, demo_db, boxes) -> None:
    _new_round_2027(qtbot, app_context("shenpi"))
    assert not boxes["question"]
    (warning,) = boxes["warning"]
    assert "2027年还没有金秋助学救助标准" in warning and "请管理员" in warning and "2026年" in warning
    assert _rows(demo_db, "SELECT count(*) FROM policy_standard WHERE year = 2027") == [(0,)]


def test_the_standards_dialog_copies_the_previous_year_once_confirmed(qtbot, app_context, demo_db, boxes) -> None:
    from tests.ui.test_standards_ui import _dialog

    ctx = app_context("admin")
    ctx.clock = lambda: TODAY
    dialog = _dialog(qtbot, ctx, "spring_festival", 2027)
    assert dialog.copy_button.isVisible()
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.info.text()), timeout=15_000)
    assert boxes["question"] == ["将2026年的标准复制到2027年？2027年已有的项目保持不变。"]
    assert dialog.info.text().startswith("已从2026年复制")
    assert _rows(demo_db, "SELECT count(*) FROM policy_standard WHERE program = 'spring_festival' AND year = 2027")[0][
        0] > 0
    chair = _dialog(qtbot, app_context("shenpi"), "spring_festival", 2027)
    assert not chair.copy_button.isVisible()
