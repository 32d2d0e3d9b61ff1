#!/bin/sh
# Set up a checkout on Debian/UOS/Kylin: Qt's system libraries, a virtualenv, the locked packages.
#   sh scripts/setup.sh          runtime packages (to run the program)
#   sh scripts/setup.sh --test   runtime + test packages
# Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

LOCK=requirements.lock
[ "${1:-}" = "--test" ] && LOCK=requirements-test.lock

# --- Qt's xcb platform: the window on an X11 desktop (Debian, UOS, Kylin) --------------------------
# Qt's xcb platform plugin needs the libraries of Qt's "Qt for X11 Requirements" list (here by their
# Debian names); without them the window aborts with 'Could not load the Qt platform plugin "xcb"'.
XCB_PACKAGES="libx11-6 libx11-xcb1 libxcb1 libxext6 libxrender1 libxcb-render0 libxcb-render-util0
    libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1 libxcb-shm0 libxcb-icccm4
    libxcb-keysyms1 libxcb-image0 libxcb-util1 libxcb-cursor0 libxkbcommon0 libxkbcommon-x11-0
    libfontconfig1 libfreetype6"
# The tests run the program on xcb too, on a virtual X display (.ci/run starts Xvfb).
[ "${1:-}" = "--test" ] && XCB_PACKAGES="$XCB_PACKAGES xvfb"
# The packaging test checks the .deb's desktop entry (desktop-file-validate).
[ "${1:-}" = "--test" ] && XCB_PACKAGES="$XCB_PACKAGES desktop-file-utils"
# ----------------------------------------------------------------------------------------------------

# Qt needs these on a bare Debian; python3-venv gives venv its pip.
APT_PACKAGES="python3-venv libgl1 libegl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3"
# Paper printing hands the PDF to CUPS with lp (cups-client); a desktop that prints has it already.
APT_PACKAGES="$APT_PACKAGES cups-client"
# The report tests read PDFs back (pdftotext, pdftoppm, pdffonts) and decode the vouchers' QR codes (zbarimg).
# PyInstaller (the packaging test) needs objdump and strip from binutils. The secrecy tests show that sqlite3
# and sqlcipher without the key read nothing of an encrypted database.
[ "${1:-}" = "--test" ] && APT_PACKAGES="$APT_PACKAGES poppler-utils zbar-tools binutils sqlite3 sqlcipher"
# The paper-printing tests and benchmark start a CUPS scheduler of their own with a CUPS-PDF printer
# (tests/cupsd.py): the scheduler, its PDF filters, the CUPS-PDF backend and Ghostscript.
[ "${1:-}" = "--test" ] && APT_PACKAGES="$APT_PACKAGES cups-daemon cups-filters printer-driver-cups-pdf ghostscript"
# The storage, services, sync and reliability suites also run on PostgreSQL: the tests start a throw-away
# cluster with Debian's server programs (tests/pgcluster.py).
[ "${1:-}" = "--test" ] && APT_PACKAGES="$APT_PACKAGES postgresql"
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=""
    for pkg in $APT_PACKAGES $XCB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        SUDO=""
        [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        echo "Installing system packages:$missing"
        $SUDO apt-get update -qq
        # An older release may name a library differently (libxcb-util0 before libxcb-util1): install
        # what this release has; the check at the end names any library Qt still lacks.
        known=""
        for pkg in $missing; do
            if apt-cache show "$pkg" >/dev/null 2>&1; then known="$known $pkg"; else echo "No package $pkg here"; fi
        done
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $known >/dev/null
    fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# sqlcipher3-binary (locked before sqlcipher3-wheels; its SQLite was built unoptimised) fills the same sqlcipher3
# folder: take both out, so that neither removes the other's files and the lock installs the wheels' whole
if .venv/bin/python -m pip show -q sqlcipher3-binary >/dev/null 2>&1; then
    .venv/bin/python -m pip uninstall -q -y sqlcipher3-binary sqlcipher3-wheels
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$LOCK"
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .

# --- Qt's xcb platform: is every library it needs there? -------------------------------------------
XCB_PLUGIN=$(ls .venv/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so 2>/dev/null | head -n 1)
if [ -n "$XCB_PLUGIN" ] && command -v ldd >/dev/null 2>&1; then
    lacking=$(ldd "$XCB_PLUGIN" | awk '/not found/ {print $1}' | tr '\n' ' ')
    if [ -n "$lacking" ]; then
        echo "Qt's xcb platform plugin lacks: $lacking" >&2
        echo "The window will not open on an X11 desktop until these libraries are installed." >&2
        exit 1
    fi
fi
