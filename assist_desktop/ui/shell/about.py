"""关于: the version, where the data and backups live, and the bundled fonts with their licences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from assist_desktop import __version__
from assist_desktop.paths import resource_path
from assist_desktop.storage.backup import BackupManager


FONT_SUFFIXES = (".ttf", ".ttc", ".otf")


def bundled_fonts() -> list[tuple[str, Path | None]]:
    """(font file name, its licence file): a licence LICENSE-<name>.txt belongs to the fonts whose file
    name starts with <name>. A font shipped compressed (``rare-han-ext-ab.ttf.xz``) counts as a font."""
    folder = resource_path("fonts")
    if not folder.is_dir():
        return []
    licences = sorted(folder.glob("LICENSE-*.txt"))
    found = []
    for font in sorted(folder.iterdir()):
        name = font.name.lower().removesuffix(".xz")
        if not name.endswith(FONT_SUFFIXES):
            continue
        licence = next((lic for lic in licences if name.startswith(lic.stem.removeprefix("LICENSE-").lower())), None)
        found.append((font.name, licence))
    return found


def font_description(font: str) -> tuple[str, str]:
    """(the font as a caseworker reads it, its licence in Chinese) for a bundled font file."""
    name = font.lower()
    if name.startswith("wqy-microhei"):
        return (QCoreApplication.translate("AboutDialog", "WenQuanYi Micro Hei 0.2.0-beta (all text)"),
                QCoreApplication.translate("AboutDialog", "Apache License 2.0"))
    if name.startswith("rare-han"):
        return (QCoreApplication.translate(
                    "AboutDialog", "Rare characters: Extension A and B from Noto Sans CJK SC and Hanazono Mincho B"),
                QCoreApplication.translate("AboutDialog", "SIL Open Font License 1.1"))
    return font, ""


class AboutDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About"))
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Hardship Assistance {0}").format(__version__))
        title.setObjectName("title")
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        form = QFormLayout()
        self.db_label = QLabel(str(db_path))
        self.db_label.setObjectName("db_path")
        self.backups_label = QLabel(str(BackupManager(db_path).directory))
        self.backups_label.setObjectName("backups")
        for label in (self.db_label, self.backups_label):
            label.setWordWrap(True)
        form.addRow(self.tr("Database"), self.db_label)
        form.addRow(self.tr("Backups"), self.backups_label)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Bundled fonts (choose one to read its licence):")))
        # the licence texts are the legal originals, in English; what each font is and its licence say it in
        # Chinese above them
        self.fonts = QListWidget()
        self.fonts.setObjectName("fonts")
        self.fonts.setMaximumHeight(90)
        self.licence = QPlainTextEdit()
        self.licence.setObjectName("licence")
        self.licence.setReadOnly(True)
        for name, licence in bundled_fonts():
            what, licence_name = font_description(name)
            summary = licence_name if licence else self.tr("(no licence file)")
            item = QListWidgetItem(self.tr("{0} ({1}) — {2}").format(what, name, summary))
            item.setData(256, str(licence) if licence else "")
            self.fonts.addItem(item)
        self.fonts.currentItemChanged.connect(self._show_licence)
        layout.addWidget(self.fonts)
        original = QLabel(self.tr("The licence as issued (its legal text, in English):"))
        original.setProperty("role", "hint")
        layout.addWidget(original)
        layout.addWidget(self.licence, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if self.fonts.count():
            self.fonts.setCurrentRow(0)

    def _show_licence(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        path = item.data(256) if item else ""
        self.licence.setPlainText(Path(path).read_text(encoding="utf-8") if path else "")
