"""Batch money steps show their money (issue 18): paying every approved household of a campaign shows how
many and how much cash before it runs — the dialog said "the sum is shown on the vouchers" — and asks once."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QLabel

from assist_desktop.domain.money import format_amount
from tests.ui.test_campaigns_ui import (PAY_DAY, UPPER, _at, _everything, _page, _rows, _settle,
                                       _steps_through_services, _winter_campaign)

pytestmark = pytest.mark.usefixtures("qapp")


def test_paying_every_match_shows_the_count_and_the_cash_first(qtbot, app_context, demo_db, monkeypatch) -> None:
    from assist_desktop.ui.campaigns.dialogs import VisitPayDialog

    cid = _winter_campaign(demo_db, [(UPPER, 900_000_00)])
    ids = [r[0] for r in _rows(demo_db, "SELECT id FROM visit WHERE campaign_id = ?", cid)]
    _steps_through_services(demo_db, ids)
    shown: list[list[str]] = []

    def answer(dialog: VisitPayDialog) -> int:  # the clerk reads the dialog and presses 发放
        shown.append([label.text() for label in dialog.findChildren(QLabel)])
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(VisitPayDialog, "exec", answer)
    page = _page(qtbot, _at(app_context("jingban"), PAY_DAY))
    _everything(qtbot, page, "approved")
    assert page.model.total == len(ids) > page.model.rowCount()  # more households than the list has loaded
    page.step_buttons["pay"].click()
    _settle(qtbot, page)
    ((cash,),) = _rows(demo_db, "SELECT sum(cash_fen) FROM visit WHERE campaign_id = ?", cid)
    assert len(shown) == 1 and str(len(ids)) in shown[0] and format_amount(cash) in shown[0]
    assert _rows(demo_db, "SELECT count(*), sum(amount_fen) FROM disbursement d JOIN visit v ON v.id = d.grant_id "
                          "WHERE v.campaign_id = ?", cid) == [(len(ids), cash)]
