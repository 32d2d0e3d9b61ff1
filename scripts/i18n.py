"""Translation catalogues of the UI: extract, fill, compile, check.

    .venv/bin/python scripts/i18n.py update [AREA]     # lupdate: refresh the .ts of every area (or one)
    .venv/bin/python scripts/i18n.py fill AREA FILE    # FILE: JSON {"English source": "中文", ...}
    .venv/bin/python scripts/i18n.py todo              # list strings without a translation
    .venv/bin/python scripts/i18n.py release [AREA]    # lrelease: .ts → .qm (commit both)

An area is a sub-package of assist_desktop/ui/ ("ui" for the modules directly in ui/).
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "assist_desktop" / "ui"
CATALOGUES = ROOT / "resources" / "translations" / "zh_CN"
BIN = Path(sys.executable).parent


def areas() -> dict[str, list[Path]]:
    found = {"ui": sorted(p for p in UI.glob("*.py"))}
    for pkg in sorted(p for p in UI.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        found[pkg.name] = sorted(pkg.rglob("*.py"))
    return found


def tool(name: str) -> str:
    candidate = BIN / name
    return str(candidate) if candidate.exists() else name


def update(target_dir: Path = CATALOGUES, only: str | None = None) -> None:
    target_dir.mkdir(parents=True, exist_ok=True)
    for area, files in areas().items():
        if only and area != only:
            continue
        ts = target_dir / f"{area}.ts"
        # Relative paths keep the locations in the .ts independent of where the checkout lives.
        subprocess.run([tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none",
                        *[str(f.relative_to(ROOT)) for f in files], "-ts", str(ts.relative_to(ROOT))
                        if ts.is_relative_to(ROOT) else str(ts)], check=True, cwd=ROOT)
        tree = ET.parse(ts)
        tree.getroot().set("language", "zh_CN")
        tree.write(ts, encoding="utf-8", xml_declaration=True)


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of a catalogue."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            out.append((name, message.findtext("source", ""), message.find("translation")))
    return out


def fill(area: str, mapping_file: Path) -> int:
    ts = CATALOGUES / f"{area}.ts"
    mapping = json.loads(mapping_file.read_text(encoding="utf-8"))
    tree = ET.parse(ts)
    filled = 0
    for message in tree.getroot().iter("message"):
        source = message.findtext("source", "")
        translation = message.find("translation")
        if source in mapping and translation is not None:
            translation.text = mapping[source]
            translation.attrib.pop("type", None)
            filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def todo() -> list[tuple[str, str, str]]:
    missing = []
    for ts in sorted(CATALOGUES.glob("*.ts")):
        for context, source, translation in messages(ts):
            if translation is None or not (translation.text or "").strip() or translation.get("type") == "unfinished":
                missing.append((ts.stem, context, source))
    return missing


def release(target_dir: Path = CATALOGUES, only: str | None = None) -> None:
    for ts in sorted(CATALOGUES.glob("*.ts")):
        if only and ts.stem != only:
            continue
        qm = target_dir / f"{ts.stem}.qm"
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"update", "fill", "todo", "release"}:
        print(__doc__)
        return 2
    if argv[0] == "update":
        update(only=argv[1] if len(argv) > 1 else None)
    elif argv[0] == "fill":
        print(f"filled {fill(argv[1], Path(argv[2]))}")
    elif argv[0] == "todo":
        missing = todo()
        for area, context, source in missing:
            print(f"{area}\t{context}\t{source}")
        return 1 if missing else 0
    else:
        release(only=argv[1] if len(argv) > 1 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
