"""The login dialog: username and password, the lockout and deactivation messages of the users service."""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.users import authenticate
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import User


class LoginDialog(QDialog):
    def __init__(self, db: Database, unit_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
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

    def try_login(self) -> None:
        # A scrypt check takes ~50 ms: short enough to run here; the dialog is modal anyway.
        with self.db.session() as session:
            try:
                self.user = authenticate(session, self.username.text(), self.password.text())
            except DomainError as exc:
                self.message.setText(exc.message)
                self.password.clear()
                self.password.setFocus()
                return
        self.accept()
