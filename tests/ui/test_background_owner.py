"""A model's background read whose model is deleted before the read ends (a page closed, 切换用户) delivers
its result to nobody: no call into the deleted C++ object, no exception in the event loop — seen once in a
whole run as "Internal C++ object (ApplicationsModel) already deleted"."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThreadPool

from assist_desktop.ui.background import run_op

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.mark.parametrize("deleted", [True, False])
def test_the_outcome_goes_to_its_owner_only_while_the_owner_lives(qtbot, deleted: bool) -> None:
    import shiboken6

    owner = QObject()
    release = threading.Event()
    delivered: list[object] = []

    def work(_progress: object) -> str:
        release.wait(10)
        return "rows"

    def done(result: str) -> None:
        owner.objectName()  # what a model's slot does first: touches itself (raises once deleted)
        delivered.append(result)

    op = run_op(None, work, on_done=done, show_progress=False, owner=owner)
    if deleted:
        shiboken6.delete(owner)
    release.set()
    if deleted:
        QThreadPool.globalInstance().waitForDone(5000)  # the worker has emitted its outcome …
        qtbot.wait(100)  # … and the event loop has dispatched it
        assert delivered == []
    else:
        qtbot.waitUntil(lambda: delivered == ["rows"], timeout=3000)
