"""`assist-desktop`: the program's window, and the same services from a terminal."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from assist_desktop import __version__
from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import default_db_path, demo_db_path

DEMO_FAMILIES_FOR_WINDOW = 2000


def _db_arg(parser: argparse.ArgumentParser, default_help: str = "用户数据目录中的 assist.sqlite",
            top: bool = False) -> None:
    # Sub-commands suppress their default so `assist-desktop --db X check` keeps X.
    parser.add_argument("--db", type=Path, default=None if top else argparse.SUPPRESS,
                        help=f"数据库文件（默认：{default_help}）")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assist-desktop", description="县总工会困难职工帮扶管理程序")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="用演示数据库打开程序（不存在时自动生成）")
    parser.add_argument("--smoke", action="store_true",
                        help="自检：资源、数据库升级脚本、主窗口（不显示）、打印一张发放凭证；全部正常时退出码为0")
    _db_arg(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("init", help="为一个县级工会新建数据库")
    _db_arg(p)
    p.add_argument("--unit-code", required=True, help="6位行政区划代码，如 610826")
    p.add_argument("--unit-name", required=True, help="单位名称，如 绥德县总工会")
    p.add_argument("--admin", required=True, help="管理员用户名")
    p.add_argument("--password-file", type=Path, help="从文件读取管理员密码（第一行）；不给则在终端输入")

    p = sub.add_parser("demo", help="生成演示数据（也用于性能测试）")
    _db_arg(p, "用户数据目录中的 demo.sqlite")
    p.add_argument("--families", type=int, default=DEMO_FAMILIES_FOR_WINDOW, help="生成的困难职工户数")
    p.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")

    p = sub.add_parser("backup", help="立即备份数据库")
    _db_arg(p)

    p = sub.add_parser("restore", help="用备份文件恢复数据库（恢复前会先备份当前数据库）")
    _db_arg(p)
    p.add_argument("file", type=Path, help="备份文件")

    p = sub.add_parser("check", help="检查数据库完整性和审计链")
    _db_arg(p)
    return parser


def _read_password(args: argparse.Namespace) -> str:
    if args.password_file:
        try:
            return args.password_file.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as exc:
            raise DomainError(f"无法从 {args.password_file} 读取密码：{exc}") from exc
    if not sys.stdin.isatty():
        raise DomainError("没有终端可以输入密码，请用 --password-file 指定密码文件。")
    first = getpass.getpass("管理员密码：")
    if first != getpass.getpass("再次输入密码："):
        raise DomainError("两次输入的密码不一致。")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    from assist_desktop.services.setup import create_database

    path = args.db or default_db_path()
    password = _read_password(args)
    result = create_database(path, unit_code=args.unit_code, unit_name=args.unit_name,
                             admin_username=args.admin, admin_password=password)
    for warning in result.warnings:
        print(f"提示：{warning}")
    print(f"已创建数据库 {path}，单位 {args.unit_name}（{args.unit_code}），管理员 {args.admin}。")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from assist_desktop.services.demo import DEMO_PASSWORD, generate_demo
    from assist_desktop.storage.schema import open_database

    if args.families < 0:
        raise DomainError("户数不能为负数。", field="--families")
    path = args.db or demo_db_path()
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 2 or done == total:
            last[0] = now
            print(f"  已生成 {done}/{total} 户", flush=True)

    with open_database(path) as db:
        summary = generate_demo(db, args.families, seed=args.seed, progress=progress)
    seconds = time.perf_counter() - started
    print(f"演示数据已写入 {path}：{summary.families} 户，{summary.members} 名家庭成员，"
          f"{summary.scholarships} 份助学申请，{summary.visits} 户走访，{summary.disbursements} 张发放凭证；"
          f"用时 {seconds:.1f} 秒。")
    print(f"演示账号：admin / jingban（经办）/ shenhe（审核）/ shenpi（审批），密码 {DEMO_PASSWORD}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from assist_desktop.storage.backup import MANUAL, BackupManager
    from assist_desktop.storage.schema import ensure_schema

    path = args.db or default_db_path()
    if not path.is_file():
        raise DomainError(f"数据库文件 {path} 不存在。")
    ensure_schema(path)
    target = BackupManager(path).create(MANUAL)
    print(f"已备份到 {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from assist_desktop.storage.backup import BackupManager

    path = args.db or default_db_path()
    safety = BackupManager(path).restore(args.file)
    if safety:
        print(f"恢复前的数据库已备份到 {safety}")
    print(f"已用 {args.file} 恢复数据库 {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from assist_desktop.services.maintenance import check_database

    path = args.db or default_db_path()
    report = check_database(path)
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


def open_window(args: argparse.Namespace) -> int:
    if getattr(args, "smoke", False):
        from assist_desktop.ui.smoke import main as smoke

        return smoke()
    from assist_desktop.storage.schema import open_database

    if args.demo:
        path = args.db or demo_db_path()
        if not path.exists():
            from assist_desktop.services.demo import generate_demo

            print(f"正在生成演示数据库 {path} …", flush=True)
            with open_database(path) as db:
                generate_demo(db, DEMO_FAMILIES_FOR_WINDOW)
    else:
        path = args.db or default_db_path()
    from assist_desktop.ui.app import run  # Qt is imported only when a window is wanted

    return run(path, demo=args.demo)


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "backup": cmd_backup, "restore": cmd_restore, "check": cmd_check}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = COMMANDS.get(args.command, open_window)
    try:
        return handler(args)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
