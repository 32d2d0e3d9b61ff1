"""`assist-desktop --help` and a mistyped command line speak Chinese throughout (issue 18): argparse's own
words (usage:, options, show this help message and exit, its errors) were English."""

from __future__ import annotations

import re

import pytest

from assist_desktop.cli import build_parser, main

ENGLISH = re.compile(r"\b(usage|options|positional arguments|show this help|show program's|error|required|"
                     r"invalid|unrecognized|argument)\b", re.I)


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("argv", [[], ["restore"], ["ledger", "import"], ["sync", "export"], ["print"], ["init"]])
def test_every_help_page_is_chinese(argv: list[str], capsys) -> None:
    text = _help(argv, capsys)
    assert text.startswith("用法：assist-desktop") and "选项" in text and "显示此帮助信息并退出" in text
    words = re.sub(r"--?[\w-]+", "", text)  # option names (--skip-invalid) are the command's own words
    assert not ENGLISH.search(words), ENGLISH.search(words)


def test_a_mistyped_command_line_is_told_in_chinese(capsys) -> None:
    for argv, said in ((["restore"], "缺少必需的参数：备份文件"), (["demo", "--families", "x"], "“x”不是有效的值"),
                       (["bogus"], "无效的选项"), (["check", "--frobnicate"], "无法识别的参数：--frobnicate")):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 2
        err = capsys.readouterr().err
        assert "错误：" in err and said in err, err
        assert not ENGLISH.search(err.replace("assist-desktop", "")), err


def test_the_version_option_says_what_it_does(capsys) -> None:
    assert "显示版本号并退出" in build_parser().format_help()


WINDOW_STARTS = [[], ["--db", "/srv/assist.sqlite"], ["--db=county.sqlite", "--demo"], ["--smoke"],
                 ["--demo", "--db", "a.sqlite", "--db", "b.sqlite"], ["--db", "postgresql://desk@192.168.1.10/county"]]


@pytest.mark.parametrize("argv", WINDOW_STARTS)
def test_the_windows_start_is_read_without_the_commands_parsers(argv: list[str], monkeypatch) -> None:
    """The desktop icon's start (P1: part of the login window's time) does not build the thirty commands'
    parsers, and reads exactly what the full parser reads."""
    from assist_desktop import cli

    full = vars(build_parser().parse_args(argv))
    seen: list[object] = []

    def no_full_parser():  # type: ignore[no-untyped-def]
        raise AssertionError("the full parser was built for the window's start")

    monkeypatch.setattr(cli, "build_parser", no_full_parser)
    monkeypatch.setattr(cli, "open_window", lambda args: seen.append(vars(args)) or 0)
    assert main(argv) == 0
    assert seen == [full]


@pytest.mark.parametrize("argv", [["--db"], ["--db", "postgresql://desk@host:port/county"], ["--de"], ["--db", "-x"],
                                  ["check", "--db", "x.sqlite"], ["--version"]])
def test_anything_else_goes_through_the_full_parser(argv: list[str], monkeypatch, capsys) -> None:
    """A command, an abbreviation or a mistake is read by the full parser, with its messages."""
    from assist_desktop import cli

    built: list[bool] = []
    real = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: built.append(True) or real())
    monkeypatch.setattr(cli, "open_window", lambda args: 0)
    monkeypatch.setitem(cli.COMMANDS, "check", lambda args: 0)
    try:
        main(argv)
    except SystemExit:
        pass
    assert built == [True]
    if argv[0] == "--db" and argv[1:] != []:
        assert "用法：assist-desktop" in capsys.readouterr().err
