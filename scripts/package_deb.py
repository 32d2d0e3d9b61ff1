"""The .deb for UOS, Kylin and Debian, made from the PyInstaller bundle (dist/assist-desktop/).

    python3 scripts/package_deb.py [--bundle dist/assist-desktop] [--out dist]

Lays the program out as the UOS app store asks — everything under /opt/apps/<appid>/: ``files/`` (the
bundle), ``entries/applications/<appid>.desktop`` and ``entries/icons/…/<appid>.png`` (UOS puts
these in its menu), ``info`` (the store's JSON) — and links the desktop entry and icon into
/usr/share, where Debian's and Kylin's menus look. No maintainer scripts: installing changes nothing
but the package's own files, needs no network, and removing it takes them all away (the user's data
in ~/.local/share/AssistDesktop stays).

Depends lists what the bundle needs from the system and does not carry, found by reading every ELF
file's needed libraries (readelf, from binutils): the C library at the version the bundle was linked
against (so an older system refuses the package instead of failing at start), OpenGL/EGL and libxcb,
which belong to the graphics stack of the machine. A needed library neither bundled nor known here
stops the build, naming it and who needs it: a library PyInstaller left out would otherwise break a
screen only on the office PC.

Prints the bundle's size (files) and the .deb's (compressed: what a county downloads).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPID = "org.assistdesktop.app"  # reverse domain, as the UOS store asks; also the package name
APP_NAME = "困难职工帮扶管理"
EXECUTABLE = "assist-desktop"
# The libraries a desktop's graphics stack and C library provide (PyInstaller does not bundle them, on
# purpose: they must match the machine's drivers and kernel), with the Debian package that has each.
SYSTEM_LIBRARIES = {
    "libc.so.6": "libc6", "libm.so.6": "libc6", "libdl.so.2": "libc6", "libpthread.so.0": "libc6",
    "librt.so.1": "libc6", "libresolv.so.2": "libc6", "libutil.so.1": "libc6", "ld-linux-x86-64.so.2": "libc6",
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libGLX.so.0": "libglx0", "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0", "libxcb.so.1": "libxcb1",
    # Qt's xcb plugin needs these; PyInstaller bundles them when the build machine has them (setup.sh
    # installs them), else the package depends on them.
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
# Needed only by plugins Qt loads when the desktop asks for them, and skips when they are missing:
# the GTK theme (GNOME-like desktops, which have GTK).
OPTIONAL_LIBRARIES = {"libgtk-3.so.0", "libgdk-3.so.0"}
LIBC_PACKAGE = "libc6"


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    description: str


def project() -> Project:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return Project(data["name"], data["version"], data["description"])


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and _is_elf(p))


_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")
_GLIBC = re.compile(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def system_needs(bundle: Path) -> tuple[dict[str, set[str]], tuple[int, ...]]:
    """({soname needed but not in the bundle: the bundled files needing it}, newest GLIBC_x.y required)."""
    files = elf_files(bundle)
    bundled = {p.name for p in bundle.rglob("*") if p.is_file() or p.is_symlink()}
    needs: dict[str, set[str]] = {}
    newest: tuple[int, ...] = (0,)
    for path in files:
        dynamic = subprocess.run(["readelf", "-d", "-V", "--wide", str(path)], capture_output=True, text=True,
                                 check=False).stdout
        for soname in _NEEDED.findall(dynamic):
            if soname not in bundled:
                needs.setdefault(soname, set()).add(str(path.relative_to(bundle)))
        for match in _GLIBC.finditer(dynamic):
            newest = max(newest, tuple(int(g) for g in match.groups() if g is not None))
    return needs, newest


def depends(bundle: Path) -> list[str]:
    """The Depends field: the packages of the system libraries the bundle needs. Raises SystemExit
    naming a library that is neither bundled nor a known system library."""
    needs, glibc = system_needs(bundle)
    unknown = {soname: users for soname, users in needs.items()
               if soname not in SYSTEM_LIBRARIES and soname not in OPTIONAL_LIBRARIES}
    if unknown:
        lines = [f"  {soname}, needed by {', '.join(sorted(users)[:3])}" for soname, users in sorted(unknown.items())]
        raise SystemExit("The bundle needs libraries it does not carry and the system may not have:\n"
                         + "\n".join(lines) + "\nBundle them (build.spec) or add them to SYSTEM_LIBRARIES.")
    packages = sorted({SYSTEM_LIBRARIES[s] for s in needs if s in SYSTEM_LIBRARIES} - {LIBC_PACKAGE})
    libc = f"{LIBC_PACKAGE} (>= {'.'.join(map(str, glibc))})" if glibc != (0,) else LIBC_PACKAGE
    return [libc, *packages]


def desktop_entry(proj: Project) -> str:
    files = f"/opt/apps/{APPID}/files"
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={APP_NAME}",
        f"Name[zh_CN]={APP_NAME}",
        "GenericName=困难职工帮扶",
        "Comment=困难职工档案、金秋助学、春节送温暖、打印与同步",
        f"Exec={files}/{EXECUTABLE}",
        f"Path={files}",
        f"Icon={APPID}",
        "Terminal=false",
        "Categories=Office;",
        "Keywords=困难职工;帮扶;工会;金秋助学;送温暖;",
        "StartupNotify=true",
        "StartupWMClass=AssistDesktop",  # Qt's WM_CLASS class: the application name (ui/app.py)
        "",
    ])


def store_info(proj: Project) -> str:
    """The UOS store's ``info``: the version with four numbers, the architecture, no special permissions."""
    numbers = [int(n) for n in re.findall(r"\d+", proj.version)][:4]
    version = ".".join(map(str, numbers + [0] * (4 - len(numbers))))
    permissions = dict.fromkeys(("autostart", "notification", "trayicon", "clipboard", "account", "bluetooth",
                                 "camera", "audio_record", "installed_apps"), False)
    return json.dumps({"appid": APPID, "name": APP_NAME, "version": version, "arch": ["amd64"],
                       "permissions": permissions}, ensure_ascii=False, indent=2) + "\n"


def _tree_size_kib(root: Path) -> int:
    return sum(-(-p.lstat().st_size // 1024) for p in root.rglob("*") if p.is_file() or p.is_symlink())


def build(bundle: Path, out: Path, work: Path) -> Path:
    proj = project()
    if not (bundle / EXECUTABLE).is_file():
        raise SystemExit(f"No bundle at {bundle}: build it first (sh scripts/build.sh)")
    pkg_depends = depends(bundle)
    root = work / "root"
    if root.exists():
        shutil.rmtree(root)
    app = root / "opt" / "apps" / APPID
    shutil.copytree(bundle, app / "files", symlinks=True)
    entry = app / "entries" / "applications" / f"{APPID}.desktop"
    icon = app / "entries" / "icons" / "hicolor" / "256x256" / "apps" / f"{APPID}.png"
    entry.parent.mkdir(parents=True)
    entry.write_text(desktop_entry(proj), encoding="utf-8")
    icon.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "resources" / "icons" / "app.png", icon)
    (app / "info").write_text(store_info(proj), encoding="utf-8")
    # Debian's and Kylin's menus read /usr/share: links to the entry and icon above (the package's own files)
    for target, link in ((entry, root / "usr/share/applications" / entry.name),
                         (icon, root / "usr/share/icons/hicolor/256x256/apps" / icon.name)):
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to("/" + str(target.relative_to(root)))
    for path in root.rglob("*"):  # as dpkg expects, whatever the umask of the build
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    debian = root / "DEBIAN"
    debian.mkdir()
    sums = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and debian not in p.parents):
        sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(root)}")
    (debian / "md5sums").write_text("\n".join(sums) + "\n", encoding="utf-8")
    summary = proj.description
    (debian / "control").write_text("\n".join([
        f"Package: {APPID}",
        f"Version: {proj.version}",
        "Architecture: amd64",
        "Maintainer: Assist Desktop <assist-desktop@localhost>",
        f"Installed-Size: {_tree_size_kib(root)}",
        f"Depends: {', '.join(pkg_depends)}",
        "Section: misc",
        "Priority: optional",
        f"Description: {APP_NAME} (Assist Desktop)",
        f" {summary}",
        " Offline: one program on the office PC over a local database; no network is needed to",
        f" install or to run it. The program is in /opt/apps/{APPID}/files/.",
        "",
    ]), encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{APPID}_{proj.version}_amd64.deb"
    # gzip: every dpkg reads it (UOS 20's and Kylin V10's dpkg cannot read zstd); -6 is three times
    # as fast as -9 for 0.3 % more.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(root)
    return deb


def bundle_figures(bundle: Path) -> tuple[int, int]:
    """(files, bytes) of the bundle, links not counted."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / EXECUTABLE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    args = parser.parse_args(argv)
    deb = build(args.bundle, args.out, args.work)
    count, size = bundle_figures(args.bundle)
    print(f"bundle: {count} files, {size / 2**20:.1f} MiB ({size / 1e6:.1f} MB)")
    print(f"deb: {deb.name}, {deb.stat().st_size / 2**20:.1f} MiB ({deb.stat().st_size / 1e6:.1f} MB) compressed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
