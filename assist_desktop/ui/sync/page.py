"""同步 page: what changed here and waits to go up, export a package for the upper unit, import a package
from a lower unit (verify first, then apply, then save its acknowledgement), import an acknowledgement,
the history of packages, the units this one exchanges packages with (their keys), and at an upper unit
what the lower units' records say of the same person (cross-unit findings).

Every read and write runs in a worker through ``run_op`` with its own session (``assist_desktop.sync``);
the page only shows what the services return. File choices go through ``QFileDialog`` unless a path is
handed in (tests).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPlainTextEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.file_history import local_time_text
from assist_desktop.sync import ack as sync_ack
from assist_desktop.sync import checks as sync_checks
from assist_desktop.sync import export as sync_export
from assist_desktop.sync import history as sync_history
from assist_desktop.sync import importer as sync_importer
from assist_desktop.sync import keys as sync_keys
from assist_desktop.sync.errors import SyncCancelled, SyncError
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.permissions import require_roles, set_enabled


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))


def _when(value: Any) -> str:
    """Stored in UTC, shown in the office's local time."""
    return local_time_text(value) if value else ""


def _report(progress: Progress) -> dict[str, Any]:
    """The services' progress and cancelled callables, wired to a run_op Progress."""
    return {"progress": lambda done, total: progress.report(done, total), "cancelled": lambda: progress.cancelled}


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ops: list[Op[Any]] = []
        self.plan: sync_export.ExportPlan | None = None
        self.prepared: sync_importer.PreparedImport | None = None
        self.imported: sync_importer.ImportResult | None = None
        self.ack_path: Path | None = None
        self.last_export: sync_export.ExportResult | None = None
        self.last_error: str = ""

        self.tabs = QTabWidget()
        self.tabs.addTab(self._pending_tab(), self.tr("Pending changes"))
        self.tabs.addTab(self._export_tab(), self.tr("Export"))
        self.tabs.addTab(self._import_tab(), self.tr("Import"))
        self.tabs.addTab(self._ack_tab(), self.tr("Acknowledgements"))
        self.tabs.addTab(self._history_tab(), self.tr("History"))
        self.tabs.addTab(self._units_tab(), self.tr("Units"))
        # Only a unit holding lower units' records can find what two of them say of one person.
        self.upper_level = sync_keys.LEVEL_RANK.get(ctx.unit.level, 99) < sync_keys.LEVEL_RANK["county"]
        if self.upper_level:
            self.tabs.addTab(self._findings_tab(), self.tr("Cross-unit checks"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.refresh()

    # --- plumbing -----------------------------------------------------------------------------------

    def _run(self, work: Callable[[Any], Any], done: Callable[[Any], None], *, title: str = "",
             show_progress: bool = False, error_label: QLabel | None = None, popup: bool = True,
             refused: Callable[[BaseException], bool] | None = None) -> Op[Any]:
        """Run ``work(session, progress)`` in a worker; a refusal goes to ``error_label`` and, for what the
        caseworker asked for (``popup``), to a message box too (a page refresh stays quiet). A cancel is the
        caseworker's own doing: said in the label only. ``refused``: says a refusal of its own, if it returns True."""
        def failed(exc: BaseException) -> None:
            if refused is not None and refused(exc):
                return
            self.last_error = getattr(exc, "message", "") or type(exc).__name__
            if error_label is not None:
                error_label.setText(self.last_error)
            if popup and not isinstance(exc, SyncCancelled):
                show_error(self, exc)

        def job(progress: Progress) -> Any:
            with self.ctx.db.session() as s:
                return work(s, progress)

        self.ops = [op for op in self.ops if not op.done]
        op = run_op(self, job, on_done=done, on_error=failed, title=title, show_progress=show_progress)
        self.ops.append(op)
        return op

    def idle(self) -> bool:
        """Nothing being read or written (tests)."""
        return all(op.done for op in self.ops)

    def _choose_open(self, title: str, filters: str) -> Path | None:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _ = QFileDialog.getOpenFileName(self, title, start, filters)
        return Path(name) if name else None

    def _choose_save(self, title: str, suggested: str, filters: str) -> Path | None:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _ = QFileDialog.getSaveFileName(self, title, str(Path(start) / suggested), filters)
        return Path(name) if name else None

    def _package_filter(self) -> str:
        return self.tr("Sync packages (*.sync);;All files (*)")

    def _ack_filter(self) -> str:
        return self.tr("Acknowledgements (*.ack);;All files (*)")

    def _key_filter(self) -> str:
        # .unitkey: the name the terminal suggests (assist-desktop unit export-key)
        return self.tr("Key files (*.key *.unitkey);;All files (*)")

    def refresh(self) -> None:
        self.refresh_pending()
        self.refresh_plan()
        self.refresh_history()
        self.refresh_units()
        if self.upper_level:
            self.refresh_findings()

    # --- 待同步 ---------------------------------------------------------------------------------------

    def _pending_tab(self) -> QWidget:
        tab = QWidget()
        self.pending_table = _table([self.tr("Kind of record"), self.tr("Changed rows")])
        self.pending_total = QLabel()
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh_pending)
        bar = QHBoxLayout()
        bar.addWidget(self.pending_total, 1)
        bar.addWidget(refresh)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("Records changed in this unit that the upper unit has not yet confirmed:")))
        layout.addWidget(self.pending_table)
        layout.addLayout(bar)
        return tab

    def refresh_pending(self) -> None:
        def done(pending: list[sync_export.PendingCount]) -> None:
            self.pending = pending
            _fill(self.pending_table, [[p.label, str(p.rows)] for p in pending])
            total = sum(p.rows for p in pending)
            self.pending_total.setText(self.tr("{0} changed rows in all").format(total) if total
                                       else self.tr("Nothing waits to be sent."))

        self._run(lambda s, _p: sync_export.pending_changes(s), done, error_label=self.pending_total, popup=False)

    # --- 导出 -----------------------------------------------------------------------------------------

    def _export_tab(self) -> QWidget:
        tab = QWidget()
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.full_box = QCheckBox(self.tr("Full snapshot (every record held, not only the changes)"))
        self.full_box.toggled.connect(self.refresh_plan)
        self.export_button = QPushButton(self.tr("Export package…"))
        self.export_button.clicked.connect(lambda: self.export())
        require_roles(self.export_button, self.ctx.roles, *sync_export.SYNC_ROLES)
        self.export_result = QLabel()
        self.export_result.setWordWrap(True)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.full_box)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.export_result)
        layout.addStretch(1)
        return tab

    def refresh_plan(self) -> None:
        full = self.full_box.isChecked()
        self.export_button.setEnabled(False)

        def done(plan: sync_export.ExportPlan) -> None:
            self.plan = plan
            kind = (self.tr("full snapshot ({0})").format(plan.full_reason or self.tr("requested")) if plan.full
                    else self.tr("changes only"))
            self.plan_label.setText(self.tr("Send to: {0}\nPackage no. {1}, {2}, {3} records.")
                                    .format(plan.target.label, plan.seq, kind, plan.rows))
            set_enabled(self.export_button, True)

        def work(s: Any, _p: Progress) -> sync_export.ExportPlan:
            if sync_keys.upper_unit(s) is None:
                raise SyncError(no_upper)
            return sync_export.plan_export(s, full=full)

        no_upper = self.tr("This unit has no upper unit yet: on the Units tab, choose “Set upper unit…” and "
                           "open the upper unit's public key file.")

        self.plan = None
        self._run(work, done, error_label=self.plan_label, popup=False)

    def export(self, path: Path | str | None = None) -> None:
        plan = self.plan
        if path is None:
            suggested = plan.suggested_name if plan else "package.sync"
            path = self._choose_save(self.tr("Save sync package"), suggested, self._package_filter())
            if path is None:
                return
        out, full = Path(path), self.full_box.isChecked()
        user = self.ctx.user

        def work(s: Any, progress: Progress) -> sync_export.ExportResult:
            return sync_export.export_package(s, user, out, full=full, **_report(progress))

        def done(result: sync_export.ExportResult) -> None:
            self.last_export = result
            self.export_result.setText(result.summary())
            self.refresh()

        self.export_result.clear()
        self._run(work, done, title=self.tr("Exporting sync package…"), show_progress=True,
                  error_label=self.export_result)

    # --- 导入 -----------------------------------------------------------------------------------------

    def _import_tab(self) -> QWidget:
        tab = QWidget()
        choose = QPushButton(self.tr("Choose package…"))
        choose.clicked.connect(lambda: self.inspect())
        require_roles(choose, self.ctx.roles, *sync_export.SYNC_ROLES)
        self.choose_package_button = choose
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.discard_button = QPushButton(self.tr("Do not import"))
        self.discard_button.setEnabled(False)
        self.discard_button.clicked.connect(self.discard)
        self.save_ack_button = QPushButton(self.tr("Save acknowledgement…"))
        self.save_ack_button.setEnabled(False)
        self.save_ack_button.clicked.connect(lambda: self.save_ack())
        self.import_report = QPlainTextEdit()
        self.import_report.setReadOnly(True)
        self.import_result = QLabel()
        self.import_result.setWordWrap(True)
        row = QHBoxLayout()
        for button in (choose, self.apply_button, self.discard_button, self.save_ack_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.import_report, 1)
        layout.addWidget(self.import_result)
        return tab

    def _drop_prepared(self) -> None:
        """Close the verified package: its decrypted copy (personal data) is deleted at once."""
        if self.prepared is not None:
            self.prepared.close()
            self.prepared = None
        self.discard_button.setEnabled(False)

    def inspect(self, path: Path | str | None = None, *, accept_audit_break: bool = False) -> None:
        if path is None:
            path = self._choose_open(self.tr("Choose sync package"), self._package_filter())
            if path is None:
                return
        source = Path(path)
        self._drop_prepared()
        self.imported = None
        self.apply_button.setEnabled(False)
        self.save_ack_button.setEnabled(False)
        self.import_report.clear()
        self.import_result.clear()
        user = self.ctx.user

        def work(s: Any, progress: Progress) -> sync_importer.PreparedImport:
            # a unit's audit chain that breaks: refused, naming the unit and the entries, and in the audit log
            return sync_importer.inspect_or_refuse(s, user, source, cancelled=lambda: progress.cancelled,
                                                   accept_audit_break=accept_audit_break)

        def done(prepared: sync_importer.PreparedImport) -> None:
            self._drop_prepared()  # one verified package at a time
            self.import_report.setPlainText("\n".join(prepared.report.lines()))
            if prepared.report.status != sync_importer.NEW:
                prepared.close()  # already imported or overtaken: nothing to apply, nothing kept
                return
            self.prepared = prepared
            self.apply_button.setEnabled(True)
            self.discard_button.setEnabled(True)

        self._run(work, done, title=self.tr("Verifying sync package…"), show_progress=True,
                  error_label=self.import_result, refused=lambda exc: self._audit_break(exc, source))

    def _audit_break(self, exc: BaseException, source: Path) -> bool:
        """A unit's audit chain breaks: said naming the unit and the entries (the refusal is in the audit log).
        The sender's own chain — its database went back to a backup — an administrator or approver may take
        knowingly here, once they have checked with that office; the package is then verified again and the
        break goes into the import's audit event. Returns False for any other refusal."""
        if not isinstance(exc, sync_importer.AuditBreak):
            return False
        said = exc.problem + sync_importer.RECORDED
        may_accept = exc.acceptable and bool({Role.admin, Role.approver} & set(self.ctx.roles))
        self.last_error = said
        self.import_result.setText(said)
        if not may_accept:
            QMessageBox.warning(self, self.tr("Not imported"), said + "\n\n" + self.tr(
                "If that union's database really went back to a backup, an administrator or approver can accept "
                "the package on this page after checking with that union."))
            return True
        answer = QMessageBox.question(self, self.tr("Audit chain broken"), said + "\n\n" + self.tr(
            "Only if that union's database went back to a backup, and you have checked this with that union: "
            "accept the package anyway? The acceptance goes into the audit log."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.inspect(source, accept_audit_break=True)
        return True

    def apply(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        user = self.ctx.user
        # The worker owns the verified package now and closes it, applied, refused or cancelled: the page
        # (closing, or another file chosen) must not close it under the worker's feet.
        self.prepared = None
        self.apply_button.setEnabled(False)
        self.discard_button.setEnabled(False)

        def work(s: Any, progress: Progress) -> sync_importer.ImportResult:
            try:
                return sync_importer.apply_package(s, user, prepared, **_report(progress))
            finally:
                prepared.close()

        def done(result: sync_importer.ImportResult) -> None:
            self.imported = result
            self.import_result.setText(result.summary())
            self.save_ack_button.setEnabled(result.package_id is not None)
            self.refresh()
            self.ctx.events.synced.emit()

        self._run(work, done, title=self.tr("Importing sync package…"), show_progress=True,
                  error_label=self.import_result)

    def discard(self) -> None:
        """The caseworker read the report and does not import the package."""
        if self.prepared is None:
            return
        self._drop_prepared()
        self.apply_button.setEnabled(False)
        self.import_report.clear()
        self.import_result.setText(self.tr("Not imported; the database is unchanged."))

    def save_ack(self, path: Path | str | None = None) -> None:
        result = self.imported
        if result is None or result.package_id is None:
            return
        if path is None:
            m = result.report.manifest
            suggested = f"{m.target.code}-ack-{m.source.code}-{m.seq:04d}.ack"
            path = self._choose_save(self.tr("Save acknowledgement"), suggested, self._ack_filter())
            if path is None:
                return
        out, package_id = Path(path), result.package_id

        def done(written: Path) -> None:
            self.ack_path = written
            self.import_result.setText(self.tr("Acknowledgement saved: {0}. Take it back to the unit that sent "
                                               "the package.").format(written))

        self._run(lambda s, _p: sync_ack.write_ack(s, package_id, out), done, error_label=self.import_result)

    # --- 回执 -----------------------------------------------------------------------------------------

    def _ack_tab(self) -> QWidget:
        tab = QWidget()
        choose = QPushButton(self.tr("Choose acknowledgement…"))
        choose.clicked.connect(lambda: self.read_ack())
        require_roles(choose, self.ctx.roles, *sync_export.SYNC_ROLES)
        self.choose_ack_button = choose
        self.ack_apply_button = QPushButton(self.tr("Apply acknowledgement"))
        self.ack_apply_button.setEnabled(False)
        self.ack_apply_button.clicked.connect(self.apply_ack)
        self.ack_report = QLabel()
        self.ack_report.setWordWrap(True)
        self.ack_result = QLabel()
        self.ack_result.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(choose)
        row.addWidget(self.ack_apply_button)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("The upper unit sends an acknowledgement once it has imported a package; "
                                        "importing it marks the records sent as synced.")))
        layout.addLayout(row)
        layout.addWidget(self.ack_report)
        layout.addWidget(self.ack_result)
        layout.addStretch(1)
        return tab

    def read_ack(self, path: Path | str | None = None) -> None:
        if path is None:
            path = self._choose_open(self.tr("Choose acknowledgement"), self._ack_filter())
            if path is None:
                return
        source = Path(path)
        self.ack_path = None
        self.ack_apply_button.setEnabled(False)
        self.ack_report.clear()
        self.ack_result.clear()

        def done(report: sync_ack.AckReport) -> None:
            self.ack_path = source
            self.ack_report.setText(report.message)
            self.ack_apply_button.setEnabled(report.status != "old")

        self._run(lambda s, _p: sync_ack.read_ack(s, source), done, error_label=self.ack_result)

    def apply_ack(self) -> None:
        source, user = self.ack_path, self.ctx.user
        if source is None:
            return
        self.ack_apply_button.setEnabled(False)

        def done(result: sync_ack.AckResult) -> None:
            self.ack_report.clear()  # the summary repeats it
            self.ack_result.setText(result.summary())
            self.refresh()
            self.ctx.events.synced.emit()  # the status bar's unsynced count follows

        self._run(lambda s, _p: sync_ack.apply_ack(s, user, source), done, error_label=self.ack_result)

    # --- 历史 -----------------------------------------------------------------------------------------

    def _history_tab(self) -> QWidget:
        tab = QWidget()
        self.history_table = _table([self.tr("Direction"), self.tr("Unit"), self.tr("No."), self.tr("Kind"),
                                     self.tr("Records"), self.tr("Status"), self.tr("Made"),
                                     self.tr("Acknowledged"), self.tr("File"), self.tr("By")])
        self.history_note = QLabel()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.history_table)
        layout.addWidget(self.history_note)
        return tab

    def refresh_history(self) -> None:
        def done(packages: list[sync_history.PackageView]) -> None:
            self.history = packages
            full, changes = self.tr("Full"), self.tr("Changes")
            _fill(self.history_table, [[p.direction_label, f"{p.unit_name}（{p.unit_code}）", str(p.seq),
                                        full if p.full else changes, str(p.rows), p.status_label,
                                        _when(p.made_at), _when(p.acked_at), p.file_name or "", p.actor_name]
                                       for p in packages])
            self.history_note.setText(self.tr("{0} packages").format(len(packages)))

        self._run(lambda s, _p: sync_history.package_history(s), done, error_label=self.history_note, popup=False)

    # --- 单位 -----------------------------------------------------------------------------------------

    def _units_tab(self) -> QWidget:
        tab = QWidget()
        self.units_table = _table([self.tr("Relation"), self.tr("Code"), self.tr("Unit"), self.tr("Last sent"),
                                   self.tr("Last acknowledged"), self.tr("Last received"), self.tr("Fingerprint")])
        own = QPushButton(self.tr("Export this unit's public key…"))
        own.clicked.connect(lambda: self.export_key())
        lower = QPushButton(self.tr("Enrol lower unit…"))
        lower.clicked.connect(lambda: self.enrol(lower=True))
        upper = QPushButton(self.tr("Set upper unit…"))
        upper.clicked.connect(lambda: self.enrol(lower=False))
        for button in (own, lower, upper):
            require_roles(button, self.ctx.roles, *sync_keys.KEY_ROLES)
        # a county has no lower units to enrol (its grassroots unions live in its own file); a province no upper
        lower.setVisible(self.ctx.unit.level != "county")
        upper.setVisible(self.ctx.unit.level != "province")
        self.export_key_button, self.enrol_lower_button, self.set_upper_button = own, lower, upper
        self.units_note = QLabel()
        self.units_note.setWordWrap(True)
        row = QHBoxLayout()
        for button in (own, lower, upper):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.units_table, 1)
        layout.addLayout(row)
        layout.addWidget(self.units_note)
        return tab

    def refresh_units(self) -> None:
        def done(peers: list[sync_keys.PeerView]) -> None:
            self.peers = peers
            _fill(self.units_table, [[p.relation_label, p.code, p.name, str(p.last_sent_seq), str(p.last_acked_seq),
                                      str(p.last_received_seq), p.fingerprint or ""] for p in peers])

        self._run(lambda s, _p: sync_keys.list_peers(s), done, error_label=self.units_note, popup=False)

    def export_key(self, path: Path | str | None = None) -> None:
        if path is None:
            suggested = f"{self.ctx.unit.code}.key"
            path = self._choose_save(self.tr("Save this unit's public key"), suggested, self._key_filter())
            if path is None:
                return
        out, user = Path(path), self.ctx.user

        def work(s: Any, _p: Progress) -> tuple[Path, str]:
            data = sync_keys.export_key_file(s, user, out)  # written in its transaction: no write, no audit
            return out, sync_keys.read_key_file(data).fingerprint

        def done(result: tuple[Path, str]) -> None:
            self.units_note.setText(self.tr("Public key saved: {0}\nFingerprint: {1} (read it to the other unit "
                                            "by telephone so that they can check it).").format(*result))

        self._run(work, done, error_label=self.units_note)

    def confirm_key(self, key_file: sync_keys.UnitKeyFile, lower: bool) -> bool:
        """Show the key file's unit and fingerprint; the caseworker checks it against what the unit said."""
        question = (self.tr("Enrol this unit as a lower unit?") if lower
                    else self.tr("Set this unit as the upper unit?"))
        text = "\n".join([question, "", *key_file.lines(), "",
                          self.tr("Compare the fingerprint with the one the unit read to you by telephone.")])
        answer = QMessageBox.question(self, self.tr("Check the fingerprint"), text)
        return answer == QMessageBox.StandardButton.Yes

    def enrol(self, path: Path | str | None = None, *, lower: bool = True,
              confirm: Callable[[sync_keys.UnitKeyFile, bool], bool] | None = None) -> None:
        if path is None:
            path = self._choose_open(self.tr("Choose the unit's public key file"), self._key_filter())
            if path is None:
                return
        source, user = Path(path), self.ctx.user
        check = confirm or self.confirm_key
        own = self.tr("This is this unit's own public key file; open the file the other unit exported.")

        def read(s: Any, _p: Progress) -> sync_keys.UnitKeyFile:
            key_file = sync_keys.read_key_file(source)
            if key_file.unit_id == sync_keys.local_unit(s).id:
                raise SyncError(own)  # refused before the caseworker is asked to check a fingerprint
            return key_file

        def register(key_file: sync_keys.UnitKeyFile) -> None:
            if not check(key_file, lower):
                return
            action = sync_keys.enrol_lower_unit if lower else sync_keys.set_upper_unit

            def done(result: sync_keys.EnrolResult) -> None:
                self.units_note.setText(result.summary())
                self.refresh()

            self._run(lambda s, _p: action(s, user, key_file, fingerprint=key_file.fingerprint), done,
                      error_label=self.units_note)

        self._run(read, register, error_label=self.units_note)

    # --- 跨单位核查 -------------------------------------------------------------------------------------

    def _findings_tab(self) -> QWidget:
        tab = QWidget()
        self.findings_table = _table([self.tr("Finding"), self.tr("Name"), self.tr("ID number"), self.tr("Year"),
                                      self.tr("Units and records")])
        self.findings_note = QLabel()
        self.findings_note.setWordWrap(True)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh_findings)
        bar = QHBoxLayout()
        bar.addWidget(self.findings_note, 1)
        bar.addWidget(refresh)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("What the records of two lower units say of the same person; check with "
                                        "the units concerned:")))
        layout.addWidget(self.findings_table)
        layout.addLayout(bar)
        return tab

    def refresh_findings(self) -> None:
        def done(findings: list[sync_checks.Finding]) -> None:
            self.findings = findings
            _fill(self.findings_table, [[f.label, f.name, f.id_number_masked, str(f.year or ""),
                                         "；".join(f"{i.unit_name}（{i.unit_code}）{i.role} {i.record_no}"
                                                  for i in f.involved)] for f in findings])
            self.findings_note.setText(self.tr("{0} findings to check").format(len(findings)) if findings
                                       else self.tr("No records of two units concern the same person."))

        self._run(lambda s, _p: sync_checks.cross_unit_findings(s), done, error_label=self.findings_note,
                  popup=False)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt
        self._drop_prepared()
        super().closeEvent(event)
