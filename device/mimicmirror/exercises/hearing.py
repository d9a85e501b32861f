"""What should be heard, decided from the screen before and after one event.

The person may have their eyes closed (seven exercises are done that way) or
be watching their face during a hold rather than reading, so every change
that matters is also heard: a chime for the rhythm of a repetition (move,
hold, a soft count through long holds, let go, set done) and the same words
the glass shows. Deciding it from the two screens keeps one source of truth:
what is heard is always what is shown, at the moment it is shown.

Pure: no sound is played here; the service hands the result to the sound edge.
"""

from __future__ import annotations

import math
from typing import Mapping

from ..heard import Heard
from ..screen import Phase, Screen, ScreenKind

#: A hold at least this long gets a soft tick each second after the first.
COUNT_FROM_SECONDS = 4.0

#: Screens that speak their heading and lines when they appear.
SPOKEN_SCREENS = (ScreenKind.GREETING, ScreenKind.NEUTRAL, ScreenKind.INSTRUCTION, ScreenKind.GUIDED,
                  ScreenKind.PAUSED, ScreenKind.NOTICE)


class Hearing:
    """Turns a pair of screens into the chimes and words to play.

    `cue_ids` maps each coaching cue's text (as shown) to its id, so the
    rhythm cues ("again", "relax") get their chimes whatever their wording.
    """

    def __init__(self, cue_ids: Mapping[str, str]) -> None:
        self.cue_ids = dict(cue_ids)

    def __call__(self, before: Screen, after: Screen) -> tuple[Heard, ...]:
        if _new_screen(before, after):
            return self._screen(before, after)
        if after.kind is ScreenKind.PRACTICE:
            return self._practice(before, after)
        out = []
        if after.cue and after.cue != before.cue:
            out.append(Heard(self.cue_ids.get(after.cue, "cue"), None, after.cue))
        if after.warning and after.warning != before.warning and after.kind is ScreenKind.NEUTRAL:
            out.append(Heard("warning", None, after.warning))
        return tuple(out)

    def _screen(self, before: Screen, after: Screen) -> tuple[Heard, ...]:
        kind = after.kind
        finished_set = before.kind is ScreenKind.PRACTICE and kind in (ScreenKind.INSTRUCTION,
                                                                      ScreenKind.EXERCISE_SUMMARY)
        out: list[Heard] = [Heard("done", "done")] if finished_set else []
        if kind is ScreenKind.PRACTICE:
            out.append(Heard(self.cue_ids.get(after.cue, "move"), "move", after.cue))
        elif kind is ScreenKind.GUIDED and before.kind is ScreenKind.INSTRUCTION:
            out.append(Heard("start", "move"))      # the card's words were just said: only "begin now"
        elif kind in SPOKEN_SCREENS:
            out.append(_said(kind.value, None, after.title, *after.lines))
            if after.cue:
                out.append(Heard(self.cue_ids.get(after.cue, "cue"), None, after.cue))
        elif kind is ScreenKind.EXERCISE_SUMMARY:
            out.append(_said(kind.value, None, after.cue, after.sentence))
        elif kind is ScreenKind.SESSION_SUMMARY:
            out.append(_said(kind.value, "done", after.title, after.sentence, after.warning))
        return tuple(h for h in out if h.chime or h.text)

    def _practice(self, before: Screen, after: Screen) -> tuple[Heard, ...]:
        out: list[Heard] = []
        cue_changed = after.cue != before.cue
        if after.phase != before.phase and after.phase in (Phase.HOLD, Phase.RELEASE):
            # the chime always; the words when the glass shows this phase's own cue (a warning
            # still showing there was said already)
            cue = "hold" if after.phase is Phase.HOLD else "release"
            said = after.cue if self.cue_ids.get(after.cue) in (cue, "more", "less") else ""
            out.append(Heard(cue, cue, said))
        elif after.rep > before.rep and after.rep >= after.reps_target > 0:
            out.append(Heard("done", "done"))
        elif cue_changed and after.cue and not (after.cue not in self.cue_ids and after.phase is Phase.MOVE):
            # (a movement starting brings the card's first line back: the person is already moving)
            cue = self.cue_ids.get(after.cue, "cue")
            out.append(Heard(cue, "move" if cue == "again" else None, after.cue))
        elif after.phase is Phase.HOLD and before.phase is Phase.HOLD and _ticked(before, after):
            out.append(Heard("count", "count"))
        if after.warning and after.warning != before.warning:
            out.append(Heard("warning", None, after.warning))
        return tuple(out)


def _new_screen(before: Screen, after: Screen) -> bool:
    return (before.kind, before.exercise_id, before.title) != (after.kind, after.exercise_id, after.title)


def _ticked(before: Screen, after: Screen) -> bool:
    """A whole second of a long hold passed (not the first: the hold chime has just sounded)."""
    if before.countdown is None or after.countdown is None or (after.countdown_total or 0) < COUNT_FROM_SECONDS:
        return False
    total = after.countdown_total
    return math.ceil(after.countdown) < math.ceil(before.countdown) and math.ceil(after.countdown) < total \
        and after.countdown > 0


def sentence(text: str) -> str:
    """A piece of screen text as a sentence, for the sound log (the voice speaks each piece alone)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?:," else text + "."


def _said(cue: str, chime: str | None, *pieces: str) -> Heard:
    """Screen texts spoken in order, each piece as on the glass (each rendered once and reused)."""
    parts = tuple(p.strip() for p in pieces if p.strip())
    return Heard(cue, chime, " ".join(sentence(p) if i + 1 == len(parts) or parts[i + 1][:1].isupper()
                                      else p for i, p in enumerate(parts)), parts)
