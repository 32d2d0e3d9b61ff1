"""设置: the users of this unit (the administrator manages them; everyone changes their own password),
the grassroots unions files are filed under, the database and its backups, and the standards tables.

Every read and write runs in a worker through ``run_op`` with its own session; the services decide and
refuse (roles, the last administrator, another unit's users), the page only shows their answer. At a city
or province the users of the counties below, synced upward, are not listed: they are managed at home.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
                               QLabel, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)
from sqlmodel import Session

from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import units, users
from assist_desktop.services.units import UnitChoice
from assist_desktop.services.users import UserView
from assist_desktop.services import backups
from assist_desktop.storage.backup import AUTO, BEFORE_RESTORE, MANUAL, UPGRADE, BackupManager
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.public_notice.settings_tab import NoticeSettingsTab
from assist_desktop.ui.editor.fields import STYLE
from assist_desktop.ui.settings.dialogs import (ChangePasswordDialog, DeactivateDialog, FormDialog, NewUserDialog,
                                                ResetPasswordDialog, RolesDialog, UnitNameDialog)

UPPER_LEVELS = ("city", "province")
SUCCESS_COLOUR = "#2e7d32"


@dataclass(frozen=True)
class BackupRow:
    path: Path
    taken_at: datetime
    reason: str
    size: int


def size_text(size: int) -> str:
    """Bytes as a caseworker reads them (KB and MB are allowed in the Chinese UI)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 0) / 1024:.0f} KB"


def _table(headers: list[str], name: str, stretch: int = -1) -> QTableWidget:
    """A read-only list; column ``stretch`` (default the last) takes the width left over."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setStyleSheet("QTableView::item { padding: 0 8px; }")
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch % len(headers), QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(64)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], keys: list[Any]) -> None:
    """Rows of text; ``keys`` go to the first cell's UserRole so a selection survives a refresh."""
    selected = _selected_key(table)
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)
    if selected is not None and selected in keys:
        table.selectRow(keys.index(selected))


def _selected_key(table: QTableWidget) -> Any:
    rows = table.selectionModel().selectedRows() if table.selectionModel() else []
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return item.data(Qt.ItemDataRole.UserRole) if item else None


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.admin = ctx.has(Role.admin)
        self.upper = ctx.unit.level in UPPER_LEVELS
        self.ops: list[Op[Any]] = []
        self.dialogs: list[FormDialog] = []
        self.users: list[UserView] = []
        self.units: list[UnitChoice] = []
        self.backups: list[BackupRow] = []
        self.restored_from: Path | None = None
        self.setStyleSheet(STYLE)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        heading = QLabel(self.tr("Settings"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("Standards tables:")))
        self.scholarship_standards = QPushButton(self.tr("Golden Autumn scholarships…"))
        self.scholarship_standards.setObjectName("scholarship_standards")
        self.scholarship_standards.clicked.connect(lambda: self.open_standards("scholarship"))
        self.campaign_standards = QPushButton(self.tr("Spring Festival visits…"))
        self.campaign_standards.setObjectName("campaign_standards")
        self.campaign_standards.clicked.connect(lambda: self.open_standards("spring_festival"))
        top.addWidget(self.scholarship_standards)
        top.addWidget(self.campaign_standards)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings_tabs")
        self.tabs.addTab(self._users_tab(), self.tr("Users"))
        self.tabs.addTab(self._units_tab(), self.tr("Grassroots unions"))
        self.tabs.addTab(self._data_tab(), self.tr("Data and backups"))
        self.notice_tab = NoticeSettingsTab(ctx)  # 公示与节假日 (ui/public_notice)
        self.tabs.addTab(self.notice_tab, self.notice_tab.title())
        layout.addWidget(self.tabs, 1)
        ctx.events.backup_taken.connect(self._backup_taken)
        self.refresh()

    # --- plumbing -----------------------------------------------------------------------------------

    def _run(self, work: Callable[[Session], Any], done: Callable[[Any], None], *, status: QLabel,
             title: str = "", show_progress: bool = False, popup: bool = False) -> Op[Any]:
        """``work(session)`` in a worker; a refusal goes to ``status`` (and a message box for what the
        caseworker asked for)."""
        def failed(exc: BaseException) -> None:
            self._say(status, getattr(exc, "message", "") or type(exc).__name__, error=True)
            if popup:
                show_error(self, exc)

        def job(_progress: Progress) -> Any:
            with self.ctx.db.session() as session:
                return work(session)

        self.ops = [op for op in self.ops if not op.done]
        op = run_op(self, job, on_done=done, on_error=failed, title=title, show_progress=show_progress,
                    cancellable=False)
        self.ops.append(op)
        return op

    def idle(self) -> bool:
        """Nothing being read or written, no form saving (tests)."""
        forms = [d for d in self.dialogs if shiboken6.isValid(d)]
        return all(op.done for op in self.ops) and all(d.idle() for d in forms) and self.notice_tab.idle()

    @staticmethod
    def _say(label: QLabel, text: str, *, error: bool = False) -> None:
        label.setStyleSheet("" if not text else f"color: {'#c62828' if error else SUCCESS_COLOUR};")
        label.setText(text)

    def _open(self, dialog: FormDialog, on_saved: Callable[[Any], None]) -> FormDialog:
        dialog.saved.connect(on_saved)
        for old in self.dialogs:  # forms closed earlier go now, not with the page
            if shiboken6.isValid(old) and not old.isVisible() and old.idle():
                old.deleteLater()
        self.dialogs = [d for d in self.dialogs if shiboken6.isValid(d) and d.isVisible()]
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def refresh(self) -> None:
        self.refresh_users()
        self.refresh_units()
        self.refresh_backups()

    def open_standards(self, program: str) -> QWidget:
        from assist_desktop.ui.standards.dialog import open_standards

        return open_standards(self.ctx, program, self.ctx.today().year, self)

    # --- 用户管理 --------------------------------------------------------------------------------------

    def _users_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.users_note = QLabel()
        self.users_note.setObjectName("users_note")
        self.users_note.setWordWrap(True)
        self.users_note.setProperty("role", "hint")
        layout.addWidget(self.users_note)
        self.change_password_button = QPushButton(self.tr("Change my password…"))
        self.change_password_button.setObjectName("change_password")
        self.change_password_button.clicked.connect(self.change_password)
        self.users_status = _message_label("users_status")
        self.manage_buttons: dict[str, QPushButton] = {}
        if self.admin:
            note = self.tr("The users of this unit. A deactivated user can no longer log in; what they did is kept. "
                           "Users are never deleted.")
            if self.upper:
                note += self.tr(" The users reported by the units below are managed by those units and are not "
                                "listed here.")
            self.users_note.setText(note)
            self.users_table = _table([self.tr("Username"), self.tr("Name"), self.tr("Roles"), self.tr("Union"),
                                       self.tr("Status"), self.tr("Must change password")], "users_table", stretch=3)
            self.users_table.itemSelectionChanged.connect(self._update_user_buttons)
            self.users_table.doubleClicked.connect(lambda _i: self.set_roles())
            layout.addWidget(self.users_table, 1)
            row = QHBoxLayout()
            for key, text, slot in (("new_user", self.tr("New user…"), self.new_user),
                                    ("set_roles", self.tr("Set roles…"), self.set_roles),
                                    ("deactivate", self.tr("Deactivate…"), self.deactivate),
                                    ("reactivate", self.tr("Enable"), self.reactivate),
                                    ("reset_password", self.tr("Reset password…"), self.reset_password),
                                    ("unlock", self.tr("Unlock"), self.unlock)):
                button = QPushButton(text)
                button.setObjectName(key)
                button.clicked.connect(slot)
                row.addWidget(button)
                self.manage_buttons[key] = button
            row.addStretch(1)
            row.addWidget(self.change_password_button)
            layout.addLayout(row)
            layout.addWidget(self.users_status)
            self._update_user_buttons()
        else:
            self.users_note.setText(self.tr("Only an administrator manages users. You can change your own password "
                                            "here."))
            box = QGroupBox(self.tr("My account"))
            box.setMaximumWidth(560)
            form = QFormLayout(box)
            self.own_labels = {key: QLabel() for key in ("username", "name", "roles", "union")}
            for key, caption in (("username", self.tr("Username")), ("name", self.tr("Name")),
                                 ("roles", self.tr("Roles")), ("union", self.tr("Union"))):
                self.own_labels[key].setObjectName(f"own_{key}")
                form.addRow(caption, self.own_labels[key])
            row = QHBoxLayout()
            row.addWidget(self.change_password_button)
            row.addStretch(1)
            form.addRow(row)
            layout.addWidget(box)
            layout.addWidget(self.users_status)
            layout.addStretch(1)
        return tab

    def _roles_text(self, roles: frozenset[Role]) -> str:
        return "、".join(r.label for r in Role if r in roles)

    def _status_text(self, view: UserView) -> str:
        if not view.active:
            return self.tr("Deactivated")
        if view.locked_until is not None:
            return self.tr("Locked until {0}").format(users.format_unlock_time(view.locked_until))
        return self.tr("Active")

    def refresh_users(self) -> None:
        def done(views: list[UserView]) -> None:
            self.users = views
            if self.admin:
                rows = [[v.username, v.display_name, self._roles_text(v.roles), v.unit_name, self._status_text(v),
                         self.tr("Yes") if v.must_change_password else ""] for v in views]
                _fill(self.users_table, rows, [v.id for v in views])
                self._update_user_buttons()
            else:
                me = next((v for v in views if v.id == self.ctx.user.id), None)
                if me is not None:
                    for key, text in (("username", me.username), ("name", me.display_name),
                                      ("roles", self._roles_text(me.roles)), ("union", me.unit_name)):
                        self.own_labels[key].setText(text)

        self._run(lambda s: users.list_users(s), done, status=self.users_status)

    def selected_user(self) -> UserView | None:
        if not self.admin:
            return None
        key = _selected_key(self.users_table)
        return next((v for v in self.users if v.id == key), None)

    def select_user(self, username: str) -> None:
        """Select the row of ``username`` (tests, and after creating a user)."""
        for row, view in enumerate(self.users):
            if view.username == username:
                self.users_table.selectRow(row)
                return
        raise KeyError(username)

    def _update_user_buttons(self) -> None:
        if not self.admin:
            return
        view = self.selected_user()
        me = view is not None and view.id == self.ctx.user.id
        enabled = {
            "new_user": True,
            "set_roles": view is not None,
            "deactivate": view is not None and view.active and not me,
            "reactivate": view is not None and not view.active,
            "reset_password": view is not None and not me,
            "unlock": view is not None and view.locked_until is not None,
        }
        for key, button in self.manage_buttons.items():
            button.setEnabled(enabled[key])

    def _after_user_change(self, message: str) -> Callable[[Any], None]:
        def done(_result: Any) -> None:
            self._say(self.users_status, message)
            self.refresh_users()
        return done

    def new_user(self) -> FormDialog | None:
        if not self.admin:
            return None
        dialog = NewUserDialog(self.ctx, self.units, self)

        def saved(_user_id: Any) -> None:
            name, username = dialog.display_name.text().strip(), dialog.username.text().strip()
            self._after_user_change(self.tr("User {0} ({1}) created; they choose their own password at the first "
                                            "login.").format(name, username))(None)

        return self._open(dialog, saved)

    def set_roles(self) -> FormDialog | None:
        view = self.selected_user()
        if view is None:
            return None
        return self._open(RolesDialog(self.ctx, view, self),
                          self._after_user_change(self.tr("Roles of {0} saved.").format(view.display_name)))

    def deactivate(self) -> FormDialog | None:
        view = self.selected_user()
        if view is None:
            return None
        return self._open(DeactivateDialog(self.ctx, view, self),
                          self._after_user_change(self.tr("{0} deactivated.").format(view.display_name)))

    def reset_password(self) -> FormDialog | None:
        view = self.selected_user()
        if view is None:
            return None
        return self._open(ResetPasswordDialog(self.ctx, view, self), self._after_user_change(
            self.tr("Password of {0} reset; they must change it at their next login.").format(view.display_name)))

    def reactivate(self) -> Op[Any] | FormDialog | None:
        view = self.selected_user()
        if view is None:
            return None
        if self.ctx.db.encrypted:  # the key slot comes back with a new password
            from assist_desktop.ui.settings.dialogs import ReactivateDialog

            return self._open(ReactivateDialog(self.ctx, view, self), self._after_user_change(
                self.tr("{0} can log in again with the new password.").format(view.display_name)))
        actor, user_id = self.ctx.user, view.id
        return self._run(lambda s: users.reactivate(s, actor, user_id).id,
                         self._after_user_change(self.tr("{0} can log in again.").format(view.display_name)),
                         status=self.users_status, title=self.tr("Saving"), popup=True)

    def unlock(self) -> Op[Any] | None:
        view = self.selected_user()
        if view is None:
            return None
        actor, user_id = self.ctx.user, view.id
        return self._run(lambda s: users.unlock(s, actor, user_id).id,
                         self._after_user_change(self.tr("{0} unlocked.").format(view.display_name)),
                         status=self.users_status, title=self.tr("Saving"), popup=True)

    def change_password(self) -> FormDialog:
        return self._open(ChangePasswordDialog(self.ctx, self),
                          self._after_user_change(self.tr("Your password has been changed.")))

    # --- 基层工会 -------------------------------------------------------------------------------------

    def _units_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        note = self.tr("Files, scholarships and visits are filed under this unit or one of its grassroots unions.")
        if not self.admin:
            note += self.tr(" Only an administrator adds or renames a union.")
        self.units_note = QLabel(note)
        self.units_note.setWordWrap(True)
        self.units_note.setProperty("role", "hint")
        layout.addWidget(self.units_note)
        self.units_table = _table([self.tr("Code"), self.tr("Union name"), self.tr("Level")], "units_table", stretch=1)
        self.units_table.itemSelectionChanged.connect(self._update_unit_buttons)
        layout.addWidget(self.units_table, 1)
        self.units_status = _message_label("units_status")
        self.add_unit_button = QPushButton(self.tr("New grassroots union…"))
        self.add_unit_button.setObjectName("add_unit")
        self.add_unit_button.clicked.connect(self.add_unit)
        self.rename_unit_button = QPushButton(self.tr("Rename…"))
        self.rename_unit_button.setObjectName("rename_unit")
        self.rename_unit_button.clicked.connect(self.rename_unit)
        if self.admin:
            self.units_table.doubleClicked.connect(lambda _i: self.rename_unit())
            row = QHBoxLayout()
            row.addWidget(self.add_unit_button)
            row.addWidget(self.rename_unit_button)
            row.addStretch(1)
            layout.addLayout(row)
        else:
            self.add_unit_button.hide()
            self.rename_unit_button.hide()
        layout.addWidget(self.units_status)
        self._update_unit_buttons()
        return tab

    def refresh_units(self) -> None:
        def done(choices: list[UnitChoice]) -> None:
            self.units = choices
            _fill(self.units_table, [[u.code, u.name, u.level_label] for u in choices], [u.id for u in choices])
            self._update_unit_buttons()

        self._run(lambda s: units.list_grassroots_units(s), done, status=self.units_status)

    def selected_unit(self) -> UnitChoice | None:
        key = _selected_key(self.units_table)
        return next((u for u in self.units if u.id == key), None)

    def _update_unit_buttons(self) -> None:
        unit = self.selected_unit()
        self.rename_unit_button.setEnabled(self.admin and unit is not None and unit.level == "grassroots")

    def add_unit(self) -> FormDialog | None:
        if not self.admin:
            return None

        def saved(unit: UnitChoice) -> None:
            self._say(self.units_status, self.tr("{0} added with the code {1}.").format(unit.name, unit.code))
            self.refresh_units()

        return self._open(UnitNameDialog(self.ctx, None, self), saved)

    def rename_unit(self) -> FormDialog | None:
        unit = self.selected_unit()
        if not self.admin or unit is None or unit.level != "grassroots":
            return None

        def saved(renamed: UnitChoice) -> None:
            self._say(self.units_status, self.tr("Renamed to {0}.").format(renamed.name))
            self.refresh_units()

        return self._open(UnitNameDialog(self.ctx, unit, self), saved)

    # --- 数据与备份 ------------------------------------------------------------------------------------

    def _data_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        manager = BackupManager(self.ctx.db_path, key=self.ctx.db.key)
        where = QGroupBox(self.tr("Database"))
        form = QFormLayout(where)
        self.db_path_label = _message_label("db_path")
        self.db_path_label.setText(str(self.ctx.db_path))
        self.db_size_label = QLabel()
        self.db_size_label.setObjectName("db_size")
        self.backup_dir_label = _message_label("backup_dir")
        self.backup_dir_label.setText(str(manager.directory))
        open_dir = QPushButton(self.tr("Open folder"))
        open_dir.setObjectName("open_backup_dir")
        open_dir.clicked.connect(self.open_backup_dir)
        dir_row = QHBoxLayout()
        dir_row.addWidget(self.backup_dir_label, 1)
        dir_row.addWidget(open_dir)
        form.addRow(self.tr("Database file"), self.db_path_label)
        form.addRow(self.tr("Size"), self.db_size_label)
        form.addRow(self.tr("Backups folder"), dir_row)
        layout.addWidget(where)

        backups = QGroupBox(self.tr("Backups"))
        column = QVBoxLayout(backups)
        explain = QLabel(self.tr("The program backs the database up when it starts and every hour while it is open "
                                 "(at most once an hour) and keeps older automatic backups by day, week and month. "
                                 "Backups made by hand are never removed."))
        explain.setWordWrap(True)
        explain.setProperty("role", "hint")
        column.addWidget(explain)
        self.backups_table = _table([self.tr("Taken at"), self.tr("Kind"), self.tr("Size"), self.tr("File")],
                                    "backups_table")
        self.backups_table.itemSelectionChanged.connect(self._update_backup_buttons)
        column.addWidget(self.backups_table, 1)
        self.backups_empty = QLabel(self.tr("No backup of this database yet: \"Back up now\" makes one."))
        self.backups_empty.setObjectName("backups_empty")
        self.backups_empty.setProperty("role", "hint")
        self.backups_empty.hide()
        column.addWidget(self.backups_empty)
        row = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.setObjectName("back_up")
        self.backup_button.clicked.connect(self.back_up)
        row.addWidget(self.backup_button)
        self.restore_button = QPushButton(self.tr("Restore the selected backup…"))
        self.restore_button.setObjectName("restore_selected")
        self.restore_button.clicked.connect(lambda: self.restore())
        self.restore_file_button = QPushButton(self.tr("Restore from a file…"))
        self.restore_file_button.setObjectName("restore_file")
        self.restore_file_button.clicked.connect(self.restore_from_file)
        if self.admin:
            row.addWidget(self.restore_button)
            row.addWidget(self.restore_file_button)
        else:
            self.restore_button.hide()
            self.restore_file_button.hide()
        row.addStretch(1)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh_backups)
        row.addWidget(refresh)
        column.addLayout(row)
        self.data_status = _message_label("data_status")
        column.addWidget(self.data_status)
        if not self.admin:
            note = QLabel(self.tr("Only an administrator restores a backup."))
            note.setProperty("role", "hint")
            column.addWidget(note)
        layout.addWidget(backups, 1)
        self._update_backup_buttons()
        return tab

    def _reason_text(self, reason: str) -> str:
        return {AUTO: self.tr("Automatic"), MANUAL: self.tr("By hand"), UPGRADE: self.tr("Before an upgrade"),
                BEFORE_RESTORE: self.tr("Before a restore")}.get(reason, reason)

    def refresh_backups(self) -> None:
        path = self.ctx.db_path

        def work(_s: Session) -> tuple[int, list[BackupRow]]:
            rows = []
            for b in BackupManager(path).list():
                try:
                    size = b.path.stat().st_size
                except OSError:  # removed meanwhile (rotation in another window)
                    continue
                rows.append(BackupRow(b.path, b.taken_at, b.reason, size))
            return path.stat().st_size, rows

        def done(result: tuple[int, list[BackupRow]]) -> None:
            size, rows = result
            self.backups = rows
            self.db_size_label.setText(size_text(size))
            _fill(self.backups_table, [[b.taken_at.strftime("%Y-%m-%d %H:%M:%S"), self._reason_text(b.reason),
                                        size_text(b.size), b.path.name] for b in rows], [str(b.path) for b in rows])
            self.backups_empty.setVisible(not rows)
            self._update_backup_buttons()

        self._run(work, done, status=self.data_status)

    def _backup_taken(self, _path: str) -> None:
        self.refresh_backups()

    def selected_backup(self) -> BackupRow | None:
        key = _selected_key(self.backups_table)
        return next((b for b in self.backups if str(b.path) == key), None)

    def _update_backup_buttons(self) -> None:
        self.restore_button.setEnabled(self.admin and self.selected_backup() is not None)

    def back_up(self) -> Op[Any]:
        self.backup_button.setEnabled(False)

        def done(target: Path) -> None:
            self.backup_button.setEnabled(True)
            self._say(self.data_status, self.tr("Backed up to {0}").format(target))
            self.ctx.events.backup_taken.emit(str(target))  # the status bar and this list refresh

        db, user = self.ctx.db, self.ctx.user

        def work(_s: Session) -> Path:
            return backups.back_up(db, user)  # in the audit log as this user's

        op = self._run(work, done, status=self.data_status, title=self.tr("Backing up"), show_progress=True,
                       popup=True)
        op.settled.connect(lambda: self.backup_button.setEnabled(True))
        return op

    def open_backup_dir(self) -> None:
        directory = BackupManager(self.ctx.db_path).directory
        directory.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(directory)))

    def restore_from_file(self) -> Op[Any] | None:
        start = str(BackupManager(self.ctx.db_path).directory)
        if not Path(start).is_dir():
            start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        kinds = self.tr("Database backups (*.sqlite);;All files (*)") if not self.ctx.db.is_server else \
            self.tr("Database server backups (*.dump);;All files (*)")
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Restore from a backup file"), start, kinds)
        return self.restore(Path(name)) if name else None

    def restore(self, backup: Path | None = None) -> Op[Any] | None:
        """Replace the database with ``backup`` (default: the selected one). The file is checked and described
        first (unit, level, schema, date); another unit's file needs its unit's name typed; then the
        question, and the restore (the current file is backed up first). Everyone then logs in again: the
        restored file may hold other users and other versions of what the open screens show."""
        if not self.admin:
            return None
        if backup is None:
            row = self.selected_backup()
            if row is None:
                return None
            backup = row.path
        from assist_desktop.storage import keyslots

        if keyslots.has_key_file(backup):  # a password of that backup first: its key reads it
            from assist_desktop.ui.settings.dialogs import BackupPasswordDialog

            self._open(BackupPasswordDialog(self.ctx, backup, self), lambda key: self._check_restore(backup, key))
            return None
        return self._check_restore(backup, None)

    def _check_restore(self, backup: Path, backup_key: bytes | None) -> Op[Any]:
        path, db_key = self.ctx.db_path, self.ctx.db.key
        from assist_desktop.storage.restore_check import inspect_restore_file

        self.backup_key = backup_key
        return self._run(lambda _s: inspect_restore_file(backup, path, backup_key=backup_key, db_key=db_key),
                         self._confirm_restore, status=self.data_status, title=self.tr("Checking the backup file"),
                         show_progress=True, popup=True)

    def _confirm_restore(self, found: Any) -> None:
        backup = found.path
        if not found.same_unit:
            from assist_desktop.ui.settings.restore_dialog import OtherUnitRestoreDialog

            dialog = OtherUnitRestoreDialog(found, self)
            dialog.accepted.connect(lambda: self._restore(backup, dialog.typed()))
            self.restore_dialog = dialog
            dialog.open()
            return
        answer = QMessageBox.question(
            self, self.tr("Restore a backup"),
            self.tr("Replace the database with {0}? Everything entered since that backup is replaced; the current "
                    "database is backed up first, so nothing is lost. You will then log in again.").format(backup.name)
            + "\n\n" + "\n".join(found.lines()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self._restore(backup, None)

    def _restore(self, backup: Path, typed_unit_name: str | None) -> Op[Any]:
        from assist_desktop.storage.restore_check import check_confirmation, inspect_restore_file

        path, db, user = self.ctx.db_path, self.ctx.db, self.ctx.user
        key, backup_key = self.ctx.db.key, getattr(self, "backup_key", None)

        def work(_s: Session) -> Path | None:
            check_confirmation(inspect_restore_file(backup, path, backup_key=backup_key, db_key=key), typed_unit_name)
            return backups.restore(db, user, backup, backup_key=backup_key)  # alone on the file; in both audit logs

        def done(safety: Path | None) -> None:
            self.restored_from = backup
            text = self.tr("The database was restored from {0}.").format(backup.name)
            if safety is not None:
                text += self.tr(" The database as it was is kept in {0}.").format(safety)
            self._say(self.data_status, text)
            self.ctx.events.backup_taken.emit(str(safety or backup))
            QMessageBox.information(self, self.tr("Restored"), text + self.tr(" Please log in again."))
            window = self.window()
            if window is not self and hasattr(window, "log_in_again"):
                window.log_in_again()

        return self._run(work, done, status=self.data_status, title=self.tr("Restoring"), show_progress=True,
                         popup=True)
