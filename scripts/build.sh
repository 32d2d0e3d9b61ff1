#!/bin/sh
# Build the one-folder program with PyInstaller (build.spec) and check the frozen build with --smoke.
#   sh scripts/build.sh            → dist/assist-desktop/, and on Debian/UOS/Kylin the .deb in dist/
#                                    (the sizes are printed: files, and the compressed .deb)
# Needs the test packages (sh scripts/setup.sh --test), which include PyInstaller.
set -eu
cd "$(dirname "$0")/.."
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller build.spec
du -sh dist/assist-desktop
QT_QPA_PLATFORM=offscreen dist/assist-desktop/assist-desktop --smoke
if command -v dpkg-deb >/dev/null 2>&1; then
    .venv/bin/python scripts/package_deb.py
fi
