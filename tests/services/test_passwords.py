"""Passwords: OWASP's scrypt parameters, earlier hashes upgraded at the next login, the floor kept when
reading, a minimum strength, and password files that Notepad may have saved with a BOM or as UTF-16."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.passwords import (
    WeakPassword,
    check_password_strength,
    hash_password,
    needs_upgrade,
    read_password_file,
    verify_password,
)
from assist_desktop.services.setup import create_database
from assist_desktop.services.users import authenticate
from assist_desktop.storage.schema import open_database

PASSWORD = "Suide-2026-admin"


def _old_hash(password: str, n: int = 2**14, r: int = 8, p: int = 1) -> str:
    """What versions before this one stored (N = 2**14), or any parameters someone could write."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**30)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def test_new_hashes_use_owasp_parameters() -> None:
    stored = hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert verify_password(PASSWORD, stored) and not verify_password(PASSWORD + "x", stored)
    assert not needs_upgrade(stored)


def test_stored_parameters_below_the_floor_never_verify() -> None:
    for n, r, p in ((2**10, 8, 1), (2**15, 8, 1), (2**16, 8, 1), (2**14, 1, 1), (2**17, 8, 2)):
        assert not verify_password(PASSWORD, _old_hash(PASSWORD, n, r, p)), (n, r, p)
    assert not verify_password(PASSWORD, "scrypt$1048577$8$1$00$00")  # not a power of two, short salt
    assert not verify_password(PASSWORD, "scrypt$2147483648$8$1$" + "00" * 16 + "$" + "00" * 32)  # memory bomb
    assert not verify_password(PASSWORD, "plain$" + PASSWORD)
    legacy = _old_hash(PASSWORD)  # an earlier version's own hash: verified once, to be upgraded
    assert verify_password(PASSWORD, legacy) and needs_upgrade(legacy)


def test_an_earlier_hash_is_upgraded_at_the_next_successful_login(tmp_path: Path) -> None:
    path = tmp_path / "assist.sqlite"
    create_database(path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                    admin_password=PASSWORD, encrypt=False)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE user SET password_hash = ? WHERE username = 'admin'", (_old_hash(PASSWORD),))
        conn.commit()
    with open_database(path) as db, db.session() as s:
        with pytest.raises(DomainError):
            authenticate(s, "admin", "not-the-password")
    with closing(sqlite3.connect(path)) as conn:  # a failed login changes nothing of the hash
        assert conn.execute("SELECT password_hash FROM user").fetchone()[0].startswith("scrypt$16384$")
    with open_database(path) as db, db.session() as s:
        authenticate(s, "admin", PASSWORD)
    with closing(sqlite3.connect(path)) as conn:
        stored = conn.execute("SELECT password_hash FROM user").fetchone()[0]
        changes = json.loads(conn.execute("SELECT changes FROM audit_event WHERE action = 'login' "
                                          "ORDER BY seq DESC").fetchone()[0])
    assert stored.startswith("scrypt$131072$8$1$") and verify_password(PASSWORD, stored)
    assert changes["password"] == "已升级到当前加密强度" and PASSWORD not in json.dumps(changes)


@pytest.mark.parametrize("weak", ["12345678", "password", "PASSWORD", "11111111", "aaaaaaaaaa", "88888888",
                                  "abcdefgh", "87654321", "qwertyuiop", "woaini1314", "1qaz2wsx", "abababab",
                                  "admin123", "1234567890"])
def test_a_password_a_guesser_tries_first_is_refused(weak: str) -> None:
    with pytest.raises(WeakPassword) as info:
        check_password_strength(weak)
    assert info.value.field == "密码"


def test_short_padded_control_and_username_passwords_are_refused() -> None:
    for bad, why in (("Ab3$x", "至少需要 8 个字符"), (" Suide-2026 ", "首尾不能有空格"),
                     ("Suide\x1b2026", "控制字符"), ("Suide\t2026", "控制字符")):
        with pytest.raises(WeakPassword, match=why):
            check_password_strength(bad)
    with pytest.raises(WeakPassword, match="与用户名相同"):
        check_password_strength("zhangwei1980", "ZhangWei1980")
    for good in ("demo12345", "s3cret-pass", "绥德县总工会2026", "Zhang-Wei-2026"):
        check_password_strength(good)


def test_password_files_with_a_bom_or_nul_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "pw.txt"
    f.write_bytes(b"\xef\xbb\xbf" + PASSWORD.encode() + b"\r\n")  # Notepad's "UTF-8 with BOM"
    with pytest.raises(DomainError, match="BOM") as info:
        read_password_file(f)
    assert info.value.field == "--password-file"
    f.write_bytes(PASSWORD.encode("utf-16"))  # Notepad's "Unicode"
    with pytest.raises(DomainError, match="BOM"):
        read_password_file(f)
    f.write_bytes(PASSWORD.encode("utf-16-le"))  # the same without its mark: NUL bytes
    with pytest.raises(DomainError, match="NUL"):
        read_password_file(f)
    f.write_bytes(PASSWORD.encode() + b"\x00")
    with pytest.raises(DomainError, match="NUL"):
        read_password_file(f)
    f.write_bytes("绥德县总工会2026".encode("gbk"))
    with pytest.raises(DomainError, match="不是UTF-8"):
        read_password_file(f)
    f.write_bytes(b"\n" + PASSWORD.encode())
    with pytest.raises(DomainError, match="第一行是空的"):
        read_password_file(f)
    f.write_bytes(PASSWORD.encode() + b"\r\nsecond line\n")
    assert read_password_file(f) == PASSWORD
    with pytest.raises(DomainError, match="无法从"):
        read_password_file(tmp_path / "missing.txt")
