"""Other desks' changes on screen: the window looks at the audit chain's head every few seconds, when it is
brought to the front, and on F5 (刷新), off the GUI thread (``services.changes``); what others wrote reaches
the pages through the same signals the window's own saves send — the registry reads the changed files again,
the 审批 page and the grant pages their lists, the status bar its counts."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from assist_desktop.services.changes import Changes, audit_head, changes_since
from assist_desktop.ui.background import run_op
from assist_desktop.ui.context import AppContext

SERVER_INTERVAL_MS = 10_000  # several desks on one server
FILE_INTERVAL_MS = 30_000  # a file on this PC: a terminal command may write too


class ChangeWatcher(QObject):
    def __init__(self, ctx: AppContext, window: QWidget, interval_ms: int | None = None) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.head: int | None = None
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms or (SERVER_INTERVAL_MS if ctx.db.is_server else FILE_INTERVAL_MS))
        self.timer.timeout.connect(self.check)
        window.installEventFilter(self)
        self.timer.start()  # the first look, which only notes where the chain stands, after one interval

    def baseline(self) -> None:
        """Note where the audit chain stands now (later looks report what came after)."""
        if self.busy:
            return
        self.busy = True
        db = self.ctx.db

        def work(_p: object) -> int:
            with db.session() as session:
                return audit_head(session)

        def done(head: int) -> None:
            self.busy = False
            self.head = head if self.head is None else self.head

        def failed(_exc: BaseException) -> None:
            self.busy = False

        self.op = run_op(self.window, work, on_done=done, on_error=failed, show_progress=False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            self.check()
        return False

    def check(self, *, force: bool = False) -> None:
        """Look for others' writes now; ``force`` (F5) has every page read again even when none are seen."""
        if self.head is None or self.busy:
            if force:
                self._announce(Changes(self.head or 0, True, True, None))
            if self.head is None:
                self.baseline()
            return
        self.busy = True
        db, since, me = self.ctx.db, self.head, self.ctx.user.id

        def work(_p: object) -> Changes:
            with db.session() as session:
                return changes_since(session, since, user_id=me)

        def done(changes: Changes) -> None:
            self.busy = False
            self.head = max(self.head or 0, changes.head)
            if force:
                changes = Changes(changes.head, True, True, None)
            if changes.writes and changes.by_others:
                self._announce(changes)

        def failed(_exc: BaseException) -> None:  # a server gone for a moment: the next look tries again
            self.busy = False

        self.op = run_op(self.window, work, on_done=done, on_error=failed, show_progress=False)

    def _announce(self, changes: Changes) -> None:
        events = self.ctx.events
        if changes.file_ids is None:  # which files is not known (a bulk write, or F5): every row is read again
            events.files_changed.emit([])
        elif changes.file_ids:
            events.files_changed.emit(sorted(changes.file_ids))
        events.workflow_changed.emit()

    def stop(self) -> None:
        self.timer.stop()
