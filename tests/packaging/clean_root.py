"""A clean Debian root in a folder (debootstrap, minimal variant), to install the .deb as on a fresh PC.

Needs root, debootstrap and the distribution's package mirror (debootstrap's default). The root gets
/proc, /dev and the X server's socket folder mounted for as long as it is used; every mount is undone
before the folder is removed, and removal refuses while anything is still mounted under it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

# What changes in a root by installing and removing any package, or by running anything: dpkg's own
# records and logs, caches, the kernel's and the X server's folders, the caseworker's home.
VOLATILE = ("proc", "dev", "sys", "run", "tmp", "var/lib/dpkg", "var/log", "var/cache", "home", "root")


def host_codename() -> str:
    for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip('"')
    raise RuntimeError("/etc/os-release names no release")


class CleanRoot:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.mounts: list[Path] = []

    def create(self, include: Iterable[str], suite: str | None = None, timeout: int = 900) -> None:
        packages = ",".join(sorted(set(include)))
        args = ["debootstrap", "--variant=minbase", f"--include={packages}", suite or host_codename(), str(self.path)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"debootstrap failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    def mount(self, x11: bool = True) -> None:
        self._mount(["-t", "proc", "proc"], self.path / "proc")
        self._mount(["--bind", "/dev"], self.path / "dev")
        if x11 and Path("/tmp/.X11-unix").is_dir():
            self._mount(["--bind", "/tmp/.X11-unix"], self.path / "tmp/.X11-unix")

    def _mount(self, how: list[str], where: Path) -> None:
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", *how, str(where)], check=True)
        self.mounts.append(where)

    def unmount(self) -> None:
        for where in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(where)], check=False)
        self.mounts.clear()

    def still_mounted(self) -> list[str]:
        prefix = str(self.path.resolve()) + "/"
        with open("/proc/mounts", encoding="utf-8") as fh:
            return [line.split()[1] for line in fh if line.split()[1].startswith(prefix)]

    def remove(self) -> None:
        self.unmount()
        left = self.still_mounted()
        if left:  # removing now would delete through the mount into the machine's own /dev
            raise RuntimeError(f"still mounted, not removing {self.path}: {left}")
        shutil.rmtree(self.path, ignore_errors=True)

    def run(self, command: Sequence[str], env: dict[str, str] | None = None, network: bool = True,
            timeout: int = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``command`` inside the root; ``network=False`` runs it in a network namespace of its own,
        with no way out."""
        base = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        args = [*(["unshare", "--net"] if not network else []), "chroot", str(self.path), *command]
        done = subprocess.run(args, env={**base, **(env or {})}, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-3000:]}\n"
                                 f"{done.stderr[-3000:]}")
        return done

    def popen(self, command: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        base = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        return subprocess.Popen(["chroot", str(self.path), *command], env={**base, **env},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def snapshot(self) -> dict[str, tuple[int, int, str]]:
        """Every path outside VOLATILE: (mode, size, link target) — what a package could have left."""
        def volatile(rel: str) -> bool:
            return any(rel == v or rel.startswith(v + "/") for v in VOLATILE)

        found: dict[str, tuple[int, int, str]] = {}
        root = str(self.path)
        for folder, dirs, files in os.walk(root):
            here = os.path.relpath(folder, root).replace(os.sep, "/")
            here = "" if here == "." else here + "/"
            dirs[:] = [d for d in dirs if not volatile(here + d)]
            for name in [*dirs, *files]:
                if volatile(here + name):
                    continue
                path = os.path.join(folder, name)
                st = os.lstat(path)
                link = os.readlink(path) if os.path.islink(path) else ""
                found[here + name] = (st.st_mode, 0 if name in dirs else st.st_size, link)
        return found
