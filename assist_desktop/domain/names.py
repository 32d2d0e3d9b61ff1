"""Person names: clean-up, pinyin initials for quick search (张伟 → zw), and the pinyin sort key every list
and export orders names by (李安 before 连, 单 as Shàn)."""

from __future__ import annotations

import re
import unicodedata

from functools import lru_cache

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.text import control_character

MAX_NAME_LENGTH = 30

# Surnames read differently from the common reading of the character; pypinyin,
# which picks the common one, gets them wrong (单 dān, 曾 céng, 仇 chóu, …).
# Applied only to the first character: 单 inside a given name keeps dān.
SURNAME_INITIALS = {
    "单": "s",  # Shàn
    "曾": "z",  # Zēng
    "仇": "q",  # Qiú
    "解": "x",  # Xiè
    "区": "o",  # Ōu
    "查": "z",  # Zhā
    "朴": "p",  # Piáo
    "盖": "g",  # Gě
    "尉": "y",  # Yù (尉迟 Yùchí)
}


# The same surnames' full readings (with the tone as a digit), for sorting: 单丽 sorts under S, not D.
SURNAME_READINGS = {
    "单": "shan4", "曾": "zeng1", "仇": "qiu2", "解": "xie4", "区": "ou1", "查": "zha1", "朴": "piao2", "盖": "ge3",
    "尉": "yu4",
}


class InvalidName(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="姓名")


@lru_cache(maxsize=None)
def _initial(char: str) -> str:
    """Initial of one character; '' for characters without a Latin reading. Cached: names repeat characters."""
    if "a" <= char <= "z":
        return char
    if "A" <= char <= "Z":
        return char.lower()
    # Imported on first use: pypinyin loads its phrase dictionary (~0.2 s), which a start-up that only
    # searches stored initials never needs.
    from pypinyin import Style, lazy_pinyin

    reading = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
    letter = reading[0][:1].lower() if reading else ""
    return letter if "a" <= letter <= "z" else ""


def pinyin_initials(name: str) -> str:
    """Lowercase initials: 单丽 → 'sl', 张伟 → 'zw'; Latin letters kept, other characters dropped."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return ""
    head = SURNAME_INITIALS.get(text[0]) or _initial(text[0])
    return head + "".join(_initial(c) for c in text[1:])


def normalise_name(text: str) -> str:
    """NFKC, trimmed, inner whitespace collapsed to one space; refuse empty, digits, over 30 characters."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()
    if not name:
        raise InvalidName("姓名不能为空")
    if what := control_character(name):
        raise InvalidName(f"姓名中有不可见的控制字符（{what}），可能是从其他软件复制带来的，请删除后重新输入")
    if any(unicodedata.category(c) == "Nd" for c in name):
        raise InvalidName(f"姓名“{name}”中不能有数字")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"姓名过长：{len(name)}个字，最多{MAX_NAME_LENGTH}个字")
    return name


@lru_cache(maxsize=None)
def _reading(char: str) -> str:
    """One character's part of the sort key: its pinyin with the tone as a digit (zhang1, lv3 for 吕); a
    Latin letter or a digit as itself; a character without a reading (a rare one) after every reading,
    by its code point, so the order stays total; separators (·, spaces) nothing."""
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    from pypinyin import Style, lazy_pinyin

    reading = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    if reading and reading[0].isascii() and reading[0][:1].isalpha():
        return reading[0]
    if unicodedata.category(char)[0] in "LN":  # a letter of some script, a CJK character without a reading
        return f"zzz{ord(char):06x}"  # after every syllable (the last is zuo), in letters and digits only
    return ""


@lru_cache(maxsize=1 << 15)  # a county's visits, vouchers and applications name its files' people again (P5)
def pinyin_sort_key(name: str | None) -> str:
    """The key names sort by, in every list and export: the pinyin of each character, the tone as a digit
    ending each syllable (so 李安 li3an1 comes before 连 lian2, as in a dictionary), the surname read as
    a surname (单 shan4), then "0" and the name itself to order names that read alike (张伟, 章伟).
    Before the name the key holds only lowercase letters and digits, so it sorts the same in SQLite, in
    Python and under any database collation (none ignores or reorders them). Stored, and indexed, beside
    the names of the big lists; small lists sort in Python with it."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return ""
    head = SURNAME_READINGS.get(text[0]) or _reading(text[0])
    if text[:2] == "尉迟":
        head = "yu4"
    elif text[0] == "尉":
        head = "wei4"  # 尉 alone is Wèi; Yù only in 尉迟
    return head + "".join(_reading(c) for c in text[1:]) + "0" + text


# The printed lists sort by the same key as every other list.
pinyin_key = pinyin_sort_key
