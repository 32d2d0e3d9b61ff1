"""First run: no database yet. The county unit (region code and name) and its administrator."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWizard, QWizardPage,
                               QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.regions import full_region_name
from assist_desktop.services.setup import create_database, validate_unit


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
            result = create_database(wizard.db_path, unit_code=self.field("unit_code"),
                                     unit_name=self.field("unit_name"), admin_username=self.username.text(),
                                     admin_password=self.password.text(),
                                     admin_display_name=self.display.text().strip() or self.username.text())
        except DomainError as exc:
            self.message.setText(exc.message)
            return False
        wizard.recovery_page.show_key(result.recovery_key or "")
        self.created = True
        return True


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
    """Creates the database at ``db_path``; accepted once it exists and holds the unit and its admin."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.setWindowTitle(self.tr("First run"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.unit_page = UnitPage()
        self.admin_page = AdminPage()
        self.recovery_page = RecoveryKeyPage()
        self.addPage(self.unit_page)
        self.addPage(self.admin_page)
        self.addPage(self.recovery_page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Back"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Create"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Start"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.resize(560, 380)
