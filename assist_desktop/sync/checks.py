"""Checks across the units an upper unit holds: what no single county can see in its own database.

- the same ID number in active files of two units (one household, one file, across the city);
- the same student funded (approved or paid) in the same year's rounds of two units;
- a person in an active file as a household member in one unit and as the worker of an active file in another.

Each finding names the person (ID masked, PIPL) and every unit and record involved, with the record ids
for the page to open. A county's own database has one owner and finds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from assist_desktop.domain.ids import mask_id_number

SAME_PERSON_ACTIVE = "same_person_active"
STUDENT_FUNDED_TWICE = "student_funded_twice"
MEMBER_AND_WORKER = "member_and_worker"
KIND_LABELS = {SAME_PERSON_ACTIVE: "同一人在两个单位都有在档档案", STUDENT_FUNDED_TWICE: "同一学生同年在两个单位获得金秋助学",
               MEMBER_AND_WORKER: "同一人在一个单位是家庭成员、在另一单位是在档职工"}


@dataclass(frozen=True)
class Involved:
    unit_code: str
    unit_name: str
    record_type: str  # hardship_file / scholarship
    record_id: str
    record_no: str  # file or application number
    role: str  # 职工 / 家庭成员 / 学生


@dataclass(frozen=True)
class Finding:
    kind: str
    name: str
    id_number_masked: str
    year: int | None
    involved: tuple[Involved, ...]

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def line(self) -> str:
        where = "；".join(f"{i.unit_name}（{i.unit_code}）{i.role} {i.record_no}" for i in self.involved)
        year = f"{self.year}年" if self.year else ""
        return f"{year}{self.label}：{self.name}（{self.id_number_masked}）— {where}"


def _units(session: Session) -> dict[str, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in session.execute(text("SELECT id, code, name FROM org_unit"))}


def cross_unit_findings(session: Session) -> list[Finding]:
    """Every finding, by kind then ID number; a few queries over indexed columns."""
    units = _units(session)
    owners = session.execute(text("SELECT count(DISTINCT owner_unit_id) FROM hardship_file")).scalar_one()
    rounds = session.execute(text("SELECT count(DISTINCT owner_unit_id) FROM scholarship_round")).scalar_one()
    if owners < 2 and rounds < 2:
        return []
    out: list[Finding] = []

    def unit(owner: str) -> tuple[str, str]:
        return units.get(owner, (owner, owner))

    # the same person in active files of two units
    groups: dict[str, list[tuple]] = defaultdict(list)  # type: ignore[type-arg]
    for row in session.execute(text(
            "SELECT f.id_number, f.name, f.owner_unit_id, f.id, f.file_no FROM hardship_file AS f "
            "WHERE f.status = 'active' AND f.id_number IN (SELECT id_number FROM hardship_file WHERE status = 'active' "
            "GROUP BY id_number HAVING count(DISTINCT owner_unit_id) > 1) ORDER BY f.id_number, f.file_no")):
        groups[row[0]].append(row)
    for number, rows in groups.items():
        out.append(Finding(SAME_PERSON_ACTIVE, rows[0][1], mask_id_number(number), None, tuple(
            Involved(*unit(r[2]), "hardship_file", r[3], r[4], "职工") for r in rows)))

    # the same student funded in one year's rounds of two units
    groups = defaultdict(list)
    for row in session.execute(text(
            "SELECT r.year, s.student_id_number, s.student_name, s.owner_unit_id, s.id, s.application_no "
            "FROM scholarship AS s JOIN scholarship_round AS r ON r.id = s.round_id "
            "WHERE s.status IN ('approved', 'paid') AND (r.year, s.student_id_number) IN ("
            "  SELECT r2.year, s2.student_id_number FROM scholarship AS s2 JOIN scholarship_round AS r2 ON r2.id = s2.round_id "
            "  WHERE s2.status IN ('approved', 'paid') GROUP BY r2.year, s2.student_id_number "
            "  HAVING count(DISTINCT s2.owner_unit_id) > 1) ORDER BY r.year, s.student_id_number")):
        groups[(row[0], row[1])].append(row)
    for (year, number), rows in groups.items():
        out.append(Finding(STUDENT_FUNDED_TWICE, rows[0][2], mask_id_number(number), year, tuple(
            Involved(*unit(r[3]), "scholarship", r[4], r[5], "学生") for r in rows)))

    # a member of an active file in one unit who is the worker of an active file in another
    for row in session.execute(text(
            "SELECT w.id_number, w.name, w.owner_unit_id, w.id, w.file_no, m.name, f.owner_unit_id, f.id, f.file_no "
            "FROM hardship_file AS w JOIN member AS m ON m.id_number = w.id_number "
            "JOIN hardship_file AS f ON f.id = m.file_id "
            "WHERE w.status = 'active' AND f.status = 'active' AND f.owner_unit_id != w.owner_unit_id "
            "ORDER BY w.id_number, f.file_no")):
        out.append(Finding(MEMBER_AND_WORKER, row[1], mask_id_number(row[0]), None, (
            Involved(*unit(row[2]), "hardship_file", row[3], row[4], "职工"),
            Involved(*unit(row[6]), "hardship_file", row[7], row[8], "家庭成员"))))
    return out
