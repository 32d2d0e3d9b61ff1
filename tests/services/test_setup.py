"""Creating a unit's database: the unit, its administrator, refusals that write nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.dbtools import connect
import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.passwords import hash_password, verify_password
from assist_desktop.services.setup import create_database, initialise, local_unit
from assist_desktop.storage.schema import open_database


def _count(path: Path, table: str) -> int:
    with closing(connect(path)) as conn:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def test_init_creates_unit_and_admin(tmp_path: Path) -> None:
    path = tmp_path / "county.sqlite"
    result = create_database(path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                             admin_password="s3cret-pass", encrypt=False)
    assert result.warnings == ()
    with closing(connect(path)) as conn:  # a second reader sees the committed rows
        unit = conn.execute("SELECT code, name, level, region_code, owner_unit_id, id FROM org_unit").fetchall()
        assert unit == [("610826", "绥德县总工会", "county", "610826", result.unit_id, result.unit_id)]
        user = conn.execute("SELECT username, password_hash FROM user").fetchone()
        roles = conn.execute("SELECT role FROM user_role").fetchall()
    assert user[0] == "admin"
    assert "s3cret-pass" not in user[1]
    assert verify_password("s3cret-pass", user[1]) and not verify_password("s3cret-pasS", user[1])
    assert roles == [("admin",)]
    with open_database(path) as db, db.session() as session:
        assert local_unit(session).name == "绥德县总工会"
        assert verify_audit(session).ok and verify_audit(session).events == 1


def test_second_init_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "county.sqlite"
    create_database(path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                    admin_password="s3cret-pass", encrypt=False)
    with pytest.raises(DomainError, match="已经初始化"):
        create_database(path, unit_code="610827", unit_name="米脂县总工会", admin_username="root",
                        admin_password="another-pass", encrypt=False)
    assert _count(path, "org_unit") == 1 and _count(path, "user") == 1 and _count(path, "audit_event") == 1


@pytest.mark.parametrize(
    ("code", "name", "user", "password", "field"),
    [
        ("61082", "绥德县总工会", "admin", "s3cret-pass", "单位代码"),
        ("61O826", "绥德县总工会", "admin", "s3cret-pass", "单位代码"),
        ("610826", "   ", "admin", "s3cret-pass", "单位名称"),
        ("610826", "绥德县总工会", "a", "s3cret-pass", "管理员用户名"),
        ("610826", "绥德县总工会", "admin", "short", "密码"),
    ],
)
def test_bad_setup_input_is_refused_with_field_and_writes_nothing(tmp_path: Path, code: str, name: str, user: str,
                                                                  password: str, field: str) -> None:
    path = tmp_path / "county.sqlite"
    with open_database(path) as db:
        with pytest.raises(DomainError) as info:
            initialise(db, unit_code=code, unit_name=name, admin_username=user, admin_password=password)
    assert info.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)
    assert _count(path, "org_unit") == 0 and _count(path, "user") == 0 and _count(path, "audit_event") == 0


def test_unknown_region_code_is_a_warning_not_an_error(tmp_path: Path) -> None:
    result = create_database(tmp_path / "x.sqlite", unit_code="619999", unit_name="某新区总工会",
                             admin_username="admin", admin_password="s3cret-pass", encrypt=False)
    assert result.warnings and "619999" in result.warnings[0]


def test_password_hashes_are_salted() -> None:
    a, b = hash_password("same-password"), hash_password("same-password")
    assert a != b and verify_password("same-password", a) and verify_password("same-password", b)
    assert not verify_password("same-password", "garbage") and not verify_password("x", "md5$1$2$3$00$00")
