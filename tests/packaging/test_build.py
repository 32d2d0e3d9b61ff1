"""The PyInstaller build: every file build.spec bundles exists, and the frozen program passes --smoke."""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.packaging.conftest import Built

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build.spec"


def _spec_datas() -> list[tuple[str, str]]:
    """The DATAS list of build.spec, read without running PyInstaller."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "DATAS" for t in node.targets):
            return [tuple(ast.literal_eval(e)) for e in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError("build.spec has no DATAS list")


def test_every_file_the_spec_bundles_exists_and_holds_what_the_program_reads() -> None:
    datas = _spec_datas()
    for source, _target in datas:
        path = ROOT / source
        assert path.exists() and any(path.iterdir()), f"build.spec bundles {source}, which is missing or empty"
    sources = {s for s, _ in datas}
    # what the program opens by path at run time must be among them
    for needed in ("resources/fonts", "resources/translations", "resources/policy", "resources/regions",
                   "resources/icons", "assist_desktop/storage/migrations"):
        assert needed in sources, f"{needed} is not bundled"
    for launcher in ("scripts/launcher.py", "resources/icons/app.png", "resources/icons/app.ico", "pyproject.toml"):
        assert (ROOT / launcher).is_file(), launcher
    from assist_desktop.ui.shell.about import bundled_fonts

    fonts = bundled_fonts()
    assert {name for name, _ in fonts} >= {"wqy-microhei.ttc", "rare-han-ext-ab.ttf.xz"}
    for name, licence in fonts:
        assert licence is not None and licence.is_file(), f"{name} has no licence file beside it"


@pytest.mark.slow
def test_the_frozen_program_passes_its_smoke_check(built: Built) -> None:
    """Builds the bundle (a few minutes) and runs the frozen `--smoke`; checks what does not depend on the
    build machine: no broken links, the ICU data cut down, every library a bundled file needs either in
    the bundle or a known part of the system's graphics stack and C library. Its size depends on the
    libraries the build machine has (PyInstaller copies them): printed, not judged."""
    out = built.output
    assert "冒烟检查通过" in out
    for check in ("生僻字字体", "Qt 中文排序", "繁体转简体", "Qt 模块", "Qt 平台：offscreen", "发放凭证打印",
                  "Qt 对话框中文", "数据库服务器客户端（PostgreSQL）"):
        assert f"ok  {check}" in out, check
    # every bundled font with its licence, in the frozen build (the smoke check reads the bundle's folder)
    assert "ok  字体 wqy-microhei.ttc 的许可证" in out and "ok  字体 rare-han-ext-ab.ttf.xz 的许可证" in out
    bundle = built.bundle
    assert not [f for f in bundle.rglob("*") if f.is_symlink() and not f.exists()], "links to dropped libraries"
    if sys.platform.startswith("linux"):
        icu = list(bundle.rglob("libicudata.so.*"))
        assert icu and all(f.stat().st_size < 10 * 2**20 for f in icu), "the ICU data was not cut down"
        sys.path.insert(0, str(ROOT / "scripts"))
        import package_deb

        needs, glibc = package_deb.system_needs(bundle)
        assert set(needs) <= set(package_deb.SYSTEM_LIBRARIES) | package_deb.OPTIONAL_LIBRARIES, needs
        assert "libQt6Network.so.6" not in needs  # QtPdf (the print preview) links to it
        assert glibc >= (2, 17)


@pytest.mark.slow
def test_the_deb_lays_the_program_out_for_uos_kylin_and_debian(built: Built, tmp_path: Path) -> None:
    """The .deb's control fields, its files (all under /opt/apps/<appid>/ but for two links into
    /usr/share for Debian's and Kylin's menus), no maintainer scripts, a valid desktop entry, the
    UOS store's info file."""
    if built.deb is None:
        pytest.skip("dpkg-deb is not installed: the .deb is made on Debian, UOS or Kylin")
    sys.path.insert(0, str(ROOT / "scripts"))
    import package_deb

    appid, version = package_deb.APPID, package_deb.project().version
    assert built.deb.name == f"{appid}_{version}_amd64.deb"

    def field(name: str) -> str:
        return subprocess.run(["dpkg-deb", "-f", str(built.deb), name], capture_output=True, text=True,
                              check=True).stdout.strip()

    assert (field("Package"), field("Version"), field("Architecture")) == (appid, version, "amd64")
    depends = [d.strip() for d in field("Depends").split(",")]
    assert depends[0].startswith("libc6 (>= 2.") and {"libgl1", "libegl1", "libxcb1"} <= set(depends)
    assert int(field("Installed-Size")) * 1024 >= package_deb.bundle_figures(built.bundle)[1]
    control = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(built.deb)], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(control)) as tar:
        assert sorted(m.name for m in tar.getmembers() if m.isfile()) == ["./control", "./md5sums"]
    with tarfile.open(fileobj=io.BytesIO(subprocess.run(["dpkg-deb", "--fsys-tarfile", str(built.deb)],
                                                        capture_output=True, check=True).stdout)) as tar:
        members = {m.name.removeprefix("./"): m for m in tar.getmembers()}
        app = f"opt/apps/{appid}"
        entry_name = f"{app}/entries/applications/{appid}.desktop"
        icon_name = f"{app}/entries/icons/hicolor/256x256/apps/{appid}.png"
        outside = sorted(n for n, m in members.items() if n and not n.startswith(app) and not m.isdir())
        assert outside == [f"usr/share/applications/{appid}.desktop",
                           f"usr/share/icons/hicolor/256x256/apps/{appid}.png"]
        assert members[outside[0]].linkname == "/" + entry_name and members[outside[1]].linkname == "/" + icon_name
        assert members[f"{app}/files/assist-desktop"].mode & 0o111
        assert all(m.uname == "root" and m.gname == "root" for m in members.values())
        entry = tar.extractfile(members[entry_name]).read().decode("utf-8")  # type: ignore[union-attr]
        info = json.loads(tar.extractfile(members[f"{app}/info"]).read())  # type: ignore[union-attr]
        icon = tar.extractfile(members[icon_name]).read()  # type: ignore[union-attr]
    assert icon == (ROOT / "resources/icons/app.png").read_bytes()
    assert info["appid"] == appid and info["arch"] == ["amd64"] and re.fullmatch(r"\d+\.\d+\.\d+\.\d+", info["version"])
    lines = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert lines["Exec"] == f"/opt/apps/{appid}/files/assist-desktop" and lines["Icon"] == appid
    assert lines["Name"] == "困难职工帮扶管理" and lines["Terminal"] == "false"
    (tmp_path / f"{appid}.desktop").write_text(entry, encoding="utf-8")
    validate = shutil.which("desktop-file-validate")
    assert validate, "desktop-file-validate is missing: sh scripts/setup.sh --test installs desktop-file-utils"
    checked = subprocess.run([validate, str(tmp_path / f"{appid}.desktop")], capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout


def test_the_windows_installer_script_installs_what_the_build_makes() -> None:
    """packaging/windows/assist-desktop.iss cannot be compiled here (Inno Setup runs on Windows): it takes the
    build's folder and program name, the icon, a Chinese wizard, and a version given on the command line."""
    iss = ROOT / "packaging" / "windows" / "assist-desktop.iss"
    raw = iss.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, or Inno Setup before 6.3 garbles the Chinese"
    text = raw.decode("utf-8-sig")
    import tomllib

    name = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    assert f'#define AppExe "{name}.exe"' in text  # build.spec's EXE name on Windows
    assert "#error" in text and "{#AppVersion}" in text  # the version comes from ISCC /DAppVersion=…
    assert re.search(r"^AppId=\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$", text, re.M)
    assert 'MessagesFile: "compiler:Languages\\ChineseSimplified.isl"' in text
    assert "#define AppName \"困难职工帮扶管理\"" in text
    source = re.search(r'^Source: "([^"]+)"', text, re.M).group(1)  # type: ignore[union-attr]
    assert source == "..\\..\\dist\\assist-desktop\\*"
    assert (iss.parent / "../../dist").resolve() == ROOT / "dist"  # build.sh's --distpath
    icon = re.search(r"^SetupIconFile=(.+)$", text, re.M).group(1)  # type: ignore[union-attr]
    assert (iss.parent / icon.replace("\\", "/")).resolve() == ROOT / "resources/icons/app.ico"
