"""One day of each role through the real main window (issue 18), on the demo county: the clerk, the reviewer,
the chair and the administrator each work their items from the 审批 page — opening them there, taking the
steps on a selection — and every count and total the screens show is checked against the database.

Each day starts where the season stands for it: the earlier roles' steps are taken through the services
(``tests/e2e/day.py``), then the role's own work goes through the window as a caseworker does it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from assist_desktop.domain.lifecycle import Action
from assist_desktop.domain.money import format_amount
from assist_desktop.services.audit import verify_audit
from tests.e2e.day import (BUDGET_2027, answer_yes, approvals, double_click, one, rows, select, settle, steps,
                           tab_count, take, unsynced, user_id, window, winter_campaign)
from tests.ui.conftest import assert_chinese, type_text


def _open(path):  # noqa: ANN001, ANN202
    from assist_desktop.storage.schema import open_database

    return open_database(path)


def _status_bar_counts(qtbot, win, path) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: win.unsynced_label.text() == f"未同步：{unsynced(path)} 条", timeout=30_000)


def test_the_clerks_day(qtbot, demo_db, shot, _no_blocking_message_boxes) -> None:
    db = _open(demo_db)
    try:
        cid = winter_campaign(db)
        win = window(qtbot, db, "jingban", date(2026, 12, 10))
        assert "（演示）" in win.windowTitle() and "李娜" in win.user_label.text()
        _status_bar_counts(qtbot, win, demo_db)

        # what waits for the clerk: the drafts of the clerk's own, and the visit list the clerk generated
        page = approvals(qtbot, win)
        me = user_id(demo_db, "jingban")
        drafts = [r[0] for r in rows(demo_db, "SELECT id FROM hardship_file WHERE status = 'draft' AND created_by = ?"
                                              " ORDER BY file_no", me)]
        assert drafts and tab_count(page, "hardship_file") == len(drafts)
        assert {i.entity_id for i in page.items} == set(drafts)
        visits = one(demo_db, "SELECT count(*) FROM visit WHERE campaign_id = ? AND status = 'draft'", cid)
        assert visits and tab_count(page, "visit") == visits
        assert_chinese(win)
        shot(win, "day-clerk-approvals")

        # a draft opened from the 审批 page: the clerk corrects the phone and saves
        (row,) = select(page, drafts[:1])
        double_click(qtbot, page, row)
        editor = page.editor
        qtbot.waitUntil(lambda: editor.ready, timeout=20_000)
        assert not editor.read_only and editor.file_id == drafts[0]
        phone = editor.fields["phone"].widget
        phone.clear()
        qtbot.keyClicks(phone, "13709120088")
        assert editor.save()
        editor.close()
        assert one(demo_db, "SELECT phone FROM hardship_file WHERE id = ?", drafts[0]) == "13709120088"

        # every draft submitted at once
        settle(qtbot, page)
        select(page, drafts)
        outcome = take(qtbot, page, Action.submit)
        assert (len(outcome.done), outcome.not_taken) == (len(drafts), [])
        assert page.outcome_label.text() == f"提交：{len(drafts)}项已完成。"
        assert {s for (s,) in rows(demo_db, f"SELECT status FROM hardship_file WHERE id IN "
                                            f"({','.join('?' * len(drafts))})", *drafts)} == {"submitted"}
        assert tab_count(page, "hardship_file") == 0

        # the visit list: its rows name the person; submitted as a whole
        page.kinds.setCurrentIndex(2)
        settle(qtbot, page)
        shown = {(page.table.item(r, 1).text(), page.table.item(r, 2).text()) for r in range(page.table.rowCount())}
        assert shown == {(n, i[-4:]) for n, i in rows(demo_db, "SELECT recipient_name, recipient_id_number FROM visit "
                                                               "WHERE campaign_id = ?", cid)}
        page.table.selectAll()
        outcome = take(qtbot, page, Action.submit)
        assert len(outcome.done) == visits
        assert rows(demo_db, "SELECT DISTINCT status FROM visit WHERE campaign_id = ?", cid) == [("submitted",)]

        # the campaign's overview: what it plans is what the database holds
        campaigns = win.show_section("campaigns")
        qtbot.waitUntil(lambda: campaigns.idle() and campaigns.board is not None
                        and campaigns.board.by_status.get("submitted") == visits, timeout=30_000)
        ((cash, goods),) = rows(demo_db, "SELECT sum(cash_fen), sum(goods_fen) FROM visit WHERE campaign_id = ?", cid)
        assert campaigns.board.total.planned.total_fen == cash + goods
        assert campaigns.board.budget_fen == BUDGET_2027
        assert format_amount(cash + goods) in campaigns.budget_text.text()
        _status_bar_counts(qtbot, win, demo_db)
        with db.session() as s:
            assert verify_audit(s).ok
        assert not [m for m in _no_blocking_message_boxes if m[0] in ("warning", "critical")]
        win.close()
    finally:
        db.close()


def test_the_reviewers_day(qtbot, demo_db, shot, _no_blocking_message_boxes) -> None:
    db = _open(demo_db)
    try:
        cid = winter_campaign(db)
        visit_ids = [r[0] for r in rows(demo_db, "SELECT id FROM visit WHERE campaign_id = ?", cid)]
        steps(db, "visit", visit_ids, ("jingban", Action.submit), today=date(2026, 12, 10))
        today = date(2026, 12, 20)
        win = window(qtbot, db, "shenhe", today)
        page = approvals(qtbot, win)
        waiting = {r[0]: r[1] for r in rows(demo_db, "SELECT id, status FROM hardship_file "
                                                     "WHERE status IN ('submitted', 'reviewed')")}
        assert tab_count(page, "hardship_file") == len(waiting) and {i.entity_id for i in page.items} == set(waiting)
        assert tab_count(page, "visit") == len(visit_ids)

        # a submitted file opened from the 审批 page: the reviewer reads it, does not change it
        submitted = [i for i, s in waiting.items() if s == "submitted"]
        (row,) = select(page, submitted[:1])
        double_click(qtbot, page, row)
        editor = page.editor
        qtbot.waitUntil(lambda: editor.ready, timeout=20_000)
        assert editor.read_only and editor.file_id == submitted[0]
        editor.close()

        # review the submitted, then post the notice of every reviewed file
        settle(qtbot, page)
        select(page, submitted)
        type_text(page.opinion, "入户调查属实，材料齐全")
        outcome = take(qtbot, page, Action.review)
        assert len(outcome.done) == len(submitted) and not outcome.not_taken
        opinions = rows(demo_db, f"SELECT DISTINCT actor_name, opinion FROM workflow_event WHERE action = 'review' "
                                 f"AND entity_id IN ({','.join('?' * len(submitted))})", *submitted)
        assert opinions == [("王建军", "入户调查属实，材料齐全")]
        reviewed = [r[0] for r in rows(demo_db, "SELECT id FROM hardship_file WHERE status = 'reviewed'")]
        select(page, reviewed)
        outcome = take(qtbot, page, Action.put_on_notice)
        assert len(outcome.done) == len(reviewed)
        assert set(rows(demo_db, f"SELECT status, notice_start FROM hardship_file WHERE id IN "
                                 f"({','.join('?' * len(reviewed))})", *reviewed)) == {("on_notice", "2026-12-20")}
        assert tab_count(page, "hardship_file") == 0

        # the visit list: each row names the household as the database holds it; reviewed as a whole
        page.kinds.setCurrentIndex(2)
        settle(qtbot, page)
        unions = dict(rows(demo_db, "SELECT id, unit_name FROM visit WHERE campaign_id = ?", cid))
        assert all(page.table.item(r, 3).text() == unions[page.items[r].entity_id] for r in range(len(page.items)))
        shot(win, "day-reviewer-visits")
        page.table.selectAll()
        outcome = take(qtbot, page, Action.review)
        assert len(outcome.done) == len(visit_ids) and tab_count(page, "visit") == 0
        assert rows(demo_db, "SELECT DISTINCT status FROM visit WHERE campaign_id = ?", cid) == [("reviewed",)]
        assert_chinese(page)
        _status_bar_counts(qtbot, win, demo_db)
        with db.session() as s:
            assert verify_audit(s).ok
        win.close()
    finally:
        db.close()


def test_the_chairs_day(qtbot, demo_db, shot, monkeypatch, _no_blocking_message_boxes) -> None:
    from assist_desktop.services import approvals as approvals_service
    from tests.ui.test_scholarships_ui import CLOCK, _apply, reopen_round

    db = _open(demo_db)
    try:
        today = date(2027, 1, 4)
        # the library knows the official calendar up to 2026: the administrator has entered 2027's New Year
        # as the State Council published it (设置 → 公示与节假日), or no notice running into 2027 could end
        from assist_desktop.services import public_notice
        from assist_desktop.services.users import authenticate
        from tests.e2e.day import PASSWORD

        with db.session() as s:
            public_notice.enter_holidays(s, authenticate(s, "admin", PASSWORD), date(2027, 1, 1), date(2027, 1, 3),
                                         "元旦")
        # the season so far: the winter list submitted and reviewed; two applications posted in September
        cid = winter_campaign(db)
        visit_ids = [r[0] for r in rows(demo_db, "SELECT id FROM visit WHERE campaign_id = ?", cid)]
        steps(db, "visit", visit_ids, ("jingban", Action.submit), ("shenhe", Action.review), today=date(2026, 12, 20))
        applications = _apply(demo_db, reopen_round(demo_db), 2)
        steps(db, "scholarship", applications, ("jingban", Action.submit), ("shenhe", Action.review),
              ("shenhe", Action.put_on_notice), today=CLOCK)
        # a file whose notice was posted this very morning, beside those posted weeks ago
        on_notice = [r[0] for r in rows(demo_db, "SELECT id FROM hardship_file WHERE status = 'on_notice' "
                                                 "ORDER BY file_no")]
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(demo_db)) as conn:
            conn.execute("UPDATE hardship_file SET notice_start = '2026-12-01' WHERE status = 'on_notice'")
            conn.execute("UPDATE hardship_file SET notice_start = ? WHERE id = ?", (today.isoformat(), on_notice[0]))
            conn.commit()
        asked = answer_yes(monkeypatch)

        win = window(qtbot, db, "shenpi", today)
        page = approvals(qtbot, win)
        assert tab_count(page, "hardship_file") == len(on_notice)
        assert tab_count(page, "scholarship") == 2 and tab_count(page, "visit") == len(visit_ids)
        with db.session() as s:
            until = approvals_service.notice_period(s, today, approvals_service.notice_working_days(s)).approval_from
        status = {i.entity_id: page.table.item(r, 5).text() for r, i in enumerate(page.items)}
        assert status[on_notice[0]] == f"公示中，{until.month}月{until.day}日起可审批"
        assert {status[i] for i in on_notice[1:]} == {"公示中，公示期已满"}
        shot(win, "day-chair-files")

        # every file on notice chosen: those whose notice has run are approved, this morning's is left with why
        select(page, on_notice)
        outcome = take(qtbot, page, Action.approve)
        assert sorted(r.entity_id for r in outcome.done) == sorted(on_notice[1:])
        (left,) = outcome.not_taken
        assert left.entity_id == on_notice[0] and "公示期未满" in left.reason
        assert page.not_taken_table.item(0, 1).text() == left.reason
        assert dict(rows(demo_db, f"SELECT id, status FROM hardship_file WHERE id IN "
                                  f"({','.join('?' * len(on_notice))})", *on_notice)) == {
            on_notice[0]: "on_notice", **{i: "active" for i in on_notice[1:]}}

        # the two applications: the money asked about is the database's, and approval makes the plans
        page.kinds.setCurrentIndex(1)
        settle(qtbot, page)
        page.table.selectAll()
        total = one(demo_db, f"SELECT sum(amount_fen) FROM scholarship WHERE id IN (?, ?)", *applications)
        take(qtbot, page, Action.approve)
        assert asked[-1] == f"审批所选金秋助学：共2项，合计{format_amount(total)}元？"
        assert rows(demo_db, "SELECT DISTINCT status FROM scholarship WHERE id IN (?, ?)", *applications) == [
            ("approved",)]
        assert one(demo_db, "SELECT count(*) FROM installment WHERE scholarship_id IN (?, ?)", *applications) == 8

        # the winter list: approved as a whole, within its budget; the overview shows what was approved
        page.kinds.setCurrentIndex(2)
        settle(qtbot, page)
        page.table.selectAll()
        ((cash, goods),) = rows(demo_db, "SELECT sum(cash_fen), sum(goods_fen) FROM visit WHERE campaign_id = ?", cid)
        outcome = take(qtbot, page, Action.approve)
        assert len(outcome.done) == len(visit_ids) and not outcome.not_taken
        assert asked[-1] == (f"审批所选春节走访慰问：共{len(visit_ids)}项，合计{format_amount(cash + goods)}元"
                             f"（慰问金{format_amount(cash)}元，慰问品{format_amount(goods)}元）？")
        campaigns = win.show_section("campaigns")
        qtbot.waitUntil(lambda: campaigns.idle() and campaigns.board is not None
                        and campaigns.board.by_status.get("approved") == len(visit_ids), timeout=30_000)
        assert campaigns.board.total.approved.total_fen == cash + goods
        assert campaigns.board.total.remaining_fen == BUDGET_2027 - cash - goods
        _status_bar_counts(qtbot, win, demo_db)
        with db.session() as s:
            assert verify_audit(s).ok
        win.close()
    finally:
        db.close()


def test_the_administrators_day(qtbot, demo_db, tmp_path, shot, monkeypatch, _no_blocking_message_boxes) -> None:
    from PySide6.QtWidgets import QFileDialog

    from assist_desktop.services.setup import create_database
    from assist_desktop.storage.backup import BackupManager

    db = _open(demo_db)
    try:
        win = window(qtbot, db, "admin", date(2026, 12, 1))
        page = approvals(qtbot, win)
        assert page.items == [] and page.summary.text() == "暂无需要您处理的事项。"

        # 设置: the unit's users as the database holds them
        settings = win.show_section("settings")
        qtbot.waitUntil(settings.idle, timeout=30_000)
        unit_users = one(demo_db, "SELECT count(*) FROM user WHERE owner_unit_id = "
                                  "(SELECT value FROM meta WHERE key = 'local_unit_id')")
        assert settings.users_table.rowCount() == unit_users

        # a backup by the keyboard: Enter on 立即备份
        settings.tabs.setCurrentIndex(2)
        settings.backup_button.setFocus()
        qtbot.keyClick(settings.backup_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: settings.idle() and settings.backups_table.rowCount() == 1, timeout=30_000)
        assert [b.reason for b in BackupManager(demo_db).list()] == ["manual"]

        # a city's database offered for restore is named, and refused until its name is typed
        city = tmp_path / "city" / "assist.sqlite"
        create_database(city, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                        admin_password="Admin-pass-2026", level="city", encrypt=False)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(city), "")))
        settings.restore_file_button.click()
        qtbot.waitUntil(lambda: settings.idle() and getattr(settings, "restore_dialog", None) is not None,
                        timeout=30_000)
        assert not settings.restore_dialog.replace_button.isEnabled()
        settings.restore_dialog.reject()
        assert one(demo_db, "SELECT count(*) FROM org_unit WHERE code = '610800'") == 0

        # next year's scholarship standards: the previous year's copied once confirmed
        answer_yes(monkeypatch)
        standards = settings.open_standards("scholarship")
        standards.year.setValue(2027)
        qtbot.waitUntil(lambda: standards.idle() and standards.loaded_year == 2027, timeout=30_000)
        standards.copy_button.click()
        qtbot.waitUntil(lambda: standards.idle() and bool(standards.info.text()), timeout=30_000)
        copied = one(demo_db, "SELECT count(*) FROM policy_standard WHERE program = 'scholarship' AND year = 2027")
        assert copied == len(standards.lines) == 8
        standards.close()

        # 同步: the keys are the administrator's
        sync = win.show_section("sync")
        qtbot.waitUntil(sync.idle, timeout=30_000)
        assert sync.export_key_button.isEnabled() and sync.set_upper_button.isEnabled()
        _status_bar_counts(qtbot, win, demo_db)
        assert_chinese(settings)
        shot(win, "day-admin-sync")
        win.close()
    finally:
        db.close()
