"""Start-up and the main window: first run, login, sections, status bar, refusals shown in windows."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QWizard

from assist_desktop.storage import cipher, keyslots
from assist_desktop.storage.backup import BackupManager
from assist_desktop.ui import app as app_module
from assist_desktop.ui.shell.main_window import MainWindow

from .conftest import assert_chinese, type_text, untranslated, visible_texts


def test_main_window_sections_and_status_bar(qtbot, app_context, shot) -> None:
    ctx = app_context("jingban")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    sections = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert sections == ["困难职工档案", "金秋助学", "春节送温暖", "审批", "打印", "同步", "统计", "设置"]
    assert "绥德县总工会" in window.windowTitle() and "演示" in window.windowTitle()
    qtbot.waitUntil(lambda: window.unsynced_label.text() != "", timeout=15000)
    status = " ".join(label.text() for label in window.statusBar().findChildren(QLabel))
    assert "李娜（经办）" in status and "单位：绥德县总工会" in status and str(ctx.db_path) in status
    assert "最近备份：无" in status
    with closing(sqlite3.connect(ctx.db_path)) as conn:  # the figure is the real count of unsynced rows
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        expected = sum(conn.execute(f'SELECT count(*) FROM "{t}" WHERE usn = -1').fetchone()[0] for t in tables
                       if "usn" in [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')])
    assert f"未同步：{expected} 条" in status
    from assist_desktop.ui.settings.page import SettingsPage

    settings_page = window.show_section("settings")
    assert isinstance(settings_page, SettingsPage)
    qtbot.waitUntil(settings_page.idle, timeout=15000)
    from assist_desktop.ui.sync.page import SyncPage

    sync_page = window.show_section("sync")
    assert isinstance(sync_page, SyncPage)
    qtbot.waitUntil(sync_page.idle, timeout=15000)
    from assist_desktop.ui.printing.page import PrintingPage

    assert isinstance(window.show_section("print"), PrintingPage)
    from assist_desktop.ui.campaigns.page import CampaignsPage
    from assist_desktop.ui.scholarships.page import ScholarshipsPage

    assert isinstance(window.show_section("scholarships"), ScholarshipsPage)
    assert isinstance(window.show_section("campaigns"), CampaignsPage)
    from assist_desktop.ui.statistics.page import StatisticsPage

    assert isinstance(window.show_section("statistics"), StatisticsPage)
    assert_chinese(window)
    shot(window, "main-window-coming")


def test_status_bar_counts_one_at_a_time_and_once_more_after(qtbot, app_context, monkeypatch) -> None:
    """Asked again and again while its count runs (pages chosen, files saved), the status bar counts once
    more after it (so that what was written meanwhile shows), never side by side, and shows the real count."""
    import threading
    import time

    import assist_desktop.ui.shell.main_window as main_window

    ctx = app_context("jingban")
    counted = main_window.unsynced_records
    running, most, calls = [0], [0], [0]
    lock = threading.Lock()

    def slow_count(session):  # noqa: ANN001, ANN202
        with lock:
            running[0] += 1
            calls[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)  # a province's count
        try:
            return counted(session)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(main_window, "unsynced_records", slow_count)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.unsynced_label.text() != "", timeout=15000)
    qtbot.waitUntil(lambda: not window._status_counting, timeout=15000)
    before = calls[0]
    for _ in range(5):
        window.refresh_status()
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        expected = sum(conn.execute(f'SELECT count(*) FROM "{t}" WHERE usn = -1').fetchone()[0] for t in tables
                       if "usn" in [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')])
    qtbot.waitUntil(lambda: calls[0] == before + 1, timeout=5000)
    qtbot.wait(100)
    assert calls[0] == before + 1  # one count runs; the four other asks wait for it
    qtbot.waitUntil(lambda: calls[0] >= before + 2 and not window._status_counting, timeout=15000)
    qtbot.wait(1500)  # five counts one after the other would be over by now
    assert calls[0] - before <= 3  # the burst's two (a change watcher may ask once more on its own)
    assert most[0] == 1  # never two side by side
    assert window.unsynced_label.text() == f"未同步：{expected} 条"


def test_backup_now_updates_the_status_bar(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.back_up()
    qtbot.waitUntil(lambda: BackupManager(ctx.db_path).last_backup() is not None, timeout=15000)
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("最近备份：20"), timeout=15000)


def test_first_run_wizard_creates_the_unit_and_admin(qtbot, tmp_path: Path, shot) -> None:
    from assist_desktop.ui.shell.first_run import FirstRunWizard

    path = tmp_path / "new.sqlite"
    wizard = FirstRunWizard(path)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentPage() is wizard.location_page and wizard.location_page.file_choice.isChecked()
    wizard.next()  # 本机数据文件, the default (the server's way: tests/ui/test_server_desks.py)
    code = wizard.findChild(QLineEdit, "unit_code")
    qtbot.keyClicks(code, "610826")
    assert wizard.findChild(QLineEdit, "unit_name").text() == "绥德县总工会"  # proposed from the region table
    assert_chinese(wizard)
    shot(wizard, "first-run-unit")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    qtbot.keyClicks(wizard.findChild(QLineEdit, "admin_username"), "admin")
    type_text(wizard.findChild(QLineEdit, "admin_display"), "王主任")
    qtbot.keyClicks(wizard.findChild(QLineEdit, "admin_password"), "short")
    qtbot.keyClicks(wizard.findChild(QLineEdit, "admin_repeat"), "short")
    assert not wizard.admin_page.validatePage()
    assert "密码至少需要" in wizard.admin_page.message.text()  # the service's rule, shown at the page
    assert not path.exists()  # the refused set-up wrote nothing at all
    for name in ("admin_password", "admin_repeat"):
        wizard.findChild(QLineEdit, name).setText("county-pass-1")
    shot(wizard, "first-run-admin")
    assert wizard.admin_page.validatePage()
    wizard.next()
    assert wizard.currentPage() is wizard.recovery_page
    shown = wizard.recovery_page.key.text()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()  # until the key is kept
    wizard.recovery_page.kept.setChecked(True)
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert [t for t in untranslated(visible_texts(wizard)) if t != shown] == []  # the key itself is data
    shot(wizard, "first-run-recovery-key")
    key = keyslots.parse_recovery_key(shown)  # what the chair copies opens the file
    with pytest.raises(sqlite3.DatabaseError):  # and nothing else does
        sqlite3.connect(path).execute("SELECT * FROM org_unit").fetchall()
    with closing(cipher.connect(path, key)) as conn:
        assert conn.execute("SELECT code, name FROM org_unit").fetchall() == [("610826", "绥德县总工会")]
        assert conn.execute("SELECT username, display_name FROM user").fetchall() == [("admin", "王主任")]


def test_login_dialog_shows_the_service_messages(qtbot, demo_db: Path, shot) -> None:
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.shell.login import database_login

    with open_database(demo_db) as db:
        dialog = database_login(db, "绥德县总工会")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.username, "shenhe")
        qtbot.keyClicks(dialog.password, "wrong-password")
        dialog.try_login()  # the check runs off the GUI thread; the window says it is checking meanwhile
        assert dialog.checking and not dialog.buttons.isEnabled()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
        assert "用户名或密码错误" in dialog.message.text() and "还可尝试 4 次" in dialog.message.text()
        assert dialog.password.text() == "" and dialog.user is None and dialog.buttons.isEnabled()
        assert_chinese(dialog)
        shot(dialog, "login-refused")
        qtbot.keyClicks(dialog.password, "demo12345")
        dialog.try_login()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
        assert dialog.user is not None and dialog.user.username == "shenhe"
        assert dialog.result() == dialog.DialogCode.Accepted


def test_a_foreign_file_is_refused_in_a_message_box(qapp, tmp_path: Path, monkeypatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _parent, title, text: shown.append((title, text))))
    bogus = tmp_path / "台账.sqlite"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    assert app_module.run(bogus) == 1
    assert shown and shown[0][0] == "无法打开数据库"
    assert "不是数据库文件" in shown[0][1] and str(bogus) in shown[0][1]
    assert bogus.read_bytes() == b"PK\x03\x04 not a database"


@pytest.mark.parametrize("worked_ms", [0, 300])
def test_demo_run_logs_in_without_a_password_and_backs_up(qapp, demo_db: Path, monkeypatch, worked_ms: int) -> None:
    """The automatic backup starts MAINTENANCE_DELAY_MS after the main window (here 100 ms), off the GUI
    thread; a program closed before that takes none, and the next start does."""
    import time

    opened: list[MainWindow] = []
    build = app_module.build_main_window
    # the window this run builds (another test's window may still be on the screen)
    monkeypatch.setattr(app_module, "build_main_window", lambda ctx: opened.append(build(ctx)) or opened[-1])

    started: list[MainWindow] = []
    start = MainWindow.start_maintenance
    monkeypatch.setattr(MainWindow, "start_maintenance", lambda self: (started.append(self), start(self))[1])

    def fake_exec(_app: object) -> int:
        window = opened[-1]
        deadline = time.monotonic() + worked_ms / 1000
        # worked a while: at least until the maintenance's timer fired (a loaded machine may fire it late)
        while time.monotonic() < deadline or (worked_ms and not started and time.monotonic() < deadline + 30):
            QApplication.processEvents()
        window.close()
        return 0

    monkeypatch.setattr(app_module, "event_loop", fake_exec)
    monkeypatch.setattr(app_module, "MAINTENANCE_DELAY_MS", 100)
    assert app_module.run(demo_db, demo=True) == 0
    assert opened and opened[0].ctx.user.username == "jingban" and opened[0].ctx.demo
    backups = [b.reason for b in BackupManager(demo_db).list()]
    assert bool(started) == bool(worked_ms)
    assert backups == (["auto"] if worked_ms else [])  # once started, the program waits for it before it ends


def test_demo_option_creates_the_demo_database(tmp_path: Path, monkeypatch) -> None:
    import assist_desktop.cli as cli

    opened: list[Path] = []
    monkeypatch.setattr(cli, "DEMO_FAMILIES_FOR_WINDOW", 20)
    monkeypatch.setattr(app_module, "run", lambda path, demo=False: opened.append(path) or 0)
    target = tmp_path / "demo.sqlite"
    assert cli.main(["--demo", "--db", str(target)]) == 0
    assert opened == [target] and target.is_file()


def test_large_file_is_checked_after_start_and_a_damaged_one_not_backed_up(qtbot, app_context, monkeypatch) -> None:
    from assist_desktop.storage import schema

    ctx = app_context("jingban")
    monkeypatch.setattr(schema, "QUICK_CHECK_MAX_BYTES", 0)  # treat the demo file as a province-sized one
    checked: list[Path] = []
    monkeypatch.setattr(schema, "integrity_problem", lambda p: checked.append(p) or "数据库文件已损坏（测试）")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, _t, text: shown.append(text)))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.start_maintenance()
    qtbot.waitUntil(lambda: window.maintenance_op.done, timeout=15000)
    assert checked == [ctx.db_path] and shown == ["数据库文件已损坏（测试）"]
    assert BackupManager(ctx.db_path).list() == []
    assert not window.backup_timer.isActive()  # no hourly backups of a damaged file


def test_start_maintenance_takes_the_automatic_backup(qtbot, app_context, _no_blocking_message_boxes) -> None:
    ctx = app_context("jingban")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    taken: list[str] = []
    ctx.events.backup_taken.connect(taken.append)
    window.start_maintenance()
    qtbot.waitUntil(lambda: window.maintenance_op.done, timeout=15000)
    op = window.maintenance_op
    assert op.error is None and not _no_blocking_message_boxes, (op.error, _no_blocking_message_boxes)
    qtbot.waitUntil(lambda: len(taken) == 1, timeout=5000)
    assert [b.reason for b in BackupManager(ctx.db_path).list()] == ["auto"]


def test_about_names_version_data_and_the_fonts_licences(qtbot, app_context, shot) -> None:
    from assist_desktop import __version__
    from assist_desktop.ui.shell.main_window import MainWindow

    ctx = app_context("jingban")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dialog = window.about()
    qtbot.addWidget(dialog)
    assert __version__ in dialog.findChild(QLabel, "title").text()
    assert dialog.db_label.text() == str(ctx.db_path)
    assert dialog.backups_label.text().endswith("backups")
    fonts = [dialog.fonts.item(i).text() for i in range(dialog.fonts.count())]
    # said in Chinese (issue 18): what the font is, its file, its licence
    assert "文泉驿微米黑 0.2.0 测试版（全部文字）（wqy-microhei.ttc）— Apache 许可证 2.0" in fonts
    assert not untranslated([re.sub(r"（[\w.-]+\.(?:ttc|ttf|xz)）", "", f) for f in fonts]), fonts  # but file names
    assert all("缺少许可证" not in f for f in fonts)
    dialog.fonts.setCurrentRow(next(i for i, f in enumerate(fonts) if "wqy-microhei" in f))
    assert "Apache License" in dialog.licence.toPlainText() and "TERMS AND CONDITIONS" in dialog.licence.toPlainText()
    assert_chinese(dialog)
    shot(dialog, "about")
    dialog.close()


def test_a_password_set_by_the_administrator_is_replaced_at_the_first_login(qtbot, demo_db: Path,
                                                                            monkeypatch) -> None:
    from assist_desktop.services.users import authenticate, create_user
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.shell import login

    with open_database(demo_db) as db:
        with db.session() as s:
            admin = authenticate(s, "admin", "demo12345")
        with db.session() as s:
            create_user(s, admin, username="zhaomin", display_name="赵敏", password="Start-2026!",
                        roles=["clerk"])
        asked: list[login.ChangePasswordDialog] = []

        def answer(self):  # type: ignore[no-untyped-def]
            asked.append(self)
            self.new.setText("short")
            self.again.setText("short")
            self.save()  # too weak: refused by the service, the dialog stays
            assert self.user is None and self.message.text()
            self.new.setText("Zhaomin-own-2026")
            self.again.setText("Zhaomin-own-2026")
            self.save()
            return self.result()

        monkeypatch.setattr(login.ChangePasswordDialog, "exec", answer)
        dialog = login.database_login(db, "绥德县总工会")
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.username, "zhaomin")
        qtbot.keyClicks(dialog.password, "Start-2026!")
        dialog.try_login()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=15000)
        assert asked and dialog.user is not None and not dialog.user.must_change_password
        with db.session() as s:  # the new password works, the administrator's no longer does
            assert authenticate(s, "zhaomin", "Zhaomin-own-2026").username == "zhaomin"
        with db.session() as s, pytest.raises(Exception, match="密码"):
            authenticate(s, "zhaomin", "Start-2026!")


def test_the_smoke_check_names_a_font_without_its_licence(qapp, monkeypatch) -> None:
    from assist_desktop.ui import smoke
    from assist_desktop.ui.shell import about

    lines: list[str] = []
    check = smoke.Smoke(out=lines.append)
    check.resources()
    assert not check.failed, lines  # the bundled fonts all carry their licences
    monkeypatch.setattr(about, "bundled_fonts", lambda: [("wqy-microhei.ttc", None)])
    check = smoke.Smoke(out=lines.append)
    check.resources()
    assert check.failed == ["字体 wqy-microhei.ttc 的许可证"]
    assert any(line.startswith("MISSING  字体 wqy-microhei.ttc 的许可证") for line in lines)


def test_the_smoke_check_names_a_qt_module_that_does_not_load(qapp, monkeypatch) -> None:
    """A Qt module whose library the bundle left out (QtPdf without QtNetwork) fails the smoke check by name."""
    from assist_desktop.ui import smoke

    lines: list[str] = []
    check = smoke.Smoke(out=lines.append)
    check.qt_modules()
    assert not check.failed and lines == [f"ok  Qt 模块：{len(smoke.QT_MODULES)} 个"]
    monkeypatch.setattr(smoke, "QT_MODULES", (*smoke.QT_MODULES, "PySide6.QtNoSuchModule"))
    check = smoke.Smoke(out=lines.append)
    check.qt_modules()
    assert check.failed == ["Qt 模块"]
    assert lines[-1].startswith("MISSING  Qt 模块：PySide6.QtNoSuchModule（No module named")
