"""One scaled start, in a process of its own (QT_SCALE_FACTOR is read when Qt starts), for test_high_dpi.

    QT_SCALE_FACTOR=1.5 python tests/ui/high_dpi.py DB OUT_DIR

Opens the main window on DB as the clerk 李娜 and the editor of the first file with members, saves both
as PNG in OUT_DIR, and prints one JSON line: the scaling, the screen, each window's logical size and
picture size, and every text that does not fit its widget.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QLabel, QPushButton, QRadioButton,
                               QTabBar, QTableView, QWidget)


def _wait(app: QApplication, ready, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):
        app.processEvents()


def clipped(root: QWidget) -> list[str]:
    """Texts cut off by their widget: a button or check box narrower than its text needs, a one-line
    label narrower than its text, a tab narrower than its title."""
    problems = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() <= 0:
            continue
        name = f"{type(widget).__name__} {widget.objectName() or ''}".strip()
        if isinstance(widget, (QPushButton, QCheckBox, QRadioButton)) and widget.text():
            if widget.width() < widget.minimumSizeHint().width():
                problems.append(f"{name} “{widget.text()}”: {widget.width()} < {widget.minimumSizeHint().width()}")
        elif isinstance(widget, QLabel) and widget.text() and not widget.wordWrap() and widget.pixmap().isNull():
            if widget.textFormat() == Qt.TextFormat.RichText or "<" in widget.text():
                continue
            lines = widget.text().splitlines() or [""]
            need = max(widget.fontMetrics().horizontalAdvance(line) for line in lines)
            have = widget.contentsRect().width() - 2 * widget.margin() - widget.indent() * (widget.indent() > 0)
            if have < need:
                problems.append(f"{name} “{widget.text()[:40]}”: {have} < {need}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                need = widget.fontMetrics().horizontalAdvance(widget.tabText(i).replace("&", ""))
                if widget.tabRect(i).width() < need:
                    problems.append(f"tab “{widget.tabText(i)}”: {widget.tabRect(i).width()} < {need}")
    return problems


def picture(widget: QWidget, path: Path) -> dict[str, object]:
    image = widget.grab()
    assert image.save(str(path)), path
    return {"logical": [widget.width(), widget.height()], "pixels": [image.width(), image.height()],
            "dpr": image.devicePixelRatio(), "clipped": clipped(widget), "file": str(path)}


def main(db_path: Path, out: Path) -> dict[str, object]:
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.app import build_main_window, log_in, make_application
    from assist_desktop.ui.editor.file_editor import FileEditor

    app = make_application(sys.argv[:1])
    screen = app.primaryScreen()
    db = open_database(db_path)
    ctx = log_in(db, demo=True)
    assert ctx is not None
    window = build_main_window(ctx)
    window.show()
    table = window.pages["registry"].findChild(QTableView)
    _wait(app, lambda: table.model() is not None and table.model().rowCount() > 0)
    scale = f"{round(screen.devicePixelRatio() * 100)}"
    result: dict[str, object] = {
        "dpr": screen.devicePixelRatio(), "screen": [screen.size().width(), screen.size().height()],
        "available": [screen.availableGeometry().width(), screen.availableGeometry().height()],
        "main": picture(window, out / f"main-window-{scale}.png"),
    }
    from sqlalchemy import text

    with db.session() as session:  # the household with the most members, then the longest name
        file_id = session.execute(text(
            "SELECT f.id FROM hardship_file f JOIN member m ON m.file_id = f.id "
            "GROUP BY f.id ORDER BY count(*) DESC, length(f.name) DESC LIMIT 1")).scalar()
    editor = FileEditor(ctx, file_id, parent=window)
    editor.show()
    _wait(app, lambda: editor.ready and editor.idle)
    result["editor"] = picture(editor, out / f"editor-{scale}.png")
    editor.tabs.setCurrentIndex(1)
    _wait(app, lambda: True)
    result["editor_members"] = picture(editor, out / f"editor-members-{scale}.png")
    editor.tabs.setCurrentIndex(2)
    _wait(app, lambda: True)
    result["editor_income"] = picture(editor, out / f"editor-income-{scale}.png")
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False))
    sys.stdout.flush()
    import os

    os._exit(0)  # no teardown: only the pictures are wanted
