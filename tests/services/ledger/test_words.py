"""The words ledgers use (resources/ledger/words.toml): one table, every entry read as a code the program
knows, and the words the issue names read as a caseworker means them."""

from __future__ import annotations

import pytest

from assist_desktop.domain import enums
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.money import amount_in_words, parse_amount_in_words
from assist_desktop.domain.policy import SPRING_FESTIVAL_GROUPS
from assist_desktop.services.ledger import words
from assist_desktop.services.ledger.cells import amount_words_fen


def test_every_entry_of_the_table_is_a_code_the_program_knows() -> None:
    table = words.table()
    assert set(table["category"].values()) <= {c.value for c in HardshipCategory}
    assert set(table["cause"].values()) <= {int(c) for c in HardshipCause}
    assert set(table["relation"].values()) <= {c for c, _ in enums.Relation.choices()} | {"self"}
    assert set(table["education"].values()) <= {c for c, _ in enums.EducationLevel.choices()}
    assert set(table["visit_group"].values()) <= set(SPRING_FESTIVAL_GROUPS)
    for field, enum_type in words.ENUM_TYPES.items():
        labels = {label for _, label in enum_type.choices()}
        assert set(table.get(f"enum.{field}", {}).values()) <= labels, field


@pytest.mark.parametrize("word, code", [("深度困难职工", "deep"), ("特困职工", "deep"), ("低保户", "deep"),
                                        ("相对困难职工", "relative"), ("一般困难", "relative"), ("低保边缘户", "relative"),
                                        ("意外致困户", "accident"), ("深度困難", "deep")])
def test_categories(word: str, code: str) -> None:
    assert words.category(word) == code


@pytest.mark.parametrize("word, codes", [("因病致困", [6]), ("因病", [6]), ("因学", [9]), ("因残", [1]), ("患病", [6]),
                                         ("子女就学", [9]), ("患病、子女上学", [6, 9]), ("因病，因学", [6, 9]),
                                         ("6-患重特大疾病", [6]), ("3", [3]), ("下岗失业", [3]), ("其它", [10])])
def test_causes_and_two_in_one_cell(word: str, codes: list[int]) -> None:
    assert words.causes(word) == codes


@pytest.mark.parametrize("word, code", [("之子", "son"), ("之女", "daughter"), ("媳妇", "other"), ("祖父", "other"),
                                        ("祖母", "other"), ("继子", "son"), ("养女", "daughter"), ("长孙", "grandson"),
                                        ("户主", "self"), ("本人", "self"), ("配偶", "spouse"), ("岳父/公公", "father_in_law")])
def test_relations(word: str, code: str) -> None:
    assert words.relation(word) == code


@pytest.mark.parametrize("word, code", [("大学本科", "undergraduate"), ("一本", "undergraduate"), ("二本", "undergraduate"),
                                        ("专科（高职）", "vocational_college"), ("中专", "secondary_vocational"),
                                        ("职高", "secondary_vocational"), ("普高", "senior_high")])
def test_education_levels(word: str, code: str) -> None:
    assert words.education(word) == code


def test_a_word_nobody_uses_is_unknown_and_the_caseworkers_map_comes_first() -> None:
    with pytest.raises(words.Unknown):
        words.category("五保户")
    assert words.category("五保户", {"category": {"五保户": "deep"}}) == "deep"
    assert words.causes("命不好", {"primary_cause": {"命不好": "10"}}) == [10]
    with pytest.raises(words.Unknown):
        words.visit_group("外星人")


@pytest.mark.parametrize("fen", [50000, 150000, 140950, 600714, 32504, 10001000, 5, 100000000])
def test_amounts_in_capitals_read_back(fen: int) -> None:
    assert parse_amount_in_words(amount_in_words(fen)) == fen
    assert amount_words_fen(amount_in_words(fen), "慰问金") == fen


def test_amounts_as_ledgers_write_them() -> None:
    assert amount_words_fen("伍佰元整", "慰问金") == 50000
    assert amount_words_fen("人民币壹仟伍佰元", "慰问金") == 150000
    assert amount_words_fen("拾万元", "金额") == 10_000_000
    with pytest.raises(Exception, match="不是有效的大写金额"):
        amount_words_fen("伍佰佰元", "慰问金")
