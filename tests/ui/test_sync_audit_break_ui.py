"""同步 page at the city: a county's package whose audit chain no longer holds what the city accepted from it
(its log cut back with sqlite3, then more work) is refused with a Chinese message naming the county and the
entries, nothing is imported, and the refusal — who tried, the file, the unit, the entry numbers — is in the
city's audit log. The administrator, having checked with the county, may still take it on the page: verified
again, imported, the break in the import's audit event."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.sync.conftest import Network, net, network_template  # noqa: F401 - the four-unit sync network
from tests.sync.test_audit_tail import _events, cut
from tests.ui.conftest import assert_chinese


ANSWER = {"question": QMessageBox.StandardButton.No}


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes (and questions, answered with ANSWER) recorded instead of blocking."""
    seen: list[str] = []

    def record(_parent, _title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(text)
        return QMessageBox.StandardButton.Ok

    def question(_parent, _title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(text)
        return ANSWER["question"]

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    monkeypatch.setattr(QMessageBox, "question", question)
    return seen


def _city_page(qtbot, net: Network):  # type: ignore[no-untyped-def]
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import user_roles
    from assist_desktop.ui.context import AppContext
    from assist_desktop.ui.sync.page import SyncPage

    yulin = net["yulin"]
    user = yulin.user("admin")
    with yulin.session() as s:
        ctx = AppContext(db=yulin.db, user=user, unit=local_unit(s), roles=user_roles(s, user), demo=True)
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    return page


def _counts(path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_a_package_whose_chain_was_cut_is_refused_naming_the_unit_and_the_entry(qtbot, net: Network, shot,
                                                                                warnings: list[str]) -> None:
    suide, yulin = net["suide"], net["yulin"]
    net.carry("suide", "yulin")  # accepted and acknowledged
    with closing(sqlite3.connect(suide.path)) as conn:
        acked = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'acknowledged_audit_head'").fetchone()[0])
    _events(net, 4)
    second = net.carry("suide", "yulin", ack=False)  # the city accepted up to here
    accepted = second.report.manifest.units[0].audit.seq
    cut(suide.path, acked["seq"])  # the county's log cut back to what was acknowledged, then more work
    _events(net, 9, start=800)
    package = net.export("suide").path

    page = _city_page(qtbot, net)
    page.tabs.setCurrentIndex(2)
    before = _counts(yulin.path)
    ANSWER["question"] = QMessageBox.StandardButton.No  # the administrator has not checked with the county yet
    page.inspect(package)
    qtbot.waitUntil(lambda: page.idle() and bool(warnings), timeout=60_000)

    said = page.import_result.text()
    # the refusal itself, under the report and in the question that may take it anyway (the administrator)
    assert len(warnings) == 1 and warnings[0].startswith(said) and "已与对方核实" in warnings[0]
    assert said.startswith("绥德县总工会的审计链") and f"第 {accepted} 条" in said and "本单位上次接受的" in said
    assert "不能导入" in said and said.endswith("本次拒绝导入已记入审计日志。")
    assert page.prepared is None and not page.apply_button.isEnabled()
    assert_chinese(page)
    shot(page, "sync-audit-break-refused")

    # nothing imported; the city's audit log holds the refusal and no more
    after = _counts(yulin.path)
    assert {k: v for k, v in after.items() if k != "audit_event"} == {k: v for k, v in before.items()
                                                                      if k != "audit_event"}
    assert after["audit_event"] == before["audit_event"] + 1
    with closing(sqlite3.connect(yulin.path)) as conn:
        actor, entity, action, changes = conn.execute(
            "SELECT actor_name, entity_type, action, changes FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    changes = json.loads(changes)
    assert (entity, action) == ("sync_package", "refused:import")
    assert actor == yulin.user("admin").display_name
    assert changes["file"] == package.name and (changes["unit"], changes["unit_name"]) == ("610826", "绥德县总工会")
    assert changes["accepted_seq"] == accepted and changes["package_seq"] > accepted
    assert changes["reason"] in said
    from assist_desktop.services.audit import verify_audit

    with yulin.session() as s:
        assert verify_audit(s).ok  # the refusal extends the city's own chain

    # checked with the county (it restored a backup): taken knowingly, the break in the import's event
    ANSWER["question"] = QMessageBox.StandardButton.Yes
    warnings.clear()
    page.inspect(package)
    qtbot.waitUntil(lambda: page.idle() and page.prepared is not None, timeout=60_000)
    assert "审计链断裂（已确认接受）：绥德县总工会" in page.import_report.toPlainText()
    page.apply()
    qtbot.waitUntil(lambda: page.idle() and page.imported is not None, timeout=60_000)
    assert page.imported.status == "applied"
    with closing(sqlite3.connect(yulin.path)) as conn:
        action, changes = conn.execute("SELECT action, changes FROM audit_event WHERE entity_type = 'sync_package' "
                                       "ORDER BY seq DESC LIMIT 1").fetchone()
    assert action == "import" and f"第 {accepted} 条" in json.loads(changes)["audit_break_accepted"][0]
