"""档案: the registry list — search as you type, the filter bar, a count of matches, sortable columns.

Keyboard: typing goes to the search box (Ctrl+F from anywhere on the page); ↓ or Enter moves into
the list, ↑ on its first row back to the box; Enter or a double click opens the file; Esc clears
the box; Ctrl+N files a new household. Letters typed in the list go to the search box too.

Every search runs in a worker thread (``RegistryModel``), so a keystroke never waits for the
database; typing is debounced, so a quick typist starts one search, not one per letter.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QTableView, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.file_list import filing_years, unit_choices
from assist_desktop.services.search import COUNT_LIMIT, FileFilters, count_by_status, owner_choices
from assist_desktop.ui.background import Debouncer, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.keys import CtrlEndReachesTheEnd
from assist_desktop.ui.registry.filter_bar import FilterBar
from assist_desktop.ui.registry.list_model import COLUMNS, Query, RegistryModel

log = logging.getLogger(__name__)

TYPING_DELAY_MS = 200  # a search starts once typing pauses this long
REFRESH_DELAY_MS = 150  # writes announced together are refreshed together
BUSY_HINT_MS = 300  # "searching…" shows only for a search that takes longer than this
EDITOR_MODULE = "assist_desktop.ui.editor.file_editor"

# Sample texts that size the columns (the list never measures its rows: that would read them all).
_SAMPLES = {"file_no": "610826-2026-00000", "name": "欧阳小明明", "id_number": "6108**********000X",
            "category": "相对困难", "primary_cause": "社会保险待遇落实不到位", "per_capita": "12,345.67",
            "status": "已撤档", "unit": "四十里铺镇总工会", "last_review": "2026-11-20"}


def load_file_editor() -> Any:
    """The file editor dialog class, or None while this version has none."""
    try:
        from assist_desktop.ui.editor.file_editor import FileEditor
    except ModuleNotFoundError as exc:
        if exc.name and EDITOR_MODULE.startswith(exc.name):
            return None
        raise  # the editor is there but something it imports is not: a real fault
    return FileEditor


class RegistryPage(QWidget):
    def __init__(self, ctx: AppContext, *, threaded: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = RegistryModel(ctx.db, ctx.user, self, threaded=threaded)
        self._counted: tuple[str, FileFilters] | None = None
        self._uncounted: tuple[str, FileFilters] | None = None  # status counts left until the box is opened
        self._enter_when_ready = False
        self._restore: tuple[Query, str | None, int] | None = None
        self._select_after_refresh: str | None = None
        self._ops: list[Any] = []
        self._shown_once = False
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        heading = QLabel(self.tr("Hardship files"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        top.addWidget(heading)
        top.addSpacing(16)
        self.count_label = QLabel()
        self.count_label.setObjectName("match_count")
        self.count_label.setStyleSheet("font-size: 14px;")
        top.addWidget(self.count_label)
        # beyond COUNT_LIMIT matches the search stops counting ("10,000+"): counted on request
        self.count_all_label = QLabel(self._count_all_link())
        self.count_all_label.setObjectName("count_all")
        self.count_all_label.setToolTip(self.tr("Typing counts the first 10,000 matches; this counts every one"))
        self.count_all_label.linkActivated.connect(lambda _link: self.count_all())
        self.count_all_label.hide()
        top.addWidget(self.count_all_label)
        self.busy_label = QLabel(self.tr("Searching…"))
        self.busy_label.setObjectName("busy")
        self.busy_label.setStyleSheet("color: #666;")
        self.busy_label.hide()
        top.addWidget(self.busy_label)
        top.addStretch(1)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        top.addWidget(self.error_label, 2)
        layout.addLayout(top)

        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr(
            "Find: name, pinyin initials, last 4 digits of the ID, phone, file no. (Ctrl+F)"))
        self.search.setToolTip(self.tr(
            "Several words must all match, e.g. a name and the last digits of the ID. Enter or ↓ goes to the list."))
        self.search.setMinimumHeight(30)
        search_row.addWidget(self.search, 1)
        self.new_button = QPushButton(self.tr("New file"))
        self.new_button.setObjectName("new_file")
        self.new_button.clicked.connect(self.new_file)
        if not ctx.has(Role.clerk):
            self.new_button.setEnabled(False)
            self.new_button.setToolTip(self.tr("Only a clerk files new households."))
        else:
            self.new_button.setToolTip(self.tr("File a new household (Ctrl+N)"))
        search_row.addWidget(self.new_button)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("open_file")
        self.open_button.setToolTip(self.tr("Open the selected file (Enter or double click)"))
        self.open_button.clicked.connect(lambda: self.open_file())
        search_row.addWidget(self.open_button)
        self.import_button = QPushButton(self.tr("Import ledger…"))
        self.import_button.setObjectName("import_ledger")
        self.import_button.setToolTip(self.tr("Households from an Excel or CSV ledger: checked first, written on confirm"))
        self.import_button.setEnabled(ctx.has(Role.clerk))
        self.import_button.clicked.connect(self.import_ledger)
        search_row.addWidget(self.import_button)
        self.export_button = QPushButton(self.tr("Export roster…"))
        self.export_button.setObjectName("export_roster")
        self.export_button.clicked.connect(self.export_roster)
        search_row.addWidget(self.export_button)
        layout.addLayout(search_row)

        self.filter_bar = FilterBar()
        self.filter_bar.setObjectName("filters")
        layout.addWidget(self.filter_bar)

        self.table = QTableView()
        self.table.setObjectName("files")
        self.table.setModel(self.model)
        # Ctrl+End: the last of every match, not the last row loaded so far (rows load as they are reached)
        self.ctrl_end = CtrlEndReachesTheEnd(self.table, self.model.fetch_all, lambda: self.model.total)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # the union's name takes the room left: an enterprise union's name runs long
        header.setSectionResizeMode(COLUMNS.index("unit"), QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        metrics = self.fontMetrics()
        for column, key in enumerate(COLUMNS):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(_SAMPLES[key]), metrics.horizontalAdvance(title) + 16) + 12
            header.resizeSection(column, width)
        # newest files first: this year's intake, the drafts to finish, a file just made, are on top
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        self.table.setSortingEnabled(True)  # header clicks call model.sort: a new search in that order
        layout.addWidget(self.table, 1)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #666; font-size: 14px; padding: 40px;")
        self.empty_label.hide()
        layout.addWidget(self.empty_label, 1)

        hint = QLabel(self.tr("Enter or double click opens a file · ↓ from the search box into the list · "
                              "click a column title to sort"))
        hint.setObjectName("hint")
        hint.setStyleSheet("color: #777;")
        layout.addWidget(hint)

        self._typing = Debouncer(TYPING_DELAY_MS, self._search_now, self)
        self._refresh = Debouncer(REFRESH_DELAY_MS, self._refresh_now, self)
        self._pending: set[str] = set()  # "typing", "refresh": a debounced search still to start
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_HINT_MS)
        self._busy_timer.timeout.connect(self.busy_label.show)

        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._enter_list)
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self.open_file(self.model.file_id(index.row())))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.filter_bar.changed.connect(self._filters_changed)
        self.model.searched.connect(self._searched)
        self.model.counted.connect(self._counted_all)
        self.filter_bar.status_opened.connect(self._status_box_opened)
        self.model.busy_changed.connect(self._busy_changed)
        self.model.failed.connect(self._failed)
        self.model.modelAboutToBeReset.connect(self._remember_position)
        self.model.modelReset.connect(self._restore_position)
        ctx.events.files_changed.connect(self._files_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_file)

        self._update_buttons()
        self.model.set_query(filters=self.filter_bar.filters())  # the first search (sorting started one too)
        self.load_choices()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)  # ready to type a name

    # --- searching ----------------------------------------------------------------------------------

    def _typed(self, _text: str) -> None:
        self._pending.add("typing")
        self._typing.poke()

    def _search_now(self) -> None:
        self._pending.discard("typing")
        self.model.set_query(text=self.search.text())

    def _refresh_later(self) -> None:
        self._pending.add("refresh")
        self._refresh.poke()

    def _refresh_now(self) -> None:
        self._pending.discard("refresh")
        self.model.refresh()

    def _filters_changed(self, filters: FileFilters) -> None:
        self.model.set_query(text=self.search.text(), filters=filters)
        self._typing.flush()

    def search_text(self, text: str) -> None:
        """Put ``text`` in the search box and search at once (as Enter would)."""
        self.search.setText(text)
        self._typing.flush()

    def _show_count(self) -> None:
        total, exact = self.model.total, self.model.exact
        if exact:
            self.count_label.setText(self.tr("{0} files").format(QLocale().toString(total)))
        else:  # the count stopped early: more than COUNT_LIMIT
            self.count_label.setText(self.tr("{0}+ files").format(QLocale().toString(COUNT_LIMIT)))
        self.count_all_label.setVisible(not exact)

    def _count_all_link(self) -> str:
        return self.tr("<a href='count'>Count all</a>")

    def count_all(self) -> None:
        """Count every match (after "10,000+"); the label shows the number once it is in."""
        self.count_all_label.setText(self.tr("Counting…"))
        self.model.count_all()

    def _counted_all(self, _total: int) -> None:
        self.count_all_label.setText(self._count_all_link())
        self._show_count()
        if self._uncounted is not None and self.filter_bar.status.view().isVisible():
            self._status_box_opened()  # the box is open: its numbers are wanted now

    def _searched(self, total: int) -> None:
        self.error_label.hide()
        self._show_count()
        query = self.model.query
        if total == 0:
            filtered = query.filters != FileFilters()
            if filtered:
                hint = self.tr("No file matches. Fewer filters may find it: try “Clear filters”.")
            elif query.text:
                hint = self.tr("No file matches. Search by name, pinyin initials, the last digits of the ID "
                               "number, a phone number or a file number.")
            else:
                hint = self.tr("The registry holds no file yet. File the first household with “New file”.")
            self.empty_label.setText(hint)
        self.table.setVisible(total > 0)
        self.empty_label.setVisible(total == 0)
        self._update_buttons()
        if self._enter_when_ready and not self.model.busy:
            self._enter_when_ready = False
            self._enter_list()
        counted = (query.text, replace(query.filters, status=None))
        if counted != self._counted:
            if self.model.exact:
                self._uncounted = None
                self._count_statuses(*counted)
            else:
                # thousands of matches: counting them by status would cost what the search saved; the
                # numbers come when the status box is opened
                self._counted, self._uncounted = None, counted
                self.filter_bar.set_status_counts(None)

    def _status_box_opened(self) -> None:
        if self._uncounted is not None:
            counted, self._uncounted = self._uncounted, None
            self._count_statuses(*counted)

    def _count_statuses(self, text: str, filters: FileFilters) -> None:
        """How many files each status choice would give, for the status box (after the rows)."""
        self._counted = (text, filters)
        db, user = self.ctx.db, self.ctx.user

        def work(_progress: object) -> tuple[tuple[str, FileFilters], dict[str, int]]:
            with db.session() as session:
                return (text, filters), count_by_status(session, user, text, filters)

        def done(result: tuple[tuple[str, FileFilters], dict[str, int]]) -> None:
            if result[0] == self._counted:
                self.filter_bar.set_status_counts(result[1])

        self._run(work, done)

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy_label.hide()

    def _failed(self, exc: BaseException) -> None:
        # shown on the page, not in a message box: a refused search must not stop the typing
        if isinstance(exc, DomainError):
            text = exc.message
        else:
            text = self.tr("The search failed. Try again; if it keeps failing, tell the administrator.")
        self.error_label.setText(text)
        self.error_label.show()

    def load_choices(self) -> None:
        """The unions, reporting units and years the filter bar offers, read in a worker."""
        db = self.ctx.db

        def work(_progress: object) -> tuple[list[Any], list[int], list[Any]]:
            with db.session() as session:
                return unit_choices(session), filing_years(session), owner_choices(session)

        def done(result: tuple[list[Any], list[int], list[Any]]) -> None:
            self.filter_bar.set_units(result[0])
            self.filter_bar.set_years(result[1])
            self.filter_bar.set_owners(result[2])

        self._run(work, done)

    def _run(self, work: Any, done: Any) -> None:
        def failed(exc: BaseException) -> None:
            log.warning("registry page: %s", exc)

        op = run_op(self, work, on_done=done, on_error=failed, show_progress=False)
        self._ops.append(op)
        op.settled.connect(lambda: (self._ops.remove(op), op.deleteLater()))

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Until the searches and counts started by the page are in (tests, benchmarks)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QThread

        deadline = QDeadlineTimer(timeout_ms)
        while not deadline.hasExpired():
            if not self._ops and not self._pending and self.model.wait(0):
                QCoreApplication.processEvents()  # the layout requests of what just came in
                return True
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            QThread.msleep(1)
        return False

    # --- changes elsewhere --------------------------------------------------------------------------

    def _files_changed(self, file_ids: list[str]) -> None:
        self.model.invalidate(file_ids)  # rows on screen are read again at once
        self._counted = None  # statuses may have moved
        self._refresh_later()  # and the files may have joined or left the matches

    def _remember_position(self) -> None:
        current = self.table.currentIndex()
        file_id = self.model.file_id(current.row()) if current.isValid() else None
        self._restore = (self.model.query, self._select_after_refresh or file_id,
                         self.table.verticalScrollBar().value())
        self._select_after_refresh = None

    def _restore_position(self) -> None:
        if self._restore is None:
            return
        query, file_id, scrolled = self._restore
        self._restore = None
        row = self.model.row_of(file_id) if file_id else -1
        if row >= 0:
            self.table.selectRow(row)
        if query == self.model.query:
            QTimer.singleShot(0, self.table, lambda: self.table.verticalScrollBar().setValue(scrolled))
        elif row >= 0:
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.scrollToTop()

    # --- keyboard -----------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _enter_list(self) -> None:
        """Into the list, on its first row (or the row already chosen); waits for a running search."""
        self._typing.flush()
        if self.model.busy:
            self._enter_when_ready = True
            return
        if self.model.rowCount() == 0:
            return
        current = self.table.currentIndex()
        self.table.selectRow(current.row() if current.isValid() else 0)  # chosen, not only focused
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key_event: QKeyEvent = event  # type: ignore[assignment]
        key = key_event.key()
        if watched is self.search:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self._enter_list()
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        elif watched is self.table:
            plain = not key_event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_file()
                return True
            if key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                self.focus_search()
                return True
            text = key_event.text()
            if plain and text and text.isprintable() and not text.isspace():
                self.search.setFocus(Qt.FocusReason.OtherFocusReason)
                self.search.end(False)
                self.search.insert(text)
                return True
        return super().eventFilter(watched, event)

    # --- opening files ------------------------------------------------------------------------------

    def current_file_id(self) -> str | None:
        current = self.table.currentIndex()
        return self.model.file_id(current.row()) if current.isValid() else None

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.current_file_id() is not None)

    def open_file(self, file_id: str | None = None) -> None:
        """Open ``file_id`` (default: the selected file) in the file editor."""
        file_id = file_id or self.current_file_id()
        if file_id:
            self._edit(file_id)

    def new_file(self) -> None:
        if self.ctx.has(Role.clerk):
            self._edit(None)

    def _edit(self, file_id: str | None) -> None:
        editor = load_file_editor()
        if editor is None:
            QMessageBox.information(self, self.tr("Not available yet"),
                                    self.tr("This version cannot show or edit a file yet."))
            return
        dialog = editor(self.ctx, file_id=file_id, parent=self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        saved_as = getattr(dialog, "file_id", None)  # the editor names the file it saved there
        dialog.deleteLater()  # a page opens many files in a day: closed editors must not pile up
        if file_id is None and saved_as:
            self._select_after_refresh = saved_as  # a new file: chosen in the list once it is in
            self._refresh_later()
        elif accepted:
            if file_id:
                self.model.invalidate([file_id])
            self._refresh_later()  # the editor announces its writes; this is in case it did not
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- Excel ledgers -------------------------------------------------------------------------------

    def import_ledger(self) -> Any:
        from assist_desktop.ui.ledger import open_import_wizard

        return open_import_wizard(self.ctx, self)

    def export_roster(self) -> Any:
        from assist_desktop.ui.ledger import open_export

        years = [self.filter_bar.year.itemData(i) for i in range(1, self.filter_bar.year.count())]
        scopes = [(self.tr("All active files"), {})]
        scopes += [(self.tr("Active files opened in {0}").format(y), {"year": y}) for y in years]
        return open_export(self.ctx, self, "roster", scopes)

    # --- for tests ----------------------------------------------------------------------------------

    def index_of(self, file_id: str) -> QModelIndex:
        row = self.model.row_of(file_id)
        return self.model.index(row, 0) if row >= 0 else QModelIndex()
