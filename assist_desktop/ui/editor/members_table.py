"""家庭成员: the household members of a file as an editable table.

Each cell is checked as it is typed (red cell, Chinese tooltip and a message under the table); sex, birth
date and age follow from the ID number and are never typed; Enter commits a cell and moves to the next.
ID numbers and health stay hidden for an existing file until the caseworker shows them (logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (QAbstractItemModel, QAbstractTableModel, QEvent, QModelIndex, QObject,
                            QPersistentModelIndex, Qt, QTimer, Signal)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QApplication, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QStyledItemDelegate, QStyleOptionViewItem,
                               QTableView, QVBoxLayout, QWidget)

from assist_desktop.domain import enums
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import EARNING_IDENTITIES, check_monthly_income
from assist_desktop.domain.ids import mask_id_number, parse_id_number
from assist_desktop.domain.money import format_amount, parse_amount
from assist_desktop.domain.names import normalise_name
from assist_desktop.services.registry import MemberInput
from assist_desktop.ui.editor.fields import repolish

ERROR_BACKGROUND = QColor("#fde0e0")
DERIVED_FOREGROUND = QColor("#5f6368")


@dataclass(frozen=True)
class Column:
    key: str
    enum: Any = None
    derived: bool = False
    sensitive: str | None = None  # the SENSITIVE_FIELDS key that hides it


COLUMNS: tuple[Column, ...] = (
    Column("name"),
    Column("relation", enum=enums.Relation),
    Column("id_number", sensitive="id_number"),
    Column("sex", derived=True),
    Column("birth_date", derived=True),
    Column("age", derived=True),
    Column("identity", enum=enums.MemberIdentity),
    Column("health", enum=enums.HealthStatus, sensitive="health"),
    Column("income"),
    Column("unit_or_school"),
    Column("education_level", enum=enums.EducationLevel),
)
KEYS = tuple(c.key for c in COLUMNS)
# Kept as loaded and saved back unchanged: the table does not show them, the form must not lose them.
CARRIED = ("political_status", "medical_insurance", "admission_year", "study_years")
# The Chinese names the registry's messages use for a member's cells.
SERVICE_LABELS = {"家庭成员姓名": "name", "与职工关系": "relation", "家庭成员身份证号": "id_number", "身份": "identity",
                  "健康状况": "health", "当前学历": "education_level", "月收入": "income", "单位或学校": "unit_or_school",
                  "身份证号": "id_number"}


def blank_row() -> dict[str, Any]:
    row: dict[str, Any] = {"id": None, "name": "", "relation": "", "id_number": "", "identity": "", "health": "",
                           "income": "", "unit_or_school": "", "education_level": ""}
    row.update({key: None for key in CARRIED})
    return row


class MembersModel(QAbstractTableModel):
    """The rows of the members table as typed; ``member_inputs`` turns them into the service's input."""

    changed = Signal()

    def __init__(self, today: date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.rows: list[dict[str, Any]] = []
        self.read_only = False
        self.masked: set[str] = set()  # sensitive keys still hidden
        self.worker_id = ""  # the worker's ID number, to catch a member typed with the same number
        self._service_errors: dict[tuple[int, str], str] = {}
        self._headers = [self.tr("Name *"), self.tr("Relation *"), self.tr("ID number"), self.tr("Sex"),
                         self.tr("Birth date"), self.tr("Age"), self.tr("Identity"), self.tr("Health"),
                         self.tr("Monthly income (yuan)"), self.tr("Unit or school"), self.tr("Education")]
        self._hidden_text = self.tr("hidden")

    # --- loading and reading ----------------------------------------------------------------------------

    def load(self, members: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = []
        for member in members:
            row = blank_row()
            for key in row:
                if key == "income":
                    fen = member.get("monthly_income_fen") or 0
                    # a recorded 0 of someone who earns reads 0.00: it was given, it is not missing
                    row["income"] = format_amount(fen) if fen or member.get("identity") in EARNING_IDENTITIES else ""
                elif key in member:
                    row[key] = member[key] if member[key] is not None else ("" if key not in CARRIED else None)
            self.rows.append(row)
        self._service_errors.clear()
        self.endResetModel()

    def state(self) -> tuple:
        """What 'unsaved changes' compares."""
        out = []
        for row in self.rows:
            income: object = row["income"].strip()
            try:
                income = parse_amount(income, field="月收入") if income else 0
            except DomainError:
                pass
            out.append(tuple((k, v.strip() if isinstance(v, str) else v) for k, v in row.items()
                             if k != "income") + (("income", income),))
        return tuple(out)

    def set_ids(self, ids: list[str]) -> None:
        """After a save: the stored ids of the rows, in order (the registry keeps the table's order)."""
        for row, member_id in zip(self.rows, ids):
            row["id"] = member_id

    def set_masked(self, keys: set[str]) -> None:
        self.masked = set(keys)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only

    def is_masked(self, row: int, key: str) -> bool:
        column = COLUMNS[KEYS.index(key)]
        # A new row was typed here: nothing to hide.
        return column.sensitive in self.masked and self.rows[row]["id"] is not None

    # --- checks -------------------------------------------------------------------------------------------

    def check_value(self, row: int, key: str, value: object) -> str | None:
        """The Chinese message for ``value`` in the cell, or None."""
        text = value.strip() if isinstance(value, str) else value
        try:
            if key == "name":
                normalise_name(str(text or ""))
            elif key == "relation" and not text:
                return self.tr("Choose the relation to the worker")
            elif key == "id_number" and text:
                parsed = parse_id_number(str(text), today=self.today)
                if parsed.value == self.worker_id:
                    return self.tr("Same ID number as the worker")
                for other, data in enumerate(self.rows):
                    if other != row and data["id_number"] and data["id_number"].strip().upper() == parsed.value:
                        return self.tr("Same ID number as row {0}").format(other + 1)
            elif key == "income" and text:
                check_monthly_income(parse_amount(str(text), field="月收入"), field="月收入")
            elif key == "income" and self.income_missing(row):
                return self.tr("Fill in the monthly income (0 if none)")
            elif key == "unit_or_school" and text and len(str(text)) > 100:
                return self.tr("At most 100 characters")
        except DomainError as exc:
            return exc.message
        return None

    def cell_error(self, row: int, key: str) -> str | None:
        if (row, key) in self._service_errors:
            return self._service_errors[(row, key)]
        if COLUMNS[KEYS.index(key)].derived:
            return None
        return self.check_value(row, key, self.rows[row].get(key, ""))

    def errors(self) -> list[tuple[int, str, str]]:
        """(row, key, message) of every cell that does not pass."""
        out = []
        for r in range(len(self.rows)):
            for column in COLUMNS:
                message = self.cell_error(r, column.key)
                if message:
                    out.append((r, column.key, message))
        return out

    def set_service_error(self, row: int, key: str, message: str) -> None:
        self._service_errors = {(row, key): message}
        index = self.index(row, KEYS.index(key))
        self.dataChanged.emit(index, index)

    def clear_service_errors(self) -> None:
        cells = list(self._service_errors)
        self._service_errors.clear()
        for row, key in cells:
            if row < len(self.rows):
                index = self.index(row, KEYS.index(key))
                self.dataChanged.emit(index, index)

    def income_missing(self, row: int) -> bool:
        """A blank income of a member who earns (by identity) is missing, not 0."""
        data = self.rows[row]
        return not data["income"].strip() and data["identity"] in EARNING_IDENTITIES

    def missing_incomes(self) -> list[str]:
        """The names (or row numbers) of members whose income is missing."""
        return [row["name"].strip() or self.tr("row {0}").format(r + 1)
                for r, row in enumerate(self.rows) if self.income_missing(r)]

    def incomes_fen(self) -> list[int] | None:
        """Each member's monthly income in fen; None while any income does not parse."""
        out = []
        for row in self.rows:
            text = row["income"].strip()
            try:
                out.append(parse_amount(text, field="月收入") if text else 0)
            except DomainError:
                return None
        return out

    def member_inputs(self) -> list[MemberInput]:
        out = []
        for r, row in enumerate(self.rows):
            income = row["income"].strip()
            out.append(MemberInput(
                name=row["name"].strip(), relation=row["relation"] or "",
                id_number=row["id_number"].strip() or None,
                monthly_income_fen=(parse_amount(income, field="月收入") if income
                                    else None if self.income_missing(r) else 0),
                identity=row["identity"] or None, health=row["health"] or None,
                unit_or_school=row["unit_or_school"].strip() or None,
                education_level=row["education_level"] or None,
                political_status=row["political_status"] or None, medical_insurance=row["medical_insurance"] or None,
                admission_year=row["admission_year"], study_years=row["study_years"], id=row["id"]))
        return out

    def row_of_name(self, name: str) -> int | None:
        for r, row in enumerate(self.rows):
            if row["name"].strip() and row["name"].strip() == name:
                return r
        return None

    # --- the Qt model ---------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def _derived(self, row: dict[str, Any], key: str) -> str:
        try:
            parsed = parse_id_number(row["id_number"], today=self.today)
        except DomainError:
            return ""
        if key == "sex":
            return parsed.sex.label
        if key == "birth_date":
            return parsed.birth_date.isoformat()
        return str(parsed.age_on(self.today))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(COLUMNS):
            return None
        column = COLUMNS[index.column()]
        row = self.rows[index.row()]
        key = column.key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if self.is_masked(index.row(), key):
                if role == Qt.ItemDataRole.EditRole:
                    return None
                value = row[key]
                return mask_id_number(value) if key == "id_number" and value else (self._hidden_text if value else "")
            if column.derived:
                return self._derived(row, key) if role == Qt.ItemDataRole.DisplayRole else None
            value = row[key]
            if role == Qt.ItemDataRole.EditRole:
                return value
            if column.enum is not None:
                try:
                    return column.enum(value).label if value else ""
                except ValueError:
                    return str(value)
            if key == "income" and value.strip():
                try:
                    return format_amount(parse_amount(value, field="月收入"))
                except DomainError:
                    return value
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            message = self.cell_error(index.row(), key)
            if message:
                return message
            if self.is_masked(index.row(), key):
                return self.tr("Hidden personal information: press “Show” to see or change it (the look is logged)")
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(ERROR_BACKGROUND) if self.cell_error(index.row(), key) else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(DERIVED_FOREGROUND) if column.derived or self.is_masked(index.row(), key) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("income", "age"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = COLUMNS[index.column()]
        if self.read_only or column.derived or self.is_masked(index.row(), column.key):
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        key = COLUMNS[index.column()].key
        value = "" if value is None else str(value)
        if key in ("id_number",):
            value = value.strip().upper()
        if self.rows[index.row()][key] == value:
            return True
        self.rows[index.row()][key] = value
        self._service_errors.pop((index.row(), key), None)
        # the derived columns and, for ID numbers, the other rows' duplicate checks follow
        first = self.index(0 if key == "id_number" else index.row(), 0)
        last = self.index(len(self.rows) - 1 if key == "id_number" else index.row(), len(COLUMNS) - 1)
        self.dataChanged.emit(first, last)
        self.changed.emit()
        return True

    def insertRows(self, row: int, count: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or not 0 <= row <= len(self.rows):
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        for _ in range(count):
            self.rows.insert(row, blank_row())
        self._service_errors.clear()
        self.endInsertRows()
        self.changed.emit()
        return True

    def removeRows(self, row: int, count: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self.rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self.rows[row:row + count]
        self._service_errors.clear()
        self.endRemoveRows()
        if self.rows:  # duplicate checks of the rows left may change
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))
        self.changed.emit()
        return True


class MemberDelegate(QStyledItemDelegate):
    """Combo boxes for the enumerated columns, line edits checked while typing; Enter commits and moves on."""

    message = Signal(str)

    def __init__(self, model: MembersModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._blank = self.tr("(not filled)")

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        column = COLUMNS[index.column()]
        if column.enum is not None:
            combo = QComboBox(parent)
            combo.addItem(self._blank, "")
            for code, label in column.enum.choices():
                combo.addItem(label, code)
            combo.setObjectName(f"member_{column.key}_editor")
            return combo
        edit = QLineEdit(parent)
        edit.setObjectName(f"member_{column.key}_editor")
        if column.key == "income":
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row, key = index.row(), column.key
        edit.textChanged.connect(lambda text, e=edit: self._check_typed(e, row, key, text))
        return edit

    def _check_typed(self, editor: QLineEdit, row: int, key: str, text: str) -> None:
        message = self.model.check_value(row, key, text) if text.strip() or key == "name" else None
        editor.setProperty("invalid", bool(message))
        editor.setToolTip(message or "")
        repolish(editor)
        self.message.emit(self.tr("Row {0}: {1}").format(row + 1, message) if message else "")

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            found = editor.findData(value or "")
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "", Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(editor, QWidget):
            if isinstance(editor, QComboBox) and editor.view().isVisible():
                return super().eventFilter(editor, event)
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)


class MembersTab(QWidget):
    """The members table with its buttons, its hint line and its message line."""

    changed = Signal()
    reveal_requested = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MembersModel(today, self)
        self.model.changed.connect(self.changed)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add member"))
        self.add_button.setObjectName("add_member")
        self.add_button.setToolTip(self.tr("Adds a row and starts with the name (Ctrl+N)"))
        self.remove_button = QPushButton(self.tr("Remove member"))
        self.remove_button.setObjectName("remove_member")
        self.remove_button.setToolTip(self.tr("Removes the selected row (Ctrl+Delete)"))
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
            top.addWidget(button)
        top.addStretch(1)
        self.masked_note = QLabel(self.tr("ID numbers and health of existing members are hidden."))
        self.masked_note.setProperty("role", "hint")
        self.show_button = QPushButton(self.tr("Show"))
        self.show_button.setObjectName("show_member_ids")
        self.show_button.setAutoDefault(False)
        self.show_button.setToolTip(self.tr("Shows ID numbers and health; the look is written to the audit log"))
        self.show_button.clicked.connect(self.reveal_requested)
        top.addWidget(self.masked_note)
        top.addWidget(self.show_button)
        layout.addLayout(top)
        self.view = QTableView()
        self.view.setObjectName("members")
        self.view.setModel(self.model)
        self.delegate = MemberDelegate(self.model, self.view)
        self.view.setItemDelegate(self.delegate)
        # after the view has moved on: step over derived and hidden cells to the next one to type in
        self.delegate.closeEditor.connect(self._editor_closed)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; Enter moves from cell to cell
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(48)
        for key, width in (("name", 90), ("relation", 96), ("id_number", 170), ("sex", 48), ("birth_date", 96),
                           ("age", 48), ("identity", 86), ("health", 70), ("income", 110), ("unit_or_school", 170)):
            self.view.setColumnWidth(KEYS.index(key), width)
        # a choice column is as wide as its longest choice (and （未填）) with the combo's arrow: never clipped
        metrics = self.view.fontMetrics()
        for column in COLUMNS:
            if column.enum is not None:
                texts = [label for _code, label in column.enum.choices()] + [self.tr("(not filled)")]
                widest = max(metrics.horizontalAdvance(t) for t in texts) + 40
                index = KEYS.index(column.key)
                self.view.setColumnWidth(index, max(self.view.columnWidth(index), widest))
        self.view.verticalHeader().setDefaultSectionSize(30)
        self.view.installEventFilter(self)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        layout.addWidget(self.view, 1)
        self.hint = QLabel(self.tr("Enter confirms a cell and moves to the next; F2 edits the current cell. "
                                   "Sex, birth date and age follow from the ID number."))
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.message = QLabel()
        self.message.setObjectName("members_message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.delegate.message.connect(self.show_message)
        self.add_button.clicked.connect(self.add_member)
        self.remove_button.clicked.connect(self.remove_member)
        self.model.dataChanged.connect(lambda *_: self._current_changed(self.view.currentIndex()))
        self.set_masked(set())

    # --- actions ---------------------------------------------------------------------------------------------

    def add_member(self) -> None:
        self.commit_pending()
        row = self.model.rowCount()
        self.model.insertRows(row, 1)
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def remove_member(self) -> None:
        self.commit_pending()
        index = self.view.currentIndex()
        if not index.isValid() or self.model.read_only:
            return
        row = index.row()
        self.model.removeRows(row, 1)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), index.column()))
        self.show_message("")

    def commit_pending(self) -> None:
        """Commit a cell still being typed in (before a save or a row change)."""
        editor = QApplication.focusWidget()
        if editor is not None and editor is not self.view and self.view.isAncestorOf(editor):
            self.delegate.commitData.emit(editor)
            self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def set_read_only(self, read_only: bool) -> None:
        self.model.set_read_only(read_only)
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
                                  QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)

    def set_masked(self, keys: set[str]) -> None:
        self.model.set_masked(keys)
        hidden = bool(keys) and any(row["id"] is not None for row in self.model.rows)
        self.masked_note.setVisible(hidden)
        self.show_button.setVisible(hidden)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def point_at(self, row: int, key: str, message: str) -> None:
        """Show a refusal at a cell: select it, colour it, and say why under the table."""
        if not 0 <= row < self.model.rowCount():
            self.show_message(message)
            return
        self.model.set_service_error(row, key, message)
        index = self.model.index(row, KEYS.index(key))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.view.setFocus()
        self.show_message(message)

    def _current_changed(self, index: QModelIndex) -> None:
        if not index.isValid() or index.row() >= self.model.rowCount():
            return
        message = self.model.cell_error(index.row(), COLUMNS[index.column()].key)
        if message:
            self.show_message(self.tr("Row {0}: {1}").format(index.row() + 1, message))
        elif not self.model._service_errors:
            self.show_message("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.view.state() != QAbstractItemView.State.EditingState:
                self._enter_on_cell()
                return True
            if key == Qt.Key.Key_N and mods & Qt.KeyboardModifier.ControlModifier and not self.model.read_only:
                self.add_member()
                return True
            if key == Qt.Key.Key_Delete and mods & Qt.KeyboardModifier.ControlModifier and not self.model.read_only:
                self.remove_member()
                return True
        return super().eventFilter(watched, event)

    def _enter_on_cell(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            if self.model.rowCount():
                self.view.setCurrentIndex(self.model.index(0, 0))
            return
        if self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.view.edit(index)
        else:
            self._edit_next_from(index)

    def _next_editable(self, index: QModelIndex) -> QModelIndex:
        row, column = index.row(), index.column()
        while True:
            column += 1
            if column >= len(COLUMNS):
                row, column = row + 1, 0
            if row >= self.model.rowCount():
                return QModelIndex()
            candidate = self.model.index(row, column)
            if self.model.flags(candidate) & Qt.ItemFlag.ItemIsEditable:
                return candidate

    def _edit_next_from(self, index: QModelIndex) -> None:
        target = self._next_editable(index)
        if target.isValid():
            self.view.setCurrentIndex(target)
            self.view.edit(target)

    def _editor_closed(self, _editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint != QAbstractItemDelegate.EndEditHint.EditNextItem:
            return

        def step_over() -> None:
            current = self.view.currentIndex()
            if (current.isValid() and self.view.state() != QAbstractItemView.State.EditingState
                    and not self.model.flags(current) & Qt.ItemFlag.ItemIsEditable):
                self._edit_next_from(current)

        QTimer.singleShot(0, self, step_over)
