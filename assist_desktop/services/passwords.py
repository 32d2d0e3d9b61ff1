"""Password hashing with scrypt (memory-hard), a per-user salt, and constant-time checks; the strength a
password must have; reading one from a file.

scrypt's parameters are OWASP's minimum, N = 2**17, r = 8, p = 1 (128 MiB, about 0.3 s on an office PC).
Hashes made by earlier versions at N = 2**14 still verify, once: the next successful login replaces them
(``needs_upgrade``). A stored hash whose parameters are anything else — below the floor, absurdly above
it, or malformed — never verifies, so nobody with write access to the file can plant a cheap one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from assist_desktop.domain.errors import DomainError
from assist_desktop.storage.keyslots import SCRYPT_MAXMEM, SCRYPT_N, SCRYPT_N_FLOOR, SCRYPT_N_MAX, SCRYPT_P, SCRYPT_R

MIN_PASSWORD_LENGTH = 8
_N, _R, _P = SCRYPT_N, SCRYPT_R, SCRYPT_P
LEGACY_N = 2**14  # what versions before the secrecy work wrote; verified only to be upgraded

# The passwords tried first by anyone guessing (the top of the leaked Chinese and English lists, eight
# characters or more); compared after lower-casing.
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "0123456789", "87654321", "987654321", "11223344", "12341234",
    "123123123", "147258369", "123456abc", "123456aa", "a123456789", "a12345678", "abc123456", "abcd1234",
    "aa123456", "qq123456", "woaini1314", "woaini520", "5201314520", "1314520520", "iloveyou", "password",
    "password1", "password123", "passw0rd", "p@ssw0rd", "qwertyui", "qwertyuiop", "qwerty123", "asdfghjkl",
    "zxcvbnm123", "1qaz2wsx", "1q2w3e4r", "1q2w3e4r5t", "admin123", "admin888", "administrator",
    "root1234", "abcdefgh", "abc12345", "a1234567", "welcome1", "demo1234", "changeme", "letmein1",
    "88888888", "66666666", "zhang123", "wang1234",
})


class WeakPassword(DomainError):
    pass


def _is_run(text: str) -> bool:
    """Every character one more (or one less) than the one before: 12345678, abcdefgh, 87654321."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:])}
    return len(steps) == 1 and steps <= {1, -1}


def check_password_strength(password: str, username: str | None = None) -> None:
    """Refuse what a guesser tries first; the message names the field and says why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。", field="密码")
    if password.strip() != password:
        raise WeakPassword("密码首尾不能有空格。", field="密码")
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise WeakPassword("密码中不能有控制字符（如换行、制表符）。", field="密码")
    if len(set(password)) == 1:
        raise WeakPassword("密码不能是同一个字符的重复（如 11111111、aaaaaaaa），请换一个不易猜到的密码。", field="密码")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or _is_run(lowered):
        raise WeakPassword("这个密码太常见（如 12345678、password），最先被猜到，请换一个不易猜到的密码。", field="密码")
    if len(set(password)) <= 2:
        raise WeakPassword("密码只由一两个字符反复组成，太容易猜到，请换一个。", field="密码")
    if username and lowered.strip() in {username.strip().lower(), username.strip().lower() * 2}:
        raise WeakPassword("密码不能与用户名相同。", field="密码")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=SCRYPT_MAXMEM, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _parameters(stored: str) -> tuple[int, int, int, bytes, str] | None:
    """(n, r, p, salt, digest hex) of a hash this program would accept, else None."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        n_, r_, p_, salt = int(n), int(r), int(p), bytes.fromhex(salt_hex)
        bytes.fromhex(digest_hex)
    except (ValueError, AttributeError):
        return None
    allowed_n = n_ == LEGACY_N or (SCRYPT_N_FLOOR <= n_ <= SCRYPT_N_MAX and n_ & (n_ - 1) == 0)
    if scheme != "scrypt" or not allowed_n or (r_, p_) != (_R, _P) or len(salt) < 16 or len(digest_hex) != 64:
        return None
    return n_, r_, p_, salt, digest_hex


def verify_password(password: str, stored: str) -> bool:
    params = _parameters(stored)
    if params is None:
        return False
    n, r, p, salt, digest_hex = params
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)
    return hmac.compare_digest(digest.hex(), digest_hex)


def needs_upgrade(stored: str) -> bool:
    """True for a hash below the program's floor (an earlier version's), to be replaced at the next login."""
    params = _parameters(stored)
    return params is not None and params[0] < SCRYPT_N_FLOOR


def read_password_file(path: Path) -> str:
    """The password on the first line of ``path`` (UTF-8). A byte-order mark or a NUL byte is refused
    rather than taken as part of the password: Notepad's "UTF-8 with BOM" or "Unicode" (UTF-16) would
    otherwise give a password nobody can type."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DomainError(f"无法从 {path} 读取密码：{exc.strerror or exc}", field="--password-file") from exc
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise DomainError(f"密码文件 {path} 以字节顺序标记（BOM）开头，未使用。请用不带BOM的UTF-8保存"
                          "（记事本：另存为 → 编码选“UTF-8”）。", field="--password-file")
    if b"\x00" in data:
        raise DomainError(f"密码文件 {path} 中有空字符（NUL），可能是UTF-16（“Unicode”）编码，未使用。"
                          "请用UTF-8保存。", field="--password-file")
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DomainError(f"密码文件 {path} 不是UTF-8编码，未使用。请用UTF-8保存。", field="--password-file") from exc
    if not lines or not lines[0]:
        raise DomainError(f"密码文件 {path} 的第一行是空的。", field="--password-file")
    return lines[0]
