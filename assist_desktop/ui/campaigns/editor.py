"""A visit: its record (cadres, dates, notes, photo) and what is given (cash, goods, fund source); and a
household added by hand (an active hardship file, or a person of another group)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from assist_desktop.domain.dates import parse_date_text
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.ids import mask_id_number, parse_id_number
from assist_desktop.domain.lifecycle import GrantStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.names import normalise_name
from assist_desktop.services import campaigns, file_list
from assist_desktop.services.campaigns import GROUPS, KEEP, OTHER_GROUPS, PHOTO_MAX_BYTES, VisitInput
from assist_desktop.services.search import FileFilters, search
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.campaigns.model import row_status, status_labels
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.fields import STYLE, EnumCombo, Field, MoneyEdit, mandatory
from assist_desktop.ui.screen import fitted_size

THUMB_W, THUMB_H = 200, 150
CADRES_MAX, NOTES_MAX = 200, 1000
IN_STEPS = ("draft", "submitted", "reviewed", "on_notice")
FROZEN = ("approved", "paid")
FAR_FUTURE = date(9999, 12, 31)


def _parse_day(text: str, label: str, today: date = FAR_FUTURE) -> date | None:
    return parse_date_text(text, label=label, today=today)


def _thumbnail(data: bytes) -> QImage | None:
    """A small picture of the photo (built in the worker: QImage, unlike QPixmap, may be made off the GUI thread)."""
    image = QImage()
    if not data or not image.loadFromData(QByteArray(data)):
        return None
    return image.scaled(THUMB_W, THUMB_H, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


@dataclass
class _Loaded:
    """What the editor read of the visit."""

    status: str
    version: int
    name: str
    masked_id: str
    group_key: str
    group_label: str
    unit_name: str
    file_no: str
    status_text: str
    cadres: str
    planned: date | None
    actual: date | None
    approved_on: date | None
    notes: str
    cash_fen: int
    goods_fen: int
    goods_description: str
    fund_source_id: str
    standard: tuple[int, int, str] | None
    campaign: tuple[str, date, date, bool]  # name, start, end, closed
    sources: list[tuple[str, str]]
    photo: bytes | None
    owner_name: str | None = None  # the unit the visit belongs to, when it is not the local unit: view only


class _Form(QDialog):
    """What the two dialogs share: fields with inline messages, background work, service errors at the field."""

    def __init__(self, ctx: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.fields: dict[str, Field] = {}
        self.captions: dict[str, QLabel] = {}
        self.ops: list[Op[Any]] = []
        self.setStyleSheet(STYLE)
        self.general_error = QLabel()
        self.general_error.setObjectName("general_error")
        self.general_error.setProperty("role", "error")
        self.general_error.setWordWrap(True)

    def _field(self, grid: QGridLayout, row: int, col: int, key: str, widget: QWidget, caption: str,
               labels: tuple[str, ...], check: Any = None, *, required: bool = False, span: int = 1) -> Field:
        field = Field(key, widget, labels=labels, check=check, parent=self)
        self.fields[key] = field
        caption_label = QLabel(mandatory(caption) if required else caption)
        caption_label.setObjectName(f"{key}_caption")
        self.captions[key] = caption_label
        grid.addWidget(caption_label, row, col)
        grid.addWidget(widget, row, col + 1, 1, span)
        grid.addWidget(field.message, row + 1, col + 1, 1, span)
        return field

    def _run(self, work: Any, done: Any, on_error: Any = None) -> Op[Any]:
        op = run_op(self, work, on_done=done, on_error=on_error or self.show_error, show_progress=False)
        self.ops = [o for o in self.ops if not o.done] + [op]
        return op

    def idle(self) -> bool:
        return all(op.done for op in self.ops)

    def validate(self, keys: list[str] | None = None) -> bool:
        ok = True
        for key, field in self.fields.items():
            if keys is not None and key not in keys:
                field.clear()
                continue
            if field.validate():
                ok = False
        return ok

    def show_error(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, DomainError) else self.tr("Failed: {0}").format(type(exc).__name__)
        label = getattr(exc, "field", None)
        for field in self.fields.values():
            if label and label in field.labels and field.widget.isVisibleTo(self):
                field.show_result(message)
                self.general_error.clear()
                return
        self.general_error.setText(message)

    def _buttons(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.save_button.setObjectName("save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def save(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError


class VisitEditor(_Form):
    """One visit. The recipient is fixed; cadres, dates, notes and the photo are filled in until it is
    cancelled; cash, goods and the fund source change only before approval (above the standard: only the
    approver, with a reason)."""

    saved = Signal(str)

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.visit_id = visit_id
        self.loaded: _Loaded | None = None
        self.photo: bytes | None = None
        self.photo_changed = False
        self.approver = ctx.has(Role.approver)
        self.setWindowTitle(self.tr("Spring Festival visit"))
        self.resize(fitted_size(self, 820, 700))
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)

        who = QGroupBox(self.tr("Recipient"))
        grid = QGridLayout(who)
        self.recipient = QLabel()
        self.recipient.setObjectName("recipient")
        self.recipient.setTextFormat(Qt.TextFormat.RichText)
        self.recipient.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.recipient, 0, 0)
        layout.addWidget(who)

        visit = QGroupBox(self.tr("Visit"))
        grid = QGridLayout(visit)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.cadres = QLineEdit()
        self.cadres.setPlaceholderText(self.tr("e.g. Zhang Guoqiang, Wang Jianjun"))
        self.planned = QLineEdit()
        self.planned.setPlaceholderText(self.tr("yyyy-mm-dd"))
        self.actual = QLineEdit()
        self.actual.setPlaceholderText(self.tr("yyyy-mm-dd, after approval"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self._field(grid, 0, 0, "cadres", self.cadres, self.tr("Visiting cadres"), ("走访干部",), self._check_cadres,
                    span=3)
        self._field(grid, 2, 0, "planned_date", self.planned, self.tr("Planned date"), ("计划走访日期",),
                    self._check_planned)
        self._field(grid, 2, 2, "actual_date", self.actual, self.tr("Visited on"), ("实际走访日期",),
                    self._check_actual)
        self._field(grid, 4, 0, "notes", self.notes, self.tr("Notes"), ("备注",), self._check_notes, span=3)
        self.notes.textChanged.connect(lambda: self.fields["notes"]._edited())
        layout.addWidget(visit)

        given = QGroupBox(self.tr("Cash and goods"))
        grid = QGridLayout(given)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.standard_label = QLabel()
        self.standard_label.setObjectName("standard")
        grid.addWidget(self.standard_label, 0, 0, 1, 4)
        self.cash = MoneyEdit("慰问金")
        self.goods = MoneyEdit("慰问品折价")
        self.goods_description = QLineEdit()
        self.source = QComboBox()
        self.amount_reason = QLineEdit()
        self.amount_reason.setPlaceholderText(self.tr("Required above the standard"))
        self._field(grid, 1, 0, "cash", self.cash, self.tr("Cash (yuan)"), ("慰问金",), self._check_cash)
        self._field(grid, 1, 2, "goods", self.goods, self.tr("Goods value (yuan)"), ("慰问品折价",), self._check_goods)
        self._field(grid, 3, 0, "goods_description", self.goods_description, self.tr("Goods"), ("慰问品内容",))
        self._field(grid, 3, 2, "fund_source", self.source, self.tr("Fund source"), ("经费来源", "预算"))
        self._field(grid, 5, 0, "amount_reason", self.amount_reason, self.tr("Reason for more"), ("金额调整理由",),
                    self._check_reason, span=3)
        self.amount_reason.setVisible(self.approver)
        self.captions["amount_reason"].setVisible(self.approver)
        self.cash.textChanged.connect(lambda _t: self.fields["amount_reason"]._edited())
        self.goods.textChanged.connect(lambda _t: self.fields["amount_reason"]._edited())
        layout.addWidget(given)

        photo = QGroupBox(self.tr("Photo of the visit"))
        row = QHBoxLayout(photo)
        self.thumbnail = QLabel()
        self.thumbnail.setObjectName("thumbnail")
        self.thumbnail.setFixedSize(THUMB_W + 4, THUMB_H + 4)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet("border: 1px dashed #b0bec5; background: #fafafa; color: #80868b;")
        row.addWidget(self.thumbnail)
        side = QVBoxLayout()
        self.choose_photo_button = QPushButton(self.tr("Choose a photo…"))
        self.choose_photo_button.setObjectName("choose_photo")
        self.choose_photo_button.setAutoDefault(False)
        self.choose_photo_button.clicked.connect(self.choose_photo)
        self.remove_photo_button = QPushButton(self.tr("Remove the photo"))
        self.remove_photo_button.setObjectName("remove_photo")
        self.remove_photo_button.setAutoDefault(False)
        self.remove_photo_button.clicked.connect(self.remove_photo)
        hint = QLabel(self.tr("A photo taken at the visit, at most {0} MB; kept in the database.").format(
            PHOTO_MAX_BYTES // 1024 // 1024))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.photo_field = Field("photo", QLineEdit(), labels=("照片",), parent=self)
        side.addWidget(self.choose_photo_button)
        side.addWidget(self.remove_photo_button)
        side.addWidget(hint)
        side.addWidget(self.photo_field.message)
        side.addStretch(1)
        row.addLayout(side, 1)
        layout.addWidget(photo)
        self._show_photo(None)
        self._buttons(layout)
        self.save_button.setEnabled(False)
        self.load()

    # --- loading -----------------------------------------------------------------------------------------

    def load(self) -> None:
        db, user, vid, local_id = self.ctx.db, self.ctx.user, self.visit_id, self.ctx.unit.id

        def work(_p: Progress) -> tuple[_Loaded, QImage | None]:
            with db.session() as s:
                v = campaigns.get_visit(s, user, vid)
                (row,) = campaigns.visit_rows(s, user, [vid])
                c = campaigns.get_campaign(s, v.campaign_id)
                standard = next(((x.cash_fen, x.goods_fen, x.goods_description or "")
                                 for x in campaigns.campaign_standards(s, c.id) if x.group_key == v.group_key), None)
                loaded = _Loaded(
                    status=v.status, version=v.version, name=v.recipient_name, masked_id=row.masked_id,
                    group_key=v.group_key, group_label=row.group_label, unit_name=row.unit_name, file_no=row.file_no,
                    status_text=row_status(row, status_labels()), cadres=v.cadres or "", planned=v.planned_date,
                    actual=v.actual_date, approved_on=v.approved_on, notes=v.notes or "", cash_fen=v.cash_fen,
                    goods_fen=v.goods_fen, goods_description=v.goods_description or "",
                    fund_source_id=v.fund_source_id or "", standard=standard,
                    campaign=(c.name, c.visit_start, c.visit_end, c.closed),
                    sources=[(f.id, f.name) for f in campaigns.fund_sources(s, c.id)], photo=v.photo,
                    owner_name=(None if v.owner_unit_id == local_id
                                else campaigns.owner_names(s).get(v.owner_unit_id, v.owner_unit_id)))
            return loaded, _thumbnail(loaded.photo or b"")

        self._run(work, self._loaded)

    def _loaded(self, result: tuple[_Loaded, QImage | None]) -> None:
        v, thumb = result
        self.loaded = v
        name, start, end, closed = v.campaign
        self.setWindowTitle(self.tr("Visit: {0} – {1}").format(v.name, name))
        parts = [f"<b>{v.name}</b>（{v.masked_id}）", v.group_label, v.unit_name]
        if v.file_no:
            parts.append(self.tr("file {0}").format(v.file_no))
        else:
            parts.append(self.tr("no hardship file"))
        self.recipient.setText("　·　".join(p for p in parts if p) + "<br>" + self.tr("Status: {0}").format(
            v.status_text))
        self.cadres.setText(v.cadres)
        self.planned.setText(v.planned.isoformat() if v.planned else "")
        self.actual.setText(v.actual.isoformat() if v.actual else "")
        self.notes.setPlainText(v.notes)
        self.cash.set_fen(v.cash_fen)
        self.goods.set_fen(v.goods_fen)
        self.goods_description.setText(v.goods_description)
        self.source.clear()
        for sid, sname in v.sources:
            self.source.addItem(sname, sid)
        self.source.setCurrentIndex(max(0, self.source.findData(v.fund_source_id)))
        if v.standard:
            cash, goods, what = v.standard
            self.standard_label.setText(self.tr("Standard for {0}: cash {1} + goods {2} yuan ({3})").format(
                v.group_label, format_amount(cash), format_amount(goods), what or self.tr("goods not described")))
        else:
            self.standard_label.setText(self.tr("The campaign has no standard for this group."))
        self.photo = v.photo
        self.photo_changed = False
        self._show_photo(thumb)
        self._set_editable(v, closed, start, end)
        for field in self.fields.values():
            field.clear()

    def _set_editable(self, v: _Loaded, closed: bool, start: date, end: date) -> None:
        ctx = self.ctx
        own = v.owner_name is None
        worker = ctx.has(Role.clerk) or ctx.has(Role.reviewer) or ctx.has(Role.approver)
        record = own and worker and v.status != GrantStatus.cancelled.value
        money = (own and not closed and v.status in IN_STEPS
                 and (self.approver or (ctx.has(Role.clerk) and v.status == GrantStatus.draft.value)))
        for key in ("cadres", "planned_date", "notes"):
            self.fields[key].set_read_only(not record)
        self.fields["actual_date"].set_read_only(not (record and v.status in FROZEN))
        for key in ("cash", "goods", "goods_description", "fund_source", "amount_reason"):
            self.fields[key].set_read_only(not money)
        self.choose_photo_button.setEnabled(record)
        self.remove_photo_button.setEnabled(record and self.photo is not None)
        self.save_button.setEnabled(record)
        self.save_button.setVisible(own)
        notes = []
        if not own:
            notes.append(self.tr("This visit belongs to {0}; here it can only be viewed (that unit changes it and "
                                 "reports it again).").format(v.owner_name))
        elif v.status == GrantStatus.cancelled.value:
            notes.append(self.tr("This household was removed from the list; nothing can be changed."))
        elif v.status in FROZEN:
            notes.append(self.tr("Approved on {0}: cash, goods and fund source are fixed; record the visit "
                                 "below.").format(v.approved_on.isoformat() if v.approved_on else ""))
        elif not money:
            notes.append(self.tr("Only the approver changes the amounts once the household is submitted."))
        if own and not worker:
            notes.append(self.tr("Read only for your role."))
        self.banner.setText(" ".join(notes))
        self.banner.setVisible(bool(notes))

    # --- checks as the user types ----------------------------------------------------------------------

    def _check_cadres(self) -> str | None:
        text = self.cadres.text().strip()
        return f"走访干部过长（{len(text)}字，最多{CADRES_MAX}字）" if len(text) > CADRES_MAX else None

    def _check_notes(self) -> str | None:
        text = self.notes.toPlainText().strip()
        return f"备注过长（{len(text)}字，最多{NOTES_MAX}字）" if len(text) > NOTES_MAX else None

    def _check_planned(self) -> str | None:
        day = _parse_day(self.planned.text(), "计划走访日期")
        if day is None or self.loaded is None:
            return None
        _name, start, end, _closed = self.loaded.campaign
        if not start <= day <= end:
            return f"计划走访日期{day:%Y-%m-%d}不在活动走访期间（{start:%Y-%m-%d}至{end:%Y-%m-%d}）内"
        return None

    def _check_actual(self) -> str | None:
        day = _parse_day(self.actual.text(), "实际走访日期", self.ctx.today())
        if day is None or self.loaded is None:
            return None
        if self.loaded.status not in FROZEN or self.loaded.approved_on is None:
            return "尚未审批，审批后才能登记实际走访日期"
        if day < self.loaded.approved_on:
            return f"实际走访日期{day:%Y-%m-%d}早于审批日期{self.loaded.approved_on:%Y-%m-%d}"
        return None

    def _above(self, fen: int, which: int, label: str) -> str | None:
        """The message for an amount above the group's standard, for someone who may not raise it."""
        if self.loaded is None or self.loaded.standard is None or self.cash.isReadOnly():
            return None  # fixed amounts (approved, or not this role's to change) are not checked again
        standard = self.loaded.standard[which]
        if fen > standard and not self.approver:
            return (f"{label}{format_amount(fen)}元高于“{self.loaded.group_label}”标准{format_amount(standard)}元；"
                    "只有审批人可以提高金额（须填写理由）")
        return None

    def _check_cash(self) -> str | None:
        return self._above(self.cash.fen(), 0, "慰问金")

    def _check_goods(self) -> str | None:
        return self._above(self.goods.fen(), 1, "慰问品折价")

    def _check_reason(self) -> str | None:
        if not self.approver or self.loaded is None or self.loaded.standard is None or self.cash.isReadOnly():
            return None
        try:
            above = self.cash.fen() > self.loaded.standard[0] or self.goods.fen() > self.loaded.standard[1]
        except DomainError:
            return None
        if above and not self.amount_reason.text().strip():
            return "金额高于标准，须填写金额调整理由"
        return None

    # --- the photo ---------------------------------------------------------------------------------------

    def _show_photo(self, thumb: QImage | None) -> None:
        if thumb is None:
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText(self.tr("No photo"))
        else:
            self.thumbnail.setText("")
            self.thumbnail.setPixmap(QPixmap.fromImage(thumb))
        self.remove_photo_button.setEnabled(self.photo is not None and self.choose_photo_button.isEnabled())

    def choose_photo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose a photo"), "",
                                                    self.tr("Pictures (*.jpg *.jpeg *.png)"))
        if path:
            self.set_photo_file(path)

    def set_photo_file(self, path: str | Path) -> None:
        """Read the picture in the background and show it; it is written with the next save."""
        source = Path(path)

        def work(_p: Progress) -> tuple[bytes, QImage | None]:
            size = source.stat().st_size
            if size > PHOTO_MAX_BYTES:
                raise DomainError(f"照片过大（{size / 1024 / 1024:.1f} MB，最多 {PHOTO_MAX_BYTES // 1024 // 1024} MB），"
                                  "请压缩后再选择", field="照片")
            data = source.read_bytes()
            return data, _thumbnail(data)

        def done(result: tuple[bytes, QImage | None]) -> None:
            data, thumb = result
            if thumb is None:
                self.photo_field.show_result("所选文件不是可以打开的图片（只能是 JPEG 或 PNG）")
                return
            self.photo_field.clear()
            self.photo, self.photo_changed = data, True
            self._show_photo(thumb)

        self._run(work, done, lambda exc: self.photo_field.show_result(getattr(exc, "message", str(exc))))

    def remove_photo(self) -> None:
        self.photo, self.photo_changed = None, True
        self.photo_field.clear()
        self._show_photo(None)

    # --- saving ------------------------------------------------------------------------------------------

    def show_error(self, exc: BaseException) -> None:
        if getattr(exc, "field", None) == "照片":
            self.photo_field.show_result(exc.message)  # type: ignore[attr-defined]
            return
        super().show_error(exc)

    def changes(self) -> dict[str, Any]:
        """The fields changed from what was read (the others are left as they are: ``KEEP``)."""
        v = self.loaded
        assert v is not None
        out: dict[str, Any] = {}
        if self.cadres.text().strip() != v.cadres:
            out["cadres"] = self.cadres.text().strip() or None
        planned = _parse_day(self.planned.text(), "计划走访日期")
        if planned != v.planned:
            out["planned_date"] = planned
        actual = _parse_day(self.actual.text(), "实际走访日期", self.ctx.today())
        if actual != v.actual:
            out["actual_date"] = actual
        notes = self.notes.toPlainText().strip()
        if notes != v.notes:
            out["notes"] = notes or None
        if self.photo_changed:
            out["photo"] = self.photo
        if not self.cash.isReadOnly():
            if self.cash.fen() != v.cash_fen:
                out["cash_fen"] = self.cash.fen()
            if self.goods.fen() != v.goods_fen:
                out["goods_fen"] = self.goods.fen()
            if self.goods_description.text().strip() != v.goods_description:
                out["goods_description"] = self.goods_description.text().strip() or None
            source = self.source.currentData() or ""
            if source != v.fund_source_id:
                out["fund_source_id"] = source or None
        return out

    def save(self) -> None:
        self.general_error.clear()
        if self.loaded is None or not self.validate():
            return
        try:
            changes = self.changes()
        except DomainError as exc:
            self.show_error(exc)
            return
        if not changes:
            self.accept()
            return
        reason = self.amount_reason.text().strip() or None
        db, user, vid, version, today = self.ctx.db, self.ctx.user, self.visit_id, self.loaded.version, self.ctx.today()

        def work(_p: Progress) -> str:
            with db.session() as s:
                values = {k: changes.get(k, KEEP) for k in (
                    "cadres", "planned_date", "actual_date", "notes", "photo", "cash_fen", "goods_fen",
                    "goods_description", "fund_source_id")}
                return campaigns.update_visit(s, user, vid, expected_version=version, amount_reason=reason,
                                              today=today, **values).id

        def done(saved: str) -> None:
            self.saved.emit(saved)
            self.accept()

        self._run(work, done)


class AddVisitDialog(_Form):
    """A household added by hand: an active hardship file, or a model worker, a worker on duty over the holiday
    or a household without a file, with name, ID number and unit."""

    saved = Signal(str)

    def __init__(self, ctx: AppContext, campaign_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.campaign_id = campaign_id
        self.period: tuple[date, date] | None = None
        self.standards: dict[str, tuple[int, int, str]] = {}
        self.saved_id: str | None = None
        self.setWindowTitle(self.tr("Add a household by hand"))
        self.resize(760, 560)
        layout = QVBoxLayout(self)

        who = QGroupBox(self.tr("Recipient"))
        grid = QGridLayout(who)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.filed_radio = QRadioButton(self.tr("Active hardship file"))
        self.filed_radio.setObjectName("filed")
        self.other_radio = QRadioButton(self.tr("Model worker, on duty over the holiday, or without a file"))
        self.other_radio.setObjectName("other")
        self.filed_radio.setChecked(True)
        self.filed_radio.toggled.connect(self._mode)
        grid.addWidget(self.filed_radio, 0, 0, 1, 2)
        grid.addWidget(self.other_radio, 0, 2, 1, 2)
        # a file
        self.filed_box = QWidget()
        fgrid = QGridLayout(self.filed_box)
        fgrid.setContentsMargins(0, 0, 0, 0)
        fgrid.setColumnStretch(1, 1)
        self.file_search = QLineEdit()
        self.file_search.setObjectName("file_search")
        self.file_search.setPlaceholderText(self.tr("File no., name, initials or ID tail"))
        self.file_search.returnPressed.connect(self.find_files)
        find = QPushButton(self.tr("Find"))
        find.setObjectName("find_file")
        find.setAutoDefault(False)
        find.clicked.connect(self.find_files)
        search_row = QHBoxLayout()
        search_row.addWidget(self.file_search, 1)
        search_row.addWidget(find)
        fgrid.addWidget(QLabel(self.tr("Find")), 0, 0)
        fgrid.addLayout(search_row, 0, 1)
        self.file_combo = QComboBox()
        self._field(fgrid, 1, 0, "file", self.file_combo, self.tr("File"), ("档案", "慰问对象"),
                    lambda: None if self.file_combo.currentData() else "请查找并选择一份在档的困难职工档案",
                    required=True)
        self.file_group = EnumCombo([("", self.tr("By the file's category")),
                                     ("model_worker", GROUPS["model_worker"]), ("on_duty", GROUPS["on_duty"])])
        self._field(fgrid, 3, 0, "file_group", self.file_group, self.tr("Visited as"), ("慰问对象类别",))
        grid.addWidget(self.filed_box, 1, 0, 1, 4)
        # a person of another group
        self.other_box = QWidget()
        ogrid = QGridLayout(self.other_box)
        ogrid.setContentsMargins(0, 0, 0, 0)
        ogrid.setColumnStretch(1, 1)
        ogrid.setColumnStretch(3, 1)
        self.group = EnumCombo([(g, GROUPS[g]) for g in OTHER_GROUPS])
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.unit_name = QLineEdit()
        self._field(ogrid, 0, 0, "group", self.group, self.tr("Group"), ("慰问对象类别",), required=True)
        self._field(ogrid, 2, 0, "name", self.name, self.tr("Name"), ("姓名",), self._check_name, required=True)
        self._field(ogrid, 2, 2, "id_number", self.id_number, self.tr("ID number"), ("身份证号", "慰问对象"),
                    self._check_id, required=True)
        self._field(ogrid, 4, 0, "unit_name", self.unit_name, self.tr("Work unit"), ("工作单位",),
                    lambda: None if self.unit_name.text().strip() else "工作单位不能为空", required=True, span=3)
        grid.addWidget(self.other_box, 2, 0, 1, 4)
        layout.addWidget(who)

        visit = QGroupBox(self.tr("Visit"))
        vgrid = QGridLayout(visit)
        vgrid.setColumnStretch(1, 1)
        vgrid.setColumnStretch(3, 1)
        self.source = QComboBox()
        self.cadres = QLineEdit()
        self.planned = QLineEdit()
        self.planned.setPlaceholderText(self.tr("yyyy-mm-dd"))
        self.notes = QLineEdit()
        self._field(vgrid, 0, 0, "fund_source", self.source, self.tr("Fund source"), ("经费来源",),
                    lambda: None if self.source.currentData() else "请选择经费来源", required=True)
        self._field(vgrid, 0, 2, "planned_date", self.planned, self.tr("Planned date"), ("计划走访日期",),
                    self._check_planned)
        self._field(vgrid, 2, 0, "cadres", self.cadres, self.tr("Visiting cadres"), ("走访干部",), span=3)
        self._field(vgrid, 4, 0, "notes", self.notes, self.tr("Notes"), ("备注",), span=3)
        self.standard_label = QLabel(self.tr("Cash and goods follow the group's standard of the campaign."))
        self.standard_label.setObjectName("standard")
        self.standard_label.setProperty("role", "hint")
        vgrid.addWidget(self.standard_label, 6, 0, 1, 4)
        layout.addWidget(visit)
        layout.addStretch(1)
        self._buttons(layout)
        self.group.currentIndexChanged.connect(self._show_standard)
        self.file_group.currentIndexChanged.connect(self._show_standard)
        self.file_combo.currentIndexChanged.connect(self._show_standard)
        self._mode()
        self.load()

    def _mode(self, *_a: object) -> None:
        filed = self.filed_radio.isChecked()
        self.filed_box.setVisible(filed)
        self.other_box.setVisible(not filed)
        self._show_standard()

    def _show_standard(self, *_a: object) -> None:
        """The standard the household will get: its group's (a file: its category's, unless chosen otherwise)."""
        if self.filed_radio.isChecked():
            group = str(self.file_group.code()) or (self.file_combo.currentData(Qt.ItemDataRole.UserRole + 1) or "")
        else:
            group = str(self.group.code())
        found = self.standards.get(group)
        if found is None:
            self.standard_label.setText(self.tr("Cash and goods follow the group's standard of the campaign."))
            return
        cash, goods, what = found
        self.standard_label.setText(self.tr("Standard for {0}: cash {1} + goods {2} yuan ({3})").format(
            GROUPS.get(group, group), format_amount(cash), format_amount(goods), what or "—"))

    def load(self) -> None:
        db, cid = self.ctx.db, self.campaign_id

        def work(_p: Progress) -> tuple[str, date, date, list[tuple[str, str]], dict[str, tuple[int, int, str]]]:
            with db.session() as s:
                c = campaigns.get_campaign(s, cid)
                standards = {r.group_key: (r.cash_fen, r.goods_fen, r.goods_description or "")
                             for r in campaigns.campaign_standards(s, cid)}
                return (c.name, c.visit_start, c.visit_end, [(f.id, f.name) for f in campaigns.fund_sources(s, cid)],
                        standards)

        def done(result: tuple[str, date, date, list[tuple[str, str]], dict[str, tuple[int, int, str]]]) -> None:
            name, start, end, sources, self.standards = result
            self.period = (start, end)
            self._show_standard()
            self.setWindowTitle(self.tr("Add a household by hand – {0}").format(name))
            self.source.clear()
            for sid, sname in sources:
                self.source.addItem(sname, sid)

        self._run(work, done)

    def find_files(self) -> None:
        text, db, user = self.file_search.text().strip(), self.ctx.db, self.ctx.user

        def work(_p: Progress) -> list[tuple[str, str, str]]:
            with db.session() as s:
                _total, ids = search(s, user, text, FileFilters(status=frozenset({"active"})), limit=30)
                return [(r.id, f"{r.file_no}　{r.name}（{r.masked_id}）　{r.category_label}　{r.unit_name}",
                         r.category or "") for r in file_list.file_rows(s, user, ids)]

        def done(rows: list[tuple[str, str, str]]) -> None:
            self.file_combo.blockSignals(True)
            self.file_combo.clear()
            for fid, label, category in rows:
                self.file_combo.addItem(label, fid)
                self.file_combo.setItemData(self.file_combo.count() - 1, category, Qt.ItemDataRole.UserRole + 1)
            self.file_combo.blockSignals(False)
            self._show_standard()
            self.fields["file"].show_result(None if rows else "没有找到在档的困难职工档案")

        self._run(work, done)

    def _check_name(self) -> str | None:
        try:
            normalise_name(self.name.text())
        except DomainError as exc:
            return exc.message
        return None

    def _check_id(self) -> str | None:
        try:
            parse_id_number(self.id_number.text(), today=self.ctx.today())
        except DomainError as exc:
            return exc.message
        return None

    def _check_planned(self) -> str | None:
        day = _parse_day(self.planned.text(), "计划走访日期")
        if day is not None and self.period is not None and not self.period[0] <= day <= self.period[1]:
            start, end = self.period
            return f"计划走访日期{day:%Y-%m-%d}不在活动走访期间（{start:%Y-%m-%d}至{end:%Y-%m-%d}）内"
        return None

    def data(self) -> VisitInput:
        common = {"campaign_id": self.campaign_id, "fund_source_id": self.source.currentData() or None,
                  "cadres": self.cadres.text().strip() or None, "notes": self.notes.text().strip() or None,
                  "planned_date": _parse_day(self.planned.text(), "计划走访日期")}
        if self.filed_radio.isChecked():
            return VisitInput(file_id=self.file_combo.currentData(), group_key=str(self.file_group.code()) or None,
                              **common)
        return VisitInput(group_key=str(self.group.code()), name=self.name.text(), id_number=self.id_number.text(),
                          unit_name=self.unit_name.text(), **common)

    def save(self) -> None:
        self.general_error.clear()
        keys = ["fund_source", "planned_date", "cadres", "notes"]
        keys += ["file", "file_group"] if self.filed_radio.isChecked() else ["group", "name", "id_number", "unit_name"]
        if not self.validate(keys):
            return
        try:
            data = self.data()
        except DomainError as exc:
            self.show_error(exc)
            return
        db, user, today = self.ctx.db, self.ctx.user, self.ctx.today()

        def work(_p: Progress) -> tuple[str, str]:
            with db.session() as s:
                v = campaigns.add_visit(s, user, data, today=today)
                return v.id, f"{v.recipient_name}（{mask_id_number(v.recipient_id_number)}）"

        def done(result: tuple[str, str]) -> None:
            self.saved_id = result[0]
            self.saved.emit(result[0])
            self.accept()

        self._run(work, done)
