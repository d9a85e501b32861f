"""Languages: one catalogue per language, complete, with the same placeholders, and words that fit."""

from __future__ import annotations

import string
import tomllib

import pygame
import pytest

from mimicmirror.config import LANGUAGES, defaults
from mimicmirror.display.theme import MIRROR
from mimicmirror.errors import ConfigError
from mimicmirror.exercises.catalogue import load_programme
from mimicmirror.language import REFERENCE, TEXTS_DIR, load_language
from mimicmirror.screen import Phase, Screen, ScreenKind, SideBar, SummaryRow
from glass_lines import cut_texts, fitted_lines


def flat(data: dict, prefix: str = "") -> dict[str, object]:
    """Every text of a catalogue by its dotted key."""
    out: dict[str, object] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def names(text: object) -> set[str]:
    lines = text if isinstance(text, list) else [text]
    return {n for line in lines for _, n, _, _ in string.Formatter().parse(line) if n is not None}


def test_english_and_german_ship():
    assert set(LANGUAGES) >= {"en", "de"}


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != REFERENCE])
def test_every_language_has_every_text_with_the_same_placeholders(code):
    reference = flat(tomllib.loads((TEXTS_DIR / f"{REFERENCE}.toml").read_text()))
    mine = flat(tomllib.loads((TEXTS_DIR / f"{code}.toml").read_text()))
    assert sorted(mine) == sorted(reference)
    for key, text in reference.items():
        assert names(mine[key]) == names(text), key
        assert isinstance(mine[key], list) == isinstance(text, list), key
        if isinstance(text, list):
            assert len(mine[key]) > 0, key
        elif text:
            assert mine[key], f"{key} is empty in {code}"


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != REFERENCE])
def test_a_translation_is_not_the_english_word_for_word(code):
    """Said as a therapist of that language would: no English sentence left over."""
    reference = flat(tomllib.loads((TEXTS_DIR / f"{REFERENCE}.toml").read_text()))
    mine = flat(tomllib.loads((TEXTS_DIR / f"{code}.toml").read_text()))
    same = [k for k, v in reference.items() if isinstance(v, str) and len(v.split()) > 2 and mine[k] == v]
    assert same == []


def test_a_language_without_a_catalogue_is_one_line_naming_those_there_are(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_language("fr")
    assert "\n" not in str(err.value) and "no texts for language 'fr' (known: de, en)" in str(err.value)


def test_the_config_offers_exactly_the_languages_with_a_catalogue():
    from mimicmirror.config import SCHEMA
    assert SCHEMA["user"]["language"].choices == LANGUAGES


@pytest.fixture(scope="module")
def drawn_lines():
    """Every German text drawn on the mirror's screens, portrait and landscape: the lines that came out."""
    pygame.init()
    german = load_programme(defaults().programme_path, "standard", "de")
    lang = german.language
    theme = MIRROR.in_language(lang.display)
    words = lang.words
    screens = []
    for ex in german.exercises:
        lines = tuple(c.format(side="links", other="rechts") for c in ex.cues)
        screens.append(Screen(ScreenKind.INSTRUCTION, title=ex.title, lines=(words.ONE_SIDE_FIRST.format(side="links"),
                                                                         *lines),
                              warning=ex.caution or german.cues["stop"], footer=words.FOOTERS[ScreenKind.INSTRUCTION],
                              progress=(1, 25), reps_target=5))
        screens.append(Screen(ScreenKind.GUIDED, title=ex.title, lines=lines, passage=ex.passage,
                              countdown=10, countdown_total=30, footer=words.FOOTERS[ScreenKind.GUIDED]))
    bars = (SideBar("left", 0.5, affected=True), SideBar("right", 1.2))
    for ex in german.exercises:       # the card's first sentence is the cue while practising
        prompt = ex.prompt.format(side="links", other="rechts")
        for side in ("left", "right", None):
            screens.append(Screen(ScreenKind.PRACTICE, title=ex.title, lines=(prompt,), cue=prompt, cue_side=side,
                                  phase=Phase.MOVE, rep=0, reps_target=5, bars=bars, progress=(3, 25),
                                  footer=words.FOOTERS[ScreenKind.PRACTICE]))
    for cue in (*german.cues.values(), *lang.quiet.values()):
        cue = cue.format(side="links", strong="rechts")
        for side in ("left", "right", None):
            screens.append(Screen(ScreenKind.PRACTICE, title="Lächeln mit geschlossenen Lippen",
                                  lines=("Lächeln Sie, ohne die Zähne zu zeigen.",), cue=cue, cue_side=side,
                                  phase=Phase.RELEASE, rep=2, reps_target=5, bars=bars, progress=(3, 25),
                                  footer=words.FOOTERS[ScreenKind.PRACTICE]))
    rows = tuple(SummaryRow(ex.id, ex.title, reps=n % 3, symmetry=None if n % 3 == 0 else 0.8,
                            symmetry_7d=0.7, symmetry_28d=0.6, trend=(0.5, 0.6, 0.7),
                            affected_movement=0.05, affected_first_week=0.04, skipped=n % 5 == 0)
                 for n, ex in enumerate(german.exercises[:8]))
    screens.append(Screen(ScreenKind.SESSION_SUMMARY, title=words.SUMMARY_TITLE_BY_REASON["time_cap"], rows=rows,
                          sentence=words.SESSION_SENTENCE_BETTER.format(side="links", part="der Mundwinkel"),
                          warning=words.SIDE_CHECK.format(side="rechts"), footer=words.FOOTERS[ScreenKind.SESSION_SUMMARY]))
    screens.append(Screen(ScreenKind.EXERCISE_SUMMARY, title="Lächeln mit Unterstützung", rows=rows[1:2],
                          sentence=words.EXERCISE_SENTENCE_SIDES.format(weaker="links", stronger="rechts", percent=64),
                          footer=words.FOOTERS[ScreenKind.EXERCISE_SUMMARY]))
    screens.append(Screen(ScreenKind.PAUSED, title=words.PAUSED_TITLE, lines=words.PAUSED_NO_FACE,
                          footer=words.FOOTERS[ScreenKind.PAUSED]))
    return fitted_lines(screens, theme)


def test_long_german_words_are_never_cut_on_the_glass(drawn_lines):
    cut = cut_texts(drawn_lines)
    assert len(drawn_lines) > 500
    assert cut == []
