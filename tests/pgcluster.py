"""A throw-away PostgreSQL cluster in a temporary folder, for the test session and the benchmarks.

Debian's ``postgresql`` package puts the server programs in ``/usr/lib/postgresql/<version>/bin`` and runs
no cluster we may use; ``initdb`` refuses to run as root, so under root the cluster belongs to the
``postgres`` user the package creates (its programs are run through ``runuser``). The server listens on
127.0.0.1 at a free port and on a socket in the cluster's folder; the cluster is tuned for tests (no fsync:
a crash of the test machine loses only test data).

Roles: ``assist_test`` (superuser, trusted from 127.0.0.1) for the tests; every other role must give its
password (SCRAM), as on an office's server, so the password paths of the program are real.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "assist_test"
SETTINGS = {
    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "80",
    "shared_buffers": "128MB", "listen_addresses": "127.0.0.1", "timezone": "UTC",
    "log_min_messages": "warning", "deadlock_timeout": "200ms", "password_encryption": "scram-sha-256",
}


class ClusterError(RuntimeError):
    pass


def server_bin_dir() -> Path | None:
    """The newest installed server's programs (``PG_BIN`` first)."""
    given = os.environ.get("PG_BIN")
    if given:
        return Path(given) if (Path(given) / "initdb").exists() else None
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """``start()`` makes and starts the cluster; ``stop()`` stops it and removes the folder."""

    def __init__(self, root: Path | None = None, port: int | None = None) -> None:
        self.bin = server_bin_dir()
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="assist-pg-"))
        self.data = self.root / "data"
        self.port = port or free_port()
        self.as_user = "postgres" if os.geteuid() == 0 else None
        self.running = False

    # running the server's programs as the cluster's owner
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise ClusterError(f"{args[0]} failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr[-2000:]}")
        return done

    def start(self) -> "Cluster":
        if self.bin is None:
            raise ClusterError("PostgreSQL's server programs are not installed (Debian: apt-get install postgresql)")
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            try:
                owner = pwd.getpwnam(self.as_user)
            except KeyError:
                raise ClusterError("running as root and there is no 'postgres' user to own the cluster") from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8",
                  "--auth-local=trust", "--auth-host=trust", "-N")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n" + "".join(f"{k} = '{v}'\n" for k, v in SETTINGS.items()))
            conf.write(f"port = {self.port}\nunix_socket_directories = '{self.root}'\n")
        (self.data / "pg_hba.conf").write_text(
            f"local all all trust\nhost all {SUPERUSER} 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        if self.as_user:
            subprocess.run(["chown", "-R", self.as_user, str(self.data)], check=True)
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        self.running = True
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0:
                return self
            time.sleep(0.1)
        raise ClusterError("the server did not accept connections: " + self.log_tail())

    def log_tail(self) -> str:
        try:
            return (self.root / "server.log").read_text()[-2000:]
        except OSError:
            return ""

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"host=127.0.0.1 port={self.port} dbname={database} user={user}"

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Statements outside a transaction (CREATE DATABASE cannot run inside one)."""
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]

    def stop(self, remove: bool = True) -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            self.running = False
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # pragma: no cover - a cluster for trying things by hand
    import sys

    cluster = Cluster(Path(sys.argv[1]) if len(sys.argv) > 1 else None,
                      int(sys.argv[2]) if len(sys.argv) > 2 else None).start()
    print(cluster.url(), cluster.root, flush=True)
