"""The programme file: everything of the source text is there, and mistakes get one clear line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mimicmirror.config import DEFAULTS_DIR, defaults
from mimicmirror.errors import ConfigError
from mimicmirror.exercises.catalogue import load_catalogue, load_programme
from mimicmirror.face.measures import MEASURE_NAMES

SHIPPED = defaults().programme_path
TEXT = SHIPPED.read_text()


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(SHIPPED)


def test_every_exercise_of_the_source_text_is_in_the_programme_file(catalogue):
    expected = {
        "massage": {"massage_mouth_to_ear", "massage_chin_forehead", "massage_brush", "massage_tapping"},
        "mimic": {"raise_brows", "frown", "nose_wrinkle", "nostril_flare", "lips_outward",
                  "assisted_smile", "lift_corner"},
        "eyelid": {"look_down", "assisted_eye_closure", "brow_relax_lid", "close_eyes", "squint"},
        "other": {"say_well", "say_aaa", "say_ooo", "vowel_sequence", "smile_closed", "smile_teeth",
                  "cheek_puff", "lips_tight", "read_aloud"},
    }
    for group, ids in expected.items():
        assert {e.id for e in catalogue.exercises.values() if e.group == group} == ids


def test_massage_is_guided_and_timed_and_mimic_exercises_are_measured(catalogue):
    for e in catalogue.exercises.values():
        if e.group == "massage":
            assert e.kind == "guided" and e.seconds > 0 and not e.moves
        if e.group == "mimic":
            assert e.tracked and e.moves and e.reps > 0
        for m in e.moves:
            assert m.measure in MEASURE_NAMES and m.direction in (1, -1) and m.target > 0


def test_lifting_one_mouth_corner_then_the_other_runs_one_set_per_side(catalogue):
    lift = catalogue.exercises["lift_corner"]
    assert lift.sides_in_order("left") == ("left", "right")
    assert lift.sides_in_order("right") == ("right", "left")
    assert catalogue.exercises["raise_brows"].sides_in_order("left") == (None,)


def test_mouth_exercises_watch_the_eye_and_the_eye_exercises_do_not(catalogue):
    for eid in ("lips_outward", "assisted_smile", "say_well", "say_ooo", "smile_closed", "smile_teeth"):
        assert "eye_opening" in catalogue.exercises[eid].quiet
    for eid in ("close_eyes", "squint"):
        assert catalogue.exercises[eid].quiet == ()
    rule = catalogue.quiet["eye_opening"]
    assert (rule.direction, rule.max_change, rule.cue) == (-1, 0.25, "Keep your eye soft")


def test_the_squint_is_cued_as_gentle(catalogue):
    squint = catalogue.exercises["squint"]
    assert "gentle" in squint.title.lower() or "gentle" in squint.caution.lower()
    assert squint.moves[0].target < catalogue.exercises["close_eyes"].moves[0].target


def test_reading_aloud_shows_a_passage_and_the_cheek_puff_holds_three_to_five_seconds(catalogue):
    assert len(catalogue.exercises["read_aloud"].passage.split()) >= 20
    assert 3 <= catalogue.exercises["cheek_puff"].hold_seconds <= 5


def test_clinical_defaults_match_the_design(catalogue):
    r = catalogue.rules
    assert (r.overactivity_ratio, r.overactivity_reps) == (1.5, 2)
    assert r.release_threshold < r.start_threshold <= r.target_low < 1 < r.target_high
    assert "Stop" in catalogue.cues["stop"] and "hurts" in catalogue.cues["stop"]
    assert catalogue.cues["head_turned"] == "Turn your face to the mirror"


def test_the_early_programme_is_massage_and_eye_care_only(catalogue):
    early = catalogue.programmes["early"]
    assert {e.group for e in early.exercises} == {"massage", "eyelid"}
    assert "squint" not in {e.id for e in early.exercises}


def test_the_standard_programme_has_everything(catalogue):
    assert {e.id for e in catalogue.programmes["standard"].exercises} == set(catalogue.exercises)


def test_dosing_changes_an_exercise_only_in_its_programme(catalogue):
    gentle = {e.id: e for e in catalogue.programmes["gentle"].exercises}
    early = {e.id: e for e in catalogue.programmes["early"].exercises}
    assert catalogue.exercises["close_eyes"].reps == 5
    assert gentle["close_eyes"].reps == 3 and early["close_eyes"].reps == 3
    assert gentle["cheek_puff"].hold_seconds == 3 and catalogue.exercises["cheek_puff"].hold_seconds == 4


def test_every_rule_and_pace_setting_in_the_file_is_commented():
    """The therapist's documented place: a setting has its own comment or sits under one."""
    lines = TEXT.splitlines()
    section = None
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line
        if section in ("[rules]", "[flow]", "[quiet.eye_opening]") and re.match(r"^\w+ = ", line):
            above = i - 1
            while re.match(r"^\w+ = ", lines[above]):
                above -= 1
            assert "#" in line or lines[above].startswith("#"), line


def test_switching_the_squint_off_removes_it_from_every_programme(tmp_path):
    path = write(tmp_path, TEXT.replace("enabled = true   # a therapist", "enabled = false   # a therapist"))
    assert "squint" not in {e.id for e in load_programme(path, "standard").exercises}


def test_an_unknown_programme_name_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"no programme 'daily' \(known: early, gentle, standard\)"):
        load_programme(SHIPPED, "daily")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exercises.toml"
    path.write_text(text)
    return path


BROWS = """[exercises.raise_brows]
group = "mimic"
kind = "tracked"
moves = [{ measure = "brow_height", direction = 1, target = 0.055 }]
reps = 5
hold_seconds = 3
side = "both"
"""


@pytest.mark.parametrize("old, new, message", [
    ('reps = 5', 'reps = 5\nrepetitions = 4',
     r"\[exercises.raise_brows\] unknown key repetitions"),
    ('reps = 5', 'reps = "five"', r"\[exercises.raise_brows\] reps = 'five': must be a whole number"),
    ('reps = 5', 'reps = 0', r"\[exercises.raise_brows\] reps = 0: must be a whole number from 1 to 50"),
    ('measure = "brow_height"', 'measure = "brow_lift"',
     r"\[exercises.raise_brows\] moves\[0\].measure = 'brow_lift': must be one of"),
    ('direction = 1, target = 0.055', 'direction = 2, target = 0.055',
     r"\[exercises.raise_brows\] moves\[0\].direction = 2: must be one of 1, -1"),
    ('side = "both"', 'side = "middle"',
     r"\[exercises.raise_brows\] side = 'middle': must be one of 'both', 'affected'"),
    ('kind = "tracked"\nmoves', 'kind = "guided"\nmoves',
     r"\[exercises.raise_brows\] moves: not used by a guided exercise"),
    ('reps = 5', 'reps = 5\nquiet = ["cheek"]', r"\[exercises.raise_brows\] quiet: unknown quiet measure 'cheek'"),
    ('reps = 5', 'reps = 5\ntitle = "Brows up"',
     r"\[exercises.raise_brows\] title: the words are in the language files"),
    ('group = "mimic"', 'group = "mime"', r"\[exercises.raise_brows\] group = 'mime': must be one of"),
])
def test_a_bad_exercise_is_one_line_naming_file_exercise_and_key(tmp_path, old, new, message):
    assert BROWS in TEXT
    path = write(tmp_path, TEXT.replace(BROWS, BROWS.replace(old, new, 1)))
    refused_in_one_line(path, message)


@pytest.mark.parametrize("old, new, message", [
    ('"raise_brows", "frown",', '"raise_brows", "frowning",',
     r"\[programmes.standard\] exercises: unknown exercise 'frowning'"),
    ('dose.raise_brows = { reps = 3 }', 'dose.raise_brows = { seconds = 3 }',
     r"\[programmes.gentle\] dose.raise_brows.seconds: not used by a tracked exercise"),
    ('dose.raise_brows = { reps = 3 }', 'dose.frown = { reps = 3 }',
     r"\[programmes.gentle\] dose.frown: not in this programme's exercises"),
    ('overactivity_ratio = 1.5', 'overactivity_ratio = "high"',
     r"\[rules\] overactivity_ratio = 'high': must be a number from 1 to 10"),
    ('start_threshold = 0.35', 'start_threshold = 0.1',
     r"\[rules\] thresholds must satisfy release_threshold < start_threshold"),
    ('[flow]', '[pace]', r"unknown table \[pace\]"),
    ('exercises = [\n    "massage_mouth_to_ear", "raise_brows"', 'exercises = [\n    "massage_mouth_to_ear", "massage_mouth_to_ear", "raise_brows"',
     r"\[programmes.gentle\] exercises: an exercise is listed twice"),
])
def test_a_bad_rule_or_programme_is_one_line_naming_file_table_and_key(tmp_path, old, new, message):
    assert old in TEXT
    path = write(tmp_path, TEXT.replace(old, new, 1))
    refused_in_one_line(path, message)


def refused_in_one_line(path: Path, message: str) -> None:
    """Loading the programme fails with one line that starts with the file's name and says `message`."""
    with pytest.raises(ConfigError) as err:
        load_programme(path, "standard")
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: ")
    assert re.search(message, text), text


def test_a_file_that_is_not_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[rules\noops")
    with pytest.raises(ConfigError, match=f"{re.escape(str(path))}: not valid TOML"):
        load_programme(path, "standard")


def test_a_missing_file_names_the_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_programme(tmp_path / "nope.toml", "standard")


def with_texts(tmp_path: Path, old: str = "", new: str = "", language: str = "en") -> Path:
    """The shipped programme file with the shipped language files beside it, one text changed."""
    from mimicmirror.language import TEXTS_DIR

    (tmp_path / "texts").mkdir()
    for lang in TEXTS_DIR.glob("*.toml"):
        text = lang.read_text()
        if lang.stem == language and old:
            assert old in text
            text = text.replace(old, new, 1)
        (tmp_path / "texts" / lang.name).write_text(text)
    return write(tmp_path, TEXT)


@pytest.mark.parametrize("old, new, message", [
    ('relax = "Relax"', 'relax = "Relax {side:d}"', "write the placeholder plainly, as {side}"),
    ('eye_opening = "Keep your eye soft"', 'eye_opening = "Keep your {eye} soft"',
     "unknown placeholder {eye}"),
    ('fatigue = "Good work.', 'tiredness = "Good work.', "[cues] unknown key tiredness"),
    ('part = "brow"', 'part = "{side} brow"', "[exercises.raise_brows] part = '{side} brow': unknown placeholder"),
])
def test_a_bad_text_is_refused_at_load_in_one_line_naming_the_language_file(tmp_path, old, new, message):
    path = with_texts(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_catalogue(path)
    assert "\n" not in str(err.value) and str(err.value).startswith(str(tmp_path / "texts" / "en.toml"))
    assert message in str(err.value), str(err.value)


@pytest.mark.parametrize("old, new, message", [
    ('hold = "Sanft halten"\n', '', "[cues] hold is missing"),
    ('one_side_first = "Zuerst {side}."', 'one_side_first = "Zuerst die schwache Seite."',
     "[screen] one_side_first = 'Zuerst die schwache Seite.': placeholders must be {side}, as in en.toml"),
    ('[exercises.close_eyes]\ntitle = "Augen schließen"\n', '[exercises.close_eyes]\n',
     "[exercises.close_eyes] title is missing"),
])
def test_a_missing_or_half_translated_text_is_one_line_at_load(tmp_path, old, new, message):
    path = with_texts(tmp_path, old, new, language="de")
    with pytest.raises(ConfigError) as err:
        load_catalogue(path, "de")
    assert "\n" not in str(err.value) and str(err.value).startswith(str(tmp_path / "texts" / "de.toml"))
    assert message in str(err.value), str(err.value)


def test_the_words_come_from_the_users_language(tmp_path):
    german = load_programme(SHIPPED, "standard", "de")
    english = load_programme(SHIPPED, "standard", "en")
    assert german.cues["hold"] == "Sanft halten" and english.cues["hold"] == "Hold it gently"
    assert [e.id for e in german.exercises] == [e.id for e in english.exercises]
    assert german.exercises[0].title != english.exercises[0].title
    assert german.quiet["eye_opening"].cue == "Das Auge locker lassen"


def test_a_programme_entry_that_is_not_an_id_is_one_line(tmp_path):
    from mimicmirror.config import defaults
    from mimicmirror.errors import ConfigError
    from mimicmirror.exercises.catalogue import load_catalogue

    text = defaults().programme_path.read_text().replace(
        '"massage_mouth_to_ear", "raise_brows", "lips_outward"', '{ id = 1 }, "raise_brows", "lips_outward"')
    bad = tmp_path / "exercises.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError, match="is not an exercise id"):
        load_catalogue(bad)


def test_the_practice_cue_is_the_cards_first_whole_sentence_never_a_line_cut_at_its_comma():
    from mimicmirror.config import LANGUAGES

    for code in LANGUAGES:
        for ex in load_catalogue(DEFAULTS_DIR / "exercises.toml", code).exercises.values():
            assert ex.prompt.rstrip('"').endswith((".", "!", "?")), (code, ex.id, ex.prompt)
            assert ex.prompt.startswith(ex.cues[0].strip())
    cheeks = load_catalogue(DEFAULTS_DIR / "exercises.toml").exercises["cheek_puff"]
    assert cheeks.prompt == "Fill your cheeks with air, keep your lips closed and hold for 3 to 5 seconds."


def test_a_shipped_programme_is_named_in_the_language_and_a_therapists_own_by_its_file(tmp_path):
    text = (DEFAULTS_DIR / "exercises.toml").read_text()
    (tmp_path / "exercises.toml").write_text(text + '\n[programmes.clinic]\ntitle = "Dr. Weber, Woche 3"\n'
                                             'for_whom = "Nur die Augen"\nexercises = ["close_eyes"]\n')
    german = load_catalogue(tmp_path / "exercises.toml", "de").programmes
    assert (german["early"].title, german["early"].for_whom) == (
        "Frühe Phase", "Die ersten Wochen: nur Massage und Augenpflege.")
    assert (german["clinic"].title, german["clinic"].for_whom) == ("Dr. Weber, Woche 3", "Nur die Augen")
    assert load_catalogue(tmp_path / "exercises.toml").programmes["early"].title == "Early care"
