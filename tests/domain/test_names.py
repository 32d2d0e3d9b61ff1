"""Names: pinyin initials for search and clean-up of typed names."""

import pytest

from assist_desktop.domain.names import InvalidName, normalise_name, pinyin_initials

from .helpers import assert_chinese


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("张伟", "zw"),
        # Heteronym surnames read differently from the character's common reading.
        ("单丽", "sl"),
        ("曾强", "zq"),
        ("仇明", "qm"),
        ("解放", "xf"),
        ("区华", "oh"),
        ("查良镛", "zly"),
        ("朴正", "pz"),
        ("盖聂", "gn"),
        ("尉迟恭", "ycg"),
        # The override is for the surname only.
        ("王单", "wd"),
        ("李曾", "lc"),
        # Latin letters kept and lowercased (also full-width); other characters dropped.
        ("Ａｌｉ张", "aliz"),
        ("买买提·艾力", "mmtal"),
        ("李 明", "lm"),
        ("", ""),
    ],
)
def test_initials(name, initials):
    assert pinyin_initials(name) == initials


def test_normalise_name():
    assert normalise_name("  李   明 ") == "李 明"
    assert normalise_name("张\u3000伟") == "张 伟"
    assert normalise_name("买买提·艾力") == "买买提·艾力"


@pytest.mark.parametrize(
    ("text", "needle"),
    [("", "不能为空"), ("  \n", "不能为空"), ("张3", "数字"), ("张３", "数字"), ("张" * 31, "过长")],
)
def test_bad_names(text, needle):
    with pytest.raises(InvalidName) as caught:
        normalise_name(text)
    assert_chinese(caught.value.message, "姓名", needle)
    assert caught.value.field == "姓名"
