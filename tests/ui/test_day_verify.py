"""工具 → 核验发放凭证 as a caseworker works it (issue 18): the button and Enter (what a hand scanner sends)
each verify once, and a result never stays on screen under a payload it was not made for."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from PySide6.QtCore import Qt

from tests.ui.conftest import type_text

WAIT = 30_000


def _dialog(qtbot, app_context, monkeypatch):
    from assist_desktop.services import printing
    from assist_desktop.services.printing import VoucherSelection, voucher_sheet_data
    from assist_desktop.ui.printing import verify as verify_module
    from assist_desktop.ui.shell.main_window import MainWindow

    ctx = app_context("jingban")
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        cid = conn.execute("SELECT id FROM campaign WHERE year = 2026").fetchone()[0]
    with ctx.db.session() as s:
        sheet, _items, _waiting = voucher_sheet_data(s, ctx.user, VoucherSelection(campaign_id=cid))
    calls: list[str] = []
    real = printing.verify_voucher

    def counting(session, text):  # how many checks ran, and of what
        calls.append(text)
        return real(session, text)

    monkeypatch.setattr(verify_module, "verify_voucher", counting)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.verify_action.trigger()
    dialog = window.verify_dialog
    qtbot.waitExposed(dialog)
    return dialog, sheet.vouchers[0], calls


def _settled(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.op is not None and dialog.op.done, timeout=WAIT)


def test_the_verify_button_checks_the_typed_payload_once(qtbot, app_context, monkeypatch,
                                                         _no_blocking_message_boxes) -> None:
    dialog, voucher, calls = _dialog(qtbot, app_context, monkeypatch)
    dialog.payload_edit.setFocus()
    qtbot.keyClicks(dialog.payload_edit, voucher.payload)  # the payload is ASCII, as a scanner types it
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, dialog)
    assert calls == [voucher.payload]  # before: clicked(bool) reached verify(payload=False), a TypeError box
    assert not _no_blocking_message_boxes
    assert "凭证有效" in dialog.verdict_label.text() and voucher.voucher_no in dialog.result_label.text()


def test_enter_from_a_scanner_verifies_once_and_keeps_the_dialog_open(qtbot, app_context, monkeypatch,
                                                                      _no_blocking_message_boxes) -> None:
    dialog, voucher, calls = _dialog(qtbot, app_context, monkeypatch)
    qtbot.keyClicks(dialog.payload_edit, voucher.payload)
    qtbot.keyClick(dialog.payload_edit, Qt.Key.Key_Return)
    _settled(qtbot, dialog)
    qtbot.wait(200)  # a second check (the dialog's default button taking the same Enter) would have started
    assert calls == [voucher.payload]
    assert dialog.isVisible() and "凭证有效" in dialog.verdict_label.text()
    # the next scan replaces the selected text and is checked in its turn
    qtbot.keyClicks(dialog.payload_edit, "ADV1:NOTAVOUCHER")
    qtbot.keyClick(dialog.payload_edit, Qt.Key.Key_Enter)
    _settled(qtbot, dialog)
    assert calls == [voucher.payload, "ADV1:NOTAVOUCHER"]
    assert "凭证无效" in dialog.verdict_label.text()
    assert not _no_blocking_message_boxes


def test_a_changed_payload_clears_the_previous_verdict_at_once(qtbot, app_context, monkeypatch) -> None:
    dialog, voucher, _calls = _dialog(qtbot, app_context, monkeypatch)
    qtbot.keyClicks(dialog.payload_edit, voucher.payload)
    qtbot.keyClick(dialog.payload_edit, Qt.Key.Key_Return)
    _settled(qtbot, dialog)
    assert "凭证有效" in dialog.verdict_label.text()
    # a tampered payload: the caseworker edits one character of the amount
    dialog.payload_edit.deselect()
    dialog.payload_edit.end(False)
    qtbot.keyClick(dialog.payload_edit, Qt.Key.Key_Backspace)
    assert "凭证有效" not in dialog.verdict_label.text()
    assert voucher.voucher_no not in dialog.result_label.text() and dialog.certificate is None
    type_text(dialog.payload_edit, "9")
    assert "凭证有效" not in dialog.verdict_label.text()
    # a check still running when the text changes does not paint its verdict over the new text
    op = dialog.verify(voucher.payload)
    type_text(dialog.payload_edit, "7")
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    assert dialog.certificate is None and "凭证有效" not in dialog.verdict_label.text()
