"""A ledger template's mapping, saved once and reused: which column is which field (by the column's name,
so it fits every sheet and next year's file of the same template) and the words the caseworker mapped
(困难类别 “特困户” → 深度困难, 所属工会 “名州” → 名州镇总工会). The wizard saves it; ``ledger import --mapping``
reads it; ``--map 列标题=字段`` adds to it from the terminal."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.ledger.mapping import KINDS, MappingError, field_key, fields_for, normalise_header
from assist_desktop.services.ledger.words import VALUE_FIELDS

FORMAT = "assist-desktop-ledger-mapping"


@dataclass
class MappingProfile:
    kind: str
    columns: dict[str, str] = field(default_factory=dict)  # column name → field key ('' : not imported)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {ledger word: code or union name}

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": 1, "kind": self.kind, "kind_label": KINDS[self.kind],
                           "columns": self.columns, "values": self.values}, ensure_ascii=False, indent=2)

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    def merged(self, other: MappingProfile) -> MappingProfile:
        values = {k: dict(v) for k, v in self.values.items()}
        for k, v in other.values.items():
            values.setdefault(k, {}).update(v)
        return MappingProfile(self.kind, {**self.columns, **other.columns}, values)


def load_profile(path: Path | str, kind: str | None = None) -> MappingProfile:
    path = Path(path)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DomainError(f"找不到列对应文件 {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise DomainError(f"{path.name} 不是本程序保存的列对应文件（无法读取）") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("kind") not in KINDS:
        raise DomainError(f"{path.name} 不是本程序保存的列对应文件")
    if kind is not None and data["kind"] != kind:
        raise DomainError(f"列对应文件 {path.name} 是{KINDS[data['kind']]}台账的，不能用于{KINDS[kind]}台账")
    columns = data.get("columns") or {}
    values = data.get("values") or {}
    if not isinstance(columns, dict) or not isinstance(values, dict) or not all(
            isinstance(v, dict) for v in values.values()):
        raise DomainError(f"列对应文件 {path.name} 的内容不完整，请在导入向导中重新保存")
    keys = {f.key for f in fields_for(data["kind"])}
    for name, key in columns.items():
        if key and key not in keys:
            raise DomainError(f"列对应文件 {path.name} 中“{name}”对应的字段“{key}”不存在")
    for field_name in values:
        if field_name not in VALUE_FIELDS:
            raise DomainError(f"列对应文件 {path.name} 中的“{field_name}”不是可对应取值的字段")
    return MappingProfile(data["kind"], {str(k): str(v or "") for k, v in columns.items()},
                          {f: {str(w): str(c) for w, c in v.items()} for f, v in values.items()})


def parse_map_args(kind: str, items: list[str]) -> dict[str, str]:
    """``['家长/姓名=家长姓名', '身份证号码=id_number', '备注=不导入']`` → {column name: field key or ''}."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise MappingError(f"--map “{item}”应写成“列标题=字段”，如 --map 家长/姓名=家长姓名", field="--map")
        title, _, target = item.partition("=")
        if not normalise_header(title):
            raise MappingError(f"--map “{item}”缺少列标题", field="--map")
        out[title.strip()] = field_key(kind, target) or ""
    return out


def profile_of(plan: Any) -> MappingProfile:
    """The mapping a checked plan used: its sheets' columns by name and the words mapped for it."""
    columns: dict[str, str] = {}
    for sheet in plan.sheets:
        if sheet.read and sheet.header is not None:
            for name, key in sheet.header.titles().items():
                columns.setdefault(name, key)
    return MappingProfile(plan.kind, columns, {k: dict(v) for k, v in (plan.options.value_map or {}).items()})
