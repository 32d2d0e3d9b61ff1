"""The hardship-file editor (困难职工档案表)."""

from assist_desktop.ui.editor.file_editor import FileEditor

__all__ = ["FileEditor"]
