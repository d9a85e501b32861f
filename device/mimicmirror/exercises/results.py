"""Exercise results and the words the summaries find for them.

Each finished exercise leaves one `ExerciseResult`. The exercise summary says
in one sentence whether the sides moved evenly; the session summary names the
clearest gain of the affected side over last week, and hints when today's
reps suggest the palsy is on the other side than the one configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..clinical import named_weaker, percent
from ..history import History
from ..screen import SummaryRow
from ..sides import Side, other
from .catalogue import Exercise, Rules


@dataclass(frozen=True)
class ExerciseResult:
    """One exercise's outcome for the summaries."""

    reps: int
    symmetry: float | None
    weaker: Side | None
    affected_movement: float | None
    skipped: bool
    ended_early: str | None


def summary_row(ex: Exercise, title: str, result: ExerciseResult, history: History) -> SummaryRow:
    """One line of a summary: today's result beside the exercise's history."""
    h = history.exercises.get(ex.id)
    return SummaryRow(ex.id, title, reps=result.reps, symmetry=result.symmetry,
                      weaker=result.weaker,
                      symmetry_7d=h.symmetry_7d if h else None,
                      symmetry_28d=h.symmetry_28d if h else None,
                      trend=h.trend if h else (),
                      affected_movement=result.affected_movement,
                      affected_first_week=h.affected_first_week if h else None,
                      skipped=result.skipped)


def exercise_sentence(result: ExerciseResult, rules: Rules, texts: Any, say: Callable[[Side], str]) -> str:
    """Whether the sides moved evenly in this exercise, in one sentence (`texts`: the language's
    words, `say`: a side in that language)."""
    if result.skipped:
        return texts.EXERCISE_SENTENCE_SKIPPED
    if result.symmetry is None or result.weaker is None:
        return texts.EXERCISE_SENTENCE_DONE
    weaker = named_weaker(result.symmetry, result.weaker, rules.even_from)
    if weaker is None:
        return texts.EXERCISE_SENTENCE_EVEN
    return texts.EXERCISE_SENTENCE_SIDES.format(weaker=say(weaker), stronger=say(other(weaker)),
                                                percent=percent(result.symmetry))


def side_check(results: Mapping[str, ExerciseResult], affected: Side, rules: Rules, texts: Any,
               say: Callable[[Side], str]) -> str:
    """A gentle hint when today's reps suggest the palsy is on the other side."""
    uneven = [r.weaker for r in results.values()
              if not r.skipped and r.weaker is not None and r.symmetry is not None
              and r.symmetry < rules.side_check_uneven_below]
    if len(uneven) < rules.side_check_exercises:
        return ""
    unaffected = other(affected)
    if uneven.count(unaffected) / len(uneven) < rules.side_check_share:
        return ""
    return texts.SIDE_CHECK.format(side=say(unaffected))


def session_sentence(results: Mapping[str, ExerciseResult], exercises: Mapping[str, Exercise],
                     history: History, affected: Side, rules: Rules, texts: Any,
                     say: Callable[[Side], str]) -> str:
    """One plain sentence: the clearest gain of the affected side over last week."""
    done = {eid: r for eid, r in results.items() if not r.skipped}
    if not done:
        return texts.SESSION_SENTENCE_NOTHING
    best: tuple[float, str] | None = None
    compared = False
    for eid, r in done.items():
        h = history.exercises.get(eid)
        if r.affected_movement is None or h is None or not h.affected_last_week:
            continue
        compared = True
        gain = r.affected_movement / h.affected_last_week
        if gain >= rules.better_from and (best is None or gain > best[0]):
            best = (gain, eid)
    if best is not None:
        return texts.SESSION_SENTENCE_BETTER.format(side=say(affected), part=exercises[best[1]].part)
    return texts.SESSION_SENTENCE_KEPT.format(side=say(affected)) if compared else texts.SESSION_SENTENCE_FIRST
