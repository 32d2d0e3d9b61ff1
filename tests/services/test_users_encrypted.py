"""User accounts on an encrypted database: every account opens the file with its own password, the
administrator's user management keeps the key slots in step, and logins refused before the database
could be read reach the audit log."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import users
from assist_desktop.services.login import log_in
from assist_desktop.services.setup import create_database
from assist_desktop.storage import keyslots
from assist_desktop.storage.models import AuditEvent, User
from assist_desktop.storage.schema import KeyRequired, open_database

ADMIN_PW = "Suide-admin-2026"
CLERK_PW = "Lina-jingban-88"
T0 = datetime(2026, 3, 2, 6, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("enc") / "assist.sqlite"
    result = create_database(path, unit_code="610826", unit_name="积石山保安族东乡族撒拉族自治县总工会",
                             admin_username="admin", admin_password=ADMIN_PW)
    assert result.recovery_key is not None
    login = log_in(path, "admin", ADMIN_PW)
    with login.db.session() as s:
        users.create_user(s, login.user, username="李娜", display_name="李娜", password=CLERK_PW, roles=[Role.clerk])
    login.db.close()
    return path, result.recovery_key


@pytest.fixture
def county(template: tuple[Path, str], tmp_path: Path) -> Path:
    path = tmp_path / "assist.sqlite"
    for suffix in ("", "-wal", "-shm", ".keys"):
        if Path(f"{template[0]}{suffix}").exists():
            shutil.copyfile(f"{template[0]}{suffix}", f"{path}{suffix}")
    return path


def _events(db, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_init_encrypts_and_names_the_unit_before_login(template: tuple[Path, str]) -> None:
    path, recovery = template
    with pytest.raises(KeyRequired):
        open_database(path)
    assert keyslots.label(path) == "积石山保安族东乡族撒拉族自治县总工会"
    with open_database(path, key=keyslots.parse_recovery_key(recovery)) as db, db.session() as s:
        assert {u.username for u in s.exec(select(User))} == {"admin", "李娜"}


def test_a_login_derives_one_key_and_each_account_opens_the_file(county: Path, monkeypatch) -> None:
    calls: list[int] = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(k["n"]) or real(*a, **k))
    login = log_in(county, "admin", ADMIN_PW)
    assert calls == [2**17]  # the slot's unwrap proved the password; the stored hash was not checked again
    assert login.user.username == "admin" and login.db.encrypted
    login.db.close()
    clerk = log_in(county, "李娜", CLERK_PW)
    assert clerk.user.must_change_password  # the administrator chose it
    clerk.db.close()


def test_password_changes_and_resets_rewrap_the_slot(county: Path) -> None:
    clerk = log_in(county, "李娜", CLERK_PW)
    with clerk.db.session() as s:
        users.change_password(s, clerk.user, CLERK_PW, "Lina-own-choice-7")
    clerk.db.close()
    with pytest.raises(users.AuthenticationFailed):
        log_in(county, "李娜", CLERK_PW)
    log_in(county, "李娜", "Lina-own-choice-7").db.close()
    admin = log_in(county, "admin", ADMIN_PW)
    with admin.db.session() as s:
        lina = s.exec(select(User).where(User.username == "李娜")).one()
        users.reset_password(s, admin.user, lina.id, "Reset-by-admin-3")
    admin.db.close()
    with pytest.raises(users.AuthenticationFailed):
        log_in(county, "李娜", "Lina-own-choice-7")
    log_in(county, "李娜", "Reset-by-admin-3").db.close()


def test_a_deactivated_account_cannot_open_the_file_and_comes_back_with_a_new_password(county: Path) -> None:
    admin = log_in(county, "admin", ADMIN_PW)
    with admin.db.session() as s:
        lina = s.exec(select(User).where(User.username == "李娜")).one()
        users.deactivate(s, admin.user, lina.id, "调离")
        assert users.has_key_slot(s, lina.id) is False
    with pytest.raises(users.AuthenticationFailed, match="用户名或密码错误。"):
        log_in(county, "李娜", CLERK_PW)
    with admin.db.session() as s:
        with pytest.raises(users.UserError, match="设置新密码") as info:
            users.reactivate(s, admin.user, lina.id)
        assert info.value.field == "新密码"
        users.reactivate(s, admin.user, lina.id, new_password="Back-again-2027")
        changes = json.loads(_events(admin.db, "deactivate")[-1].changes)
        assert changes["key_slot"] == "已收回"
    admin.db.close()
    back = log_in(county, "李娜", "Back-again-2027")
    assert back.user.must_change_password
    back.db.close()


def test_refusals_before_the_database_is_open_reach_the_audit_log(county: Path) -> None:
    for n in range(users.LOCK_AFTER):
        with pytest.raises(users.AuthenticationFailed):
            log_in(county, "李娜", "wrong-password", now=T0 + timedelta(seconds=n))
    with pytest.raises(users.AccountLocked):
        log_in(county, "李娜", CLERK_PW, now=T0 + timedelta(minutes=1))
    with pytest.raises(users.AuthenticationFailed, match="用户名或密码错误。"):
        log_in(county, "nobody", CLERK_PW, now=T0)
    admin = log_in(county, "admin", ADMIN_PW, now=T0 + timedelta(minutes=2))
    failed = _events(admin.db, "login_failed")
    reasons = [json.loads(e.changes)["reason"] for e in failed]
    assert reasons == ["密码错误"] * 4 + ["账户已锁定", "用户名不存在"]
    [locked] = _events(admin.db, "locked")  # the fifth wrong password locked the account, as on a plain file
    assert json.loads(locked.changes)["reason"] == "密码错误" and json.loads(locked.changes)["locked_until"]
    assert keyslots.load(county).pending == []  # written once, not again
    with admin.db.session() as s:  # the administrator lifts the lock held in the key file
        lina = s.exec(select(User).where(User.username == "李娜")).one()
        users.unlock(s, admin.user, lina.id)
    log_in(county, "李娜", CLERK_PW, now=T0 + timedelta(minutes=3)).db.close()
    # switching user while the file is open: a refusal is audited at once
    with pytest.raises(users.AuthenticationFailed):
        log_in(county, "李娜", "wrong-again", db=admin.db, now=T0 + timedelta(minutes=4))
    assert json.loads(_events(admin.db, "login_failed")[-1].changes)["reason"] == "密码错误"
    switched = log_in(county, "李娜", CLERK_PW, db=admin.db, now=T0 + timedelta(minutes=5))
    assert switched.user.username == "李娜" and not switched.opened
    admin.db.close()
