"""PostgreSQL's own programs — ``pg_dump``, ``pg_restore`` — for the backups of a server database.

A backup is ``pg_dump``'s custom format (compressed, restorable table by table, checked by ``pg_restore
--list``). The programs come with Debian's ``postgresql-client`` (installed with ``postgresql``) or the
Windows installer's ``bin`` folder; the newest found is used, since an older ``pg_dump`` refuses a newer
server. The password goes to them in the environment of the child process, never on its command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from assist_desktop.domain.errors import DomainError
from assist_desktop.storage.location import ServerAddress


class ToolProblem(DomainError):
    """pg_dump or pg_restore missing or failing."""

TIMEOUT_S = 6 * 3600  # a province's database dumps in minutes; a stuck server must not hang forever


class ToolMissing(ToolProblem):
    pass


class ToolFailed(ToolProblem):
    pass


def _candidates(name: str) -> list[Path]:
    exe = name + (".exe" if sys.platform == "win32" else "")
    found: list[Path] = []
    given = os.environ.get("ASSIST_PG_BIN")
    if given:
        found.append(Path(given) / exe)
    roots = [Path("/usr/lib/postgresql")]
    if sys.platform == "win32":
        roots += [Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "PostgreSQL"]
    for root in roots:
        if root.is_dir():
            versions = sorted((p for p in root.iterdir() if (p / "bin" / exe).exists()),
                              key=lambda p: [int(x) for x in re.findall(r"\d+", p.name)] or [0])
            found += [v / "bin" / exe for v in reversed(versions)]
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    return found


def find_tool(name: str) -> Path:
    for path in _candidates(name):
        if path.is_file():
            return path
    raise ToolMissing(f"找不到 PostgreSQL 的 {name} 程序，无法备份或恢复服务器上的数据库。请安装 PostgreSQL 客户端"
                      "（Debian/UOS/麒麟：apt install postgresql-client；Windows：PostgreSQL 安装程序的“命令行工具”），"
                      "或用环境变量 ASSIST_PG_BIN 指明其所在文件夹。")


def connection_args(address: ServerAddress, database: str | None = None) -> list[str]:
    return ["-h", address.host, "-p", str(address.port), "-U", address.username, "-d", database or address.database]


def _env(address: ServerAddress) -> dict[str, str]:
    env = dict(os.environ)
    if address.password is not None:
        env["PGPASSWORD"] = address.password
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    for key, value in address.query:
        if key == "sslmode":
            env["PGSSLMODE"] = value
    return env


def run(name: str, args: list[str], address: ServerAddress) -> str:
    """Run one of the programs; its error output becomes the message of a ToolFailed."""
    tool = find_tool(name)
    try:
        done = subprocess.run([str(tool), *args], env=_env(address), capture_output=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolFailed(f"{name} 无法运行：{exc}") from exc
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        lines = [ln for ln in err.splitlines() if ln.strip()]
        detail = "；".join(lines[:3]) or f"退出码 {done.returncode}"
        if "server version mismatch" in err or "aborting because of server version mismatch" in err:
            detail = f"本机的 {name} 比服务器的 PostgreSQL 旧，请安装与服务器相同或更新版本的 PostgreSQL 客户端（{detail}）"
        raise ToolFailed(f"{name} 失败：{detail}")
    return out


def dump(address: ServerAddress, target: Path) -> None:
    """The whole database into ``target`` (custom format), a consistent snapshot while others work."""
    run("pg_dump", [*connection_args(address), "--format=custom", "--compress=6", "--no-owner", "--no-privileges",
                    "--file", str(target)], address)


def listing(address: ServerAddress, archive: Path) -> str:
    """The archive's table of contents (``pg_restore --list``): reading it checks the file is a whole dump."""
    return run("pg_restore", ["--list", str(archive)], address)


def restore_into(address: ServerAddress, archive: Path, database: str) -> None:
    """The archive into the (new, empty) ``database``, all or nothing."""
    run("pg_restore", [*connection_args(address, database), "--no-owner", "--no-privileges", "--exit-on-error",
                       "--single-transaction", str(archive)], address)
