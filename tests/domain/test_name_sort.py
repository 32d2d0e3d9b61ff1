"""The pinyin sort key (issue 18): names in the order of a Chinese dictionary, not of their code points."""

from __future__ import annotations

from assist_desktop.domain.names import SURNAME_INITIALS, SURNAME_READINGS, pinyin_initials, pinyin_sort_key


def test_names_sort_as_a_dictionary_orders_them() -> None:
    names = ["赵", "连", "李安", "章伟", "张伟", "阿卜杜热合曼·买买提依明·艾则孜", "单丽", "丁一", "吕布", "卢布", "李", "曾志伟",
             "㐂明", "Mary王"]
    assert sorted(names, key=pinyin_sort_key) == [
        "阿卜杜热合曼·买买提依明·艾则孜", "丁一", "李", "李安", "连", "卢布", "吕布", "Mary王", "单丽", "曾志伟", "张伟",
        "章伟", "赵", "㐂明"]
    assert sorted(names) != sorted(names, key=pinyin_sort_key)  # code points put 连 and 李 apart differently


def test_surnames_read_as_surnames_and_agree_with_the_initials() -> None:
    for surname, reading in SURNAME_READINGS.items():
        assert reading[0] == SURNAME_INITIALS[surname]
        if surname != "尉":  # Yù only in 尉迟 (below)
            assert pinyin_sort_key(surname + "明").startswith(reading)
    assert pinyin_sort_key("单雄信") < pinyin_sort_key("石头")  # Shàn, before shí
    assert pinyin_sort_key("尉迟恭").startswith("yu4chi2") and pinyin_sort_key("尉缭").startswith("wei4")
    assert pinyin_initials("单丽") == "sl"


def test_the_key_is_total_and_stable() -> None:
    assert pinyin_sort_key("张伟") != pinyin_sort_key("章伟")
    assert pinyin_sort_key(" 张伟 ") == pinyin_sort_key("张伟") and pinyin_sort_key("") == pinyin_sort_key(None) == ""
    longest = pinyin_sort_key("阿卜杜热合曼·买买提依明·艾则孜阿卜杜热合曼买买提")
    assert len(longest) <= 320
    import re

    for name in ("阿卜杜热合曼·买买提依明·艾则孜", "㐂明", "Mary王", "单 丽"):
        reading = pinyin_sort_key(name)[:-len(name.replace(" ", " ")) - 1]
        assert re.fullmatch(r"[a-z0-9]+", reading), reading  # no character a database collation would skip
