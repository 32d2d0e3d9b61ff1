"""Person names: clean-up and pinyin initials for quick search (张伟 → zw)."""

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
