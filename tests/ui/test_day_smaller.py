"""Smaller defects of the caseworker's day (issue 18): 显示 is not offered for a look the user may not take
(the administrator); cancelling a print to a file removes the unfinished file and says so."""

from __future__ import annotations

import pytest
from PySide6.QtPrintSupport import QPrinter

from tests.ui.test_editor import demo_file, open_editor
from tests.ui.test_printing_ui import _page, _preview_vouchers, campaign_id

pytestmark = pytest.mark.usefixtures("qapp")


def test_the_administrator_is_not_offered_show(qtbot, app_context) -> None:
    ctx = app_context("admin")
    editor = open_editor(qtbot, ctx, demo_file(ctx))
    assert editor.read_only
    for button in (editor.id_stack.button, editor.bank_stack.button, editor.health_stack.button,
                   editor.members.show_button):
        assert not button.isEnabled() and "审批" in button.toolTip() and "经办" in button.toolTip()
    clerk = app_context("jingban")
    editor = open_editor(qtbot, clerk, demo_file(clerk))
    assert editor.id_stack.button.isEnabled() and "审计" in editor.id_stack.button.toolTip()


def test_a_cancelled_print_to_a_file_leaves_no_half_file(qtbot, app_context, tmp_path) -> None:
    ctx = app_context("jingban")
    page = _page(qtbot, ctx)
    _preview_vouchers(qtbot, page, campaign_id(ctx.db_path))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "vouchers.pdf"
    printer.setOutputFileName(str(out))
    op = page.print_document(printer)
    op.cancel()  # 取消 in the progress dialog, as the first pages go out
    qtbot.waitUntil(lambda: op.done, timeout=30_000)
    assert op.was_cancelled
    assert not out.exists()  # before: half a PDF was left, and nothing was said
    assert page.last_message == f"打印已取消，未打印完的文件 {out} 已删除。"
