"""Settings on the glass: a menu worked by the two buttons alone.

NEXT goes on to the next setting, REPEAT changes the one shown; the last two
screens are "save" and "leave without saving" (REPEAT does it there). One
setting per screen, in big words, so it reads through the mirror glass. The
affected side is drawn on the side it names (behind a mirror the person's
left is on the viewer's left).

Pure: the menu holds the chosen values and hands them out on "save"
(`Step.settings`); the service writes the same checked, commented file that
`mimicmirror setup` writes and gives the engine its new settings. Leaving
without saving hands out nothing. The choices come from the settings schema
and the programme file (`MenuChoices`), so a new language or programme shows
up here without a change to this module. The words are data: the language
catalogue's [settings_menu] (texts/<language>.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

from ..errors import ConfigError
from ..screen import Screen, ScreenKind

if TYPE_CHECKING:
    from ..language import Language
    from .engine import Engine

#: Seconds without a press before a menu opened with the buttons closes unsaved (first start: never).
IDLE_CLOSE_S = 120.0
#: Seconds the "saved" / "nothing changed" screen stays.
DONE_S = 5.0

#: The page of each setting and its explaining line: keys of the language catalogue's [settings_menu]
#: (texts/<language>.toml), where every word of the menu is.
EXPLAINED = ("affected_side", "daily_sessions", "sound", "language", "line_up", "leave")
#: A choice's words in [settings_menu], per setting and value (the others are shown as they are).
CHOICE_KEYS = MappingProxyType({
    "affected_side": {"left": "choice_left", "right": "choice_right"},
    "sound": {"voice": "choice_voice", "chimes": "choice_chimes", "off": "choice_off"},
})


def language_name(code: str, beside: Language) -> str:
    """A language as it names itself ("Deutsch"), from its own catalogue beside `beside`'s."""
    from ..language import language

    if code == beside.code:
        return beside.name
    try:
        return language(code, beside.path.parent).name
    except ConfigError:
        return code


@dataclass(frozen=True)
class ProgrammeChoice:
    name: str
    title: str
    for_whom: str = ""


@dataclass(frozen=True)
class MenuChoices:
    """What may be chosen, from the schema and the programme file; fixed while the mirror runs."""

    programmes: tuple[ProgrammeChoice, ...]
    daily_sessions: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    languages: tuple[str, ...] = ("en",)
    sound_modes: tuple[str, ...] = ()      # empty: no sound settings on this mirror
    line_up: bool = False                  # the bars stand on the reflection: offer to line them up

    @classmethod
    def from_schema(cls, programmes: tuple[ProgrammeChoice, ...]) -> MenuChoices:
        from ..config import SCHEMA

        daily = SCHEMA["user"]["daily_sessions"]
        sound = SCHEMA.get("sound", {}).get("mode")
        return cls(programmes=programmes,
                   daily_sessions=tuple(range(int(daily.min or 1), int(daily.max or 6) + 1)),
                   languages=tuple(SCHEMA["user"]["language"].choices or ("en",)),
                   sound_modes=tuple(sound.choices or ()) if sound is not None else ())


@dataclass(frozen=True)
class Item:
    """One setting on the menu: where it lives in the config, and the values it cycles through."""

    name: str
    section: str
    key: str
    values: tuple[Any, ...]


@dataclass
class Menu:
    """The menu's cursor and the values chosen so far (nothing is saved until "save")."""

    items: tuple[Item, ...]
    chosen: dict[str, Any]
    first_start: bool = False
    at: int = 0
    saved: bool = False
    programme_lines: Mapping[str, ProgrammeChoice] = field(default_factory=dict)
    line_up: bool = False          # a page that starts lining the bars up with the reflection

    @classmethod
    def open(cls, choices: MenuChoices, current: Mapping[str, Mapping[str, Any]], first_start: bool) -> Menu:
        items = [Item("affected_side", "user", "affected_side", ("left", "right")),
                 Item("programme", "user", "programme", tuple(p.name for p in choices.programmes)),
                 Item("daily_sessions", "user", "daily_sessions", choices.daily_sessions)]
        if choices.sound_modes:
            items.append(Item("sound", "sound", "mode", choices.sound_modes))
        if len(choices.languages) > 1:
            items.append(Item("language", "user", "language", choices.languages))
        chosen = {i.name: current.get(i.section, {}).get(i.key, i.values[0]) for i in items}
        return cls(tuple(items), chosen, first_start,
                   programme_lines={p.name: p for p in choices.programmes}, line_up=choices.line_up)

    # the pages after the settings: lining up (when offered), save, leave
    @property
    def pages(self) -> int:
        return len(self.items) + int(self.line_up) + 2

    @property
    def page(self) -> str:
        if self.at < len(self.items):
            return self.items[self.at].name
        after = self.at - len(self.items) - int(self.line_up)
        return "line_up" if after < 0 else ("save" if after == 0 else "leave")

    def next(self) -> None:
        self.at = (self.at + 1) % self.pages

    def change(self) -> None:
        item = self.items[self.at]
        values = item.values
        now = self.chosen[item.name]
        self.chosen[item.name] = values[(values.index(now) + 1) % len(values)] if now in values else values[0]

    def sections(self, current: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """The whole config to save: the current one with the menu's choices in it."""
        out = {s: dict(v) for s, v in current.items()}
        for item in self.items:
            out.setdefault(item.section, {})[item.key] = self.chosen[item.name]
        return out

    def shown(self, name: str, said: Language) -> str:
        """A chosen value in the words of `said` (a language's catalogue)."""
        return choice_words(name, self.chosen[name], said, self.programme_lines.get(self.chosen[name]))

    def programme_words(self, name: str, said: Language) -> tuple[str, str]:
        """A programme's title and who it is for (see `programme_words`)."""
        return programme_words(name, said, self.programme_lines.get(name))

    def summary(self, said: Language) -> tuple[str, ...]:
        """Every choice on one short line each, for the save page and the "saved" screen."""
        return tuple(summary_line(item.name, self.chosen[item.name], said,
                                  self.programme_lines.get(self.chosen[item.name])) for item in self.items)


#: The menu's settings by where they live in the config (a USB stick's changes are named so too).
SETTING_OF = MappingProxyType({("user", "affected_side"): "affected_side", ("user", "programme"): "programme",
                               ("user", "daily_sessions"): "daily_sessions", ("sound", "mode"): "sound",
                               ("user", "language"): "language"})


def programme_words(name: str, said: Language, choice: ProgrammeChoice | None = None) -> tuple[str, str]:
    """A programme's title and who it is for: a shipped one's from the language (so a language
    chosen on the menu shows at once), a therapist's own from the programme file (`choice`)."""
    words = said.programmes.get(name, {})
    return (words.get("title") or (choice.title if choice else "") or name,
            words.get("for_whom") or (choice.for_whom if choice else ""))


def choice_words(name: str, value: Any, said: Language, choice: ProgrammeChoice | None = None) -> str:
    """A value of the menu's setting `name` in the words of `said` ("right" -> "Rechts")."""
    key = CHOICE_KEYS.get(name, {}).get(value)
    if key is not None:
        return said.menu[key]
    if name == "programme":
        return programme_words(str(value), said, choice)[0]
    if name == "language":
        return language_name(str(value), said)
    return str(value)


def summary_line(name: str, value: Any, said: Language, choice: ProgrammeChoice | None = None) -> str:
    """The menu's setting `name` set to `value`, as one short line ("Palsy on the right side")."""
    words = said.menu
    if name == "affected_side":
        return words["summary_side"].format(side=said.side(value))
    if name == "daily_sessions":
        return words["summary_one_session" if str(value) == "1" else "summary_sessions"].format(n=value)
    if name == "programme":
        return words["summary_programme"].format(programme=choice_words(name, value, said, choice))
    return words["summary_other"].format(setting=words[name], value=choice_words(name, value, said, choice))


# --- the handlers the state table names (mixed into Engine) ---------------------------------

def _state(name: str) -> Any:
    """A state by name (the state table imports this module, so not the other way round at load)."""
    from .states import State
    return State[name]


class SettingsHandlers:
    """Open, move through, change, save or leave the menu."""

    menu: Menu | None
    menu_choices: MenuChoices
    settings_now: Mapping[str, Mapping[str, Any]]

    if TYPE_CHECKING:
        out: Any
        timing: Any
        def _goto(self, state: Any) -> None: ...

    def open_settings(self, first_start: bool = False) -> None:
        self.menu = Menu.open(self.menu_choices, self.settings_now, first_start)
        self._goto(_state("SETTINGS"))

    def menu_next(self) -> None:
        assert self.menu is not None
        self.menu.next()
        self.timing.restart()

    def menu_change(self) -> None:
        assert self.menu is not None
        page = self.menu.page
        if page == "line_up":                     # the service runs it, then the menu goes on
            self.out.line_up.append(True)
            self.timing.restart()
        elif page == "save":
            self.out.settings.append(self.menu.sections(self.settings_now))
            self.menu.saved = True
            self._goto(_state("SETTINGS_DONE"))
        elif page == "leave":
            self.menu.saved = False
            self._goto(_state("SETTINGS_DONE"))
        else:
            self.menu.change()
            self.timing.restart()

    def leave_settings(self) -> None:
        """Nobody pressed anything for a while: close, unsaved."""
        assert self.menu is not None
        self.menu.saved = False
        self._goto(_state("SETTINGS_DONE"))

    def close_settings(self) -> None:
        self.menu = None
        self._goto(_state("IDLE"))


def menu_timeout(e: Engine) -> float:
    return float("inf") if e.menu is not None and e.menu.first_start else IDLE_CLOSE_S


# --- screens ---------------------------------------------------------------------------------

def settings_screen(e: Engine) -> Screen:
    menu = e.menu
    assert menu is not None
    words = e.language.menu
    page = menu.page
    progress = (menu.at + 1, menu.pages)
    explain = words.get(f"{page}_line", "") if page in EXPLAINED else ""
    if page in ("save", "leave", "line_up"):
        return Screen(ScreenKind.SETTINGS, title=words[page],
                      lines=menu.summary(e.language) if page == "save" else (explain,),
                      choice=words[f"choice_{page}"], progress=progress, footer=words[f"footer_{page}"])
    if page == "programme":
        explain = menu.programme_words(menu.chosen[page], e.language)[1]
    side = menu.chosen[page] if page == "affected_side" else None
    return Screen(ScreenKind.SETTINGS, title=words[page], lines=(explain,) if explain else (),
                  choice=menu.shown(page, e.language), cue_side=side, progress=progress,
                  footer=words["footer_item"])


def settings_done_screen(e: Engine) -> Screen:
    menu = e.menu
    saved = menu is not None and menu.saved
    words = e.language.menu
    return Screen(ScreenKind.NOTICE, title=words["saved_title" if saved else "left_title"],
                  lines=menu.summary(e.language) if saved and menu else (), footer=words["footer_done"])
