"""The words ledgers use (``resources/ledger/words.toml``): categories, causes, relations, education levels,
visit groups and the form's other enumerations as counties spell them, read once.

A word is compared without spaces, NFKC-folded and with traditional characters made simplified; the form's
own labels are understood without being listed. The caseworker's own choices for a sheet (``value_map``,
saved with the column mapping) come first.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache
from typing import Any

from assist_desktop.domain import enums
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.paths import resource_path
from assist_desktop.services.ledger import cells

# the fields whose words the table (and the caseworker's value map) covers, with the name a report uses
VALUE_FIELDS = {
    "category": "困难类别", "primary_cause": "致困原因", "secondary_causes": "次要致困原因", "relation": "与户主关系",
    "education_level": "学历", "group": "慰问类别", "political_status": "政治面貌", "health": "健康状况",
    "work_status": "工作状态", "identity": "身份", "hukou_type": "户口类型", "medical_insurance": "医保状况",
    "marital_status": "婚姻状况", "housing_type": "住房类型", "file_type": "档案类型", "file_origin": "档案来源",
    "union": "所属工会",
}
ENUM_TYPES: dict[str, Any] = {
    "political_status": enums.PoliticalStatus, "health": enums.HealthStatus, "work_status": enums.WorkStatus,
    "identity": enums.MemberIdentity, "hukou_type": enums.HukouType, "medical_insurance": enums.MedicalInsurance,
    "marital_status": enums.MaritalStatus, "housing_type": enums.HousingType, "file_type": enums.FileType,
    "file_origin": enums.FileOrigin, "education_level": enums.EducationLevel,
}
_SPLIT = re.compile(r"[,，、;；/\s+＋和及]+")


def key(text: Any) -> str:
    """How a word is compared: no spaces, NFKC, simplified."""
    return _key(text) if isinstance(text, str) else cells.simplified(cells.compact_text(text))


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return cells.simplified(cells.compact_text(text))


@cache
def table() -> dict[str, dict[str, Any]]:
    with open(resource_path("ledger", "words.toml"), "rb") as f:
        raw = tomllib.load(f)
    out: dict[str, dict[str, Any]] = {}
    for section, words in raw.items():
        if section == "enum":
            for field, pairs in words.items():
                out[f"enum.{field}"] = {key(k): v for k, v in pairs.items()}
        else:
            out[section] = {key(k): v for k, v in words.items()}
    return out


class Unknown(ValueError):
    """A value the table, the form's labels and the caseworker's map all leave unread."""


def _mapped(value_map: dict[str, dict[str, str]] | None, field: str, word: str) -> str | None:
    if not value_map:
        return None
    return value_map.get(field, {}).get(word)


def category(text: Any, value_map: dict[str, dict[str, str]] | None = None) -> str | None:
    word = key(text)
    if not word:
        return None
    found = _mapped(value_map, "category", word)
    if found:
        return found
    if word in {c.value for c in HardshipCategory}:
        return word
    for c in HardshipCategory:
        if word == c.label:
            return c.value
    found = table()["category"].get(word)
    if found is None:
        raise Unknown(word)
    return found


def cause(word: str, value_map: dict[str, dict[str, str]] | None = None, field: str = "primary_cause") -> int:
    """One cause: '6', '6-患重特大疾病', '（6）', a label, a ledger word (因病, 子女就学), or a clear part of a label."""
    word = key(word).strip("()（）")
    mapped = _mapped(value_map, field, word)
    if mapped:
        return int(mapped)
    return _cause(word)


@lru_cache(maxsize=1024)
def _cause(word: str) -> int:
    m = re.match(r"^(\d{1,2})(?:\D|$)", word)
    if m:
        return int(m.group(1))  # the code; an unknown number is the registry's message
    for c in HardshipCause:
        if word in (c.label, c.label.replace("遭受", "")):
            return int(c)
    found = table()["cause"].get(word)
    if found is not None:
        return int(found)
    parts = [c for c in HardshipCause if len(word) >= 2 and word in c.label]
    if len(parts) == 1:
        return int(parts[0])
    raise Unknown(word)


def causes(text: Any, value_map: dict[str, dict[str, str]] | None = None,
           field: str = "primary_cause") -> list[int]:
    """Every cause a cell names, in its order: '患病、子女上学' → [6, 9]; the same cause twice counts once."""
    raw = cells.text(text)
    if not raw:
        return []
    whole = key(raw)
    mapped = _mapped(value_map, field, whole)
    if mapped:
        return [int(c) for c in str(mapped).split(",") if c]
    if not (value_map or {}).get(field):
        return list(_causes(raw, field))
    return _split_causes(raw, value_map, field)


@lru_cache(maxsize=1024)
def _causes(raw: str, field: str) -> tuple[int, ...]:
    return tuple(_split_causes(raw, None, field))


def _split_causes(raw: str, value_map: dict[str, dict[str, str]] | None, field: str) -> list[int]:
    whole = key(raw)
    try:
        return [cause(whole, value_map, field)]
    except Unknown:
        pass
    out: list[int] = []
    for part in (p for p in _SPLIT.split(raw) if p):
        code = cause(part, value_map, field)
        if code not in out:
            out.append(code)
    return out


_RELATION_LABELS = {part: code for code, label in enums.Relation.choices() for part in (label, *label.split("/"))}
SELF = "self"


def relation(text: Any, value_map: dict[str, dict[str, str]] | None = None) -> str | None:
    """'self' for the worker's own row (本人, 户主, blank is decided by the caller), a Relation code, or Unknown."""
    word = key(text)
    if not word:
        return None
    mapped = _mapped(value_map, "relation", word)
    if mapped:
        return mapped
    if word in {c for c, _ in enums.Relation.choices()}:
        return word
    found = table()["relation"].get(word) or _RELATION_LABELS.get(word)
    if found is None:
        raise Unknown(word)
    return found


def education(text: Any, value_map: dict[str, dict[str, str]] | None = None) -> str | None:
    """An EducationLevel code (members) — scholarships fold 中职 into 高中/中职."""
    word = key(text)
    if not word:
        return None
    mapped = _mapped(value_map, "education_level", word)
    if mapped:
        return mapped
    if word in {c for c, _ in enums.EducationLevel.choices()}:
        return word
    for code, label in enums.EducationLevel.choices():
        if word == label:
            return code
    found = table()["education"].get(word)
    if found is None:
        raise Unknown(word)
    return found


def visit_group(text: Any, value_map: dict[str, dict[str, str]] | None = None) -> str | None:
    from assist_desktop.domain.policy import SPRING_FESTIVAL_GROUPS

    word = key(text)
    if not word:
        return None
    mapped = _mapped(value_map, "group", word)
    if mapped:
        return mapped
    if word in SPRING_FESTIVAL_GROUPS:
        return word
    for code, label in SPRING_FESTIVAL_GROUPS.items():
        if word == key(label):
            return code
    found = table()["visit_group"].get(word)
    if found is None:
        raise Unknown(word)
    return found


def enum_code(field: str, text: Any, value_map: dict[str, dict[str, str]] | None = None) -> str | None:
    """A code of the form's enumeration ``field`` (政治面貌, 健康状况 …) from its label or a ledger word."""
    word = key(text)
    if not word:
        return None
    mapped = _mapped(value_map, field, word)
    if mapped:
        return mapped
    enum_type = ENUM_TYPES[field]
    if word in {c for c, _ in enum_type.choices()}:
        return word
    label = table().get(f"enum.{field}", {}).get(word, word)
    for code, name in enum_type.choices():
        if label == name or key(name) == label:
            return code
    raise Unknown(word)
