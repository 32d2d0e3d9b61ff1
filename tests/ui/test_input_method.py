"""The input method on Linux: a UOS/Kylin desktop asks Qt for fcitx, PySide6's Qt has only ibus (which fcitx 5
answers) — the window is pointed at what Qt has, an explicit choice that works is never overridden, and the
choice is in the program log. The decision is a pure function of the environment and Qt's plugin keys."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assist_desktop.ui.input_method import apply_input_method, choose_input_method, qt_input_method_keys

WHEEL = frozenset({"compose", "xim", "ibus", "qtvirtualkeyboard"})  # what PySide6's wheel ships
FCITX_ONLY = frozenset({"compose", "xim", "fcitx", "fcitx5"})  # a Qt with fcitx5-qt's plugin and no ibus
UOS = {"XMODIFIERS": "@im=fcitx", "GTK_IM_MODULE": "fcitx", "QT_IM_MODULE": "fcitx", "DISPLAY": ":0",
       "XDG_SESSION_TYPE": "x11"}


def test_fcitx_asked_and_only_ibus_there_falls_back_to_ibus() -> None:
    choice = choose_input_method(UOS, WHEEL)
    # no ibus-daemon on a UOS PC: Qt's ibus plugin reaches fcitx 5 over the IBus portal, else it gives up
    assert choice.set == {"QT_IM_MODULE": "ibus", "IBUS_USE_PORTAL": "1"} and not choice.warning
    assert "fcitx" in choice.summary and "ibus" in choice.summary and "portal" in choice.summary
    assert choose_input_method({**UOS, "QT_IM_MODULE": "fcitx5"}, WHEEL).module == "ibus"
    # ibus-daemon installed beside fcitx 5: the address file fcitx 5 writes is enough, no portal
    assert choose_input_method(UOS, WHEEL, ibus_daemon=True).set == {"QT_IM_MODULE": "ibus"}
    # the portal asked for (or refused) explicitly: left as it is
    assert choose_input_method({**UOS, "IBUS_USE_PORTAL": ""}, WHEEL).set == {"QT_IM_MODULE": "ibus"}


def test_ibus_asked_and_only_fcitx_there_falls_back_to_fcitx() -> None:
    env = {"XMODIFIERS": "@im=ibus", "QT_IM_MODULE": "ibus"}
    assert choose_input_method(env, FCITX_ONLY).set == {"QT_IM_MODULE": "fcitx5"}
    assert choose_input_method(env, {"compose", "fcitx"}).set == {"QT_IM_MODULE": "fcitx"}


@pytest.mark.parametrize("env, available", [
    ({"QT_IM_MODULE": "ibus"}, WHEEL),
    ({**UOS, "QT_IM_MODULE": "ibus"}, WHEEL),  # fcitx desktop, ibus asked for on purpose (made to work below)
    (UOS, FCITX_ONLY | {"ibus"}),  # a Qt that has the fcitx plugin: fcitx as asked
    ({**UOS, "QT_IM_MODULE": "none"}, WHEEL),  # no input method, on purpose
    ({**UOS, "QT_IM_MODULE": "compose"}, WHEEL),
    ({**UOS, "QT_IM_MODULE": "qtvirtualkeyboard"}, WHEEL),
    ({**UOS, "QT_IM_MODULE": "ibus:some-parameter"}, WHEEL),
    ({**UOS, "QT_IM_MODULES": "fcitx;ibus"}, WHEEL),  # Qt 6.7's list: ibus, its second, works
    ({"QT_IM_MODULE": "fcitx", "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0",
      "QT_IM_MODULES": "wayland;fcitx"}, WHEEL),  # Qt's own Wayland text input, first in the list
])
def test_an_explicit_choice_that_works_is_never_overridden(env: dict[str, str], available: frozenset[str]) -> None:
    choice = choose_input_method(env, available, ibus_daemon=True)
    assert choice.set == {} and not choice.warning, choice
    assert choose_input_method(env, available).module is None  # QT_IM_MODULE kept without ibus-daemon too


def test_ibus_asked_on_an_fcitx_desktop_without_ibus_daemon_goes_through_the_portal() -> None:
    choice = choose_input_method({**UOS, "QT_IM_MODULE": "ibus"}, WHEEL)
    assert choice.set == {"IBUS_USE_PORTAL": "1"} and "portal" in choice.summary


def test_nothing_asked_follows_what_the_desktop_runs() -> None:
    kylin = {"XMODIFIERS": "@im=fcitx"}  # fcitx started by the session, QT_IM_MODULE never set
    assert choose_input_method(kylin, WHEEL).set == {"QT_IM_MODULE": "ibus", "IBUS_USE_PORTAL": "1"}
    assert choose_input_method(kylin, FCITX_ONLY | {"ibus"}).set == {"QT_IM_MODULE": "fcitx5"}
    assert choose_input_method({"GTK_IM_MODULE": "fcitx5"}, WHEEL).module == "ibus"
    assert choose_input_method({"INPUT_METHOD": "ibus"}, WHEEL).set == {"QT_IM_MODULE": "ibus"}  # IBus's own
    # no input method anywhere: Qt's default (compose), nothing set
    plain = choose_input_method({"DISPLAY": ":0"}, WHEEL)
    assert plain.set == {} and not plain.warning
    # a Wayland session: Qt's own text input reaches the input method through the compositor
    wayland = {"XMODIFIERS": "@im=fcitx", "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    assert choose_input_method(wayland, WHEEL).set == {}
    # ... unless the program is told to run on xcb (XWayland)
    assert choose_input_method({**wayland, "QT_QPA_PLATFORM": "xcb"}, WHEEL).module == "ibus"


def test_xim_reaches_no_input_method_in_qt6_so_the_desktops_one_is_taken() -> None:
    # Qt 6's "xim" key is its compose plugin: an old fcitx 4 profile leaves the window without Chinese
    assert choose_input_method({"QT_IM_MODULE": "xim", "XMODIFIERS": "@im=fcitx"}, WHEEL).module == "ibus"
    assert choose_input_method({"QT_IM_MODULE": "xim"}, WHEEL).set == {}  # nothing says what runs: as asked


def test_qt_67s_list_is_rewritten_with_the_single_variable() -> None:
    choice = choose_input_method({**UOS, "QT_IM_MODULES": "fcitx5;fcitx"}, WHEEL)
    # Qt 6.7+ reads the list first: left as it was, the fallback would not be used
    assert choice.set == {"QT_IM_MODULE": "ibus", "QT_IM_MODULES": "ibus", "IBUS_USE_PORTAL": "1"}


def test_nothing_to_fall_back_on_is_a_warning_and_changes_nothing() -> None:
    choice = choose_input_method(UOS, {"compose", "xim"})
    assert choice.set == {} and choice.warning and "Chinese cannot be typed" in choice.summary
    assert choose_input_method({"XMODIFIERS": "@im=ibus"}, {"compose"}).warning


@pytest.mark.parametrize("system, env", [
    ("win32", UOS), ("darwin", UOS),  # the system's own input methods
    ("linux", {**UOS, "QT_QPA_PLATFORM": "offscreen"}),  # no window system: no input method
])
def test_left_alone_where_qt_needs_no_plugin(system: str, env: dict[str, str]) -> None:
    assert choose_input_method(env, WHEEL, system).set == {}


def test_the_keys_are_read_from_qts_own_plugins() -> None:
    keys = qt_input_method_keys()
    assert {"ibus", "compose", "xim"} <= keys  # the wheel's plugins, read from their metadata


def test_apply_sets_the_environment_and_logs_the_choice(monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    from assist_desktop.ui import input_method

    monkeypatch.setattr(input_method, "qt_input_method_keys", lambda: WHEEL)
    env = {**UOS, "QT_QPA_PLATFORM": "xcb", "PATH": str(Path(sys.executable).parent)}  # no ibus-daemon there
    with caplog.at_level(logging.INFO, logger="assist_desktop.ui.input_method"):
        choice = apply_input_method(env)
    assert env["QT_IM_MODULE"] == "ibus" and env["IBUS_USE_PORTAL"] == "1" and choice.module == "ibus"
    assert [r.getMessage() for r in caplog.records] == [choice.summary]
    assert caplog.records[0].levelno == logging.INFO


_CHILD = ("import logging, sys\n"
          "logging.basicConfig(level=logging.INFO, stream=sys.stdout, format='%(name)s: %(message)s')\n"
          "from assist_desktop.ui.app import make_application\n"
          "app = make_application([sys.argv[0]])\n"
          "print('platform', app.platformName())\n")


def _uos_start(tmp_path: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_IM_MODULE": "fcitx", "XMODIFIERS": "@im=fcitx",
           "GTK_IM_MODULE": "fcitx", "QT_DEBUG_PLUGINS": "1", "HOME": str(tmp_path),
           "XDG_RUNTIME_DIR": str(tmp_path)}
    for name in ("QT_IM_MODULES", "IBUS_USE_PORTAL", "IBUS_ADDRESS"):
        env.pop(name, None)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def _contexts_loaded(stderr: str) -> list[str]:
    """The input-context plugins Qt loaded, in order (QT_DEBUG_PLUGINS)."""
    return [line.split("platforminputcontexts/")[1].split(".so")[0] for line in stderr.splitlines()
            if "platforminputcontexts/" in line and line.rstrip().endswith("loaded library")]


def test_the_program_started_on_a_uos_desktop_asks_qt_for_ibus(tmp_path: Path) -> None:
    """The program's start (make_application) on Qt's xcb platform as a UOS desktop starts it
    (QT_IM_MODULE=fcitx): Qt loads its ibus plugin first, and the program log says why. Needs an X display
    (.ci/run's Xvfb)."""
    if not os.environ.get("DISPLAY") or not sys.platform.startswith("linux"):
        pytest.skip("needs an X display (.ci/run starts Xvfb)")
    done = _uos_start(tmp_path, [sys.executable, "-c", _CHILD])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "platform xcb" in done.stdout
    assert "assist_desktop.ui.input_method: input method: QT_IM_MODULE=ibus" in done.stdout
    loaded = _contexts_loaded(done.stderr)
    assert loaded and loaded[0] == "libibusplatforminputcontextplugin", done.stderr[-3000:]


def test_with_fcitx5_running_qts_ibus_plugin_reaches_it(tmp_path: Path) -> None:
    """A real fcitx 5 on a session bus (.ci/run installs it; no ibus-daemon): Qt's ibus plugin connects to it
    through the portal and stays — Qt falls back to compose (no Chinese) only when it cannot connect."""
    fcitx5, session = shutil.which("fcitx5"), shutil.which("dbus-run-session")
    if not os.environ.get("DISPLAY") or fcitx5 is None or session is None:
        pytest.skip("needs an X display, fcitx5 and dbus-run-session (.ci/run installs them)")
    if shutil.which("ibus-daemon"):
        pytest.skip("ibus-daemon installed: the portal is not what this PC needs")
    script = tmp_path / "session.sh"
    script.write_text(
        f'"{fcitx5}" --disable=wayland,waylandim,kimpanel,notificationitem >"{tmp_path}/fcitx5.log" 2>&1 &\n'
        "fcitx=$!\n"
        # fcitx 5 writes IBus's address file once its ibus front end (and the portal) is up
        f'i=0; until ls "{tmp_path}"/.config/ibus/bus/*-unix-* >/dev/null 2>&1 || [ $i -gt 100 ]; do\n'
        "  sleep 0.1; i=$((i+1)); done\n"
        f'"{sys.executable}" -c "$1"; code=$?\n'
        "kill $fcitx; wait $fcitx 2>/dev/null; exit $code\n", encoding="utf-8")
    done = _uos_start(tmp_path, [session, "--", "sh", str(script), _CHILD])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "IBUS_USE_PORTAL" not in os.environ
    assert "QT_IM_MODULE=ibus" in done.stdout and "portal" in done.stdout
    # only ibus: no compose after it, which Qt loads when the ibus plugin cannot connect
    assert set(_contexts_loaded(done.stderr)) == {"libibusplatforminputcontextplugin"}, done.stderr[-3000:]
