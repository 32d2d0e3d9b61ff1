"""``assist-desktop server …``: the database server of a county office, city or province (issue 22)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from assist_desktop.domain.errors import DomainError


def add_server_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from assist_desktop.storage.location import DEFAULT_ADMIN  # (storage.provision loads SQLAlchemy)

    p = sub.add_parser("server", help="数据库服务器（PostgreSQL）：为本程序建立数据库和登录用户")
    actions = p.add_subparsers(dest="server_command", metavar="操作", required=True)
    q = actions.add_parser(
        "init", help="在信息管理员安装好的 PostgreSQL 上建立本程序的登录用户、数据库和数据结构",
        description="在数据库服务器上运行一次（Debian/UOS/麒麟：sudo -u postgres assist-desktop server init）。"
                    "再次运行只会重设登录密码并升级数据结构，不会删除数据。")
    q.add_argument("--admin-url", default=DEFAULT_ADMIN,
                   help=f"以哪个管理员身份连接服务器（默认本机的 postgres 用户：{DEFAULT_ADMIN}）")
    q.add_argument("--database", default="assist", help="数据库名（默认 assist）")
    q.add_argument("--role", default="assist", help="本程序的登录用户名（默认 assist）")
    q.add_argument("--password-file", type=Path, help="从文件读取登录用户的密码（第一行）；不给则在终端输入两次")
    q.add_argument("--host", dest="desk_host", help="各办公电脑连接时用的服务器地址（如 192.168.1.10），只用于显示连接地址")


def _password(args: argparse.Namespace) -> str:
    if args.password_file:
        try:
            return args.password_file.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as exc:
            raise DomainError(f"无法从 {args.password_file} 读取密码：{exc}") from exc
    if not sys.stdin.isatty():
        raise DomainError("没有终端可以输入密码，请用 --password-file 指定密码文件。")
    first = getpass.getpass(f"为登录用户 {args.role} 设定密码：")
    if first != getpass.getpass("再次输入密码："):
        raise DomainError("两次输入的密码不一致。")
    return first


def cmd_server(args: argparse.Namespace) -> int:
    from assist_desktop.storage.location import ServerAddress
    from assist_desktop.storage.provision import init_server

    admin = ServerAddress.parse(args.admin_url)
    password = _password(args)
    done = init_server(admin, database=args.database, role=args.role, password=password, desk_host=args.desk_host)
    role = "已建立" if done.created_role else "已更新密码："
    base = "已建立" if done.created_database else "已有"
    print(f"{role}登录用户 {args.role}；{base}数据库 {args.database}，数据结构为最新。")
    print("各办公电脑首次启动时选择“连接单位的数据库服务器”，填写：")
    print(f"  {done.address.text}")
    print(f"（终端命令用 --db {done.address.text}；密码由各人启动时输入，或保存在系统钥匙串中。）")
    for note in done.notes:
        print(note)
    return 0
