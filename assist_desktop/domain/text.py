"""Clean-up shared by the parsers of typed or pasted identifiers."""

from __future__ import annotations

import unicodedata


def compact(text: str) -> str:
    """NFKC (full-width → ASCII) and drop every space, line break and invisible format character.

    Numbers are pasted from Word, Excel and web pages, which bring ideographic spaces,
    non-breaking spaces and zero-width characters along.
    """
    if text.isascii():
        return "".join(text.split()) if not text.isalnum() else text  # ASCII has no format characters
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
