"""The login dialog: username and password, the lockout and deactivation messages of the users service;
and, for an account the administrator set up or reset, a new password of the user's own before work starts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.login import log_in
from assist_desktop.services.users import change_password
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import User


class LoginDialog(QDialog):
    """``db``: the open database (a plain file, or 切换用户); None for an encrypted file not yet open, at
    ``db_path``, which the password opens (``services.login.log_in``) — ``self.db`` then holds it."""

    def __init__(self, db: Database | None, unit_name: str, parent: QWidget | None = None, *,
                 db_path: Path | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.db_path = db_path or (db.path if db is not None else None)
        self.user: User | None = None
        self.setWindowTitle(self.tr("Log in"))
        layout = QVBoxLayout(self)
        title = QLabel(unit_name)
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quit"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(360, 200)

    def _ask_new_password(self, user: User, old: str) -> bool:
        """The administrator's password must be replaced before the first work; True once it is."""
        dialog = ChangePasswordDialog(self.db, user, old, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
            self.message.setText(self.tr("Choose a password of your own to continue."))
            return False
        self.user = dialog.user
        return True

    def try_login(self) -> None:
        # One scrypt (the key slot's, or the stored hash's): ~0.3 s; the dialog is modal anyway.
        assert self.db_path is not None
        try:
            login = log_in(self.db_path, self.username.text(), self.password.text(), db=self.db)
        except DomainError as exc:
            self.message.setText(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.db, self.user = login.db, login.user
        if self.user.must_change_password and not self._ask_new_password(self.user, self.password.text()):
            self.user = None
            return
        self.accept()


class ChangePasswordDialog(QDialog):
    """A new password, typed twice; the users service checks its strength."""

    def __init__(self, db: Database, user: User, old_password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.account, self.old = db, user, old_password
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
        with self.db.session() as session:  # one scrypt hash: ~50 ms, modal anyway
            try:
                self.user = change_password(session, self.account, self.old, self.new.text())
            except DomainError as exc:
                self.message.setText(exc.message)
                return
        self.accept()
