"""`assist-desktop ledger import|export`: the report printed, nothing written without --commit, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assist_desktop.cli import main
from assist_desktop.services.demo import DEMO_PASSWORD
from tests.services.conftest import County, make_id

from .conftest import write_xlsx

HEADER = ["姓名", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "主要致困原因"]


def good(i: int) -> list:
    return [f"张{'一二三四五'[i]}", make_id("19750102", 401 + 2 * i), f"1380000000{i}", "绥德县名州镇张家村1号",
            "兴业建筑公司", "名州镇总工会", "6"]


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    f = tmp_path / "pw.txt"
    f.write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
    return f


def run(county: County, pw: Path, *args: str, user: str = "jingban") -> int:
    return main(["ledger", args[0], "--db", str(county.path), "--user", user, "--password-file", str(pw), *args[1:]])


def test_import_prints_the_report_and_writes_only_with_commit(county: County, tmp_path: Path, pw: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", [["困难职工台账"], HEADER, good(0), good(1),
                                               ["李四", "6.10826E+17", "13800000009", "某地", "某单位", "名州镇总工会", "6"]])
    files = county.count("hardship_file")
    assert run(county, pw, "import", str(path), "--kind", "files", "--report", str(tmp_path / "r.xlsx")) == 0
    out = capsys.readouterr().out
    assert "可导入2户，有错误1户" in out
    assert "[错误] 第5行，B列“身份证号”：身份证号“6.10826E+17”是科学计数法" in out
    assert "未写入" in out and (tmp_path / "r.xlsx").is_file()
    assert county.count("hardship_file") == files
    assert run(county, pw, "import", str(path), "--commit") == 1  # errors: nothing written
    assert "有1处错误，未写入任何数据" in capsys.readouterr().err
    assert county.count("hardship_file") == files
    assert run(county, pw, "import", str(path), "--commit", "--skip-invalid") == 0
    assert "已从台账.xlsx导入2户档案，跳过有错误的1户" in capsys.readouterr().out
    assert county.count("hardship_file") == files + 2
    assert main(["check", "--db", str(county.path)]) == 0  # the audit chain holds the import's event
    assert "审计链完整" in capsys.readouterr().out
    # again: both are in the registry now, nothing can be imported
    assert run(county, pw, "import", str(path), "--commit", "--skip-invalid") == 1
    assert "没有可以导入的行" in capsys.readouterr().err
    assert run(county, pw, "import", str(path)) == 1


def test_import_refusals_exit_non_zero(county: County, tmp_path: Path, pw: Path, capsys) -> None:
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"PK\x03\x04")
    assert run(county, pw, "import", str(bad)) == 1
    assert "不支持的文件类型" in capsys.readouterr().err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nothing", encoding="utf-8")
    assert main(["ledger", "import", "--db", str(county.path), "--user", "jingban", "--password-file", str(wrong),
                 str(bad)]) == 1
    assert "用户名或密码" in capsys.readouterr().err
    path = write_xlsx(tmp_path / "台账.xlsx", [HEADER, good(0)])
    assert run(county, pw, "import", str(path), "--active", "--commit", user="shenpi") == 1
    assert "只有“经办”角色才能导入" in capsys.readouterr().err


def test_export_lists(county: County, tmp_path: Path, pw: Path, capsys) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", [HEADER, good(0), good(1)])
    assert run(county, pw, "import", str(path), "--commit") == 0
    out = tmp_path / "花名册.xlsx"
    assert run(county, pw, "export", "roster", "--out", str(out), "--year", "2026", user="admin") == 0
    assert "已导出 0 行" in capsys.readouterr().out  # drafts are not on the roster (active files only)
    assert run(county, pw, "export", "roster", "--out", str(out), "--full-ids", user="admin") == 1
    assert "导出含完整身份证号" in capsys.readouterr().err
    assert run(county, pw, "export", "scholarships", "--out", str(tmp_path / "s.xlsx"), "--campaign", "x") == 1
    assert run(county, pw, "export", "visits", "--out", str(tmp_path / "v.xlsx"), "--full-ids") == 0
    said = capsys.readouterr().out
    assert "（完整身份证号，已加密）" in said and "打开密码（只显示这一次）" in said


def test_column_mapping_from_the_terminal_and_a_mapping_file(county: County, tmp_path: Path, pw: Path,
                                                             capsys) -> None:
    """A county with one odd template maps it once (--map), saves it (--save-mapping) and reuses it (--mapping);
    a word the caseworker mapped in the wizard (saved in the file) reads on every row."""
    import json

    header = ["户主名", "证件", "联系电话", "家庭住址", "工作单位", "所属工会", "主要致困原因", "帮扶档次"]
    rows = [header] + [good(i) + ["五保户"] for i in range(2)]
    for row in rows[1:]:
        row[0] = row[0]
    path = write_xlsx(tmp_path / "怪模板.xlsx", rows)
    assert run(county, pw, "import", str(path), "--kind", "files") == 1
    assert "缺少必需的列：姓名、身份证号" in capsys.readouterr().err
    saved = tmp_path / "怪模板.json"
    assert run(county, pw, "import", str(path), "--kind", "files", "--map", "户主名=姓名", "--map", "证件=身份证号",
               "--map", "帮扶档次=困难类别", "--save-mapping", str(saved)) == 1
    out = capsys.readouterr().out
    assert "困难类别“五保户”无法识别，共2行使用（第2、3行）" in out and f"列对应已保存到 {saved}" in out
    profile = json.loads(saved.read_text(encoding="utf-8"))
    assert profile["columns"]["户主名"] == "name" and profile["columns"]["证件"] == "id_number"
    profile["values"] = {"category": {"五保户": "deep"}}  # what the wizard saves when the word is mapped
    saved.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    assert run(county, pw, "import", str(path), "--mapping", str(saved)) == 0
    assert "可导入2户，有错误0户" in capsys.readouterr().out
    assert run(county, pw, "import", str(path), "--kind", "files", "--map", "户主名") == 1
    assert "应写成“列标题=字段”" in capsys.readouterr().err
    assert run(county, pw, "import", str(path), "--kind", "files", "--map", "户主名=生日") == 1
    assert "没有名为“生日”的字段" in capsys.readouterr().err
    bad = tmp_path / "别的.json"
    bad.write_text("{}", encoding="utf-8")
    assert run(county, pw, "import", str(path), "--mapping", str(bad)) == 1
    assert "不是本程序保存的列对应文件" in capsys.readouterr().err
