"""At a city database the user table also holds the counties' users, synced upward; they are the county's
to manage, and never log in at the city. And the administrator's grassroots unions (基层工会): added with
the next code, renamed, never another unit's.

A real city database (set up as ``assist-desktop init --level city`` does) receives a county's unit and
user rows as the sync importer writes them (``sync/export.py``: the name qualified with the county's code,
the password hash replaced by ``'!'``, no lock state).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from tests.dbtools import connect
import pytest
from sqlmodel import Session, select

from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.base import NotOwnRecord, PermissionDenied
from assist_desktop.services.passwords import hash_password
from assist_desktop.services.setup import create_database
from assist_desktop.services.units import UnitError, add_grassroots_unit, list_grassroots_units, rename_unit
from assist_desktop.services.users import (
    AuthenticationFailed,
    LastAdmin,
    UserError,
    authenticate,
    create_user,
    deactivate,
    list_users,
    reactivate,
    reset_password,
    set_roles,
    unlock,
)
from assist_desktop.storage import models as m
from assist_desktop.storage.schema import open_database

CITY_PW = "city-pass-123"
COUNTY_PW = "county-pass-1"
NEW_PW = "brand-new-pass"
T0 = datetime(2026, 3, 2, 6, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def city_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """榆林市总工会 (admin "admin", clerk "shi_jingban"), holding 绥德县总工会 and its users as synced up."""
    path = tmp_path_factory.mktemp("city") / "city.sqlite"
    create_database(path, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                    admin_password=CITY_PW, level="city", encrypt=False)
    with open_database(path) as db:
        with db.session() as s:
            admin = s.exec(select(m.User).where(m.User.username == "admin")).one()
            city_id = admin.owner_unit_id
            create_user(s, admin, username="shi_jingban", display_name="王磊", password=CITY_PW, roles=[Role.clerk])
        with db.transaction() as s:
            county = m.OrgUnit(owner_unit_id="", code="610826", name="绥德县总工会", level="county",
                               parent_id=city_id, usn=0)
            county.owner_unit_id = county.id  # a unit owns its own row
            s.add(county)
            s.flush()
            s.add(m.OrgUnit(owner_unit_id=county.id, code="610826G001", name="名州镇总工会", level="grassroots",
                            parent_id=county.id, usn=0))
            # As the importer writes a county's users: qualified name, no password hash, no lock state.
            for name, shown, role in (("610826/admin", "张管理", Role.admin), ("610826/jingban", "李娜", Role.clerk)):
                user = m.User(owner_unit_id=county.id, unit_id=county.id, username=name, display_name=shown,
                              password_hash="!", usn=0)
                s.add(user)
                s.flush()
                s.add(m.UserRole(user_id=user.id, role=role.value))
            # A row from an older package that still carried a real hash must not open the door either.
            leaked = m.User(owner_unit_id=county.id, unit_id=county.id, username="610826/shenhe",
                            display_name="赵审核", password_hash=hash_password(COUNTY_PW), usn=0)
            s.add(leaked)
            s.flush()
            s.add(m.UserRole(user_id=leaked.id, role=Role.reviewer.value))
    return path


@pytest.fixture
def city(city_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "city.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{city_template}{suffix}").exists():
            shutil.copyfile(f"{city_template}{suffix}", f"{path}{suffix}")
    return path


@pytest.fixture
def db(city: Path):
    with open_database(city) as database:
        yield database


def _user(session: Session, username: str) -> m.User:
    return session.exec(select(m.User).where(m.User.username == username)).one()


def _sql(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def _tables(path: Path) -> dict[str, list[tuple]]:
    return {t: _sql(path, f'SELECT * FROM "{t}" ORDER BY 1') for t in ("user", "user_role", "org_unit")}


def _last_event(path: Path) -> tuple[str, str | None, dict]:
    action, entity, changes = _sql(path, "SELECT action, entity_id, changes FROM audit_event ORDER BY seq DESC LIMIT 1")[0]
    return action, entity, json.loads(changes)


# --- users -------------------------------------------------------------------------------------------


def test_the_user_list_holds_only_this_units_users_unless_asked(db) -> None:
    with db.session() as s:
        local = list_users(s, now=T0)
        everyone = list_users(s, now=T0, local_only=False)
    assert [v.username for v in local] == ["admin", "shi_jingban"]
    assert {v.unit_name for v in local} == {"榆林市总工会"}
    assert [v.username for v in everyone] == ["610826/admin", "610826/jingban", "610826/shenhe", "admin",
                                              "shi_jingban"]
    county = [v for v in everyone if v.username.startswith("610826/")]
    assert {v.unit_name for v in county} == {"绥德县总工会"}
    assert county[0].roles == {Role.admin} and county[0].owner_unit_id != local[0].owner_unit_id


@pytest.mark.parametrize(
    ("action", "call"),
    [
        ("set_roles", lambda s, admin, other: set_roles(s, admin, other.id, [Role.clerk, Role.reviewer])),
        ("deactivate", lambda s, admin, other: deactivate(s, admin, other.id, "已调离")),
        ("reactivate", lambda s, admin, other: reactivate(s, admin, other.id)),
        ("reset_password", lambda s, admin, other: reset_password(s, admin, other.id, NEW_PW)),
        ("unlock", lambda s, admin, other: unlock(s, admin, other.id)),
    ],
)
def test_a_county_user_held_at_the_city_cannot_be_managed_here(db, city: Path, action: str, call) -> None:
    before = _tables(city)
    with db.session() as s:
        admin, other = _user(s, "admin"), _user(s, "610826/jingban")
        other_id = other.id
        with pytest.raises(NotOwnRecord) as info:
            call(s, admin, other)
    assert info.value.message == ("用户“610826/jingban”（李娜）属于绥德县总工会，在本单位只能查看，不能修改"
                                  "（须由该单位修改后报送）。")
    assert _tables(city) == before  # nothing changed, not the roles, not the row's version or usn
    refused, entity, changes = _last_event(city)
    assert (refused, entity) == (f"refused:{action}", other_id) and "绥德县总工会" in changes["reason"]


def test_a_county_user_never_logs_in_at_the_city(db, city: Path) -> None:
    before = _tables(city)
    with db.session() as s:
        for name, password in (("610826/jingban", "!"), ("610826/jingban", ""), ("610826/shenhe", COUNTY_PW),
                               ("610826/SHENHE", COUNTY_PW)):
            with pytest.raises(AuthenticationFailed) as info:
                authenticate(s, name, password, now=T0)
            # the answer of an unknown name: no attempts counted, nothing that tells the name exists
            assert type(info.value) is AuthenticationFailed
            assert info.value.message == "用户名或密码错误。" and info.value.remaining is None
        assert authenticate(s, "admin", CITY_PW, now=T0).username == "admin"  # the city's own still can
    after = _tables(city)
    county_rows = lambda t: [r for r in t["user"] if "610826/" in str(r)]  # noqa: E731
    assert county_rows(after) == county_rows(before)  # failed_logins untouched on the county's rows
    refused = [c for (c,) in _sql(city, "SELECT changes FROM audit_event WHERE action = 'login_failed'")]
    assert sum("非本单位用户" in c for c in refused) == 4


def test_a_county_admin_does_not_count_as_the_citys_administrator(db, city: Path) -> None:
    """610826/admin is active and holds 管理员, but cannot log in here: the city would be left without one."""
    before = _tables(city)
    with db.session() as s:
        admin = _user(s, "admin")
        with pytest.raises(LastAdmin, match="您是唯一启用的管理员，不能取消“管理员”角色"):
            set_roles(s, admin, admin.id, [Role.approver])
    assert _tables(city) == before


def test_the_city_manages_its_own_users_as_before(db, city: Path) -> None:
    with db.session() as s:
        admin = _user(s, "admin")
        clerk = _user(s, "shi_jingban")
        set_roles(s, admin, clerk.id, [Role.clerk, Role.reviewer])
        deactivate(s, admin, clerk.id, "调离")
        reactivate(s, admin, clerk.id)
        reset_password(s, admin, clerk.id, NEW_PW)
        assert authenticate(s, "shi_jingban", NEW_PW, now=T0).must_change_password


def test_a_new_user_belongs_to_this_unit_or_one_of_its_own_unions(db, city: Path) -> None:
    with db.session() as s:
        admin = _user(s, "admin")
        county_union = s.exec(select(m.OrgUnit.id).where(m.OrgUnit.code == "610826G001")).one()
        before = _tables(city)
        with pytest.raises(UserError) as info:
            create_user(s, admin, username="wang", display_name="王五", password=NEW_PW, roles=[Role.clerk],
                        unit_id=county_union)
        assert info.value.field == "所属单位" and "名州镇总工会" in info.value.message
        assert _tables(city) == before
        own = add_grassroots_unit(s, admin, "榆阳区总工会")
        user = create_user(s, admin, username="wang", display_name="王五", password=NEW_PW, roles=[Role.clerk],
                           unit_id=own.id)
    assert _sql(city, "SELECT unit_id FROM user WHERE id = ?", user.id) == [(own.id,)]


# --- grassroots unions ---------------------------------------------------------------------------------


def test_admin_adds_grassroots_unions_with_the_next_code(db, city: Path) -> None:
    with db.session() as s:
        admin = _user(s, "admin")
        first = add_grassroots_unit(s, admin, "  榆阳区总工会 ")
        second = add_grassroots_unit(s, admin, "横山区总工会")
        choices = list_grassroots_units(s)
    assert (first.code, first.name, second.code) == ("610800G001", "榆阳区总工会", "610800G002")
    assert [c.name for c in choices] == ["榆林市总工会", "榆阳区总工会", "横山区总工会"]  # not the county's
    rows = _sql(city, "SELECT name, level, parent_id = owner_unit_id, usn FROM org_unit WHERE code LIKE '610800G%'")
    assert rows == [("榆阳区总工会", "grassroots", 1, -1), ("横山区总工会", "grassroots", 1, -1)]
    assert _last_event(city)[0] == "create"


@pytest.mark.parametrize(("name", "words"), [("", "名称不能为空"), ("榆林市总工会", "已有名为“榆林市总工会”"),
                                             ("榆阳区总工会", "已有名为"), ("工" * 101, "最多100字")])
def test_a_bad_union_name_is_refused_at_the_field(db, city: Path, name: str, words: str) -> None:
    with db.session() as s:
        admin = _user(s, "admin")
        add_grassroots_unit(s, admin, "榆阳区总工会")
        before = _tables(city)
        with pytest.raises(UnitError) as info:
            add_grassroots_unit(s, admin, name)
    assert info.value.field == "名称" and words in info.value.message
    assert _tables(city) == before


def test_admin_renames_a_union_of_this_unit_only(db, city: Path) -> None:
    with db.session() as s:
        admin = _user(s, "admin")
        unit = add_grassroots_unit(s, admin, "榆阳区总工会")
        version = s.get(m.OrgUnit, unit.id).version
        renamed = rename_unit(s, admin, unit.id, "榆阳区总工会（新）")
        assert renamed.name == "榆阳区总工会（新）" and renamed.code == unit.code
        county_union = s.exec(select(m.OrgUnit.id).where(m.OrgUnit.code == "610826G001")).one()
        before = _tables(city)
        with pytest.raises(NotOwnRecord, match="“名州镇总工会”属于绥德县总工会"):
            rename_unit(s, admin, county_union, "改个名")
        local_id = admin.owner_unit_id
        with pytest.raises(UnitError, match="不是本单位的基层工会"):
            rename_unit(s, admin, local_id, "榆林市总工会（新）")
        assert _tables(city) == before
    assert _sql(city, "SELECT name, version, usn FROM org_unit WHERE id = ?", unit.id) == \
        [("榆阳区总工会（新）", version + 1, -1)]
    renames = [json.loads(c) for (c,) in _sql(city, "SELECT changes FROM audit_event WHERE action = 'rename'")]
    assert renames == [{"name": ["榆阳区总工会", "榆阳区总工会（新）"]}]


def test_only_an_admin_adds_or_renames_unions(db, city: Path) -> None:
    with db.session() as s:
        admin, clerk = _user(s, "admin"), _user(s, "shi_jingban")
        unit = add_grassroots_unit(s, admin, "榆阳区总工会")
        before = _tables(city)
        for call in (lambda: add_grassroots_unit(s, clerk, "横山区总工会"),
                     lambda: rename_unit(s, clerk, unit.id, "横山区总工会")):
            with pytest.raises(PermissionDenied, match="只有“管理员”角色才能"):
                call()
    assert _tables(city) == before
