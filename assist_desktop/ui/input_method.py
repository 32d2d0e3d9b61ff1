"""Which input method Qt talks to on Linux (QT_IM_MODULE), decided before the QApplication exists.

A caseworker on UOS or Kylin types Chinese through fcitx (often Sogou Pinyin on it); the desktop asks Qt for
``QT_IM_MODULE=fcitx``. PySide6's wheel — and so this program's bundle — ships Qt's ``ibus`` and ``compose``
input-context plugins only, and a plugin Qt cannot find silently leaves the window on ``compose``: no Chinese
at all. fcitx 5 also speaks IBus's protocol (its ibus front end, on by default), so ``ibus`` reaches it — over
the IBus portal where no ibus-daemon is installed (Qt's ibus plugin gives up without one otherwise); the
reverse is tried for an IBus desktop and a Qt that has only the fcitx plugin. A system fcitx plugin is not
borrowed: it is built against the system's Qt and its private interfaces, which need not match ours.

``choose_input_method`` is the decision, a pure function of the environment and the plugin keys Qt has;
``apply_input_method`` gathers those keys, applies the decision to ``os.environ`` and writes it to the
program log. An explicit choice that works (its plugin is there, or ``none``, or Qt's own ``wayland``) is
never overridden.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

FCITX = frozenset({"fcitx", "fcitx5"})
IBUS = frozenset({"ibus"})
# Keys Qt handles without a plugin of this folder: "none" (no input method, asked for on purpose), and the
# Wayland platform's own text-input ("wayland", Qt 6.7+).
BUILT_IN = frozenset({"none", "wayland"})


@dataclass(frozen=True)
class InputMethodChoice:
    """What to do with the environment: ``set`` holds the variables to set (empty: leave it alone);
    ``summary`` is the program log's line."""

    set: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    warning: bool = False  # the caseworker may be unable to type Chinese: logged as a warning

    @property
    def module(self) -> str | None:
        return self.set.get("QT_IM_MODULE")


def _modules(value: str | None) -> list[str]:
    """``QT_IM_MODULES`` is a ';' list (Qt 6.7+); a key may carry parameters after ':'."""
    return [part.split(":", 1)[0].strip().lower() for part in (value or "").split(";") if part.strip()]


def _platform(env: Mapping[str, str]) -> str:
    """The platform Qt will take: QT_QPA_PLATFORM's first, else Wayland in a Wayland session, else xcb."""
    asked = _modules(env.get("QT_QPA_PLATFORM"))
    if asked:
        return asked[0]
    if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" and env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def _hinted(env: Mapping[str, str]) -> str | None:
    """The input method the desktop runs, as the other toolkits are told it (X11's XMODIFIERS, GTK's module,
    im-config's INPUT_METHOD): 'fcitx', 'ibus' or None."""
    xmodifiers = env.get("XMODIFIERS", "").lower()
    hints = [xmodifiers.split("@im=", 1)[1].split("@")[0].strip() if "@im=" in xmodifiers else "",
             env.get("GTK_IM_MODULE", ""), env.get("INPUT_METHOD", ""), env.get("SDL_IM_MODULE", "")]
    for hint in (h.strip().lower() for h in hints):
        if hint in FCITX:
            return "fcitx"
        if hint in IBUS:
            return "ibus"
    return None


def _usable(key: str, available: frozenset[str], platform: str) -> bool:
    return key in available or key == "none" or (key == "wayland" and platform == "wayland")


def _serving(family: frozenset[str], available: frozenset[str]) -> str | None:
    """The key of ``family`` that Qt has, fcitx 5's own first."""
    for key in ("fcitx5", "fcitx", "ibus"):
        if key in family and key in available:
            return key
    return None


def choose_input_method(env: Mapping[str, str], available: Iterable[str], system: str = "linux", *,
                        ibus_daemon: bool = False) -> InputMethodChoice:
    """The decision. ``available``: the keys of Qt's input-context plugins (``qt_input_method_keys``);
    ``system``: ``sys.platform``; ``ibus_daemon``: an ``ibus-daemon`` program is installed.

    Qt's ibus plugin declares itself unusable unless ``ibus-daemon`` is installed or ``IBUS_USE_PORTAL`` is set
    (then it reaches ``org.freedesktop.portal.IBus`` on the session bus — which fcitx 5's ibus front end
    serves). A UOS or Kylin PC has fcitx and no ibus: where ibus stands in for fcitx, the portal is asked for."""
    if not system.startswith("linux"):
        return InputMethodChoice(summary=f"input method: left to the system ({system})")
    keys = frozenset(k.lower() for k in available)
    platform = _platform(env)
    if platform not in ("xcb", "wayland"):
        return InputMethodChoice(summary=f"input method: none needed on Qt platform {platform}")
    listed = _modules(env.get("QT_IM_MODULES"))  # Qt 6.7+ reads this list first
    asked = listed or _modules(env.get("QT_IM_MODULE"))
    have = ", ".join(sorted(keys)) or "none"
    hint = _hinted(env)

    fcitx_runs = hint == "fcitx" or bool(FCITX & set(asked))
    portal = fcitx_runs and not ibus_daemon and "IBUS_USE_PORTAL" not in env  # fcitx reached through ibus

    def use(key: str, why: str) -> InputMethodChoice:
        changes = {"QT_IM_MODULE": key}
        if listed:
            changes["QT_IM_MODULES"] = key  # else Qt 6.7+ would still read the list that does not work
        if key == "ibus" and portal:
            changes["IBUS_USE_PORTAL"] = "1"
            why += "; through the IBus portal (no ibus-daemon here)"
        return InputMethodChoice(changes, f"input method: QT_IM_MODULE={key} ({why}; Qt has {have})")

    def lacking(why: str) -> InputMethodChoice:
        return InputMethodChoice(summary=f"input method: {why} (Qt has {have}): Chinese cannot be typed",
                                 warning=True)

    wanted = ";".join(asked)
    if asked:
        working = next((k for k in asked if _usable(k, keys, platform)), None)
        # Qt 6 has no XIM: its "xim" key is the compose plugin, which reaches no input method; with a desktop
        # that says which one runs, that one is taken instead
        if working is not None and not (working == "xim" and hint is not None and platform == "xcb"):
            if working == "ibus" and portal:  # kept as asked, and made to work: fcitx runs and no ibus-daemon
                return InputMethodChoice({"IBUS_USE_PORTAL": "1"}, "input method: ibus as the environment asks, "
                                         f"through the IBus portal (fcitx runs, no ibus-daemon; Qt has {have})")
            return InputMethodChoice(summary=f"input method: {working} as the environment asks (Qt has {have})")
        if FCITX & set(asked):
            key = _serving(FCITX, keys) or _serving(IBUS, keys)
            if key is None:
                return lacking(f"the environment asks for {wanted}, which this Qt lacks, and has no ibus either")
            return use(key, f"the environment asks for {wanted}, which this Qt lacks"
                            + ("; fcitx 5 answers IBus's protocol" if key == "ibus" else ""))
        if IBUS & set(asked):
            key = _serving(IBUS, keys) or _serving(FCITX, keys)
            if key is None:
                return lacking(f"the environment asks for {wanted}, which this Qt lacks, and has no fcitx either")
            return use(key, f"the environment asks for {wanted}, which this Qt lacks"
                            + ("; fcitx's plugin reaches fcitx only" if key != "ibus" else ""))
        if platform == "wayland":
            return use("wayland", f"the environment asks for {wanted}, which this Qt lacks; Wayland's text input")
        if hint is None:
            return lacking(f"the environment asks for {wanted}, which this Qt lacks")
    elif hint is None:
        return InputMethodChoice(summary=f"input method: none asked for, Qt's default (Qt has {have})")
    elif platform == "wayland":
        # Qt's own text input reaches fcitx 5 and IBus through the compositor: nothing to choose
        return InputMethodChoice(summary=f"input method: Wayland's text input to {hint} (Qt has {have})")
    assert hint is not None
    why = f"QT_IM_MODULE={wanted}, which Qt 6 cannot use" if asked else "QT_IM_MODULE unset"
    family, other = (FCITX, IBUS) if hint == "fcitx" else (IBUS, FCITX)
    key = _serving(family, keys) or _serving(other, keys)
    if key is None:
        return lacking(f"{why}; the desktop runs {hint}, for which Qt has no plugin")
    return use(key, f"{why}; the desktop runs {hint}"
                    + ("; fcitx 5 answers IBus's protocol" if hint == "fcitx" and key == "ibus" else ""))


def qt_input_method_keys() -> frozenset[str]:
    """The keys of the input-context plugins this Qt would load, read from the plugins' metadata (nothing is
    loaded): every folder of Qt's library paths (its own, QT_PLUGIN_PATH's), plugins of another major version
    or a newer Qt left out as Qt leaves them."""
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QPluginLoader

    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), *QCoreApplication.libraryPaths(),
               *os.environ.get("QT_PLUGIN_PATH", "").split(os.pathsep)]
    ours = QLibraryInfo.version()
    running = (ours.majorVersion() << 16) | (ours.minorVersion() << 8) | ours.microVersion()
    keys: set[str] = set()
    for folder in dict.fromkeys(f for f in folders if f):
        directory = Path(folder) / "platforminputcontexts"
        if not directory.is_dir():
            continue
        for plugin in sorted(directory.iterdir()):
            meta = QPluginLoader(str(plugin)).metaData()
            version = int(meta.get("version", 0) or 0)
            if not meta or version >> 16 != running >> 16 or version > running:
                continue
            keys.update(str(k).lower() for k in (meta.get("MetaData") or {}).get("Keys", []))
    return frozenset(keys)


def apply_input_method(environ: MutableMapping[str, str] | None = None) -> InputMethodChoice:
    """Decide for this process, set the variables before Qt reads them, and say so in the program log."""
    environ = os.environ if environ is None else environ
    linux = sys.platform.startswith("linux")
    choice = choose_input_method(environ, qt_input_method_keys() if linux else (), sys.platform,
                                 ibus_daemon=linux and shutil.which("ibus-daemon", path=environ.get("PATH")) is not None)
    environ.update(choice.set)
    log.log(logging.WARNING if choice.warning else logging.INFO, "%s", choice.summary)
    return choice
