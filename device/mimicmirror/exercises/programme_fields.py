"""The keys of the programme file (config/exercises.toml): each table's fields as data.

A field names its type, default, range, choices and placeholders (`schema.Field`);
`catalogue` checks the file against these tables. A new rule, pace setting or
exercise key is one line here (and a line with its comment in the file).
"""

from __future__ import annotations

from typing import Mapping

from ..face.measures import MEASURE_NAMES
from ..schema import Field

GROUPS = ("massage", "mimic", "eyelid", "other")
KINDS = ("guided", "tracked")
SIDE_MODES = ("both", "affected", "unaffected", "left", "right", "each")
#: Measures that are clearly positive on a relaxed face, so a change can be a fraction of it.
QUIET_MEASURES = ("eye_opening", "brow_height", "inner_brow", "mouth_corner_excursion",
                  "nose_ala", "cheek", "mouth_width")


RULES_FIELDS: Mapping[str, Field] = {
    "overactivity_ratio": Field(float, 1.5, min=1.0, max=10.0),
    "overactivity_reps": Field(int, 2, min=1, max=20),
    "break_after_warnings": Field(int, 2, min=1, max=20),
    "break_seconds": Field(float, 60.0, min=5, max=900),
    "fatigue_falls": Field(int, 2, min=1, max=20),
    "fatigue_drop": Field(float, 0.3, min=0.05, max=0.95),
    "noise_floor": Field(float, 0.15, min=0.01, max=0.9),
    "target_low": Field(float, 0.6, min=0.1, max=1.0),
    "target_high": Field(float, 1.4, min=1.0, max=5.0),
    "start_threshold": Field(float, 0.35, min=0.05, max=1.0),
    "release_threshold": Field(float, 0.2, min=0.01, max=1.0),
    "smoothing_frames": Field(int, 3, min=1, max=15),
    "min_rep_seconds": Field(float, 0.4, min=0.0, max=10.0),
    "hold_grace_seconds": Field(float, 5.0, min=1.0, max=60.0),
    "neutral_stillness": Field(float, 5.0, min=0.5, max=50.0),
    "even_from": Field(float, 0.9, min=0.5, max=1.0),
    "better_from": Field(float, 1.1, min=1.0, max=3.0),
    "side_check_exercises": Field(int, 3, min=1, max=20),
    "side_check_share": Field(float, 0.75, min=0.5, max=1.0),
    "side_check_uneven_below": Field(float, 0.85, min=0.1, max=1.0),
}

FLOW_FIELDS: Mapping[str, Field] = {
    "greeting_seconds": Field(float, 5.0, min=1, max=60),
    "instruction_seconds": Field(float, 6.0, min=1, max=120),
    "rest_seconds": Field(float, 2.0, min=0, max=60),
    "exercise_summary_seconds": Field(float, 5.0, min=1, max=120),
    "session_summary_seconds": Field(float, 45.0, min=5, max=3600),
    "cue_seconds": Field(float, 4.0, min=1, max=60),
    "no_movement_hint_seconds": Field(float, 20.0, min=3, max=600),
    "paused_end_seconds": Field(float, 600.0, min=30, max=86400),
}

_SIDE_TEXT = ("side", "other")
_STRONG_TEXT = ("side", "strong")

QUIET_FIELDS: Mapping[str, Field] = {
    "direction": Field(int, choices=(1, -1)),
    "max_change": Field(float, min=0.01, max=1.0),
    "min_seconds": Field(float, 0.5, min=0.0, max=10.0),
    "cue": Field(str, placeholders=_STRONG_TEXT),
}

CUE_IDS = ("overactivity", "break", "fatigue", "more", "less", "hold", "release", "relax",
           "again", "no_movement", "stop", "no_face", "several_faces", "face_too_small",
           "head_turned", "head_tilted")
CUES_FIELDS: Mapping[str, Field] = {name: Field(str, placeholders=_STRONG_TEXT) for name in CUE_IDS}

EXERCISE_FIELDS: Mapping[str, Field] = {
    "group": Field(str, choices=GROUPS),
    "title": Field(str, placeholders=_SIDE_TEXT),
    "part": Field(str),
    "kind": Field(str, choices=KINDS),
    "cues": Field(list, placeholders=_SIDE_TEXT),
    "moves": Field(list, ()),
    "reps": Field(int, 0, min=1, max=50),
    "hold_seconds": Field(float, 0.0, min=0, max=30),
    "seconds": Field(float, 0.0, min=1, max=1800),
    "side": Field(str, "both", choices=SIDE_MODES),
    "assist": Field(str, "", placeholders=_SIDE_TEXT),
    "caution": Field(str, "", placeholders=_SIDE_TEXT),
    "quiet": Field(list, ()),
    "passage": Field(str, ""),
    "enabled": Field(bool, True),
}
TRACKED_ONLY = ("moves", "reps", "hold_seconds", "quiet")
GUIDED_ONLY = ("seconds", "passage")

MOVE_FIELDS: Mapping[str, Field] = {
    "measure": Field(str, choices=MEASURE_NAMES),
    "direction": Field(int, choices=(1, -1)),
    "target": Field(float, min=0.001, max=90.0),
}

PROGRAMME_FIELDS: Mapping[str, Field] = {
    "title": Field(str, ""),        # the shipped programmes' are in the language files
    "for_whom": Field(str, ""),
    "exercises": Field(list),
    "dose": Field(dict, {}),
}
DOSE_FIELDS: Mapping[str, Field] = {k: EXERCISE_FIELDS[k] for k in ("reps", "hold_seconds", "seconds")}

TOP_LEVEL = ("rules", "flow", "quiet", "cues", "exercises", "programmes")
