"""First run: no database yet. Where the data lives (a file on this PC, or the office's database server),
then — unless the server's database is already set up by another desk — the county unit (region code and
name) and its administrator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QApplication, QButtonGroup, QCheckBox, QDialog, QFormLayout, QLabel, QLineEdit,
                               QRadioButton, QVBoxLayout, QWidget, QWizard, QWizardPage)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.regions import full_region_name
from assist_desktop.services.setup import create_database, validate_unit
from assist_desktop.storage.location import Location, ServerAddress


def _busy(work: Callable[[], Any]) -> Any:
    """``work`` with the wait cursor: connecting to a server on the LAN takes a moment (at most the connect
    timeout, storage.server). Not in a thread with a nested event loop: the wizard's own page change runs
    around this call."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return work()
    finally:
        QApplication.restoreOverrideCursor()


class LocationPage(QWizardPage):
    """本机数据文件, or 单位的数据库服务器 (several desks, a city, a province)."""

    joined_server = Signal()  # the server's database is set up already: nothing more to ask

    def __init__(self, path: Path | None, server: ServerAddress | None) -> None:
        super().__init__()
        self.setTitle(self.tr("Where the data is kept"))
        self.setSubTitle(self.tr("On this computer alone, or on the database server your office shares."))
        layout = QVBoxLayout(self)
        self.file_choice = QRadioButton(self.tr("A data file on this computer (one desk)"))
        self.file_choice.setObjectName("use_file")
        self.file_label = QLabel(str(path) if path else "")
        self.file_label.setWordWrap(True)
        self.server_choice = QRadioButton(self.tr("The office's database server (several desks, a city or a "
                                                  "province)"))
        self.server_choice.setObjectName("use_server")
        group = QButtonGroup(self)
        group.addButton(self.file_choice)
        group.addButton(self.server_choice)
        layout.addWidget(self.file_choice)
        layout.addWidget(self.file_label)
        layout.addWidget(self.server_choice)
        form = QFormLayout()
        self.address = QLineEdit(server.text if server else "")
        self.address.setObjectName("server_address")
        self.address.setPlaceholderText(self.tr("for example postgresql://assist@192.168.1.10/assist"))
        self.password = QLineEdit()
        self.password.setObjectName("server_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        from assist_desktop.storage.credentials import keyring_available

        self.remember = QCheckBox(self.tr("Remember the password in this computer's keyring"))
        self.remember.setObjectName("remember")
        self.remember.setVisible(keyring_available())
        form.addRow(self.tr("Server address"), self.address)
        form.addRow(self.tr("Password"), self.password)
        form.addRow("", self.remember)
        layout.addLayout(form)
        hint = QLabel(self.tr("The address and password come from whoever set up the PostgreSQL server."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        (self.server_choice if server or not path else self.file_choice).setChecked(True)
        self.file_choice.setEnabled(path is not None)
        self.server_choice.toggled.connect(self._choice_changed)
        self._choice_changed()

    def _choice_changed(self) -> None:
        on = self.server_choice.isChecked()
        for widget in (self.address, self.password, self.remember):
            widget.setEnabled(on)

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        self.message.setText("")
        if not self.server_choice.isChecked():
            wizard.location = wizard.file_path  # type: ignore[assignment]
            return True
        try:
            address = ServerAddress.parse(self.address.text())
            address = address.with_password(self.password.text() or address.password)
            joined = _busy(lambda: _connect(address))
        except DomainError as exc:
            self.message.setText(exc.message)
            return False
        if self.remember.isVisible() and self.remember.isChecked() and address.password:
            from assist_desktop.storage.credentials import remember_password

            remember_password(address, address.password)
        from assist_desktop.paths import save_server

        save_server(address.text)
        wizard.location = address
        if joined:  # another desk set the unit up already: log in to it
            wizard.joined = True
            self.joined_server.emit()  # queued: the wizard closes once this page has returned
        return True


def _connect(address: ServerAddress) -> bool:
    """Check the server takes the login, bring its schema up to date; True when its unit is set up already."""
    from assist_desktop.services.setup import local_unit
    from assist_desktop.storage.credentials import try_connect
    from assist_desktop.storage.schema import open_database

    try_connect(address)
    with open_database(address) as db, db.session() as session:
        return local_unit(session) is not None


class UnitPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your union"))
        self.setSubTitle(self.tr("The county federation this program keeps files for."))
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.code.setObjectName("unit_code")
        self.code.setPlaceholderText(self.tr("6-digit region code, e.g. 610826"))
        self.code.setMaxLength(6)
        self.name = QLineEdit()
        self.name.setObjectName("unit_name")
        self.name.setPlaceholderText(self.tr("e.g. Suide County Federation of Trade Unions"))
        self.region = QLabel()
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form.addRow(self.tr("Region code"), self.code)
        form.addRow("", self.region)
        form.addRow(self.tr("Unit name"), self.name)
        form.addRow(self.message)
        self.code.textChanged.connect(self._code_changed)
        self.registerField("unit_code*", self.code)
        self.registerField("unit_name*", self.name)

    def _code_changed(self, text: str) -> None:
        name = full_region_name(text) if len(text) == 6 and text.isdigit() else None
        self.region.setText(name or "")
        if name and not self.name.text():
            self.name.setText(self.tr("{0} Federation of Trade Unions").format(name.split("省")[-1].split("市")[-1]))

    def validatePage(self) -> bool:
        try:
            warnings = validate_unit(self.code.text(), self.name.text())
        except DomainError as exc:
            self.message.setText(exc.message)
            return False
        self.message.setText("\n".join(warnings))
        return True


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Administrator"))
        self.setSubTitle(self.tr("The account that manages users and settings. Keep the password safe."))
        form = QFormLayout(self)
        self.username = QLineEdit()
        self.username.setObjectName("admin_username")
        self.display = QLineEdit()
        self.display.setObjectName("admin_display")
        self.password = QLineEdit()
        self.password.setObjectName("admin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("admin_repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Name"), self.display)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        form.addRow(self.message)
        self.registerField("admin_username*", self.username)
        self.registerField("admin_password*", self.password)
        self.setCommitPage(True)  # the database is made here: no going back to make it twice

    created = False

    def validatePage(self) -> bool:
        if self.created:  # made once; the wizard may ask again on its way to the next page
            return True
        if self.password.text() != self.repeat.text():
            self.message.setText(self.tr("The two passwords differ."))
            return False
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        try:
            result = create_database(wizard.location, unit_code=self.field("unit_code"),
                                     unit_name=self.field("unit_name"), admin_username=self.username.text(),
                                     admin_password=self.password.text(),
                                     admin_display_name=self.display.text().strip() or self.username.text())
        except DomainError as exc:
            self.message.setText(exc.message)
            return False
        wizard.recovery_page.show_key(result.recovery_key or "")
        self.created = True
        return True

    def nextId(self) -> int:
        # a server database is not encrypted by the program (no recovery key): the wizard ends here
        wizard = self.wizard()
        if isinstance(wizard, FirstRunWizard) and isinstance(wizard.location, ServerAddress):
            return -1
        return super().nextId()


class RecoveryKeyPage(QWizardPage):
    """The recovery key, shown this once: the database key in eight groups, for the chair's safe."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Recovery key"))
        self.setSubTitle(self.tr("The database is encrypted. Write this key down or print it, and give it to the "
                                 "chair to keep in the safe. It is shown only now."))
        layout = QVBoxLayout(self)
        self.key = QLabel()
        self.key.setObjectName("recovery_key")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.key.setFont(font)
        self.key.setWordWrap(True)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.key)
        note = QLabel(self.tr("If every password is lost, this key still opens the database (see \"Recovery\" in the "
                              "manual). Without it and without any user's password, the data cannot be read by anyone. "
                              "When copying the database, copy the key file beside it with the same name as well."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.kept = QCheckBox(self.tr("I have written down or printed the recovery key for the chair"))
        self.kept.setObjectName("recovery_kept")
        layout.addWidget(self.kept)
        self.registerField("recovery_kept*", self.kept)

    def show_key(self, key: str) -> None:
        groups = key.split("-")
        self.key.setText("  ".join(groups[:4]) + "\n" + "  ".join(groups[4:]))


class FirstRunWizard(QWizard):
    """Creates the database at ``location`` (a file, or on a server; the first page lets the caseworker choose
    between this file and a server); accepted once it holds the unit and its admin, or at once when the
    server's database already does (``joined``). ``location`` is then what the program opens."""

    def __init__(self, location: Location, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file_path: Path | None = location if isinstance(location, Path) else None
        self.location: Location = location
        self.joined = False
        self.setWindowTitle(self.tr("First run"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.location_page = LocationPage(self.file_path, location if isinstance(location, ServerAddress) else None)
        self.unit_page = UnitPage()
        self.admin_page = AdminPage()
        self.addPage(self.location_page)
        # done(), not accept(): QWizard's accept() would validate the page (and connect) once more
        self.location_page.joined_server.connect(self._joined, Qt.ConnectionType.QueuedConnection)
        self.recovery_page = RecoveryKeyPage()
        self.addPage(self.unit_page)
        self.addPage(self.admin_page)
        self.addPage(self.recovery_page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Back"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Create"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Start"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.resize(600, 420)

    @property
    def db_path(self) -> Location:
        return self.location

    def _joined(self) -> None:
        self.done(QDialog.DialogCode.Accepted.value)
