"""The small forms of the 设置 page: a new user, a user's roles, deactivation with its reason, a password
reset, one's own password, a grassroots union's name.

Each form runs its service call in the background (``run_op``); a refusal lands under the input the
service names (``DomainError.field``), or above the buttons when it names none, and the dialog stays open
with what was typed: the service wrote nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)
from sqlmodel import Session

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import units, users
from assist_desktop.services.units import UnitChoice
from assist_desktop.services.users import UserView
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.fields import STYLE, repolish

Work = Callable[[Session], Any]

# What a caseworker can type as a user name: letters and digits need no input method at the login box.
USERNAME_CHARS = QRegularExpression(r"[A-Za-z0-9_.\-]{0,32}")


class FormDialog(QDialog):
    """A form whose Save runs one service call off the GUI thread and closes once it succeeded."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.op: Op[Any] | None = None
        self.outcome: Any = None  # what the service returned once saved
        self.setWindowTitle(title)
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setProperty("role", "hint")
        self.intro.hide()
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.general = QLabel()
        self.general.setObjectName("general_message")
        self.general.setProperty("role", "error")
        self.general.setWordWrap(True)
        self.general.hide()
        layout.addWidget(self.general)
        layout.addStretch(1)  # the room a message takes when it appears: the buttons stay where they are
        self._room_kept = False
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText(self.tr("Save"))
        self.save_button.setObjectName("save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.messages: dict[str, tuple[QWidget, QLabel]] = {}

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt
        """Opened a little taller than its fields need, so that a message showing under a field or above the
        buttons takes that room instead of pushing 保存 away from under the mouse."""
        super().showEvent(event)
        if not self._room_kept:
            self._room_kept = True
            self.resize(self.width(), self.sizeHint().height() + 2 * self.fontMetrics().lineSpacing() + 8)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def add_row(self, caption: str, widget: QWidget, names: Iterable[str] = (), key: str = "") -> QLabel:
        """A row of the form: ``widget`` with its message line under it; ``names`` are the service's names
        for this input (``DomainError.field``)."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        message = QLabel()
        message.setProperty("role", "error")
        message.setWordWrap(True)
        message.hide()
        if key:
            widget.setObjectName(key)
            message.setObjectName(f"{key}_message")
        column.addWidget(message)
        self.form.addRow(caption, box)
        for name in names:
            self.messages[name] = (widget, message)
        # A message speaks of what was typed: it goes once the input is changed.
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(lambda _text: self._clear(widget, message))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _index: self._clear(widget, message))
        elif isinstance(widget, RoleBoxes):
            for check in widget.boxes.values():
                check.toggled.connect(lambda _on: self._clear(widget, message))
        return message

    # --- messages -------------------------------------------------------------------------------------

    @staticmethod
    def _clear(widget: QWidget, label: QLabel) -> None:
        if label.isHidden() and not widget.property("invalid"):
            return
        label.clear()
        label.hide()
        widget.setProperty("invalid", False)
        repolish(widget)

    def clear_messages(self) -> None:
        for widget, label in self.messages.values():
            self._clear(widget, label)
        self.general.clear()
        self.general.hide()

    def show_refusal(self, exc: BaseException) -> None:
        text = getattr(exc, "message", "") or self.tr("The operation failed unexpectedly. Nothing was saved.")
        place = self.messages.get(getattr(exc, "field", None) or "")
        if place is None:
            self.general.setText(text)
            self.general.show()
            self._fit()
            return
        widget, label = place
        label.setText(text)
        label.show()
        widget.setProperty("invalid", True)
        repolish(widget)
        widget.setFocus()
        self._fit()

    def _fit(self) -> None:
        """Grow to show a message that wrapped over lines (a dialog keeps its size by itself)."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else \
            layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def message_of(self, name: str) -> str:
        """The message shown at the input the service calls ``name`` (tests)."""
        widget_label = self.messages.get(name)
        return widget_label[1].text() if widget_label else ""

    # --- saving ---------------------------------------------------------------------------------------

    def prepare(self) -> Work:
        """The service call to make with what was typed; a ``DomainError`` here is shown like a refusal."""
        raise NotImplementedError

    def progress_title(self) -> str:
        return self.tr("Saving")

    def submit(self) -> None:
        if not self.idle():
            return
        self.clear_messages()
        try:
            work = self.prepare()
        except DomainError as exc:
            self.show_refusal(exc)
            return

        def job(_progress: Progress) -> Any:
            with self.ctx.db.session() as session:
                return work(session)

        def done(result: Any) -> None:
            self.save_button.setEnabled(True)
            self.outcome = result
            self.saved.emit(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.show_refusal(exc)

        self.save_button.setEnabled(False)
        self.op = run_op(self, job, on_done=done, on_error=failed, title=self.progress_title(), cancellable=False)

    def idle(self) -> bool:
        return self.op is None or self.op.done


def password_edit(key: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(key)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class RoleBoxes(QWidget):
    """One check box per role, with its Chinese label (经办 审核 审批 管理员)."""

    def __init__(self, held: Iterable[Role] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Role, QCheckBox] = {}
        for role in Role:
            box = QCheckBox(role.label)
            box.setObjectName(f"role_{role.value}")
            box.setChecked(role in set(held))
            row.addWidget(box)
            self.boxes[role] = box
        row.addStretch(1)

    def roles(self) -> list[Role]:
        return [role for role, box in self.boxes.items() if box.isChecked()]

    def set_roles(self, roles: Iterable[Role]) -> None:
        wanted = set(roles)
        for role, box in self.boxes.items():
            box.setChecked(role in wanted)


def _same_passwords(first: QLineEdit, second: QLineEdit, field: str, message: str) -> None:
    if first.text() != second.text():
        raise DomainError(message, field=field)


class NewUserDialog(FormDialog):
    """新建用户: user name, name, first password (typed twice), roles, union."""

    def __init__(self, ctx: AppContext, unit_choices: list[UnitChoice], parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("New user"), parent)
        self.set_intro(self.tr("The user must replace this password with one of their own at the first login."))
        self.username = QLineEdit()
        self.username.setValidator(QRegularExpressionValidator(USERNAME_CHARS, self.username))
        self.username.setPlaceholderText(self.tr("letters and digits, e.g. zhangwei"))
        self.add_row(self.tr("Username"), self.username, ["用户名"], "username")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("e.g. Zhang Wei"))
        self.add_row(self.tr("Name"), self.display_name, ["姓名"], "display_name")
        self.password = password_edit("password")
        self.password.setPlaceholderText(self.tr("at least 8 characters"))
        self.add_row(self.tr("Initial password"), self.password, ["密码"])
        self.again = password_edit("again")
        self.add_row(self.tr("Password again"), self.again, ["再次输入"])
        self.roles = RoleBoxes([Role.clerk])
        self.add_row(self.tr("Roles"), self.roles, ["角色"], "roles")
        self.unit = QComboBox()
        for choice in unit_choices:
            self.unit.addItem(choice.name, choice.id)
        self.add_row(self.tr("Union"), self.unit, ["所属单位", "所属工会"], "unit")

    def prepare(self) -> Work:
        _same_passwords(self.password, self.again, "再次输入", self.tr("The two passwords differ."))
        values = dict(username=self.username.text(), display_name=self.display_name.text(),
                      password=self.password.text(), roles=self.roles.roles(), unit_id=self.unit.currentData())
        actor = self.ctx.user
        return lambda s: users.create_user(s, actor, **values).id

    def progress_title(self) -> str:
        return self.tr("Creating the user")


class RolesDialog(FormDialog):
    """设置角色 of one user."""

    def __init__(self, ctx: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Roles of {0}").format(user.display_name), parent)
        self.user = user
        self.set_intro(self.tr("User {0} ({1}). Roles apply at once; the user's screens follow them from the next "
                               "login.")
                       .format(user.display_name, user.username))
        self.roles = RoleBoxes(user.roles)
        self.add_row(self.tr("Roles"), self.roles, ["角色"], "roles")

    def prepare(self) -> Work:
        actor, user_id, roles = self.ctx.user, self.user.id, self.roles.roles()
        return lambda s: users.set_roles(s, actor, user_id, roles).id


class DeactivateDialog(FormDialog):
    """停用 a user, with the reason (required)."""

    def __init__(self, ctx: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Deactivate {0}").format(user.display_name), parent)
        self.user = user
        self.set_intro(self.tr("{0} ({1}) will no longer be able to log in. Nothing they did is deleted; "
                               "the account can be enabled again.").format(user.display_name, user.username))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. transferred to another unit"))
        self.add_row(self.tr("Reason"), self.reason, ["原因"], "reason")
        self.save_button.setText(self.tr("Deactivate"))

    def prepare(self) -> Work:
        actor, user_id, reason = self.ctx.user, self.user.id, self.reason.text()
        return lambda s: users.deactivate(s, actor, user_id, reason).id


class ResetPasswordDialog(FormDialog):
    """重置密码: a new password the user must change at the next login; a lock is lifted too."""

    def __init__(self, ctx: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Reset the password of {0}").format(user.display_name), parent)
        self.user = user
        self.set_intro(self.tr("Give {0} ({1}) a new password. They must replace it at their next login; "
                               "a lock on the account is lifted.").format(user.display_name, user.username))
        self.password = password_edit("password")
        self.password.setPlaceholderText(self.tr("at least 8 characters"))
        self.add_row(self.tr("New password"), self.password, ["密码"])
        self.again = password_edit("again")
        self.add_row(self.tr("Password again"), self.again, ["再次输入"])
        self.save_button.setText(self.tr("Reset"))

    def prepare(self) -> Work:
        _same_passwords(self.password, self.again, "再次输入", self.tr("The two passwords differ."))
        actor, user_id, password = self.ctx.user, self.user.id, self.password.text()
        return lambda s: users.reset_password(s, actor, user_id, password).id


class ReactivateDialog(FormDialog):
    """启用 on an encrypted database: the account's key slot was taken back at deactivation, so it comes back
    with a new password that the user replaces at the first login."""

    def __init__(self, ctx: AppContext, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Enable {0}").format(user.display_name), parent)
        self.user = user
        self.set_intro(self.tr("The database is encrypted: the key of {0} ({1}) was taken back when the account was "
                               "deactivated. Give a new password; they replace it at their first login.").format(
            user.display_name, user.username))
        self.password = password_edit("password")
        self.password.setPlaceholderText(self.tr("at least 8 characters"))
        self.add_row(self.tr("New password"), self.password, ["新密码", "密码"])
        self.again = password_edit("again")
        self.add_row(self.tr("Password again"), self.again, ["再次输入"])
        self.save_button.setText(self.tr("Enable"))

    def prepare(self) -> Work:
        _same_passwords(self.password, self.again, "再次输入", self.tr("The two passwords differ."))
        actor, user_id, password = self.ctx.user, self.user.id, self.password.text()
        return lambda s: users.reactivate(s, actor, user_id, new_password=password).id


class BackupPasswordDialog(FormDialog):
    """An encrypted backup is read with a password of that backup (its own key slots: the password the user
    had when it was made) or with the recovery key; what is returned is the backup's key."""

    def __init__(self, ctx: AppContext, backup: Path, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Encrypted backup"), parent)
        self.backup = backup
        self.set_intro(self.tr("{0} is encrypted. Type the password a user had when it was made, or the recovery "
                               "key kept in the safe.").format(backup.name))
        self.username = QLineEdit(ctx.user.username)
        self.add_row(self.tr("Username"), self.username, ["用户名"], "backup_user")
        self.secret = password_edit("backup_password")
        self.add_row(self.tr("Password or recovery key"), self.secret, ["密码", "恢复密钥"], "backup_password")
        self.save_button.setText(self.tr("Open"))

    def prepare(self) -> Work:
        from assist_desktop.services.secrecy import backup_key

        backup, name, secret = self.backup, self.username.text(), self.secret.text()
        return lambda _s: backup_key(backup, name, secret)

    def progress_title(self) -> str:
        return self.tr("Opening the backup")


class ChangePasswordDialog(FormDialog):
    """修改密码 of the user logged in: the current password, then the new one twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("Change my password"), parent)
        self.set_intro(self.tr("Account {0} ({1}).").format(ctx.user.display_name, ctx.user.username))
        self.old = password_edit("old_password")
        self.add_row(self.tr("Current password"), self.old, ["原密码"])
        self.new = password_edit("new_password")
        self.new.setPlaceholderText(self.tr("at least 8 characters"))
        self.add_row(self.tr("New password"), self.new, ["新密码", "密码"])
        self.again = password_edit("again")
        self.add_row(self.tr("Password again"), self.again, ["再次输入"])

    def prepare(self) -> Work:
        _same_passwords(self.new, self.again, "再次输入", self.tr("The two passwords differ."))
        me, old, new = self.ctx.user, self.old.text(), self.new.text()
        return lambda s: users.change_password(s, me, old, new).id


class UnitNameDialog(FormDialog):
    """新增基层工会 (``unit`` None) or 改名 of one."""

    def __init__(self, ctx: AppContext, unit: UnitChoice | None = None, parent: QWidget | None = None) -> None:
        title = self.tr("New grassroots union") if unit is None else self.tr("Rename {0}").format(unit.name)
        super().__init__(ctx, title, parent)
        self.unit = unit
        if unit is None:
            self.set_intro(self.tr("The union gets the next code of this unit; files, scholarships and visits "
                                   "can then be filed under it."))
        else:
            self.set_intro(self.tr("Code {0}. Files filed under this union keep it; their printed forms show the "
                                   "new name.").format(unit.code))
        self.name = QLineEdit(unit.name if unit else "")
        self.add_row(self.tr("Union name"), self.name, ["名称"], "name")

    def prepare(self) -> Work:
        actor, name = self.ctx.user, self.name.text()
        if self.unit is None:
            return lambda s: units.add_grassroots_unit(s, actor, name)
        unit_id = self.unit.id
        return lambda s: units.rename_unit(s, actor, unit_id, name)
