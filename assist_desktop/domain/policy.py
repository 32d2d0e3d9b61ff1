"""Aid standards and subsistence lines, read from one TOML file per year (resources/policy/).

The figures change every year and differ by county, so they are data an
administrator edits, not code. The format is described in resources/policy/README.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from assist_desktop.domain import regions
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.money import InvalidAmount, parse_amount
from assist_desktop.paths import resource_path

SCHOLARSHIP = "scholarship"
SPRING_FESTIVAL = "spring_festival"
PROGRAM_LABELS = {SCHOLARSHIP: "金秋助学", SPRING_FESTIVAL: "春节送温暖"}

# Keys with a built-in label; other keys may be added to a file if they bring a label.
SCHOLARSHIP_LEVELS = {
    "senior_high": "高中/中职",
    "vocational_college": "高职/专科",
    "undergraduate": "本科",
    "postgraduate": "研究生",
}
SPRING_FESTIVAL_GROUPS = {
    "deep": "深度困难职工",
    "relative": "相对困难职工",
    "accident": "意外致困职工",
    "model_worker": "困难劳模",
    "on_duty": "节日坚守岗位职工",
    "unfiled": "未建档困难职工",
}
PLANS = {"one_off": "一次性发放", "yearly": "按年发放至毕业"}
_APPLIES_TO = {"filed": (True,), "unfiled": (False,), "all": (True, False)}
_DEFAULT_LABELS = {SCHOLARSHIP: SCHOLARSHIP_LEVELS, SPRING_FESTIVAL: SPRING_FESTIVAL_GROUPS}
_KNOWN_KEYS = {
    SCHOLARSHIP: {"key", "label", "filed", "unfiled", "plan"},
    SPRING_FESTIVAL: {"key", "label", "cash", "goods", "goods_description", "applies_to"},
}
_REGION_KEY = re.compile(r"\d{2}|\d{4}|\d{6}")


class PolicyError(DomainError):
    pass


@dataclass(frozen=True)
class PolicyStandard:
    program: str
    year: int
    key: str
    filed: bool  # for households with a hardship file (建档) or without
    amount_fen: int  # money: the scholarship, or the visit's cash
    goods_fen: int = 0
    goods_description: str = ""
    plan: str | None = None  # scholarships: one_off or yearly
    label: str = ""

    @property
    def total_fen(self) -> int:
        return self.amount_fen + self.goods_fen


def _filed_label(filed: bool) -> str:
    return "建档" if filed else "未建档"


class PolicyBook:
    """All years' standards and subsistence lines; immutable once loaded."""

    def __init__(self, standards: list[PolicyStandard], subsistence_lines: dict[int, dict[str, int]]):
        self._standards = {(s.program, s.year, s.key, s.filed): s for s in standards}
        self._ordered = tuple(standards)
        self._lines = {year: dict(lines) for year, lines in subsistence_lines.items()}
        self._years = tuple(sorted(set(self._lines) | {s.year for s in standards}))

    def years(self) -> list[int]:
        return list(self._years)

    def _check_year(self, year: int) -> None:
        if year not in self._years:
            raise PolicyError(f"没有{year}年的政策文件，请在政策目录中添加 {year}.toml", field="年度")

    def standards(self, program: str, year: int) -> list[PolicyStandard]:
        self._check_year(year)
        return [s for s in self._ordered if s.program == program and s.year == year]

    def standard(self, program: str, year: int, key: str, filed: bool = True) -> PolicyStandard:
        self._check_year(year)
        found = self._standards.get((program, year, key, filed))
        if found is None:
            label = _DEFAULT_LABELS.get(program, {}).get(key, key)
            raise PolicyError(
                f"{year}年{PROGRAM_LABELS.get(program, program)}没有“{label}”（{_filed_label(filed)}）的标准，"
                "请在政策文件中补充",
                field="救助标准",
            )
        return found

    def subsistence_line(self, region_code: str, year: int) -> int:
        """Fen per person per month: the county's own line, else its city's, else its province's."""
        self._check_year(year)
        lines = self._lines.get(year, {})
        for prefix in (region_code, region_code[:4], region_code[:2]):
            if prefix in lines:
                return lines[prefix]
        name = regions.full_region_name(region_code) if len(region_code) == 6 else None
        where = f"{region_code}（{name}）" if name else region_code
        raise PolicyError(f"{year}年政策文件中没有行政区划{where}的低保标准", field="低保标准")


def _amount(value: object, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise PolicyError(f"{where}：{name}应填写金额（元），如 1500 或 \"1500.00\"")
    try:
        return parse_amount(value, field=name)
    except InvalidAmount as error:
        raise PolicyError(f"{where}：{error.message}") from None


def _entries(data: dict, program: str, year: int, fname: str) -> list[PolicyStandard]:
    table = data.get(program, [])
    if not isinstance(table, list):
        raise PolicyError(f"政策文件“{fname}”：{program} 应写成 [[{program}]] 条目")
    out: list[PolicyStandard] = []
    seen: set[tuple[str, bool]] = set()
    for number, entry in enumerate(table, start=1):
        where = f"政策文件“{fname}”第{number}个[[{program}]]条目"
        if not isinstance(entry, dict):
            raise PolicyError(f"{where}：应写成 [[{program}]] 表")
        key = entry.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise PolicyError(f"{where}：缺少 key（小写英文，如 deep），或格式不对")
        where += f"（{key}）"
        unknown = set(entry) - _KNOWN_KEYS[program]
        if unknown:
            raise PolicyError(f"{where}：不认识的项 {', '.join(sorted(unknown))}")
        label = entry.get("label") or _DEFAULT_LABELS[program].get(key)
        if not isinstance(label, str) or not label:
            raise PolicyError(f"{where}：自定义的 key 需要填写 label（中文名称）")
        if program == SCHOLARSHIP:
            plan = entry.get("plan", "one_off")
            if plan not in PLANS:
                raise PolicyError(f"{where}：plan 只能是 one_off（一次性）或 yearly（按年发放至毕业）")
            variants = [(filed, entry[name]) for filed, name in ((True, "filed"), (False, "unfiled")) if name in entry]
            if not variants:
                raise PolicyError(f"{where}：至少填写 filed（建档）或 unfiled（未建档）金额之一")
            made = [
                PolicyStandard(program, year, key, filed, _amount(value, where, "助学金额"), plan=plan, label=label)
                for filed, value in variants
            ]
        else:
            if "cash" not in entry:
                raise PolicyError(f"{where}：缺少 cash（慰问金，元）")
            applies_to = entry.get("applies_to", "all")
            if applies_to not in _APPLIES_TO:
                raise PolicyError(f"{where}：applies_to 只能是 filed、unfiled 或 all")
            description = entry.get("goods_description", "")
            if not isinstance(description, str):
                raise PolicyError(f"{where}：goods_description 应为文字")
            cash = _amount(entry["cash"], where, "慰问金")
            goods = _amount(entry.get("goods", 0), where, "慰问品折价")
            made = [
                PolicyStandard(program, year, key, filed, cash, goods, description.strip(), label=label)
                for filed in _APPLIES_TO[applies_to]
            ]
        for standard in made:
            if (key, standard.filed) in seen:
                raise PolicyError(f"{where}：与前面的条目重复（{_filed_label(standard.filed)}）")
            seen.add((key, standard.filed))
        out.extend(made)
    return out


def _lines(data: dict, fname: str) -> dict[str, int]:
    table = data.get("subsistence_lines", {})
    if not isinstance(table, dict):
        raise PolicyError(f"政策文件“{fname}”：subsistence_lines 应为 [subsistence_lines] 表")
    lines: dict[str, int] = {}
    for code, value in table.items():
        where = f"政策文件“{fname}”[subsistence_lines] 中的“{code}”"
        if not _REGION_KEY.fullmatch(code):
            raise PolicyError(f"{where}：行政区划代码应为2位（省）、4位（市）或6位（县区）数字")
        fen = _amount(value, where, "低保标准")
        if fen <= 0:
            raise PolicyError(f"{where}：低保标准必须大于0")
        lines[code] = fen
    return lines


def _load_file(path: Path) -> tuple[int, list[PolicyStandard], dict[str, int]]:
    fname = path.name
    try:
        with path.open("rb") as f:
            # Decimal, not float: an unquoted 1500.50 must not lose fen on the way in.
            data = tomllib.load(f, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"政策文件“{fname}”格式错误：{error}") from None
    except OSError as error:
        raise PolicyError(f"无法读取政策文件“{fname}”：{error}") from None
    year = data.get("year")
    if year != int(path.stem):
        raise PolicyError(f"政策文件“{fname}”：year 应为 {path.stem}，与文件名一致")
    unknown = set(data) - {"year", "title", "subsistence_lines", SCHOLARSHIP, SPRING_FESTIVAL}
    if unknown:
        raise PolicyError(f"政策文件“{fname}”：不认识的项 {', '.join(sorted(unknown))}")
    standards = _entries(data, SCHOLARSHIP, year, fname) + _entries(data, SPRING_FESTIVAL, year, fname)
    return year, standards, _lines(data, fname)


def load_policy(directory: Path | None = None) -> PolicyBook:
    """Read every ``YYYY.toml`` in ``directory`` (default: the bundled resources/policy)."""
    directory = Path(directory) if directory is not None else resource_path("policy")
    if not directory.is_dir():
        raise PolicyError(f"找不到政策文件目录“{directory}”")
    files = sorted(p for p in directory.glob("*.toml") if re.fullmatch(r"\d{4}", p.stem))
    if not files:
        raise PolicyError(f"政策文件目录“{directory}”中没有年度政策文件（如 2026.toml）")
    standards: list[PolicyStandard] = []
    lines: dict[int, dict[str, int]] = {}
    for path in files:
        year, year_standards, year_lines = _load_file(path)
        standards += year_standards
        lines[year] = year_lines
    return PolicyBook(standards, lines)
