# PyInstaller runtime hook (Linux bundle): psycopg's pure-Python driver over the libpq bundled beside the
# program. psycopg's binary wheel would add 11 MB (its own OpenSSL, Kerberos and LDAP beside the ones the
# bundle already has); the system's libpq (Debian's libpq5) uses those. psycopg looks libpq up with
# ctypes.util.find_library("pq"), which knows nothing of the bundle's folder.
import ctypes.util
import os
import sys

_BUNDLED = os.path.join(getattr(sys, "_MEIPASS", ""), "libpq.so.5")
if os.path.exists(_BUNDLED):
    os.environ.setdefault("PSYCOPG_IMPL", "python")
    _find_library = ctypes.util.find_library

    def _find(name: str) -> str | None:
        return _BUNDLED if name == "pq" else _find_library(name)

    ctypes.util.find_library = _find
