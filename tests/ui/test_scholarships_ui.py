"""金秋助学 screens: the page with its budget, the editor, bulk steps, installments and payment."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest

from tests.ui.conftest import assert_chinese, type_text

pytestmark = pytest.mark.usefixtures("qapp")


def _page(qtbot, ctx):
    from assist_desktop.ui.scholarships.page import ScholarshipsPage

    page = ScholarshipsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(page.idle, timeout=10_000)
    return page


def test_page_shows_rounds_budget_and_filters(qtbot, app_context, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    assert page.round_combo.count() >= 1
    assert page.summary is not None and page.summary.budget_fen > 0
    assert "元" in page.budget_text.text()
    total = page.model.total
    assert total > 0 and page.model.rowCount() == min(total, 200)
    shot(page, "sch_page")
    assert_chinese(page)
    page.level_filter.setCurrentIndex(page.level_filter.findData("undergraduate"))
    qtbot.waitUntil(page.idle, timeout=10_000)
    assert all(r.level == "undergraduate" for r in page.model.rows)
    page.level_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("paid"))
    qtbot.waitUntil(page.idle, timeout=10_000)
    assert all(r.status == "paid" for r in page.model.rows)
    first = page.model.rows[0]
    page.status_filter.setCurrentIndex(0)
    type_text(page.search, first.student_name)
    page._debounce.flush()
    qtbot.waitUntil(page.idle, timeout=10_000)
    assert any(r.id == first.id for r in page.model.rows)


def test_editor_checks_inline_and_derives_from_the_id(qtbot, app_context, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    editor = page.new_application()
    assert editor is not None
    qtbot.waitUntil(editor.idle, timeout=10_000)
    type_text(editor.student_id, "61082620081129479")  # one digit short
    editor.fields["student_id"].flush()
    assert editor.fields["student_id"].error
    assert editor.fields["student_id"].message.isVisibleTo(editor)
    editor.student_id.clear()
    type_text(editor.student_id, "610826200811294792")
    editor.fields["student_id"].flush()
    assert editor.fields["student_id"].error is None
    assert editor.birth.text() == "2008-11-29" and editor.sex.text() == "男"
    editor.save()  # empty mandatory fields: refused at the fields, nothing sent to the service
    assert editor.fields["student_name"].error and editor.fields["school"].error
    shot(editor, "sch_editor_errors")
    assert_chinese(editor)
    editor.reject()
