"""`assist-desktop`: the program's window, and the same services from a terminal."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from pathlib import Path

from assist_desktop import __version__
from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import default_db_path, demo_db_path
from assist_desktop.terminal_login import LOGIN_HELP, add_login_arguments

DEMO_FAMILIES_FOR_WINDOW = 2000
# `check`'s exit codes. 2 is argparse's (a mistyped command line), so findings take 3.
CHECK_OK, CHECK_DAMAGED, CHECK_FINDINGS = 0, 1, 3
CHECK_EPILOG = f"""退出码：
  {CHECK_OK}  数据库完好，没有需要处理的问题
  {CHECK_DAMAGED}  数据库有损坏、审计链断开，或不是本程序的数据库（问题见输出）
  2  命令行参数有误
  {CHECK_FINDINGS}  数据库完好，但跨单位核查发现需要核实的记录（仅市级、省级等上级单位；明细见输出）"""
PRINT_DOCUMENTS = ("vouchers", "signoff", "notice", "file-form", "scholarship-form", "statistics")
PRINT_TITLES = {"vouchers": "发放凭证", "signoff": "签领表", "notice": "公示名单", "file-form": "建档申请审批表",
                "scholarship-form": "金秋助学申请审批表", "statistics": "年度帮扶工作统计表"}


def _location(text: str):  # type: ignore[no-untyped-def]
    """``--db``: a file, or a server as postgresql://用户@服务器[:端口]/数据库 (storage.location)."""
    from assist_desktop.storage.location import parse_location

    try:
        return parse_location(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _db_arg(parser: argparse.ArgumentParser, default_help: str = "用户数据目录中的 assist.sqlite",
            top: bool = False) -> None:
    # Sub-commands suppress their default so `assist-desktop --db X check` keeps X.
    parser.add_argument("--db", type=_location, default=None if top else argparse.SUPPRESS, metavar="数据库",
                        help=f"数据库文件，或数据库服务器 postgresql://用户@服务器/数据库（默认：{default_help}）")


def build_parser() -> argparse.ArgumentParser:
    from assist_desktop.cli_help import speak_chinese

    speak_chinese()  # argparse's own words (用法、选项、错误) in Chinese too
    parser = argparse.ArgumentParser(prog="assist-desktop", description="县总工会困难职工帮扶管理程序")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号并退出")
    parser.add_argument("--demo", action="store_true", help="用演示数据库打开程序（不存在时自动生成）")
    parser.add_argument("--smoke", action="store_true",
                        help="自检：资源与字体、数据库升级脚本、主窗口（不显示）、打印一张发放凭证（含生僻字）、"
                             "拼音排序、繁简转换；全部正常时退出码为0，否则列出缺少的部分")
    _db_arg(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("init", help="为一个县级（或市级、省级）工会新建数据库")
    _db_arg(p)
    p.add_argument("--unit-code", required=True, help="6位行政区划代码，如 610826（市级如 610800）")
    p.add_argument("--unit-name", required=True, help="单位名称，如 绥德县总工会")
    p.add_argument("--admin", required=True, help="管理员用户名")
    p.add_argument("--password-file", type=Path, help="从文件读取管理员密码（第一行）；不给则在终端输入")
    p.add_argument("--level", choices=("county", "city", "province"),
                   help="单位级别：county 县级、city 市级（汇总各县数据）、province 省级；默认按单位代码判断")

    p = sub.add_parser("demo", help="生成演示数据（也用于性能测试）")
    _db_arg(p, "用户数据目录中的 demo.sqlite")
    p.add_argument("--families", type=int, default=DEMO_FAMILIES_FOR_WINDOW, help="生成的困难职工户数")
    p.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")

    p = sub.add_parser("backup", help="立即备份数据库（须登录，记入审计日志）", epilog=LOGIN_HELP)
    _db_arg(p)
    add_login_arguments(p)

    p = sub.add_parser("restore", help="用备份文件恢复数据库（管理员；恢复前会先备份当前数据库，记入审计日志）",
                       epilog=LOGIN_HELP)
    _db_arg(p)
    p.add_argument("file", type=Path, metavar="备份文件", help="用来恢复的备份文件或数据库文件")
    p.add_argument("--unit-name", help="文件属于另一个单位时，输入该单位的名称以确认恢复（不给则在终端询问）")
    add_login_arguments(p)
    p.add_argument("--backup-user", help="加密备份：备份中一位用户的用户名（默认与登录当前数据库的用户相同）")
    p.add_argument("--backup-password-file", type=Path, help="加密备份：从文件读取该用户在备份中的密码（第一行）")
    p.add_argument("--recovery-key-file", type=Path, help="加密备份：用恢复密钥（文件第一行）代替密码打开备份")

    p = sub.add_parser("passwd", help="修改自己的密码", epilog=LOGIN_HELP)
    _db_arg(p)
    add_login_arguments(p)

    p = sub.add_parser("encrypt", help="加密本程序旧版本建立的未加密数据库及其备份（须管理员登录；显示一次恢复密钥）",
                       epilog=LOGIN_HELP)
    _db_arg(p)
    add_login_arguments(p)

    p = sub.add_parser("recover", help="所有管理员密码都遗失时：用恢复密钥为一位管理员设置新密码")
    _db_arg(p)
    p.add_argument("--user", required=True, help="要找回的管理员用户名")
    p.add_argument("--recovery-key-file", type=Path, help="从文件读取恢复密钥（第一行）；不给则在终端输入")
    p.add_argument("--password-file", type=Path, help="从文件读取新密码（第一行）；不给则在终端输入两次")

    p = sub.add_parser("check", help=f"检查数据库完整性和审计链（上级单位另查跨单位重复；有需要核实的记录时退出码为{CHECK_FINDINGS}）",
                       description="检查数据库完整性和审计链；上级单位另查各下级单位的记录是否涉及同一人"
                                   "（同一身份证号在两个单位都有在档档案等）。",
                       epilog=CHECK_EPILOG + "\n\n" + LOGIN_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    _db_arg(p)
    add_login_arguments(p, required=False)
    p.add_argument("--rebuild-statistics", action="store_true",
                   help="先按明细重新汇总统计页的数字（统计汇总与明细不一致时；须以 --user 登录），再检查")
    _add_ledger_parser(sub)
    _add_unit_sync_parsers(sub)
    from assist_desktop.cli_server import add_server_parser  # the database server (issue 22)

    add_server_parser(sub)
    _add_print_parsers(sub)
    return parser


def _add_print_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("print", help="打印文书到PDF文件：凭证、签领表、公示名单、审批表、统计表", epilog=LOGIN_HELP)
    _db_arg(p)
    add_login_arguments(p)
    p.add_argument("document", choices=PRINT_DOCUMENTS, metavar="文书",
                   help="vouchers（发放凭证）| signoff（签领表）| notice（公示名单）| file-form（建档审批表）| "
                        "scholarship-form（助学审批表）| statistics（年度统计表）")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--campaign", help="春节送温暖活动：编号、名称或年份")
    which.add_argument("--round", dest="round_", metavar="ROUND", help="金秋助学批次：编号、名称或年份")
    which.add_argument("--id", help="档案或助学申请：编号（UUID）、档案编号或申请编号")
    which.add_argument("--year", type=int, help="统计年度")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="输出的PDF文件（凭证记为“另存为PDF”，不计打印份数）")
    where.add_argument("--printer", metavar="QUEUE", help="直接交给打印机（CUPS队列名，lpstat -e 可列出）；凭证记为纸质打印")
    p.add_argument("--copies", type=int, default=1, help="打印份数（与 --printer 同用，默认1）")
    p.add_argument("--duplex", action="store_true", help="双面打印（长边翻页，与 --printer 同用）")
    p.add_argument("--per-sheet", type=int, choices=(1, 2, 3), default=3, help="发放凭证每页张数（默认3）")
    p.add_argument("--counterfoil", action="store_true", help="发放凭证带存根联（每页2张）")
    p.add_argument("--files", action="store_true", help="公示名单：新建困难职工档案（审核或公示中的档案）")
    p.add_argument("--academic-year", type=int, help="金秋助学签领表：只列该学年的发放（如 2027）")

    p = sub.add_parser("verify-voucher", help="离线验证发放凭证二维码的内容", epilog=LOGIN_HELP)
    _db_arg(p)
    add_login_arguments(p)
    p.add_argument("payload", help="扫描得到的二维码内容（- 表示从标准输入读取）")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_file:
        from assist_desktop.services.passwords import read_password_file

        return read_password_file(args.password_file)
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
                             admin_username=args.admin, admin_password=password, level=args.level)
    for warning in result.warnings:
        print(f"提示：{warning}")
    where = f"数据库 {path}（已加密）" if result.recovery_key else f"{getattr(path, 'label', path)}中的数据库"
    print(f"已创建{where}，单位 {args.unit_name}（{args.unit_code}），管理员 {args.admin}。")
    _print_recovery_key(result.recovery_key, path)
    return 0


def _print_recovery_key(recovery_key: str | None, path: Path) -> None:
    if not recovery_key:
        return
    print()
    print("恢复密钥（只显示这一次，请抄写或打印后交主席放入保险柜保管）：")
    print()
    print(f"    {recovery_key}")
    print()
    print(f"所有密码都遗失时，用它打开数据库（assist-desktop recover）；没有它，也没有任何一位用户的密码，"
          f"{path.name} 中的数据将无法读出。复制或搬移数据库时，请连同 {path.name}.keys 一起复制。")


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

    from assist_desktop.storage import keyslots

    if path.exists() and keyslots.has_key_file(path):  # encrypted: made by init, a real unit's database
        unit = keyslots.label(path)
        raise DomainError(f"数据库 {path} 已加密，是{unit or '某个单位'}的正式数据库（演示数据库不加密），不能在其中生成演示数据或演示账号。"
                          "演示数据请写入单独的文件（assist-desktop demo --db demo.sqlite）。", field="--db")
    with open_database(path) as db:
        summary = generate_demo(db, args.families, seed=args.seed, progress=progress)
    seconds = time.perf_counter() - started
    print(f"演示数据已写入 {path}：{summary.families} 户，{summary.members} 名家庭成员，"
          f"{summary.scholarships} 份助学申请，{summary.visits} 户走访，{summary.disbursements} 张发放凭证；"
          f"用时 {seconds:.1f} 秒。")
    print(f"演示账号：admin / jingban（经办）/ shenhe（审核）/ shenpi（审批），密码 {DEMO_PASSWORD}")
    if not db.encrypted:
        print("注意：演示数据库未加密，只用于演示和练习，不要录入真实的个人信息。")
    return 0


def _open_as_user(args: argparse.Namespace, credentials=None):  # type: ignore[no-untyped-def]
    """The database, opened for the person this command runs as (``terminal_login``): the password is read
    first, then the file opened, then the login checked; the database is closed again if it fails."""
    from assist_desktop.services.login import log_in
    from assist_desktop.terminal_login import finish_login, read_credentials

    path = _existing_db(args)
    credentials = credentials or read_credentials(args)
    login = log_in(path, credentials.username, credentials.password)  # an encrypted file: the key slot opens it
    try:
        return login.db, finish_login(login.db, login.user, credentials)
    except BaseException:
        login.db.close()
        raise


def cmd_backup(args: argparse.Namespace) -> int:
    from assist_desktop.services.backups import back_up

    db, user = _open_as_user(args)
    with db:
        target = back_up(db, user)
    print(f"已备份到 {target}{'（已加密，钥匙文件在旁）' if db.key else ''}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from assist_desktop.services.backups import restore
    from assist_desktop.storage import keyslots
    from assist_desktop.storage.restore_check import check_confirmation, inspect_restore_file
    from assist_desktop.terminal_login import read_credentials

    credentials = read_credentials(args)
    db, user = _open_as_user(args, credentials)
    with db:
        # an encrypted backup is opened with a password of that backup before it can be checked and described
        backup_key = (_backup_key(args, (credentials.username, credentials.password))
                      if keyslots.has_key_file(args.file) or args.recovery_key_file else None)
        # checked and described before anything is asked or done
        found = inspect_restore_file(args.file, db.location, backup_key=backup_key, db_key=db.key)
        print("\n".join(found.lines()))
        typed = args.unit_name
        if not found.same_unit and typed is None and sys.stdin.isatty():
            print(f"这个文件属于 {found.unit.describe()}，不是本单位的数据库。")  # type: ignore[union-attr]
            typed = input("如确需恢复，请输入该文件所属单位的名称：")
        check_confirmation(found, typed)
        safety = restore(db, user, args.file, backup_key=backup_key)
        encrypted = db.key is not None or backup_key is not None
    if safety:
        print(f"恢复前的数据库已备份到 {safety}")
    print(f"已用 {args.file} 恢复{db.describe()}{'（已加密）' if encrypted else ''}（记入审计日志：{user.display_name}）")
    return 0


def _backup_key(args: argparse.Namespace, credentials: tuple[str, str] | None) -> bytes:
    """The key of an encrypted backup: from a password of that backup (the same person's by default), or
    the recovery key."""
    from assist_desktop.services.passwords import read_password_file
    from assist_desktop.storage import keyslots

    if args.recovery_key_file:
        return keyslots.parse_recovery_key(read_password_file(args.recovery_key_file))
    user = args.backup_user or (credentials[0] if credentials else None)
    password = read_password_file(args.backup_password_file) if args.backup_password_file else None
    if password is None and credentials is not None and user == credentials[0]:
        try:  # the same person's password, if it was the same when the backup was made
            return keyslots.unlock(args.file, user, credentials[1], record=False).key
        except keyslots.SlotRefused:
            pass
    if not sys.stdin.isatty() and (user is None or password is None):
        raise DomainError(f"备份 {args.file.name} 已加密：请用 --backup-user 和 --backup-password-file 给出备份中"
                          "一位用户的用户名和密码，或用 --recovery-key-file 给出恢复密钥。", field="--backup-password-file")
    if user is None:
        user = input(f"备份 {args.file.name} 中的用户名：").strip()
    if password is None:
        password = getpass.getpass(f"{user} 在备份中的密码：")
    try:
        return keyslots.unlock(args.file, user, password, record=False).key
    except keyslots.SlotRefused as exc:
        raise DomainError(f"打不开加密备份 {args.file.name}：{exc.message}", field="--backup-password-file") from exc


def cmd_encrypt(args: argparse.Namespace) -> int:
    from assist_desktop.services.secrecy import encrypt_existing
    from assist_desktop.terminal_login import read_credentials

    path = _existing_db(args)
    credentials = read_credentials(args)
    result = encrypt_existing(path, credentials.username, credentials.password)
    print(f"已加密数据库 {path} 及其备份。")
    if result.need_reset:
        print("以下用户的密码本程序不知道，需由管理员在“设置 → 用户管理”中重置密码后才能打开数据库："
              + "、".join(result.need_reset))
    _print_recovery_key(result.recovery_key, path)
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from assist_desktop.services.passwords import read_password_file
    from assist_desktop.services.secrecy import recover_account

    path = _existing_db(args)
    if args.recovery_key_file:
        recovery = read_password_file(args.recovery_key_file)
    elif sys.stdin.isatty():
        recovery = input("恢复密钥：")
    else:
        raise DomainError("请用 --recovery-key-file 给出恢复密钥。", field="--recovery-key-file")
    if args.password_file:
        password = read_password_file(args.password_file)
    elif sys.stdin.isatty():
        password = getpass.getpass("新密码：")
        if password != getpass.getpass("再次输入新密码："):
            raise DomainError("两次输入的密码不一致。")
    else:
        raise DomainError("没有终端可以输入密码，请用 --password-file 指定新密码文件。", field="--password-file")
    name = recover_account(path, recovery, args.user, password)
    print(f"已用恢复密钥为管理员 {args.user}（{name}）设置新密码，账户已解锁。")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from assist_desktop.services.passwords import verify_password
    from assist_desktop.services.users import change_password
    from assist_desktop.terminal_login import NEW_PASSWORD_ENV, read_credentials

    credentials = read_credentials(args)
    db, user = _open_as_user(args, credentials)
    if not verify_password(credentials.password, user.password_hash):  # a first login has just replaced it
        db.close()
        print(f"{user.display_name} 的密码已修改。")
        return 0
    if os.environ.get(NEW_PASSWORD_ENV):
        new = os.environ[NEW_PASSWORD_ENV]
    elif sys.stdin.isatty():
        new = getpass.getpass("新密码：")
        if new != getpass.getpass("再次输入新密码："):
            db.close()
            raise DomainError("两次输入的新密码不一致，未修改。")
    else:
        db.close()
        raise DomainError(f"没有终端可以输入新密码，请设置环境变量 {NEW_PASSWORD_ENV}。")
    with db, db.session() as session:
        change_password(session, user, credentials.password, new)
    print(f"{user.display_name} 的密码已修改。")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from assist_desktop.services.maintenance import check_database

    from assist_desktop.storage import keyslots

    path = args.db or default_db_path()
    key = None
    if getattr(args, "rebuild_statistics", False):  # a write: as a person logged in
        from assist_desktop.services.maintenance import rebuild_statistics

        db, _user = _open_as_user(args)
        with db:
            key = db.key
            rebuild_statistics(db)
        print("已按明细重新汇总统计。")
    elif keyslots.has_key_file(path):  # an encrypted file is read only by a person logged in (its key slot)
        db, _user = _open_as_user(args)
        with db:
            key = db.key
    report = check_database(path, key=key)
    for line in report.lines:
        print(line)
    if not report.ok:
        return CHECK_DAMAGED
    return CHECK_FINDINGS if _print_cross_unit_findings(args, path, key) else CHECK_OK


def _print_cross_unit_findings(args: argparse.Namespace, path: Path, key: bytes | None = None) -> int:
    """At an upper unit: what two units' records say of the same person. Not damage to the database but
    something to act on, so a script learns of it from its own exit code (CHECK_FINDINGS). They name people:
    shown only to a person logged in (the integrity check above needs no login)."""
    from assist_desktop.storage.engine import Database
    from assist_desktop.sync.checks import cross_unit_findings
    from assist_desktop.sync.keys import LOWER

    with Database(path, key) as db, db.session() as session:  # read only, like the audit check
        from sqlmodel import select

        from assist_desktop.storage.models import SyncPeer

        upper = session.exec(select(SyncPeer.id).where(SyncPeer.relation == LOWER).limit(1)).first() is not None
    if not upper:
        return 0
    if not getattr(args, "user", None):
        print("（跨单位核查涉及个人信息，须登录后查看：加 --user 用户名）")
        return 0
    db, _user = _open_as_user(args)
    with db, db.session() as session:
        findings = cross_unit_findings(session)
    if findings:
        print(f"！ 跨单位核查：发现 {len(findings)} 处需要核实，请与有关单位核对")
        for finding in findings:
            print(f"  - {finding.line()}")
    return len(findings)


def _existing_db(args: argparse.Namespace) -> Path:
    path = args.db or default_db_path()
    if not isinstance(path, Path):
        return path  # a server database: opening it says whether it is there
    if not path.is_file():
        raise DomainError(f"数据库文件 {path} 不存在。")
    return path


def _find(session, model, value: str | None, what: str, option: str):  # type: ignore[no-untyped-def]
    """A campaign or round by id, name or year (when only one has it)."""
    from sqlmodel import select

    if not value:
        raise DomainError(f"请用 {option} 指定{what}。", field=option)
    row = session.get(model, value)
    if row is not None:
        return row
    rows = session.exec(select(model).where(model.name == value)).all()
    if not rows and value.isdigit():
        rows = session.exec(select(model).where(model.year == int(value))).all()
    if len(rows) == 1:
        return rows[0]
    known = "；".join(f"{r.name}（{r.id}）" for r in session.exec(select(model).order_by(model.year)).all())
    several = "有多个，请用编号指定" if rows else "找不到"
    raise DomainError(f"{what}“{value}”{several}。现有：{known or '无'}", field=option)


def _find_item(session, model, number_field, value: str | None, what: str):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    if not value:
        raise DomainError(f"请用 --id 指定{what}。", field="--id")
    row = session.get(model, value) or session.exec(select(model).where(number_field == value)).first()
    if row is None:
        raise DomainError(f"找不到{what}“{value}”。", field="--id")
    return row


def cmd_print(args: argparse.Namespace) -> int:
    from assist_desktop.services import printing
    from assist_desktop.storage.models import Campaign, HardshipFile, Scholarship, ScholarshipRound

    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if total > 200 and (now - last[0] > 2 or done == total):
            last[0] = now
            print(f"  {done}/{total}", flush=True)

    note = ""
    db, user = _open_as_user(args)
    with db, db.session() as session:
        doc = args.document
        if doc == "notice" and args.files:
            pdf = printing.notice_pdf(session, user, files=True, progress=progress)
        elif doc in ("vouchers", "signoff", "notice"):
            if not (args.campaign or args.round_):
                raise DomainError("请用 --campaign 或 --round 指定活动或批次。", field="--campaign")
            campaign = _find(session, Campaign, args.campaign, "春节送温暖活动", "--campaign") if args.campaign else None
            rnd = _find(session, ScholarshipRound, args.round_, "金秋助学批次", "--round") if args.round_ else None
            ids = dict(campaign_id=campaign.id if campaign else None, round_id=rnd.id if rnd else None)
            if doc == "vouchers":
                selection = printing.VoucherSelection(**ids)
                job = printing.prepare_vouchers(session, user, selection, per_sheet=args.per_sheet,
                                                progress=progress, counterfoil=args.counterfoil)
                pdf = job.pdf
                note = f"{job.count}张凭证（首次打印{job.first_prints}张，补打{job.reprints}张），{job.sheets}页"
                if job.not_yet_paid:
                    note += f"；另有{len(job.not_yet_paid)}项已审批但尚未登记发放，没有凭证"
            elif doc == "signoff":
                pdf = printing.signoff_pdf(session, user, **ids, progress=progress, academic_year=args.academic_year)
            else:
                pdf = printing.notice_pdf(session, user, **ids, progress=progress)
        elif doc == "file-form":
            hf = _find_item(session, HardshipFile, HardshipFile.file_no, args.id, "困难职工档案")
            pdf = printing.file_form_pdf(session, user, hf.id)
        elif doc == "scholarship-form":
            app = _find_item(session, Scholarship, Scholarship.application_no, args.id, "助学申请")
            pdf = printing.scholarship_form_pdf(session, user, app.id)
        else:
            if args.year is None:
                raise DomainError("请用 --year 指定统计年度。", field="--year")
            pdf = printing.statistics_pdf(session, user, args.year)
        if args.printer:  # the PDF itself goes to the CUPS queue; the vouchers are recorded once it took them
            from assist_desktop.services import print_queue

            sent = print_queue.submit_pdf(pdf, args.printer, title=PRINT_TITLES[doc], copies=args.copies, duplex=args.duplex,
                                          media="A5" if doc == "vouchers" and args.per_sheet == 1 and not args.counterfoil
                                          else "A4")
            if doc == "vouchers":
                printing.record_printed(session, user, job)
            seconds = time.perf_counter() - started
            print(f"已交给打印机 {args.printer}（作业 {sent.job_id}，{sent.size / 1e6:.1f} MB）"
                  f"{'：' + note if note else ''}（用时 {seconds:.1f} 秒）。")
            return 0
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_bytes(pdf)
        except OSError as exc:
            raise DomainError(f"无法写入 {args.out}：{exc.strerror or exc}") from exc
        if doc == "vouchers":
            printing.record_saved(session, user, job, file_name=args.out.name)
    seconds = time.perf_counter() - started
    print(f"已生成 {args.out}{'：' + note if note else ''}（用时 {seconds:.1f} 秒）。")
    return 0


def cmd_verify_voucher(args: argparse.Namespace) -> int:
    from assist_desktop.services.printing import verify_voucher

    payload = sys.stdin.readline() if args.payload == "-" else args.payload
    db, _user = _open_as_user(args)
    with db, db.session() as session:
        certificate = verify_voucher(session, payload)
    for line in certificate.lines():
        print(line)
    return 0 if certificate.on_record is not False else 1


def open_window(args: argparse.Namespace) -> int:
    if getattr(args, "smoke", False):
        from assist_desktop.ui.smoke import main as smoke

        return smoke()
    if args.demo:
        path = args.db or demo_db_path()
        if not path.exists():
            from assist_desktop.services.demo import generate_demo
            from assist_desktop.storage.schema import open_database

            print(f"正在生成演示数据库 {path} …", flush=True)
            with open_database(path) as db:
                generate_demo(db, DEMO_FAMILIES_FOR_WINDOW)
    else:
        from assist_desktop.paths import default_location

        path = args.db or default_location()  # the server chosen at the first run, or the file
    # Qt is imported only when a window is wanted, and the database layer only once the login window is up
    from assist_desktop.ui.app import run

    return run(path, demo=args.demo)


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "backup": cmd_backup, "restore": cmd_restore, "passwd": cmd_passwd,
            "check": cmd_check, "print": cmd_print, "verify-voucher": cmd_verify_voucher, "encrypt": cmd_encrypt,
            "recover": cmd_recover}


# --- ledger: Excel 台账 in and out -------------------------------------------------------------------------


def _add_ledger_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ledger", help="Excel 台账：导入困难职工档案、历年助学和走访记录，导出花名册和名单")
    actions = p.add_subparsers(dest="ledger_command", metavar="操作", required=True)

    def login_args(q: argparse.ArgumentParser) -> None:
        _db_arg(q)
        add_login_arguments(q)

    q = actions.add_parser("import", help="检查台账并打印逐行报告；加 --commit 才写入")
    login_args(q)
    q.add_argument("file", type=Path, help="台账文件（.xlsx、.xls 或 .csv）")
    q.add_argument("--kind", choices=("files", "scholarships", "visits"),
                   help="台账类型：files 困难职工档案，scholarships 历年金秋助学，visits 历年春节走访（默认按表头判断）")
    q.add_argument("--sheet", help="工作表名称（默认第一张）")
    q.add_argument("--commit", action="store_true", help="没有错误时写入数据库（一次事务）")
    q.add_argument("--skip-invalid", action="store_true", help="与 --commit 同用：只写入正确的行，跳过有错误的行")
    q.add_argument("--unit", help="档案台账：表中没有“所属工会”时，归入哪个基层工会（名称或代码）")
    q.add_argument("--active", action="store_true", help="档案台账：作为已审批的在档档案导入（需审批角色）；默认为草稿")
    q.add_argument("--category-reason", help="档案台账：台账类别与公式测算不同时记录的调整理由")
    q.add_argument("--year", type=int, help="助学或走访台账：表中没有“年度”时的年度")
    q.add_argument("--report", type=Path, help="把检查报告另存为 .xlsx 文件")
    q.add_argument("--workbook-password-file", type=Path, help="加密的工作簿：从文件读取其打开密码（第一行）")
    q.add_argument("--map", action="append", default=[], metavar="列标题=字段",
                   help="指定某列导入为哪个字段（可多次使用），如 --map 家长/姓名=家长姓名、--map 备注=不导入")
    q.add_argument("--mapping", type=Path, help="使用导入向导或 --save-mapping 保存的列对应文件（.json）")
    q.add_argument("--save-mapping", type=Path, help="把本次的列对应（含 --map）保存为文件，下次用 --mapping 复用")

    q = actions.add_parser("export", help="导出花名册、金秋助学名单或走访名单（.xlsx）")
    login_args(q)
    q.add_argument("list", choices=("roster", "scholarships", "visits"), help="roster 花名册，scholarships 助学名单，"
                   "visits 走访名单")
    q.add_argument("--out", type=Path, required=True, help="导出到的 .xlsx 文件")
    q.add_argument("--full-ids", action="store_true", help="完整身份证号及联系方式（需相应角色，记入审计日志）")
    q.add_argument("--members", action="store_true", help="花名册：在每户下方列出家庭成员")
    which = q.add_mutually_exclusive_group()
    which.add_argument("--year", type=int, help="年度（花名册为建档年度）")
    which.add_argument("--campaign", help="走访名单：活动编号")
    which.add_argument("--round", help="助学名单：活动编号")


def cmd_ledger(args: argparse.Namespace) -> int:
    db, user = _open_as_user(args)
    with db:
        if args.ledger_command == "export":
            return _ledger_export(args, db, user)
        return _ledger_import(args, db, user)


def _ledger_import(args: argparse.Namespace, db: object, user: object) -> int:
    from sqlmodel import select

    from assist_desktop.services.ledger import ImportOptions, commit_import, prepare_import, report_lines, save_report
    from assist_desktop.storage.models import OrgUnit

    with db.session() as session:  # type: ignore[attr-defined]
        unit_id = None
        if args.unit:
            unit = session.exec(select(OrgUnit).where((OrgUnit.name == args.unit) | (OrgUnit.code == args.unit))).first()
            if unit is None:
                raise DomainError(f"没有名称或代码为“{args.unit}”的工会。", field="--unit")
            unit_id = unit.id
        from assist_desktop.services.ledger.profile import MappingProfile, load_profile, parse_map_args

        profile = load_profile(args.mapping, args.kind) if args.mapping else None
        kind = args.kind or (profile.kind if profile else None)
        if args.map and kind is None:
            raise DomainError("使用 --map 时请用 --kind 指明台账类型。", field="--kind")
        if args.map:
            profile = (profile or MappingProfile(kind)).merged(MappingProfile(kind, parse_map_args(kind, args.map)))
        options = ImportOptions(unit_id=unit_id, file_status="active" if args.active else "draft",
                                category_reason=args.category_reason, year=args.year,
                                titles=profile.columns if profile else {}, value_map=profile.values if profile else {})
        workbook_password = None
        if args.workbook_password_file:
            from assist_desktop.services.passwords import read_password_file

            workbook_password = read_password_file(args.workbook_password_file)
        plan = prepare_import(session, user, args.file, kind, sheet=args.sheet, options=options,  # type: ignore[arg-type]
                              password=workbook_password)
        if args.save_mapping:
            from assist_desktop.services.ledger.profile import profile_of

            print(f"列对应已保存到 {profile_of(plan).merged(profile or MappingProfile(plan.kind)).save(args.save_mapping)}")
        for line in report_lines(plan):
            print(line)
        if args.report:
            print(f"检查报告已保存到 {save_report(plan, args.report)}")
        if not args.commit:
            print("（仅检查，未写入。确认无误后加 --commit 写入。）")
            return 0 if plan.valid_count else 1
        if plan.invalid_count and not args.skip_invalid:
            print(f"有{plan.invalid_count}处错误，未写入任何数据；改正后重试，或加 --skip-invalid 只导入正确的行。",
                  file=sys.stderr)
            return 1
        result = commit_import(session, user, plan, skip_invalid=args.skip_invalid)  # type: ignore[arg-type]
    print(result.summary)
    return 0


def _ledger_export(args: argparse.Namespace, db: object, user: object) -> int:
    from assist_desktop.services.ledger import export_roster, export_scholarships, export_visits

    with db.session() as session:  # type: ignore[attr-defined]
        if args.list == "roster":
            if args.campaign or args.round:
                raise DomainError("花名册只能按 --year（建档年度）筛选。")
            result = export_roster(session, user, args.out, full_ids=args.full_ids, members=args.members,  # type: ignore[arg-type]
                                   year=args.year)
        elif args.list == "scholarships":
            if args.campaign:
                raise DomainError("助学名单请用 --round 或 --year 选择。")
            result = export_scholarships(session, user, args.out, full_ids=args.full_ids, round_id=args.round,  # type: ignore[arg-type]
                                         year=args.year)
        else:
            if args.round:
                raise DomainError("走访名单请用 --campaign 或 --year 选择。")
            result = export_visits(session, user, args.out, full_ids=args.full_ids, campaign_id=args.campaign,  # type: ignore[arg-type]
                                   year=args.year)
    ids = "完整身份证号，已加密" if result.full_ids else "身份证号已脱敏"
    print(f"已导出 {result.rows} 行到 {result.path}（{ids}）。")
    if result.replaced_cells:
        print(f"提示：{result.replaced_cells} 个单元格中有不可见的控制字符，已写成 �，请在档案中改正。")
    if result.password:
        print(f"打开密码（只显示这一次）：{result.password}")
        print("Excel 和 WPS 打开时会要求输入这个密码。请通过电话等其他途径告诉接收人，不要与文件放在同一个U盘或邮件里。")
    return 0


COMMANDS["ledger"] = cmd_ledger


def cmd_server(args: argparse.Namespace) -> int:
    from assist_desktop.cli_server import cmd_server as run

    return run(args)


COMMANDS["server"] = cmd_server


# --- unit and sync: keys, enrolment, the package carried upward ------------------------------------------


def _add_unit_sync_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("unit", help="本单位公钥文件、登记下级单位、设置上级单位、更换或吊销密钥")
    actions = p.add_subparsers(dest="unit_command", metavar="操作", required=True)
    q = actions.add_parser("export-key", help="导出本单位公钥文件（交给上级或下级单位）并显示指纹")
    _db_arg(q)
    add_login_arguments(q)
    q.add_argument("--out", type=Path, required=True, help="公钥文件，如 610826.unitkey")
    for name, what in (("enrol", "登记下级单位（市级登记县，省级登记市）"), ("set-upper", "设置本单位的上级单位")):
        q = actions.add_parser(name, help=f"{what}：导入对方的公钥文件")
        _db_arg(q)
        add_login_arguments(q)
        q.add_argument("file", type=Path, help="对方导出的公钥文件")
        q.add_argument("--fingerprint", help="与对方电话核对过的指纹（20位数字）；不给则在终端输入")
    q = actions.add_parser("list", help="列出上级单位和已登记的下级单位")
    _db_arg(q)
    add_login_arguments(q)
    q = actions.add_parser("rotate-keys", help="更换本单位的签名和加密密钥（旧密钥仍可验证旧文件；须管理员登录）")
    _db_arg(q)
    q.add_argument("--reason", required=True, help="更换原因")
    add_login_arguments(q)
    q = actions.add_parser("revoke-key", help="吊销其他单位的某把密钥（如电脑丢失），之后用它签名的文件一律拒收")
    _db_arg(q)
    q.add_argument("key_id", help="密钥编号（8位）")
    q.add_argument("--reason", required=True, help="吊销原因")
    add_login_arguments(q)
    q = actions.add_parser("request-full", help="要求某个下级单位下次报送完整数据（随下一份确认文件告知）")
    _db_arg(q)
    q.add_argument("unit_code", help="下级单位代码")
    add_login_arguments(q)

    p = sub.add_parser("sync", help="同步文件：导出给上级单位、导入下级单位的文件、导入确认文件")
    actions = p.add_subparsers(dest="sync_command", metavar="操作", required=True)
    q = actions.add_parser("export", help="导出尚未被上级单位确认的数据（签名并加密）")
    _db_arg(q)
    q.add_argument("--to", required=True, help="上级单位代码，如 610800")
    q.add_argument("--out", type=Path, required=True, help="同步文件，如 610826-to-610800-0001.sync")
    q.add_argument("--full", action="store_true", help="导出完整数据而不是增量")
    add_login_arguments(q)
    q = actions.add_parser("import", help="导入下级单位的同步文件（先核验，再一次事务写入）")
    _db_arg(q)
    q.add_argument("file", type=Path, help="同步文件")
    q.add_argument("--ack-out", type=Path, help="写出确认文件，交回下级单位")
    q.add_argument("--check-only", action="store_true", help="只核验并显示报告，不写入")
    q.add_argument("--accept-audit-break", action="store_true",
                   help="对方的审计链与上次接受的不衔接（对方从备份恢复过）时，经与对方核实后仍然导入；记入审计日志")
    add_login_arguments(q)
    q = actions.add_parser("ack", help="导入上级单位的确认文件，把已报送的记录标记为已同步")
    _db_arg(q)
    q.add_argument("file", type=Path, help="确认文件")
    add_login_arguments(q)
    q = actions.add_parser("status", help="待报送的记录和同步文件记录")
    _db_arg(q)
    add_login_arguments(q)
    q = actions.add_parser("resend-ack", help="再写一份给某个下级单位的确认文件（对方丢失了确认文件或从备份恢复过）")
    _db_arg(q)
    q.add_argument("unit_code", help="下级单位代码")
    q.add_argument("--out", type=Path, required=True, help="确认文件")
    add_login_arguments(q)


def _ask_fingerprint(args: argparse.Namespace, shown: str) -> str:
    print(f"对方公钥文件的指纹：{shown}")
    if args.fingerprint:
        return str(args.fingerprint)
    if not sys.stdin.isatty():
        raise DomainError("请与对方电话核对指纹后，用 --fingerprint 给出核对的指纹。", field="--fingerprint")
    return input("请输入对方在电话中读出的指纹：")


def cmd_unit(args: argparse.Namespace) -> int:
    from assist_desktop.sync import keys

    db, user = _open_as_user(args)
    with db, db.session() as session:
        command = args.unit_command
        if command == "export-key":
            data = keys.export_key_file(session, user, args.out)
            info = keys.read_key_file(data)
            print(f"已导出本单位公钥文件 {args.out}")
            for line in info.lines():
                print(line)
            print("请把文件交给对方，并在电话中向对方读出上面的指纹。")
        elif command in ("enrol", "set-upper"):
            info = keys.read_key_file(args.file)
            for line in info.lines()[:2]:
                print(line)
            fingerprint = _ask_fingerprint(args, info.fingerprint)
            register = keys.enrol_lower_unit if command == "enrol" else keys.set_upper_unit
            print(register(session, user, info, fingerprint=fingerprint).summary())
        elif command == "list":
            peers = keys.list_peers(session)
            if not peers:
                print("尚未设置上级单位，也没有登记下级单位。")
            for p in peers:
                revoked = f"；已吊销 {'、'.join(p.revoked_keys)}" if p.revoked_keys else ""
                print(f"{p.relation_label}：{p.name}（{p.code}，{keys.level_label(p.level)}）签名密钥 {p.sign_key_id}，"
                      f"加密密钥 {p.encrypt_key_id}，指纹 {p.fingerprint}；已发出第 {p.last_sent_seq} 号，"
                      f"已确认第 {p.last_acked_seq} 号，已收到第 {p.last_received_seq} 号{revoked}")
        elif command == "rotate-keys":
            sign, enc = keys.rotate_unit_keys(session, user, reason=args.reason)
            print(f"已更换本单位密钥：签名密钥 {sign.key_id}，加密密钥 {enc.key_id}。"
                  "请重新导出公钥文件（unit export-key）交给上级和下级单位重新登记。")
        elif command == "revoke-key":
            key = keys.revoke_key(session, user, args.key_id, reason=args.reason)
            print(f"已吊销密钥 {key.key_id}：此后用它签名的同步文件和确认文件一律拒收。")
        else:
            from assist_desktop.sync.history import request_full_snapshot

            request_full_snapshot(session, user, args.unit_code)
            print(f"已记录：下次给 {args.unit_code} 的确认文件将要求对方报送完整数据。")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if total > 20000 and (now - last[0] > 2 or done == total):
            last[0] = now
            print(f"  {done}/{total}", flush=True)

    db, user = _open_as_user(args)
    with db, db.session() as session:
        command = args.sync_command
        if command == "export":
            from assist_desktop.sync.export import export_package

            print(export_package(session, user, args.out, target_code=args.to, full=args.full,
                                 progress=progress).summary())
        elif command == "import":
            from assist_desktop.sync.ack import write_ack
            from assist_desktop.sync.importer import REPEAT, apply_package, inspect_or_refuse

            with inspect_or_refuse(session, user, args.file, accept_audit_break=args.accept_audit_break) as prepared:
                for line in prepared.report.lines():
                    print(line)
                if args.check_only:
                    print("（仅核验，未写入。）")
                    return 0
                result = apply_package(session, user, prepared, progress=progress)
            print(result.summary())
            if args.ack_out and result.package_id:
                print(f"确认文件已写入 {write_ack(session, result.package_id, args.ack_out)}，请交回"
                      f"{result.report.source.name}导入（assist-desktop sync ack）。")
            return 0 if result.status in ("applied", REPEAT) else 1
        elif command == "ack":
            from assist_desktop.sync.ack import apply_ack

            print(apply_ack(session, user, args.file).summary())
        elif command == "resend-ack":
            from assist_desktop.sync.ack import write_ack
            from assist_desktop.sync.history import last_received

            print(f"确认文件已写入 {write_ack(session, last_received(session, args.unit_code), args.out)}。")
        else:
            from assist_desktop.sync.export import pending_changes
            from assist_desktop.sync.history import package_history

            pending = pending_changes(session)
            print("待报送：" + ("，".join(f"{p.label} {p.rows}" for p in pending) if pending else "无"))
            for v in package_history(session, limit=20):
                print(f"{v.direction_label} {v.unit_name}（{v.unit_code}）第 {v.seq} 号，"
                      f"{'完整' if v.full else '增量'}，{v.rows} 条，{v.status_label}，"
                      f"{v.recorded_at:%Y-%m-%d %H:%M}，{v.actor_name}")
    return 0


COMMANDS["unit"] = cmd_unit
COMMANDS["sync"] = cmd_sync


def _ask_server_password(address, failure: str | None) -> str | None:  # type: ignore[no-untyped-def]
    if not sys.stdin.isatty():
        return None
    if failure:
        print(failure, file=sys.stderr)
    return getpass.getpass(f"{address.label}的密码：") or None


def _unlock_server(args: argparse.Namespace) -> None:
    """A server database's password, before any command uses it: libpq's own (PGPASSWORD, ~/.pgpass), the
    OS keyring, or asked in the terminal; kept in memory only (storage.credentials)."""
    from assist_desktop.storage.location import ServerAddress

    if isinstance(getattr(args, "db", None), ServerAddress) and args.command not in (None, "server"):
        from assist_desktop.storage.credentials import unlock

        args.db = unlock(args.db, _ask_server_password if sys.stdin.isatty() else None)


class _NotTheWindowsStart(Exception):
    pass


class _WindowParser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[no-untyped-def]
        raise _NotTheWindowsStart(message)


def _window_start(argv: list[str] | None) -> argparse.Namespace | None:
    """The window's own start — ``assist-desktop [--db 数据库] [--demo] [--smoke]``, what the desktop icon
    runs — read without building the commands' thirty parsers (part of the login window's time, P1): the same
    options, converted the same way (``--db``'s ``_location``), into the same namespace as the full parser's.
    None for anything else (a command, --help, --version, an abbreviation, a mistake): the full parser reads it
    and says what is wrong, as always."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token in ("--demo", "--smoke") or (token.startswith("--db=") and len(token) > len("--db=")):
            at += 1
        elif token == "--db" and at + 1 < len(tokens) and not tokens[at + 1].startswith("-"):
            at += 2
        else:
            return None
    parser = _WindowParser(prog="assist-desktop", add_help=False)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--smoke", action="store_true")
    _db_arg(parser, top=True)
    parser.set_defaults(command=None)
    try:
        return parser.parse_args(tokens)
    except _NotTheWindowsStart:  # (a --db the reading refuses): the full parser's message
        return None


def main(argv: list[str] | None = None) -> int:
    args = _window_start(argv) or build_parser().parse_args(argv)
    handler = COMMANDS.get(args.command, open_window)
    if handler is not open_window:
        from assist_desktop.storage import file_lock

        # how other programs name this one when the file is busy, and where it says that it waits for them
        file_lock.set_program("命令行 " + " ".join(filter(None, (args.command, _subcommand(args)))))
        file_lock.set_waiting_notice(lambda text: print(text, file=sys.stderr, flush=True))
    try:
        _unlock_server(args)
        return handler(args)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a busy file past every wait: Chinese, not a traceback
        from assist_desktop.storage.engine import is_busy

        if not is_busy(exc):
            raise
        from assist_desktop.storage import file_lock

        path = getattr(args, "db", None) or default_db_path()
        print(f"错误：{file_lock.busy_message(path, 10)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130


def _subcommand(args: argparse.Namespace) -> str:
    for name in ("ledger_command", "sync_command", "unit_command", "document"):
        value = getattr(args, name, None)
        if value:
            return str(value)
    return ""


if __name__ == "__main__":
    sys.exit(main())
