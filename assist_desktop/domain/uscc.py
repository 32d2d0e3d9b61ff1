"""Unified social credit codes of employers (GB 32100-2015)."""

from __future__ import annotations

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.text import compact

# 0-9 and A-Z less I, O, Z, S, V (they look like 1, 0, 2, 5, U); a character's value is its index.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FIELD = "统一社会信用代码"


class InvalidUscc(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field=FIELD)


def uscc_check_character(first17: str) -> str:
    """The 18th character for the 17 leading characters."""
    if len(first17) != 17 or any(c not in _VALUES for c in first17):
        raise InvalidUscc("计算校验位需要17位有效字符")
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def parse_uscc(text: str) -> str:
    """Normalise (full-width, spaces, lowercase) and validate by alphabet and check character.

    Positions 1-2 (registration authority, organisation type), 3-8 (region) and
    9-17 (organisation code) are not checked against code lists: letters occur in
    all of them in real codes, and the lists change.
    """
    value = compact(str(text)).upper() if text is not None else ""
    if not value:
        raise InvalidUscc("统一社会信用代码不能为空")
    if len(value) == 15 and value.isdigit():
        raise InvalidUscc("15位数字是旧的工商注册号，请填写18位统一社会信用代码")
    if len(value) != 18:
        raise InvalidUscc(f"统一社会信用代码应为18位，实际填写了{len(value)}位")
    for position, char in enumerate(value, start=1):
        if char not in _VALUES:
            raise InvalidUscc(
                f"统一社会信用代码第{position}位“{char}”不是有效字符（只能是数字和大写字母，不使用I、O、Z、S、V）"
            )
    if uscc_check_character(value[:17]) != value[17]:
        raise InvalidUscc("统一社会信用代码校验位错误，请逐位核对是否抄错")
    return value
