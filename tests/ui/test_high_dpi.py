"""High-DPI: the main window and the file editor at 125 % and 150 % (QT_SCALE_FACTOR) on a 1920×1080 office
screen — drawn at the scaled resolution, within the screen's room, no text cut off. Screenshots are kept
in UI_SHOTS (main-window-125.png, editor-150.png …) to look at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCREEN = (1920, 1080)


@pytest.mark.parametrize("factor", [1.25, 1.5])
def test_main_window_and_editor_at_scale(factor: float, demo_db: Path, shots_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "screen.json"  # the offscreen platform's screen: a common office monitor
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": SCREEN[0],
                                               "height": SCREEN[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}), encoding="utf-8")
    env = dict(os.environ, QT_SCALE_FACTOR=str(factor), QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               HOME=str(tmp_path))
    done = subprocess.run([sys.executable, str(HERE / "high_dpi.py"), str(demo_db), str(shots_dir)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["dpr"] == factor
    room = [round(SCREEN[0] / factor), round(SCREEN[1] / factor)]  # 1536×864 at 125 %, 1280×720 at 150 %
    assert result["screen"] == room
    for view in ("main", "editor", "editor_members", "editor_income"):
        shot = result[view]
        width, height = shot["logical"]
        assert width <= room[0] and height <= room[1], f"{view} is {width}×{height}, the screen {room}"
        # drawn at the screen's resolution, not scaled up from 100 % (which blurs the Chinese)
        assert shot["dpr"] == factor and shot["pixels"] == [round(width * factor), round(height * factor)], shot
        assert not shot["clipped"], f"{view} at {factor:.0%}: {shot['clipped']}"
        assert Path(shot["file"]).stat().st_size > 10_000


def test_a_text_cut_off_by_its_widget_is_found(qtbot) -> None:
    from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

    from tests.ui.high_dpi import clipped

    root = QWidget()
    qtbot.addWidget(root)
    row = QHBoxLayout(root)
    button, label = QPushButton("导出花名册…"), QLabel("积石山保安族东乡族撒拉族自治县总工会")
    row.addWidget(button)
    row.addWidget(label)
    root.show()
    qtbot.waitExposed(root)
    assert clipped(root) == []
    button.setFixedWidth(30)
    label.setFixedWidth(60)
    found = clipped(root)
    assert len(found) == 2 and found[0].startswith("QPushButton “导出花名册…”: 30 <"), found
    assert found[1].startswith("QLabel “积石山保安族东乡族撒拉族自治县总工会”:"), found
