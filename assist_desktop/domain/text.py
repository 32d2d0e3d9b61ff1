"""Clean-up shared by the parsers of typed or pasted identifiers, and the characters no text may hold."""

from __future__ import annotations

import re
import unicodedata

from assist_desktop.domain.errors import DomainError

# Control characters (C0 but tab, line feed and carriage return; DEL; C1) and the bidirectional overrides
# that make text display in another order than it is stored: pasted from a terminal, a web page or another
# program, they are invisible on screen, break the .xlsx files a list is exported to, and can disguise a
# name. No text field accepts them.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMES = {0x00: "NUL 空字符", 0x07: "BEL 响铃", 0x08: "退格", 0x1B: "ESC", 0x7F: "DEL 删除"}


def control_character(text: str) -> str | None:
    """How the first forbidden character of ``text`` is named to a caseworker, or None."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    code = ord(found.group())
    name = _NAMES.get(code) or ("方向控制符" if code >= 0x202A else "控制字符")
    return f"{name}，U+{code:04X}"


def check_plain_text(text: str | None, label: str) -> None:
    """Refuse ``text`` holding a control character, naming the field (``DomainError.field``)."""
    if text and (what := control_character(text)):
        raise DomainError(f"{label}中有不可见的控制字符（{what}），可能是从其他软件复制带来的，请删除后重新输入",
                          field=label)


def compact(text: str) -> str:
    """NFKC (full-width → ASCII) and drop every space, line break and invisible format character.

    Numbers are pasted from Word, Excel and web pages, which bring ideographic spaces,
    non-breaking spaces and zero-width characters along.
    """
    if text.isascii():
        return "".join(text.split()) if not text.isalnum() else text  # ASCII has no format characters
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
