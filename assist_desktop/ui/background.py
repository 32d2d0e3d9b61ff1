"""Service calls off the GUI thread, with a progress dialog and a cancel button (Anki's CollectionOp).

    run_op(parent, work, on_done=..., title=...)

``work(progress)`` runs in a worker thread and opens its own database session there; it may call
``progress.report(done, total)`` and ``progress.check()`` (raises ``Cancelled`` once the user pressed
cancel). ``on_done(result)`` and the error handling run back on the GUI thread. A ``DomainError`` is
shown as its Chinese message; anything else as a generic failure (the traceback goes to the log).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
# Qt's namespace is reached as QtCore.Qt, when first used: importing the name builds Python enums for all of
# Qt:: (≈15 ms), and this module is loaded before the login window (P1)
from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from assist_desktop.domain.errors import DomainError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Work shorter than this shows no dialog at all.
PROGRESS_DELAY_MS = 300


class Cancelled(Exception):
    """Raised inside the work function when the user has pressed cancel."""


class Progress:
    """Handed to the work function: report how far it got, and learn whether to stop."""

    def __init__(self, signals: "_Signals") -> None:
        self._signals = signals
        self._cancelled = threading.Event()

    def report(self, done: int, total: int, label: str = "") -> None:
        self._signals.progress.emit(done, total, label)

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled

    def cancel(self) -> None:
        self._cancelled.set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runner(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, progress: Progress) -> None:
        super().__init__()
        self.work, self.signals, self.progress = work, signals, progress

    def run(self) -> None:
        try:
            try:
                result = self.work(self.progress)
            except Cancelled:
                self.signals.cancelled.emit()
            except BaseException as exc:  # noqa: BLE001 - every failure is reported on the GUI thread
                if not isinstance(exc, DomainError):
                    log.exception("background operation failed")
                self.signals.failed.emit(exc)
            else:
                self.signals.finished.emit(result)
        except RuntimeError:  # the program is quitting and Qt has already deleted the receiver
            log.debug("outcome of a background operation dropped at exit")


class Op(QObject, Generic[T]):
    """A running operation; ``done`` turns True once its outcome was delivered on the GUI thread."""

    settled = Signal()

    def __init__(self, parent: QWidget | None, title: str, cancellable: bool, show_progress: bool) -> None:
        super().__init__(parent)
        self.done = False
        self.result: T | None = None
        self.error: BaseException | None = None
        self.was_cancelled = False
        self.signals = _Signals()
        self.progress = Progress(self.signals)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            dialog = QProgressDialog(title, self.tr("Cancel") if cancellable else "", 0, 0, parent)
            dialog.setWindowTitle(title)
            dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(PROGRESS_DELAY_MS)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            if not cancellable:
                dialog.setCancelButton(None)
            dialog.canceled.connect(self.cancel)
            self.dialog = dialog
        self.signals.progress.connect(self._on_progress)

    def cancel(self) -> None:
        self.progress.cancel()
        if self.dialog:
            self.dialog.setLabelText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int, label: str) -> None:
        # A modal dialog's setValue processes events: the outcome may arrive inside it and settle the op
        # (self.dialog = None, the dialog deleted later), so the rest goes to the dialog held here.
        dialog = self.dialog
        if dialog:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if label and shiboken6.isValid(dialog):
                dialog.setLabelText(label)

    def _settle(self) -> None:
        if self.dialog:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        self.done = True
        self.settled.emit()
        # A page runs thousands of operations in a day (every keystroke, every block of rows): each
        # goes once settled. Its Python attributes (done, result, error) stay readable. The
        # connections to the closures that hold the op are cut, so no reference cycle keeps a
        # settled op (and its result: a run of ids, a block of rows) alive until the next GC pass.
        # Cut once the slot running now has returned: disconnecting it from inside would free it mid-call.
        signals = self.signals
        QTimer.singleShot(0, lambda: _disconnect_all(signals))
        self.deleteLater()


def _disconnect_all(signals: _Signals) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a signal that had nothing connected
        for signal in (signals.finished, signals.failed, signals.cancelled, signals.progress):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):  # already gone
                pass


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A refusal or failure as a caseworker should read it."""
    if isinstance(exc, DomainError):
        QMessageBox.warning(parent, QCoreApplication.translate("Background", "Not done"), exc.message)
    else:
        QMessageBox.critical(parent, QCoreApplication.translate("Background", "Error"),
                             QCoreApplication.translate("Background", "The operation failed unexpectedly. Nothing was saved.\n\n{0}")
                             .format(type(exc).__name__))


_MAINTENANCE_POOL: QThreadPool | None = None


def maintenance_pool() -> QThreadPool:
    """A pool of its own for work that lowers its thread's priority (services.maintenance): the system does
    not let a thread take its priority back, so such a thread must not go on to serve the searches of the
    global pool."""
    global _MAINTENANCE_POOL
    if _MAINTENANCE_POOL is None:
        _MAINTENANCE_POOL = QThreadPool()
        _MAINTENANCE_POOL.setMaxThreadCount(1)
    return _MAINTENANCE_POOL


_STATUS_POOL: QThreadPool | None = None


def status_pool() -> QThreadPool:
    """One thread for the status bar's counts: on a province's file a count of the unsynced records reads
    millions of index entries (0.2 s); in the global pool (a thread per core) two of them would hold every
    thread, and a page opened meanwhile (统计, the registry's search) would wait for them."""
    global _STATUS_POOL
    if _STATUS_POOL is None:
        _STATUS_POOL = QThreadPool()
        _STATUS_POOL.setMaxThreadCount(1)
    return _STATUS_POOL


def lower_status_thread() -> None:
    """Give the calling thread (the status pool's) a lower share of the processor: nice 10 on Linux, for this
    thread alone, so that under load a page's reads come first; the count still goes on (not idle-only, as
    the maintenance's, which could wait for minutes behind a backup). Nothing happens elsewhere."""
    if sys.platform.startswith("linux"):
        try:
            tid = threading.get_native_id()
            if os.getpriority(os.PRIO_PROCESS, tid) < 10:
                os.setpriority(os.PRIO_PROCESS, tid, 10)
        except OSError:
            log.debug("could not lower the status thread's priority", exc_info=True)


def run_op(parent: QWidget | None, work: Callable[[Progress], T], *, on_done: Callable[[T], None] | None = None,
           on_error: Callable[[BaseException], None] | None = None, title: str = "",
           cancellable: bool = True, show_progress: bool = True,
           pool: QThreadPool | None = None, owner: QObject | None = None) -> Op[T]:
    """Start ``work`` in a worker thread; deliver its result or error on the GUI thread — to nobody once
    ``parent`` or ``owner`` (a model without a window of its own) has been deleted."""
    op: Op[T] = Op(parent, title or QCoreApplication.translate("Background", "Working…"), cancellable, show_progress)

    # The window that started the work may be closed before it ends: then the outcome has nobody to
    # go to (a write has still been committed or rolled back as a whole by the service).
    def alive() -> bool:
        return (shiboken6.isValid(op) and (parent is None or shiboken6.isValid(parent))
                and (owner is None or shiboken6.isValid(owner)))

    def finished(result: object) -> None:
        if not alive():
            return
        op.result = result  # type: ignore[assignment]
        op._settle()
        if on_done:
            on_done(result)  # type: ignore[arg-type]

    def failed(exc: object) -> None:
        if not alive():
            log.warning("background operation failed after its window closed: %r", exc)
            return
        op.error = exc  # type: ignore[assignment]
        op._settle()
        (on_error or (lambda e: show_error(parent, e)))(exc)  # type: ignore[arg-type]

    def cancelled() -> None:
        if not alive():
            return
        op.was_cancelled = True
        op._settle()

    op.signals.finished.connect(finished, QtCore.Qt.ConnectionType.QueuedConnection)
    op.signals.failed.connect(failed, QtCore.Qt.ConnectionType.QueuedConnection)
    op.signals.cancelled.connect(cancelled, QtCore.Qt.ConnectionType.QueuedConnection)
    runner = _Runner(work, op.signals, op.progress)
    (pool or QThreadPool.globalInstance()).start(runner)
    return op


class GarbageCollector(QObject):
    """Python's cyclic garbage collection, run on the GUI thread only.

    Left automatic, a collection can start in whichever thread happens to allocate — a worker — and
    finalize Qt objects there, which crashes Qt. So automatic collection is switched off and the
    GUI thread runs it on a timer (the usual remedy in PySide/PyQt programs).
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        # collect the generations whose allocation counts passed their thresholds, as gc would itself
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                break


class Debouncer(QObject):
    """Calls ``callback`` once typing has paused for ``delay_ms`` (search-as-you-type)."""

    def __init__(self, delay_ms: int, callback: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(callback)

    def poke(self) -> None:
        self._timer.start()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._timer.timeout.emit()
