"""What the per-role days share: a user's main window on the demo county at a given day, the 审批 page
settled on a tab, rows chosen as a caseworker chooses them, the database read beside (sqlite3), and the
season's earlier steps taken through the services by the roles whose day it was."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

PASSWORD = "demo12345"
KIND_TAB = {"hardship_file": 0, "scholarship": 1, "visit": 2}
BUDGET_2027 = 600_000_00


def rows(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def one(path: Path, sql: str, *args: object) -> Any:
    return rows(path, sql, *args)[0][0]


def user_id(path: Path, username: str) -> str:
    return one(path, "SELECT id FROM user WHERE username = ?", username)


def window(qtbot, db, username: str, today: date):  # noqa: ANN001, ANN201
    """The main window of ``username``, logged in as the program logs in, at 1024×768."""
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import authenticate, user_roles
    from assist_desktop.ui.context import AppContext
    from assist_desktop.ui.shell.main_window import MainWindow

    with db.session() as s:
        user = authenticate(s, username, PASSWORD)
        ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user), demo=True,
                         clock=lambda: today)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.resize(1024, 728)
    return win


def approvals(qtbot, win, kind: str = "hardship_file"):  # noqa: ANN001, ANN201
    page = win.show_section("approvals")
    page.kinds.setCurrentIndex(KIND_TAB[kind])
    settle(qtbot, page)
    return page


def settle(qtbot, page) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: page.op is not None and page.op.done, timeout=30_000)


def tab_count(page, kind: str) -> int:  # noqa: ANN001
    """The number a tab of the 审批 page shows: 金秋助学（3） → 3; no number → 0."""
    text = page.kinds.tabText(KIND_TAB[kind])
    return int(text.split("（")[1].rstrip("）")) if "（" in text else 0


def select(page, ids: list[str]) -> list[int]:  # noqa: ANN001
    """Choose the rows of ``ids`` (ctrl-clicks), as a caseworker picks them."""
    page.table.clearSelection()
    chosen = [r for r, item in enumerate(page.items) if item.entity_id in ids]
    for row in chosen:
        page.table.selectionModel().select(page.table.model().index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                           | QItemSelectionModel.SelectionFlag.Rows)
    return chosen


def double_click(qtbot, page, row: int) -> None:  # noqa: ANN001
    rect = page.table.visualRect(page.table.model().index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def take(qtbot, page, action) -> Any:  # noqa: ANN001
    """Press the step's button and wait for the batch's outcome."""
    page.last_outcome = None
    button = page.buttons[action]
    assert button.isEnabled(), action
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.op.done and page.last_outcome is not None, timeout=60_000)
    outcome = page.last_outcome
    settle(qtbot, page)
    return outcome


def answer_yes(monkeypatch) -> list[str]:  # noqa: ANN001
    """The caseworker reads each question (the money of a batch) and answers 是; what was asked is kept."""
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes))
    return asked


def unsynced(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        total = 0
        for t in tables:
            if "usn" in [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')]:
                total += conn.execute(f'SELECT count(*) FROM "{t}" WHERE usn = -1').fetchone()[0]
    return total


# --- the season's earlier steps, by the roles whose day they were -----------------------------------------


def winter_campaign(db) -> str:  # noqa: ANN001
    """The chair set up the 2027 campaign; the clerk put the deep-hardship households on its list."""
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import CampaignInput, GenerationCriteria
    from assist_desktop.services.users import authenticate

    with db.session() as s:
        chair, clerk = authenticate(s, "shenpi", PASSWORD), authenticate(s, "jingban", PASSWORD)
        c = campaigns.create_campaign(s, chair, CampaignInput(
            2027, None, date(2026, 12, 20), date(2027, 2, 10), [("上级工会拨款", BUDGET_2027)]), today=date(2026, 12, 1))
        campaigns.generate_visits(s, clerk, c.id, GenerationCriteria(categories=("deep",)))
    return c.id


def steps(db, kind: str, ids: list[str], *who_action: tuple[str, str], today: date) -> None:  # noqa: ANN001
    """Earlier steps taken by their roles through the services (the 审批 page's own batch)."""
    from assist_desktop.services import batches
    from assist_desktop.services.users import authenticate

    for who, action in who_action:
        with db.session() as s:
            outcome = batches.take_each(s, authenticate(s, who, PASSWORD), kind, ids, action, today=today)
        assert not outcome.not_taken, outcome.not_taken
