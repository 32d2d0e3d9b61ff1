"""The terminal commands, run in-process as a user would type them."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.cli import main
from assist_desktop.storage import cipher, keyslots


@pytest.fixture
def password_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The administrator's password; commands on the encrypted database log in as admin with it."""
    f = tmp_path / "pw.txt"
    f.write_text("county-pass-1\n", encoding="utf-8")
    monkeypatch.setenv("ASSIST_DESKTOP_USER", "admin")
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD_FILE", str(f))
    return f


ADMIN = ["--user", "admin"]
CLERK = ["--user", "jingban"]  # the demo county's clerk (password from ASSIST_DESKTOP_PASSWORD)


@pytest.fixture(autouse=True)
def _scripted_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scripts give the password by environment (terminal_login): the county's admin, or the demo accounts'."""
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", "county-pass-1")


def _demo_login(monkeypatch: pytest.MonkeyPatch) -> None:
    from assist_desktop.services.demo_accounts import DEMO_PASSWORD

    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", DEMO_PASSWORD)


def _init(db: Path, password_file: Path) -> int:
    return main(["init", "--db", str(db), "--unit-code", "610826", "--unit-name", "绥德县总工会",
                 "--admin", "admin", "--password-file", str(password_file)])


def recovery_key(output: str) -> bytes:
    """The recovery key ``init`` printed, as the database key (a second way into the file for the tests)."""
    line = next(ln for ln in output.splitlines() if re.fullmatch(r"\s+(?:[0-9A-Z]{7}-){7}[0-9A-Z]{7}", ln))
    return keyslots.parse_recovery_key(line)


def keyed(db: Path, key: bytes):  # type: ignore[no-untyped-def]
    """A sqlite3-like connection to the encrypted file (SQLCipher with the key)."""
    return closing(cipher.connect(db, key))


def test_init_check_backup_restore_round_trip(tmp_path: Path, password_file: Path, capsys,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    out = capsys.readouterr().out
    assert "已创建数据库" in out and "（已加密）" in out and "恢复密钥" in out
    key = recovery_key(out)
    assert main(["check", "--db", str(db)]) == 0
    said = capsys.readouterr().out
    assert "审计链完整" in said and "数据库已加密" in said

    with monkeypatch.context() as mp:
        mp.delenv("ASSIST_DESKTOP_USER")
        assert main(["backup", "--db", str(db)]) == 1  # no one logged in
        assert "--user" in capsys.readouterr().err
    assert main(["backup", "--db", str(db), *ADMIN]) == 0
    backup = Path(capsys.readouterr().out.strip().split("已备份到 ")[1].split("（")[0])
    assert backup.is_file() and keyslots.sidecar_path(backup).is_file()

    with keyed(db, key) as conn:  # a change after the backup …
        conn.execute("UPDATE org_unit SET name = '改过的名字'")
        conn.commit()
    assert main(["restore", "--db", str(db), str(backup), *ADMIN]) == 0  # … is undone by the restore
    with keyed(db, key) as conn:
        assert conn.execute("SELECT name FROM org_unit").fetchone()[0] == "绥德县总工会"
    with pytest.raises(sqlite3.DatabaseError):  # and the file is still encrypted
        sqlite3.connect(db).execute("SELECT name FROM org_unit").fetchall()


def test_top_level_db_option_reaches_the_command(tmp_path: Path, password_file: Path) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    assert main(["--db", str(db), "check"]) == 0


def test_init_twice_fails_with_a_message(tmp_path: Path, password_file: Path, capsys) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    assert _init(db, password_file) == 1
    assert "已经初始化" in capsys.readouterr().err


def test_check_refuses_a_foreign_file_without_traceback(tmp_path: Path, capsys) -> None:
    bogus = tmp_path / "ledger.sqlite"
    bogus.write_text("姓名,身份证号\n张三,6101\n", encoding="utf-8")
    assert main(["check", "--db", str(bogus)]) == 1
    out = capsys.readouterr().out
    assert "不是数据库文件" in out


def test_demo_command_and_bad_family_count(tmp_path: Path, capsys) -> None:
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db), "--families", "25"]) == 0
    assert "25 户" in capsys.readouterr().out
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM hardship_file").fetchone()[0] == 25
    assert main(["demo", "--db", str(db), "--families", "-3"]) == 1
    assert "负数" in capsys.readouterr().err


def test_restore_of_a_missing_file_is_refused(tmp_path: Path, password_file: Path, capsys) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    assert main(["restore", "--db", str(db), str(tmp_path / "nope.sqlite"), *ADMIN]) == 1
    assert "不存在" in capsys.readouterr().err


# --- printing and verifying vouchers from a terminal --------------------------------------------------------


@pytest.fixture(scope="module")
def demo_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli-print") / "demo.sqlite"
    assert main(["demo", "--db", str(db), "--families", "120", "--seed", "3"]) == 0
    return db


def test_init_makes_the_units_signing_key(tmp_path: Path, password_file: Path, capsys) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    with keyed(db, recovery_key(capsys.readouterr().out)) as conn:
        rows = conn.execute("SELECT purpose, algorithm, length(public_key), length(private_key), retired_at "
                            "FROM unit_key WHERE purpose = 'sign'").fetchall()
    assert rows == [("sign", "ed25519", 32, 32, None)]


def test_print_vouchers_then_verify_the_scanned_code(demo_county: Path, tmp_path: Path, capsys, monkeypatch,  # type: ignore[no-untyped-def]
                                                     cups_queue) -> None:
    from tests.reports import pdftools

    _demo_login(monkeypatch)
    out = tmp_path / "vouchers.pdf"
    with closing(sqlite3.connect(demo_county)) as conn:
        year, name = conn.execute("SELECT year, name FROM campaign").fetchone()
        paid = conn.execute("SELECT count(*) FROM disbursement WHERE grant_type = 'visit'").fetchone()[0]
    assert main(["print", "vouchers", "--db", str(demo_county), "--campaign", str(year), "--out", str(out), *CLERK]) == 0
    said = capsys.readouterr().out
    assert f"已生成 {out}" in said and f"{paid}张凭证" in said
    pdf = out.read_bytes()
    pdftools.assert_printable(pdf)
    code = pdftools.qr_codes(pdf, slots=3)[0][0]

    assert main(["verify-voucher", "--db", str(demo_county), code, *CLERK]) == 0
    said = capsys.readouterr().out
    assert "验证通过" in said and "绥德县总工会" in said and "人民币" in said and "与本数据库的发放记录一致" in said

    amount = code.split(":")[6]
    forged = code.replace(f":{amount}:", f":{int(amount) + 100}:")
    assert main(["verify-voucher", "--db", str(demo_county), forged, *CLERK]) == 1
    assert "验证失败" in capsys.readouterr().err
    assert main(["verify-voucher", "--db", str(demo_county), "hello", *CLERK]) == 1
    assert "不是本系统出具" in capsys.readouterr().err

    # the save was a PDF file, not paper: the first paper print (to a CUPS queue, by the campaign's name) is
    # the original; the next one is 补打
    assert main(["print", "vouchers", "--db", str(demo_county), "--campaign", name, "--per-sheet", "1",
                 "--printer", cups_queue.queue, *CLERK]) == 0
    said = capsys.readouterr().out
    assert f"已交给打印机 {cups_queue.queue}" in said and f"首次打印{paid}张，补打0张" in said
    assert main(["print", "vouchers", "--db", str(demo_county), "--campaign", name, "--out", str(out), *CLERK]) == 0
    assert f"补打{paid}张" in capsys.readouterr().out and "补打" in pdftools.text(out.read_bytes())
    with closing(sqlite3.connect(demo_county)) as conn:
        assert conn.execute("SELECT count(*), max(copy_no) FROM voucher_print").fetchone() == (paid, 1)
        assert conn.execute("SELECT count(*), max(copy_no) FROM voucher_save").fetchone() == (2 * paid, 2)
    assert main(["print", "signoff", "--db", str(demo_county), "--campaign", name, "--printer", "NoSuchQueue",
                 *CLERK]) == 1
    assert "NoSuchQueue" in capsys.readouterr().err


def test_print_lists_forms_and_statistics(demo_county: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.reports import pdftools

    _demo_login(monkeypatch)
    with closing(sqlite3.connect(demo_county)) as conn:
        campaign = conn.execute("SELECT id FROM campaign").fetchone()[0]
        rnd = conn.execute("SELECT id FROM scholarship_round ORDER BY year DESC").fetchone()[0]
        file_no, name = conn.execute("SELECT file_no, name FROM hardship_file WHERE status = 'active'").fetchone()
        application_no, student = conn.execute("SELECT application_no, student_name FROM scholarship").fetchone()
    runs = {
        "signoff.pdf": (["signoff", "--campaign", campaign], "签领表"),
        "notice.pdf": (["notice", "--round", rnd], "公示名单"),
        "file.pdf": (["file-form", "--id", file_no], name),
        "scholarship.pdf": (["scholarship-form", "--id", application_no], student),
        "stats.pdf": (["statistics", "--year", "2026"], "年度帮扶工作统计表"),
        "signoff-year.pdf": (["signoff", "--round", rnd, "--academic-year", "2026"], "助学金签领表"),
        "counterfoil.pdf": (["vouchers", "--campaign", campaign, "--counterfoil"], "（存根联）"),
    }
    for filename, (args, expected) in runs.items():
        out = tmp_path / filename
        assert main(["print", *args, "--db", str(demo_county), "--out", str(out), *CLERK]) == 0, filename
        assert "已生成" in capsys.readouterr().out
        assert expected in pdftools.squeeze(pdftools.assert_printable(out.read_bytes())), filename


def test_print_refuses_what_it_cannot_find_in_chinese(demo_county: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _demo_login(monkeypatch)
    out = tmp_path / "x.pdf"
    assert main(["print", "vouchers", "--db", str(demo_county), "--out", str(out), *CLERK]) == 1
    assert "请用 --campaign 或 --round" in capsys.readouterr().err
    assert main(["print", "signoff", "--db", str(demo_county), "--campaign", "1999", "--out", str(out), *CLERK]) == 1
    err = capsys.readouterr().err
    assert "春节送温暖活动“1999”找不到" in err and "现有：" in err
    assert main(["print", "file-form", "--db", str(demo_county), "--id", "610826-1999-00001", "--out", str(out), *CLERK]) == 1
    assert "找不到困难职工档案" in capsys.readouterr().err
    assert main(["print", "statistics", "--db", str(tmp_path / "none.sqlite"), "--year", "2026", "--out", str(out), *CLERK]) == 1
    assert "不存在" in capsys.readouterr().err
    assert not out.exists()
