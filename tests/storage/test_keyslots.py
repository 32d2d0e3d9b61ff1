"""Key slots: one password-derived key per login, lockout before the database can be read, the recovery key."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assist_desktop.storage import keyslots

KEY = bytes(range(32))
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def ring(tmp_path: Path) -> Path:
    db = tmp_path / "assist.sqlite"
    keyslots.create(db, KEY, user_id="0b7c1e52-admin-id", username="Admin", password="Suide-admin-2026")
    keyslots.set_user_slot(db, KEY, user_id="5d2e9a10-clerk-id", username="李娜", password="Lina-jingban-88")
    return db


def test_each_account_opens_the_key_with_its_own_password_and_one_derivation(ring: Path, monkeypatch) -> None:
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(keyslots.hashlib, "scrypt", lambda *a, **k: calls.append(k["n"]) or real(*a, **k))
    assert keyslots.unlock(ring, "admin", "Suide-admin-2026").key == KEY  # user names ignore case
    assert keyslots.unlock(ring, " 李娜 ", "Lina-jingban-88").key == KEY
    assert calls == [2**17, 2**17]  # one scrypt per login, at OWASP's N


def test_the_key_file_names_no_one_and_holds_no_key(ring: Path) -> None:
    text = keyslots.sidecar_path(ring).read_text(encoding="utf-8")
    assert "李娜" not in text and "Admin" not in text
    assert KEY.hex() not in text
    data = json.loads(text)
    assert {s["n"] for s in data["slots"]} == {2**17}


def test_wrong_passwords_lock_the_account_before_the_database_is_read(ring: Path) -> None:
    for left in (4, 3, 2, 1):
        with pytest.raises(keyslots.SlotRefused, match=f"还可尝试 {left} 次") as info:
            keyslots.unlock(ring, "admin", "wrong-password", now=NOW)
        assert info.value.remaining == left
    with pytest.raises(keyslots.SlotLocked, match="连续输错 5 次，账户已锁定"):
        keyslots.unlock(ring, "admin", "wrong-password", now=NOW)
    with pytest.raises(keyslots.SlotLocked, match="账户已锁定"):  # even the right one, without deriving
        keyslots.unlock(ring, "admin", "Suide-admin-2026", now=NOW + timedelta(minutes=5))
    # the clerk is not affected; after fifteen minutes the administrator gets in, and the count restarts
    assert keyslots.unlock(ring, "李娜", "Lina-jingban-88", now=NOW).key == KEY
    unlocked = keyslots.unlock(ring, "admin", "Suide-admin-2026", now=NOW + timedelta(minutes=16))
    reasons = [p["reason"] for p in unlocked.pending]
    assert reasons == ["密码错误"] * 5 + ["账户已锁定"]  # waiting for the audit log
    slot = keyslots.load(ring).find_user("0b7c1e52-admin-id")
    assert slot.failed == 0 and slot.locked_until is None
    keyslots.drop_pending(ring, unlocked.pending)
    assert keyslots.load(ring).pending == []


def test_an_unknown_name_gets_the_same_answer(ring: Path) -> None:
    with pytest.raises(keyslots.SlotRefused) as info:
        keyslots.unlock(ring, "nobody", "Suide-admin-2026")
    assert info.value.message == "用户名或密码错误。" and info.value.remaining is None
    assert keyslots.load(ring).pending[-1]["reason"] == "用户名不存在"


def test_parameters_below_the_floor_or_a_changed_slot_are_refused(ring: Path) -> None:
    path = keyslots.sidecar_path(ring)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["slots"][0]["n"] = 2**10  # made cheap to guess by someone with the file
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(keyslots.KeyringError, match="低于本程序的安全下限"):
        keyslots.unlock(ring, "admin", "Suide-admin-2026")
    data["slots"][0]["n"] = 2**17
    data["slots"][0]["user_id"] = "5d2e9a10-clerk-id"  # a slot moved to another account: its tag no longer checks
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(keyslots.SlotRefused):
        keyslots.unlock(ring, "admin", "Suide-admin-2026", record=False)
    path.write_bytes(b"\xef\xbb\xbf{not json")
    with pytest.raises(keyslots.KeyringError, match="已损坏或被改动"):
        keyslots.unlock(ring, "admin", "Suide-admin-2026")


def test_a_reset_replaces_the_slot_and_a_removed_slot_opens_nothing(ring: Path) -> None:
    keyslots.set_user_slot(ring, KEY, user_id="5d2e9a10-clerk-id", username="李娜", password="New-password-99")
    with pytest.raises(keyslots.SlotRefused):
        keyslots.unlock(ring, "李娜", "Lina-jingban-88")
    assert keyslots.unlock(ring, "李娜", "New-password-99").key == KEY
    assert keyslots.remove_user_slot(ring, "5d2e9a10-clerk-id")
    with pytest.raises(keyslots.SlotRefused, match="用户名或密码错误。"):
        keyslots.unlock(ring, "李娜", "New-password-99")
    assert len(keyslots.load(ring).slots) == 1


def test_the_recovery_key_reads_back_and_catches_typos() -> None:
    text = keyslots.format_recovery_key(KEY)
    groups = text.split("-")
    assert len(groups) == 8 and all(len(g) == 7 for g in groups)
    assert not set(text) & set("ILOU")
    assert keyslots.parse_recovery_key(text) == KEY
    assert keyslots.parse_recovery_key(" ".join(groups).lower().replace("0", "o").replace("1", "l")) == KEY
    typo = text[:10] + ("A" if text[10] != "A" else "B") + text[11:]
    with pytest.raises(keyslots.KeyringError, match="校验不符"):
        keyslots.parse_recovery_key(typo)
    with pytest.raises(keyslots.KeyringError, match="56个字符"):
        keyslots.parse_recovery_key(text[:-2])
