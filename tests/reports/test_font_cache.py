"""The rare-character font ships xz-compressed and is unpacked once into the user's cache folder: checked
against its SHA-256, replaced when damaged, and taken from memory when the folder cannot be written."""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assist_desktop.reports import fonts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache" / "fonts"
    monkeypatch.setattr(fonts, "cache_dir", lambda: folder)
    return folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_shipped_font_is_compressed_and_unpacks_to_the_known_font() -> None:
    assert fonts.RARE_FILE.name == "rare-han-ext-ab.ttf.xz"
    assert fonts.RARE_FILE.stat().st_size < 12 * 2**20  # 24 MB unpacked
    data = lzma.decompress(fonts.RARE_FILE.read_bytes())
    assert hashlib.sha256(data).hexdigest() == fonts.RARE_SHA256
    assert data[:4] == b"\0\1\0\0"  # TrueType
    assert not (fonts.RARE_FILE.parent / "rare-han-ext-ab.ttf").exists()  # not shipped twice


def test_unpacked_once_into_the_cache_folder(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = fonts.rare_font_source()
    assert source == str(fonts.cached_copy()) and Path(source).parent == cache
    assert _sha256(Path(source)) == fonts.RARE_SHA256
    assert [p.name for p in cache.iterdir()] == [Path(source).name]  # no pieces left behind

    def never() -> bytes:
        raise AssertionError("unpacked again")

    monkeypatch.setattr(fonts, "_unpack", never)
    assert fonts.rare_font_source() == source  # the checked copy is used as it is


@pytest.mark.parametrize("damage", ["truncated", "one byte changed", "empty"])
def test_a_damaged_copy_in_the_cache_is_replaced(cache: Path, damage: str) -> None:
    copy = Path(fonts.rare_font_source())
    data = bytearray(copy.read_bytes())
    if damage == "truncated":
        copy.write_bytes(data[: len(data) // 2])
    elif damage == "one byte changed":
        data[len(data) // 3] ^= 0xFF
        copy.write_bytes(data)
    else:
        copy.write_bytes(b"")
    assert fonts.rare_font_source() == str(copy)
    assert _sha256(copy) == fonts.RARE_SHA256


def test_copies_of_other_versions_and_old_pieces_are_removed(cache: Path) -> None:
    cache.mkdir(parents=True)
    other = cache / "rare-han-ext-ab-000000000000.ttf"
    other.write_bytes(b"an earlier font")
    old_piece = cache / f"{fonts.cached_copy().name}.1.2.part"
    old_piece.write_bytes(b"half")
    os.utime(old_piece, (0, 0))
    fresh_piece = cache / f"{fonts.cached_copy().name}.3.4.part"  # another program unpacking right now
    fresh_piece.write_bytes(b"half")
    fonts.rare_font_source()
    assert sorted(p.name for p in cache.iterdir()) == sorted([fonts.cached_copy().name, fresh_piece.name])


def test_an_unwritable_cache_folder_falls_back_to_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")  # mkdir fails, even for root
    monkeypatch.setattr(fonts, "cache_dir", lambda: blocker / "fonts")
    source = fonts.rare_font_source()
    assert isinstance(source, io.BytesIO)
    assert hashlib.sha256(source.getvalue()).hexdigest() == fonts.RARE_SHA256


def test_a_full_disk_falls_back_to_memory_and_leaves_no_piece(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        real_write(self, data[:1000])  # the disk fills up part way
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    source = fonts.rare_font_source()
    assert isinstance(source, io.BytesIO) and hashlib.sha256(source.getvalue()).hexdigest() == fonts.RARE_SHA256
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("damage", ["missing", "damaged", "another font"])
def test_a_missing_or_damaged_shipped_font_is_refused_in_chinese(cache: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    shipped = tmp_path / "rare-han-ext-ab.ttf.xz"
    if damage == "damaged":
        packed = bytearray(fonts.RARE_FILE.read_bytes())
        packed[len(packed) // 2] ^= 0xFF
        shipped.write_bytes(packed)
    elif damage == "another font":
        shipped.write_bytes(lzma.compress(b"\0\1\0\0 not the font"))
    monkeypatch.setattr(fonts, "RARE_FILE", shipped)
    with pytest.raises(fonts.FontUnavailable, match="生僻字字体文件缺失或已损坏.*请重新安装本程序"):
        fonts.rare_font_source()
    assert not cache.exists() or list(cache.iterdir()) == []


def test_rare_names_print_and_copy_out_with_the_font_from_memory(tmp_path: Path) -> None:
    """A fresh process whose cache folder cannot be made: the names still print and copy back."""
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    script = (
        "import sys\n"
        "from assist_desktop.reports import fonts\n"
        "from tests.reports.test_fonts import NAMES, _Lines\n"
        "from tests.reports import pdftools\n"
        "pdf = _Lines().render(list(NAMES))\n"
        "text = pdftools.text(pdf, layout=False)\n"
        "assert all(name in text for name in NAMES), text\n"
        "assert not fonts.cached_copy().exists()\n"
        "print('ok')\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(blocker), LOCALAPPDATA=str(blocker))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr
