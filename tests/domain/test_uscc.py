"""Unified social credit codes, GB 32100 (DESIGN.md §3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist_desktop.domain.uscc import ALPHABET, InvalidUscc, parse_uscc, uscc_check_character

from .helpers import assert_chinese

first17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)
valid_codes = first17.map(lambda s: s + uscc_check_character(s))


def test_alphabet_leaves_out_look_alike_letters():
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)


@pytest.mark.parametrize(
    "code",
    [
        "91110000802100433B",
        # Letters in the organisation-code part (positions 9-17) are valid too.
        "91350100M000100Y43",
    ],
)
def test_published_codes_are_valid(code):
    assert parse_uscc(code) == code


@given(valid_codes)
def test_generated_codes_round_trip(code):
    assert parse_uscc(code) == code


@given(valid_codes, st.data())
def test_typing_variants_normalise(code, data):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    variant = data.draw(
        st.sampled_from([code.lower(), full_width, f" {code[:8]} {code[8:]}\n", code[:9] + "\u200b" + code[9:]])
    )
    assert parse_uscc(variant) == code


@given(valid_codes, st.integers(0, 16), st.integers(1, 30))
def test_any_single_character_change_is_caught(code, position, shift):
    char = ALPHABET[(ALPHABET.index(code[position]) + shift) % 31]
    changed = code[:position] + char + code[position + 1 :]
    with pytest.raises(InvalidUscc) as caught:
        parse_uscc(changed)
    assert_chinese(caught.value.message, "校验位错误")


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ["不能为空"]),
        ("110105000012345", ["15位", "工商注册号"]),
        ("91110000802100433", ["18位", "17位"]),
        ("9111000080210043IB", ["第17位", "“I”"]),
        ("91110000802100433O", ["第18位", "“O”"]),
        ("911100008021-0433B", ["第13位", "“-”"]),
        ("91110000802100433C", ["校验位错误"]),
    ],
)
def test_bad_codes_get_a_chinese_message(text, needles):
    with pytest.raises(InvalidUscc) as caught:
        parse_uscc(text)
    assert_chinese(caught.value.message, *needles)
    assert caught.value.field == "统一社会信用代码"
