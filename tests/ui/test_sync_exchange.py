"""同步 page between real offices: a city imports a county's package (the verification report first, then
applied in the background, listed in the history, its acknowledgement saved where the caseworker chose), the
county reads that acknowledgement back, units enrol each other from their key files with the fingerprint
shown, and the city lists what two counties' records say of the same person.

Every outcome is checked in the database files themselves (sqlite3), not only in the widgets. The offices
are built once (a session template) and copied for each test; file dialogs and message boxes are replaced
by recorders, as a caseworker's clicks would answer them.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QPushButton, QTableWidget

from tests.sync.conftest import db_state
from tests.ui.conftest import CJK, untranslated, visible_texts

pytestmark = pytest.mark.usefixtures("qapp")

TODAY = date(2026, 11, 20)
PASSWORD = "office-pass-123"
OFFICES = {  # key: (code, name, level, demo families, seed)
    "suide": ("610826", "绥德县总工会", "county", 16, 3),
    "mizhi": ("610827", "米脂县总工会", "county", 10, 4),
    "qingjian": ("610830", "清涧县总工会", "county", 0, 0),  # not enrolled anywhere: the units tab enrols it
    "yulin": ("610800", "榆林市总工会", "city", 0, 0),
    "shaanxi": ("610000", "陕西省总工会", "province", 0, 0),
}
LINKS = (("suide", "yulin"), ("mizhi", "yulin"))  # (lower, upper), enrolled both ways


def _build(root: Path) -> None:
    from assist_desktop.services.demo import generate_demo, mark_demo
    from assist_desktop.services.setup import initialise
    from assist_desktop.storage.schema import open_database
    from assist_desktop.sync import keys as sync_keys
    from tests.sync.linking import link

    dbs = {}
    for key, (code, name, level, families, seed) in OFFICES.items():
        db = open_database(root / f"{key}.sqlite")
        initialise(db, unit_code=code, unit_name=name, admin_username="admin", admin_password=PASSWORD, level=level)
        mark_demo(db)  # made-up units: demo data may go in
        if families:
            generate_demo(db, families, seed=seed, today=TODAY)
        with db.session() as s:
            (root / f"{key}.key").write_bytes(sync_keys.export_key_file(s, None))
        dbs[key] = db
    for lower, upper in LINKS:
        link(dbs[lower], dbs[upper], sync_keys.read_key_file(root / f"{lower}.key"),
             sync_keys.read_key_file(root / f"{upper}.key"))
    for db in dbs.values():
        db.close()
    for key in OFFICES:
        with closing(sqlite3.connect(root / f"{key}.sqlite")) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="session")
def offices_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sync-offices")
    _build(root)
    return root


@dataclass
class Office:
    key: str
    path: Path
    key_file: Path
    code: str
    name: str
    opened: list[Any]

    @property
    def unit_id(self) -> str:
        with closing(sqlite3.connect(self.path)) as conn:
            return conn.execute("SELECT value FROM meta WHERE key = 'local_unit_id'").fetchone()[0]

    def db(self):  # type: ignore[no-untyped-def]
        from assist_desktop.storage.schema import open_database

        db = open_database(self.path)
        self.opened.append(db)
        return db

    def context(self):  # type: ignore[no-untyped-def]
        """The administrator logged in, as the program's login would leave it."""
        from assist_desktop.services.setup import local_unit
        from assist_desktop.services.users import authenticate, user_roles
        from assist_desktop.ui.context import AppContext

        db = self.db()
        with db.session() as s:
            user = authenticate(s, "admin", PASSWORD)
            return AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user),
                              clock=lambda: TODAY)

    def query(self, sql: str, *args: Any) -> list[tuple]:  # type: ignore[type-arg]
        with closing(sqlite3.connect(self.path)) as conn:
            return conn.execute(sql, args).fetchall()

    def count(self, table: str, where: str = "1", *args: Any) -> int:
        return self.query(f'SELECT count(*) FROM "{table}" WHERE {where}', *args)[0][0]

    def state(self) -> Any:
        return db_state(self.path)


@pytest.fixture
def offices(offices_template: Path, tmp_path: Path) -> Iterator[dict[str, Office]]:
    root = tmp_path / "offices"
    root.mkdir()
    opened: list[Any] = []
    out = {}
    for key, (code, name, *_rest) in OFFICES.items():
        shutil.copyfile(offices_template / f"{key}.sqlite", root / f"{key}.sqlite")
        shutil.copyfile(offices_template / f"{key}.key", root / f"{key}.key")
        out[key] = Office(key, root / f"{key}.sqlite", root / f"{key}.key", code, name, opened)
    yield out
    for db in opened:
        db.close()


# --- services standing in for the other office ---------------------------------------------------------


def export(office: Office, out: Path) -> Path:
    from assist_desktop.sync.export import export_package

    with closing(office.db()) as db, db.session() as s:
        return export_package(s, None, out).path


def import_(office: Office, package: Path, ack_out: Path | None = None) -> Any:
    from assist_desktop.sync.ack import write_ack
    from assist_desktop.sync.importer import import_package

    with closing(office.db()) as db, db.session() as s:
        result = import_package(s, None, package)
        if ack_out is not None:
            write_ack(s, result.package_id, ack_out)
    return result


def unsynced(office: Office) -> dict[str, int]:
    """Rows with usn -1 (changed here, not yet acknowledged), by table."""
    out = {}
    with closing(sqlite3.connect(office.path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for t in tables:
            if "usn" in [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')]:
                n = conn.execute(f'SELECT count(*) FROM "{t}" WHERE usn = -1').fetchone()[0]
                if n:
                    out[t] = n
    return out


# --- driving the page ----------------------------------------------------------------------------------


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Message boxes recorded instead of shown; ``answers`` holds what the next questions are answered."""
    seen: dict[str, Any] = {"warning": [], "critical": [], "information": [], "question": [], "answers": []}

    def record(kind: str) -> Callable[..., Any]:
        def box(_parent: Any, _title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            seen[kind].append(text)
            if kind == "question":
                return seen["answers"].pop(0) if seen["answers"] else QMessageBox.StandardButton.No
            return QMessageBox.StandardButton.Ok
        return staticmethod(box)

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    return seen


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """File dialogs answered from ``open`` / ``save`` (a path, or None for 取消); what they offered is kept."""
    chosen: dict[str, Any] = {"open": [], "save": [], "offered": []}

    def answer(kind: str) -> Callable[..., Any]:
        def dialog(_parent: Any, caption: str, start: str, filters: str, *args: Any, **kwargs: Any) -> Any:
            chosen["offered"].append((kind, caption, start, filters))
            path = chosen[kind].pop(0)
            return (str(path) if path else "", filters.split(";;")[0] if path else "")
        return staticmethod(dialog)

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer("open"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer("save"))
    return chosen


def open_page(qtbot: Any, office: Office) -> Any:
    from assist_desktop.ui.sync.page import SyncPage

    page = SyncPage(office.context())
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    return page


def button(root: Any, text: str) -> QPushButton:
    found = [b for b in root.findChildren(QPushButton) if b.text() == text and b.isVisibleTo(root)]
    assert len(found) == 1, f"{text!r}: {[b.text() for b in root.findChildren(QPushButton)]}"
    return found[0]


def click(qtbot: Any, page: Any, text: str) -> None:
    target = button(page, text)
    assert target.isEnabled(), f"{text} is disabled"
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def show_tab(page: Any, label: str) -> None:
    labels = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    page.tabs.setCurrentIndex(labels.index(label))


def assert_chinese(root: Any) -> None:
    """As tests.ui.conftest's, with key ids (eight hex digits, as DCC74513) taken for the data they are."""
    texts = [re.sub(r"\b[0-9A-F]{8}\b", "", t) for t in visible_texts(root)]
    bad = untranslated(texts)
    assert not bad, f"untranslated strings on {type(root).__name__}: {bad}"


def cells(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


@pytest.fixture
def china_time() -> Iterator[None]:
    """The office's clock on China Standard Time (UTC+8, no summer time), whatever the machine's zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "CST-8"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def settle(qtbot: Any, page: Any, until: Callable[[], bool] = lambda: True, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: page.idle() and until(), timeout=timeout)


# --- import and apply at the city ----------------------------------------------------------------------


def test_city_verifies_applies_and_acknowledges_a_county_package(qtbot, offices, dialogs, boxes, tmp_path, shot,
                                                                 china_time) -> None:
    from assist_desktop.sync import ack as sync_ack
    from assist_desktop.sync.tables import TABLE_LABELS

    suide, yulin = offices["suide"], offices["yulin"]
    package = export(suide, tmp_path / "usb" / "610826-0001.sync")
    suide_id = suide.unit_id
    page = open_page(qtbot, yulin)
    before = yulin.state()  # after the login, which the audit trail records
    show_tab(page, "导入")

    dialogs["open"].append(package)
    click(qtbot, page, "选择同步文件…")
    settle(qtbot, page, lambda: page.prepared is not None)
    report = page.import_report.toPlainText()
    counts = page.prepared.report.counts
    assert "发出单位：绥德县总工会（610826）；接收单位：榆林市总工会（610800）" in report
    assert "序号：第 1 号（本单位此前最后导入第 0 号）" in report and "签名：有效" in report
    assert "记录：" + "，".join(f"{TABLE_LABELS.get(t, t)} {n}" for t, n in counts.items()) in report
    assert counts["hardship_file"] == suide.count("hardship_file") > 0
    assert counts["member"] == suide.count("member") > 0
    assert f"共 {sum(counts.values())} 条记录" in report and "可以导入" in report
    assert button(page, "应用").isEnabled() and not button(page, "保存确认文件…").isEnabled()
    assert yulin.state() == before  # the report is a read: nothing written yet
    assert_chinese(page)
    shot(page, "sync-import-report")

    click(qtbot, page, "应用")
    assert page.ops[-1].dialog is not None  # in the background, with progress and 取消
    settle(qtbot, page, lambda: page.imported is not None)
    assert "已导入绥德县总工会（610826）的第 1 号同步文件" in page.import_result.text()
    assert not button(page, "应用").isEnabled()
    # every row the package carried is now in the city's file, the county's own
    for table, n in counts.items():
        if table != "tombstone":
            assert yulin.count(table, "owner_unit_id = ?", suide_id) == n, table
    assert {r[0] for r in yulin.query("SELECT id FROM hardship_file WHERE owner_unit_id = ?", suide_id)} \
        == {r[0] for r in suide.query("SELECT id FROM hardship_file")}
    assert yulin.query("SELECT last_received_seq FROM sync_peer WHERE unit_id = ?", suide_id) == [(1,)]
    assert yulin.query("SELECT direction, seq, status, rows FROM sync_package") == [("in", 1, "applied",
                                                                                    sum(counts.values()))]

    show_tab(page, "历史")
    rows = cells(page.history_table)
    assert len(rows) == 1
    assert rows[0][:3] == ["收到", "绥德县总工会（610826）", "1"] and rows[0][5] == "已导入"
    assert rows[0][4] == str(sum(counts.values())) and rows[0][8] == "610826-0001.sync"
    made_at = datetime.fromisoformat(yulin.query("SELECT made_at FROM sync_package")[0][0])  # stored in UTC
    made_at = made_at if made_at.tzinfo else made_at.replace(tzinfo=UTC)
    assert rows[0][6] == (made_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")  # shown in Beijing time
    assert page.history_note.text() == "共 1 个同步文件"
    shot(page, "sync-history-city")

    show_tab(page, "导入")
    chosen_ack = tmp_path / "usb" / "回执" / "给绥德.ack"
    dialogs["save"].append(chosen_ack)
    click(qtbot, page, "保存确认文件…")
    settle(qtbot, page, lambda: page.ack_path is not None)
    assert dialogs["offered"][-1][2].endswith("610800-ack-610826-0001.ack")  # the name suggested
    assert page.ack_path == chosen_ack and chosen_ack.is_file()
    assert str(chosen_ack) in page.import_result.text()
    shot(page, "sync-import-applied")
    assert_chinese(page)
    assert not boxes["warning"] and not boxes["critical"]

    # the county takes the acknowledgement back: the rows it sent are synced (usn no longer -1)
    assert unsynced(suide).get("hardship_file") == suide.count("hardship_file")
    with closing(suide.db()) as db, db.session() as s:
        result = sync_ack.apply_ack(s, None, chosen_ack)
    assert result.report.status == "new" and result.marked == sum(counts.values())
    assert unsynced(suide) == {}
    assert suide.query("SELECT status FROM sync_package WHERE direction = 'out'") == [("acked",)]


def test_cancelling_before_apply_writes_nothing(qtbot, offices, dialogs, boxes, tmp_path, monkeypatch) -> None:
    from assist_desktop.sync import importer

    suide, yulin = offices["suide"], offices["yulin"]
    package = export(suide, tmp_path / "610826-0001.sync")
    page = open_page(qtbot, yulin)
    before = yulin.state()  # after the login, which the audit trail records
    show_tab(page, "导入")

    dialogs["open"].append(None)  # 取消 in the file dialog
    click(qtbot, page, "选择同步文件…")
    settle(qtbot, page)
    assert page.prepared is None and page.import_report.toPlainText() == "" and not button(page, "应用").isEnabled()

    # the report read, then 不导入
    dialogs["open"].append(package)
    click(qtbot, page, "选择同步文件…")
    settle(qtbot, page, lambda: page.prepared is not None)
    assert "可以导入" in page.import_report.toPlainText()
    click(qtbot, page, "不导入")
    assert page.prepared is None and page.import_report.toPlainText() == ""
    assert page.import_result.text() == "未导入，数据库未改动。"
    assert not button(page, "应用").isEnabled() and not button(page, "不导入").isEnabled()
    assert yulin.state() == before

    # the report read, then 取消 in the progress dialog while the rows are being written
    real_apply = importer.apply_package

    def apply_once_cancelled(session: Any, user: Any, prepared: Any, *, progress: Any, cancelled: Any) -> Any:
        for _ in range(2000):  # until the caseworker has pressed 取消 (at most 20 s)
            if cancelled():
                break
            threading.Event().wait(0.01)
        return real_apply(session, user, prepared, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(importer, "apply_package", apply_once_cancelled)
    dialogs["open"].append(package)
    click(qtbot, page, "选择同步文件…")
    settle(qtbot, page, lambda: page.prepared is not None)
    click(qtbot, page, "应用")
    op = page.ops[-1]
    qtbot.waitUntil(lambda: op.dialog is not None and op.dialog.isVisible(), timeout=10_000)
    dialog = op.dialog
    assert isinstance(dialog, QProgressDialog) and dialog.labelText() == "正在导入同步文件…"
    qtbot.mouseClick(button(dialog, "取消"), Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert page.import_result.text() == "已取消导入，数据库未改动。"
    assert page.prepared is None and page.imported is None and not button(page, "保存确认文件…").isEnabled()
    assert yulin.state() == before
    assert yulin.count("sync_package") == 0 and yulin.count("hardship_file") == 0
    assert not boxes["warning"] and not boxes["critical"]  # the caseworker's own cancel: said, not alarmed
    monkeypatch.setattr(importer, "apply_package", real_apply)

    # the file is still good: chosen again it imports
    dialogs["open"].append(package)
    click(qtbot, page, "选择同步文件…")
    settle(qtbot, page, lambda: page.prepared is not None)
    click(qtbot, page, "应用")
    settle(qtbot, page, lambda: page.imported is not None)
    assert yulin.count("hardship_file") == suide.count("hardship_file")
    assert_chinese(page)


def test_the_same_package_again_is_already_imported_and_changes_nothing(qtbot, offices, dialogs, boxes,
                                                                        tmp_path) -> None:
    suide, yulin = offices["suide"], offices["yulin"]
    package = export(suide, tmp_path / "610826-0001.sync")
    import_(yulin, package)
    page = open_page(qtbot, yulin)
    before = yulin.state()  # after the login, which the audit trail records
    show_tab(page, "导入")
    dialogs["open"].append(package)
    click(qtbot, page, "选择同步文件…")
    settle(qtbot, page, lambda: page.import_report.toPlainText() != "")
    report = page.import_report.toPlainText()
    assert "第 1 号同步文件已经导入过，不会重复导入（数据库不变）" in report
    assert not button(page, "应用").isEnabled() and not button(page, "不导入").isEnabled()
    assert page.prepared is None  # nothing to apply: its decrypted copy is not kept
    page.apply()  # even if it were clicked
    settle(qtbot, page)
    assert yulin.state() == before
    assert yulin.query("SELECT direction, seq FROM sync_package") == [("in", 1)]
    assert not boxes["warning"] and not boxes["critical"]
    assert_chinese(page)


# --- the acknowledgement at the county -----------------------------------------------------------------


def test_county_reads_the_acknowledgement_and_nothing_is_pending(qtbot, offices, dialogs, boxes, tmp_path,
                                                                 shot) -> None:
    suide, yulin = offices["suide"], offices["yulin"]
    package = export(suide, tmp_path / "610826-0001.sync")
    ack = tmp_path / "610800-ack-610826-0001.ack"
    result = import_(yulin, package, ack_out=ack)
    page = open_page(qtbot, suide)
    pending_before = {p.table: p.rows for p in page.pending}
    assert pending_before == unsynced(suide) and sum(pending_before.values()) == result.report.rows
    assert page.pending_total.text() == f"共 {result.report.rows} 条变动记录"

    show_tab(page, "确认文件")
    dialogs["open"].append(ack)
    click(qtbot, page, "选择确认文件…")
    settle(qtbot, page, lambda: page.ack_path is not None)
    assert re.fullmatch(rf"榆林市总工会已于 \d{{4}}-\d\d-\d\d 导入第 1 号同步文件（{result.report.rows} 条记录）。",
                        page.ack_report.text())
    assert unsynced(suide) == pending_before  # read only so far
    click(qtbot, page, "导入确认文件")
    settle(qtbot, page, lambda: page.ack_result.text() != "")
    assert f"已将 {result.report.rows} 条记录标记为已同步" in page.ack_result.text()
    assert page.ack_report.text() == ""  # said once, in the result
    shot(page, "sync-ack-county")
    assert unsynced(suide) == {}
    assert suide.query("SELECT last_acked_seq FROM sync_peer WHERE relation = 'upper'") == [(1,)]

    show_tab(page, "待同步")
    settle(qtbot, page)
    assert page.pending_table.rowCount() == 0 and page.pending_total.text() == "没有待同步的记录。"
    shot(page, "sync-pending-county-empty")
    show_tab(page, "历史")
    assert cells(page.history_table)[0][:3] == ["发出", "榆林市总工会（610800）", "1"]
    assert cells(page.history_table)[0][5] == "已确认" and cells(page.history_table)[0][7] != ""

    # the same acknowledgement again: already applied, nothing to do
    before = suide.state()
    show_tab(page, "确认文件")
    dialogs["open"].append(ack)
    click(qtbot, page, "选择确认文件…")
    settle(qtbot, page, lambda: page.ack_path is not None)
    assert "已确认过" in page.ack_report.text() and not button(page, "导入确认文件").isEnabled()
    assert suide.state() == before
    assert not boxes["warning"] and not boxes["critical"]
    assert_chinese(page)


# --- units and keys ------------------------------------------------------------------------------------


def test_units_tab_exports_the_key_enrols_a_lower_unit_and_sets_the_upper_unit(qtbot, offices, dialogs, boxes,
                                                                                tmp_path, shot) -> None:
    from assist_desktop.sync.keys import read_key_file

    yulin, qingjian, shaanxi = offices["yulin"], offices["qingjian"], offices["shaanxi"]
    page = open_page(qtbot, yulin)
    show_tab(page, "导出")  # no upper unit yet: the page says where to set it
    assert page.plan_label.text() == ("本单位还没有设置上级单位：请在“单位”页点“设置上级单位…”，"
                                      "打开上级单位的公钥文件。")
    assert not button(page, "导出同步文件…").isEnabled()
    assert_chinese(page)
    shot(page, "sync-export-no-upper")
    show_tab(page, "单位")
    assert [r[1] for r in cells(page.units_table)] == ["610826", "610827"]

    # a place that cannot be written to: refused in Chinese
    dialogs["save"].append(tmp_path)  # a folder
    click(qtbot, page, "导出本单位公钥…")
    settle(qtbot, page, lambda: bool(boxes["warning"]))
    assert boxes["warning"] == [page.units_note.text()] and "无法写入公钥文件" in boxes["warning"][0]
    assert_chinese(page)
    boxes["warning"].clear()

    # this unit's public key, saved where chosen (a new folder on the USB stick) and readable as a key file
    out = tmp_path / "keys" / "榆林.key"
    dialogs["save"].append(out)
    click(qtbot, page, "导出本单位公钥…")
    settle(qtbot, page, lambda: page.units_note.text() != "")
    own = read_key_file(out)
    assert (own.code, own.name, own.level) == ("610800", "榆林市总工会", "city")
    assert own.fingerprint in page.units_note.text() and str(out) in page.units_note.text()
    assert dialogs["offered"][-1][2].endswith("610800.key")

    # a lower unit from its key file: the fingerprint is shown to be checked; 否 writes nothing
    county_key = read_key_file(qingjian.key_file)
    before = yulin.state()
    dialogs["open"].append(qingjian.key_file)
    boxes["answers"].append(QMessageBox.StandardButton.No)
    click(qtbot, page, "登记下级单位…")
    settle(qtbot, page, lambda: len(boxes["question"]) == 1)
    shown = re.search(r"指纹：(.+)", boxes["question"][0])
    assert shown and shown.group(1) == county_key.fingerprint
    assert "清涧县总工会（代码 610830，县级）" in boxes["question"][0]
    assert yulin.state() == before

    dialogs["open"].append(qingjian.key_file)
    boxes["answers"].append(QMessageBox.StandardButton.Yes)
    click(qtbot, page, "登记下级单位…")
    settle(qtbot, page, lambda: "已登记下级单位" in page.units_note.text())
    assert re.search(r"指纹：(.+)", boxes["question"][1]).group(1) == county_key.fingerprint  # type: ignore[union-attr]
    assert "已登记下级单位：清涧县总工会（610830，县级）" in page.units_note.text()
    rows = {r[1]: r for r in cells(page.units_table)}
    assert rows["610830"][0] == "下级单位" and rows["610830"][2] == "清涧县总工会"
    assert rows["610830"][6] == county_key.fingerprint
    assert yulin.query("SELECT p.relation, u.code, u.level FROM sync_peer p JOIN org_unit u ON u.id = p.unit_id "
                       "WHERE p.unit_id = ?", county_key.unit_id) == [("lower", "610830", "county")]

    # the upper unit
    province_key = read_key_file(shaanxi.key_file)
    dialogs["open"].append(shaanxi.key_file)
    boxes["answers"].append(QMessageBox.StandardButton.Yes)
    click(qtbot, page, "设置上级单位…")
    settle(qtbot, page, lambda: "已设置上级单位" in page.units_note.text())
    assert "设置此单位为上级单位？" in boxes["question"][2] and province_key.fingerprint in boxes["question"][2]
    assert cells(page.units_table)[0][:3] == ["上级单位", "610000", "陕西省总工会"]
    assert yulin.query("SELECT p.relation FROM sync_peer p WHERE p.unit_id = ?", province_key.unit_id) == [("upper",)]
    assert yulin.query("SELECT parent_id FROM org_unit WHERE id = ?", yulin.unit_id) == [(province_key.unit_id,)]
    assert "发往：陕西省总工会（610000）" in page.plan_label.text()  # the export tab now knows where to send
    assert page.export_button.isEnabled()
    shot(page, "sync-units-city")
    assert not boxes["warning"] and not boxes["critical"]
    assert_chinese(page)


def test_units_tab_refuses_a_damaged_key_file_and_this_units_own(qtbot, offices, dialogs, boxes, tmp_path) -> None:
    yulin, qingjian = offices["yulin"], offices["qingjian"]
    page = open_page(qtbot, yulin)
    show_tab(page, "单位")
    before = yulin.state()
    peers = yulin.count("sync_peer")

    damaged = tmp_path / "清涧.key"
    data = bytearray(qingjian.key_file.read_bytes())
    at = data.index(b'"fingerprint": "') + len(b'"fingerprint": "')  # its first digit, changed
    data[at] = ord("0") if data[at] != ord("0") else ord("1")
    damaged.write_bytes(bytes(data))
    cut = tmp_path / "截断.key"
    cut.write_bytes(qingjian.key_file.read_bytes()[:200])
    own = tmp_path / "本单位.key"
    shutil.copyfile(yulin.key_file, own)

    for path, expected in ((damaged, "文件可能已被改动"), (cut, "不是单位公钥文件"),
                           (own, "这是本单位自己的公钥文件")):
        boxes["warning"].clear()
        dialogs["open"].append(path)
        boxes["answers"].append(QMessageBox.StandardButton.Yes)  # were it asked, the caseworker would agree
        click(qtbot, page, "登记下级单位…")
        settle(qtbot, page, lambda: bool(boxes["warning"]))
        assert expected in boxes["warning"][0] and CJK.search(boxes["warning"][0])
        assert page.units_note.text() == boxes["warning"][0]
        assert not boxes["question"], "a refused key file is never offered for checking"
        boxes["answers"].clear()
        assert yulin.state() == before and yulin.count("sync_peer") == peers
    assert not boxes["critical"]
    assert_chinese(page)


# --- cross-unit findings at the city -------------------------------------------------------------------


def test_city_lists_the_same_person_active_in_two_counties(qtbot, offices, dialogs, boxes, tmp_path, shot) -> None:
    suide, mizhi, yulin = offices["suide"], offices["mizhi"], offices["yulin"]
    number, name = suide.query("SELECT id_number, name FROM hardship_file WHERE status = 'active' "
                               "ORDER BY file_no LIMIT 1")[0]
    with closing(sqlite3.connect(mizhi.path)) as conn:  # 米脂 files the same worker (changed by hand, usn -1)
        conn.execute("UPDATE hardship_file SET id_number = ?, id_tail = ?, usn = -1 WHERE id = "
                     "(SELECT id FROM hardship_file WHERE status = 'active' ORDER BY file_no LIMIT 1)",
                     (number, number[-6:]))
        conn.commit()
    import_(yulin, export(suide, tmp_path / "suide.sync"))
    import_(yulin, export(mizhi, tmp_path / "mizhi.sync"))
    # the city's file holds it: one ID number, active files of two counties
    assert yulin.query("SELECT count(DISTINCT owner_unit_id) FROM hardship_file WHERE id_number = ? "
                       "AND status = 'active'", number) == [(2,)]

    page = open_page(qtbot, yulin)
    show_tab(page, "跨单位核查")
    settle(qtbot, page)
    rows = cells(page.findings_table)
    same = [r for r in rows if r[0] == "同一人在两个单位都有在档档案"]
    assert len(same) == 1
    assert same[0][1] == name and number not in " ".join(same[0]) and same[0][2].endswith(number[-4:])
    assert "绥德县总工会（610826）" in same[0][4] and "米脂县总工会（610827）" in same[0][4]
    assert page.findings_note.text().startswith(f"共 {len(rows)} 处")
    shot(page, "sync-findings-city")
    assert_chinese(page)

    county = open_page(qtbot, suide)  # a county holds only its own records: no such tab
    assert "跨单位核查" not in [county.tabs.tabText(i) for i in range(county.tabs.count())]
