"""The password of the office's database server, asked at the start (never saved in plain text on the PC):
kept in memory, or — when the caseworker ticks 记住密码 and the PC has one — in the operating system's keyring
(``storage.credentials``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

from assist_desktop.storage import credentials
from assist_desktop.storage.location import ServerAddress


class ServerPasswordDialog(QDialog):
    def __init__(self, address: ServerAddress, failure: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Database server"))
        layout = QVBoxLayout(self)
        where = QLabel(self.tr("Connect to the database server {0}:{1}, database {2}, as {3}.").format(
            address.host, address.port, address.database, address.username))
        where.setWordWrap(True)
        layout.addWidget(where)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Password"), self.password)
        layout.addLayout(form)
        self.remember = QCheckBox(self.tr("Remember the password in this computer's keyring"))
        self.remember.setObjectName("remember")
        self.remember.setVisible(credentials.keyring_available())
        layout.addWidget(self.remember)
        self.message = QLabel(failure or "")
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Connect"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(440, 180)


def unlock_with_dialog(address: ServerAddress, parent: QWidget | None = None, *,
                       look: credentials.Look[Any] | None = None,
                       known: credentials.Known | None = None) -> tuple[ServerAddress, Any]:
    """The address with a password the server takes (as given, libpq's own, the keyring, or asked), and what
    ``look`` read on the connection that proved it (``storage.server_peek.unit_name`` at the start); raises
    PasswordNeeded or ServerUnavailable (a DomainError) when the caseworker gives up or the server cannot be
    reached. ``known``: what the ways that ask nobody gave already (``credentials.KnownAhead`` at the start)."""
    remember: dict[str, bool] = {}

    def ask(where: ServerAddress, failure: str | None) -> str | None:
        dialog = ServerPasswordDialog(where, failure, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        remember["yes"] = dialog.remember.isVisible() and dialog.remember.isChecked()
        return dialog.password.text()

    unlocked, seen = credentials.unlock_and_look(address, ask, look, known=known)
    if remember.get("yes") and unlocked.password:
        credentials.remember_password(unlocked, unlocked.password)
    return unlocked, seen

