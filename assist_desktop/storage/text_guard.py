"""The last line against control characters: no row written through a session holds one.

The services refuse them where text is typed (names, the file's fields, the ledger's cells, the sync
import's values) with the field named; this guard catches any text field a service does not check
itself, before the write, naming the column as the form calls it where it is known. Bulk writes (ledger
and sync imports) do not pass here: their rows are checked cell by cell before they are written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import instance_state

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.text import control_character

# What the forms call the free-text columns (the rest are named by their column).
LABELS = {
    "name": "名称", "display_name": "姓名", "recipient_name": "姓名", "student_name": "学生姓名",
    "address": "家庭住址", "employer_name": "工作单位", "unit_name": "单位", "school": "学校", "major": "专业",
    "notes": "备注", "note": "备注", "reason": "原因", "cadres": "走访干部", "goods_description": "慰问品",
    "description": "说明", "title": "标题", "other_reason": "其他致困原因", "unit_or_school": "单位或学校",
    "category_override_reason": "类别调整理由", "bank_name": "开户银行", "branch_name": "支行名称",
    "exit_reason": "撤档原因", "original_name": "文件名",
}


class ControlCharacterRefused(DomainError):
    pass


_TEXT_COLUMNS: dict[Mapper[Any], frozenset[str]] = {}


def _is_text(sql_type: Any) -> bool:
    # SQLModel's str columns are AutoString, a TypeDecorator over String
    return isinstance(sql_type, String) or isinstance(getattr(sql_type, "impl_instance", None), String)


def _text_columns(mapper: Mapper[Any]) -> frozenset[str]:
    """The attributes of a mapped class stored as text (worked out once per class)."""
    keys = _TEXT_COLUMNS.get(mapper)
    if keys is None:
        keys = frozenset(p.key for p in mapper.column_attrs if _is_text(p.columns[0].type))
        _TEXT_COLUMNS[mapper] = keys
    return keys


def _check(obj: Any, names: Any) -> None:
    for name in names:
        value = getattr(obj, name, None)
        if isinstance(value, str) and (what := control_character(value)):
            label = LABELS.get(name, name)
            raise ControlCharacterRefused(f"{label}中有不可见的控制字符（{what}），可能是从其他软件复制带来的，"
                                          "请删除后重新输入，本次没有保存", field=label)


@event.listens_for(Session, "before_flush")
def _refuse_control_characters(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        _check(obj, _text_columns(instance_state(obj).mapper))
    for obj in session.dirty:  # only what was changed since it was loaded
        state = instance_state(obj)
        changed = state.committed_state
        if changed:
            _check(obj, _text_columns(state.mapper).intersection(changed))
