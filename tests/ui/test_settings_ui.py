"""设置 page on the demo county: the administrator manages users (what is saved is read back from the file
and tried at the login), refusals land at their field with nothing written, a clerk sees only their own
account, a lower unit's users held here are not listed, grassroots unions are added and renamed, and 立即备份
writes a backup file that restore brings back."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from assist_desktop.domain.lifecycle import Role
from assist_desktop.storage.backup import BackupManager
from tests.ui.conftest import assert_chinese, type_text, untranslated, visible_texts

pytestmark = pytest.mark.usefixtures("qapp")

DEMO_PW = "demo12345"
NEW_PW = "first-pass-1"


def _page(qtbot, ctx):
    from assist_desktop.ui.settings.page import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 680)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    return page


def _sql(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def _state(path: Path) -> dict[str, list[tuple]]:
    """What a refused form must leave exactly as it was."""
    return {t: _sql(path, f'SELECT * FROM "{t}" ORDER BY 1') for t in ("user", "user_role", "audit_event", "org_unit")}


def _save(qtbot, page, dialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.idle() and page.idle(), timeout=20_000)


def _login(path: Path, username: str, password: str):
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.schema import open_database

    with open_database(path) as db, db.session() as s:
        user = authenticate(s, username, password)
        return user.username, user.must_change_password


def _chinese_but_names(root, *names: str) -> None:
    """``assert_chinese`` where the texts may also name accounts by their (Latin) user names: data, not UI."""
    bad = untranslated([t for t in visible_texts(root) if not any(n in t for n in names)])
    assert not bad, f"untranslated strings on {type(root).__name__}: {bad}"


def _cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def _row_of(page, username: str) -> list[str]:
    table = page.users_table
    for r in range(table.rowCount()):
        if table.item(r, 0).text() == username:
            return _cells(table, r)
    raise AssertionError(f"{username} not listed")


# --- users -------------------------------------------------------------------------------------------


def test_admin_creates_a_user_who_can_log_in_and_must_change_the_password(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("admin"))
    headers = [page.users_table.horizontalHeaderItem(i).text() for i in range(page.users_table.columnCount())]
    assert headers == ["用户名", "姓名", "角色", "所属工会", "状态", "须改密码"]
    assert [page.users_table.item(r, 0).text() for r in range(page.users_table.rowCount())] == \
        ["admin", "jingban", "shenhe", "shenpi"]
    assert _row_of(page, "jingban")[1:5] == ["李娜", "经办", "绥德县总工会", "启用"]
    assert page.tabs.tabText(0) == "用户管理" and page.manage_buttons["new_user"].isEnabled()
    assert not page.manage_buttons["deactivate"].isEnabled()  # nothing selected yet
    assert_chinese(page)
    shot(page, "settings_users_admin")

    dialog = page.new_user()
    qtbot.keyClicks(dialog.username, "zhangwei")
    type_text(dialog.display_name, "张伟")
    qtbot.keyClicks(dialog.password, NEW_PW)
    qtbot.keyClicks(dialog.again, NEW_PW)
    assert [b.text() for b in dialog.roles.boxes.values()] == ["经办", "审核", "审批", "管理员"]
    assert dialog.roles.roles() == [Role.clerk]  # ticked by default: most new users are clerks
    dialog.roles.boxes[Role.clerk].setChecked(False)
    dialog.roles.boxes[Role.reviewer].setChecked(True)
    dialog.roles.boxes[Role.approver].setChecked(True)
    union = dialog.unit.findText("名州镇总工会")
    assert union > 0 and dialog.unit.itemText(0) == "绥德县总工会"
    dialog.unit.setCurrentIndex(union)
    assert_chinese(dialog)
    shot(dialog, "settings_new_user")
    _save(qtbot, page, dialog)
    assert not dialog.isVisible()

    (user_id, unit_name, must_change, active, owner_is_local), = _sql(
        demo_db, "SELECT u.id, o.name, u.must_change_password, u.active, u.owner_unit_id = m.value FROM user u "
                 "JOIN org_unit o ON o.id = u.unit_id JOIN meta m ON m.key = 'local_unit_id' "
                 "WHERE u.username = 'zhangwei' AND u.display_name = '张伟'")
    assert (unit_name, must_change, active, owner_is_local) == ("名州镇总工会", 1, 1, 1)
    assert sorted(r for (r,) in _sql(demo_db, "SELECT role FROM user_role WHERE user_id = ?", user_id)) == \
        ["approver", "reviewer"]
    assert _login(demo_db, "zhangwei", NEW_PW) == ("zhangwei", True)
    assert _row_of(page, "zhangwei")[1:] == ["张伟", "审核、审批", "名州镇总工会", "启用", "是"]
    assert page.users_status.text() == "已新建用户张伟（zhangwei），该用户首次登录时须设置自己的密码。"


def test_a_taken_username_and_unequal_passwords_are_refused_at_their_field(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("admin"))
    before = _state(demo_db)
    dialog = page.new_user()
    qtbot.keyClicks(dialog.username, "JingBan")  # the name of 李娜, in other letter case
    type_text(dialog.display_name, "李娜娜")
    qtbot.keyClicks(dialog.password, NEW_PW)
    qtbot.keyClicks(dialog.again, NEW_PW)
    _save(qtbot, page, dialog)
    assert dialog.isVisible()
    assert dialog.message_of("用户名") == "用户名“JingBan”已被使用（与已有的“jingban”仅大小写不同），请换一个用户名。"
    assert dialog.username.property("invalid") is True and dialog.general.text() == ""
    shot(dialog, "settings_new_user_refused")
    assert _state(demo_db) == before

    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "lina2")
    dialog.again.clear()
    qtbot.keyClicks(dialog.again, "something-else")
    _save(qtbot, page, dialog)
    assert dialog.message_of("再次输入") == "两次输入的密码不一致。" and dialog.message_of("用户名") == ""
    dialog.again.clear()
    qtbot.keyClicks(dialog.again, NEW_PW)
    for box in dialog.roles.boxes.values():
        box.setChecked(False)
    _save(qtbot, page, dialog)
    assert dialog.message_of("角色") == "请至少选择一个角色。"
    dialog.password.clear()
    dialog.again.clear()
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.again, "short")
    dialog.roles.boxes[Role.clerk].setChecked(True)
    _save(qtbot, page, dialog)
    assert dialog.message_of("密码") == "密码至少需要 8 个字符。"
    assert _state(demo_db) == before
    # the username box takes no characters a login box would need an input method for
    dialog.username.clear()
    type_text(dialog.username, "张伟")
    assert dialog.username.text() == ""


def test_deactivation_needs_a_reason_then_the_user_cannot_log_in(qtbot, app_context, demo_db, shot) -> None:
    from assist_desktop.services.users import AccountDisabled

    page = _page(qtbot, app_context("admin"))
    page.select_user("admin")
    assert not page.manage_buttons["deactivate"].isEnabled()  # not one's own account
    page.select_user("jingban")
    assert page.manage_buttons["deactivate"].isEnabled() and not page.manage_buttons["reactivate"].isEnabled()
    before = _state(demo_db)
    dialog = page.deactivate()
    _save(qtbot, page, dialog)
    assert dialog.isVisible() and dialog.message_of("原因") == "请填写停用原因。"
    assert _state(demo_db) == before
    _chinese_but_names(dialog, "jingban")
    shot(dialog, "settings_deactivate_refused")

    type_text(dialog.reason, "调离本单位")
    _save(qtbot, page, dialog)
    assert not dialog.isVisible()
    assert _sql(demo_db, "SELECT active FROM user WHERE username = 'jingban'") == [(0,)]
    with pytest.raises(AccountDisabled, match="账户已停用"):
        _login(demo_db, "jingban", DEMO_PW)
    assert _row_of(page, "jingban")[4] == "停用" and page.users_status.text() == "已停用李娜。"
    assert page.manage_buttons["reactivate"].isEnabled() and not page.manage_buttons["deactivate"].isEnabled()

    page.reactivate()
    qtbot.waitUntil(page.idle, timeout=20_000)
    assert _sql(demo_db, "SELECT active FROM user WHERE username = 'jingban'") == [(1,)]
    assert _login(demo_db, "jingban", DEMO_PW) == ("jingban", False)
    assert _row_of(page, "jingban")[4] == "启用"


def test_roles_reset_password_and_unlock(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("admin"))
    page.select_user("shenhe")
    dialog = page.set_roles()
    assert dialog.roles.roles() == [Role.reviewer]
    dialog.roles.boxes[Role.approver].setChecked(True)
    _save(qtbot, page, dialog)
    assert sorted(r for (r,) in _sql(demo_db, "SELECT role FROM user_role r JOIN user u ON u.id = r.user_id "
                                             "WHERE u.username = 'shenhe'")) == ["approver", "reviewer"]
    assert _row_of(page, "shenhe")[2] == "审核、审批"

    # the last administrator keeps the role: refused at the roles, nothing written
    page.select_user("admin")
    before = _state(demo_db)
    dialog = page.set_roles()
    dialog.roles.set_roles([Role.clerk])
    _save(qtbot, page, dialog)
    assert "唯一启用的管理员" in dialog.message_of("角色")
    shot(dialog, "settings_roles_refused")
    dialog.reject()
    assert _state(demo_db)["user_role"] == before["user_role"]

    page.select_user("shenhe")
    dialog = page.reset_password()
    qtbot.keyClicks(dialog.password, NEW_PW)
    qtbot.keyClicks(dialog.again, NEW_PW)
    _chinese_but_names(dialog, "shenhe")
    shot(dialog, "settings_reset_password")
    _save(qtbot, page, dialog)
    assert _login(demo_db, "shenhe", NEW_PW) == ("shenhe", True)
    assert _row_of(page, "shenhe")[5] == "是"
    from assist_desktop.services.users import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        _login(demo_db, "shenhe", DEMO_PW)

    # five wrong passwords lock 审批 out; the table says until when, 解锁 lifts it
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            _login(demo_db, "shenpi", "wrong-password")
    page.refresh_users()
    qtbot.waitUntil(page.idle, timeout=20_000)
    assert _row_of(page, "shenpi")[4].startswith("锁定至 ")
    page.select_user("shenpi")
    assert page.manage_buttons["unlock"].isEnabled()
    shot(page, "settings_users_locked")
    page.unlock()
    qtbot.waitUntil(page.idle, timeout=20_000)
    assert _sql(demo_db, "SELECT failed_logins, locked_until FROM user WHERE username = 'shenpi'") == [(0, None)]
    assert _login(demo_db, "shenpi", DEMO_PW) == ("shenpi", False)
    assert _row_of(page, "shenpi")[4] == "启用" and page.users_status.text() == "已解锁张国强。"


def test_a_clerk_sees_no_management_actions_and_changes_their_own_password(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    assert not hasattr(page, "users_table") and page.manage_buttons == {}
    assert page.new_user() is None and page.restore(Path("x.sqlite")) is None and page.add_unit() is None
    assert page.users_note.text() == "只有管理员可以管理用户。您可以在这里修改自己的密码。"
    own = {key: label.text() for key, label in page.own_labels.items()}
    assert own == {"username": "jingban", "name": "李娜", "roles": "经办", "union": "绥德县总工会"}
    assert page.add_unit_button.isHidden() and page.rename_unit_button.isHidden()
    assert page.restore_button.isHidden() and page.restore_file_button.isHidden()
    assert not page.backup_button.isHidden()  # anyone may back up, as from the 文件 menu
    _chinese_but_names(page, "jingban")
    shot(page, "settings_users_clerk")
    for index, name in ((1, "settings_units_clerk"), (2, "settings_data_clerk")):
        page.tabs.setCurrentIndex(index)
        assert_chinese(page)
        shot(page, name)
    page.tabs.setCurrentIndex(0)

    before = _state(demo_db)
    dialog = page.change_password()
    qtbot.keyClicks(dialog.old, "not-my-password")
    qtbot.keyClicks(dialog.new, NEW_PW)
    qtbot.keyClicks(dialog.again, NEW_PW)
    _save(qtbot, page, dialog)
    assert dialog.message_of("原密码") == "原密码不正确。"
    assert _state(demo_db) == before
    shot(dialog, "settings_change_password_refused")
    dialog.old.clear()
    qtbot.keyClicks(dialog.old, DEMO_PW)
    _save(qtbot, page, dialog)
    assert not dialog.isVisible() and page.users_status.text() == "密码已修改。"
    assert _login(demo_db, "jingban", NEW_PW) == ("jingban", False)


def test_a_lower_units_users_held_here_are_not_listed(qtbot, app_context, demo_db) -> None:
    """As at a city: a county's unit and user rows as the sync import writes them."""
    with closing(sqlite3.connect(demo_db)) as conn, conn:
        conn.execute("INSERT INTO org_unit (id, owner_unit_id, usn, mtime, version, code, name, level, active) "
                     "VALUES ('low-unit', 'low-unit', 0, 0, 1, '610827', '米脂县总工会', 'county', 1)")
        conn.execute("INSERT INTO user (id, owner_unit_id, usn, mtime, version, username, display_name, unit_id, "
                     "password_hash, failed_logins, active, must_change_password, created_at) VALUES "
                     "('low-user', 'low-unit', 0, 0, 1, '610827/jingban', '米脂经办', 'low-unit', '!', 0, 1, 0, "
                     "'2026-01-01 00:00:00')")
        conn.execute("INSERT INTO user_role (user_id, role) VALUES ('low-user', 'admin')")
    page = _page(qtbot, app_context("admin"))
    listed = [page.users_table.item(r, 0).text() for r in range(page.users_table.rowCount())]
    assert listed == ["admin", "jingban", "shenhe", "shenpi"]


def test_at_a_city_the_counties_users_are_left_to_the_counties(qtbot, tmp_path) -> None:
    from assist_desktop.services.setup import create_database, local_unit
    from assist_desktop.services.users import authenticate, user_roles
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.context import AppContext

    path = tmp_path / "city.sqlite"
    create_database(path, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                    admin_password=NEW_PW, level="city", encrypt=False)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO org_unit (id, owner_unit_id, usn, mtime, version, code, name, level, active) "
                     "VALUES ('suide', 'suide', 0, 0, 1, '610826', '绥德县总工会', 'county', 1)")
        conn.execute("INSERT INTO user (id, owner_unit_id, usn, mtime, version, username, display_name, unit_id, "
                     "password_hash, failed_logins, active, must_change_password, created_at) VALUES "
                     "('suide-admin', 'suide', 0, 0, 1, '610826/admin', '县管理员', 'suide', '!', 0, 1, 0, "
                     "'2026-01-01 00:00:00')")
        conn.execute("INSERT INTO user_role (user_id, role) VALUES ('suide-admin', 'admin')")
    with open_database(path) as db:
        with db.session() as s:
            user = authenticate(s, "admin", NEW_PW)
            ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user))
        page = _page(qtbot, ctx)
        assert [page.users_table.item(r, 0).text() for r in range(page.users_table.rowCount())] == ["admin"]
        assert "下级单位报送的用户由各单位自行管理，不在此列出。" in page.users_note.text()
        assert_chinese(page)
        page.close()


# --- grassroots unions ---------------------------------------------------------------------------------


def test_admin_adds_and_renames_a_grassroots_union(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("admin"))
    page.tabs.setCurrentIndex(1)
    table = page.units_table
    assert page.tabs.tabText(1) == "基层工会"
    assert _cells(table, 0) == ["610826", "绥德县总工会", "县级"]
    assert ["610826G001", "名州镇总工会", "基层工会"] in [_cells(table, r) for r in range(table.rowCount())]
    assert table.rowCount() == 21  # 15 towns, 5 company unions
    table.selectRow(0)
    assert not page.rename_unit_button.isEnabled()  # the county itself is named at set-up
    assert_chinese(page)
    shot(page, "settings_units")

    dialog = page.add_unit()
    type_text(dialog.name, "名州镇总工会")
    _save(qtbot, page, dialog)
    assert dialog.message_of("名称") == "已有名为“名州镇总工会”的单位，请换一个名称。"
    dialog.name.clear()
    assert dialog.message_of("名称") == "" and not dialog.name.property("invalid")  # gone once retyped
    type_text(dialog.name, "绥德县城关街道总工会")
    assert_chinese(dialog)
    shot(dialog, "settings_new_union")
    _save(qtbot, page, dialog)
    assert _sql(demo_db, "SELECT code, level, usn FROM org_unit WHERE name = '绥德县城关街道总工会'") == \
        [("610826G016", "grassroots", -1)]
    assert page.units_status.text() == "已新增“绥德县城关街道总工会”，代码 610826G016。"
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "610826G016")

    table.selectRow(row)
    dialog = page.rename_unit()
    assert dialog.name.text() == "绥德县城关街道总工会"
    dialog.name.clear()
    type_text(dialog.name, "名州街道总工会")
    _save(qtbot, page, dialog)
    assert _sql(demo_db, "SELECT name FROM org_unit WHERE code = '610826G016'") == [("名州街道总工会",)]
    assert table.item(row, 1).text() == "名州街道总工会"


# --- data and backups ----------------------------------------------------------------------------------


def test_back_up_now_writes_a_backup_file_and_restore_brings_it_back(qtbot, app_context, demo_db, shot,
                                                                       monkeypatch) -> None:
    ctx = app_context("admin")
    taken: list[str] = []
    ctx.events.backup_taken.connect(taken.append)
    page = _page(qtbot, ctx)
    page.tabs.setCurrentIndex(2)
    assert page.db_path_label.text() == str(demo_db) and page.backups_table.rowCount() == 0
    assert page.backups_empty.text() == "本数据库还没有备份，可点击“立即备份”备份一次。"
    assert not page.backups_empty.isHidden()
    assert page.db_size_label.text().endswith(("MB", "KB"))
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle() and page.backups_table.rowCount() == 1, timeout=20_000)
    backups = BackupManager(demo_db).list()
    assert len(backups) == 1 and backups[0].reason == "manual" and taken == [str(backups[0].path)]
    assert _sql(backups[0].path, "SELECT count(*) FROM user") == _sql(demo_db, "SELECT count(*) FROM user")
    row = _cells(page.backups_table, 0)
    assert row[1:] == ["手动", row[2], backups[0].path.name] and row[2].endswith(("MB", "KB"))
    assert page.data_status.text() == f"已备份到 {backups[0].path}"
    assert page.backups_empty.isHidden()
    assert_chinese(page)
    shot(page, "settings_data")

    # a user created after the backup is gone once it is restored; the file as it was is kept
    from assist_desktop.services.users import create_user
    from assist_desktop.storage.models import User
    from sqlmodel import select

    with ctx.db.session() as s:
        admin = s.exec(select(User).where(User.username == "admin")).one()
        create_user(s, admin, username="later", display_name="后来", password=NEW_PW, roles=["clerk"])
    page.backups_table.selectRow(0)
    assert page.restore_button.isEnabled()
    asked: list[str] = []

    def yes(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    page.restore()
    qtbot.waitUntil(lambda: page.idle() and page.restored_from is not None, timeout=30_000)
    assert asked and backups[0].path.name in asked[0]
    assert _sql(demo_db, "SELECT count(*) FROM user WHERE username = 'later'") == [(0,)]
    kept = [b for b in BackupManager(demo_db).list() if b.reason == "before-restore"]
    assert len(kept) == 1 and _sql(kept[0].path, "SELECT count(*) FROM user WHERE username = 'later'") == [(1,)]
    assert page.data_status.text().startswith(f"已用 {backups[0].path.name} 恢复数据库。")
    qtbot.waitUntil(lambda: page.idle() and page.backups_table.rowCount() == 2, timeout=20_000)
    assert [page.backups_table.item(r, 1).text() for r in range(2)] == ["恢复前", "手动"]
    shot(page, "settings_data_restored")


def test_a_refused_restore_changes_nothing(qtbot, app_context, demo_db, tmp_path, monkeypatch,
                                           _no_blocking_message_boxes) -> None:
    page = _page(qtbot, app_context("admin"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    bad = tmp_path / "not-a-backup.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    before = _state(demo_db)
    page.restore(bad)
    qtbot.waitUntil(page.idle, timeout=20_000)
    assert page.restored_from is None and "不能用 not-a-backup.sqlite 恢复" in page.data_status.text()
    assert any("不能用" in text for _kind, text in _no_blocking_message_boxes)
    assert _state(demo_db) == before and BackupManager(demo_db).list() == []


def test_the_standards_buttons_open_the_standards_tables(qtbot, app_context) -> None:
    from assist_desktop.ui.standards.dialog import StandardsDialog

    page = _page(qtbot, app_context("jingban"))
    assert page.scholarship_standards.text() == "金秋助学…" and page.campaign_standards.text() == "春节送温暖…"
    qtbot.mouseClick(page.scholarship_standards, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.campaign_standards, Qt.MouseButton.LeftButton)
    dialogs = [d for d in page.findChildren(StandardsDialog) if d.isVisible()]
    assert sorted(d.program for d in dialogs) == ["scholarship", "spring_festival"]
    for dialog in dialogs:
        qtbot.waitUntil(dialog.idle, timeout=10_000)
        dialog.close()
