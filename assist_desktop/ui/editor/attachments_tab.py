"""附件: the scanned materials of a file — add, open, save a copy, remove. All I/O runs off the GUI thread."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain.enums import MaterialKind
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import FileStatus, GrantStatus, Role
from assist_desktop.services import attachments as service
from assist_desktop.services.attachments import AttachmentInfo, format_size
from assist_desktop.services.file_history import local_time_text
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.fields import EnumCombo

# The materials every file needs whatever its causes (DOMAIN.md, "Materials a file needs"); the ones that depend
# on the cause (diagnosis, disability certificate, accident proof …) are the caseworker's judgement.
BASIC_MATERIALS = ("application_form", "file_form", "id_card", "hukou_book", "income_proof", "bank_card",
                   "aid_application", "income_check_authorisation")
TEMP_FOLDER = "assist-desktop-attachments"
TEMP_KEEP_SECONDS = 3600


class FileDialogs:
    """The file dialogs and the hand-off to the desktop's viewer; tests pass a stand-in."""

    def open_files(self, parent: QWidget, title: str, name_filter: str) -> list[str]:
        paths, _selected = QFileDialog.getOpenFileNames(parent, title, str(Path.home()), name_filter)
        return list(paths)

    def save_file(self, parent: QWidget, title: str, suggested: str) -> str:
        path, _selected = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested))
        return path

    def open_external(self, path: str) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def _clean_old_copies(folder: Path) -> None:
    """Copies opened for viewing hold personal data: drop those older than an hour (a viewer may hold one)."""
    now = time.time()
    for old in folder.iterdir():
        try:
            if now - old.stat().st_mtime > TEMP_KEEP_SECONDS:
                old.unlink()
        except OSError:
            continue


def _button_value(result: object) -> int:
    return int(getattr(result, "value", result))  # type: ignore[call-overload]


class AttachmentsTab(QWidget):
    """The materials of a hardship file; ``ApplicationAttachments`` below keeps those of an application."""

    changed = Signal()  # a material was added or removed
    BASIC: tuple[str, ...] = BASIC_MATERIALS

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:  # type: ignore[override]
        # this class's strings keep their catalogue context in a subclass too (Qt would look them up under
        # the subclass's name)
        return QCoreApplication.translate("AttachmentsTab", text, disambiguation, n)

    # the service calls for this kind of record (``file_id`` is the record's id)
    def _list(self, session, user, owner_id):  # type: ignore[no-untyped-def]
        return service.list_attachments(session, user, owner_id)

    def _add(self, session, user, owner_id, **kw):  # type: ignore[no-untyped-def]
        return service.add_attachment(session, user, owner_id, **kw)

    def _content(self, session, user, owner_id, attachment_id):  # type: ignore[no-untyped-def]
        return service.attachment_content(session, user, owner_id, attachment_id)

    def _remove(self, session, user, owner_id, attachment_id):  # type: ignore[no-untyped-def]
        return service.remove_attachment(session, user, owner_id, attachment_id)

    def _unsaved_text(self) -> str:
        return self.tr("Save the file first, then add its materials.")

    def _remove_text(self) -> str:
        return self.tr("Remove “{0}” ({1}) from this file?")

    def __init__(self, ctx: AppContext, dialogs: FileDialogs | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialogs = dialogs or FileDialogs()
        self.file_id: str | None = None
        self.status: str | None = None
        self.own = True  # False: the file belongs to another unit (a county's, at the city): view only
        self.items: list[AttachmentInfo] = []
        self.loaded = False
        self.op: Op | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Kind of material")))
        self.kind = EnumCombo(MaterialKind.choices())
        self.kind.setObjectName("attachment_kind")
        self.kind.setSizeAdjustPolicy(EnumCombo.SizeAdjustPolicy.AdjustToContents)
        top.addWidget(self.kind)
        self.add_button = QPushButton(self.tr("Add files…"))
        self.add_button.setObjectName("add_attachment")
        self.add_button.setToolTip(self.tr("Choose scanned files to keep with this record"))
        top.addWidget(self.add_button)
        top.addStretch(1)
        layout.addLayout(top)
        self.note = QLabel(self.tr("Each file at most 20 megabytes; identical content is kept once. "
                                   "Files are stored in the database with their SHA-256 checksum."))
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("attachments")
        self.table.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("File name"), self.tr("Size"),
                                              self.tr("Added"), self.tr("SHA-256")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 300, 90, 140)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        layout.addWidget(self.table, 1)
        self.checklist = QLabel()
        self.checklist.setObjectName("checklist")
        self.checklist.setProperty("role", "hint")
        self.checklist.setWordWrap(True)
        layout.addWidget(self.checklist)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("open_attachment")
        self.save_button = QPushButton(self.tr("Save a copy…"))
        self.save_button.setObjectName("save_attachment")
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("remove_attachment")
        for button in (self.open_button, self.save_button, self.remove_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.add_button.setAutoDefault(False)
        buttons.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("attachments_summary")
        buttons.addWidget(self.summary)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.choose_and_add)
        self.open_button.clicked.connect(self.open_selected)
        self.save_button.clicked.connect(self.save_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self._update_buttons()

    def focus_order(self) -> list[QWidget]:
        return [self.kind, self.add_button, self.table, self.open_button, self.save_button, self.remove_button]

    # --- state --------------------------------------------------------------------------------------------

    def set_file(self, file_id: str | None, status: str | None, *, own: bool = True) -> None:
        self.file_id, self.status, self.own = file_id, status, own
        self._update_buttons()

    @property
    def can_add(self) -> bool:
        return (bool(self.file_id) and self.own and self.ctx.has(Role.clerk)
                and self.status != FileStatus.exited.value)

    @property
    def can_remove(self) -> bool:
        return (bool(self.file_id) and self.own and self.ctx.has(Role.clerk)
                and self.status in (FileStatus.draft.value, FileStatus.active.value))

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        can_view = any(self.ctx.has(r) for r in (Role.clerk, Role.reviewer, Role.approver))
        self.kind.setEnabled(self.can_add)
        self.add_button.setEnabled(self.can_add)
        self.open_button.setEnabled(chosen and can_view)
        self.save_button.setEnabled(chosen and can_view)
        self.remove_button.setEnabled(chosen and self.can_remove)
        self.remove_button.setVisible(self.ctx.has(Role.clerk))
        if not self.file_id:
            self.summary.setText(self._unsaved_text())
        elif self.loaded:
            self.summary.setText(self.tr("{0} materials").format(len(self.items)))

    def selected(self) -> AttachmentInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.items):
            return None
        return self.items[rows[0].row()]

    def _run(self, work: Callable[[Progress], object], on_done: Callable[[object], None], title: str = "",
             show_progress: bool = False) -> Op:
        self.op = run_op(self, work, on_done=on_done, title=title, show_progress=show_progress,
                         cancellable=False)
        return self.op

    # --- list ---------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.file_id:
            self.items, self.loaded = [], True
            self._show()
            return
        db, user, file_id = self.ctx.db, self.ctx.user, self.file_id

        def work(_p: Progress) -> list[AttachmentInfo]:
            with db.session() as session:
                return self._list(session, user, file_id)

        def done(items: object) -> None:
            self.items = list(items)  # type: ignore[call-overload]
            self.loaded = True
            self._show()

        self._run(work, done)

    def _show(self) -> None:
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            values = (item.kind_label, item.name, format_size(item.size), local_time_text(item.added_at),
                      item.sha256[:16] + "…")
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column == 4:
                    cell.setToolTip(item.sha256)
                elif column == 1:
                    cell.setToolTip(item.mime_type)
                self.table.setItem(row, column, cell)
        present = {item.kind for item in self.items}
        missing = [MaterialKind(kind).label for kind in self.BASIC if kind not in present]
        if not self.file_id:
            self.checklist.clear()
        elif missing:
            self.checklist.setText(self.tr("Basic materials not yet added: {0}").format("、".join(missing)))
        else:
            self.checklist.setText(self.tr("All basic materials are here; add those the causes call for."))
        self._update_buttons()

    # --- adding -------------------------------------------------------------------------------------------

    def choose_and_add(self) -> None:
        if not self.can_add:
            return
        paths = self.dialogs.open_files(self, self.tr("Add materials"),
                                        self.tr("Scans and documents (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc "
                                                "*.docx *.xls *.xlsx *.ofd);;All files (*)"))
        if paths:
            self.add_files(paths, str(self.kind.code()))

    def add_files(self, paths: list[str], kind: str) -> Op | None:
        if not self.can_add or not paths:
            return None
        db, user, file_id = self.ctx.db, self.ctx.user, self.file_id

        def work(progress: Progress) -> tuple[list[str], list[str]]:
            added, refused = [], []
            for number, path in enumerate(paths, start=1):
                progress.report(number - 1, len(paths), os.path.basename(path))
                name = os.path.basename(path)
                try:
                    service.check_size(name, os.path.getsize(path))
                    content = Path(path).read_bytes()
                    with db.session() as session:
                        self._add(session, user, file_id, kind=kind, name=name, content=content)
                    added.append(name)
                except DomainError as exc:
                    refused.append(exc.message)
                except OSError as exc:
                    refused.append(f"“{name}”：{exc.strerror or exc}")
            return added, refused

        def done(result: object) -> None:
            added, refused = result  # type: ignore[misc]
            if added:
                self.changed.emit()
            self.refresh()
            if refused:
                show_error(self, DomainError("\n".join(refused)))

        return self._run(work, done, title=self.tr("Adding materials…"), show_progress=True)

    # --- opening, saving, removing ------------------------------------------------------------------------

    def _fetch(self, item: AttachmentInfo, then: Callable[[bytes], object]) -> Op:
        db, user, file_id = self.ctx.db, self.ctx.user, self.file_id

        def work(_p: Progress) -> object:
            with db.session() as session:
                content = self._content(session, user, file_id, item.id)
            return then(content)

        return self._run(work, lambda _r: self.changed.emit(), title=self.tr("Reading the material…"),
                         show_progress=True)

    def open_selected(self) -> Op | None:
        item = self.selected()
        if item is None or not self.open_button.isEnabled():
            return None
        dialogs = self.dialogs

        def write(content: bytes) -> str:
            folder = Path(tempfile.gettempdir()) / TEMP_FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            _clean_old_copies(folder)
            target = folder / f"{item.id[:8]}-{item.name}"
            target.write_bytes(content)
            return str(target)

        op = self._fetch(item, write)
        op.settled.connect(lambda: op.result and dialogs.open_external(str(op.result)))
        return op

    def save_selected(self) -> Op | None:
        item = self.selected()
        if item is None or not self.save_button.isEnabled():
            return None
        path = self.dialogs.save_file(self, self.tr("Save a copy of the material"), item.name)
        if not path:
            return None
        return self._fetch(item, lambda content: Path(path).write_bytes(content))

    def remove_selected(self) -> Op | None:
        item = self.selected()
        if item is None or not self.can_remove:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove material"),
                          self._remove_text().format(item.name, item.kind_label),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Remove"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Keep"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if _button_value(box.exec()) != QMessageBox.StandardButton.Yes.value:
            return None
        db, user, file_id = self.ctx.db, self.ctx.user, self.file_id

        def work(_p: Progress) -> None:
            with db.session() as session:
                self._remove(session, user, file_id, item.id)

        def done(_r: object) -> None:
            self.changed.emit()
            self.refresh()

        return self._run(work, done, title=self.tr("Removing the material…"))


class ApplicationAttachments(AttachmentsTab):
    """The materials of a scholarship application (admission notice, fee standard, hardship proof), kept as a
    file's are: added by the clerk while the application is not cancelled, removed only from a draft."""

    BASIC = ("application_form", "id_card", "student_proof")

    def _list(self, session, user, owner_id):  # type: ignore[no-untyped-def]
        return service.list_application_attachments(session, user, owner_id)

    def _add(self, session, user, owner_id, **kw):  # type: ignore[no-untyped-def]
        return service.add_application_attachment(session, user, owner_id, **kw)

    def _content(self, session, user, owner_id, attachment_id):  # type: ignore[no-untyped-def]
        return service.application_attachment_content(session, user, owner_id, attachment_id)

    def _remove(self, session, user, owner_id, attachment_id):  # type: ignore[no-untyped-def]
        return service.remove_application_attachment(session, user, owner_id, attachment_id)

    def _unsaved_text(self) -> str:
        return QCoreApplication.translate("ApplicationAttachments", "Save the application first, then add its "
                                                                    "materials.")

    def _remove_text(self) -> str:
        return QCoreApplication.translate("ApplicationAttachments", "Remove “{0}” ({1}) from this application?")

    @property
    def can_add(self) -> bool:
        return (bool(self.file_id) and self.own and self.ctx.has(Role.clerk)
                and self.status != GrantStatus.cancelled.value)

    @property
    def can_remove(self) -> bool:
        return bool(self.file_id) and self.own and self.ctx.has(Role.clerk) and self.status == GrantStatus.draft.value
