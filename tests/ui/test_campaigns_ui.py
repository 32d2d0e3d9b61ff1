"""春节送温暖 screens: the campaign page and its dashboard, the lazy visit list, the campaign dialog, the generation
wizard, bulk steps with the budget per fund source, and the visit editor.

The demo county (300 households) holds last year's campaign (2026), visited and paid in full; the tests set up
this winter's (2027) through the screens, as the chair and the clerk would.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import assert_chinese, type_text

pytestmark = pytest.mark.usefixtures("qapp")

WINTER = date(2026, 12, 1)  # the chair sets up the 2027 campaign
REVIEW_DAY = date(2026, 12, 20)
APPROVAL_DAY = date(2026, 12, 28)
VISIT_DAY = date(2027, 1, 12)
PAY_DAY = date(2027, 1, 15)


def _rows(path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def _at(ctx, day: date):
    ctx.clock = lambda: day
    return ctx


def _page(qtbot, ctx):
    from assist_desktop.ui.campaigns.page import CampaignsPage

    page = CampaignsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    qtbot.waitUntil(page.idle, timeout=15_000)
    return page


def _settle(qtbot, page) -> None:
    qtbot.waitUntil(page.idle, timeout=20_000)


# --- the demo campaign: page, dashboard, lazy list ----------------------------------------------------


def test_the_page_shows_last_years_campaign_and_its_dashboard_equals_the_database(qtbot, app_context, demo_db,
                                                                                  shot) -> None:
    from assist_desktop.domain.money import format_amount

    page = _page(qtbot, _at(app_context("jingban"), WINTER))
    ((cid, name, budget),) = _rows(demo_db, "SELECT id, name, budget_fen FROM campaign")
    assert page.campaign_id() == cid and page.campaign_combo.currentText().startswith(name)
    assert "已结束" in page.campaign_combo.currentText()
    board = page.board
    assert board is not None and board.campaign_id == cid
    by_status = dict(_rows(demo_db, "SELECT status, count(*) FROM visit WHERE campaign_id=? GROUP BY status", cid))
    for status, tile in page.dashboard.status_tiles.items():
        assert tile.value.text() == str(by_status.get(status, 0)), status
    ((count, cash, goods, visited),) = _rows(
        demo_db, "SELECT count(*), sum(cash_fen), sum(goods_fen), count(actual_date) FROM visit "
                 "WHERE campaign_id=? AND status!='cancelled'", cid)
    assert page.dashboard.visited_tile.value.text() == str(visited)
    ((vouchers, disbursed),) = _rows(demo_db, "SELECT count(*), sum(d.amount_fen) FROM disbursement d JOIN visit v "
                                              "ON v.id=d.grant_id WHERE d.grant_type='visit' AND v.campaign_id=?", cid)
    assert page.dashboard.voucher_tile.value.text() == str(vouchers)
    table = page.dashboard.sources_table
    cell = page.dashboard.cell
    assert cell(table, "total", 2) == format_amount(budget)
    assert cell(table, "total", 3) == str(count)
    assert cell(table, "total", 4) == format_amount(cash + goods)
    assert cell(table, "total", 7) == format_amount(cash + goods)  # all paid
    for sid, amount in _rows(demo_db, "SELECT id, amount_fen FROM campaign_fund_source WHERE campaign_id=?", cid):
        ((n, total),) = _rows(demo_db, "SELECT count(*), coalesce(sum(cash_fen+goods_fen),0) FROM visit "
                                       "WHERE fund_source_id=? AND status!='cancelled'", sid)
        assert (cell(table, sid, 2), cell(table, sid, 3), cell(table, sid, 7)) == (
            format_amount(amount), str(n), format_amount(total))
    for group, n, g_cash, g_goods in _rows(demo_db, "SELECT group_key, count(*), sum(cash_fen), sum(goods_fen) "
                                                    "FROM visit WHERE campaign_id=? GROUP BY group_key", cid):
        groups = page.dashboard.groups_table
        assert (cell(groups, group, 2), cell(groups, group, 3), cell(groups, group, 4)) == (
            str(n), format_amount(g_cash), format_amount(g_goods))
    assert format_amount(disbursed) in page.dashboard.summary.text()
    assert format_amount(budget) in page.budget_text.text()
    assert_chinese(page)
    shot(page, "campaign_dashboard")
    page.tabs.setCurrentIndex(1)
    _settle(qtbot, page)
    assert page.model.total == count and page.model.rowCount() == min(count, 200)
    assert "户" in page.count_label.text()
    assert_chinese(page)
    shot(page, "campaign_visits")
    page.tabs.setCurrentIndex(2)
    assert page.campaign_table.rowCount() == 1
    shot(page, "campaign_list")


def test_the_lazy_model_passes_the_model_tester(qtbot, qtmodeltester, app_context, demo_db) -> None:
    from assist_desktop.ui.campaigns.model import COLUMNS, VisitQuery, VisitsModel

    ctx = app_context("shenhe")
    ((cid, count),) = _rows(demo_db, "SELECT campaign_id, count(*) FROM visit GROUP BY campaign_id")
    model = VisitsModel(ctx.db, ctx.user, page_size=40)
    model.set_query(VisitQuery(campaign_id=cid))
    assert model.wait()
    assert (model.rowCount(), model.total) == (40, count)
    # the Python tester asserts; connected, it checks the model again after every change below, and fetches
    qtmodeltester.check(model, force_py=True)
    assert model.wait() and model.rowCount() > 40
    model.sort(COLUMNS.index("total"), Qt.SortOrder.DescendingOrder)
    assert model.wait() and model.query.order == "-total"
    totals = [r.total_fen for r in model.rows]
    assert totals == sorted(totals, reverse=True)
    model.sort(COLUMNS.index("voucher"), Qt.SortOrder.AscendingOrder)  # not an order of the list: unchanged
    assert model.query.order == "-total"
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        assert model.wait()
    assert model.rowCount() == count
    assert len({r.id for r in model.rows}) == count  # pages join up, nothing twice
    first = model.rows[0]
    model.set_query(VisitQuery(campaign_id=cid, text=first.recipient_name))
    assert model.wait() and first.id in {r.id for r in model.rows}


def test_filters_and_search_as_you_type(qtbot, app_context, demo_db) -> None:
    page = _page(qtbot, _at(app_context("jingban"), WINTER))
    page.tabs.setCurrentIndex(1)
    ((cid,),) = _rows(demo_db, "SELECT id FROM campaign")

    def count(where: str, *args: object) -> int:
        return _rows(demo_db, f"SELECT count(*) FROM visit WHERE campaign_id=? AND {where}", cid, *args)[0][0]

    page.group_filter.setCurrentIndex(page.group_filter.findData("deep"))
    _settle(qtbot, page)
    assert page.model.total == count("group_key='deep'") and {r.group_key for r in page.model.rows} == {"deep"}
    assert page.count_label.text() == f"共 {page.model.total} 户"
    page.group_filter.setCurrentIndex(0)
    page.unit_filter.setCurrentIndex(1)
    _settle(qtbot, page)
    chosen = page.unit_filter.currentText()
    assert page.model.total == count("unit_name=?", chosen) > 0
    assert {r.unit_name for r in page.model.rows} == {chosen}
    page.unit_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("draft"))
    _settle(qtbot, page)
    assert page.model.total == 0 and page.count_label.text() == "共 0 户"
    page.status_filter.setCurrentIndex(page.status_filter.findData("paid"))
    page.visited_filter.setCurrentIndex(page.visited_filter.findData(False))
    _settle(qtbot, page)
    assert page.model.total == 0  # last year's visits were all made
    page.visited_filter.setCurrentIndex(0)
    type_text(page.cadre_filter, "王建军")
    page._debounce.flush()
    _settle(qtbot, page)
    assert page.model.total == count("cadres LIKE '%王建军%'")
    page.cadre_filter.clear()
    page._debounce.flush()
    _settle(qtbot, page)
    # search as you type: the name, then the tail of the ID number
    name, number = _rows(demo_db, "SELECT recipient_name, recipient_id_number FROM visit WHERE campaign_id=? "
                                  "ORDER BY recipient_name LIMIT 1 OFFSET 20", cid)[0]
    type_text(page.search, name)
    page._debounce.flush()
    _settle(qtbot, page)
    assert page.model.total == count("(recipient_name LIKE ? OR unit_name LIKE ? OR cadres LIKE ?)",
                                     f"%{name}%", f"%{name}%", f"%{name}%")
    assert name in {r.recipient_name for r in page.model.rows}
    page.search.clear()
    qtbot.keyClicks(page.search, number[-6:])
    page._debounce.flush()
    _settle(qtbot, page)
    assert [r.recipient_name for r in page.model.rows] == [name]
    assert page.model.rows[0].masked_id.endswith(number[-4:]) and number not in page.model.rows[0].masked_id


# --- this winter's campaign: the dialog, the wizard, the steps ------------------------------------------

UPPER, OWN = "上级工会拨款", "本级工会经费"


def _active_files(path) -> int:
    return _rows(path, "SELECT count(*) FROM hardship_file WHERE status='active'")[0][0]


def _new_campaign(qtbot, page, sources: list[tuple[str, str]]):
    """The chair fills in the campaign dialog (as typed) and saves; returns the dialog."""
    dialog = page.edit_campaign(new=True, exec_dialog=False)
    qtbot.waitUntil(dialog.idle, timeout=10_000)
    for row, (name, amount) in enumerate(sources):
        dialog.set_source(row, name, amount)
    dialog.save()
    qtbot.waitUntil(dialog.idle, timeout=10_000)
    return dialog


def test_the_chair_sets_up_a_campaign_and_the_clerk_generates_its_list(qtbot, app_context, demo_db, shot,
                                                                        monkeypatch) -> None:
    from assist_desktop.ui.background import Progress
    from assist_desktop.ui.campaigns.wizard import DONE, PREVIEW

    chair = _page(qtbot, _at(app_context("shenpi"), WINTER))
    assert chair.new_campaign_button.isVisible() and not chair.generate_button.isVisible()
    dialog = chair.edit_campaign(new=True, exec_dialog=False)
    qtbot.waitUntil(dialog.idle, timeout=10_000)
    assert dialog.year.value() == 2027 and dialog.start.date().toString("yyyy-MM-dd") == "2026-12-20"
    # the standards come from 2026's table (2027 has none yet), shown per group
    assert "2026" in dialog.standards_note.text()
    assert [dialog.standards.item(r, 1).text() for r in range(3)] == ["1,500.00", "1,000.00", "1,000.00"]
    assert [dialog.sources.item(r, 0).text() for r in range(2)] == [UPPER, OWN]
    # refusals land at their field and write nothing
    dialog.set_source(0, UPPER, "三十万")
    dialog.save()
    assert "不是有效的金额" in (dialog.fields["sources"].error or "")
    dialog.set_source(0, UPPER, "300000")
    dialog.set_source(1, OWN, "120,000")
    assert "420,000.00" in dialog.total.text()
    dialog.end.setDate(dialog.start.date().addDays(-1))
    dialog.save()
    qtbot.waitUntil(dialog.idle, timeout=10_000)
    assert "早于开始日期" in (dialog.fields["period"].error or "")
    assert _rows(demo_db, "SELECT count(*) FROM campaign")[0][0] == 1
    dialog.end.setDate(dialog.start.date().addDays(52))  # 10 February 2027
    dialog.set_standard("model_worker", "1200", "500", "大米、面粉、食用油")
    assert_chinese(dialog)
    shot(dialog, "campaign_dialog")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    _settle(qtbot, chair)
    (campaign,) = _rows(demo_db, "SELECT id, year, name, budget_fen, visit_start, visit_end FROM campaign "
                                 "WHERE year=2027")
    cid = campaign[0]
    assert campaign[1:] == (2027, "2027年春节送温暖活动", 420_000_00, "2026-12-20", "2027-02-10")
    assert dict(_rows(demo_db, "SELECT name, amount_fen FROM campaign_fund_source WHERE campaign_id=?", cid)) == {
        UPPER: 300_000_00, OWN: 120_000_00}
    standards = {k: (c, g) for k, c, g in _rows(demo_db, "SELECT group_key, cash_fen, goods_fen FROM "
                                                          "campaign_standard WHERE campaign_id=?", cid)}
    assert standards["deep"] == (1_500_00, 500_00) and standards["model_worker"] == (1_200_00, 500_00)
    assert len(standards) == 6
    assert chair.campaign_id() == cid and chair.board is not None and chair.board.budget_fen == 420_000_00

    # the clerk generates the list with the wizard; a cancel midway leaves nothing
    clerk = _page(qtbot, _at(app_context("jingban"), WINTER))
    assert clerk.campaign_id() == cid and not clerk.new_campaign_button.isEnabled()
    assert "审批" in clerk.new_campaign_button.toolTip()  # shown, and who can set a campaign up is said
    wizard = clerk.open_wizard()
    qtbot.waitUntil(lambda: wizard.idle() and wizard.source.count() == 2, timeout=10_000)
    assert wizard.source.currentText().startswith(UPPER)
    type_text(wizard.cadres, "张国强、王建军")
    qtbot.keyClicks(wizard.planned, "2027-03-01")  # after the visit period: refused at the field
    wizard.preview()
    assert "不在活动走访期间" in (wizard.fields["planned_date"].error or "")
    wizard.planned.clear()
    qtbot.keyClicks(wizard.planned, "2027-01-20")
    wizard.fields["planned_date"].flush()
    assert wizard.fields["planned_date"].error is None
    assert_chinese(wizard)
    shot(wizard, "campaign_wizard_criteria")
    wizard.preview()
    qtbot.waitUntil(wizard.idle, timeout=10_000)
    assert wizard.step == PREVIEW
    preview = wizard.preview_result
    active = _active_files(demo_db)
    assert (preview.count, preview.skipped) == (active, 0)
    by_category = dict(_rows(demo_db, "SELECT category, count(*) FROM hardship_file WHERE status='active' "
                                      "GROUP BY category"))
    assert {g.group_key: g.count for g in preview.groups} == by_category
    assert wizard.groups_table.item(3, 1).text() == str(active)
    assert_chinese(wizard)
    shot(wizard, "campaign_wizard_preview")

    original = Progress.report

    def report_then_cancel(self, done: int, total: int, label: str = "") -> None:
        original(self, done, total, label)
        self.cancel()  # the caseworker presses cancel as the first rows are written

    monkeypatch.setattr(Progress, "report", report_then_cancel)
    wizard.generate()
    qtbot.waitUntil(wizard.idle, timeout=20_000)
    assert wizard.step == PREVIEW and "已取消" in wizard.message.text()
    assert _rows(demo_db, "SELECT count(*) FROM visit WHERE campaign_id=?", cid) == [(0,)]
    assert _rows(demo_db, "SELECT count(*) FROM audit_event WHERE action='generate_visits'") == [(0,)]
    monkeypatch.setattr(Progress, "report", original)
    wizard.generate()
    qtbot.waitUntil(lambda: wizard.idle() and wizard.step == DONE, timeout=20_000)
    assert str(active) in wizard.done_label.text()
    shot(wizard, "campaign_wizard_done")
    written = _rows(demo_db, "SELECT count(*), count(DISTINCT file_id), min(status), max(status), min(cadres), "
                             "min(planned_date) FROM visit WHERE campaign_id=?", cid)
    assert written == [(active, active, "draft", "draft", "张国强、王建军", "2027-01-20")]
    _settle(qtbot, clerk)
    assert clerk.model.total == active and clerk.board.by_status["draft"] == active
    assert clerk.dashboard.status_tiles["draft"].value.text() == str(active)
    # a second run adds nobody: the preview says they are all on the list already
    wizard = clerk.open_wizard()
    qtbot.waitUntil(lambda: wizard.idle() and wizard.source.count() == 2, timeout=10_000)
    wizard.preview()
    qtbot.waitUntil(wizard.idle, timeout=10_000)
    assert (wizard.preview_result.count, wizard.preview_result.skipped) == (0, active)
    assert not wizard.generate_button.isEnabled()
    wizard.reject()


def _winter_campaign(demo_db, sources: list[tuple[str, int]], *, generate: str | None = UPPER) -> str:
    """This winter's campaign set up through the services (the chair), its list generated (the clerk)."""
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import CampaignInput, GenerationCriteria
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.schema import open_database

    with open_database(demo_db) as db, db.session() as s:
        chair = authenticate(s, "shenpi", "demo12345")
        c = campaigns.create_campaign(s, chair, CampaignInput(2027, None, date(2026, 12, 20), date(2027, 2, 10),
                                                              sources), today=WINTER)
        if generate:
            source = next(f.id for f in campaigns.fund_sources(s, c.id) if f.name == generate)
            clerk = authenticate(s, "jingban", "demo12345")
            campaigns.generate_visits(s, clerk, c.id, GenerationCriteria(fund_source_id=source, cadres="李卫东"))
        return c.id


def _statuses(path, cid: str) -> dict[str, int]:
    return dict(_rows(path, "SELECT status, count(*) FROM visit WHERE campaign_id=? GROUP BY status", cid))


def _everything(qtbot, page, status: str) -> None:
    """Filter the list to one step and choose every household of it, also those not yet shown."""
    page.tabs.setCurrentIndex(1)
    page.status_filter.setCurrentIndex(page.status_filter.findData(status))
    _settle(qtbot, page)
    assert page.model.rowCount() < page.model.total or page.model.total <= 200
    page.select_all_button.click() if page.select_all_button.isVisible() else page.select_all_matches()
    assert page.all_matches and page.chosen_count() == page.model.total


def test_bulk_steps_refuse_past_a_fund_source_then_approve_and_pay(qtbot, app_context, demo_db, shot,
                                                                   _no_blocking_message_boxes, monkeypatch) -> None:
    from assist_desktop.domain.money import format_amount
    from assist_desktop.services import campaigns
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.schema import open_database

    cid = _winter_campaign(demo_db, [(UPPER, 100_000_00), (OWN, 400_000_00)])
    active = _active_files(demo_db)
    assert _statuses(demo_db, cid) == {"draft": active}

    clerk = _page(qtbot, _at(app_context("jingban"), REVIEW_DAY))
    assert clerk.campaign_id() == cid
    assert [b for b, button in clerk.step_buttons.items() if not button.isHidden()] == ["submit", "remove", "pay"]
    _everything(qtbot, clerk, "draft")
    assert active > 200 and clerk.model.rowCount() == 200  # the list shows a page; the step takes all of them
    assert f"{active}" in clerk.selection_label.text()
    clerk.step_buttons["submit"].click()
    _settle(qtbot, clerk)
    assert _statuses(demo_db, cid) == {"submitted": active}
    assert f"{active}" in clerk.result_label.text()
    # the clerk may not review: refused for the whole selection, in Chinese, nothing moves
    _everything(qtbot, clerk, "submitted")
    _no_blocking_message_boxes.clear()
    clerk.take_step("review")
    _settle(qtbot, clerk)
    assert _no_blocking_message_boxes and "审核" in _no_blocking_message_boxes[-1][1]
    assert _statuses(demo_db, cid) == {"submitted": active}

    reviewer = _page(qtbot, _at(app_context("shenhe"), REVIEW_DAY))
    assert [b for b, button in reviewer.step_buttons.items() if not button.isHidden()] == [
        "review", "return_to_draft", "remove"]
    _everything(qtbot, reviewer, "submitted")
    type_text(reviewer.opinion, "名单核实无误")
    reviewer.step_buttons["review"].click()
    _settle(qtbot, reviewer)
    assert _statuses(demo_db, cid) == {"reviewed": active}

    # the chair approves everything: 上级工会拨款 holds 100,000 yuan for 420,900 yuan of visits -> refused,
    # the message names the source and the amount over, nothing is approved
    chair = _page(qtbot, _at(app_context("shenpi"), APPROVAL_DAY))
    _everything(qtbot, chair, "reviewed")
    with open_database(demo_db) as db, db.session() as s:
        user = authenticate(s, "shenpi", "demo12345")
        _total, ordered = campaigns.list_visits(s, user, campaign_id=cid, status="reviewed", limit=10_000)
        amounts = [r.total_fen for r in campaigns.visit_rows(s, user, ordered)]
    running, index = 0, 0
    while running + amounts[index] <= 100_000_00:
        running += amounts[index]
        index += 1
    over = running + amounts[index] - 100_000_00
    _no_blocking_message_boxes.clear()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes))
    chair.step_buttons["approve"].click()
    _settle(qtbot, chair)
    ((cash_all, goods_all),) = _rows(demo_db, "SELECT sum(cash_fen), sum(goods_fen) FROM visit WHERE campaign_id=?",
                                     cid)
    assert asked == [f"审批所选慰问户：共{active}项，合计{format_amount(cash_all + goods_all)}元（慰问金"
                     f"{format_amount(cash_all)}元，慰问品{format_amount(goods_all)}元）？"]  # before it ran, once
    message = _no_blocking_message_boxes[-1][1]
    assert f"第{index + 1}项" in message and "经费来源“上级工会拨款”" in message
    assert f"超出该来源金额100,000.00元 {format_amount(over)}元" in message and "本批均未审批" in message
    assert "未执行" in chair.result_label.text() and "上级工会拨款" in chair.result_label.text()
    assert _statuses(demo_db, cid) == {"reviewed": active}
    assert _rows(demo_db, "SELECT count(*) FROM visit WHERE campaign_id=? AND approved_on IS NOT NULL", cid) == [(0,)]
    shot(chair, "campaign_budget_refused")

    # the chair raises the source through the campaign dialog; now all are approved
    dialog = chair.edit_campaign(new=False, exec_dialog=False)
    qtbot.waitUntil(lambda: dialog.idle() and dialog.sources.rowCount() == 2, timeout=10_000)
    row = next(r for r in range(2) if dialog.sources.item(r, 0).text() == UPPER)
    dialog.sources.item(row, 1).setText("450000")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    _settle(qtbot, chair)
    assert chair.board.budget_fen == 850_000_00
    _everything(qtbot, chair, "reviewed")
    chair.take_step("approve", opinion="同意")
    _settle(qtbot, chair)
    assert _statuses(demo_db, cid) == {"approved": active}
    assert chair.board.by_status["approved"] == active
    assert chair.dashboard.status_tiles["approved"].value.text() == str(active)

    # the clerk pays the first ten in cash; a date before the approval is refused for all ten
    pay = _page(qtbot, _at(app_context("jingban"), PAY_DAY))
    pay.tabs.setCurrentIndex(1)
    pay.status_filter.setCurrentIndex(pay.status_filter.findData("approved"))
    _settle(qtbot, pay)
    ids = [r.id for r in pay.model.rows[:10]]
    cash = sum(r.cash_fen for r in pay.model.rows[:10])
    pay.table.selectRow(0)
    assert pay.step_buttons["pay"].isEnabled()
    _no_blocking_message_boxes.clear()
    pay.take_step("pay", ids=ids, how=("cash", date(2026, 12, 27)))
    _settle(qtbot, pay)
    assert "早于审批日期2026-12-28" in _no_blocking_message_boxes[-1][1]
    assert _rows(demo_db, "SELECT count(*) FROM disbursement WHERE paid_on >= '2026-12-01'") == [(0,)]
    pay.take_step("pay", ids=ids, how=("cash", PAY_DAY))
    _settle(qtbot, pay)
    paid = _rows(demo_db, "SELECT d.voucher_no, d.amount_fen, d.method, d.paid_on FROM disbursement d "
                          "JOIN visit v ON v.id = d.grant_id WHERE v.campaign_id=? ORDER BY d.voucher_no", cid)
    assert len(paid) == 10 and sum(a for _v, a, _m, _d in paid) == cash
    assert {(m, d) for _v, _a, m, d in paid} == {("cash", "2027-01-15")}
    assert paid[0][0] == "610826-2027-V000001" and paid[0][0] in pay.result_label.text()
    assert _statuses(demo_db, cid) == {"approved": active - 10, "paid": 10}
    assert pay.board.by_status["paid"] == 10 and pay.board.vouchers == 10 and pay.board.disbursed_fen == cash
    pay.tabs.setCurrentIndex(0)
    shot(pay, "campaign_dashboard_under_way")


def _steps_through_services(demo_db, ids: list[str], *, approve: bool = True) -> None:
    from assist_desktop.services import campaigns
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.schema import open_database

    with open_database(demo_db) as db, db.session() as s:
        campaigns.act_many(s, authenticate(s, "jingban", "demo12345"), ids, "submit", today=REVIEW_DAY)
        campaigns.act_many(s, authenticate(s, "shenhe", "demo12345"), ids, "review", today=REVIEW_DAY)
        if approve:
            campaigns.approve_many(s, authenticate(s, "shenpi", "demo12345"), ids, today=APPROVAL_DAY)


def _picture(path, fmt: str = "PNG") -> bytes:
    from PySide6.QtGui import QColor, QImage

    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#d84315"))
    assert image.save(str(path), fmt)
    return path.read_bytes()


def _editor(qtbot, page, visit_id: str):
    editor = page.open_visit(visit_id)
    qtbot.waitUntil(lambda: editor.idle() and editor.loaded is not None, timeout=10_000)
    return editor


def test_the_editor_records_the_visit_and_keeps_the_standard(qtbot, app_context, demo_db, tmp_path, shot) -> None:
    cid = _winter_campaign(demo_db, [(UPPER, 600_000_00)])
    deep = [r[0] for r in _rows(demo_db, "SELECT id FROM visit WHERE campaign_id=? AND group_key='deep' "
                                         "ORDER BY recipient_name", cid)]
    approved, draft, raised = deep[0], deep[1], deep[2]
    _steps_through_services(demo_db, [approved])

    def visit(vid: str) -> tuple:
        return _rows(demo_db, "SELECT status, cash_fen, goods_fen, cadres, actual_date, photo, version FROM visit "
                              "WHERE id=?", vid)[0]

    # the clerk may give less than the standard, never more
    clerk = _page(qtbot, _at(app_context("jingban"), VISIT_DAY))
    editor = _editor(qtbot, clerk, draft)
    assert "1,500.00" in editor.standard_label.text() and not editor.cash.isReadOnly()
    assert editor.amount_reason.isHidden()  # a reason for more is the approver's
    before = visit(draft)
    editor.cash.clear()
    qtbot.keyClicks(editor.cash, "1800")
    editor.save()
    assert "只有审批人可以提高金额" in (editor.fields["cash"].error or "")
    assert editor.fields["cash"].message.isVisibleTo(editor)
    assert visit(draft) == before
    shot(editor, "campaign_editor_refused")
    editor.cash.clear()
    qtbot.keyClicks(editor.cash, "1200")
    editor.save()
    qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=10_000)
    assert visit(draft)[1:3] == (1_200_00, 500_00)

    # an approved visit: the amounts are fixed; cadres, the date of the visit and a photo are recorded
    editor = _editor(qtbot, clerk, approved)
    assert editor.cash.isReadOnly() and not editor.source.isEnabled() and not editor.actual.isReadOnly()
    assert "已于 2026-12-28 审批" in editor.banner.text()
    editor.cadres.clear()
    type_text(editor.cadres, "张国强、王建军")
    qtbot.keyClicks(editor.actual, "2026-12-20")
    editor.save()
    assert "早于审批日期2026-12-28" in (editor.fields["actual_date"].error or "")
    editor.actual.clear()
    qtbot.keyClicks(editor.actual, "2027-01-12")
    photo = _picture(tmp_path / "visit.png")
    editor.set_photo_file(tmp_path / "visit.png")
    qtbot.waitUntil(lambda: editor.idle() and editor.photo_changed, timeout=10_000)
    assert editor.thumbnail.pixmap() is not None and not editor.thumbnail.pixmap().isNull()
    type_text(editor.notes, "送到家中，户主本人签收")
    for field in editor.fields.values():
        field.flush()
    assert not any(field.error for field in editor.fields.values())
    assert_chinese(editor)
    shot(editor, "campaign_editor_visit")
    editor.save()
    qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=10_000)
    status, cash, goods, cadres, actual, stored, _version = visit(approved)
    assert (status, cadres, actual, stored) == ("approved", "张国强、王建军", "2027-01-12", photo)
    assert _rows(demo_db, "SELECT notes FROM visit WHERE id=?", approved) == [("送到家中，户主本人签收",)]
    _settle(qtbot, clerk)
    assert (clerk.board.visited, clerk.board.with_photo) == (1, 1)
    # a picture the service does not keep (BMP): refused at the photo, nothing written
    editor = _editor(qtbot, clerk, approved)
    assert editor.thumbnail.pixmap() is not None and not editor.thumbnail.pixmap().isNull()  # the stored one
    before = visit(approved)
    _picture(tmp_path / "visit.bmp", "BMP")
    editor.set_photo_file(tmp_path / "visit.bmp")
    qtbot.waitUntil(lambda: editor.idle() and editor.photo_changed, timeout=10_000)
    editor.save()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    assert "只能是 JPEG 或 PNG" in (editor.photo_field.error or "") and editor.isVisible()
    assert visit(approved) == before
    editor.reject()

    # the approver may raise an amount, with a reason
    chair = _page(qtbot, _at(app_context("shenpi"), VISIT_DAY))
    editor = _editor(qtbot, chair, raised)
    assert not editor.amount_reason.isHidden()
    editor.cash.clear()
    qtbot.keyClicks(editor.cash, "1800")
    editor.save()
    assert "须填写金额调整理由" in (editor.fields["amount_reason"].error or "")
    type_text(editor.amount_reason, "户主患尿毒症，主席办公会研究提高标准")
    editor.save()
    qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=10_000)
    assert visit(raised)[1] == 1_800_00
    _settle(qtbot, chair)
    chair.tabs.setCurrentIndex(1)
    row = next(r for r in chair.model.rows if r.id == raised)
    assert row.amount_overridden
    # approved at the raised amount, the visit is still recorded by the clerk (the fixed amount is not re-checked)
    _steps_through_services(demo_db, [raised])
    editor = _editor(qtbot, clerk, raised)
    assert editor.cash.isReadOnly() and editor.cash.fen() == 1_800_00
    qtbot.keyClicks(editor.actual, "2027-01-11")
    editor.save()
    qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=10_000)
    assert visit(raised)[:2] + visit(raised)[4:5] == ("approved", 1_800_00, "2027-01-11")


def test_a_household_added_by_hand(qtbot, app_context, demo_db, shot) -> None:
    from assist_desktop.domain.ids import id_check_character

    cid = _winter_campaign(demo_db, [(UPPER, 300_000_00), (OWN, 200_000_00)])
    number = "61082619680812135" + id_check_character("61082619680812135")
    clerk = _page(qtbot, _at(app_context("jingban"), WINTER))
    clerk.tabs.setCurrentIndex(1)
    dialog = clerk.add_visit()
    qtbot.waitUntil(lambda: dialog.idle() and dialog.source.count() == 2, timeout=10_000)
    # a file already on the list: the service refuses, the message stands at the file
    (name,) = _rows(demo_db, "SELECT recipient_name FROM visit WHERE campaign_id=? ORDER BY recipient_name LIMIT 1",
                    cid)[0]
    type_text(dialog.file_search, name)
    dialog.find_files()
    qtbot.waitUntil(lambda: dialog.idle() and dialog.file_combo.count() > 0, timeout=10_000)
    dialog.save()
    qtbot.waitUntil(dialog.idle, timeout=10_000)
    assert "已列入2027年春节送温暖活动" in (dialog.fields["file"].error or "") and dialog.isVisible()
    # a model worker without a file
    dialog.other_radio.setChecked(True)
    dialog.group.set_code("model_worker")
    dialog.source.setCurrentIndex(dialog.source.findText(OWN))
    type_text(dialog.name, "刘德胜")
    qtbot.keyClicks(dialog.id_number, number[:-1] + ("0" if number[-1] != "0" else "1"))
    dialog.save()
    assert "校验" in (dialog.fields["id_number"].error or "")
    dialog.id_number.clear()
    qtbot.keyClicks(dialog.id_number, number)
    type_text(dialog.unit_name, "绥德县水泥厂")
    for field in dialog.fields.values():
        field.flush()
    assert "困难劳模标准：慰问金 1,000.00 元 + 慰问品 500.00 元" in dialog.standard_label.text()
    assert_chinese(dialog)
    shot(dialog, "campaign_add_by_hand")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    assert _rows(demo_db, "SELECT recipient_name, group_key, unit_name, cash_fen, goods_fen, status, file_id "
                          "FROM visit WHERE recipient_id_number=?", number) == [
        ("刘德胜", "model_worker", "绥德县水泥厂", 1_000_00, 500_00, "draft", None)]
    _settle(qtbot, clerk)
    assert clerk.board.by_status["draft"] == _active_files(demo_db) + 1
