"""file_lock's Windows branch, imported on Linux against a model of LockFileEx/UnlockFileEx as Microsoft documents
them (a shared lock may overlap shared locks and an exclusive one nothing; FAIL_IMMEDIATELY reports a lock held
elsewhere as ERROR_LOCK_VIOLATION; one unlock removes one lock, the exclusive first; unlocking what is not locked
is ERROR_NOT_LOCKED). A model, not Windows: it catches mistakes in how the branch calls and reads the API (the
arguments, the OVERLAPPED offsets, the error codes, the conversions), run by tests/storage/test_lock_conversion.py."""
import ctypes, os, sys, types
from ctypes import wintypes
locks = {}  # offset -> list of (handle, exclusive)
last = [0]
class Fn:
    def __init__(self, f): self.f = f
    def __call__(self, *a): return self.f(*a)
def ov_offset(p):
    o = p._obj
    return o.Offset | (o.OffsetHigh << 32)
def lock(h, flags, res, lo, hi, p):
    assert isinstance(h, int) and res == 0 and (lo, hi) == (1, 0) and flags & 1
    off = ov_offset(p); ex = bool(flags & 2); held = locks.setdefault(off, [])
    if ex and held:
        last[0] = 33; return 0
    if not ex and any(e for _, e in held) and not any(hh == h and e for hh, e in held):
        last[0] = 33; return 0
    held.append((h, ex)); return 1
def unlock(h, res, lo, hi, p):
    off = ov_offset(p); held = locks.get(off, [])
    mine = [x for x in held if x[0] == h]
    if not mine: last[0] = 158; return 0
    ex = [x for x in mine if x[1]]
    held.remove(ex[0] if ex else mine[0]); return 1
class K: pass
k = K(); k.LockFileEx = Fn(lock); k.UnlockFileEx = Fn(unlock)
ctypes.WinDLL = lambda name, use_last_error=False: k
ctypes.get_last_error = lambda: last[0]
ctypes.WinError = lambda code=None: OSError(code, "winerror")
msvcrt = types.ModuleType("msvcrt"); msvcrt.get_osfhandle = lambda fd: 1000 + fd
sys.modules["msvcrt"] = msvcrt
os.name = "nt"
sys.path.insert(0, sys.argv[1])
from assist_desktop.storage import file_lock as fl
os.name = "posix"
assert fl._convert is fl._convert_by_release
import tempfile
d = tempfile.mkdtemp()
a = open(os.path.join(d, "lock"), "a+"); b = open(os.path.join(d, "lock"), "a+")
assert fl._try_exclusive(a) and not fl._try_lock(b, False)      # a alone
fl._downgrade(a); assert fl._try_lock(b, False)                  # a shared, b shared
assert not fl._convert(a, True) and locks[0].count((1000 + a.fileno(), False)) == 1  # b holds shared: a stays shared
fl._unlock(b)
assert fl._convert(a, True) and not fl._try_lock(b, False)      # a alone again
fl._downgrade(a); fl._unlock(a); fl._unlock(a)                   # second unlock: ERROR_NOT_LOCKED, ignored
assert fl._try_exclusive(b)
bad = open(os.path.join(d, "lock"), "a+")
msvcrt.get_osfhandle = lambda fd: -1  # INVALID_HANDLE_VALUE: an error, never "busy" for ever
k.LockFileEx = Fn(lambda *args: (last.__setitem__(0, 6), 0)[1])
try:
    fl._try_lock(bad, True)
except OSError as exc:
    assert exc.args[0] == 6
else:
    raise AssertionError("ERROR_INVALID_HANDLE taken for a lock held elsewhere")
print("windows branch ok")
