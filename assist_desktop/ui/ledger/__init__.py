"""Excel ledgers (台账): the import wizard and the export dialogs, opened from the registry, scholarship and
campaign pages with one call each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from assist_desktop.ui.context import AppContext
    from assist_desktop.ui.ledger.export_dialog import ExportDialog
    from assist_desktop.ui.ledger.wizard import ImportWizard


def open_import_wizard(ctx: AppContext, parent: QWidget, kind: str | None = None) -> ImportWizard:
    """The import wizard, window-modal over ``parent`` (it runs its work in the background)."""
    from PySide6.QtCore import Qt

    from assist_desktop.ui.ledger.wizard import ImportWizard

    wizard = ImportWizard(ctx, parent, kind=kind)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard


def open_export(ctx: AppContext, parent: QWidget, kind: str, scopes: Sequence[tuple[str, dict[str, Any]]]) -> ExportDialog:
    """The export dialog of ``kind`` (roster / scholarships / visits) with the scopes the page offers."""
    from PySide6.QtCore import Qt

    from assist_desktop.ui.ledger.export_dialog import ExportDialog

    dialog = ExportDialog(ctx, kind, scopes, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
