"""Logging in from a terminal: every command that reads or writes personal data is done by a person.

One way in for every command: the user name from ``--user`` (or ``ASSIST_DESKTOP_USER``), the password from ``--password-file`` (its first line), else ``ASSIST_DESKTOP_PASSWORD`` (scripts and tests), else
asked in the terminal. The rules are the window's (``services.users.authenticate``): wrong passwords counted and
the account locked after five, a deactivated account refused, every attempt in the audit log; and a password the
administrator set (a new or reset account) must be replaced before any work — asked in the terminal, or from
``ASSIST_DESKTOP_NEW_PASSWORD`` in a script.

The password is read before the database is opened (``read_credentials``), so that an encrypted file is
opened by it (its key slot, ``services.login.log_in``, shared with the window); ``finish_login`` then asks for
the user's own password where the administrator set it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assist_desktop.domain.errors import DomainError

if TYPE_CHECKING:  # the window's start imports the command line first: no database layer before the login window
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.models import User

USER_ENV = "ASSIST_DESKTOP_USER"
PASSWORD_ENV = "ASSIST_DESKTOP_PASSWORD"
PASSWORD_FILE_ENV = "ASSIST_DESKTOP_PASSWORD_FILE"
NEW_PASSWORD_ENV = "ASSIST_DESKTOP_NEW_PASSWORD"
LOGIN_HELP = (f"登录：--user 用户名（或环境变量 {USER_ENV}）；密码依次取自 --password-file（或环境变量 "
              f"{PASSWORD_FILE_ENV}）所指文件的第一行、环境变量 {PASSWORD_ENV}，都没有时在终端输入。管理员设置的初始密码须先改为自己的密码（终端中输入，"
              f"或脚本用环境变量 {NEW_PASSWORD_ENV}）。与程序窗口同样的规则：连续输错5次锁定15分钟，每次登录记入审计日志。")


class LoginRequired(DomainError):
    pass


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


def add_login_arguments(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument("--user", default=os.environ.get(USER_ENV),
                        help=f"以哪个用户的身份操作（用户名；也可用环境变量 {USER_ENV}）"
                             + ("" if required else "；不给则不登录，只做不涉及个人信息的部分"))
    parser.add_argument("--password-file", type=Path,
                        help=f"从文件读取该用户的密码（第一行）；不给则用环境变量 {PASSWORD_ENV}，再没有则在终端输入")


def read_credentials(args: argparse.Namespace) -> Credentials:
    """The user name and password for this command, read before the database is opened."""
    username = (getattr(args, "user", None) or "").strip()
    if not username:
        raise LoginRequired(f"此命令涉及个人信息，须以本人身份登录：请用 --user 给出用户名（或设置环境变量 {USER_ENV}）。",
                            field="--user")
    password_file = getattr(args, "password_file", None) or os.environ.get(PASSWORD_FILE_ENV)
    if password_file:
        from assist_desktop.services.passwords import read_password_file  # a BOM or NUL refused, not taken

        return Credentials(username, read_password_file(Path(password_file)))
    if os.environ.get(PASSWORD_ENV):
        return Credentials(username, os.environ[PASSWORD_ENV])
    if not sys.stdin.isatty():
        raise LoginRequired(f"没有终端可以输入密码：请用 --password-file 指定密码文件，或设置环境变量 {PASSWORD_ENV}。",
                            field="--password-file")
    return Credentials(username, getpass.getpass(f"{username} 的密码："))


def _new_password() -> str:
    if os.environ.get(NEW_PASSWORD_ENV):
        return os.environ[NEW_PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise LoginRequired("您的密码是管理员设置的初始密码，须先改为自己的密码才能使用：请在终端运行此命令按提示修改，"
                            f"或在程序窗口登录修改（脚本可用环境变量 {NEW_PASSWORD_ENV} 给出新密码）。")
    print("您的密码是管理员设置的，请先设置自己的密码。", file=sys.stderr)
    first = getpass.getpass("新密码：")
    if first != getpass.getpass("再次输入新密码："):
        raise LoginRequired("两次输入的新密码不一致，未修改，请重试。")
    return first


def finish_login(db: Database, user: User, credentials: Credentials) -> User:
    """After the password was accepted (``services.login.log_in``, the window's rules): a password the
    administrator set is replaced first; the user is named to other programs that find the file busy."""
    from assist_desktop.services.users import change_password
    from assist_desktop.storage import file_lock
    from assist_desktop.storage.models import User  # noqa: F811 - at run time only: the login window comes first

    if user.must_change_password:
        with db.session() as session:
            # the user as stored, not merged: a merged copy of the login's detached user counts as a pending change
            user = change_password(session, session.get(User, user.id), credentials.password, _new_password())
            session.expunge(user)
    file_lock.set_user(user.display_name)
    return user
