"""User accounts: lockout, no user enumeration, administrators only, the last administrator, a clean audit log.

Every test runs on a real SQLite file (a copy of one set up once per module, since each scrypt hash costs
about 50 ms) and reads back what was committed with plain ``sqlite3`` where it matters.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.dbtools import connect
import pytest
from sqlmodel import Session, select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import users
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import PermissionDenied
from assist_desktop.services.passwords import WeakPassword
from assist_desktop.services.setup import create_database
from assist_desktop.services.users import (
    LOCK_AFTER,
    LOCK_MINUTES,
    AccountDisabled,
    AccountLocked,
    AuthenticationFailed,
    DuplicateUsername,
    LastAdmin,
    UserError,
    WrongPassword,
    authenticate,
    change_password,
    create_user,
    deactivate,
    list_users,
    reactivate,
    reset_password,
    set_roles,
    unlock,
    user_roles,
)
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import User
from assist_desktop.storage.schema import open_database

ADMIN_PW = "s3cret-pass"
CLERK_PW = "clerk-pass-1"
NEW_PW = "brand-new-pass"
T0 = datetime(2026, 3, 2, 6, 20, tzinfo=UTC)  # 14:20 in Beijing


# --- fixtures and helpers --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """绥德县总工会 with its administrator "admin" and one clerk "clerk1" (李娜)."""
    path = tmp_path_factory.mktemp("users") / "template.sqlite"
    create_database(path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                    admin_password=ADMIN_PW, encrypt=False)
    with open_database(path) as db, db.session() as session:
        admin = _user(session, "admin")
        create_user(session, admin, username="clerk1", display_name="李娜", password=CLERK_PW, roles=[Role.clerk])
    return path


@pytest.fixture
def county(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "county.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{path}{suffix}")
    return path


@pytest.fixture
def db(county: Path):
    with open_database(county) as database:
        yield database


def _user(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def _sql(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def _login_row(path: Path, username: str) -> tuple[int, str | None]:
    return _sql(path, "SELECT failed_logins, locked_until FROM user WHERE username = ?", username)[0]


def _events(path: Path) -> list[tuple[str, str | None, str, dict]]:
    rows = _sql(path, "SELECT action, entity_id, actor_name, changes FROM audit_event ORDER BY seq")
    return [(a, e, n, json.loads(c)) for a, e, n, c in rows]


def _snapshot(path: Path) -> dict[str, list[tuple]]:
    return {t: _sql(path, f'SELECT * FROM "{t}" ORDER BY 1') for t in ("user", "user_role", "audit_event")}


def _fail(session: Session, username: str, password: str, now: datetime) -> AuthenticationFailed:
    with pytest.raises(AuthenticationFailed) as info:
        authenticate(session, username, password, now=now)
    return info.value


@pytest.fixture
def beijing(monkeypatch: pytest.MonkeyPatch):
    """Local time is China Standard Time, as on the caseworkers' PCs."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# --- logging in ------------------------------------------------------------------------------------


def test_login_returns_the_user_and_is_audited(db: Database, county: Path) -> None:
    with db.session() as session:
        user = authenticate(session, "  clerk1 ", CLERK_PW, now=T0)
    assert user.username == "clerk1" and user.display_name == "李娜" and user.must_change_password  # set up by the administrator
    action, entity_id, actor, _ = _events(county)[-1]
    assert (action, entity_id, actor) == ("login", user.id, "李娜")


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(db: Database, county: Path, beijing) -> None:
    with db.session() as session:
        for attempt in range(1, LOCK_AFTER):
            error = _fail(session, "clerk1", f"wrong-{attempt}", T0 + timedelta(seconds=attempt))
            assert type(error) is AuthenticationFailed
            assert error.message == f"用户名或密码错误，还可尝试 {LOCK_AFTER - attempt} 次。"
            assert error.remaining == LOCK_AFTER - attempt
            assert _login_row(county, "clerk1") == (attempt, None)  # committed, although it raised

        fifth = _fail(session, "clerk1", "wrong-5", T0)  # 06:20 UTC = 14:20 in Beijing
        assert isinstance(fifth, AccountLocked)
        assert fifth.until == T0 + timedelta(minutes=LOCK_MINUTES)
        assert "账户已锁定，请于 14:35 后再试" in fifth.message and "5" in fifth.message
        failed, locked_until = _login_row(county, "clerk1")
        assert failed == 5 and locked_until.startswith("2026-03-02 06:35:00")

        # The sixth attempt, with the right password, is still refused; so is one a second before the end.
        for now in (T0 + timedelta(minutes=1), T0 + timedelta(minutes=LOCK_MINUTES, seconds=-1)):
            sixth = _fail(session, "clerk1", CLERK_PW, now)
            assert isinstance(sixth, AccountLocked)
            assert sixth.message == "账户已锁定，请于 14:35 后再试。"
        assert _login_row(county, "clerk1")[0] == 5  # attempts during the lock do not extend it

        user = authenticate(session, "clerk1", CLERK_PW, now=T0 + timedelta(minutes=LOCK_MINUTES))
    assert user.failed_logins == 0 and user.locked_until is None
    assert _login_row(county, "clerk1") == (0, None)
    actions = [e[0] for e in _events(county)]
    assert actions[-8:] == ["login_failed"] * 4 + ["locked", "login_failed", "login_failed", "login"]
    locked = [e for e in _events(county) if e[0] == "locked"][0]
    assert locked[3]["failed_logins"] == [4, 5] and locked[3]["locked_until"][1].startswith("2026-03-02T06:35")


def test_unlock_time_is_local_and_rounded_up_to_the_minute(beijing) -> None:
    assert users.format_unlock_time(datetime(2026, 3, 2, 6, 35, tzinfo=UTC)) == "14:35"
    assert users.format_unlock_time(datetime(2026, 3, 2, 6, 35, 0, 1, tzinfo=UTC)) == "14:36"
    assert users.format_unlock_time(datetime(2026, 3, 2, 15, 59, 30, tzinfo=UTC)) == "00:00"


def test_after_an_expired_lock_the_count_starts_again(db: Database, county: Path) -> None:
    _sql_write(county, "UPDATE user SET failed_logins = 5, locked_until = ? WHERE username = 'clerk1'",
               (T0 - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f"))
    with db.session() as session:
        error = _fail(session, "clerk1", "wrong", T0)
    assert type(error) is AuthenticationFailed and error.remaining == LOCK_AFTER - 1
    assert _login_row(county, "clerk1") == (1, None)


def test_a_lock_set_in_the_future_by_a_wrong_clock_lasts_at_most_fifteen_minutes(db: Database, county: Path) -> None:
    _sql_write(county, "UPDATE user SET failed_logins = 5, locked_until = '2027-01-01 00:00:00.000000' "
                       "WHERE username = 'clerk1'")
    with db.session() as session:
        assert authenticate(session, "clerk1", CLERK_PW, now=T0).username == "clerk1"


def test_a_successful_login_resets_the_count(db: Database, county: Path) -> None:
    with db.session() as session:
        for i in range(3):
            _fail(session, "clerk1", "wrong", T0 + timedelta(seconds=i))
        assert _login_row(county, "clerk1") == (3, None)
        authenticate(session, "clerk1", CLERK_PW, now=T0)
        assert _login_row(county, "clerk1") == (0, None)
        assert _fail(session, "clerk1", "wrong", T0).remaining == LOCK_AFTER - 1
    login = [e for e in _events(county) if e[0] == "login"][-1]
    assert login[3] == {"failed_logins": [3, 0]}


def test_the_count_is_shared_by_sessions_and_survives_closing_the_program(county: Path) -> None:
    with open_database(county) as db1, open_database(county) as db2:
        with db1.session() as s1, db2.session() as s2:
            # Both sessions hold the user in their identity maps; each attempt still counts from the file.
            assert _fail(s1, "clerk1", "wrong", T0).remaining == 4
            assert _fail(s2, "clerk1", "wrong", T0).remaining == 3
            assert _fail(s1, "clerk1", "wrong", T0).remaining == 2
    assert _login_row(county, "clerk1") == (3, None)
    with open_database(county) as db3, db3.session() as s3:  # the program started again
        assert _user(s3, "clerk1").failed_logins == 3
        assert _fail(s3, "clerk1", "wrong", T0).remaining == 1
        assert isinstance(_fail(s3, "clerk1", "wrong", T0), AccountLocked)
        assert isinstance(_fail(s3, "clerk1", CLERK_PW, T0), AccountLocked)


def test_unknown_user_gets_the_wrong_password_message_without_the_hint(db: Database, county: Path) -> None:
    with db.session() as session:
        unknown = _fail(session, "nobody", "whatever-1", T0)
        wrong = _fail(session, "clerk1", "whatever-1", T0)
        empty = _fail(session, "", "", T0)
    # Decided: the message is the same sentence; only an existing account adds how many attempts remain.
    assert type(unknown) is type(wrong) is AuthenticationFailed
    assert unknown.message == empty.message == "用户名或密码错误。"
    assert wrong.message == "用户名或密码错误，还可尝试 4 次。"
    assert unknown.remaining is None and wrong.remaining == 4
    assert unknown.field == wrong.field is None
    # The attempt is audited, but the name typed is not kept (it is sometimes the password, typed one box early).
    action, entity_id, _, changes = _events(county)[-3]
    assert (action, entity_id, changes) == ("login_failed", None, {"reason": "用户名不存在"})
    assert "nobody" not in json.dumps(_sql(county, "SELECT * FROM audit_event"), ensure_ascii=False)


def test_user_name_letter_case_is_ignored(db: Database) -> None:
    with db.session() as session:
        assert authenticate(session, "CLERK1", CLERK_PW, now=T0).username == "clerk1"


def test_a_deactivated_user_cannot_log_in(db: Database, county: Path) -> None:
    with db.session() as session:
        admin = authenticate(session, "admin", ADMIN_PW, now=T0)
        clerk_id = _user(session, "clerk1").id
        deactivate(session, admin, clerk_id, "调离本单位")
        with pytest.raises(AccountDisabled, match="账户已停用"):
            authenticate(session, "clerk1", CLERK_PW, now=T0)
        # A wrong password gets the ordinary answer and counts as usual.
        assert type(_fail(session, "clerk1", "wrong-pass", T0)) is AuthenticationFailed
        reactivate(session, admin, clerk_id, "调回本单位")
        assert authenticate(session, "clerk1", CLERK_PW, now=T0).active
    assert [e[0] for e in _events(county)][-5:] == ["deactivate", "login_failed", "login_failed", "reactivate",
                                                   "login"]
    deactivated = [e for e in _events(county) if e[0] == "deactivate"][0]
    assert deactivated[3] == {"active": [True, False], "reason": "调离本单位"}


# --- managing users --------------------------------------------------------------------------------


def test_admin_creates_a_user_of_the_local_unit(db: Database, county: Path) -> None:
    with db.session() as session:
        admin = _user(session, "admin")
        user = create_user(session, admin, username="张三", display_name=" 张三 ", password=NEW_PW,
                           roles=["reviewer", Role.approver])
        assert user_roles(session, user) == {Role.reviewer, Role.approver}
        local_unit_id = admin.unit_id
    assert _sql(county, "SELECT display_name, unit_id, owner_unit_id, active, must_change_password, usn FROM user "
                        "WHERE username = '张三'") == [("张三", local_unit_id, local_unit_id, 1, 1, -1)]
    action, entity_id, actor, changes = _events(county)[-1]
    assert (action, entity_id, actor) == ("create", user.id, admin.display_name)
    assert changes == {"username": "张三", "display_name": "张三", "unit_id": local_unit_id,
                       "roles": ["reviewer", "approver"], "password": "已设置"}
    with db.session() as session:
        assert authenticate(session, "张三", NEW_PW, now=T0).id == user.id


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"username": "a"}, "用户名", "2-32"),
        ({"username": "bad name"}, "用户名", "用户名"),
        ({"username": "x" * 33}, "用户名", "用户名"),
        ({"username": "clerk1"}, "用户名", "“clerk1”已被使用"),
        ({"username": "Clerk1"}, "用户名", "“Clerk1”已被使用"),
        ({"display_name": "  "}, "姓名", "姓名不能为空"),
        ({"roles": []}, "角色", "角色"),
        ({"roles": ["boss"]}, "角色", "“boss”"),
        ({"password": "short"}, "密码", "密码至少需要 8 个字符"),
        ({"unit_id": "no-such-unit"}, "所属单位", "所属单位"),
    ],
)
def test_bad_new_user_is_refused_naming_the_field_and_writes_nothing(db: Database, county: Path, fields: dict,
                                                                      field: str, words: str) -> None:
    before = _snapshot(county)
    values = {"username": "wangwu", "display_name": "王五", "password": NEW_PW, "roles": [Role.clerk], **fields}
    with db.session() as session, pytest.raises(DomainError) as info:
        create_user(session, _user(session, "admin"), **values)
    assert info.value.field == field and words in info.value.message
    assert _snapshot(county) == before


def test_duplicate_user_name_is_its_own_error(db: Database) -> None:
    with db.session() as session, pytest.raises(DuplicateUsername, match="用户名“admin”已被使用"):
        create_user(session, _user(session, "admin"), username="admin", display_name="另一个", password=NEW_PW,
                    roles=[Role.clerk])


@pytest.mark.parametrize(
    ("call", "action"),
    [
        (lambda s, me, other: create_user(s, me, username="wangwu", display_name="王五", password=NEW_PW,
                                          roles=[Role.admin]), "create_user"),
        (lambda s, me, other: set_roles(s, me, me.id, [Role.clerk, Role.admin]), "set_roles"),
        (lambda s, me, other: set_roles(s, me, other.id, [Role.clerk]), "set_roles"),
        (lambda s, me, other: deactivate(s, me, other.id, "不想要管理员"), "deactivate"),
        (lambda s, me, other: reactivate(s, me, other.id), "reactivate"),
        (lambda s, me, other: reset_password(s, me, other.id, NEW_PW), "reset_password"),
        (lambda s, me, other: unlock(s, me, other.id), "unlock"),
    ],
)
def test_only_an_admin_manages_users(db: Database, county: Path, call, action: str) -> None:
    before = _snapshot(county)
    with db.session() as session:
        clerk, admin = _user(session, "clerk1"), _user(session, "admin")
        with pytest.raises(PermissionDenied, match="只有“管理员”角色才能"):
            call(session, clerk, admin)
    after = _snapshot(county)
    assert after["user"] == before["user"] and after["user_role"] == before["user_role"]
    assert len(after["audit_event"]) == len(before["audit_event"]) + 1  # only the refusal is written
    refused, _, actor, changes = _events(county)[-1]
    assert refused == f"refused:{action}" and actor == "李娜" and "管理员" in changes["reason"]


def test_set_roles_replaces_the_roles_and_bumps_the_version(db: Database, county: Path) -> None:
    with db.session() as session:
        admin, clerk = _user(session, "admin"), _user(session, "clerk1")
        version = clerk.version
        set_roles(session, admin, clerk.id, [Role.reviewer, Role.clerk])
        set_roles(session, admin, clerk.id, {Role.reviewer})
        set_roles(session, admin, clerk.id, {Role.reviewer})  # no change: nothing written
        assert user_roles(session, clerk) == {Role.reviewer}
    assert _sql(county, "SELECT role FROM user_role WHERE user_id = ?", clerk.id) == [("reviewer",)]
    assert _sql(county, "SELECT version, usn FROM user WHERE id = ?", clerk.id) == [(version + 2, -1)]
    changes = [e[3] for e in _events(county) if e[0] == "set_roles"]
    assert changes == [{"roles": [["clerk"], ["clerk", "reviewer"]]}, {"roles": [["clerk", "reviewer"], ["reviewer"]]}]


def test_the_last_active_admin_is_kept(db: Database, county: Path) -> None:
    with db.session() as session:
        admin, clerk = _user(session, "admin"), _user(session, "clerk1")
        before = _snapshot(county)
        with pytest.raises(LastAdmin, match="您是唯一启用的管理员，不能取消“管理员”角色") as info:
            set_roles(session, admin, admin.id, [Role.approver])
        assert info.value.field == "角色"
        with pytest.raises(UserError, match="不能停用自己"):
            deactivate(session, admin, admin.id, "离职")
        assert _snapshot(county) == before

        set_roles(session, admin, clerk.id, [Role.clerk, Role.admin])  # a second administrator
        set_roles(session, admin, admin.id, [Role.approver])  # now allowed
        assert user_roles(session, admin) == {Role.approver}
        with pytest.raises(LastAdmin):
            set_roles(session, clerk, clerk.id, [Role.clerk])
        # A deactivated administrator does not count.
        set_roles(session, clerk, admin.id, [Role.approver, Role.admin])
        deactivate(session, clerk, admin.id, "退休")
        with pytest.raises(LastAdmin):
            set_roles(session, clerk, clerk.id, [Role.clerk])
        with pytest.raises(UserError, match="不能停用自己"):
            deactivate(session, clerk, clerk.id, "离职")
    admins = _sql(county, "SELECT u.username FROM user u JOIN user_role r ON r.user_id = u.id "
                          "WHERE r.role = 'admin' AND u.active")
    assert admins == [("clerk1",)]


def test_a_deactivated_admin_can_no_longer_manage_users_even_from_an_open_session(county: Path) -> None:
    with open_database(county) as db1, open_database(county) as db2, db1.session() as s1, db2.session() as s2:
        admin = authenticate(s1, "admin", ADMIN_PW, now=T0)
        create_user(s1, admin, username="admin2", display_name="王芳", password=NEW_PW, roles=[Role.admin])
        admin2 = _user(s2, "admin2")
        deactivate(s2, admin2, admin.id, "调离")
        # s1 still holds its copy of admin as active; the service must read the file.
        with pytest.raises(PermissionDenied, match="已停用"):
            unlock(s1, admin, admin2.id)
    assert _events(county)[-1][0] == "refused:unlock"


def test_reset_password_forces_a_change_and_lifts_a_lock(db: Database, county: Path) -> None:
    # clerk1 chose a password of their own after the administrator set up the account, then got locked out
    _sql_write(county, "UPDATE user SET must_change_password = 0 WHERE username = 'clerk1'")
    _sql_write(county, "UPDATE user SET failed_logins = 5, locked_until = ? WHERE username = 'clerk1'",
               (T0 + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S.%f"))
    with db.session() as session:
        admin, clerk = _user(session, "admin"), _user(session, "clerk1")
        assert list_users(session, now=T0)[1].locked_until == T0 + timedelta(minutes=10)
        with pytest.raises(UserError, match="不能重置自己的密码"):
            reset_password(session, admin, admin.id, NEW_PW)
        with pytest.raises(WeakPassword, match="密码"):
            reset_password(session, admin, clerk.id, "short")
        reset_password(session, admin, clerk.id, NEW_PW)
        user = authenticate(session, "clerk1", NEW_PW, now=T0)
        assert user.must_change_password
        change_password(session, user, NEW_PW, "my-own-pass")
        assert not authenticate(session, "clerk1", "my-own-pass", now=T0).must_change_password
    assert _sql(county, "SELECT must_change_password FROM user WHERE username = 'clerk1'") == [(0,)]
    reset = [e for e in _events(county) if e[0] == "reset_password"][0][3]
    assert reset["password"] == "已修改" and reset["must_change_password"] == [False, True]
    assert reset["failed_logins"] == [5, 0] and reset["locked_until"][1] is None


def test_unlock(db: Database, county: Path) -> None:
    _sql_write(county, "UPDATE user SET failed_logins = 5, locked_until = ? WHERE username = 'clerk1'",
               (T0 + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S.%f"))
    with db.session() as session:
        admin, clerk = _user(session, "admin"), _user(session, "clerk1")
        assert users.is_locked(clerk, T0)
        with pytest.raises(AccountLocked):
            authenticate(session, "clerk1", CLERK_PW, now=T0)
        unlock(session, admin, clerk.id)
        assert authenticate(session, "clerk1", CLERK_PW, now=T0).username == "clerk1"
        with pytest.raises(UserError, match="未被锁定"):
            unlock(session, admin, clerk.id)
    assert _login_row(county, "clerk1") == (0, None)


def test_change_password_needs_the_old_one_and_a_new_strong_one(db: Database, county: Path) -> None:
    with db.session() as session:
        clerk = _user(session, "clerk1")
        before = _snapshot(county)
        with pytest.raises(WrongPassword, match="原密码不正确") as info:
            change_password(session, clerk, "not-my-password", NEW_PW)
        assert info.value.field == "原密码"
        with pytest.raises(UserError, match="不能与原密码相同"):
            change_password(session, clerk, CLERK_PW, CLERK_PW)
        with pytest.raises(WeakPassword) as weak:
            change_password(session, clerk, CLERK_PW, "short")
        assert weak.value.field == "密码" and "密码" in weak.value.message
        assert _snapshot(county) == before  # nothing changed, not even the audit log
        change_password(session, clerk, CLERK_PW, NEW_PW)
        with pytest.raises(AuthenticationFailed):
            authenticate(session, "clerk1", CLERK_PW, now=T0)
        assert authenticate(session, "clerk1", NEW_PW, now=T0).id == clerk.id
    assert [e[0] for e in _events(county)][-3:] == ["change_password", "login_failed", "login"]


def test_list_users(db: Database) -> None:
    with db.session() as session:
        admin = _user(session, "admin")
        create_user(session, admin, username="bob", display_name="赵六", password=NEW_PW,
                    roles=[Role.clerk, Role.reviewer])
        deactivate(session, admin, _user(session, "bob").id, "试用结束")
        views = list_users(session, now=T0)
    assert [v.username for v in views] == ["admin", "bob", "clerk1"]
    assert views[0].roles == frozenset({Role.admin}) and views[0].active
    assert views[1].roles == frozenset({Role.clerk, Role.reviewer}) and not views[1].active
    assert views[2].display_name == "李娜" and views[2].locked_until is None
    assert all(v.unit_id == admin.unit_id for v in views)
    assert not hasattr(views[0], "password_hash")


def test_users_are_never_deleted() -> None:
    assert not [name for name in dir(users) if "delete" in name.lower() or "remove" in name.lower()]


# --- the audit log ---------------------------------------------------------------------------------


def test_audit_chain_holds_every_event_and_no_password(db: Database, county: Path) -> None:
    secrets = [ADMIN_PW, CLERK_PW, NEW_PW, "wrong-guess-1", "another-pass", "third-pass-9"]
    with db.session() as session:
        admin = authenticate(session, "admin", ADMIN_PW, now=T0)
        _fail(session, "clerk1", "wrong-guess-1", T0)
        _fail(session, "wrong-guess-1", "wrong-guess-1", T0)
        clerk = _user(session, "clerk1")
        created = create_user(session, admin, username="wangwu", display_name="王五", password=NEW_PW,
                              roles=[Role.approver])
        set_roles(session, admin, created.id, [Role.approver, Role.reviewer])
        reset_password(session, admin, clerk.id, "another-pass")
        change_password(session, clerk, "another-pass", "third-pass-9")
        deactivate(session, admin, created.id, "调离")
        reactivate(session, admin, created.id)
        _sql_write(county, "UPDATE user SET failed_logins = 2 WHERE id = ?", created.id)
        unlock(session, admin, created.id)
        with pytest.raises(PermissionDenied):
            create_user(session, clerk, username="x1", display_name="x", password=NEW_PW, roles=[Role.admin])
        assert verify_audit(session).ok
    actions = {e[0] for e in _events(county)}
    assert actions >= {"initialise", "login", "login_failed", "create", "set_roles", "reset_password",
                       "change_password", "deactivate", "reactivate", "unlock", "refused:create_user"}
    dump = json.dumps(_sql(county, "SELECT * FROM audit_event"), ensure_ascii=False)
    hashes = [h for (h,) in _sql(county, "SELECT password_hash FROM user")]
    assert "scrypt" not in dump and "password_hash" not in dump
    for text in secrets + [part for h in hashes for part in h.split("$")[4:]]:
        assert text not in dump


def _sql_write(path: Path, sql: str, *args: object) -> None:
    with closing(connect(path)) as conn, conn:
        conn.execute(sql, args)
