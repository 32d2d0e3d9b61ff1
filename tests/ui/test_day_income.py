"""A blank income is missing, not 0 (issue 18): the editor proposed 深度困难 for a new file whose incomes were
never typed, with no warning. Now the figures wait, the field says what to fill in, nothing is saved
without it, and a typed 0 is an income of 0."""

from __future__ import annotations

from PySide6.QtCore import Qt

from assist_desktop.services.registry import FileInput, MemberInput, RegistryError
from tests.ui.conftest import type_text
from tests.ui.test_editor import (WORKER_ID, _no_blocking_dialogs, field_widget, make_id, open_editor,  # noqa: F401
                                  sql)
from assist_desktop.ui.editor.members_table import KEYS


def _fill_the_worker(qtbot, editor) -> None:
    type_text(field_widget(editor, "name"), "阿卜杜热合曼·买买提依明·艾则孜")
    qtbot.keyClicks(field_widget(editor, "id_number"), WORKER_ID)
    qtbot.keyClicks(field_widget(editor, "phone"), "13912345678")
    type_text(field_widget(editor, "address"), "陕西省榆林市绥德县名州镇张家村12号")
    type_text(field_widget(editor, "employer_name"), "绥德县兴业建筑工程有限公司")
    unit = field_widget(editor, "unit_id")
    unit.setCurrentIndex(1)
    cause = field_widget(editor, "primary_cause")
    cause.setCurrentIndex(cause.findData(3))


def test_no_category_is_proposed_until_the_income_is_given(qtbot, app_context, demo_db, shot) -> None:
    ctx = app_context("jingban")
    editor = open_editor(qtbot, ctx)
    before = sql(demo_db, "SELECT count(*) FROM hardship_file")
    _fill_the_worker(qtbot, editor)
    editor.go_to_tab(2)
    labels = editor.figure_labels
    assert labels["proposed"].text() == "暂不能测算：请先填写本人月平均收入（没有收入填0）"
    assert labels["per_capita"].text() == "—" and editor.proposal is None
    assert editor.fields["category"].widget.itemText(0) == "按公式（收入未填，暂不能测算）"
    shot(editor, "editor-income-missing")
    assert editor.save() is False  # refused at the field, nothing written
    income = editor.fields["worker_monthly_income_fen"]
    assert "请填写本人月平均收入" in (income.error or "") and income.message.isVisible()
    assert sql(demo_db, "SELECT count(*) FROM hardship_file") == before

    # no income at all is typed as 0: then the formula speaks
    qtbot.keyClicks(income.widget, "0")
    assert labels["proposed"].text() == "深度困难" and labels["per_capita"].text() == "0.00元"
    # a working spouse whose income is left blank makes it missing again, naming her
    editor.members.add_member()
    editor.members.commit_pending()
    model = editor.members.model
    model.setData(model.index(0, KEYS.index("name")), "李秀英")
    model.setData(model.index(0, KEYS.index("relation")), "spouse")
    model.setData(model.index(0, KEYS.index("identity")), "on_duty")
    assert labels["proposed"].text() == "暂不能测算：请先填写李秀英的月收入（没有收入填0）"
    assert model.cell_error(0, "income") == "请填写月收入（没有收入填0）"
    model.setData(model.index(0, KEYS.index("income")), "2,400")
    assert labels["proposed"].text() == "相对困难"  # 2,400 ÷ 2 = 1,200 a head: under twice the 770 line
    assert editor.save() is True
    assert sql(demo_db, "SELECT worker_monthly_income_fen, category FROM hardship_file WHERE id = ?",
               editor.file_id) == [(0, "relative")]


def test_a_recorded_zero_opens_as_zero_not_as_missing(qtbot, app_context, demo_db) -> None:
    ctx = app_context("jingban")
    import sqlite3
    from contextlib import closing

    file_id = sql(demo_db, "SELECT id FROM hardship_file WHERE status = 'draft' ORDER BY file_no LIMIT 1")[0][0]
    with closing(sqlite3.connect(demo_db)) as conn:  # a worker without wages, as recorded (a lay-off)
        conn.execute("UPDATE hardship_file SET worker_monthly_income_fen = 0 WHERE id = ?", (file_id,))
        conn.commit()
    editor = open_editor(qtbot, ctx, file_id)
    assert field_widget(editor, "worker_monthly_income_fen").text() == "0.00"
    assert editor.proposal_known and not editor.dirty


def test_the_service_refuses_a_missing_income_naming_it(app_context) -> None:
    from assist_desktop.services import registry

    ctx = app_context("jingban")
    unit = sql(ctx.db_path, "SELECT id FROM org_unit WHERE level = 'grassroots' LIMIT 1")[0][0]
    data = FileInput(name="王建国", id_number=WORKER_ID, phone="13912345678", address="绥德县名州镇", employer_name="某厂",
                     unit_id=unit, primary_cause=3, worker_monthly_income_fen=None)
    with ctx.db.session() as s:
        try:
            registry.create_file(s, ctx.user, data)
        except RegistryError as exc:
            assert exc.field == "本人月平均收入" and "未填写" in exc.message
        else:
            raise AssertionError("a missing income was taken as 0")
        data.worker_monthly_income_fen = 0
        data.members = [MemberInput(name="李秀英", relation="spouse", id_number=make_id("19820611", 224),
                                    monthly_income_fen=None)]
        try:
            registry.create_file(s, ctx.user, data)
        except RegistryError as exc:
            assert "李秀英" in exc.message and "月收入未填写" in exc.message
        else:
            raise AssertionError("a member's missing income was taken as 0")
