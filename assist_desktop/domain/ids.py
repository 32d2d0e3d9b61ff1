"""Citizen ID numbers (GB 11643-1999): parsing, check character, derived facts, masking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import mul

from assist_desktop.domain import regions
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.text import compact

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH_YEAR = 1900
FIELD = "身份证号"


class InvalidIdNumber(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field=FIELD)


class Sex(StrEnum):
    male = "male"
    female = "female"

    @property
    def label(self) -> str:
        return "男" if self is Sex.male else "女"


def id_check_character(first17: str) -> str:
    """The 18th character for 17 leading digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdNumber("计算校验位需要17位数字")
    return _CHECK_CHARS[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


def _birth_date(value: str) -> date:
    digits = value[6:14]
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidIdNumber(f"身份证号中的出生日期“{digits}”不是有效日期，请核对第7至14位") from None
    return born


def _validate(value: str, today: date | None) -> str:
    """Check an already compacted, uppercased number; return it. ``today`` None skips the future check."""
    if not value:
        raise InvalidIdNumber("身份证号不能为空")
    if len(value) == 15 and value.isdigit():
        raise InvalidIdNumber("15位旧号码已停用，请填写18位号码")
    if len(value) != 18:
        raise InvalidIdNumber(f"身份证号应为18位，实际填写了{len(value)}位")
    for position, char in enumerate(value, start=1):
        if char not in "0123456789" and not (position == 18 and char == "X"):
            rule = "第18位只能是数字或X" if position == 18 else "前17位只能是数字"
            raise InvalidIdNumber(f"身份证号第{position}位“{char}”不是有效字符（{rule}）")
    born = _birth_date(value)
    if born.year < _EARLIEST_BIRTH_YEAR:
        raise InvalidIdNumber(f"身份证号中的出生日期{born.isoformat()}早于1900年，请核对第7至14位")
    if today is not None and born > today:
        raise InvalidIdNumber(f"身份证号中的出生日期{born.isoformat()}晚于今天，请核对第7至14位")
    # The expected character is deliberately not shown: "fixing" a typo by
    # copying it would turn one wrong digit into a valid number of someone else.
    if id_check_character(value[:17]) != value[17]:
        raise InvalidIdNumber("身份证号校验位错误，请逐位核对号码是否抄错")
    return value


@dataclass(frozen=True)
class IdNumber:
    """A valid 18-character ID number; build it with ``parse_id_number``."""

    value: str

    def __post_init__(self) -> None:
        _validate(self.value, None)

    def __str__(self) -> str:
        return self.value

    @property
    def birth_date(self) -> date:
        return _birth_date(self.value)

    @property
    def sex(self) -> Sex:
        # The 17th character (the sequence code's last digit) is odd for men.
        return Sex.male if int(self.value[16]) % 2 else Sex.female

    @property
    def region_code(self) -> str:
        return self.value[:6]

    @property
    def region_known(self) -> bool:
        # Unknown codes are a warning only: retired codes stay on valid cards.
        return regions.is_known_region(self.region_code)

    @property
    def region_name(self) -> str | None:
        return regions.full_region_name(self.region_code)

    def age_on(self, day: date) -> int:
        """Full years on ``day``; someone born on 29 February turns a year older on 1 March."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)


def parse_id_number(text: str, *, today: date | None = None) -> IdNumber:
    """Normalise (full-width, spaces, lowercase x) and validate; errors name the problem in Chinese."""
    if text is None:
        raise InvalidIdNumber("身份证号不能为空")
    value = _validate(compact(str(text)).upper(), today or date.today())
    checked = object.__new__(IdNumber)  # validated just above: not a second time by __post_init__
    object.__setattr__(checked, "value", value)
    return checked


def mask_id_number(value: str) -> str:
    """'610102199001011234' → '6101**********1234'; never shows more than the first and last four."""
    if not value:
        return ""
    value = compact(str(value)).upper()
    if len(value) < 12:
        # Too short to show both ends and still hide a meaningful middle.
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
