"""Building blocks of the file editor: a field with its inline message, typed inputs, masked sections.

A ``Field`` binds one input of the form to a check that runs as the user types (debounced), shows the
Chinese message under the input with a red border, and knows the Chinese names the services use for it
(``DomainError.field``), so that a refusal on save lands at the right place.

No translated text is created here: captions come from the editor, messages from the domain parsers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedWidget,
                               QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.money import format_amount, parse_amount
from assist_desktop.ui.background import Debouncer

CHECK_DELAY_MS = 350
ERROR_COLOUR = "#c62828"

STYLE = f"""
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR_COLOUR}; background: #fff6f6; }}
QComboBox[invalid="true"] {{ border: 1px solid {ERROR_COLOUR}; }}
QLabel[role="error"] {{ color: {ERROR_COLOUR}; }}
QLabel[role="hint"] {{ color: #5f6368; }}
QLabel[role="banner"] {{ background: #fff4e5; border: 1px solid #f0c36d; padding: 6px; }}
QLabel[role="header"] {{ font-size: 15px; font-weight: bold; }}
QLineEdit[readOnly="true"] {{ background: #f6f7f8; }}
QLineEdit[derived="true"] {{ background: #f1f3f4; color: #202124; }}
QLineEdit[masked="true"] {{ background: #f1f3f4; color: #5f6368; }}
QGroupBox {{ font-weight: bold; margin-top: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
"""


class Hint(str):
    """A message that informs (a region name, a retired region code) but does not block saving."""


Check = Callable[[], "str | Hint | None"]


def mandatory(caption: str) -> str:
    """A form caption with the red star of a mandatory field (as on the printed 档案表)."""
    return f"{caption}<span style='color:{ERROR_COLOUR}'> *</span>"


def repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)




def parse_money_text(text: str, *, label: str) -> int:
    """Yuan as typed → fen; empty is 0 (the form's money fields are optional)."""
    return parse_amount(text, field=label) if (text or "").strip() else 0


class EnumCombo(QComboBox):
    """A choice among stored codes shown by their labels; ``blank`` adds a first 'not filled' item."""

    def __init__(self, choices: Iterable[tuple[object, str]], blank: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if blank is not None:
            self.addItem(blank, "")
        for code, label in choices:
            self.addItem(label, code)
        self.setMaxVisibleItems(20)

    def code(self) -> object:
        data = self.currentData()
        return "" if data is None else data

    def set_code(self, code: object) -> None:
        if code is None:
            code = ""
        index = self.findData(code)
        if index < 0 and code != "":
            # A stored value this form does not offer (older data): keep it rather than lose it.
            self.addItem(str(code), code)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


class MoneyEdit(QLineEdit):
    """Yuan as a caseworker types them ('1,234.50', '1234.5元'); shown back as 1,234.50 once left."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.editingFinished.connect(self.reformat)

    def fen(self) -> int:
        return parse_money_text(self.text(), label=self.label)

    def set_fen(self, fen: int | None) -> None:
        self.setText(format_amount(fen) if fen else "")

    def reformat(self) -> None:
        try:
            fen = self.fen()
        except DomainError:
            return
        text = format_amount(fen) if fen or self.text().strip() else ""  # a typed 0 stays 0.00: it was given
        if text != self.text():
            self.setText(text)


class Field(QObject):
    """One input of the form with its check, its inline message and the service's names for it."""

    changed = Signal()
    checked = Signal()  # its message was shown or cleared

    def __init__(self, key: str, widget: QWidget, *, labels: Iterable[str] = (), check: Check | None = None,
                 parent: QObject | None = None, delay_ms: int = CHECK_DELAY_MS) -> None:
        super().__init__(parent)
        self.key = key
        self.widget = widget
        self.labels = frozenset(labels)
        self.check = check
        self.error: str | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        self.message.setObjectName(f"{key}_message")
        self.message.hide()
        widget.setObjectName(key)
        self._debounce = Debouncer(delay_ms, self.validate, self)
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._edited)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._edited)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._edited)

    # --- value -------------------------------------------------------------------------------------

    def value(self) -> object:
        w = self.widget
        if isinstance(w, EnumCombo):
            return w.code()
        if isinstance(w, QComboBox):
            return w.currentText()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QLineEdit):
            return w.text()
        raise TypeError(type(w).__name__)

    def text(self) -> str:
        value = self.value()
        return value.strip() if isinstance(value, str) else str(value)

    def state(self) -> object:
        """What 'unsaved changes' compares: money by its amount once it parses, text without edge spaces."""
        if isinstance(self.widget, MoneyEdit):
            try:
                return self.widget.fen()
            except DomainError:
                return self.widget.text()
        value = self.value()
        return value.strip() if isinstance(value, str) else value

    def set_value(self, value: object) -> None:
        w = self.widget
        if isinstance(w, MoneyEdit):
            w.set_fen(int(value or 0))  # type: ignore[arg-type]
        elif isinstance(w, EnumCombo):
            w.set_code(value)
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(w.findText(str(value or "")), 0))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QLineEdit):
            w.setText("" if value is None else (value.isoformat() if isinstance(value, date) else str(value)))

    def set_read_only(self, read_only: bool) -> None:
        w = self.widget
        if isinstance(w, QLineEdit):
            w.setReadOnly(read_only)
            repolish(w)  # the grey read-only style is a property selector
        else:
            w.setEnabled(not read_only)

    # --- checking ----------------------------------------------------------------------------------

    def _edited(self, *_args: object) -> None:
        self.changed.emit()
        self._debounce.poke()

    def flush(self) -> None:
        self._debounce.flush()

    def validate(self) -> str | None:
        """Run the check now and show its outcome; return the blocking message, if any."""
        result: str | Hint | None = None
        if self.check is not None:
            try:
                result = self.check()
            except DomainError as exc:
                result = exc.message
        self.show_result(result)
        return self.error

    def show_result(self, result: str | Hint | None) -> None:
        blocking = bool(result) and not isinstance(result, Hint)
        self.error = str(result) if blocking else None
        self.message.setText(str(result or ""))
        self.message.setProperty("role", "error" if blocking else "hint")
        repolish(self.message)
        self.message.setVisible(bool(result))
        if bool(self.widget.property("invalid")) != blocking:
            self.widget.setProperty("invalid", blocking)
            repolish(self.widget)
        self.checked.emit()

    def clear(self) -> None:
        self.show_result(None)


class FieldBox(QWidget):
    """The cell of the form grid: the input and anything beside it (its message goes in the grid row below)."""

    def __init__(self, field: Field, inner: QWidget | None = None, extras: Iterable[QWidget] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(inner or field.widget, 1)
        for extra in extras:
            row.addWidget(extra)


class SensitiveStack(QStackedWidget):
    """Sensitive content behind a masked face (‘****1234’ or a note) and a ‘show’ button.

    The editor asks the service to reveal (which logs the look) and then calls ``unmask``.
    """

    reveal_requested = Signal()

    def __init__(self, content: QWidget, button_text: str, *, note: QWidget | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        face = QWidget()
        row = QHBoxLayout(face)
        row.setContentsMargins(0, 0, 0, 0)
        if note is None:
            self.masked_text = QLineEdit()
            self.masked_text.setReadOnly(True)
            self.masked_text.setProperty("masked", True)
            self.masked_text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            note = self.masked_text
        else:
            self.masked_text = None
        row.addWidget(note, 1)
        self.button = QPushButton(button_text)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.reveal_requested)
        row.addWidget(self.button)
        self.addWidget(face)
        self.addWidget(content)
        self.content = content
        self.setCurrentIndex(1)

    @property
    def masked(self) -> bool:
        return self.currentIndex() == 0

    def mask(self, face_text: str = "") -> None:
        if self.masked_text is not None:
            self.masked_text.setText(face_text)
        self.setCurrentIndex(0)

    def unmask(self) -> None:
        had_focus = self.button.hasFocus()
        self.setCurrentIndex(1)
        if had_focus:
            self.content.setFocus()

    def set_busy(self, busy: bool) -> None:
        from assist_desktop.ui.permissions import set_enabled

        set_enabled(self.button, not busy)  # never past the roles (permissions.require_roles)


def derived_box(parent: QWidget | None = None, width: int | None = None) -> QLineEdit:
    """A read-only box for a value the form derives (birth date, sex, age)."""
    box = QLineEdit(parent)
    box.setReadOnly(True)
    box.setProperty("derived", True)
    box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if width:
        box.setFixedWidth(width)
    return box
