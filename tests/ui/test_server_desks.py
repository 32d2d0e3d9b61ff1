"""Several desks on the office's PostgreSQL server, through the window (issue 22): the first run chooses the
server (joining a database another desk set up, or setting up a new one), a wrong password is said at the
field, and a file submitted at one desk appears on another desk's 审批 page without a restart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QLineEdit

from assist_desktop.storage.location import ServerAddress
from tests.ui.conftest import DEMO_TODAY, assert_chinese

PASSWORD = "desk-pass-2026"


@pytest.fixture
def office(pg_cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A database made by ``server init`` on the session's server, for a login role with a password; the
    user data folder (where the chosen server is remembered) in tmp."""
    import uuid

    from assist_desktop.storage.provision import init_server

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    name = f"office_{uuid.uuid4().hex[:8]}"
    admin = ServerAddress.parse(pg_cluster.url("postgres"))
    done = init_server(admin, database=name, role=f"{name}_desk", password=PASSWORD)
    yield ServerAddress(admin.host, admin.port, name, f"{name}_desk")
    pg_cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert done.created_database


def _choose_server(qtbot, wizard, address: ServerAddress, password: str) -> None:  # type: ignore[no-untyped-def]
    page = wizard.location_page
    page.server_choice.setChecked(True)
    page.address.setText(address.text)
    page.password.setText(password)


def test_the_first_run_joins_a_server_another_desk_set_up(qtbot, office, tmp_path: Path, shot) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.paths import saved_server
    from assist_desktop.services.setup import initialise
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.shell.first_run import FirstRunWizard

    with open_database(office.with_password(PASSWORD)) as db:
        initialise(db, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                   admin_password="county-pass-1")
    wizard = FirstRunWizard(tmp_path / "assist.sqlite")
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentPage() is wizard.location_page and wizard.location_page.file_choice.isChecked()
    _choose_server(qtbot, wizard, office, "not-the-password")
    assert_chinese(wizard)
    shot(wizard, "first-run-server")
    assert not wizard.location_page.validatePage()
    assert "密码不正确" in wizard.location_page.message.text()
    assert saved_server() is None
    wizard.location_page.password.setText(PASSWORD)
    with qtbot.waitSignal(wizard.accepted, timeout=15_000):
        assert wizard.location_page.validatePage()
    assert wizard.joined and wizard.location == office.with_password(PASSWORD)
    assert saved_server() == office.text  # remembered for the next start, without its password
    assert PASSWORD not in (tmp_path / "data" / "AssistDesktop" / "connection.json").read_text(encoding="utf-8")


def test_the_first_run_sets_up_a_new_server_database(qtbot, office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.services.setup import local_unit
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.shell.first_run import FirstRunWizard

    wizard = FirstRunWizard(tmp_path / "assist.sqlite")
    qtbot.addWidget(wizard)
    wizard.show()
    _choose_server(qtbot, wizard, office, PASSWORD)
    wizard.next()
    assert wizard.currentPage() is wizard.unit_page and not wizard.joined
    qtbot.keyClicks(wizard.findChild(QLineEdit, "unit_code"), "610826")
    wizard.next()
    qtbot.keyClicks(wizard.findChild(QLineEdit, "admin_username"), "admin")
    for name in ("admin_password", "admin_repeat"):
        wizard.findChild(QLineEdit, name).setText("county-pass-1")
    assert wizard.admin_page.validatePage(), wizard.admin_page.message.text()
    with open_database(office.with_password(PASSWORD)) as db, db.session() as s:
        assert local_unit(s).name == "绥德县总工会"


def test_a_submission_at_one_desk_appears_on_the_approvals_page_of_another(qtbot, office) -> None:  # type: ignore[no-untyped-def]
    """Desk 1 (the reviewer) has the 审批 page open; desk 2 (the clerk) files and submits a household; the
    reviewer's page shows it at the next look (here: at once, as F5 does; else within seconds)."""
    from assist_desktop.services import approvals, registry
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import authenticate, user_roles
    from assist_desktop.storage.models import OrgUnit
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.context import AppContext
    from assist_desktop.ui.shell.main_window import MainWindow
    from sqlmodel import select
    from tests.services.conftest import make_id

    address = office.with_password(PASSWORD)
    today = date.fromisoformat(DEMO_TODAY)
    with open_database(address) as db:
        generate_demo(db, 30, seed=5, today=today)
    desks = [open_database(address), open_database(address)]  # two PCs: two connection pools
    try:
        with desks[0].session() as s:
            reviewer = authenticate(s, "shenhe", "demo12345")
            ctx = AppContext(db=desks[0], user=reviewer, unit=local_unit(s), roles=user_roles(s, reviewer),
                             clock=lambda: today)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        page = window.show_section("approvals")
        window.watcher.baseline()  # (the window does it at its first look, a few seconds after the start)
        qtbot.waitUntil(lambda: window.watcher.head is not None, timeout=15_000)
        qtbot.waitUntil(lambda: hasattr(page, "by_kind"), timeout=15_000)
        before = {item.entity_id for item in page.by_kind["hardship_file"]}

        with desks[1].session() as s:  # desk 2, the clerk: a new household, submitted
            clerk = authenticate(s, "jingban", "demo12345")
            unit_id = s.exec(select(OrgUnit.id).where(OrgUnit.level == "grassroots")).first()
        data = registry.FileInput(
            name="阿卜杜热合曼·买买提", id_number=make_id("19800315", 123), phone="13912345678",
            address="陕西省榆林市绥德县名州镇张家村12号", employer_name="绥德县兴业建筑工程有限公司",
            unit_id=unit_id, primary_cause=6, worker_monthly_income_fen=80_000)
        with desks[1].session() as s:
            hf = registry.create_file(s, clerk, data, today=today)
        with desks[1].session() as s:
            approvals.submit(s, clerk, "hardship_file", hf.id)
        assert hf.id not in before
        window.watcher.check()
        qtbot.waitUntil(lambda: hf.id in {i.entity_id for i in page.by_kind["hardship_file"]}, timeout=15_000)
        window.watcher.stop()
        qtbot.waitUntil(lambda: not window.watcher.busy and page.op is not None and page.op.done, timeout=15_000)
        window.close()
        QThreadPool.globalInstance().waitForDone(15_000)
    finally:
        for db in desks:
            db.close()
