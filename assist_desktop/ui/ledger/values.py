"""The import wizard's 值对应 tab: the words of a ledger the program cannot read (特困户, 五保户, 名州), each listed
once with how many rows use it, and the union names it read by a close match (名州镇 → 名州镇总工会) to confirm.
The caseworker chooses what each word means; the choice holds for the whole workbook, is checked again at once
and is saved with the column mapping."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain import enums
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.policy import SPRING_FESTIVAL_GROUPS
from assist_desktop.services.ledger.model import ImportPlan, UnknownValue
from assist_desktop.services.ledger.words import ENUM_TYPES


def choices(field: str, units: list[Any]) -> list[tuple[str, str]]:
    """(code, label) a word of ``field`` may be mapped to."""
    if field == "category":
        return [(c.value, c.label) for c in HardshipCategory]
    if field in ("primary_cause", "secondary_causes"):
        return [(str(int(c)), f"{int(c)} {c.label}") for c in HardshipCause]
    if field == "relation":
        return [("self", "本人（职工）"), *enums.Relation.choices()]
    if field == "group":
        return list(SPRING_FESTIVAL_GROUPS.items())
    if field == "union":
        return [(u.name, u.name) for u in units if getattr(u, "level", "grassroots") == "grassroots"]
    if field in ENUM_TYPES:
        return list(ENUM_TYPES[field].choices())
    return []


class ValuesTab(QWidget):
    recheck = Signal(dict)  # {field: {word: code}}

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.intro = QLabel(self.tr("Words the program cannot read, each once with the rows that use it, and the "
                                    "unions it matched by name. Choose what each means: the choice holds for the "
                                    "whole workbook and is saved with the column mapping."))
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("values")
        self.table.setHorizontalHeaderLabels([self.tr("Column"), self.tr("Written in the ledger"), self.tr("Rows"),
                                              self.tr("Read as"), self.tr("Where")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.recheck_button = QPushButton(self.tr("Check again with these words"))
        self.recheck_button.setObjectName("recheck_values")
        self.recheck_button.clicked.connect(self._recheck)
        row.addWidget(self.recheck_button)
        layout.addLayout(row)
        self.rows: list[UnknownValue] = []
        self.combos: list[QComboBox] = []

    def show_plan(self, plan: ImportPlan, units: list[Any], mapped: dict[str, dict[str, str]]) -> None:
        self.rows = [*plan.unknown, *plan.matches]
        self.table.setRowCount(len(self.rows))
        self.combos = []
        for r, found in enumerate(self.rows):
            where = "、".join(f"{sheet + '：' if sheet else ''}{n}" for sheet, n in found.rows[:6])
            where += "…" if len(found.rows) > 6 else ""
            for c, text in enumerate((found.column or found.label, found.word, str(len(found.rows)), None, where)):
                if text is not None:
                    self.table.setItem(r, c, QTableWidgetItem(text))
            combo = QComboBox()
            combo.setObjectName(f"value_{r}")
            combo.addItem(self.tr("(cannot tell: leave the rows out)") if found.suggestion is None
                          else self.tr("As matched: {0}").format(found.suggestion), None)
            for code, label in choices(found.field, units):
                combo.addItem(label, code)
            chosen = mapped.get(found.field, {}).get(found.word)
            if chosen is not None:
                combo.setCurrentIndex(max(0, combo.findData(chosen)))
            self.table.setCellWidget(r, 3, combo)
            self.combos.append(combo)
        self.recheck_button.setEnabled(bool(self.rows))

    def mapped(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for found, combo in zip(self.rows, self.combos):
            if combo.currentData() is not None:
                out.setdefault(found.field, {})[found.word] = combo.currentData()
        return out

    def choose(self, row: int, code: str | None) -> None:
        """Choose what the word of ``row`` means, as the box does."""
        self.combos[row].setCurrentIndex(max(0, self.combos[row].findData(code)))

    def _recheck(self) -> None:
        self.recheck.emit(self.mapped())
