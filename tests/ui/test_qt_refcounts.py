"""The Qt binding must not drop references to None, True and False.

PySide6 6.12.0 returns them from void and bool calls without taking a reference. On Python 3.11
(where they are still reference-counted) every ``label.setText(...)`` then takes one reference
away, and after some tens of thousands of calls — a morning's work — the program dies with "Fatal
Python error: deallocating None". pyproject.toml excludes that release; this test catches any other.
"""

from __future__ import annotations

import ctypes
import sys

import pytest

pytestmark = pytest.mark.usefixtures("qapp")

CALLS = 2000


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None, True and False are immortal from Python 3.12")
def test_void_and_bool_calls_keep_their_references() -> None:
    from PySide6.QtCore import QModelIndex, QStringListModel
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    model = QStringListModel(["甲", "乙"])
    root = QModelIndex()
    none_before, true_before, false_before = (sys.getrefcount(v) for v in (None, True, False))
    for _ in range(CALLS):
        label.setText("困难职工")  # void
        model.beginResetModel()  # void, protected
        model.endResetModel()
        label.isVisible()  # bool: False
        model.hasIndex(0, 0, root)  # bool: True
    lost = {name: before - sys.getrefcount(value) for name, value, before in
            (("None", None, none_before), ("True", True, true_before), ("False", False, false_before))}
    for value, name in ((None, "None"), (True, "True"), (False, "False")):
        for _ in range(max(0, lost[name])):  # give back what a faulty binding took, so the run survives
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))
    # a few references may come and go with the interpreter's own caches; a leak loses one per call
    assert all(n < CALLS // 2 for n in lost.values()), f"references lost over {CALLS} calls: {lost}"
