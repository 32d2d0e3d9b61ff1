"""The program's log: rotating files in the user data folder, with nothing in them about a household.

The log is for the county's IT person (帮助 → 导出诊断信息 packs it into a zip they may carry out of
the office), so what could identify a person is taken out of every line before it is written:
ID, phone and bank numbers (any run of seven or more digits), whatever stands in Chinese quotation
marks or in ASCII quotes around non-ASCII text (the program's messages quote names and other typed
values that way, and so do Python's reprs), folder and file names in other scripts than ASCII, e-mail
addresses, the parameters SQLAlchemy appends to a failed statement, and the user's home folder (it
carries the login name). Tracebacks keep their file
names, line numbers and source lines: code, not data.

A crash the interpreter cannot survive (a segmentation fault in Qt) is written by ``faulthandler`` to
``crash.log`` beside the log.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import IO, Any

from assist_desktop.paths import user_data_dir

LOG_FILE = "assist-desktop.log"
CRASH_FILE = "crash.log"
MAX_BYTES = 1_000_000  # about ten thousand lines a file
BACKUP_COUNT = 4  # assist-desktop.log.1 … .4: the last few days of a busy office
CRASH_MAX_BYTES = 256_000
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

MASK = "…"
_PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # SQLAlchemy: "[parameters: ('张伟', '610102…')]" — the values a failed statement was given
    (re.compile(r"\[parameters: [^\n]*"), f"[parameters: {MASK}]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<e-mail>"),
    # ID numbers (18 characters, the last may be X), phones, bank cards, landlines, written with or
    # without spaces and hyphens; a date and time stays as it is
    (re.compile(r"(\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?)?)|\d(?:[ -]?\d){6,}[Xx]?"),
     lambda m: m.group(1) or "<number>"),
    (re.compile(r"“[^”]*”"), f"“{MASK}”"),
    (re.compile(r"‘[^’]*’"), f"‘{MASK}’"),
    (re.compile(r"「[^」]*」"), f"「{MASK}」"),
    (re.compile(r"《[^》]*》"), f"《{MASK}》"),
    # a folder or file name with non-ASCII characters (张伟的档案.pdf, ~/文档/…) after a path separator
    (re.compile(r"(?<=[/\\])[^/\\\s'\"“”:，。；：、（）]*[^\x00-\x7f“”，。；：、（）][^/\\\s'\"“”:，。；：、（）]*"), MASK),
    # ASCII quotes around text with a non-ASCII character: a name in a repr or an f-string; quoted
    # ASCII (file names in tracebacks, identifiers) stays readable
    (re.compile(r"'[^'\n]*[^\x00-\x7f][^'\n]*'"), f"'{MASK}'"),
    (re.compile(r'"[^"\n]*[^\x00-\x7f][^"\n]*"'), f'"{MASK}"'),
)


def _home_forms() -> list[str]:
    home = str(Path.home())
    forms = {home, home.replace("\\", "/")}
    return sorted((f for f in forms if len(f) > 1), key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` without personal data (see the module's note); used for the log and the diagnostics zip."""
    for form in _home_forms():
        text = text.replace(form, "~")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+(?:[\s·・][^\x00-\x7f]+)*")


def _redact_arg(value: object) -> object:
    """A log call's arguments are values: a string's non-ASCII text (a name, an address) goes whole. An
    exception is a message the code composed, quoting its values: it gets :func:`redact`."""
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {redact(str(value))}"
    if isinstance(value, (int, float)) or value is None:
        return value
    return _NON_ASCII_RUN.sub(MASK, redact(str(value)))


class RedactingFormatter(logging.Formatter):
    """A formatter whose arguments, message, traceback and stack are passed through :func:`redact`."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the traceback unredacted on the record: format it afresh;
        # the arguments are redacted for this file only (other handlers see the record unchanged).
        cached, record.exc_text = record.exc_text, None
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_redact_arg(a) for a in args)
        elif isinstance(args, dict):
            record.args = {k: _redact_arg(v) for k, v in args.items()}
        try:
            return super().format(record)
        finally:
            record.exc_text, record.args = cached, args

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = redact(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def] # noqa: N802
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return redact(super().formatStack(stack_info))


def log_dir() -> Path:
    return user_data_dir() / "logs"


class RotatingLog(logging.FileHandler):
    """The log file, rolled over before it would pass ``max_bytes``: LOG_FILE → .1 → … → .``backup_count``,
    the oldest dropped — what the standard library's ``logging.handlers.RotatingFileHandler`` does, here
    because that module's import (socket, pickle, queue and the rest of its handlers) is part of every start
    before the login window (P1), and the log is started before the window."""

    def __init__(self, path: Path, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8", delay=False)
        self.max_bytes, self.backup_count = max_bytes, backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._roll_over()
        except Exception:  # noqa: BLE001 - as logging does: a failing log never stops the program
            self.handleError(record)
            return
        super().emit(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        if self.max_bytes <= 0 or not os.path.isfile(self.baseFilename):
            return False
        self.stream.seek(0, 2)
        return self.stream.tell() + len(f"{self.format(record)}{self.terminator}") >= self.max_bytes

    def _roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        for n in range(self.backup_count - 1, 0, -1):
            if os.path.exists(f"{base}.{n}"):
                os.replace(f"{base}.{n}", f"{base}.{n + 1}")
        if self.backup_count > 0 and os.path.exists(base):
            os.replace(base, f"{base}.1")
        self.stream = self._open()


_handler: logging.Handler | None = None
_crash_file: IO[str] | None = None


def start_logging(directory: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send the program's log to ``directory`` (default: ``logs/`` in the user data folder), rotating
    at :data:`MAX_BYTES`, and fatal crashes to ``crash.log``. Returns the log file, or None when the
    folder cannot be written (the program then runs without a log rather than not at all)."""
    global _handler, _crash_file
    directory = directory or log_dir()
    path = directory / LOG_FILE
    if _handler is not None and Path(getattr(_handler, "baseFilename", "")) == path:
        return path
    stop_logging()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler = RotatingLog(path, MAX_BYTES, BACKUP_COUNT)
    except OSError:
        return None
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    logging.captureWarnings(True)
    _handler = handler
    _crash_file = _open_crash_file(directory / CRASH_FILE)
    if _crash_file is not None:
        faulthandler.enable(_crash_file, all_threads=True)
    return path


def _open_crash_file(path: Path) -> IO[str] | None:
    try:
        if path.exists() and path.stat().st_size > CRASH_MAX_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        return path.open("a", encoding="utf-8")
    except OSError:
        return None


def stop_logging() -> None:
    global _handler, _crash_file
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
        logging.captureWarnings(False)
    if _crash_file is not None:
        if faulthandler.is_enabled():
            faulthandler.disable()
        _crash_file.close()
        _crash_file = None


def log_files(directory: Path | None = None) -> list[Path]:
    """The log files, newest first: the current log, its rotated predecessors, then the crash log."""
    directory = directory or log_dir()
    names = [LOG_FILE, *(f"{LOG_FILE}.{n}" for n in range(1, BACKUP_COUNT + 1)), CRASH_FILE, f"{CRASH_FILE}.1"]
    return [directory / n for n in names if (directory / n).is_file()]


def process_age() -> float | None:
    """Seconds since this process started (the operating system's clock), or None where unknown.
    Measures a start from the moment the desktop launched the program, before Python ran at all."""
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/self/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time after boot
            with open("/proc/uptime", encoding="ascii") as fh:
                return float(fh.read().split()[0]) - started
        if sys.platform == "win32":
            import ctypes
            from ctypes import wintypes

            times = [wintypes.FILETIME() for _ in range(4)]
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            if not kernel32.GetProcessTimes(kernel32.GetCurrentProcess(), *map(ctypes.byref, times)):
                return None
            created = (times[0].dwHighDateTime << 32 | times[0].dwLowDateTime) / 1e7 - 11644473600
            return time.time() - created
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return None
