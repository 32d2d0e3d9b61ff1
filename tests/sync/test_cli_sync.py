"""The terminal commands of the sync package, run in-process as an office would type them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assist_desktop.cli import main


@pytest.fixture
def pw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Both offices' administrator password; their databases are encrypted, so every command logs in."""
    f = tmp_path / "pw.txt"
    f.write_text("office-pass-1\n", encoding="utf-8")
    monkeypatch.setenv("ASSIST_DESKTOP_USER", "admin")
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD_FILE", str(f))
    return f


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def fingerprint_of(output: str) -> str:
    found = re.search(r"指纹：(\d{4}(?: \d{4}){4})", output)
    assert found, output
    return found.group(1)


def test_county_to_city_from_the_terminal(tmp_path: Path, pw: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    county, city = tmp_path / "county.sqlite", tmp_path / "city.sqlite"
    # each office's administrator, logged in as a script would (terminal_login): both use the same password here
    monkeypatch.setenv("ASSIST_DESKTOP_USER", "admin")
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", "office-pass-1")
    assert run(capsys, "init", "--db", county, "--unit-code", "610826", "--unit-name", "绥德县总工会", "--admin", "admin",
               "--password-file", pw)[0] == 0
    code, out, _ = run(capsys, "init", "--db", city, "--unit-code", "610800", "--unit-name", "榆林市总工会",
                       "--admin", "admin", "--password-file", pw, "--level", "city")
    assert code == 0 and "已创建数据库" in out
    code, _, err = run(capsys, "init", "--db", tmp_path / "x.sqlite", "--unit-code", "610826", "--unit-name", "某县",
                       "--admin", "admin", "--password-file", pw, "--level", "province")
    assert code == 1 and "与所选的省级不符" in err
    code, _, err = run(capsys, "demo", "--db", county, "--families", "12", "--seed", "5")
    assert code == 1 and "正式数据库" in err  # a real county's file takes no made-up households

    code, out, _ = run(capsys, "unit", "export-key", "--db", county, "--out", tmp_path / "610826.unitkey")
    county_fp = fingerprint_of(out)
    assert code == 0 and "已导出本单位公钥文件" in out
    city_fp = fingerprint_of(run(capsys, "unit", "export-key", "--db", city, "--out", tmp_path / "610800.unitkey")[1])

    code, _, err = run(capsys, "unit", "enrol", "--db", city, tmp_path / "610826.unitkey")
    assert code == 1 and "--fingerprint" in err  # no terminal to ask in: the fingerprint must be given
    code, _, err = run(capsys, "unit", "enrol", "--db", city, tmp_path / "610826.unitkey",
                       "--fingerprint", "1234 5678 9012 3456 7890")
    assert code == 1 and "指纹不符" in err
    code, out, _ = run(capsys, "unit", "enrol", "--db", city, tmp_path / "610826.unitkey", "--fingerprint", county_fp)
    assert code == 0 and "已登记下级单位：绥德县总工会（610826，县级）" in out
    code, out, _ = run(capsys, "unit", "set-upper", "--db", county, tmp_path / "610800.unitkey", "--fingerprint", city_fp)
    assert code == 0 and "已设置上级单位：榆林市总工会" in out
    code, out, _ = run(capsys, "unit", "list", "--db", city)
    assert "下级单位：绥德县总工会（610826，县级）" in out and county_fp in out

    code, _, err = run(capsys, "sync", "export", "--db", county, "--to", "610827", "--out", tmp_path / "x.sync")
    assert code == 1 and "只能发往上级单位" in err
    package = tmp_path / "610826-0001.sync"
    code, out, _ = run(capsys, "sync", "export", "--db", county, "--to", "610800", "--out", package)
    assert code == 0 and "已导出第 1 号同步文件" in out and "首次向上级单位报送" in out
    code, out, _ = run(capsys, "sync", "import", "--db", city, package, "--check-only")
    assert code == 0 and "签名：有效" in out and "可以导入" in out and "仅核验" in out
    ack = tmp_path / "610826-0001.ack"
    code, out, _ = run(capsys, "sync", "import", "--db", city, package, "--ack-out", ack)
    assert code == 0 and "已导入绥德县总工会（610826）的第 1 号同步文件" in out and ack.is_file()
    code, out, _ = run(capsys, "sync", "import", "--db", city, package)
    assert code == 0 and "已经导入过" in out
    code, out, _ = run(capsys, "sync", "status", "--db", county)
    assert "待报送：" in out and "已导出，待确认" in out
    code, out, _ = run(capsys, "sync", "ack", "--db", county, ack)
    assert code == 0 and "标记为已同步" in out
    code, out, _ = run(capsys, "sync", "status", "--db", county)
    assert "待报送：无" in out and "已确认" in out
    code, out, _ = run(capsys, "check", "--db", city)
    assert code == 0 and "审计链完整" in out and "跨单位核查" not in out

    code, out, _ = run(capsys, "unit", "request-full", "--db", city, "610826")
    assert code == 0 and "完整数据" in out
    code, out, _ = run(capsys, "unit", "rotate-keys", "--db", county, "--reason", "电脑更换", "--user", "admin",
                       "--password-file", pw)
    assert code == 0 and "已更换本单位密钥" in out
    code, out, _ = run(capsys, "sync", "export", "--db", county, "--to", "610800", "--out", tmp_path / "2.sync")
    code, _, err = run(capsys, "sync", "import", "--db", city, tmp_path / "2.sync")
    assert code == 1 and "不是绥德县总工会已登记的密钥" in err
    sign_key = re.search(r"签名密钥 ([0-9A-F]{8})", run(capsys, "unit", "list", "--db", city)[1]).group(1)  # type: ignore[union-attr]
    code, out, _ = run(capsys, "unit", "revoke-key", "--db", city, sign_key, "--reason", "电脑丢失")
    assert code == 0 and f"已吊销密钥 {sign_key}" in out
