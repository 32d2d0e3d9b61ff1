"""Permissions known at the start (issue 18): what the user's roles cannot do is disabled, its tooltip naming
the role that can — before, a clerk chose a file or read a fingerprint and was refused at the end. The
status bar's unsynced count follows an acknowledgement."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.ui.test_sync_exchange import (boxes, dialogs, export, import_, offices, offices_template,  # noqa: F401
                                         settle, show_tab, unsynced)

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def no_file_dialogs(monkeypatch) -> list[str]:
    opened: list[str] = []
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, n=name, **k: opened.append(n) or ("", "")))
    return opened


def _sync_page(qtbot, ctx):
    from assist_desktop.ui.sync.page import SyncPage

    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    return page


def test_a_clerk_sees_at_once_what_only_the_administrator_or_the_chair_does(qtbot, app_context, no_file_dialogs,
                                                                            shot) -> None:
    page = _sync_page(qtbot, app_context("jingban"))
    for button in (page.export_button, page.choose_package_button, page.choose_ack_button):
        assert not button.isEnabled()
        assert button.toolTip() == "只有“审批”或“管理员”角色的用户才能执行此操作。"
    for button in (page.export_key_button, page.set_upper_button):
        assert not button.isEnabled() and button.toolTip() == "只有“管理员”角色的用户才能执行此操作。"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not page.enrol_lower_button.isVisibleTo(page)  # a county has no lower unit to enrol
    assert no_file_dialogs == []  # nothing to choose a file for, nothing refused afterwards
    page.tabs.setCurrentIndex(5)
    shot(page, "sync-units-clerk")


def test_the_chair_exports_but_the_keys_are_the_administrators(qtbot, app_context) -> None:
    page = _sync_page(qtbot, app_context("shenpi"))
    assert page.choose_package_button.isEnabled() and page.choose_ack_button.isEnabled()
    assert not page.export_key_button.isEnabled() and "管理员" in page.export_key_button.toolTip()
    admin = _sync_page(qtbot, app_context("admin"))
    assert admin.export_key_button.isEnabled() and admin.set_upper_button.isEnabled()
    assert admin.export_key_button.toolTip() == ""


def test_the_scholarship_page_says_who_takes_each_step(qtbot, app_context) -> None:
    from assist_desktop.domain.lifecycle import Action
    from tests.ui.test_scholarships_ui import _page

    clerk = _page(qtbot, app_context("jingban"))
    for button in (clerk.new_round_button, clerk.edit_round_button, clerk.close_round_button):
        assert button.isVisible() and not button.isEnabled()
        assert button.toolTip() == "只有“审批”或“管理员”角色的用户才能执行此操作。"
    clerk.table.selectRow(0)
    assert clerk.step_buttons[Action.submit].isEnabled() and clerk.step_buttons[Action.submit].toolTip() == ""
    for action, who in ((Action.review, "“审核”"), (Action.put_on_notice, "“审核”"), (Action.approve, "“审批”"),
                        (Action.return_to_draft, "“审核”或“审批”")):
        button = clerk.step_buttons[action]
        assert not button.isEnabled() and button.toolTip() == f"只有{who}角色的用户才能执行此操作。", action
    assert clerk.step_buttons[Action.cancel].isEnabled()  # a clerk cancels a draft of theirs

    reviewer = _page(qtbot, app_context("shenhe"))
    assert not reviewer.new_button.isEnabled() and "经办" in reviewer.new_button.toolTip()
    reviewer.table.selectRow(0)
    assert reviewer.step_buttons[Action.review].isEnabled()
    assert not reviewer.step_buttons[Action.submit].isEnabled()
    assert not reviewer.pay_due_button.isEnabled() and "经办" in reviewer.pay_due_button.toolTip()


def test_only_the_chair_or_the_administrator_sets_up_a_campaign(qtbot, app_context) -> None:
    from tests.ui.test_campaigns_ui import _page

    clerk = _page(qtbot, app_context("jingban"))
    assert clerk.new_campaign_button.isVisible() and not clerk.new_campaign_button.isEnabled()
    assert clerk.new_campaign_button.toolTip() == "只有“审批”或“管理员”角色的用户才能执行此操作。"
    chair = _page(qtbot, app_context("shenpi"))
    assert chair.new_campaign_button.isEnabled() and chair.new_campaign_button.toolTip() == ""


def test_the_status_bar_counts_again_once_an_acknowledgement_is_applied(qtbot, offices, dialogs, boxes,  # noqa: F811
                                                                        tmp_path) -> None:
    from assist_desktop.ui.shell.main_window import MainWindow

    suide, yulin = offices["suide"], offices["yulin"]
    ack = tmp_path / "610800-ack-610826-0001.ack"
    import_(yulin, export(suide, tmp_path / "610826-0001.sync"), ack_out=ack)
    window = MainWindow(suide.context())
    qtbot.addWidget(window)
    window.show()
    pending = sum(unsynced(suide).values())
    qtbot.waitUntil(lambda: window.unsynced_label.text() == f"未同步：{pending} 条", timeout=20_000)
    page = window.show_section("sync")
    settle(qtbot, page)
    show_tab(page, "确认文件")
    dialogs["open"].append(ack)
    qtbot.mouseClick(page.choose_ack_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page, lambda: page.ack_path is not None)
    qtbot.mouseClick(page.ack_apply_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page, lambda: page.ack_result.text() != "")
    assert unsynced(suide) == {}
    qtbot.waitUntil(lambda: window.unsynced_label.text() == "未同步：0 条", timeout=20_000)
    window.close()
