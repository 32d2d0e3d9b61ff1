"""Realistic demo data for a county federation: the demo database and the benchmarks use it.

Households are built the way a caseworker would find them: a worker of working age with a valid ID
number from a real Shaanxi county, a spouse, children whose schooling matches their age, sometimes
an elderly parent; incomes that put the household in each category by the formula of DESIGN.md §3;
files filed over several years, most active, some exited; last year's scholarship rounds and last
Spring Festival's campaign, all paid with vouchers. Rows are written with Core bulk inserts.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel
from sqlmodel import select as sm_select

from assist_desktop.domain import regions
from assist_desktop.domain.hardship import HardshipCategory, per_capita_monthly_income, propose_category
from assist_desktop.domain.ids import id_check_character
from assist_desktop.domain.lifecycle import Role
from assist_desktop.domain.names import pinyin_initials
from assist_desktop.domain.policy import PolicyError, load_policy
from assist_desktop.domain.uscc import uscc_check_character
from assist_desktop.services.audit import append_event
from assist_desktop.services.money_seal import SEAL_KEY, seal
from assist_desktop.domain.errors import DomainError
from assist_desktop.services.demo_accounts import (
    DEMO_MARK, DEMO_PASSWORD, DEMO_UNIT_CODE, DEMO_UNIT_NAME, DEMO_USERS, is_demo_database,
)
from assist_desktop.services.passwords import hash_password
from assist_desktop.services.setup import SYSTEM_ACTOR, initialise, local_unit
from assist_desktop.services.tally import insert_rows  # counts the grants and files it writes (统计)
from assist_desktop.storage import counters
from assist_desktop.storage import models as m
from assist_desktop.storage.engine import Database

DEFAULT_SUBSISTENCE_LINE_FEN = 76_000
DEMO_ACTOR = "演示数据生成"


class DemoRefused(DomainError):
    """Demo data asked for in a database that is not a demo database."""
  # used only when the policy tables have no line for the region

# Surname weights follow the national distribution (王李张刘陈 lead), with surnames common in
# northern Shaanxi (高 白 贺 郝 薛 惠 呼 拓) and the heteronym surnames search must get right.
_SURNAMES = (
    "王71 李70 张67 刘54 陈45 杨31 黄20 赵20 吴16 周16 徐13 孙12 马12 朱11 胡10 郭10 何9 高16 林9 罗8 "
    "郑7 梁7 谢6 宋6 唐5 许5 韩5 冯5 邓5 曹5 彭4 曾4 肖4 田4 董4 袁4 潘3 于3 蒋3 蔡3 余3 杜4 叶3 程3 "
    "苏3 魏3 吕3 丁3 任4 沈2 姚2 卢2 姜2 崔2 钟2 谭2 陆2 汪2 范2 金2 石3 廖2 贾3 夏2 韦2 付2 方2 白8 "
    "贺6 郝5 薛4 惠3 呼2 拓2 雷3 党3 米2 艾1 霍2 折1 单1 仇1 解1 樊2 乔2 常2 武3 康2 牛2"
)
SURNAMES: tuple[str, ...] = tuple(item[0] for item in _SURNAMES.split())
SURNAME_WEIGHTS: tuple[int, ...] = tuple(int(item[1:]) for item in _SURNAMES.split())
_MALE_CHARS = "伟强军磊勇涛斌杰鹏明辉超刚平建国华东亮峰志文波宇浩俊海林鑫飞龙红兵忠成祥永福贵生荣"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华玲燕红梅琴云莉萍婷雪慧兰凤洁琳倩晶欣颖蓉悦佳"
_TOWNS = ("名州镇", "四十里铺镇", "枣林坪镇", "义合镇", "吉镇", "薛家峁镇", "崔家湾镇", "定仙墕镇",
          "田庄镇", "中角镇", "白家硷镇", "满堂川镇", "张家砭镇", "韭园镇", "石家湾镇")
_VILLAGE_SUFFIXES = ("村", "村", "社区")
_COMPANY_WORDS = ("兴业", "宏达", "恒信", "秦川", "无定河", "黄土", "榆绥", "天宇", "华通", "鑫源", "永兴",
                  "金鼎", "长城", "西北", "丰泽", "安康", "德润", "瑞丰", "宏远", "新天地")
_COMPANY_TYPES = ("建筑工程有限公司", "煤业有限责任公司", "食品有限公司", "石材有限公司", "物流有限公司",
                  "农业科技有限公司", "商贸有限公司", "物业管理有限公司", "运输有限公司", "红枣加工厂",
                  "酒店管理有限公司", "环卫服务有限公司", "纺织有限公司", "建材有限公司")
_INDUSTRIES = ("建筑业", "采矿业", "制造业", "批发和零售业", "交通运输业", "住宿和餐饮业", "农林牧渔业",
               "居民服务业", "公共管理")
_BANKS = (("中国农业银行", "622848"), ("中国邮政储蓄银行", "621799"), ("陕西信合", "621570"),
          ("中国建设银行", "621700"), ("中国工商银行", "621226"))
_SCHOOLS_HIGH = ("绥德中学", "绥德县第一中学", "绥德县第二中学", "绥德县职业技术教育中心", "榆林中学")
_SCHOOLS_COLLEGE = ("西北大学", "陕西师范大学", "西安理工大学", "延安大学", "榆林学院", "西安科技大学",
                    "陕西职业技术学院", "杨凌职业技术学院", "长安大学", "西安石油大学")
_MAJORS = ("计算机科学与技术", "护理学", "机械设计制造及其自动化", "会计学", "汉语言文学", "电气工程",
           "土木工程", "临床医学", "学前教育", "采矿工程")
_ILLNESSES = ("恶性肿瘤", "尿毒症", "脑梗塞后遗症", "心脏病", "精神疾病", "糖尿病并发症")

# per-category shares of the demo registry, and the causes that go with each
_CATEGORY_WEIGHTS = ((HardshipCategory.deep, 35), (HardshipCategory.relative, 50), (HardshipCategory.accident, 15))
_CAUSES = {
    HardshipCategory.deep: ((1, 25), (6, 35), (3, 15), (2, 10), (4, 5), (5, 5), (10, 5)),
    HardshipCategory.relative: ((6, 30), (9, 30), (3, 15), (2, 10), (4, 5), (5, 5), (10, 5)),
    HardshipCategory.accident: ((7, 40), (8, 45), (6, 15)),
}


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _template(model: type[SQLModel]) -> dict[str, Any]:
    """Every column of the table with its scalar default (None otherwise): rows then share one key set."""
    row: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        default = column.default
        row[column.name] = default.arg if default is not None and default.is_scalar else None
    return row


@dataclass
class DemoSummary:
    families: int = 0
    members: int = 0
    scholarships: int = 0
    visits: int = 0
    disbursements: int = 0
    rows: dict[str, int] = field(default_factory=dict)


class DemoGenerator:
    """Makes row dicts for one unit. Deterministic for a given seed and ``today``."""

    def __init__(self, *, unit_id: str, unit_code: str, today: date, seed: int = 2026,
                 user_ids: dict[Role, str] | None = None, used_id_numbers: set[str] | None = None,
                 file_seq_start: dict[int, int] | None = None, subsistence_line_fen: int | None = None) -> None:
        self.rng = random.Random(seed)
        self.unit_id = unit_id
        self.unit_code = unit_code
        self.today = today
        self.user_ids = user_ids or {}
        self.used_ids: set[str] = used_id_numbers if used_id_numbers is not None else set()
        self.file_seq: dict[int, int] = dict(file_seq_start or {})
        self.mtime = m.now_ms()
        self.county_codes = regions.counties_in(unit_code[:2]) or [unit_code]
        self.county_name = regions.region_name(unit_code) or ""
        self.line_fen = subsistence_line_fen or _subsistence_line(unit_code, today.year)
        self._initials_cache: dict[str, str] = {}
        self._t: dict[str, dict[str, Any]] = {}
        self.grassroots: list[dict[str, Any]] = []
        self.employers: list[dict[str, Any]] = []

    # --- small pieces -------------------------------------------------------------------------------

    def _row(self, model: type[SQLModel], **values: Any) -> dict[str, Any]:
        name = model.__tablename__  # type: ignore[attr-defined]
        if name not in self._t:
            self._t[name] = _template(model)
        row = dict(self._t[name])
        if "owner_unit_id" in row:
            row.update(id=m.new_id(), owner_unit_id=self.unit_id, usn=-1, mtime=self.mtime, version=1)
        row.update(values)
        return row

    def initials(self, name: str) -> str:
        cached = self._initials_cache.get(name)
        if cached is None:
            cached = self._initials_cache[name] = pinyin_initials(name)
        return cached

    def person_name(self, sex: str, surname: str | None = None) -> str:
        rng = self.rng
        surname = surname or rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        pool = _MALE_CHARS if sex == "male" else _FEMALE_CHARS
        given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
        return surname + given

    def id_number(self, born: date, sex: str) -> str:
        rng = self.rng
        while True:
            region = self.unit_code if rng.random() < 0.8 else rng.choice(self.county_codes)
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "male" else 0)
            first17 = f"{region}{born:%Y%m%d}{seq:03d}"
            value = first17 + id_check_character(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def birth_date(self, age: int, on: date | None = None) -> date:
        on = on or self.today
        return on - timedelta(days=age * 365 + self.rng.randrange(0, 365))

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(0, 10**9):09d}"

    def next_file_no(self, year: int) -> str:
        seq = self.file_seq.get(year, 0) + 1
        self.file_seq[year] = seq
        return f"{self.unit_code}-{year}-{seq:05d}"

    # --- reference rows: grassroots unions and employers --------------------------------------------

    def reference_rows(self, families: int) -> dict[type[SQLModel], list[dict[str, Any]]]:
        rng = self.rng
        units, employers = [], []
        for i, town in enumerate(_TOWNS):
            units.append(self._row(m.OrgUnit, code=f"{self.unit_code}G{i + 1:03d}", name=f"{town}总工会",
                                   level="grassroots", parent_id=self.unit_id))
        n_employers = max(20, families // 100)
        for i in range(n_employers):
            name = f"{self.county_name}{rng.choice(_COMPANY_WORDS)}{rng.choice(_COMPANY_TYPES)}"
            if i >= len(_COMPANY_WORDS) * len(_COMPANY_TYPES) // 2:
                name = f"{name[:-4]}{i}分公司" if name.endswith("有限公司") else f"{name}{i}"
            alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
            first17 = "91" + self.unit_code + "".join(rng.choice(alphabet) for _ in range(9))
            union = rng.choice(units)
            employers.append(self._row(
                m.Employer, name=name, uscc=first17 + uscc_check_character(first17),
                nature=rng.choice(("private", "private", "state_owned", "collective", "joint", "individual")),
                industry=rng.choice(_INDUSTRIES),
                state=rng.choice(("normal", "normal", "normal", "loss", "suspended", "restructured")),
                union_unit_id=union["id"],
            ))
        # Company unions of the larger employers sit beside the town unions.
        for employer in employers[:5]:
            units.append(self._row(m.OrgUnit, code=f"{self.unit_code}E{len(units):03d}",
                                   name=f"{employer['name']}工会", level="grassroots", parent_id=self.unit_id,
                                   uscc=employer["uscc"]))
        self.grassroots, self.employers = units, employers
        return {m.OrgUnit: units, m.Employer: employers}

    # --- households ---------------------------------------------------------------------------------

    def household(self) -> dict[type[SQLModel], list[dict[str, Any]]]:
        """One family: the file, its members, its workflow history and latest review."""
        rng, today = self.rng, self.today
        category = _weighted(rng, _CATEGORY_WEIGHTS)
        sex = "male" if rng.random() < 0.58 else "female"
        age = rng.randint(26, 58)
        surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        name = self.person_name(sex, surname)
        born = self.birth_date(age)
        id_number = self.id_number(born, sex)
        filing_year = rng.randint(max(today.year - 7, 2018), today.year)
        file_id = m.new_id()

        # members
        marital = rng.choices(("married", "divorced", "widowed", "unmarried"), weights=(75, 12, 8, 5))[0]
        members: list[dict[str, Any]] = []
        if marital == "married":
            spouse_sex = "female" if sex == "male" else "male"
            spouse_age = max(22, min(64, age + rng.randint(-5, 4)))
            members.append(self._member(file_id, len(members) + 1, "spouse", spouse_sex, spouse_age,
                                        identity=rng.choice(("on_duty", "unemployed", "farmer", "laid_off",
                                                             "sick_leave"))))
        # children carry the father's surname
        child_surname = surname if sex == "male" else (members[0]["name"][0] if members else surname)
        if marital != "unmarried":
            for _ in range(rng.choices((0, 1, 2, 3), weights=(8, 45, 38, 9))[0]):
                child_age = age - rng.randint(22, 36)
                if child_age < 0:
                    continue
                child_sex = rng.choice(("male", "female"))
                members.append(self._member(file_id, len(members) + 1, "son" if child_sex == "male" else "daughter",
                                            child_sex, child_age, surname=child_surname))
        if rng.random() < 0.22:
            parent_sex = rng.choice(("male", "female"))
            members.append(self._member(file_id, len(members) + 1, "father" if parent_sex == "male" else "mother",
                                        parent_sex, min(90, age + rng.randint(22, 32)),
                                        surname=surname if parent_sex == "male" else None, identity="retired"))
        size = 1 + len(members)

        # income by the formula: aim the per-capita figure at the category's band
        line = self.line_fen
        rigid = 0
        medical = schooling = hardship_costs = 0
        disaster = False
        if category is HardshipCategory.deep:
            target = rng.randint(line * 25 // 100, line * 95 // 100)
        elif category is HardshipCategory.relative:
            target = rng.randint(line, line * 195 // 100)
        else:
            target = rng.randint(line * 2 + 100, line * 35 // 10)
            disaster = True
        if rng.random() < 0.35:
            medical = rng.randrange(2_000_00, 30_000_00, 100)
        if any(mem["identity"] == "student" for mem in members):
            schooling = rng.randrange(1_000_00, 12_000_00, 100)
        rigid = medical + schooling
        annual_income = target * 12 * size + rigid
        if category is HardshipCategory.accident:
            hardship_costs = annual_income * rng.randint(81, 150) // 100
        earners = [mem for mem in members if mem["identity"] in ("on_duty", "farmer")]
        worker_monthly = (annual_income * rng.randint(40, 85) // 100) // 12 // 100 * 100
        rest = annual_income - worker_monthly * 12
        for mem in earners:
            share = (rest * rng.randint(20, 60) // 100) // 12 // 100 * 100
            mem["monthly_income_fen"] = share
            rest -= share * 12
        other_annual = max(0, rest)
        annual_income = worker_monthly * 12 + sum(mem["monthly_income_fen"] * 12 for mem in members) + other_annual
        per_capita = per_capita_monthly_income(annual_income, rigid, size)
        proposed = propose_category(per_capita_fen=per_capita, subsistence_line_fen=line,
                                    annual_income_fen=annual_income, hardship_costs_fen=hardship_costs,
                                    disaster_or_accident=disaster)
        final = proposed or category
        cause_pairs = _CAUSES[final]
        primary = _weighted(rng, cause_pairs)
        secondary = sorted({c for c, _ in rng.sample(cause_pairs, k=min(len(cause_pairs), rng.randint(0, 2)))} - {primary})

        # process and status
        roll = rng.random()
        status = "active" if roll < 0.88 else "exited" if roll < 0.95 else rng.choice(("draft", "submitted", "reviewed", "on_notice"))
        if status in ("active", "exited"):
            opened = date(filing_year, rng.randint(1, 12), rng.randint(1, 28))
            if opened > today:
                opened = today - timedelta(days=rng.randint(1, 60))
        else:  # files still in the approval steps were filed in the last weeks
            opened = today - timedelta(days=rng.randint(0, 20))
            filing_year = opened.year
        exit_date = exit_reason = None
        if status == "exited":
            exit_date = min(today, opened + timedelta(days=rng.randint(200, 1500)))
            exit_reason = rng.choice(("out_of_hardship", "out_of_hardship", "retired", "moved", "deceased"))
        last_review = None
        reviews = []
        if status in ("active", "exited") and opened.year < today.year:
            review_year = today.year - 1 if status == "active" or not exit_date else max(opened.year, exit_date.year - 1)
            if review_year > opened.year - 1:
                last_review = date(review_year, rng.randint(10, 12), rng.randint(1, 28))
                if last_review > today:
                    last_review = None
        if last_review:
            reviews.append(self._row(m.AnnualReview, file_id=file_id, review_year=last_review.year,
                                     review_date=last_review, outcome="keep", old_category=final.value,
                                     new_category=final.value, per_capita_monthly_income_fen=per_capita,
                                     reviewer_id=self.user_ids.get(Role.reviewer)))
        employer = rng.choice(self.employers)
        bank_name, bin_ = rng.choice(_BANKS)
        health = "ill" if primary == 6 else rng.choices(("good", "fair", "disabled"), weights=(60, 30, 10))[0]
        town = rng.choice(_TOWNS)
        is_migrant = rng.random() < 0.12
        file_row = self._row(
            m.HardshipFile, id=file_id, file_no=self.next_file_no(filing_year), filing_year=filing_year,
            unit_id=employer["union_unit_id"], status=status, category=final.value, category_proposed=(proposed or final).value,
            file_type="migrant_worker" if is_migrant else "urban_worker",
            file_origin=rng.choices(("new", "carried", "relapsed"), weights=(60, 35, 5))[0],
            name=name, name_initials=self.initials(name), id_number=id_number, id_tail=id_number[-6:],
            sex=sex, birth_date=born, ethnicity="汉族" if rng.random() < 0.995 else "回族",
            political_status=rng.choices(("masses", "cpc", "cyl"), weights=(82, 15, 3))[0],
            health=health, illness=rng.choice(_ILLNESSES) if health == "ill" else None,
            disability_type=rng.choice(("physical", "visual", "hearing")) if health == "disabled" else None,
            disability_grade=str(rng.randint(1, 4)) if health == "disabled" else None,
            work_status=rng.choices(("on_duty", "laid_off", "unemployed", "sick_leave", "early_retired"),
                                    weights=(55, 15, 15, 10, 5))[0],
            model_worker_type=rng.choices(("none", "municipal", "provincial"), weights=(97, 2, 1))[0],
            marital_status=marital, single_parent=marital in ("divorced", "widowed") and len(members) > 0,
            zero_employment=not earners and rng.random() < 0.5, self_help_ability=rng.random() < 0.7,
            medical_insurance=rng.choice(("urban_employee", "urban_rural_resident")),
            is_migrant_worker=is_migrant, is_new_employment_form=rng.random() < 0.05,
            housing_type=rng.choices(("owned", "public_rental", "private_rental", "borrowed"), weights=(55, 15, 20, 10))[0],
            floor_area=rng.choice(("le20", "20_50", "20_50", "50_70", "gt70")),
            phone=self.phone(), postal_code="718000",
            address=f"陕西省榆林市{self.county_name}{town}{rng.choice(('张家', '王家', '李家', '刘家', '高家', '白家'))}"
                    f"{rng.choice(_VILLAGE_SUFFIXES)}{rng.randint(1, 120)}号",
            hukou_type="rural" if is_migrant else rng.choice(("urban", "urban", "rural_to_urban")),
            hukou_region_code=id_number[:6],
            employer_id=employer["id"], employer_name=employer["name"],
            work_start_date=date(born.year + rng.randint(18, 24), rng.randint(1, 12), 1),
            worker_monthly_income_fen=worker_monthly, other_annual_income_fen=other_annual,
            household_annual_income_fen=annual_income, household_size=size,
            medical_expenses_fen=medical, schooling_expenses_fen=schooling, hardship_costs_fen=hardship_costs,
            disaster_or_accident=disaster, per_capita_monthly_income_fen=per_capita, subsistence_line_fen=line,
            primary_cause=primary, secondary_causes=",".join(map(str, secondary)),
            bank_name=bank_name, bank_branch=f"{self.county_name}{town}支行",
            bank_account=bin_ + f"{rng.randrange(0, 10**13):013d}",
            exit_target=status == "active" and rng.random() < 0.1,
            civil_affairs_check_date=opened - timedelta(days=rng.randint(10, 30)),
            civil_affairs_check_result="核对通过",
            filed_by_name="李娜", reviewed_by_name="王建军", entered_by_name="李娜",
            opened_on=opened if status in ("active", "exited") else None,
            notice_start=opened - timedelta(days=9) if status in ("active", "exited", "on_notice") else None,
            last_review_date=last_review,
            exit_reason=exit_reason, exit_date=exit_date,
            created_by=self.user_ids.get(Role.clerk),
        )
        return {m.HardshipFile: [file_row], m.Member: members, m.AnnualReview: reviews,
                m.WorkflowEvent: self._file_events(file_id, status, opened, exit_date)}

    def _member(self, file_id: str, seq: int, relation: str, sex: str, age: int, *, surname: str | None = None,
                identity: str | None = None) -> dict[str, Any]:
        rng = self.rng
        name = self.person_name(sex, surname)
        born = self.birth_date(age)
        level = school = None
        admission = years = None
        if identity is None:
            if age < 6:
                identity = "preschool"
            elif age <= 22:
                identity = "student"
            else:
                identity = rng.choice(("on_duty", "migrant_worker", "unemployed"))
        if identity == "student":
            level, years, start_age = (
                ("primary", 6, 6) if age < 12 else ("junior_high", 3, 12) if age < 15 else
                ("senior_high", 3, 15) if age < 18 else
                (rng.choice(("undergraduate", "vocational_college")), 4, 18)
            )
            if level == "vocational_college":
                years = 3
            admission = self.today.year - max(0, min(age - start_age, years - 1))
            school = (rng.choice(_SCHOOLS_COLLEGE) if age >= 18 else rng.choice(_SCHOOLS_HIGH) if age >= 15
                      else f"{self.county_name}{rng.choice(_TOWNS)[:-1]}{'小学' if age < 12 else '中学'}")
        return self._row(
            m.Member, file_id=file_id, seq=seq, name=name, name_initials=self.initials(name), relation=relation,
            id_number=self.id_number(born, sex), sex=sex, birth_date=born,
            medical_insurance="urban_rural_resident", health="good" if rng.random() < 0.85 else "ill",
            monthly_income_fen=0, identity=identity, unit_or_school=school, education_level=level,
            admission_year=admission, study_years=years,
        )

    def _file_events(self, file_id: str, status: str, opened: date, exit_date: date | None) -> list[dict[str, Any]]:
        steps = [("submit", "draft", "submitted", Role.clerk, 20), ("review", "submitted", "reviewed", Role.reviewer, 15),
                 ("put_on_notice", "reviewed", "on_notice", Role.reviewer, 9),
                 ("approve", "on_notice", "active", Role.approver, 0)]
        reached = {"draft": 0, "submitted": 1, "reviewed": 2, "on_notice": 3}.get(status, 4)
        names = {Role.clerk: "李娜", Role.reviewer: "王建军", Role.approver: "张国强"}
        opinions = {"submit": "申请材料齐全，入户调查属实。", "review": "经审核，符合建档条件。",
                    "put_on_notice": "公示5个工作日。", "approve": "同意建档。"}
        events = []
        for action, src, dst, role, days_before in steps[:reached]:
            at = datetime.combine(opened - timedelta(days=days_before), time(9, 30), tzinfo=UTC)
            events.append(self._row(m.WorkflowEvent, entity_type="hardship_file", entity_id=file_id, action=action,
                                    from_state=src, to_state=dst, actor_id=self.user_ids.get(role),
                                    actor_name=names[role], at=at, opinion=opinions[action]))
        if status == "exited" and exit_date:
            events.append(self._row(m.WorkflowEvent, entity_type="hardship_file", entity_id=file_id, action="exit",
                                    from_state="active", to_state="exited", actor_id=self.user_ids.get(Role.approver),
                                    actor_name=names[Role.approver],
                                    at=datetime.combine(exit_date, time(10, 0), tzinfo=UTC), opinion="同意撤档。"))
        return events

    def families(self, count: int, batch: int = 2000) -> Iterator[dict[type[SQLModel], list[dict[str, Any]]]]:
        """Households in batches, so a province-sized run never holds every row in memory."""
        done = 0
        while done < count:
            rows: dict[type[SQLModel], list[dict[str, Any]]] = {
                m.HardshipFile: [], m.Member: [], m.AnnualReview: [], m.WorkflowEvent: []}
            for _ in range(min(batch, count - done)):
                for model, items in self.household().items():
                    rows[model].extend(items)
            done += len(rows[m.HardshipFile])
            yield rows


def _subsistence_line(unit_code: str, year: int) -> int:
    book = load_policy()  # a malformed policy file is an error, not a reason to fall back
    try:
        return book.subsistence_line(unit_code, year)
    except PolicyError:  # no line for this region or year: a typical Shaanxi figure
        return DEFAULT_SUBSISTENCE_LINE_FEN


# --- history: last year's scholarships and Spring Festival campaign -----------------------------------


class History:
    """Paid grants for the demo: scholarship rounds and the last Spring Festival campaign."""

    def __init__(self, gen: DemoGenerator, conn: Connection) -> None:
        self.gen, self.conn = gen, conn
        self.voucher_seq: dict[int, int] = {}
        self.application_seq: dict[int, int] = {}
        self.summary = DemoSummary()
        self.paid: list[dict[str, Any]] = []  # sealed in the demo's audit event (services.money_seal)

    def voucher_no(self, year: int) -> str:
        seq = self.voucher_seq.get(year, 0) + 1
        self.voucher_seq[year] = seq
        return f"{self.gen.unit_code}-{year}-V{seq:06d}"

    def _disbursement(self, grant_type: str, grant_id: str, name: str, id_number: str, amount: int, paid_on: date,
                      account: str | None) -> dict[str, Any]:
        return self.gen._row(m.Disbursement, voucher_no=self.voucher_no(paid_on.year), grant_type=grant_type,
                             grant_id=grant_id, recipient_name=name, recipient_id_number=id_number, amount_fen=amount,
                             method="transfer" if account else "cash", bank_account=account, paid_on=paid_on,
                             paid_by=self.gen.user_ids.get(Role.clerk))

    def campaign(self) -> None:
        """Last Spring Festival's campaign, visited and paid in full."""
        gen, conn, rng = self.gen, self.conn, self.gen.rng
        year = gen.today.year if gen.today.month >= 3 else gen.today.year - 1
        standards = _spring_standards(year)
        campaign_id = m.new_id()
        start, end = date(year, 1, 10), date(year, 2, 10)
        insert_rows(conn, m.Campaign, [gen._row(m.Campaign, id=campaign_id, year=year, name=f"{year}年春节送温暖活动",
                                                budget_fen=0, visit_start=start, visit_end=end, closed=True)])
        insert_rows(conn, m.CampaignStandard, [gen._row(m.CampaignStandard, campaign_id=campaign_id, group_key=k,
                                                        cash_fen=c, goods_fen=g, goods_description=d)
                                               for k, (c, g, d) in standards.items()])
        sources = [gen._row(m.CampaignFundSource, campaign_id=campaign_id, name="上级工会拨款", amount_fen=0),
                   gen._row(m.CampaignFundSource, campaign_id=campaign_id, name="本级工会经费", amount_fen=0)]
        insert_rows(conn, m.CampaignFundSource, sources)
        units = {r[0]: r[1] for r in conn.execute(select(m.OrgUnit.id, m.OrgUnit.name))}
        files = conn.execute(
            select(m.HardshipFile.id, m.HardshipFile.name, m.HardshipFile.id_number, m.HardshipFile.category,
                   m.HardshipFile.unit_id, m.HardshipFile.bank_account)
            .where(m.HardshipFile.status == "active", m.HardshipFile.opened_on < start,
                   m.HardshipFile.owner_unit_id == gen.unit_id)
        ).all()
        visits, payments = [], []
        per_source = [0, 0]
        for file_id, name, id_number, category, unit_id, account in files:
            if category == "relative" and rng.random() > 0.4:
                continue
            cash, goods, description = standards[category]
            source = 0 if rng.random() < 0.65 else 1
            per_source[source] += cash + goods
            visit_day = start + timedelta(days=rng.randint(0, (end - start).days))
            visit_id = m.new_id()
            visits.append(gen._row(
                m.Visit, id=visit_id, campaign_id=campaign_id, file_id=file_id, group_key=category,
                recipient_name=name, recipient_id_number=id_number, unit_name=units.get(unit_id),
                category=category, fund_source_id=sources[source]["id"], status="paid", cash_fen=cash,
                goods_fen=goods, goods_description=description, cadres="张国强、王建军",
                planned_date=visit_day, actual_date=visit_day, approved_on=start - timedelta(days=5)))
            payments.append(self._disbursement("visit", visit_id, name, id_number, cash, visit_day, account))
        insert_rows(conn, m.Visit, visits)
        insert_rows(conn, m.Disbursement, payments)
        self.paid.extend(payments)
        total = sum(per_source)
        for src, amount in zip(sources, per_source):
            conn.execute(update(m.CampaignFundSource.__table__).where(m.CampaignFundSource.id == src["id"])
                         .values(amount_fen=amount))
        conn.execute(update(m.Campaign.__table__).where(m.Campaign.id == campaign_id)
                     .values(budget_fen=(total * 105 // 100) // 100_000 * 100_000 + 100_000))
        self.summary.visits += len(visits)
        self.summary.disbursements += len(payments)

    def scholarships(self) -> None:
        """Paid rounds of the last two years, by the rules of services.scholarships.

        The standards table is seeded for both years from the policy files, with undergraduates paid
        every year until graduation (as Yulin does) and the other levels once. Children of active files
        who entered school that year and whose age fits the level apply, with a few children of unfiled
        migrant or new-employment-form workers; one-off grants are paid; yearly plans have one
        installment per study year, paid up to this year (after the enrolment check), the later ones
        pending, and now and then a plan stopped because the student left school. Each round's budget
        covers its new grants and the installments of earlier plans falling due in its year.
        """
        from assist_desktop.services.scholarships import LEVEL_RULES, age_reference_day

        gen, conn, rng = self.gen, self.conn, self.gen.rng
        this_year = gen.today.year if gen.today.month >= 10 else gen.today.year - 1
        years = (this_year - 1, this_year)
        standards = self._scholarship_standards(years)
        students = conn.execute(
            select(m.Member.name, m.Member.id_number, m.Member.sex, m.Member.birth_date, m.Member.education_level,
                   m.Member.admission_year, m.Member.study_years, m.Member.unit_or_school, m.HardshipFile.id,
                   m.HardshipFile.bank_account, m.HardshipFile.opened_on)
            .join(m.HardshipFile, m.HardshipFile.id == m.Member.file_id)
            .where(m.Member.identity == "student", m.HardshipFile.status == "active",
                   m.Member.education_level.in_(("senior_high", "undergraduate", "vocational_college")),
                   m.Member.admission_year >= this_year - 1, m.HardshipFile.owner_unit_id == gen.unit_id)
        ).all()
        carried: dict[int, int] = {}  # installments of earlier plans, per academic year
        for year in years:
            round_id = m.new_id()
            insert_rows(conn, m.ScholarshipRound, [gen._row(
                m.ScholarshipRound, id=round_id, year=year, name=f"{year}年金秋助学",
                apply_start=date(year, 7, 20), apply_end=date(year, 9, 10), budget_fen=0, closed=True)])
            candidates = []
            for (name, id_number, sex, born, level, admission, years_, school, file_id, account, opened) in students:
                rule = LEVEL_RULES[level]
                age = year - born.year - ((9, 1) < (born.month, born.day))
                if (admission != year or not opened or opened > age_reference_day(year)
                        or not rule.min_age <= age <= rule.max_age
                        or not rule.min_years <= (years_ or 0) <= rule.max_years or rng.random() > 0.6):
                    continue
                candidates.append((file_id, None, name, id_number, sex, born, level, years_, school, account))
            households, unfiled = self._unfiled_families(year, max(2, len(candidates) // 12))
            insert_rows(conn, m.UnfiledHousehold, households)
            candidates += unfiled
            apps, payments, installments = [], [], []
            for (file_id, unfiled_id, name, id_number, sex, born, level, years_, school, account) in candidates:
                higher = level != "senior_high"
                amount, plan = standards[(year, level, file_id is not None)]
                app_id = m.new_id()
                apps.append(gen._row(
                    m.Scholarship, id=app_id, round_id=round_id, application_no=self.application_no(year),
                    file_id=file_id, unfiled_household_id=unfiled_id, status="paid", student_name=name,
                    student_initials=gen.initials(name), student_id_number=id_number, student_sex=sex,
                    student_birth_date=born, school=school or "", major=rng.choice(_MAJORS) if higher else None,
                    education_level=level, admission_year=year, study_years=years_,
                    admission_notice_no=f"{year}{rng.randrange(10**8):08d}", plan=plan, amount_fen=amount,
                    standard_amount_fen=amount, notice_start=date(year, 9, 1), approved_on=date(year, 9, 12)))
                if plan == "one_off":
                    payments.append(self._disbursement("scholarship", app_id, name, id_number, amount,
                                                       date(year, 9, rng.randint(15, 28)), account))
                    continue
                left_school = year < this_year and rng.random() < 0.15
                for index in range(1, years_ + 1):
                    academic = year + index - 1
                    inst_id = m.new_id()
                    status, checked, reason = "pending", None, None
                    if left_school and academic >= this_year:
                        status, reason = "stopped", "在读核查：学生已退学"
                        checked = date(academic, 9, 5) if academic == this_year else None
                    elif academic <= this_year:
                        status = "paid"
                        checked = date(academic, 9, 5) if index > 1 else None
                    installments.append(gen._row(
                        m.Installment, id=inst_id, scholarship_id=app_id, year_index=index, academic_year=academic,
                        amount_fen=amount, status=status, enrolment_checked_on=checked, stop_reason=reason))
                    if status == "paid":
                        payments.append(self._disbursement("installment", inst_id, name, id_number, amount,
                                                           date(academic, 9, 20), account))
                    if status != "stopped" and academic > year:
                        carried[academic] = carried.get(academic, 0) + amount
                if left_school:
                    apps[-1]["stop_reason"] = "在读核查：学生已退学"
            insert_rows(conn, m.Scholarship, apps)
            insert_rows(conn, m.Installment, installments)
            insert_rows(conn, m.Disbursement, payments)
            self.paid.extend(payments)
            total = sum(a["amount_fen"] for a in apps) + carried.get(year, 0)
            conn.execute(update(m.ScholarshipRound.__table__).where(m.ScholarshipRound.id == round_id)
                         .values(budget_fen=max(100_000_00, (total * 11 // 10) // 100_000 * 100_000)))
            self.summary.scholarships += len(apps)
            self.summary.disbursements += len(payments)

    def application_no(self, year: int) -> str:
        seq = self.application_seq.get(year, 0) + 1
        self.application_seq[year] = seq
        return f"{self.gen.unit_code}-{year}-S{seq:05d}"

    def _scholarship_standards(self, years: tuple[int, ...]) -> dict[tuple[int, str, bool], tuple[int, str]]:
        """(year, level, filed) → (amount, plan), written to the standards table as the admin would."""
        defaults = {"senior_high": (3_000_00, 2_000_00), "vocational_college": (5_000_00, 4_000_00),
                    "undergraduate": (5_000_00, 4_000_00), "postgraduate": (5_000_00, 4_000_00)}
        book = load_policy()
        out: dict[tuple[int, str, bool], tuple[int, str]] = {}
        rows = []
        for year in years:
            for level, (filed_fen, unfiled_fen) in defaults.items():
                plan = "yearly" if level == "undergraduate" else "one_off"
                for filed, fallback in ((True, filed_fen), (False, unfiled_fen)):
                    try:
                        amount = book.standard("scholarship", year, level, filed).amount_fen
                    except PolicyError:  # no policy file for the year: the figures of DOMAIN.md
                        amount = fallback
                    out[(year, level, filed)] = (amount, plan)
                    rows.append(self.gen._row(m.PolicyStandard, program="scholarship", year=year, key=level,
                                              filed=filed, amount_fen=amount, plan=plan))
        insert_rows(self.conn, m.PolicyStandard, rows)
        return out

    def _unfiled_families(self, year: int, count: int) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
        """Migrant and new-employment-form workers without a file, each with a child entering school in ``year``."""
        gen, rng = self.gen, self.gen.rng
        households, candidates = [], []
        on = date(year, 9, 1)
        for _ in range(count):
            sex = "male" if rng.random() < 0.7 else "female"
            surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
            parent = gen.person_name(sex, surname)
            kind = "migrant_worker" if rng.random() < 0.75 else "new_employment_form"
            household = gen._row(
                m.UnfiledHousehold, kind=kind, name=parent, name_initials=gen.initials(parent),
                id_number=gen.id_number(gen.birth_date(rng.randint(38, 50), on), sex), phone=gen.phone(),
                employer_name=rng.choice(gen.employers)["name"] if gen.employers else None,
                address=f"陕西省榆林市{gen.county_name}{rng.choice(_TOWNS)}{rng.randint(1, 80)}号",
                unit_id=rng.choice(gen.grassroots)["id"] if gen.grassroots else None)
            households.append(household)
            level = rng.choice(("senior_high", "vocational_college", "undergraduate"))
            age = 15 if level == "senior_high" else 18
            child_sex = rng.choice(("male", "female"))
            name = gen.person_name(child_sex, surname if sex == "male" else None)
            born = gen.birth_date(age, on)
            years_ = 4 if level == "undergraduate" else 3
            school = rng.choice(_SCHOOLS_HIGH if level == "senior_high" else _SCHOOLS_COLLEGE)
            candidates.append((None, household["id"], name, gen.id_number(born, child_sex), child_sex, born, level,
                               years_, school, None))
        return households, candidates


def _spring_standards(year: int) -> dict[str, tuple[int, int, str]]:
    """Cash, goods value and goods description per category, from the policy tables when present."""
    defaults = {"deep": (1_500_00, 500_00, "米、面、油"), "relative": (1_000_00, 300_00, "米、面、油"),
                "accident": (1_200_00, 500_00, "米、面、油")}
    book = load_policy()
    for key in defaults:
        try:
            s = book.standard("spring_festival", year, key)
        except PolicyError:  # the year has no standard: the figures of DOMAIN.md
            continue
        defaults[key] = (s.amount_fen, s.goods_fen, s.goods_description or "米、面、油")
    return defaults


# --- writing it -----------------------------------------------------------------------------------


def mark_demo(db: Database) -> None:
    """Make an initialised database a demo one, so that demo data may go into it: for the tests' and benchmarks'
    made-up units (绥德 and 米脂 reporting to 榆林 …), never for a real unit's file (the ``demo`` command refuses
    those)."""
    with db.transaction() as session:
        if session.get(m.Meta, DEMO_MARK) is None:
            session.add(m.Meta(key=DEMO_MARK, value="1"))


def ensure_demo_unit(db: Database) -> dict[Role, str]:
    """Initialise the database as 绥德县总工会 with one demo user per role, unless already done."""
    with db.session() as session:
        unit = local_unit(session)
        if unit is not None and not is_demo_database(session):
            # a real unit's database (made by init): the published demo accounts and made-up households
            # must never enter it
            raise DemoRefused(f"数据库 {db.path} 是{unit.name}的正式数据库（不是演示数据库），不能在其中生成演示数据或"
                              "演示账号。演示数据请写入单独的文件（assist-desktop demo --db demo.sqlite）。")
    if unit is None:
        initialise(db, unit_code=DEMO_UNIT_CODE, unit_name=DEMO_UNIT_NAME, admin_username="admin",
                   admin_password=DEMO_PASSWORD, admin_display_name="系统管理员")
    with db.transaction() as session:
        unit = local_unit(session)
        assert unit is not None
        ids: dict[Role, str] = {}
        existing = {u.username: u for u in session.exec(sm_select(m.User)).all()}
        password_hash = None
        for username, display, roles in DEMO_USERS:
            user = existing.get(username)
            if user is None:
                password_hash = password_hash or hash_password(DEMO_PASSWORD)
                user = m.User(owner_unit_id=unit.id, username=username, display_name=display, unit_id=unit.id,
                              password_hash=password_hash)
                session.add(user)
                session.flush()
                for role in roles:
                    session.add(m.UserRole(user_id=user.id, role=role.value))
                append_event(session, actor_id=None, actor_name=SYSTEM_ACTOR, entity_type="user",
                             entity_id=user.id, action="create", changes={"username": username,
                                                                          "roles": [r.value for r in roles]})
            for role in roles:
                ids[role] = user.id
        if session.get(m.Meta, DEMO_MARK) is None:
            session.add(m.Meta(key=DEMO_MARK, value="1"))
    return ids


def generate_demo(db: Database, families: int, *, seed: int = 2026, today: date | None = None,
                  history: bool = True, progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Add ``families`` demo households (and, the first time, the grant history) in one transaction."""
    today = today or date.today()
    user_ids = ensure_demo_unit(db)
    with db.write_connection() as conn:
        unit_id = conn.execute(select(m.Meta.value).where(m.Meta.key == "local_unit_id")).scalar_one()
        unit_code = conn.execute(select(m.OrgUnit.code).where(m.OrgUnit.id == unit_id)).scalar_one()
        used = {r[0] for r in conn.execute(text(
            "SELECT id_number FROM hardship_file UNION SELECT id_number FROM member WHERE id_number IS NOT NULL"))}
        prefix = f"file:{unit_code}:"
        seqs = {int(p[len(prefix):]): last for p, last in conn.execute(
            select(m.NumberSequence.prefix, m.NumberSequence.last).where(m.NumberSequence.prefix.like(prefix + "%")))}
        first_run = conn.execute(select(m.Employer.id).limit(1)).first() is None
        gen = DemoGenerator(unit_id=unit_id, unit_code=unit_code, today=today, seed=seed, user_ids=user_ids,
                            used_id_numbers=used, file_seq_start=seqs)
        reference = gen.reference_rows(families)
        if first_run:
            for model, rows in reference.items():
                insert_rows(conn, model, rows)
        else:
            gen.grassroots = [dict(r._mapping) for r in conn.execute(select(m.OrgUnit.__table__).where(
                m.OrgUnit.level == "grassroots"))]
            gen.employers = [dict(r._mapping) for r in conn.execute(select(m.Employer.__table__))]
        summary = DemoSummary()
        for batch in gen.families(families):
            for model, rows in batch.items():
                insert_rows(conn, model, rows)
            summary.families += len(batch[m.HardshipFile])
            summary.members += len(batch[m.Member])
            if progress:
                progress(summary.families, families)
        _store_sequences(conn, prefix, gen.file_seq)
        paid: list[dict[str, Any]] = []
        if history and first_run:
            hist = History(gen, conn)
            hist.scholarships()
            hist.campaign()
            _store_sequences(conn, f"voucher:{unit_code}:", hist.voucher_seq)
            _store_sequences(conn, f"scholarship:{unit_code}:", hist.application_seq)
            summary.scholarships, summary.visits = hist.summary.scholarships, hist.summary.visits
            summary.disbursements = hist.summary.disbursements
            paid = hist.paid
        with Session(bind=conn) as session:
            append_event(session, actor_id=None, actor_name=DEMO_ACTOR, entity_type="hardship_file",
                         entity_id=None, action="demo_generate",
                         changes={"families": summary.families, "members": summary.members, "seed": seed,
                                  "scholarships": summary.scholarships, "visits": summary.visits,
                                  "disbursements": summary.disbursements,
                                  **({SEAL_KEY: seal(paid)} if paid else {})})
            session.flush()  # into this transaction: the session is not committed itself
    return summary


def _store_sequences(conn: Connection, prefix: str, seqs: dict[int, int]) -> None:
    for year, last in seqs.items():
        key = f"{prefix}{year}"
        counters.advance(conn, key, last)
