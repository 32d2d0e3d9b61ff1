"""The window on an encrypted database: the password typed at login opens the file, 设置 restores an
encrypted backup after a password of that backup, and 启用 gives a new password to an account whose key
was taken back. The demo says it is not encrypted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlmodel import select

from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import users
from assist_desktop.services.login import log_in
from assist_desktop.services.setup import create_database, local_unit
from assist_desktop.storage import keyslots
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.models import Meta, User
from assist_desktop.ui.context import AppContext

from .conftest import assert_chinese, untranslated, visible_texts

ADMIN_PW = "Suide-admin-2026"


@pytest.fixture(scope="module")
def encrypted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("enc-ui") / "assist.sqlite"
    create_database(path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin", admin_password=ADMIN_PW)
    login = log_in(path, "admin", ADMIN_PW)
    with login.db.session() as s:
        users.create_user(s, login.user, username="jingban", display_name="李娜", password="Lina-jingban-88",
                          roles=[Role.clerk])
    login.db.close()
    return path


@pytest.fixture
def encrypted(encrypted_template: Path, tmp_path: Path) -> Path:
    import shutil

    path = tmp_path / "assist.sqlite"
    for suffix in ("", "-wal", "-shm", ".keys"):
        if Path(f"{encrypted_template}{suffix}").exists():
            shutil.copyfile(f"{encrypted_template}{suffix}", f"{path}{suffix}")
    return path


def _context(path: Path) -> AppContext:
    login = log_in(path, "admin", ADMIN_PW)
    with login.db.session() as s:
        return AppContext(db=login.db, user=login.user, unit=local_unit(s),
                          roles=users.user_roles(s, login.user))


def test_the_login_window_opens_the_encrypted_file_with_the_password(qtbot, encrypted: Path, shot) -> None:
    from assist_desktop.ui.shell.login import file_login

    dialog = file_login(encrypted, keyslots.label(encrypted))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "wrong-password")
    dialog.try_login()  # the key slot's derivation runs off the GUI thread
    qtbot.waitUntil(lambda: not dialog.checking, timeout=30000)
    assert "用户名或密码错误" in dialog.message.text() and dialog.db is None
    assert_chinese(dialog)
    shot(dialog, "login-encrypted-refused")
    qtbot.keyClicks(dialog.password, ADMIN_PW)
    dialog.try_login()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=30000)
    assert dialog.user is not None and dialog.db is not None and dialog.db.encrypted
    dialog.db.close()


def test_the_window_title_says_when_a_file_is_not_encrypted(qtbot, app_context, encrypted: Path) -> None:
    from assist_desktop.ui.shell.main_window import MainWindow

    demo = MainWindow(app_context("jingban"))
    qtbot.addWidget(demo)
    assert "（演示）（未加密）" in demo.windowTitle()
    ctx = _context(encrypted)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert "未加密" not in window.windowTitle() and "绥德县总工会" in window.windowTitle()
    window.close()
    ctx.db.close()


def test_restoring_an_encrypted_backup_asks_for_a_password_of_that_backup(qtbot, encrypted: Path, monkeypatch,
                                                                          shot) -> None:
    from assist_desktop.ui.settings.page import SettingsPage

    ctx = _context(encrypted)
    backup = BackupManager(encrypted, key=ctx.db.key).create()
    with ctx.db.transaction() as s:
        s.add(Meta(key="after-backup", value="1"))
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(page.window(), "switch_user", lambda: None, raising=False)
    page.restore(backup)
    dialog = page.dialogs[-1]
    assert dialog.username.text() == "admin"
    dialog.secret.setText("not-the-password")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.idle(), timeout=20_000)
    message = dialog.findChild(type(dialog.general), "backup_password_message")
    assert dialog.isVisible() and "打不开加密备份" in message.text() and "还可尝试" not in message.text()
    assert_chinese(dialog)
    shot(dialog, "restore-encrypted-backup-password")
    dialog.secret.setText(ADMIN_PW)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.restored_from == backup, timeout=30_000)
    with ctx.db.session() as s:
        assert s.get(Meta, "after-backup") is None
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(encrypted).execute("SELECT * FROM user").fetchall()
    page.close()
    ctx.db.close()


def test_enabling_an_account_on_an_encrypted_file_gives_it_a_new_password(qtbot, encrypted: Path, shot) -> None:
    from assist_desktop.ui.settings.page import SettingsPage

    ctx = _context(encrypted)
    with ctx.db.session() as s:
        lina = s.exec(select(User).where(User.username == "jingban")).one()
        users.deactivate(s, ctx.user, lina.id, "调离")
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    page.select_user("jingban")
    dialog = page.reactivate()
    assert dialog is not None and "已收回" in dialog.intro.text()
    assert [t for t in untranslated(visible_texts(dialog)) if "jingban" not in t] == []  # the user name is data
    shot(dialog, "reactivate-encrypted")
    dialog.password.setText("Back-again-2027")
    dialog.again.setText("Back-again-2027")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.idle() and not dialog.isVisible(), timeout=30_000)
    ctx.db.close()
    again = log_in(encrypted, "jingban", "Back-again-2027")
    assert again.user.must_change_password
    again.db.close()
