"""审批 page, 台账导入批次: the clerk's import of historic files as active waits there for the approver, who
approves the whole batch (every file active, opened on the ledger's filing date) or sends it back."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from assist_desktop.services.ledger import ImportOptions, commit_import, prepare_import
from assist_desktop.ui.approvals.page import ApprovalsPage
from tests.services.conftest import make_id
from tests.services.ledger.conftest import write_xlsx

from .conftest import assert_chinese

HEADER = ["姓名", "身份证号", "联系电话", "家庭住址", "工作单位", "主要致困原因", "困难类别", "家庭人口", "家庭年收入", "建档时间"]


def _import(ctx, tmp_path: Path, name: str) -> str:
    rows = [HEADER] + [[f"历史{'甲乙丙'[i]}", make_id("19700101", 601 + 2 * i), f"1390000000{i}", "绥德县名州镇1号",
                        "绥德县环卫所", "6", "深度困难", 3, "12000", "2016.5"] for i in range(3)]
    path = write_xlsx(tmp_path / name, rows)
    with ctx.db.session() as s:
        unit = s.execute(__import__("sqlalchemy").text(
            "SELECT id FROM org_unit WHERE level = 'grassroots' ORDER BY code LIMIT 1")).scalar_one()
        plan = prepare_import(s, ctx.user, path, "files", options=ImportOptions(unit_id=unit, file_status="active"),
                              today=date(2026, 11, 20))
        assert plan.ok, [i.line() for i in plan.errors]
        return commit_import(s, ctx.user, plan).import_batch_id


def test_the_approver_approves_an_import_batch_as_a_whole(qtbot, app_context, tmp_path: Path, shot) -> None:
    clerk = app_context("jingban")
    batch = _import(clerk, tmp_path, "历史台账.xlsx")
    page = ApprovalsPage(clerk)  # the clerk: nothing to approve, the panel stays hidden
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.batches.op is not None and page.batches.op.done, timeout=15000)
    assert not page.batches.isVisible()
    ctx = app_context("shenpi")
    page = ApprovalsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.batches.op is not None and page.batches.op.done and page.batches.isVisible(),
                    timeout=15000)
    panel = page.batches
    assert [(i.id, i.households, i.pending_members) for i in panel.items] == [(batch, 3, 3)]
    assert panel.table.item(0, 0).text() == "历史台账.xlsx" and panel.approve_button.isEnabled()
    assert_chinese(panel)
    shot(page, "approvals-import-batch")
    panel.opinion.setText("原台账在档户，整批审批")
    panel.approve()
    qtbot.waitUntil(lambda: panel.op.done and not panel.isVisible(), timeout=15000)
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        rows = conn.execute("SELECT status, opened_on, members_pending FROM hardship_file WHERE import_batch_id = ?",
                            (batch,)).fetchall()
        opinions = conn.execute("SELECT count(*) FROM workflow_event WHERE opinion = ?",
                                ("整批审批台账导入：历史台账.xlsx；原台账在档户，整批审批",)).fetchone()[0]
    assert rows == [("active", "2016-05-01", 1)] * 3 and opinions == 3


def test_a_batch_sent_back_leaves_drafts(qtbot, app_context, tmp_path: Path) -> None:
    batch = _import(app_context("jingban"), tmp_path, "退回的台账.xlsx")
    ctx = app_context("shenpi")
    page = ApprovalsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.batches.isVisible(), timeout=15000)
    page.batches.send_back("建档时间请逐户核对")
    qtbot.waitUntil(lambda: page.batches.op.done and not page.batches.isVisible(), timeout=15000)
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        assert conn.execute("SELECT status, opinion FROM import_batch WHERE id = ?", (batch,)).fetchone() == \
            ("returned", "建档时间请逐户核对")
        assert conn.execute("SELECT count(*) FROM hardship_file WHERE import_batch_id = ? AND status = 'draft'",
                            (batch,)).fetchone()[0] == 3
