"""The words around the exercises (the mirror's own notices, the settings menu, the USB stick's news,
lining up, the hardware check) come from the language catalogue like everything else on the glass."""

from __future__ import annotations

from dataclasses import replace

import pygame
import pytest

from mimicmirror.clock import SimClock
from mimicmirror.commands.check import Check
from mimicmirror.config import defaults
from mimicmirror.display.theme import MIRROR
from mimicmirror.events import ButtonEvent, ButtonName
from mimicmirror.exercises.catalogue import load_catalogue, load_programme
from mimicmirror.exercises.engine import Engine
from mimicmirror.exercises.settings_menu import MenuChoices, ProgrammeChoice
from mimicmirror.language import load_language
from mimicmirror.lastgood import Settings
from mimicmirror.reflection.calibration import Calibrating
from mimicmirror.reflection.follow import mounting_from
from mimicmirror.screen import Screen, ScreenKind
from mimicmirror.service import Notifier, Service
from mimicmirror.stick import outcome as o
from mimicmirror.stick.mailbox import Mailbox
from mimicmirror.store.db import Store
from glass_lines import cut_texts, fitted_lines

GERMAN = load_language("de")
CONFIG = replace(defaults(), sections={**defaults().sections,
                                       "user": {**defaults()["user"], "language": "de"}})
CHOICES = MenuChoices.from_schema(tuple(ProgrammeChoice(n, p.title, p.for_whom)
                                        for n, p in load_catalogue(CONFIG.programme_path).programmes.items()))


def german_engine(first_start: bool = False) -> Engine:
    return Engine(load_programme(CONFIG.programme_path, "standard", "de"), CONFIG, choices=CHOICES,
                  first_start=first_start)


class _Still:
    def events(self, *args) -> list:
        return []

    def show(self, *args) -> None:
        pass

    def clear_reference(self) -> None:
        pass


def german_service(tmp_path, mailbox=None) -> Service:
    return Service(config=CONFIG, engine=german_engine(), camera=None, buttons=_Still(), display=_Still(),
                   store=Store.open(tmp_path / "mimicmirror.db"), analyzer=_Still(),
                   notifier=Notifier.from_env({}), clock=SimClock(start=10.0), mailbox=mailbox)


def test_a_german_mirror_says_that_it_runs_on_its_last_good_settings_in_german(tmp_path):
    service = german_service(tmp_path)
    problem = "/etc/mimicmirror/mimicmirror.toml: [user] daily_sessions = 9: must be a whole number from 1 to 6"
    service.add_settings_notice(Settings(CONFIG, problems=(problem,), source="last good"))
    service.notices.next()
    shown = service.shown
    assert shown.title == "Einstellungen nicht übernommen" and shown.footer == "WEITER: weiter"
    # the problem as `config check` words it (file and key), then what runs instead, in German
    assert shown.lines == (problem, "Der Spiegel nutzt die letzten Einstellungen, die funktioniert haben.")


def test_a_german_mirror_words_the_stick_units_outcome_in_german(tmp_path):
    stick_side = Mailbox(tmp_path / "stick")
    service = german_service(tmp_path, mailbox=Mailbox(tmp_path / "stick"))
    stick_side.post([o.Outcome(o.SETTINGS_REFUSED, "mimicmirror.toml: [user] affected_side = 'middle'"),
                     o.Outcome(o.SAVED, "MIMIC-2026-11-29")])
    service._check_mailbox()
    assert service.shown.title == "USB-Stick" and service.shown.footer == "WEITER: weiter"
    assert service.shown.lines == (
        "Einstellungen vom Stick nicht übernommen: mimicmirror.toml: [user] affected_side = 'middle'",
        "Bericht gespeichert. Sie können den Stick jetzt abziehen.")


def test_the_settings_menu_speaks_the_mirrors_language():
    engine = german_engine(first_start=True)
    t = 100.0
    screen = engine.screen
    assert (screen.title, screen.choice, screen.footer) == (
        "Welche Gesichtshälfte ist gelähmt?", "Links", "WEITER: nächste Einstellung  ·  NOCHMAL: ändern")
    pages = {}
    for _ in range(12):
        pages[screen.title] = screen
        screen = engine.handle(ButtonEvent(t, ButtonName.NEXT)).screen
        t += 0.5
    assert {"Welche Übungen?", "Einheiten pro Tag", "Ton", "Diese Einstellungen speichern?",
            "Ohne Speichern verlassen?"} <= set(pages)
    if "Sprache" in pages:
        assert pages["Sprache"].choice == "Deutsch"       # each language as it names itself
    assert pages["Ton"].choice == "Stimme und Töne"
    assert pages["Welche Übungen?"].lines == ("Später: alle Übungen, etwa zehn Minuten.",)
    summary = pages["Diese Einstellungen speichern?"].lines
    assert summary[0] == "Gelähmte Seite: links" and "3 Einheiten pro Tag" in summary


def test_lining_up_speaks_the_mirrors_language():
    screen = Calibrating(mounting_from(CONFIG), GERMAN.line_up).screen()
    assert screen.title == "Augen ausrichten"
    assert screen.warning == "Kein Gesicht gefunden: Bitte vor den Spiegel stellen"


def test_the_check_asks_on_the_glass_in_the_mirrors_language_and_in_english_in_the_terminal():
    said, shown = [], []

    class Glass:
        def show(self, screen: Screen) -> None:
            shown.append(screen.title)

    class Pressed:
        def events(self, *args):
            return [ButtonEvent(0.0, ButtonName.NEXT)]

    check = Check(CONFIG, SimClock(start=0.0), press_within=1.0, face_within=1.0, out=said.append)
    check.display = Glass()
    result = check.check_button(Pressed(), ButtonName.NEXT, "next", None)
    assert shown == ["Jetzt WEITER drücken"]
    assert said == ["Press NEXT now (within 1 s) ..."] and result.status == "PASS"


@pytest.fixture(scope="module")
def german_caregiving_lines():
    """Every German text of the new tables drawn on the screens they appear on: the last line of each."""
    pygame.init()
    notices, stick, menu, check, line_up = GERMAN.notices, GERMAN.stick, GERMAN.menu, GERMAN.check, GERMAN.line_up
    filled = {"detail": "mimicmirror.toml: [user] daily_sessions = 9: must be a whole number from 1 to 6",
              "setting": "daily sessions", "value": "3", "before": "2", "n": 2}
    cont = notices["continue"]
    screens = [
        Screen(ScreenKind.NOTICE, title=notices["store_title"], lines=notices["store_lines"], footer=cont),
        Screen(ScreenKind.NOTICE, title=notices["clock_title"], lines=notices["clock_lines"], footer=cont),
        Screen(ScreenKind.NOTICE, title=notices["settings_title"],
               lines=(filled["detail"], notices["settings_last_good"]), footer=cont),
        Screen(ScreenKind.NOTICE, title=notices["settings_title"],
               lines=(filled["detail"], notices["settings_standard"]), footer=cont),
        Screen(ScreenKind.NOTICE, title=notices["not_saved_title"], lines=notices["not_saved_lines"], footer=cont),
        Screen(ScreenKind.NOTICE, title=notices["lined_up_title"], lines=(notices["lined_up_line"],), footer=cont),
        Screen(ScreenKind.NOTICE, title=notices["line_up_cancelled"], footer=cont),
    ]
    for kind in o.KINDS:
        said = o.Outcome(kind, filled["detail"], changes=(("user.affected_side", "right", "left"),
                                                          ("user.programme", "gentle", "standard"),
                                                          ("sound.mode", "chimes", "voice"),
                                                          ("camera.fps", "15", "10")), more=3,
                         new_programme=True).said(GERMAN)
        screens.append(Screen(ScreenKind.NOTICE, title=stick["title"], lines=(said, stick["saved"]), footer=cont))
    for page in ("affected_side", "programme", "daily_sessions", "sound", "language", "line_up", "save", "leave"):
        line = menu.get(f"{page}_line", "")
        for choice in ("choice_left", "choice_voice", "choice_chimes", "choice_line_up", "choice_save",
                       "choice_leave"):
            screens.append(Screen(ScreenKind.SETTINGS, title=menu[page], lines=(line,) if line else (),
                                  choice=menu[choice], progress=(3, 9), cue_side="left",
                                  footer=menu[f"footer_{page}"] if f"footer_{page}" in menu else menu["footer_item"]))
    summary = (menu["summary_side"].format(side="rechts"), menu["summary_programme"].format(programme="Sanft"),
               menu["summary_sessions"].format(n=3), menu["summary_other"].format(setting=menu["sound"],
                                                                                  value=menu["choice_voice"]))
    screens += [Screen(ScreenKind.SETTINGS, title=menu["save"], lines=summary, choice=menu["choice_save"],
                       progress=(9, 9), footer=menu["footer_save"]),
                Screen(ScreenKind.NOTICE, title=menu["saved_title"], lines=summary, footer=menu["footer_done"]),
                Screen(ScreenKind.NOTICE, title=menu["left_title"], footer=menu["footer_done"]),
                Screen(ScreenKind.NOTICE, title=check["title"], lines=check["screen_lines"]),
                Screen(ScreenKind.NOTICE, title=check["title"], lines=(check["sound_line"],)),
                Screen(ScreenKind.NOTICE, title=check["title"], lines=(check["camera_line"],)),
                Screen(ScreenKind.NOTICE, title=check["press"].format(button=check["key_repeat"]))]
    for lines in ((line_up["wait"],), (line_up["align"],)):
        screens.append(Screen(ScreenKind.CALIBRATION, title=line_up["title"], lines=lines,
                              warning=line_up["no_face"], footer=line_up["footer"]))
    return fitted_lines(screens, MIRROR.in_language(GERMAN.display))


def test_the_german_words_around_the_exercises_are_never_cut_on_the_glass(german_caregiving_lines):
    cut = cut_texts(german_caregiving_lines)
    assert len(german_caregiving_lines) > 200
    assert cut == []


def test_a_stick_that_switches_the_mirror_to_german_is_answered_in_german(tmp_path):
    from mimicmirror.settings import save

    path = tmp_path / "etc" / "mimicmirror.toml"
    path.parent.mkdir()
    english = replace(defaults(), path=path)
    stick_side = Mailbox(tmp_path / "stick")
    service = Service(config=english, engine=Engine(load_programme(english.programme_path, "standard"), english,
                                                   choices=CHOICES),
                      camera=None, buttons=_Still(), display=_Still(), store=Store.open(tmp_path / "m.db"),
                      analyzer=_Still(), notifier=Notifier.from_env({}), clock=SimClock(start=10.0),
                      mailbox=Mailbox(tmp_path / "stick"))
    chosen = {s: dict(v) for s, v in english.sections.items()}
    chosen["user"]["language"] = "de"
    save(chosen, path)                                            # what the stick unit wrote
    stick_side.post([o.Outcome(o.SETTINGS_CHANGED, changes=(("user.language", "de", "en"),)), o.Outcome(o.SAVED)])
    service._check_mailbox()
    assert service.shown.title == "USB-Stick"
    assert service.shown.lines[0] == "Neue Einstellungen vom Stick: Sprache: Deutsch (vorher English)."
