#!/bin/sh
# Set up a checkout on Debian/UOS/Kylin: Qt's system libraries, a virtualenv, the locked packages.
#   sh scripts/setup.sh          runtime packages (to run the program)
#   sh scripts/setup.sh --test   runtime + test packages
# Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

LOCK=requirements.lock
[ "${1:-}" = "--test" ] && LOCK=requirements-test.lock

# Qt needs these on a bare Debian; python3-venv gives venv its pip.
APT_PACKAGES="python3-venv libgl1 libegl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3"
# The report tests read PDFs back (pdftotext, pdftoppm, pdffonts) and decode the vouchers' QR codes (zbarimg).
# PyInstaller (the packaging test) needs objdump and strip from binutils. The secrecy tests show that sqlite3
# and sqlcipher without the key read nothing of an encrypted database.
[ "${1:-}" = "--test" ] && APT_PACKAGES="$APT_PACKAGES poppler-utils zbar-tools binutils sqlite3 sqlcipher"
# The storage, services, sync and reliability suites also run on PostgreSQL: the tests start a throw-away
# cluster with Debian's server programs (tests/pgcluster.py).
[ "${1:-}" = "--test" ] && APT_PACKAGES="$APT_PACKAGES postgresql"
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    missing=""
    for pkg in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        SUDO=""
        [ "$(id -u)" -ne 0 ] && SUDO="sudo"
        echo "Installing system packages:$missing"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
    fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$LOCK"
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
