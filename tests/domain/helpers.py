"""Shared checks for the domain tests."""

import re

_CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_chinese(message: str, *needles: str) -> None:
    """A user-facing message is Chinese and names the problem."""
    assert _CJK.search(message), f"not Chinese: {message!r}"
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
