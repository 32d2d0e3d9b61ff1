"""The login dialog: username and password, the lockout and deactivation messages of the users service;
and, for an account the administrator set up or reset, a new password of the user's own before work starts.

The dialog knows nothing of the database: after Enter it calls one function, ``check(username, password)``,
which proves the password and returns the login — the open database and the user (``services.login.Login``:
for an encrypted file the key slot's key opens it) — or raises a ``DomainError`` whose message it shows. The
check runs off the GUI thread — a password-derived key takes a few hundred milliseconds, and at the program's
start the database may still be opening (``ui.shell.opening``) — so the window never freezes. Imports stay
light: the login window is shown before SQLAlchemy is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError

if TYPE_CHECKING:
    from assist_desktop.services.login import Login
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.models import User

PasswordCheck = Callable[[str, str], "Login"]
PasswordChange = Callable[["User", str, str], "User"]


class LoginDialog(QDialog):
    """``check(username, password)`` → the login (``db``, ``user``), or a DomainError; ``change(user, old,
    new)`` → the user with their own password, for an account that must change it (by default the users
    service on the database the login opened)."""

    painted = Signal()  # first painted

    def __init__(self, unit_name: str, check: PasswordCheck, parent: QWidget | None = None, *,
                 change: PasswordChange | None = None, opened: Callable[[], bool] | None = None) -> None:
        super().__init__(parent)
        self.check, self.change = check, change
        self.opened = opened  # whether the database is open yet (at the start it opens behind this window)
        self.user: User | None = None
        self.db: Database | None = None  # the database the login opened (or was given)
        self.checking = False
        self._op: Any = None
        self._painted = False
        self.setObjectName("login")
        self.setWindowTitle(self.tr("Log in"))
        layout = QVBoxLayout(self)
        self.title = QLabel(unit_name)
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(self.title)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Password"), self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox()  # (the constructor with buttons: its overloads load Qt's namespace, P1)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quit"))
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(360, 200)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()  # the window is on the screen: the start's heavy work may begin

    @Slot(str)
    def show_unit_name(self, name: str) -> None:
        """The unit's name as the database gives it (a server's, read behind the window, replaces the one this PC
        remembered). A slot: called from the opening's thread, it runs on the GUI thread."""
        self.title.setText(name)

    def try_login(self) -> None:
        """Enter: the password check in a worker; the dialog closes with the user, or says why not."""
        if self.checking:
            return
        self.checking = True
        self.buttons.setEnabled(False)
        self.message.setStyleSheet("color: #555;")
        if self.opened is None or self.opened():
            self.message.setText(self.tr("Checking…"))
        else:  # an upgrade of the file (a backup first) can take a minute on a large one
            self.message.setText(self.tr("Opening the database; this takes longer the first time after an update…"))
        username, password = self.username.text(), self.password.text()
        from assist_desktop.ui.background import run_op

        self._op = run_op(self, lambda _progress: self.check(username, password),
                          on_done=lambda login: self._checked(login, password), on_error=self._refused,
                          show_progress=False)

    def _checked(self, login: Login, password: str) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.message.setText("")
        self.db, self.user = login.db, login.user
        user = login.user
        if user.must_change_password and not self._ask_new_password(user, password):
            self.user = None
            return
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.message.setStyleSheet("color: #b00020;")
        if isinstance(exc, DomainError):
            self.message.setText(exc.message)
        else:  # the database could not be opened at all: said in a window by the start (ui.app)
            self.message.setText(self.tr("The database could not be opened."))
        self.password.clear()
        self.password.setFocus()

    def _ask_new_password(self, user: User, old: str) -> bool:
        """The administrator's password must be replaced before the first work; True once it is."""
        change = self.change or (password_change(self.db) if self.db is not None else None)
        if change is None:
            self.message.setText(self.tr("Choose a password of your own to continue."))
            return False
        dialog = ChangePasswordDialog(change, user, old, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            self.message.setText(self.tr("Choose a password of your own to continue."))
            return False
        self.user = dialog.user
        return True


def password_change(db: Database) -> PasswordChange:
    """The users service's change of one's own password, on an open database."""
    def change(user: User, old: str, new: str) -> User:
        from assist_desktop.services.users import change_password

        with db.session() as session:  # one scrypt hash: ~50 ms, modal anyway
            return change_password(session, user, old, new)

    return change


def database_login(db: Database, unit_name: str, parent: QWidget | None = None) -> LoginDialog:
    """The login dialog on an open database (switching user, tests)."""
    def check(username: str, password: str) -> Login:
        from assist_desktop.services.login import log_in

        return log_in(db.path, username, password, db=db)

    return LoginDialog(unit_name, check, parent)


def file_login(db_path: Path, unit_name: str, parent: QWidget | None = None) -> LoginDialog:
    """The login dialog on a file the password opens (an encrypted one: its key slot); ``dialog.db`` then
    holds the open database."""
    def check(username: str, password: str) -> Login:
        from assist_desktop.services.login import log_in

        return log_in(db_path, username, password)

    return LoginDialog(unit_name, check, parent)


class ChangePasswordDialog(QDialog):
    """A new password, typed twice; the users service checks its strength."""

    def __init__(self, change: PasswordChange, user: User, old_password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.change, self.account, self.old = change, user, old_password
        self.user: User | None = None
        self.setWindowTitle(self.tr("New password"))
        layout = QVBoxLayout(self)
        note = QLabel(self.tr("Your password was set by the administrator. Choose your own before you start."))
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.new = QLineEdit()
        self.new.setObjectName("new_password")
        self.again = QLineEdit()
        self.again.setObjectName("again")
        for edit in (self.new, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("Again"), self.again)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        if self.new.text() != self.again.text():
            self.message.setText(self.tr("The two passwords differ."))
            return
        try:
            self.user = self.change(self.account, self.old, self.new.text())
        except DomainError as exc:
            self.message.setText(exc.message)
            return
        self.accept()
