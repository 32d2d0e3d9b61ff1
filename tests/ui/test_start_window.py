"""The start window opens over a real demo database and shows what it holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QLabel

from assist_desktop.services.demo import generate_demo
from assist_desktop.storage.schema import open_database
from assist_desktop.ui.app import build_window
from assist_desktop.ui.fonts import install_cjk_font


def test_start_window_shows_the_demo_unit(qtbot, qapp, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    with open_database(path) as db:
        summary = generate_demo(db, 30, seed=3, today=date(2026, 11, 21))
    assert install_cjk_font(qapp) == "WenQuanYi Micro Hei"
    assert qapp.font().family() == "WenQuanYi Micro Hei"
    window = build_window(path, demo=True)
    qtbot.addWidget(window)
    window.show()
    texts = " ".join(label.text() for label in window.findChildren(QLabel))
    assert "绥德县总工会" in texts
    assert texts.index("在档") < texts.index("已撤档")  # statuses in lifecycle order
    assert f"家庭成员 {summary.members} 人" in texts
    assert str(path) in texts
    assert "演示" in window.windowTitle()
    image = window.grab()
    assert not image.isNull() and image.width() > 100


def test_a_foreign_file_is_refused_in_a_message_box(qapp, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from assist_desktop.ui import app as app_module

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _parent, title, text: shown.append((title, text))))
    bogus = tmp_path / "台账.xlsx.sqlite"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    assert app_module.run(bogus) == 1
    assert shown and "不是数据库文件" in shown[0][1] and str(bogus) in shown[0][1]
    assert bogus.read_bytes() == b"PK\x03\x04 not a database"


def test_demo_option_creates_the_demo_database(tmp_path: Path, monkeypatch) -> None:
    import assist_desktop.cli as cli
    from assist_desktop.ui import app as app_module

    opened: list[Path] = []
    monkeypatch.setattr(cli, "DEMO_FAMILIES_FOR_WINDOW", 20)
    monkeypatch.setattr(app_module, "run", lambda path, demo=False: opened.append(path) or 0)
    target = tmp_path / "demo.sqlite"
    assert cli.main(["--demo", "--db", str(target)]) == 0
    assert opened == [target] and target.is_file()


def test_auto_backup_runs_off_the_gui_thread(qapp, tmp_path: Path) -> None:
    from PySide6.QtCore import QThreadPool

    from assist_desktop.storage.backup import BackupManager
    from assist_desktop.ui.app import AutoBackup

    path = tmp_path / "demo.sqlite"
    with open_database(path) as db:
        generate_demo(db, 5, seed=2, today=date(2026, 11, 21))
    job = AutoBackup(path)
    job.setAutoDelete(False)
    QThreadPool.globalInstance().start(job)
    assert QThreadPool.globalInstance().waitForDone(10_000)
    assert job.error is None and job.result is not None and job.result.is_file()
    assert [b.reason for b in BackupManager(path).list()] == ["auto"]
    second = AutoBackup(path)  # within the hour: no second backup
    second.run()
    assert second.result is None
