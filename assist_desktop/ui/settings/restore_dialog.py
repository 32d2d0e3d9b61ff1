"""Restoring another unit's database: said plainly, and done only once its unit's name is typed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from assist_desktop.storage.restore_check import RestoreFile


class OtherUnitRestoreDialog(QDialog):
    """Shown instead of the plain question when the file belongs to a different unit; 替换当前数据库 is
    enabled only while the typed name is the file's unit's name (the service checks it again)."""

    def __init__(self, found: RestoreFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert found.unit is not None and found.current_unit is not None
        self.found = found
        self.setWindowTitle(self.tr("Restore another unit's database"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        warning = QLabel(self.tr("This file belongs to {0}, not to this unit, {1}. After the restore this unit's "
                                 "users cannot log in, and the two units' records would be mixed up.").format(
            found.unit.describe(), found.current_unit.describe()))
        warning.setObjectName("other_unit_warning")
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #b3261e; font-weight: bold;")
        layout.addWidget(warning)
        facts = QLabel("\n".join(found.lines()))
        facts.setObjectName("restore_facts")
        facts.setWordWrap(True)
        layout.addWidget(facts)
        ask = QLabel(self.tr("Only if you are sure, type the name of the file's unit to confirm:"))
        ask.setWordWrap(True)
        layout.addWidget(ask)
        self.unit_name = QLineEdit()
        self.unit_name.setObjectName("confirm_unit_name")
        self.unit_name.setPlaceholderText(found.unit.name)
        self.unit_name.textChanged.connect(self._typed)
        layout.addWidget(self.unit_name)
        buttons = QDialogButtonBox()
        self.replace_button = buttons.addButton(self.tr("Replace the current database"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.replace_button.setObjectName("replace")
        self.replace_button.setEnabled(False)
        self.replace_button.setAutoDefault(False)
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _typed(self, text: str) -> None:
        self.replace_button.setEnabled(text.strip() == self.found.unit.name)  # type: ignore[union-attr]

    def typed(self) -> str:
        return self.unit_name.text().strip()
