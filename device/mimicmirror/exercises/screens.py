"""Screen builders: the engine's state, read and turned into one `Screen` model.

One function per state (named in the state table, `states.STATES`) plus the
two overlays that can cover any state: the camera notice and the pause.
Builders only read the engine; they never change it, so drawing a screen
twice gives the same screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..screen import Phase, Screen, ScreenKind, SideBar
from ..sides import SIDES, Side
from .reps import EPS
from .results import exercise_sentence, session_sentence, side_check, summary_row

if TYPE_CHECKING:
    from .engine import Engine


def idle(e: Engine) -> Screen:
    return Screen(ScreenKind.IDLE)


def attract(e: Engine) -> Screen:
    return Screen(ScreenKind.ATTRACT, title=e.words.ATTRACT_TITLE, lines=e.words.ATTRACT_LINES,
                  footer=e.words.FOOTERS[ScreenKind.ATTRACT])


def camera(e: Engine) -> Screen:
    """The camera is away: a calm notice, and how to end the session if one is running."""
    lines = e.words.CAMERA_LINES.get(e.timing.camera or "", e.words.CAMERA_LINES[""])
    if e.in_session:
        lines = (*lines, e.words.CAMERA_IN_SESSION)
    footer = e.words.FOOTERS["camera_in_session" if e.in_session else "camera_idle"]
    return Screen(ScreenKind.NOTICE, title=e.words.CAMERA_TITLE, lines=lines, footer=footer)


def paused(e: Engine) -> Screen:
    lines = e.words.PAUSED_BY_BUTTON if e.timing.paused == "button" else e.words.PAUSED_NO_FACE
    return Screen(ScreenKind.PAUSED, title=e.words.PAUSED_TITLE, lines=lines,
                  progress=e.progress(), footer=e.words.FOOTERS[ScreenKind.PAUSED])


def greeting(e: Engine) -> Screen:
    k = e.history.sessions_today + e.sessions_since_history + 1
    lines = [e.words.SESSION_OF.format(k=k, n=e.daily) if k <= e.daily
             else e.words.SESSION_EXTRA.format(k=k)]
    done = e.history.sessions_yesterday
    if done is not None and done < e.daily:
        lines.append(e.words.YESTERDAY_SHORT.format(done=done, n=e.daily))
    lines.append(e.words.SMALL_AND_SLOW)
    title = e.words.GREETING_TITLE_NAMED.format(name=e.name) if e.name else e.words.GREETING_TITLE
    return Screen(ScreenKind.GREETING, title=title, lines=tuple(lines), warning=e.cue_text("stop"),
                  countdown=e.timing.left(e.flow.greeting_seconds),
                  countdown_total=e.flow.greeting_seconds,
                  footer=e.words.FOOTERS[ScreenKind.GREETING])


def neutral(e: Engine) -> Screen:
    cap = e.neutral_capture
    return Screen(ScreenKind.NEUTRAL, title=e.words.NEUTRAL_TITLE, lines=e.words.NEUTRAL_LINES,
                  cue=e.words.KEEP_STILL if cap.retries else "", warning=e.warning,
                  countdown=round(max(0.0, e.neutral_s - cap.span), 2),
                  countdown_total=e.neutral_s, footer=e.words.FOOTERS[ScreenKind.NEUTRAL])


def _side_line(e: Engine) -> tuple[str, ...]:
    run = e.run
    if run.side is None:
        return ()
    if len(run.sides) == 1:
        return (e.words.ONE_SIDE_ONLY.format(side=e.say(run.side)),)
    template = e.words.ONE_SIDE_FIRST if run.index == 0 else e.words.ONE_SIDE_NOW
    return (template.format(side=e.say(run.side)),)


def instruction(e: Engine) -> Screen:
    ex = e.exercise
    lines = [*_side_line(e), *(e.fmt(c) for c in ex.cues)]
    if ex.assist:
        lines.append(e.words.ASSIST.format(assist=e.fmt(ex.assist)))
    return Screen(ScreenKind.INSTRUCTION, title=e.fmt(ex.title), lines=tuple(lines),
                  cue=e.cue.text if e.cue.showing else "", cue_side=e.run.side,
                  warning=e.fmt(ex.caution) or e.cue_text("stop"),
                  countdown=e.timing.left(e.flow.instruction_seconds),
                  countdown_total=e.flow.instruction_seconds,
                  reps_target=ex.reps, progress=e.progress(),
                  footer=e.words.FOOTERS[ScreenKind.INSTRUCTION])


def _phase_cue(e: Engine) -> tuple[str, Side | None]:
    """The cue for where the person is in the repetition, unless a given cue is still up."""
    run, ex = e.run, e.exercise
    cycle, side, elapsed = run.cycle, run.side, e.timing.elapsed
    if e.cue.showing:
        return e.cue.text, e.cue.side
    phase, level = cycle.phase, cycle.level
    if phase is Phase.REST:
        if elapsed - run.activity_at >= e.flow.no_movement_hint_seconds - EPS:
            return e.cue_text("no_movement"), side
        if run.set_reps == 0:
            return e.fmt(ex.prompt), side
        if elapsed - run.rest_at < e.flow.rest_seconds - EPS:
            return e.cue_text("relax"), side
        return e.cue_text("again"), side
    if phase is Phase.RELEASE:
        return e.cue_text("release"), side
    if level > e.rules.target_high:
        return e.cue_text("less"), side
    if phase is Phase.HOLD:
        return e.cue_text("hold" if cycle.in_zone(level) else "more"), side
    return e.fmt(ex.prompt), side


def _bars(e: Engine) -> tuple[SideBar, ...]:
    return tuple(SideBar(side, round(max(0.0, e.run.bars.on(side)), 3), e.rules.target_low,
                         e.rules.target_high, affected=side == e.affected) for side in SIDES)


def practice(e: Engine) -> Screen:
    ex, cycle = e.exercise, e.run.cycle
    cue, cue_side = _phase_cue(e)
    holding = cycle.phase is Phase.HOLD and ex.hold_seconds > 0
    return Screen(ScreenKind.PRACTICE, title=e.fmt(ex.title),
                  lines=(*_side_line(e), e.fmt(ex.prompt)),
                  cue=cue, cue_side=cue_side, warning=e.warning, phase=cycle.phase,
                  countdown=round(cycle.hold_left, 2) if holding else None,
                  countdown_total=ex.hold_seconds if holding else None,
                  rep=e.run.set_reps, reps_target=ex.reps, bars=_bars(e),
                  progress=e.progress(), footer=e.words.FOOTERS[ScreenKind.PRACTICE])


def guided(e: Engine) -> Screen:
    ex = e.exercise
    return Screen(ScreenKind.GUIDED, title=e.fmt(ex.title),
                  lines=tuple(e.fmt(c) for c in ex.cues), passage=ex.passage,
                  warning=e.fmt(ex.caution), countdown=e.timing.left(ex.seconds),
                  countdown_total=ex.seconds, progress=e.progress(),
                  footer=e.words.FOOTERS[ScreenKind.GUIDED])


def rest_break(e: Engine) -> Screen:
    return Screen(ScreenKind.NOTICE, title=e.words.BREAK_TITLE, lines=(e.cue_text("break"),),
                  cue_side=e.strong, countdown=e.timing.left(e.rules.break_seconds),
                  countdown_total=e.rules.break_seconds, progress=e.progress(),
                  footer=e.words.FOOTERS["break"])


def exercise_summary(e: Engine) -> Screen:
    ex = e.exercise
    result = e.results[ex.id]
    return Screen(ScreenKind.EXERCISE_SUMMARY, title=e.fmt(ex.title),
                  rows=(summary_row(ex, e.fmt(ex.title), result, e.history),),
                  sentence=exercise_sentence(result, e.rules, e.words, e.say),
                  cue=e.cue.text, cue_side=e.cue.side, rep=result.reps,
                  reps_target=ex.reps * len(e.run.sides), progress=e.progress(),
                  footer=e.words.FOOTERS[ScreenKind.EXERCISE_SUMMARY])


def session_summary(e: Engine) -> Screen:
    by_id = {x.id: x for x in e.programme.exercises}
    rows = tuple(summary_row(by_id[eid], e.fmt(by_id[eid].title), r, e.history)
                 for eid, r in e.results.items())
    return Screen(ScreenKind.SESSION_SUMMARY,
                  title=e.words.SUMMARY_TITLE_BY_REASON.get(e.end_reason, e.words.SUMMARY_TITLE),
                  rows=rows,
                  sentence=session_sentence(e.results, by_id, e.history, e.affected, e.rules, e.words, e.say),
                  warning=side_check(e.results, e.affected, e.rules, e.words, e.say),
                  footer=e.words.FOOTERS[ScreenKind.SESSION_SUMMARY])
