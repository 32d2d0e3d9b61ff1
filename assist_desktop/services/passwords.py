"""Password hashing with scrypt (memory-hard), a per-user salt, and constant-time checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from assist_desktop.domain.errors import DomainError

MIN_PASSWORD_LENGTH = 8
# n=2**14, r=8 uses 16 MiB per hash: slow for an attacker with a stolen file, quick enough at login.
_N, _R, _P = 2**14, 8, 1


class WeakPassword(DomainError):
    pass


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。", field="密码")
    if password.strip() != password:
        raise WeakPassword("密码首尾不能有空格。", field="密码")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r),
                                p=int(p), dklen=len(digest_hex) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)
