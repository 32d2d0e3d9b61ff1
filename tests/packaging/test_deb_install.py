"""The .deb installed on a fresh Debian root as a county's IT person installs it: dpkg alone, without
network; the menu entry's command passes --smoke on a real X display (xcb, under Xvfb); the installed
program's start is timed; dpkg --purge leaves the root exactly as it was.

CI runs it (.ci/run sets ASSIST_DEB_INSTALL_CHECK=1 and starts Xvfb): it needs root, debootstrap and the
distribution's mirror, and takes a minute or two beyond the build. Elsewhere it is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.packaging.clean_root import CleanRoot
from tests.packaging.conftest import FIGURES, ROOT, Built

ENABLED = os.environ.get("ASSIST_DEB_INSTALL_CHECK") == "1"
HOME = "/home/caseworker"
SHOWN = re.compile(r"main window shown (\d+\.\d+) s after the process started")
DEMO_FAMILIES = 2000  # the demo county `--demo` opens


def _requirements() -> str | None:
    if not ENABLED:
        return "set ASSIST_DEB_INSTALL_CHECK=1 to install the .deb into a fresh root (CI does)"
    if os.geteuid() != 0:
        return "installing into a fresh root needs root"
    if shutil.which("debootstrap") is None:
        return "debootstrap is not installed"
    display = os.environ.get("DISPLAY", "")
    if not display.startswith(":") or not Path(f"/tmp/.X11-unix/X{display[1:].split('.')[0]}").exists():
        return "no local X display (DISPLAY=:N, as .ci/run starts Xvfb)"
    return None


def _evict(folder: Path) -> None:
    """Drop the program's files from the page cache: the next start reads them from disk, as the first
    start of the day does."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def _start(root: CleanRoot, program: str, db: str, env: dict[str, str], log: Path) -> tuple[float, float]:
    """(seconds the program logged from its process start to the main window shown, wall seconds)."""
    seen = log.read_text(encoding="utf-8").count("main window shown") if log.exists() else 0
    started = time.perf_counter()
    proc = root.popen([program, "--demo", "--db", db], env)
    try:
        deadline = started + 180
        while time.perf_counter() < deadline:
            text = log.read_text(encoding="utf-8") if log.exists() else ""
            found = SHOWN.findall(text)
            if len(found) > seen:
                return float(found[-1]), time.perf_counter() - started
            if proc.poll() is not None:
                raise AssertionError(f"the installed program exited {proc.returncode} before its window showed:\n"
                                     + text[-2000:])
            time.sleep(0.02)
        raise AssertionError("the installed program's window did not show within 180 s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_the_deb_installs_runs_on_xcb_and_removes_cleanly(built: Built, tmp_path_factory) -> None:
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    assert built.deb is not None
    sys.path.insert(0, str(ROOT / "scripts"))
    import package_deb

    appid = package_deb.APPID
    depends = subprocess.run(["dpkg-deb", "-f", str(built.deb), "Depends"], capture_output=True, text=True,
                             check=True).stdout
    packages = [re.split(r"[\s(]", d.strip())[0] for d in depends.split(",")]
    root = CleanRoot(tmp_path_factory.mktemp("fresh-pc") / "root")
    figures: list[str] = []
    try:
        t0 = time.perf_counter()
        root.create(packages)  # a minimal Debian with just what the package depends on
        figures.append(f"fresh root (debootstrap, {len(packages)} dependencies): {time.perf_counter() - t0:.0f} s")
        root.mount()
        before = root.snapshot()
        shutil.copyfile(built.deb, root.path / "tmp" / built.deb.name)
        t0 = time.perf_counter()
        root.run(["dpkg", "-i", f"/tmp/{built.deb.name}"], network=False)  # nothing fetched at install
        figures.append(f"dpkg -i: {time.perf_counter() - t0:.1f} s")
        assert "install ok installed" in root.run(["dpkg-query", "-W", "-f=${Status}", appid]).stdout
        root.run(["dpkg", "--verify", appid])  # every file as the package has it
        entry = root.path / "usr/share/applications" / f"{appid}.desktop"
        icon = root.path / "usr/share/icons/hicolor/256x256/apps" / f"{appid}.png"
        assert entry.is_symlink() and icon.is_symlink()
        exec_line = next(line for line in (root.path / str(entry.readlink()).lstrip("/")).read_text(
            encoding="utf-8").splitlines() if line.startswith("Exec="))
        program = exec_line.removeprefix("Exec=").split()[0]
        assert program == f"/opt/apps/{appid}/files/assist-desktop"
        assert (root.path / str(icon.readlink()).lstrip("/")).read_bytes()[:4] == b"\x89PNG"

        (root.path / HOME.lstrip("/")).mkdir(parents=True)
        env = {"HOME": HOME, "DISPLAY": os.environ["DISPLAY"], "QT_QPA_PLATFORM": "xcb"}
        smoke = root.run([program, "--smoke"], env=env, network=False, timeout=300)
        assert "冒烟检查通过" in smoke.stdout and "ok  Qt 平台：xcb" in smoke.stdout, smoke.stdout

        db = f"{HOME}/demo.sqlite"
        t0 = time.perf_counter()
        root.run([program, "demo", "--families", str(DEMO_FAMILIES), "--db", db], env=env, network=False,
                 timeout=900)
        figures.append(f"demo county of {DEMO_FAMILIES} households by the installed CLI: "
                       f"{time.perf_counter() - t0:.0f} s")
        log = root.path / HOME.lstrip("/") / ".local/share/AssistDesktop/logs/assist-desktop.log"
        files = root.path / "opt/apps" / appid / "files"
        cold, warm = [], []
        for _ in range(3):
            _evict(files)
            cold.append(_start(root, program, db, env, log))
        for _ in range(3):
            warm.append(_start(root, program, db, env, log))
        bare = []  # the same bundle's start without Qt or a database: bootloader, Python, the command line
        for _ in range(3):
            t0 = time.perf_counter()
            assert root.run([program, "--version"], env=env, network=False).stdout.strip().endswith(
                package_deb.project().version)
            bare.append(time.perf_counter() - t0)
        figures.append(f"the bundle's bare start (--version): {statistics.median(bare):.2f} s")
        for name, runs in (("cold (files out of the page cache)", cold), ("warm", warm)):
            shown = statistics.median(r[0] for r in runs)
            wall = statistics.median(r[1] for r in runs)
            figures.append(f"installed program, start to main window, {name}: {shown:.2f} s by its log "
                           f"({wall:.2f} s seen from outside; {wall / statistics.median(bare):.1f}× the bare "
                           f"start), runs {', '.join(f'{r[0]:.2f}' for r in runs)}")
        log_text = log.read_text(encoding="utf-8")
        assert "start: Assist Desktop" in log_text and "(installed build)" in log_text
        assert "Qt platform xcb" in log_text

        root.run(["dpkg", "--purge", appid], network=False)
        assert not (root.path / "opt/apps" / appid).exists() and not entry.is_symlink()
        after = root.snapshot()
        changed = sorted({path for path, _ in set(before.items()) ^ set(after.items())})
        # dpkg takes a folder of the package's path away once it is empty, as for any package under /opt:
        # on a fresh Debian that is /opt itself (UOS and Kylin keep their other programs there)
        if changed == ["opt"] and not any(p.startswith("opt/") for p in before):
            figures.append("dpkg --purge removed the empty /opt with the package (it held nothing else)")
            changed = []
        assert not changed, f"removal left the root changed: {changed[:20]}"
    finally:
        root.remove()
        load = os.getloadavg()
        FIGURES.extend([*figures, f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"])
