"""核验发放凭证: check a voucher's QR code offline — pasted, or typed by a hand scanner (which ends with Enter) —
against the unit keys held in the database, and show what it certifies or why it is refused."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from assist_desktop.services.printing import VoucherCertificate, VoucherInvalid, verify_voucher
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext

_NEUTRAL = "QLabel { background: #f4f4f4; border: 1px solid #ccc; padding: 10px; color: #555; }"
_GOOD = "QLabel { background: #eaf5ea; border: 1px solid #5a9e5a; padding: 10px; color: #1d4d1d; }"
_DOUBT = "QLabel { background: #fff6e0; border: 1px solid #d9a521; padding: 10px; color: #5c4200; }"
_BAD = "QLabel { background: #fdecea; border: 1px solid #c9483b; padding: 10px; color: #7a1a12; }"


class VerifyVoucherDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.op: Op[Any] | None = None
        self.certificate: VoucherCertificate | None = None
        self.refusal: str | None = None
        self._generation = 0  # which check the screen waits for
        self.setWindowTitle(self.tr("Verify a payment voucher"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Scan the QR code on the voucher with a hand scanner, or paste its text below, then "
                               "press Verify. The check runs on this computer, without a network."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.payload_edit = QLineEdit()
        self.payload_edit.setObjectName("payload")
        self.payload_edit.setPlaceholderText(self.tr("QR code text (starts with ADV1:)"))
        # Enter (what a hand scanner sends after the code) and the button each verify once: the button is
        # no dialog default, so Enter in the field is not also taken as a click; signals carry no payload.
        self.payload_edit.returnPressed.connect(lambda: self.verify())
        self.payload_edit.textChanged.connect(self._payload_changed)
        row.addWidget(self.payload_edit, 1)
        self.verify_button = QPushButton(self.tr("Verify"))
        self.verify_button.setObjectName("verify")
        self.verify_button.setEnabled(False)
        self.verify_button.setAutoDefault(False)
        self.verify_button.clicked.connect(lambda _checked=False: self.verify())
        row.addWidget(self.verify_button)
        layout.addLayout(row)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdict")
        self.verdict_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        layout.addWidget(self.verdict_label)
        self.result_label = QLabel(self.tr("The result appears here."))
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.result_label.setMinimumHeight(200)
        self.result_label.setStyleSheet(_NEUTRAL)
        layout.addWidget(self.result_label, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        close.setAutoDefault(False)  # Enter after a scan verifies; it never closes the dialog
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _payload_changed(self, text: str) -> None:
        """A result belongs to the text it was made for: any change clears it at once (a changed payload
        must never sit under the previous one's green 凭证有效)."""
        self.verify_button.setEnabled(bool(text.strip()))
        self._clear_result()

    def _clear_result(self) -> None:
        self._generation += 1  # a check still running for the old text is dropped when it ends
        self.certificate, self.refusal = None, None
        self.verdict_label.setText("")
        self.verdict_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.result_label.setStyleSheet(_NEUTRAL)
        self.result_label.setText(self.tr("The result appears here."))

    def verify(self, payload: str | None = None) -> Op[Any] | None:
        """Check ``payload`` (else the text field) in the background and show the outcome."""
        if payload is not None:
            self.payload_edit.setText(payload)
        text = "".join(self.payload_edit.text().split())  # a scanner or a paste may add spaces or line breaks
        if not text:
            return None
        ctx = self.ctx
        self._generation += 1
        generation = self._generation

        def current() -> bool:
            return generation == self._generation

        def work(_progress: Progress) -> VoucherCertificate:
            with ctx.db.session() as s:
                return verify_voucher(s, text)

        def done(certificate: VoucherCertificate) -> None:
            if not current():
                return
            self.certificate, self.refusal = certificate, None
            if certificate.on_record is False:
                self.verdict_label.setText(self.tr("Signature valid, but it differs from this database"))
                self.result_label.setStyleSheet(_DOUBT)
                colour = "#8a5a00"
            else:
                self.verdict_label.setText(self.tr("Valid voucher"))
                self.result_label.setStyleSheet(_GOOD)
                colour = "#1d6b1d"
            self.verdict_label.setStyleSheet(f"font-size: 16px; font-weight: bold; color: {colour};")
            self.result_label.setText("\n".join(certificate.lines()))
            self.payload_edit.selectAll()  # the next scan replaces it

        def failed(exc: BaseException) -> None:
            if not current():
                return
            if not isinstance(exc, VoucherInvalid):
                self.verdict_label.setText("")
                show_error(self, exc)
                return
            self.certificate, self.refusal = None, exc.message
            self.verdict_label.setText(self.tr("Not valid: do not pay or book against this voucher"))
            self.verdict_label.setStyleSheet("font-size: 16px; font-weight: bold; color: #b3261e;")
            self.result_label.setStyleSheet(_BAD)
            self.result_label.setText(exc.message)
            self.payload_edit.selectAll()

        self.verdict_label.setText(self.tr("Checking…"))
        self.op = run_op(self, work, on_done=done, on_error=failed, show_progress=False)
        return self.op
