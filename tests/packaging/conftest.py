"""The bundle and the .deb, built once per test session by scripts/build.sh (a few minutes of CPU)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Figures the packaging tests measure (sizes, install and start times): printed at the end of the run,
# whatever -q or -s, since they are reported, not judged.
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if FIGURES:
        terminalreporter.section("packaging figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@dataclass(frozen=True)
class Built:
    output: str  # what build.sh printed: the frozen --smoke, the sizes
    bundle: Path
    deb: Path | None  # None where dpkg-deb is missing (not Debian)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if shutil.which("pyinstaller", path=str(ROOT / ".venv" / "bin")) is None:
        pytest.fail("PyInstaller is not installed: sh scripts/setup.sh --test installs it")
    home = tmp_path_factory.mktemp("home")  # the frozen --smoke's user data and font cache: the test's own
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home))
    bundle, debs = ROOT / "dist" / "assist-desktop", sorted((ROOT / "dist").glob("*.deb"))
    if os.environ.get("ASSIST_REUSE_BUILD") == "1" and (bundle / "assist-desktop").is_file():
        # while working on these tests: the last build, its --smoke run again (sizes as package_deb prints them)
        smoke = subprocess.run([str(bundle / "assist-desktop"), "--smoke"], env=env, capture_output=True, text=True,
                               timeout=300)
        return Built(smoke.stdout, bundle, debs[0] if debs else None)
    for old in (ROOT / "dist").glob("*.deb"):
        old.unlink()
    done = subprocess.run(["sh", "scripts/build.sh"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    FIGURES.extend(line for line in done.stdout.splitlines() if line.startswith(("bundle:", "deb:")))
    debs = sorted((ROOT / "dist").glob("*.deb"))
    return Built(done.stdout, ROOT / "dist" / "assist-desktop", debs[0] if debs else None)
