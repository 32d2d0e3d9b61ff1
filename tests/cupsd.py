"""A private CUPS scheduler with a CUPS-PDF queue, for the paper-printing tests and the benchmark.

It runs from its own folder (configuration, spool, logs, a Unix socket) and touches nothing of the
system's CUPS; programs reach it through ``CUPS_SERVER``. The CUPS-PDF backend (printer-driver-cups-pdf)
reads its settings from ``/etc/cups/cups-pdf-<name>.conf`` only, so one file of that name (unique per run,
removed at the end) tells it to write the printed PDFs into the private folder. Needs root (the backend
runs as root), cupsd and cups-pdf: ``sh scripts/setup.sh --test`` installs them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CUPSD = shutil.which("cupsd") or "/usr/sbin/cupsd"
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
QUEUE = "AssistPDF"


class CupsUnavailable(RuntimeError):
    pass


@dataclass
class PrivateCups:
    root: Path
    process: subprocess.Popen[bytes]
    queue: str
    pdf_conf: Path
    own_root: bool = False

    @property
    def socket(self) -> str:
        return str(self.root / "cups.sock")

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    @property
    def spool_dir(self) -> Path:
        return self.root / "spool"

    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.socket}

    def spooled_bytes(self) -> int:
        """The job files the scheduler holds (kept: PreserveJobFiles)."""
        return sum(p.stat().st_size for p in self.spool_dir.glob("d*"))

    def outputs(self) -> list[Path]:
        return sorted(self.out_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime)

    def wait_for_output(self, count: int, timeout: float = 120) -> list[Path]:
        """Wait until ``count`` printed PDFs are complete (the job finished and the file closed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = subprocess.run(["lpstat", "-W", "completed", "-o", self.queue], env=self.env(),
                                  capture_output=True, timeout=30).stdout.decode()
            if len([line for line in done.splitlines() if line.strip()]) >= count and len(self.outputs()) >= count:
                return self.outputs()
            time.sleep(0.2)
        log = (self.root / "log" / "error_log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"CUPS-PDF wrote {len(self.outputs())} of {count} files in {timeout} s\n{log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.pdf_conf.unlink(missing_ok=True)
        if self.own_root:
            shutil.rmtree(self.root, ignore_errors=True)


def start(root: Path | None = None) -> PrivateCups:
    """Start a scheduler in ``root`` (an empty folder; by default a new one under the system's temporary
    folder, removed at ``stop``) with the CUPS-PDF queue ``AssistPDF``. The filters run as the user lp, so
    every folder above ``root`` must let others through (pytest's own temporary folders do not)."""
    missing = [str(p) for p in (Path(CUPSD), PPD, BACKEND) if not p.exists()]
    missing += [t for t in ("lp", "lpstat", "lpadmin", "gs") if shutil.which(t) is None]
    if missing:
        raise CupsUnavailable(f"paper-printing tests need CUPS and CUPS-PDF ({', '.join(missing)} missing): run "
                              "`sh scripts/setup.sh --test` (Debian packages cups-daemon cups-client cups-filters "
                              "printer-driver-cups-pdf ghostscript)")
    if os.geteuid() != 0:
        raise CupsUnavailable("paper-printing tests start their own CUPS with the CUPS-PDF backend, which needs root")
    own = root is None
    root = Path(tempfile.mkdtemp(prefix="assist-cups-")) if root is None else root.resolve()
    root.chmod(0o711)
    for sub in ("conf", "spool", "tmp", "state", "cache", "log", "out"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    shutil.chown(root / "tmp", group="lp")
    (root / "tmp").chmod(0o1770)  # filters run as lp and write their temporary files here
    (root / "conf" / "cups-files.conf").write_text("\n".join([
        f"ServerRoot {root}/conf", f"RequestRoot {root}/spool", f"TempDir {root}/tmp", f"StateDir {root}/state",
        f"CacheDir {root}/cache", f"AccessLog {root}/log/access_log", f"ErrorLog {root}/log/error_log",
        f"PageLog {root}/log/page_log", f"Printcap {root}/printcap", "ServerBin /usr/lib/cups",
        "DataDir /usr/share/cups", "Sandboxing Relaxed", ""]))
    (root / "conf" / "cupsd.conf").write_text("\n".join([
        f"Listen {root}/cups.sock", "LogLevel info", "WebInterface No", "Browsing Off", "PreserveJobFiles Yes",
        "PreserveJobHistory Yes", "MaxJobs 0", "<Location />", "  Order allow,deny", "  Allow all", "</Location>",
        "<Location /admin>", "  Order allow,deny", "  Allow all", "</Location>", ""]))
    for conf in ("cups-files.conf", "cupsd.conf"):
        (root / "conf" / conf).chmod(0o644)
    name = f"assist{secrets.token_hex(4)}"
    pdf_conf = Path("/etc/cups") / f"cups-pdf-{name}.conf"
    pdf_conf.write_text(f"Out {root}/out\nAnonDirName {root}/out\nUserUMask 0022\nGrp root\nLogType 1\n")
    process = subprocess.Popen([CUPSD, "-f", "-c", str(root / "conf" / "cupsd.conf"), "-s",
                                str(root / "conf" / "cups-files.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    cups = PrivateCups(root, process, QUEUE, pdf_conf, own)
    try:
        deadline = time.monotonic() + 20
        while not (root / "cups.sock").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise CupsUnavailable("cupsd did not start: " + (root / "log" / "error_log").read_text(errors="replace")
                                      if (root / "log" / "error_log").exists() else "cupsd did not start")
            time.sleep(0.1)
        subprocess.run(["lpadmin", "-p", QUEUE, "-E", "-v", f"cups-pdf:/{name}", "-P", str(PPD), "-o",
                        "printer-error-policy=abort-job"], env=cups.env(), check=True, capture_output=True,
                       timeout=30)
        subprocess.run(["cupsenable", QUEUE], env=cups.env(), check=True, capture_output=True, timeout=30)
        subprocess.run(["cupsaccept", QUEUE], env=cups.env(), check=True, capture_output=True, timeout=30)
    except BaseException:
        cups.stop()
        raise
    return cups
