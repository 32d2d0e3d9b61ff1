"""导出: the registry roster (花名册), a scholarship list or a visit list as an Excel workbook, in the background.

ID numbers are masked unless the user chooses full ones, which only the clerk, reviewer and approver may;
the service refuses anyone else and writes every export to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.ledger import ExportResult, export_roster, export_scholarships, export_visits
from assist_desktop.services.ledger.export import FULL_ID_ROLES
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext

KINDS = ("roster", "scholarships", "visits")
EXPORTERS = {"roster": export_roster, "scholarships": export_scholarships, "visits": export_visits}

Scope = tuple[str, dict[str, Any]]  # (label, keyword arguments of the export: year, round_id, campaign_id)


class ExportDialog(QDialog):
    """One list, a scope chosen by the page that opens it (a round, a campaign, all), masked or full IDs."""

    def __init__(self, ctx: AppContext, kind: str, scopes: Sequence[Scope], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(kind)
        self.ctx, self.kind = ctx, kind
        self.op: Op[Any] | None = None
        self.result: ExportResult | None = None
        titles = {"roster": self.tr("Export the roster"), "scholarships": self.tr("Export the scholarship list"),
                  "visits": self.tr("Export the visit list")}
        self.setWindowTitle(titles[kind])
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        intro = {"roster": self.tr("The households in the registry (active files), one row each, as the city asks "
                                   "for them."),
                 "scholarships": self.tr("The scholarships (cancelled ones left out), with the total."),
                 "visits": self.tr("The households visited (cancelled visits left out), with the totals of cash "
                                   "and goods.")}[kind]
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("scope")
        for text, kwargs in scopes:
            self.scope_combo.addItem(text, kwargs)
        form.addRow(self.tr("Which"), self.scope_combo)
        self.members_box = QCheckBox(self.tr("With the household members, each on a row below the worker"))
        self.members_box.setObjectName("members")
        if kind == "roster":
            form.addRow("", self.members_box)
        ids = QWidget()
        ids_row = QVBoxLayout(ids)
        ids_row.setContentsMargins(0, 0, 0, 0)
        self.masked = QRadioButton(self.tr("Masked (6101**********1234): for lists that leave the office"))
        self.masked.setObjectName("masked")
        self.full = QRadioButton(self.tr("Full, with phone, address and bank account: an encrypted workbook with a "
                                         "password (recorded in the log)"))
        self.full.setObjectName("full")
        group = QButtonGroup(self)
        group.addButton(self.masked)
        group.addButton(self.full)
        self.masked.setChecked(True)
        allowed = any(self.ctx.has(role) for role in FULL_ID_ROLES)
        self.full.setEnabled(allowed)
        if not allowed:
            self.full.setToolTip(self.tr("Only a clerk, reviewer or approver may export full ID numbers."))
        if kind != "roster":
            self.full.setText(self.tr("Full ID numbers: an encrypted workbook with a password (recorded in the log)"))
        ids_row.addWidget(self.masked)
        ids_row.addWidget(self.full)
        form.addRow(self.tr("ID numbers"), ids)
        path_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("path")
        self.path_edit.setText(str(self._suggested()))
        path_row.addWidget(self.path_edit, 1)
        browse = QPushButton(self.tr("Choose…"))
        browse.setObjectName("browse")
        browse.clicked.connect(self.browse)
        path_row.addWidget(browse)
        form.addRow(self.tr("Save as"), path_row)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        # a workbook with full IDs is encrypted: its password is shown here once, selectable, and never kept
        self.password_label = QLabel()
        self.password_label.setObjectName("export_password_note")
        self.password_label.setWordWrap(True)
        self.password_label.hide()
        layout.addWidget(self.password_label)
        self.password_value = QLabel()
        self.password_value.setObjectName("export_password")
        self.password_value.setStyleSheet("font-size: 18px; font-weight: bold; font-family: monospace;")
        self.password_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password_value.hide()
        layout.addWidget(self.password_value)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setObjectName("export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.export())
        close = QPushButton(self.tr("Close"))
        close.setObjectName("close")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def _suggested(self) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        name = {"roster": self.tr("roster"), "scholarships": self.tr("scholarship list"),
                "visits": self.tr("visit list")}[self.kind]
        return Path(folder) / f"{name}-{self.ctx.today().isoformat()}.xlsx"

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path_edit.text(),
                                                self.tr("Excel workbook (*.xlsx)"))
        if chosen:
            self.path_edit.setText(chosen)

    def export(self, path: Path | str | None = None) -> Op[Any] | None:
        """Write the list in the background; the service checks the role and logs the export."""
        text = str(path) if path is not None else self.path_edit.text().strip()
        if not text:
            self.status.setText(self.tr("Choose where to save the workbook."))
            return None
        target = Path(text) if text.lower().endswith(".xlsx") else Path(text + ".xlsx")
        self.path_edit.setText(str(target))
        ctx, kind = self.ctx, self.kind
        kwargs = dict(self.scope_combo.currentData() or {})
        full = self.full.isChecked()
        if kind == "roster":
            kwargs["members"] = self.members_box.isChecked()
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Exporting…"))
        self.export_button.setEnabled(False)

        def work(_progress: Progress) -> ExportResult:
            with ctx.db.session() as s:
                return EXPORTERS[kind](s, ctx.user, target, full_ids=full, **kwargs)

        def done(result: ExportResult) -> None:
            self.result = result
            self.export_button.setEnabled(True)
            self.status.setStyleSheet("color: #2e7d32;")
            self.status.setText(self.tr("{0} rows exported to {1}").format(result.rows, result.path) +
                                (self.tr(" (full ID numbers; recorded in the log)") if result.full_ids else ""))
            self.password_label.setText(self.tr(
                "The workbook is encrypted. Its password, shown only now, is below: Excel and WPS ask for it when "
                "opening. Tell it to the recipient by phone; do not put it on the same USB stick or in the same "
                "e-mail as the file."))
            self.password_value.setText(result.password or "")
            self.password_label.setVisible(bool(result.password))
            self.password_value.setVisible(bool(result.password))

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            self.status.setStyleSheet("color: #b00020;")
            if isinstance(exc, DomainError):
                self.status.setText(exc.message)
            else:
                self.status.setText("")
                show_error(self, exc)

        self.op = run_op(self, work, on_done=done, on_error=failed, title=self.windowTitle(), cancellable=False)
        return self.op

    def idle(self) -> bool:
        return self.op is None or self.op.done
