"""The registry list: a lazy table model over the search service, search as you type, filters, sorting,
the count of matches, the keyboard, and refresh after writes — on a copy of the 300-household demo."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt, qInstallMessageHandler
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlmodel import select

from assist_desktop.domain.ids import id_check_character, mask_id_number
from assist_desktop.domain.names import pinyin_sort_key
from assist_desktop.services.registry import FileInput, create_file
from assist_desktop.services.search import FileFilters, search
from assist_desktop.storage.models import HardshipFile, OrgUnit, User
from assist_desktop.ui.registry import page as page_module
from assist_desktop.ui.registry.list_model import COLUMNS, FILE_ID_ROLE, VALUE_ROLE, IdList, RegistryModel
from assist_desktop.ui.registry.page import RegistryPage

from .conftest import assert_chinese, type_text, untranslated

DEMO_FILES = 300


def make_id(born: str, seq: int, region: str = "610826") -> str:
    first17 = f"{region}{born}{seq:03d}"
    return first17 + id_check_character(first17)


@dataclass
class Filed:
    id: str
    file_no: str
    id_number: str
    phone: str


ZHANG_WEI_ID = make_id("19640229", 997)  # born on a leap day
ZHANG_WEI_PHONE = "13987654321"


def file_zhang_wei(ctx) -> Filed:
    """张伟 (initials zw), filed through the registry service like a clerk would."""
    with ctx.db.session() as s:
        unit_id = s.exec(select(OrgUnit.id).where(OrgUnit.level == "grassroots").order_by(OrgUnit.code)).first()
        user = s.get(User, ctx.user.id)
        hf = create_file(s, user, FileInput(
            name="张伟", id_number=ZHANG_WEI_ID, phone=ZHANG_WEI_PHONE, address="绥德县名州镇东街1号",
            employer_name="绥德县兴业建筑工程有限公司", unit_id=unit_id, primary_cause=6,
            worker_monthly_income_fen=60_000), today=date(2026, 11, 20))
        return Filed(hf.id, hf.file_no, hf.id_number, hf.phone)


def sql(ctx, query: str, *args):
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        return conn.execute(query, args).fetchall()


def expected_count(ctx, text: str = "", filters: FileFilters | None = None) -> int:
    with ctx.db.session() as s:
        return search(s, s.get(User, ctx.user.id), text, filters, limit=0)[0]


@pytest.fixture
def make_page(qtbot):
    def make(ctx, *, show: bool = True) -> RegistryPage:
        page = RegistryPage(ctx)
        qtbot.addWidget(page)
        page.resize(1060, 680)
        if show:
            page.show()
            qtbot.waitExposed(page)
        assert page.wait(), "the first search did not come in"
        return page

    return make


def settle(page: RegistryPage) -> None:
    assert page.wait(), "a search did not come in"


def column_values(model: RegistryModel, key: str, role=Qt.ItemDataRole.DisplayRole) -> list:
    column = COLUMNS.index(key)
    return [model.data(model.index(r, column), role) for r in range(model.rowCount())]


# --- the model ------------------------------------------------------------------------------------


def test_model_tester_with_data_search_sort_and_fetch_more(qtbot, qtmodeltester, app_context) -> None:
    ctx = app_context("jingban")
    model = RegistryModel(ctx.db, ctx.user, page_size=70)
    model.set_query()
    assert model.wait()
    assert (model.rowCount(), model.total) == (70, DEMO_FILES)
    # The Python tester asserts (Qt's own only warns); once connected it checks the model again after
    # every change: the search, the sort and the pages below. It calls fetchMore itself, too.
    qtmodeltester.check(model, force_py=True)
    assert model.wait() and model.rowCount() > 70
    model.set_query(text="2026")  # a search resets the model
    assert model.wait() and model.total == expected_count(ctx, "2026")
    model.sort(COLUMNS.index("per_capita"), Qt.SortOrder.DescendingOrder)
    assert model.wait() and model.query.order == "-per_capita"
    model.set_query(text="")
    assert model.wait()
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        assert model.wait()
    assert model.rowCount() == DEMO_FILES


def test_qt_model_tester_reports_nothing(qtbot, app_context) -> None:
    """Qt's own tester too (it reports a failure as a "qt.modeltest" warning, gathered here)."""
    reports: list[str] = []

    def gather(_mode, context, message: str) -> None:
        if context.category == "qt.modeltest":
            reports.append(message)

    previous = qInstallMessageHandler(gather)
    try:
        ctx = app_context("shenhe")
        model = RegistryModel(ctx.db, ctx.user, page_size=50)
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning, model)
        model.set_query()
        assert model.wait()
        model.fetchMore(QModelIndex())
        assert model.wait()
        model.set_query(text="zw", order="-name")
        assert model.wait()
        model.set_query(text="", filters=FileFilters(status={"active"}), order="last_review")
        assert model.wait()
        model.fetchMore(QModelIndex())
        assert model.wait()
        model.invalidate([model.file_id(3)])
        model.refresh()
        assert model.wait() and model.rowCount() > 50
    finally:
        qInstallMessageHandler(previous)
    assert not reports, reports


def test_columns_show_labels_amounts_and_masked_ids(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    model = RegistryModel(ctx.db, ctx.user)
    model.set_query()
    assert model.wait()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == ["档案编号", "姓名", "身份证号", "困难类别", "主要致困原因", "月人均收入（元）", "状态", "所属工会",
                      "最近复核"]
    assert not untranslated(titles)
    first = model.file_id(0)
    (file_no, name, id_number, category, cause, fen, status, unit, reviewed), = sql(ctx, """
        SELECT f.file_no, f.name, f.id_number, f.category, f.primary_cause, f.per_capita_monthly_income_fen,
               f.status, u.name, f.last_review_date FROM hardship_file f JOIN org_unit u ON u.id = f.unit_id
        WHERE f.id = ?""", first)
    shown = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    yuan, cents = divmod(fen, 100)
    assert shown == [file_no, name, mask_id_number(id_number), {"deep": "深度困难", "relative": "相对困难",
                     "accident": "意外致困"}[category], model.data(model.index(0, 4)), f"{yuan:,}.{cents:02d}",
                     {"active": "在档", "exited": "已撤档"}.get(status, shown[6]), unit, reviewed or ""]
    assert id_number not in shown and "**********" in shown[2]
    assert model.data(model.index(0, COLUMNS.index("per_capita")), VALUE_ROLE) == fen
    assert model.data(model.index(0, 0), FILE_ID_ROLE) == first
    right = model.data(model.index(0, COLUMNS.index("per_capita")), Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    exited = sql(ctx, "SELECT id FROM hardship_file WHERE status='exited' ORDER BY file_no LIMIT 1")[0][0]
    model.set_query(filters=FileFilters(status={"exited"}))
    assert model.wait() and model.file_id(0) == exited
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None  # exited files are grey


def test_pages_are_fetched_as_scrolled_and_rows_read_only_when_shown(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    model = RegistryModel(ctx.db, ctx.user, page_size=40)
    model.set_query()
    assert model.wait()
    assert model.rowCount() == 40 and model.canFetchMore(QModelIndex())
    assert model.cached_rows() == 40 and model.row_reads == 0  # the first page's rows came with the search
    model.fetchMore(QModelIndex())  # the next ids are not there yet: a search in a worker
    assert model.rowCount() == 40 and model.busy
    model.fetchMore(QModelIndex())  # asked again before they came: still one page
    assert model.wait() and model.rowCount() == 80
    model.fetchMore(QModelIndex())  # the runs of ids double: 40 more, then 80 more
    assert model.wait() and model.rowCount() == 120
    model.fetchMore(QModelIndex())  # so the ids of this page are known already
    assert model.rowCount() == 160 and not model.busy
    assert len(set(model.file_id(r) for r in range(model.rowCount()))) == model.rowCount()
    assert model.cached_rows() == 40  # nothing painted the new rows: none were read
    assert model.data(model.index(150, 1))  # painting row 150 reads its block (rows 100-159)
    assert model.row_reads == 1 and model.cached_rows() == 40 + 60
    expected = [r[0] for r in sql(ctx, "SELECT id FROM hardship_file ORDER BY file_no")]
    model.fetch_all()
    assert model.wait() and model.rowCount() == DEMO_FILES and not model.canFetchMore(QModelIndex())
    assert [model.file_id(r) for r in range(DEMO_FILES)] == expected
    assert model.searches == 4  # the first page, then 40, 80 and 160 ids: growing pages


def test_without_threads_the_same_model_answers_at_once(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    model = RegistryModel(ctx.db, ctx.user, threaded=False, page_size=120)
    model.set_query(text="", order="-per_capita")
    assert model.rowCount() == 120 and not model.busy
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 240
    model.fetch_all()
    values = column_values(model, "per_capita", VALUE_ROLE)
    assert len(values) == DEMO_FILES and values == sorted(values, reverse=True)


def test_row_cache_is_bounded(qtbot, app_context, monkeypatch) -> None:
    from assist_desktop.ui.registry import list_model

    monkeypatch.setattr(list_model, "ROW_CACHE", 120)
    ctx = app_context("jingban")
    model = RegistryModel(ctx.db, ctx.user)
    model.set_query()
    assert model.wait()
    model.fetch_all()
    assert model.wait()
    names = column_values(model, "name")
    assert all(names) and model.cached_rows() <= 120
    assert column_values(model, "name") == names  # rows dropped from the cache are read again


def test_stale_searches_are_thrown_away(qtbot, app_context) -> None:
    ctx = app_context("jingban")
    filed = file_zhang_wei(ctx)
    model = RegistryModel(ctx.db, ctx.user)
    totals: list[int] = []
    model.searched.connect(totals.append)
    model.set_query(text="z")
    model.set_query(text="zw")
    assert model.wait()
    assert totals == [expected_count(ctx, "zw")]  # the answer to "z" never showed
    assert filed.id in [model.file_id(r) for r in range(model.rowCount())]
    assert set(column_values(model, "name")) <= {n for (n,) in sql(ctx, "SELECT name FROM hardship_file "
                                                                       "WHERE name_initials LIKE 'zw%'")}


def test_searches_run_off_the_gui_thread(qtbot, app_context, make_page, monkeypatch) -> None:
    import threading

    from assist_desktop.ui.registry import list_model

    threads: list[bool] = []
    real = list_model.search_page

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(list_model, "search_page", spy)
    page = make_page(app_context("jingban"))
    qtbot.keyClicks(page.search, "zw")
    settle(page)
    page.table.scrollToBottom()
    settle(page)
    page.filter_bar.set_status(frozenset({"active"}))
    settle(page)
    assert len(threads) >= 3 and not any(threads)


def test_id_list_packs_and_falls_back() -> None:
    ids = [f"{i:08d}-0000-4000-8000-000000000000" for i in range(5)]
    packed = IdList(ids[:3])
    packed.extend(IdList(ids[3:]))
    assert len(packed) == 5 and packed[4] == ids[4] and packed[-1] == ids[4] and packed.slice(1, 3) == ids[1:3]
    assert packed.index(ids[3]) == 3 and packed.index("nope") == -1 and packed.index(ids[3][1:] + "0") == -1
    assert packed.startswith(IdList(ids[:2])) and not packed.startswith(IdList(ids[1:3]))
    with pytest.raises(IndexError):
        packed[5]
    packed.extend(["imported-7"])  # not a UUID: kept as a plain list from now on
    assert packed.slice(0, 6) == [*ids, "imported-7"] and packed.index("imported-7") == 5
    assert packed.startswith(IdList(ids[:2]))


# --- the page: searching ----------------------------------------------------------------------------


def test_page_opens_with_every_file_and_speaks_chinese(qtbot, app_context, make_page, shot) -> None:
    page = make_page(app_context("jingban"))
    assert page.focusWidget() is page.search  # ready to type
    assert page.model.total == DEMO_FILES and page.model.rowCount() == 200
    assert page.count_label.text() == "共 300 户"
    assert page.filter_bar.status.itemText(0) == "全部状态（300）"
    assert_chinese(page)
    shot(page, "registry-all")


def test_beyond_the_count_limit_the_page_says_more_than_and_counts_on_request(qtbot, app_context, make_page,
                                                                              monkeypatch, shot) -> None:
    """A keystroke counts at most COUNT_LIMIT matches (here 120 of the demo's 300): the page says 超过 120 户 with
    a link to count them all, the rows still page on to the last file, whose arrival makes the number exact;
    the status box's numbers are counted only when it is opened."""
    from assist_desktop.ui.registry import list_model
    from assist_desktop.ui.registry import page as page_module

    monkeypatch.setattr(list_model, "COUNT_LIMIT", 120)
    monkeypatch.setattr(page_module, "COUNT_LIMIT", 120)
    ctx = app_context("jingban")
    page = make_page(ctx)
    model = page.model
    assert (model.total, model.exact) == (121, False) and model.rowCount() == 200
    assert page.count_label.text() == "超过 120 户" and page.count_all_label.isVisible()
    assert "计算总数" in page.count_all_label.text()
    assert page.filter_bar.status.itemText(0) == "全部状态"  # not counted by status yet
    shot(page, "registry-more-than")
    page.filter_bar.status.showPopup()  # opening the box counts its choices
    qtbot.waitUntil(lambda: page.filter_bar.status.itemText(0) == f"全部状态（{DEMO_FILES}）", timeout=15000)
    page.filter_bar.status.hidePopup()
    page.count_all_label.linkActivated.emit("count")
    qtbot.waitUntil(lambda: model.exact, timeout=15000)
    assert model.total == DEMO_FILES and page.count_label.text() == f"共 {DEMO_FILES} 户"
    assert not page.count_all_label.isVisible()
    # a narrower search under the limit is exact at once; a wide one again "more than", until the end is reached
    page.search_text("zw")
    settle(page)
    assert model.exact and model.total == expected_count(ctx, "zw")
    page.search_text("")
    settle(page)
    assert not model.exact
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        settle(page)
    assert model.exact and model.total == model.rowCount() == DEMO_FILES
    assert page.count_label.text() == f"共 {DEMO_FILES} 户"
    ids = [model.file_id(r) for r in range(model.rowCount())]
    with ctx.db.session() as s:
        assert ids == search(s, s.get(User, ctx.user.id), "", None, "-file_no", limit=None)[1]


@pytest.mark.parametrize("how", ["initials", "name", "id_tail", "phone", "file_no"])
def test_search_as_you_type(qtbot, app_context, make_page, shot, how: str) -> None:
    ctx = app_context("jingban")
    filed = file_zhang_wei(ctx)
    page = make_page(ctx)
    text = {"initials": "zw", "name": "张伟", "id_tail": filed.id_number[-4:], "phone": filed.phone[:7],
            "file_no": filed.file_no[7:]}[how]
    if text.isascii():
        qtbot.keyClicks(page.search, text)
    else:
        type_text(page.search, text)
    before = page.model.searches
    settle(page)
    assert page.model.searches - before <= 1  # typing pauses once: one search, not one per key
    ids = [page.model.file_id(r) for r in range(page.model.rowCount())]
    assert filed.id in ids
    assert page.model.total == expected_count(ctx, text) == len(ids)
    assert page.count_label.text() == f"共 {len(ids)} 户"
    if how in ("id_tail", "file_no"):
        assert len(ids) <= 3
    row = page.model.row_of(filed.id)
    assert page.model.data(page.model.index(row, 1)) == "张伟"
    if how == "name":
        shot(page, "registry-search-name")


def test_typing_quickly_runs_one_search(qtbot, app_context, make_page) -> None:
    page = make_page(app_context("jingban"))
    before = page.model.searches
    qtbot.keyClicks(page.search, "610826")  # well within the typing pause
    settle(page)
    assert page.model.searches == before + 1
    assert page.model.query.text == "610826"


def test_nothing_found_says_so(qtbot, app_context, make_page, shot) -> None:
    page = make_page(app_context("jingban"))
    type_text(page.search, "查无此人")
    settle(page)
    assert page.model.total == 0 and page.count_label.text() == "共 0 户"
    assert page.empty_label.isVisible() and not page.table.isVisible()
    assert "没有找到匹配的档案" in page.empty_label.text()
    assert_chinese(page)
    shot(page, "registry-nothing-found")
    page.search.clear()
    settle(page)
    assert page.table.isVisible() and page.model.total == DEMO_FILES


# --- the page: filters ------------------------------------------------------------------------------


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_each_filter_and_together_change_the_count(qtbot, app_context, make_page, shot) -> None:
    ctx = app_context("jingban")
    page = make_page(ctx)
    bar = page.filter_bar
    qtbot.waitUntil(lambda: bar.unit.count() > 1 and bar.year.count() > 1)
    unit_id, unit_name = sql(ctx, "SELECT u.id, u.name FROM org_unit u WHERE EXISTS (SELECT 1 FROM hardship_file f "
                                  "WHERE f.unit_id = u.id) ORDER BY u.code LIMIT 1")[0]
    assert bar.unit.itemText(1) == unit_name
    assert "2026年建档" in [bar.year.itemText(i) for i in range(bar.year.count())]
    steps = [
        (lambda: bar.set_status(frozenset({"active"})), "status='active'"),
        (lambda: choose(bar.category, "deep"), "category='deep'"),
        (lambda: choose(bar.cause, 6), "primary_cause=6"),
        (lambda: choose(bar.unit, unit_id), f"unit_id='{unit_id}'"),
        (lambda: choose(bar.year, 2024), "filing_year=2024"),
        (lambda: bar.flags["zero_employment"].setChecked(True), "zero_employment=1"),
    ]
    for apply, condition in steps:  # each alone
        apply()
        settle(page)
        n = sql(ctx, f"SELECT count(*) FROM hardship_file WHERE {condition}")[0][0]
        assert page.model.total == n and page.count_label.text() == f"共 {n} 户", condition
        assert bar.clear_button.isEnabled()
        bar.clear()
        settle(page)
        assert page.model.total == DEMO_FILES and not bar.clear_button.isEnabled()
    conditions = []
    for apply, condition in steps[:3]:  # together: every filter must hold
        apply()
        conditions.append(condition)
        settle(page)
        n = sql(ctx, f"SELECT count(*) FROM hardship_file WHERE {' AND '.join(conditions)}")[0][0]
        assert page.count_label.text() == f"共 {n} 户"
    assert 0 < n < DEMO_FILES
    bar.flags["single_parent"].setChecked(True)
    settle(page)
    n = sql(ctx, f"SELECT count(*) FROM hardship_file WHERE {' AND '.join(conditions)} AND single_parent=1")[0][0]
    assert page.model.total == n
    qtbot.keyClicks(page.search, "z")  # and with the search box
    settle(page)
    assert page.model.total == expected_count(ctx, "z", bar.filters())
    assert_chinese(page)
    shot(page, "registry-filtered")


def test_status_choices_show_their_counts(qtbot, app_context, make_page) -> None:
    ctx = app_context("jingban")
    page = make_page(ctx)
    counts = dict(sql(ctx, "SELECT status, count(*) FROM hardship_file GROUP BY status"))
    texts = [page.filter_bar.status.itemText(i) for i in range(page.filter_bar.status.count())]
    assert texts[0] == f"全部状态（{DEMO_FILES}）"
    assert f"在档（{counts['active']}）" in texts and f"已撤档（{counts['exited']}）" in texts
    assert f"未撤档（{DEMO_FILES - counts['exited']}）" in texts
    page.filter_bar.set_status(frozenset({"exited"}))
    settle(page)
    assert page.model.total == counts["exited"]
    texts = [page.filter_bar.status.itemText(i) for i in range(page.filter_bar.status.count())]
    assert texts[0] == f"全部状态（{DEMO_FILES}）"  # the counts ignore the status filter itself


# --- the page: sorting, scrolling -------------------------------------------------------------------


def click_header(page: RegistryPage, key: str) -> None:
    header = page.table.horizontalHeader()
    column = COLUMNS.index(key)
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_header_clicks_sort_through_the_service(qtbot, app_context, make_page) -> None:
    ctx = app_context("jingban")
    page = make_page(ctx)
    page.table.horizontalScrollBar().setValue(0)
    click_header(page, "per_capita")
    settle(page)
    assert page.model.query.order == "per_capita"
    click_header(page, "per_capita")
    settle(page)
    assert page.model.query.order == "-per_capita"
    page.model.fetch_all()
    settle(page)
    values = column_values(page.model, "per_capita", VALUE_ROLE)
    assert len(values) == DEMO_FILES and values == sorted(values, reverse=True)
    assert values[0] == sql(ctx, "SELECT max(per_capita_monthly_income_fen) FROM hardship_file")[0][0]
    click_header(page, "name")
    settle(page)
    assert page.model.query.order == "name"
    names = column_values(page.model, "name")
    assert names == sorted(names, key=pinyin_sort_key) != sorted(names)  # by pinyin, not by code point


def test_scrolling_fetches_pages(qtbot, app_context, make_page) -> None:
    page = make_page(app_context("jingban"))
    model = page.model
    assert model.rowCount() == 200 and model.cached_rows() == 100  # the first screen came with the search
    assert model.row_reads == 0
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == DEMO_FILES)
    settle(page)
    assert not model.canFetchMore(QModelIndex())
    # only the blocks painted were read: the bottom of the first page, then the last rows
    assert model.row_reads == 2


# --- the page: keyboard, opening files ----------------------------------------------------------------


class FakeEditor:
    opened: list[tuple[str | None, object]] = []
    result = QDialog.DialogCode.Rejected
    new_id: str | None = None

    def __init__(self, ctx, file_id=None, parent=None) -> None:
        self.file_id = file_id  # the editor names the file it saved here (a new file's id once saved)
        FakeEditor.opened.append((file_id, parent))

    def exec(self) -> int:
        result = FakeEditor.result() if callable(FakeEditor.result) else FakeEditor.result
        self.file_id = self.file_id or FakeEditor.new_id
        return result

    def deleteLater(self) -> None:  # noqa: N802 - Qt's name; the page disposes of closed editors
        FakeEditor.deleted += 1

    deleted = 0


@pytest.fixture
def editor(monkeypatch):
    FakeEditor.opened = []
    FakeEditor.result = QDialog.DialogCode.Rejected
    FakeEditor.new_id = None
    monkeypatch.setattr(page_module, "load_file_editor", lambda: FakeEditor)
    return FakeEditor


def test_keyboard_search_down_enter_opens(qtbot, app_context, make_page, editor, shot) -> None:
    ctx = app_context("jingban")
    filed = file_zhang_wei(ctx)
    page = make_page(ctx)
    page.activateWindow()
    page.search.setFocus()
    qtbot.keyClicks(page.search, filed.id_number[-6:])
    qtbot.keyClick(page.search, Qt.Key.Key_Down)  # waits for the search, then goes to its first row
    settle(page)
    assert page.table.hasFocus() and page.table.currentIndex().row() == 0
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [0]
    assert page.current_file_id() == filed.id and page.open_button.isEnabled()
    assert_chinese(page)
    shot(page, "registry-search-id-tail")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert editor.opened == [(filed.id, page)]
    qtbot.keyClick(page.table, Qt.Key.Key_Up)  # up from the first row: back to the search box
    assert page.search.hasFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    settle(page)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter in the box: into the list as well
    settle(page)
    assert page.table.hasFocus()
    qtbot.keyClicks(page.table, "zw")  # letters typed in the list go to the search box
    assert page.search.hasFocus() and page.search.text() == "zw"


def test_double_click_and_open_button(qtbot, app_context, make_page, editor) -> None:
    page = make_page(app_context("jingban"))
    third = page.model.file_id(2)
    rect = page.table.visualRect(page.model.index(2, 1))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor.opened[-1][0] == third
    page.table.setCurrentIndex(page.model.index(5, 0))
    QTest.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert editor.opened[-1][0] == page.model.file_id(5)


def test_new_file_for_clerks_only_and_the_new_file_is_selected(qtbot, app_context, make_page, editor) -> None:
    ctx = app_context("jingban")
    page = make_page(ctx)
    assert page.new_button.isEnabled()
    filed: list[Filed] = []

    def save_and_accept() -> QDialog.DialogCode:
        filed.append(file_zhang_wei(ctx))  # what the editor would save
        editor.new_id = filed[0].id
        return QDialog.DialogCode.Accepted

    editor.result = save_and_accept
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(3, 0))
    QTest.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert editor.opened[-1][0] is None
    settle(page)
    assert page.model.total == DEMO_FILES + 1 and page.count_label.text() == f"共 {DEMO_FILES + 1} 户"
    assert page.model.row_of(filed[0].id) == 0  # newest first: the new file is on top, and chosen
    assert page.current_file_id() == filed[0].id
    reviewer = make_page(app_context("shenhe"))
    assert not reviewer.new_button.isEnabled() and reviewer.new_button.toolTip() == "只有经办人员可以新建档案。"
    reviewer.new_file()
    assert len(editor.opened) == 1


def test_without_the_editor_module_a_message_says_so(qtbot, app_context, make_page, monkeypatch) -> None:
    import sys

    page = make_page(app_context("jingban"))
    monkeypatch.setitem(sys.modules, page_module.EDITOR_MODULE, None)  # import fails as if absent
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, title, text: shown.append(title + text)))
    page.open_file(page.model.file_id(0))
    assert shown == ["暂不可用此版本还不能查看或编辑档案。"]


# --- the page: writes elsewhere ----------------------------------------------------------------------


@pytest.mark.tally_unchecked  # another screen's writes stood in for by raw SQL
def test_files_changed_refreshes_rows_and_matches(qtbot, app_context, make_page) -> None:
    ctx = app_context("jingban")
    page = make_page(ctx)
    model = page.model
    target = model.file_id(4)
    page.table.setCurrentIndex(model.index(4, 0))
    page.table.selectRow(4)
    assert model.data(model.index(4, 1)) != "王改名"
    sql_write(ctx, "UPDATE hardship_file SET name='王改名', per_capita_monthly_income_fen=12345 WHERE id=?", target)
    ctx.events.files_changed.emit([target])
    assert model.data(model.index(4, 1)) == "王改名"  # read again at once
    assert model.data(model.index(4, COLUMNS.index("per_capita"))) == "123.45"
    settle(page)
    assert page.current_file_id() == target  # the refresh kept the selection
    page.filter_bar.set_status(frozenset({"active"}))
    settle(page)
    active = page.model.total
    first = model.file_id(0)
    sql_write(ctx, "UPDATE hardship_file SET status='exited' WHERE id=?", first)  # another screen exits it
    ctx.events.files_changed.emit([first])
    settle(page)
    assert page.model.total == active - 1 and page.count_label.text() == f"共 {active - 1} 户"
    assert model.row_of(first) == -1
    many = [model.file_id(r) for r in range(30)]  # a step on a selection: every cached row is read again
    sql_write(ctx, f"UPDATE hardship_file SET name='批量' WHERE id IN ({','.join('?' * 30)})", *many)
    ctx.events.files_changed.emit(many)
    assert column_values(model, "name")[:30] == ["批量"] * 30


def sql_write(ctx, query: str, *args) -> None:
    with closing(sqlite3.connect(ctx.db_path)) as conn, conn:
        conn.execute(query, args)


def test_a_refused_search_is_shown_on_the_page(qtbot, app_context, make_page) -> None:
    ctx = app_context("jingban")
    page = make_page(ctx)
    sql_write(ctx, "UPDATE user SET active=0 WHERE id=?", ctx.user.id)
    qtbot.keyClicks(page.search, "zw")
    settle(page)
    assert page.error_label.isVisible() and "停用" in page.error_label.text()
    assert page.model.total == DEMO_FILES  # the rows of the last search that worked stay


def test_page_inside_the_main_window(qtbot, app_context) -> None:
    from assist_desktop.ui.shell.main_window import MainWindow

    window = MainWindow(app_context("jingban"))
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("registry")
    assert isinstance(page, RegistryPage)
    assert page.wait()
    assert page.count_label.text() == f"共 {DEMO_FILES} 户"
    QApplication.processEvents()
    assert_chinese(window)


# --- the catalogue ------------------------------------------------------------------------------------


def test_every_string_of_the_list_has_its_chinese_translation(tmp_path) -> None:
    """The committed catalogue holds every string of ui/registry (lupdate finds no new one), each
    translated, and the compiled .qm in use gives those translations."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("i18n_script", root / "scripts" / "i18n.py")
    i18n = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(i18n)
    committed = i18n.messages(i18n.CATALOGUES / "registry.ts")
    fresh_dir = tmp_path / "ts"
    i18n.update(target_dir=fresh_dir, only="registry")
    fresh = i18n.messages(fresh_dir / "registry.ts")
    assert {(c, s) for c, s, _ in fresh} == {(c, s) for c, s, _ in committed}, "run scripts/i18n.py update registry"
    assert committed
    for context, source, translation in committed:
        assert translation is not None and (translation.text or "").strip(), (context, source)
        assert translation.get("type") != "unfinished", (context, source)
        assert not untranslated([translation.text]), (context, source, translation.text)
        assert QApplication.translate(context, source) == translation.text, f"release the .qm: {source}"
