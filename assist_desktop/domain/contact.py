"""Phone numbers, postal codes and bank account numbers as caseworkers type or paste them."""

from __future__ import annotations

import re

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.text import compact


class InvalidContact(DomainError):
    pass


def parse_mobile(text: str, *, field: str = "手机号码") -> str:
    """An 11-digit mainland mobile number; '+86', '86-', spaces and dashes are dropped."""
    value = re.sub(r"[-()（）]", "", compact(text or ""))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not value:
        raise InvalidContact(f"{field}不能为空", field=field)
    if not re.fullmatch(r"1[3-9]\d{9}", value):
        raise InvalidContact(f"{field}“{text.strip()}”不是有效的11位手机号码", field=field)
    return value


def parse_postal_code(text: str, *, field: str = "邮政编码") -> str:
    value = compact(text or "")
    if not re.fullmatch(r"\d{6}", value):
        raise InvalidContact(f"{field}“{text.strip()}”应为6位数字", field=field)
    return value


def parse_bank_account(text: str, *, field: str = "银行卡号") -> str:
    """Bank card or account numbers: 12 to 30 digits (cards are 16–19; passbook accounts run longer)."""
    value = compact(text or "")
    if not re.fullmatch(r"\d{12,30}", value):
        raise InvalidContact(f"{field}“{text.strip()}”应为12至30位数字", field=field)
    return value


def mask_account(value: str | None) -> str:
    """Only the last four digits of an account leave the office (DESIGN.md §3)."""
    if not value:
        return ""
    return "*" * max(0, len(value) - 4) + value[-4:]
