"""Cross-unit checks at the upper unit: what only a database holding several counties can see."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.dbtools import connect
import pytest

from assist_desktop.cli import CHECK_FINDINGS, main
from assist_desktop.domain.ids import mask_id_number
from assist_desktop.sync.checks import MEMBER_AND_WORKER, SAME_PERSON_ACTIVE, STUDENT_FUNDED_TWICE, cross_unit_findings

from .conftest import Network


def _plant(net: Network) -> dict[str, str]:
    """米脂 records that clash with 绥德's: changed by hand with usn -1 so that they travel."""
    with closing(connect(net["suide"].path)) as conn:
        worker, other = [r[0] for r in conn.execute(
            "SELECT id_number FROM hardship_file WHERE status = 'active' ORDER BY file_no LIMIT 2")]
        student, year = conn.execute(
            "SELECT s.student_id_number, r.year FROM scholarship s JOIN scholarship_round r ON r.id = s.round_id "
            "WHERE s.status IN ('approved', 'paid') ORDER BY s.application_no LIMIT 1").fetchone()
    with closing(connect(net["mizhi"].path)) as conn:
        files = [r[0] for r in conn.execute("SELECT id FROM hardship_file WHERE status = 'active' ORDER BY file_no")]
        conn.execute("UPDATE hardship_file SET id_number = ?, id_tail = ?, usn = -1 WHERE id = ?",
                     (worker, worker[-6:], files[0]))
        member = conn.execute("SELECT id FROM member WHERE file_id = ? LIMIT 1", (files[1],)).fetchone()[0]
        conn.execute("UPDATE member SET id_number = ?, usn = -1 WHERE id = ?", (other, member))
        grant = conn.execute("SELECT s.id FROM scholarship s JOIN scholarship_round r ON r.id = s.round_id "
                             "WHERE s.status IN ('approved', 'paid') AND r.year = ? LIMIT 1", (year,)).fetchone()[0]
        conn.execute("UPDATE scholarship SET student_id_number = ?, usn = -1 WHERE id = ?", (student, grant))
        conn.commit()
    return {"worker": worker, "other": other, "student": student}


def test_duplicates_across_counties_are_found_at_the_city_and_the_province(net: Network) -> None:
    planted = _plant(net)
    with net["mizhi"].session() as s:
        assert cross_unit_findings(s) == []  # a county alone sees nothing
    net.carry("suide", "yulin")
    net.carry("mizhi", "yulin")
    with net["yulin"].session() as s:
        found = cross_unit_findings(s)
    kinds = {f.kind: f for f in found}
    assert set(kinds) == {SAME_PERSON_ACTIVE, STUDENT_FUNDED_TWICE, MEMBER_AND_WORKER}
    same = kinds[SAME_PERSON_ACTIVE]
    assert same.id_number_masked == mask_id_number(planted["worker"])
    assert {i.unit_code for i in same.involved} == {"610826", "610827"} and {i.role for i in same.involved} == {"职工"}
    assert kinds[STUDENT_FUNDED_TWICE].year is not None and len(kinds[STUDENT_FUNDED_TWICE].involved) == 2
    mixed = kinds[MEMBER_AND_WORKER]
    assert [(i.unit_code, i.role) for i in mixed.involved] == [("610826", "职工"), ("610827", "家庭成员")]
    assert planted["worker"] not in same.line() and "米脂县总工会（610827）职工" in same.line()
    net.carry("yulin", "shaanxi")
    with net["shaanxi"].session() as s:
        assert {f.kind for f in cross_unit_findings(s)} == set(kinds)

    admin = ["--user", "admin", "--password-file", str(_password_file(net))]
    assert main(["check", "--db", str(net["yulin"].path), *admin]) == CHECK_FINDINGS == 3  # to act on, not damage
    assert main(["check", "--db", str(net["mizhi"].path), *admin]) == 0  # a county alone: nothing to act on


def test_check_prints_the_findings_and_says_so_in_its_exit_code(net: Network, capsys) -> None:  # type: ignore[no-untyped-def]
    planted = _plant(net)
    net.carry("suide", "yulin")
    admin = ["--user", "admin", "--password-file", str(_password_file(net))]
    assert main(["check", "--db", str(net["yulin"].path), *admin]) == 0  # one county so far: nothing to act on
    assert "跨单位核查" not in capsys.readouterr().out
    net.carry("mizhi", "yulin")
    net["yulin"].db.close()
    with closing(connect(net["yulin"].path)) as conn:  # the city's file: one ID, active in two counties
        assert conn.execute("SELECT count(DISTINCT owner_unit_id) FROM hardship_file WHERE id_number = ? "
                            "AND status = 'active'", (planted["worker"],)).fetchone()[0] == 2
    # the findings name people: without a login only the integrity is checked, and it says so
    assert main(["check", "--db", str(net["yulin"].path)]) == 0
    out = capsys.readouterr().out
    assert "审计链完整" in out and "须登录后查看" in out and "跨单位核查：发现" not in out
    assert main(["check", "--db", str(net["yulin"].path), *admin]) == 3
    out = capsys.readouterr().out
    assert "审计链完整" in out and "跨单位核查：发现 3 处需要核实" in out
    assert "同一人在两个单位都有在档档案" in out and "同一学生同年在两个单位获得金秋助学" in out
    assert f"{mask_id_number(planted['worker'])}）— 绥德县总工会（610826）职工" in out
    assert planted["worker"] not in out  # the ID number masked

    with pytest.raises(SystemExit) as exited:  # the codes are documented where a script writer looks
        main(["check", "--help"])
    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    assert "退出码" in help_text and "  1  数据库有损坏" in help_text and "  3  数据库完好，但跨单位核查" in help_text


def _password_file(net: Network):  # type: ignore[no-untyped-def]
    from .conftest import PASSWORD

    path = net.root / "admin-password.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path
