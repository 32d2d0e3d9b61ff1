"""Paper printing on Linux (UOS, Kylin, Debian): the PDF itself is handed to a CUPS queue.

CUPS takes PDF as its native job format; its filters (pdftopdf, then the printer's driver) rasterise at the
printer's own resolution, so a campaign's 1,136 voucher sheets go over as the 2–3 MB PDF the program made,
not as gigabytes of page images. The job is handed over with CUPS's own ``lp`` (package cups-client, on
every desktop that prints), reading the PDF from its standard input; ``CUPS_SERVER`` in the environment
chooses another scheduler, as for every CUPS program. No Qt here: the 打印 page and the terminal both use it.

Windows has no CUPS: the 打印 page prints there through Qt (``ui/printing/preview.print_pdf``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

from assist_desktop.domain.errors import DomainError

LP_TIMEOUT_S = 120  # lp returns once the scheduler holds the job; a 3 MB campaign takes well under a second
_REQUEST = re.compile(r"request id is (\S+)")
# paper sizes the forms use (points, portrait), as CUPS names them
MEDIA = {"A4": (595.3, 841.9), "A5": (419.5, 595.3)}


class PrintQueueError(DomainError):
    """The job could not be handed to the printer queue; nothing was printed."""


@dataclass(frozen=True)
class Queue:
    name: str
    default: bool = False


@dataclass(frozen=True)
class Submitted:
    """A job the scheduler accepted: its id (``AssistPDF-12``) and how many bytes went over."""

    queue: str
    job_id: str
    size: int


def _lp(name: str) -> str | None:
    return shutil.which(name)


def available() -> bool:
    """Whether this computer hands jobs to CUPS (``lp`` installed; not on Windows)."""
    return sys.platform != "win32" and _lp("lp") is not None and _lp("lpstat") is not None


def _run(args: list[str], *, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, input=data, capture_output=True, timeout=LP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise PrintQueueError("打印服务（CUPS）长时间没有响应，作业未能送出。请检查打印服务是否在运行。") from None
    except OSError as exc:
        raise PrintQueueError(f"无法调用打印服务（CUPS）：{exc.strerror or exc}") from None


def queues() -> list[Queue]:
    """The CUPS queues this computer can print to, the default first; empty when CUPS is not running."""
    if not available():
        return []
    found = _run(["lpstat", "-e"])
    names = [line.strip() for line in found.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    default = _run(["lpstat", "-d"]).stdout.decode("utf-8", "replace")
    chosen = default.rsplit(":", 1)[-1].strip() if ":" in default else ""
    return sorted((Queue(n, n == chosen) for n in names), key=lambda q: (not q.default, q.name))


def media_for(width_pt: float, height_pt: float) -> str | None:
    """CUPS's name of the paper a page of this size (either orientation) is printed on."""
    short, long = sorted((width_pt, height_pt))
    for name, (w, h) in MEDIA.items():
        if abs(short - w) < 3 and abs(long - h) < 3:
            return name
    return None


def submit_pdf(pdf: bytes, queue: str, *, title: str, copies: int = 1, first_page: int | None = None,
               last_page: int | None = None, duplex: bool = False, media: str | None = "A4") -> Submitted:
    """Hand ``pdf`` to the CUPS queue ``queue``. ``duplex`` prints on both sides, turning on the long edge
    (the file form's front and back); ``first_page``/``last_page`` limit the pages (1-based)."""
    if not available():
        raise PrintQueueError("本机没有CUPS打印服务（lp），无法直接把PDF交给打印机。请在打印对话框中选择打印机，"
                              "或先另存为PDF再打印。")
    if not pdf.startswith(b"%PDF-"):
        raise PrintQueueError("要打印的内容不是PDF文件。")
    if copies < 1 or copies > 999:
        raise PrintQueueError("份数须在1至999之间。", field="份数")
    args = ["lp", "-d", queue, "-t", title or "Assist Desktop", "-n", str(copies)]
    if media:
        args += ["-o", f"media={media}"]
    args += ["-o", "sides=two-sided-long-edge" if duplex else "sides=one-sided"]
    if copies > 1:
        args += ["-o", "collate=true"]
    if first_page or last_page:
        first = max(1, first_page or 1)
        args += ["-P", f"{first}-{last_page}" if last_page else f"{first}-"]
    args.append("-")  # the PDF on standard input: no temporary file with names and ID numbers on disk
    done = _run(args, data=pdf)
    said = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
    match = _REQUEST.search(said)
    if done.returncode != 0 or match is None:
        raise PrintQueueError(f"打印机“{queue}”没有接受作业：{said or f'lp 退出码 {done.returncode}'}")
    return Submitted(queue, match.group(1), len(pdf))


def job_finished(job_id: str) -> bool:
    """Whether the scheduler has finished the job (printed, or given up on it)."""
    queue = job_id.rsplit("-", 1)[0]
    done = _run(["lpstat", "-W", "completed", "-o", queue])
    return any(line.split()[:1] == [job_id] for line in done.stdout.decode("utf-8", "replace").splitlines())


__all__ = ["MEDIA", "PrintQueueError", "Queue", "Submitted", "available", "job_finished", "media_for", "queues",
           "submit_pdf"]
