"""`assist-desktop --smoke`: does this installation work? Also run inside the frozen build.

Checks that everything the program loads from disk is there (fonts and their licences, translations,
policy tables, region codes, icons, the schema migrations), makes a database in a temporary folder,
opens the main window offscreen on it, unpacks and reads the rare-character font (to the user's cache
folder, as printing does), converts a traditional name to simplified, and prints one voucher to PDF with the embedded fonts. Prints one line per
check and exits 0 only when all passed; a missing piece is named.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REQUIRED_RESOURCES = (
    ("fonts", "wqy-microhei.ttc"),
    ("fonts", "LICENSE-wqy-microhei.txt"),
    ("fonts", "rare-han-ext-ab.ttf.xz"),
    ("fonts", "LICENSE-rare-han.txt"),
    ("fonts", "LICENSE-hanazono.txt"),
    ("translations", "zh_CN", "ui.qm"),
    ("translations", "zh_CN", "shell.qm"),
    ("translations", "zh_CN", "registry.qm"),
    ("policy", "2026.toml"),
    ("regions", "gb2260.csv"),
    ("icons", "app.png"),
)


# The Qt modules the screens import (and the screens that import them lazily).
QT_MODULES = ("PySide6.QtPrintSupport", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtCharts",
              "assist_desktop.ui.printing.preview", "assist_desktop.ui.statistics.charts")


class Smoke:
    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.out = out
        self.failed: list[str] = []

    def check(self, what: str, ok: bool, detail: str = "") -> bool:
        self.out(f"{'ok' if ok else 'MISSING'}  {what}{'：' + detail if detail else ''}")
        if not ok:
            self.failed.append(what)
        return ok

    def run(self) -> int:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        self.resources()
        self.migrations()
        self.server_client()
        self.qt_modules()
        with tempfile.TemporaryDirectory(prefix="assist-smoke-") as tmp:
            self.window(Path(tmp) / "smoke.sqlite")
            self.rare_font()
            self.traditional()
            self.voucher(Path(tmp) / "voucher.pdf")
        self.out("冒烟检查通过" if not self.failed else f"冒烟检查未通过：{'、'.join(self.failed)}")
        return 0 if not self.failed else 1

    def resources(self) -> None:
        from assist_desktop.paths import resource_path

        for parts in REQUIRED_RESOURCES:
            path = resource_path(*parts)
            self.check(f"资源 {'/'.join(parts)}", path.is_file() and path.stat().st_size > 0, str(path))
        from assist_desktop.ui.shell.about import bundled_fonts

        # each font file needs its own licence beside it (the rule the 关于 dialog shows them by)
        for name, licence in bundled_fonts():
            self.check(f"字体 {name} 的许可证", licence is not None and licence.is_file(),
                       licence.name if licence else "缺少许可证文件")

    def migrations(self) -> None:
        from assist_desktop.storage import schema

        try:
            revisions = [r.revision for r in schema.script_directory().walk_revisions()]
        except Exception as exc:  # noqa: BLE001 - whatever is missing, say it
            self.check("数据库结构升级脚本", False, f"{type(exc).__name__}: {exc}")
            return
        self.check("数据库结构升级脚本", bool(revisions) and schema.head_revision() in revisions,
                   f"{len(revisions)} 个版本，最新 {schema.head_revision()}")

    def server_client(self) -> None:
        """The PostgreSQL client library a desk needs to work on the office's server (issue 22)."""
        try:
            import psycopg

            version = psycopg.pq.version()
            detail = f"libpq {version // 10000}.{version % 10000}（{psycopg.pq.__impl__}）"
            ok = version >= 120000
        except Exception as exc:  # noqa: BLE001 - whatever is missing, say it
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        self.check("数据库服务器客户端（PostgreSQL）", ok, detail)

    def qt_modules(self) -> None:
        """Every Qt module a screen imports loads, with the libraries it links to: the print preview
        (QtPdf needs QtNetwork), the statistics charts, printing."""
        import importlib

        failed = []
        for module in QT_MODULES:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                failed.append(f"{module}（{exc}）")
        self.check("Qt 模块", not failed, "、".join(failed) or f"{len(QT_MODULES)} 个")

    def window(self, db_path: Path) -> None:
        from PySide6.QtCore import QCollator, QLocale
        from PySide6.QtGui import QFontDatabase

        from assist_desktop import __version__
        from assist_desktop.services.setup import create_database, local_unit
        from assist_desktop.services.users import user_roles
        from assist_desktop.ui.app import make_application
        from assist_desktop.ui.context import AppContext
        from assist_desktop.ui.shell.main_window import MainWindow

        app = make_application([sys.argv[0]])
        # the platform plugin Qt loaded: the one asked for (xcb on an X11 desktop, offscreen by default)
        asked = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
        platform = app.platformName()
        self.check("Qt 平台", not asked or platform == asked, platform)
        family = app.font().family()  # make_application installs the bundled font as the default
        self.check("内置中文字体", family in QFontDatabase.families() and "WenQuanYi" in family, family)
        # Qt's ICU data (cut down in the Linux build to what QtCore uses): Chinese collates by pinyin
        collator = QCollator(QLocale("zh_CN"))
        order = sorted(["张伟", "李娜", "王芳", "阿强"], key=collator.sortKey)
        self.check("Qt 中文排序", order == ["阿强", "李娜", "王芳", "张伟"], "、".join(order))
        # Qt's own dialogs: its catalogue (qtbase_zh_CN, bundled) and what it lacks (qt_extra)
        from PySide6.QtCore import QCoreApplication

        qt_says = QCoreApplication.translate  # (Qt's strings: kept out of this program's catalogue by lupdate)
        said = [qt_says("QFileDialog", "Look in:"), qt_says("QFileDialog", "Files of &type:"),
                qt_says("QPrintSettingsOutput", "Page &Set:")]
        self.check("Qt 对话框中文", said == ["查找范围：", "文件类型(&T)：", "打印页面(&S)："], "、".join(said))
        try:
            # an encrypted database (SQLCipher and the key slot, as init makes it), opened by the password
            from assist_desktop.services.login import log_in

            create_database(db_path, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                            admin_password="smoke-check-1")
            login = log_in(db_path, "admin", "smoke-check-1")
            db, user = login.db, login.user
            self.check("加密数据库", db.encrypted and not db_path.read_bytes().startswith(b"SQLite format 3"),
                       "SQLCipher")
        except Exception as exc:  # noqa: BLE001
            self.check("新建数据库", False, f"{type(exc).__name__}: {exc}")
            return
        try:
            with db.session() as s:
                ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user))
            window = MainWindow(ctx)
            window.show()
            for _ in range(20):
                app.processEvents()
            self.check("主窗口", window.isVisible() and __version__ in window.windowTitle(), window.windowTitle())
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            db.close()

    def rare_font(self) -> None:
        """The compressed rare-character font unpacks, checks out and is used for Extension A and B."""
        try:
            from assist_desktop.reports import fonts

            ok = fonts.runs("王㐂𠀀") == ((fonts.REGULAR, "王"), (fonts.RARE, "㐂𠀀"))
            cached = fonts.cached_copy()
        except Exception as exc:  # noqa: BLE001 - FontUnavailable says what is wrong, in Chinese
            self.check("生僻字字体", False, getattr(exc, "message", f"{type(exc).__name__}: {exc}"))
            return
        self.check("生僻字字体", ok, str(cached) if cached.is_file() else "缓存目录不可写，已在内存中解压")

    def traditional(self) -> None:
        """OpenCC's traditional → simplified dictionaries (names in imported ledgers)."""
        try:
            from assist_desktop.services.ledger.cells import simplified

            got = simplified("陳建國")
        except Exception as exc:  # noqa: BLE001
            self.check("繁体转简体", False, f"{type(exc).__name__}: {exc}")
            return
        self.check("繁体转简体", got == "陈建国", f"陳建國 → {got}")

    def voucher(self, pdf: Path) -> None:
        try:
            from assist_desktop.reports.smoke import sample_voucher_pdf
        except ImportError as exc:
            self.check("发放凭证打印", False, f"打印模块缺失（{exc}）")
            return
        try:
            data = sample_voucher_pdf()
        except Exception as exc:  # noqa: BLE001
            self.check("发放凭证打印", False, f"{type(exc).__name__}: {exc}")
            return
        pdf.write_bytes(data)
        embedded = data.startswith(b"%PDF") and b"/FontFile2" in data
        self.check("发放凭证打印", embedded, f"{len(data)} 字节，字体已嵌入" if embedded else "字体未嵌入")


def main() -> int:
    return Smoke().run()
