"""The registry list's filter bar: status, category, cause, union, filing year and the household flags; at a
city or province (a database holding more than one unit's files) also the reporting unit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.lifecycle import FileStatus
from assist_desktop.services.file_list import UnitChoice
from assist_desktop.services.search import FLAGS, FileFilters, OwnerChoice

# The steps between a draft and an active file.
IN_PROCESS = frozenset({"draft", "submitted", "reviewed", "on_notice"})
NOT_EXITED = frozenset(s.value for s in FileStatus) - {"exited"}


class _OpenedCombo(QComboBox):
    """A box that says when its list is opened (the status box counts its choices then, where counting
    them with each keystroke would cost too much)."""

    opened = Signal()

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self.opened.emit()
        super().showPopup()


class FilterBar(QWidget):
    """Emits ``changed`` with the ``FileFilters`` the boxes say, each time one of them changes."""

    changed = Signal(object)
    status_opened = Signal()  # the status box's list was opened

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        row = QHBoxLayout()  # the boxes; the flags and "clear" go in a second row below
        rows.addLayout(row)
        self._quiet = True  # filling the boxes is not a change
        self._units: list[UnitChoice] = []
        self._owners: list[OwnerChoice] = []
        self._union_owner: dict[str, str] = {}  # union id → the unit that keeps it

        status_box = _OpenedCombo()
        status_box.opened.connect(self.status_opened)
        self.status = self._combo("filter_status", self.tr("Status"), box=status_box)
        # (label, statuses): the whole registry, the registry without exited files, the ledger of
        # active files, the files still on their way, each step, and the exited files.
        self._status_choices: list[tuple[str, frozenset[str] | None]] = [
            (self.tr("All statuses"), None),
            (self.tr("Not exited"), NOT_EXITED),
            (FileStatus.active.label, frozenset({"active"})),
            (self.tr("In process"), IN_PROCESS),
            *[(s.label, frozenset({s.value})) for s in FileStatus if s.value in IN_PROCESS],
            (FileStatus.exited.label, frozenset({"exited"})),
        ]
        for label, statuses in self._status_choices:
            self.status.addItem(label, statuses)
        row.addWidget(self.status)

        self.category = self._combo("filter_category", self.tr("Category"))
        self.category.addItem(self.tr("All categories"), None)
        for category in HardshipCategory:
            self.category.addItem(category.label, category.value)
        row.addWidget(self.category)

        self.cause = self._combo("filter_cause", self.tr("Primary cause"))
        self.cause.addItem(self.tr("All causes"), None)
        for cause in HardshipCause:
            self.cause.addItem(cause.label, int(cause))
        row.addWidget(self.cause)

        self.owner = self._combo("filter_owner", self.tr("Unit that reported the file"), chars=12,
                                 slot=self._owner_changed)
        self.owner.addItem(self.tr("All reporting units"), None)
        self.owner.setVisible(False)  # only where more than one unit's files are held (set_owners)
        row.addWidget(self.owner)

        self.unit = self._combo("filter_unit", self.tr("Union holding the file"), chars=16)
        self.unit.addItem(self.tr("All unions"), None)
        row.addWidget(self.unit)

        self.year = self._combo("filter_year", self.tr("Year the file was opened"))
        self.year.addItem(self.tr("All years"), None)
        row.addWidget(self.year)
        row.addStretch(1)

        row = QHBoxLayout()
        rows.addLayout(row)
        row.addWidget(QLabel(self.tr("Only:")))
        self.flags: dict[str, QCheckBox] = {}
        for key, label in FLAGS.items():
            box = QCheckBox(label)
            box.setObjectName(f"flag_{key}")
            box.toggled.connect(self._emit)
            row.addWidget(box)
            self.flags[key] = box

        row.addStretch(1)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.setObjectName("clear_filters")
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.clear_button)
        self._quiet = False
        self._update_clear()

    def _combo(self, name: str, tip: str, *, chars: int = 0, slot: Callable[[], None] | None = None,
               box: QComboBox | None = None) -> QComboBox:
        """A box as wide as its choices; with ``chars``, about that many Latin characters wide whatever
        its longest choice (a union's name can run to fifteen Chinese characters) — its list still
        opens as wide as the choices need."""
        combo = box or QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        if chars:
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
        else:
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(slot or self._emit)
        return combo

    def _fit_popup(self, combo: QComboBox) -> None:
        view = combo.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 24)

    # --- choices loaded from the database -----------------------------------------------------------

    def set_units(self, units: Sequence[UnitChoice]) -> None:
        """The unions offered; the chosen one stays chosen if it is still offered."""
        self._units = list(units)
        self._offer_units()

    def set_owners(self, owners: Sequence[OwnerChoice]) -> None:
        """The units whose files are held here; the box shows only when there is more than one (a city or a
        province with the reports of the units below), the local unit first as 本单位."""
        self._owners = list(owners)
        self._union_owner = {union: o.id for o in owners for union in o.unions}
        self._refill(self.owner, [(self.tr("This unit") if o.own else o.name, o.id) for o in owners])
        self.owner.setVisible(len(owners) > 1)
        self._offer_units()

    def _offer_units(self) -> None:
        """The unions of the chosen reporting unit, or of every unit; where several units' files are held,
        another unit's union is named with its unit (two counties may each have a 城关镇总工会)."""
        chosen = self.owner.currentData()
        owners = {o.id: o for o in self._owners}
        several = len(owners) > 1
        items = []
        for unit in self._units:
            keeper = owners.get(self._union_owner.get(unit.id, ""))
            if chosen is not None and (keeper is None or keeper.id != chosen):
                continue
            if several and chosen is None and keeper is not None and not keeper.own:
                items.append((self.tr("{0} ({1})").format(unit.name, keeper.name), unit.id))
            else:
                items.append((unit.name, unit.id))
        self._refill(self.unit, items)

    def _owner_changed(self) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._offer_units()  # a union of another unit is no longer chosen
        finally:
            self._quiet = False
        self._emit()

    def set_years(self, years: Sequence[int]) -> None:
        self._refill(self.year, [(self.tr("Year {0}").format(y), y) for y in years])

    def _refill(self, combo: QComboBox, items: list[tuple[str, object]]) -> None:
        chosen = combo.currentData()
        quiet, self._quiet = self._quiet, True
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for label, data in items:
                combo.addItem(label, data)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(index, 0))
            self._fit_popup(combo)
        finally:
            self._quiet = quiet
        if chosen is not None and combo.currentData() != chosen:
            self._emit()

    def set_status_counts(self, counts: Mapping[str, int] | None) -> None:
        """How many files each status choice would show for the current text and other filters (None: not
        counted — the choices show no number)."""
        for i, (label, statuses) in enumerate(self._status_choices):
            if counts is None:
                self.status.setItemText(i, label)
                continue
            wanted = counts.keys() if statuses is None else statuses
            n = sum(counts.get(s, 0) for s in wanted)
            self.status.setItemText(i, self.tr("{0} ({1})").format(label, n))
        self._fit_popup(self.status)

    # --- the filters --------------------------------------------------------------------------------

    def filters(self) -> FileFilters:
        return FileFilters(
            status=self.status.currentData(),
            category=self.category.currentData(),
            primary_cause=self.cause.currentData(),
            unit_id=self.unit.currentData(),
            owner_unit_id=self.owner.currentData(),
            filing_year=self.year.currentData(),
            flags=frozenset(k for k, box in self.flags.items() if box.isChecked()),
        )

    def is_filtered(self) -> bool:
        return self.filters() != FileFilters()

    def set_status(self, statuses: frozenset[str] | None) -> None:
        for i, (_label, choice) in enumerate(self._status_choices):
            if choice == statuses:
                self.status.setCurrentIndex(i)
                return
        raise ValueError(f"no status choice for {statuses}")

    def clear(self) -> None:
        self._quiet = True
        try:
            for combo in (self.status, self.category, self.cause, self.owner, self.unit, self.year):
                combo.setCurrentIndex(0)
            self._offer_units()  # every unit's unions again
            for box in self.flags.values():
                box.setChecked(False)
        finally:
            self._quiet = False
        self._emit()

    def _emit(self) -> None:
        if self._quiet:
            return
        self._update_clear()
        self.changed.emit(self.filters())

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(self.is_filtered())
