"""The row report of a check, saved as a workbook for the office (and shown by the wizard)."""

from __future__ import annotations

from pathlib import Path

from assist_desktop.services.ledger.model import ImportPlan
from assist_desktop.services.ledger.xlsx import Column, write_table

REPORT_COLUMNS = (Column("行号", "int"), Column("列"), Column("级别"), Column("问题"))
DUPLICATE_COLUMNS = (Column("行号", "int"), Column("人员"), Column("重复于"), Column("范围"))


def report_lines(plan: ImportPlan) -> list[str]:
    """The report as lines of text (the terminal prints these)."""
    lines = [plan.summary()]
    for issue in plan.sorted_issues():
        lines.append(f"[{issue.level_label}] {issue.line()}")
    return lines


def save_report(plan: ImportPlan, path: Path | str) -> Path:
    """Every issue, row by row, and the duplicates below them, as .xlsx."""
    path = Path(path)
    rows = [(i.row or None, i.column, i.level_label, i.message) for i in plan.sorted_issues()]
    if plan.duplicates:
        rows.append((None, "", "", ""))
        rows.append((None, "重复记录", "", ""))
        rows += [(d.row, d.who, d.other, "数据库中已有" if d.in_database else "表内重复") for d in plan.duplicates]
    write_table(path, title=f"台账检查报告：{plan.summary()}", sheet="检查报告", columns=REPORT_COLUMNS, rows=rows,
                note=f"文件 SHA-256：{plan.sha256}")
    return path
