"""The session engine: timestamped events in, a screen model and records out.

Pure and deterministic: no clock, camera, pygame or database. Time is the
events' own monotonic time; timers run on "active" time, which stands still
while the session is paused or the camera is away, so a replay of the same
events gives the same screens and records.

One Engine lives for the whole device run:
idle -> attract -> (NEXT) greeting -> neutral capture -> per exercise:
instruction card -> practice (tracked) or a timed step (guided) -> exercise
summary -> ... -> session summary -> idle.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from enum import Enum
from typing import Mapping

from ..config import Config
from ..events import ButtonEvent, ButtonName, CameraEvent, Event, FrameEvent
from ..face.measures import NOISE_FLOOR
from ..face.types import FrameAnalysis, Measures, SidePair
from ..history import History
from ..records import (CueGiven, ExerciseDone, NeutralCaptured, Record, RepDone, SessionEnded,
                       SessionStarted)
from ..screen import Phase, Screen, ScreenKind, SideBar, SummaryRow
from ..sides import SIDES, Side, other
from . import texts
from .catalogue import Exercise, Programme
from .feedback import Overactivity, QuietWatch, fatigued, overactive, symmetry
from .reps import EPS, Rep, RepCycle, SideValues, primary, signal


class State(str, Enum):
    IDLE = "idle"
    ATTRACT = "attract"
    GREETING = "greeting"
    NEUTRAL = "neutral"
    INSTRUCTION = "instruction"
    PRACTICE = "practice"
    GUIDED = "guided"
    EXERCISE_SUMMARY = "exercise_summary"
    SESSION_SUMMARY = "session_summary"
    BREAK = "break"


OUT_OF_SESSION = (State.IDLE, State.ATTRACT, State.SESSION_SUMMARY)
#: Where nobody at the mirror for a while pauses the session (hands cover the face in massage).
WATCHES_FACE = (State.NEUTRAL, State.INSTRUCTION, State.PRACTICE)


@dataclass(frozen=True)
class Step:
    """What one event changed: the screen to show and the records to store."""

    screen: Screen
    records: tuple[Record, ...] = ()


@dataclass(frozen=True)
class _RepResult:
    side: Side | None          # the side practised alone, None = both together
    rep: Rep
    symmetry: float | None
    weaker: Side | None


@dataclass(frozen=True)
class _Result:
    """One exercise's outcome for the summaries."""

    reps: int
    symmetry: float | None
    weaker: Side | None
    affected_movement: float | None
    skipped: bool
    ended_early: str | None


class _Neutral:
    """The relaxed-face capture: a still window of good frames, restarted when broken."""

    def __init__(self, stillness: float):
        self.stillness = stillness
        self.retries = 0
        self.reset()

    def reset(self) -> None:
        self.frames: list[Measures] = []
        self.first_t: float | None = None
        self.last_t: float | None = None
        self._lo: dict[tuple[str, Side], float] = {}
        self._hi: dict[tuple[str, Side], float] = {}

    @property
    def span(self) -> float:
        return 0.0 if self.first_t is None else self.last_t - self.first_t

    def add(self, t: float, measures: Measures) -> bool:
        """Add a good frame; False (and a fresh window from this frame) when it moved."""
        for name, pair in measures.items():
            for side in SIDES:
                v = pair.on(side)
                key = (name, side)
                lo, hi = min(self._lo.get(key, v), v), max(self._hi.get(key, v), v)
                if hi - lo > self.stillness * NOISE_FLOOR.get(name, 0.01):
                    self.reset()
                    self.retries += 1
                    self.add(t, measures)
                    return False
                self._lo[key], self._hi[key] = lo, hi
        self.frames.append(measures)
        self.first_t = t if self.first_t is None else self.first_t
        self.last_t = t
        return True

    def mean(self) -> dict[str, SidePair]:
        n = len(self.frames)
        return {name: SidePair(sum(f[name].left for f in self.frames) / n,
                               sum(f[name].right for f in self.frames) / n)
                for name in self.frames[0]}


class Engine:
    """The session state machine. `handle(event)` is the only way in."""

    def __init__(self, programme: Programme, config: Config, history: History = History()):
        self.programme = programme
        self.rules = programme.rules
        self.flow = programme.flow
        self.affected: Side = config["user"]["affected_side"]
        self.strong: Side = other(self.affected)
        self.daily = int(config["user"]["daily_sessions"])
        self.name = str(config["user"]["name"])
        self.max_session_s = float(config["session"]["max_minutes"]) * 60.0
        self.neutral_s = float(config["session"]["neutral_seconds"])
        self.no_face_s = float(config["session"]["no_face_pause_seconds"])
        self.prompt_after_s = float(config["idle"]["prompt_after_seconds"])
        self.blank_after_s = float(config["idle"]["blank_after_seconds"])
        self.history = history
        self._sessions_since_history = 0
        self._t: float | None = None
        self._state = State.IDLE
        self._elapsed = 0.0
        self._paused: str | None = None        # "button" or "no_face"
        self._paused_for = 0.0
        self._camera: str | None = None        # the reason while the camera is away
        self._face_since: float | None = None  # idle: a face present since
        self._attract_spent = False            # the prompt went blank; wait for the face to leave
        self._last_face = 0.0
        self._warning = ""
        self._cue = ""
        self._cue_side: Side | None = None
        self._cue_left = 0.0
        self._session_s = 0.0
        self._end_reason = "completed"
        self._overactivity = Overactivity(self.rules)
        self._neutral_capture = _Neutral(self.rules.neutral_stillness)
        self._neutral: Measures | None = None
        self._results: dict[str, _Result] = {}
        self._index = 0
        self._sets: tuple[Side | None, ...] = (None,)
        self._set = 0
        self._reps: list[_RepResult] = []
        self._open = False        # an attempt started (set or timed step) and not yet recorded
        self._set_reps = 0
        self._set_done = False
        self._fatigue = False
        self._cycle: RepCycle | None = None
        self._watch: QuietWatch | None = None
        self._bars = SideValues(0.0, 0.0)
        self._activity_at = 0.0   # active time of the last movement in this set
        self._rest_at = 0.0       # active time the last repetition ended
        self._out: list[Record] = []
        self.screen = self._render()

    # ------------------------------------------------------------------ public

    @property
    def state(self) -> State:
        return self._state

    @property
    def paused(self) -> str | None:
        return self._paused

    def set_history(self, history: History) -> None:
        """New numbers from the store (at start and after each session)."""
        self.history = history
        self._sessions_since_history = 0

    def handle(self, event: Event) -> Step:
        """Take one event; return the screen to show now and the records to store."""
        self._out = []
        dt = 0.0 if self._t is None else max(0.0, event.t - self._t)
        self._t = event.t if self._t is None else max(self._t, event.t)
        self._advance(dt)
        if isinstance(event, CameraEvent):
            self._on_camera(event)
        elif isinstance(event, ButtonEvent):
            self._on_button(event)
        elif isinstance(event, FrameEvent):
            self._on_frame(event.analysis)
        self._check_timers()
        self.screen = self._render()
        return Step(self.screen, tuple(self._out))

    # ------------------------------------------------------------------ time

    @property
    def _now(self) -> float:
        return self._t or 0.0

    @property
    def _in_session(self) -> bool:
        return self._state not in OUT_OF_SESSION

    def _advance(self, dt: float) -> None:
        if self._camera is not None:
            return
        if self._paused is not None:
            self._paused_for += dt
            return
        self._elapsed += dt
        self._cue_left = max(0.0, self._cue_left - dt)
        if self._in_session:
            self._session_s += dt

    def _check_timers(self) -> None:
        if self._camera is not None:
            return
        if self._paused is not None:
            if self._paused_for >= self.flow.paused_end_seconds - EPS:
                self._end_session("abandoned")
            return
        if self._in_session and self._session_s >= self.max_session_s - EPS:
            self._end_session("time_cap")
            return
        if self._state in WATCHES_FACE and self._now - self._last_face >= self.no_face_s - EPS:
            self._pause("no_face")
            return
        timeouts: Mapping[State, float] = {
            State.ATTRACT: self.blank_after_s,
            State.GREETING: self.flow.greeting_seconds,
            State.INSTRUCTION: self.flow.instruction_seconds,
            State.GUIDED: self._exercise.seconds,
            State.EXERCISE_SUMMARY: self.flow.exercise_summary_seconds,
            State.SESSION_SUMMARY: self.flow.session_summary_seconds,
            State.BREAK: self.rules.break_seconds,
        }
        limit = timeouts.get(self._state)
        if limit is not None and self._elapsed >= limit - EPS:
            {State.ATTRACT: self._blank,
             State.GREETING: self._after_greeting,
             State.INSTRUCTION: self._start_set,
             State.GUIDED: self._guided_done,
             State.EXERCISE_SUMMARY: self._next_exercise,
             State.SESSION_SUMMARY: self._to_idle,
             State.BREAK: self._after_break}[self._state]()

    def _goto(self, state: State) -> None:
        self._state = state
        self._elapsed = 0.0
        self._last_face = self._now
        self._warning = ""
        self._cue, self._cue_side, self._cue_left = "", None, 0.0

    def _show_cue(self, cue_id: str, side: Side | None = None, text: str | None = None) -> str:
        self._cue = text if text is not None else self._cue_text(cue_id)
        self._cue_side = side
        self._cue_left = self.flow.cue_seconds
        return self._cue

    def _give_cue(self, cue_id: str, side: Side | None = None, text: str | None = None) -> None:
        shown = self._show_cue(cue_id, side, text)
        self._out.append(CueGiven(self._now, self._exercise.id, cue_id, shown))

    def _cue_text(self, cue_id: str) -> str:
        return self.programme.cues[cue_id].format(side=self.affected, strong=self.strong)

    def _fmt(self, text: str) -> str:
        return text.format(side=self.affected, other=self.strong)

    # ------------------------------------------------------------------ events

    def _on_camera(self, event: CameraEvent) -> None:
        if not event.ok:
            self._camera = event.reason
            return
        self._camera_back()

    def _camera_back(self) -> None:
        if self._camera is None:
            return
        self._camera = None
        self._last_face = self._now
        self._face_since = None
        self._interrupted()

    def _interrupted(self) -> None:
        """After a pause or a camera gap, measurement starts afresh (no half repetitions)."""
        if self._state is State.PRACTICE:
            self._new_cycle()
        elif self._state is State.NEUTRAL:
            self._neutral_capture.reset()

    def _on_button(self, event: ButtonEvent) -> None:
        nxt = event.button is ButtonName.NEXT
        if self._camera is not None:
            if nxt and event.long and self._in_session:
                self._end_session("ended_by_user")
            return
        if self._paused is not None:
            if nxt and event.long:
                self._end_session("ended_by_user")
            else:
                self._resume()
                if not nxt:
                    self._redo()
            return
        if nxt and event.long and self._in_session:
            self._pause("button")
            return
        if nxt:
            {State.IDLE: self._start_session,
             State.ATTRACT: self._start_session,
             State.GREETING: self._after_greeting,
             State.NEUTRAL: lambda: None,         # the baseline cannot be skipped
             State.INSTRUCTION: self._start_set,
             State.PRACTICE: self._skip,
             State.GUIDED: self._skip,
             State.EXERCISE_SUMMARY: self._next_exercise,
             State.SESSION_SUMMARY: self._to_idle,
             State.BREAK: self._after_break}[self._state]()
        else:
            {State.IDLE: lambda: self._goto(State.ATTRACT),
             State.ATTRACT: lambda: self._goto(State.ATTRACT),
             State.GREETING: lambda: self._goto(State.GREETING),
             State.NEUTRAL: self._start_neutral,
             State.INSTRUCTION: lambda: self._goto(State.INSTRUCTION),
             State.PRACTICE: self._redo,
             State.GUIDED: lambda: self._goto(State.GUIDED),
             State.EXERCISE_SUMMARY: self._redo,
             State.SESSION_SUMMARY: lambda: self._goto(State.SESSION_SUMMARY),
             State.BREAK: self._redo}[self._state]()

    def _on_frame(self, fa: FrameAnalysis) -> None:
        if self._camera is not None:
            self._camera_back()   # frames arriving: the camera is back
        if fa.face:
            self._last_face = self._now
        if self._paused is not None:
            if self._paused == "no_face" and fa.face:
                self._resume()
            else:
                return
        if self._state in (State.IDLE, State.ATTRACT):
            self._presence(fa.face)
        elif self._state is State.NEUTRAL:
            self._neutral_frame(fa)
        elif self._state is State.PRACTICE:
            self._practice_frame(fa)

    def _presence(self, face: bool) -> None:
        if not face:
            self._face_since = None
            self._attract_spent = False
            return
        if self._face_since is None:
            self._face_since = self._now
        if (self._state is State.IDLE and not self._attract_spent
                and self._now - self._face_since >= self.prompt_after_s - EPS):
            self._goto(State.ATTRACT)

    def _quality_warning(self, fa: FrameAnalysis) -> bool:
        """Set the plain-words warning; True when the frame may be scored."""
        if fa.face and fa.quality.ok and fa.measures is not None:
            self._warning = ""
            return True
        self._warning = self._cue_text(fa.quality.reason or "no_face")
        return False

    # ------------------------------------------------------------------ pause

    def _pause(self, reason: str) -> None:
        self._paused = reason
        self._paused_for = 0.0

    def _resume(self) -> None:
        self._paused = None
        self._last_face = self._now
        self._interrupted()

    # ------------------------------------------------------------------ session

    def _start_session(self) -> None:
        settings = dict(self.programme.settings())
        settings.update({"session.max_minutes": self.max_session_s / 60.0,
                         "session.neutral_seconds": self.neutral_s,
                         "session.no_face_pause_seconds": self.no_face_s})
        self._out.append(SessionStarted(self._now, self.programme.name, self.affected, settings))
        self._session_s = 0.0
        self._results = {}
        self._neutral = None
        self._overactivity = Overactivity(self.rules)
        self._end_reason = "completed"
        self._goto(State.GREETING)

    def _after_greeting(self) -> None:
        if self.programme.tracked:
            self._start_neutral()
        else:
            self._begin_exercise(0)

    def _start_neutral(self) -> None:
        self._neutral_capture = _Neutral(self.rules.neutral_stillness)
        self._goto(State.NEUTRAL)

    def _neutral_frame(self, fa: FrameAnalysis) -> None:
        cap = self._neutral_capture
        if not self._quality_warning(fa):
            if cap.frames:
                cap.retries += 1
            cap.reset()
            return
        cap.add(self._now, fa.measures)
        if cap.span >= self.neutral_s - EPS:
            self._neutral = cap.mean()
            self._out.append(NeutralCaptured(self._now, {name: (round(p.left, 5), round(p.right, 5))
                                                         for name, p in self._neutral.items()}))
            self._begin_exercise(0)

    def _end_session(self, reason: str) -> None:
        self._close_attempt(reason)
        self._paused = None
        self._end_reason = reason
        self._out.append(SessionEnded(self._now, reason))
        self._sessions_since_history += 1
        self._goto(State.SESSION_SUMMARY)

    def _to_idle(self) -> None:
        self._face_since = None
        self._attract_spent = True   # the person must step away before the prompt returns
        self._goto(State.IDLE)

    def _blank(self) -> None:
        self._attract_spent = True
        self._goto(State.IDLE)

    # ------------------------------------------------------------------ exercises

    @property
    def _exercise(self) -> Exercise:
        return self.programme.exercises[self._index]

    def _begin_exercise(self, index: int) -> None:
        self._index = index
        ex = self._exercise
        self._sets = ex.sides_in_order(self.affected) if ex.tracked else (None,)
        self._set = 0
        self._reps = []
        self._fatigue = False
        self._open = False
        self._goto(State.INSTRUCTION)

    def _start_set(self) -> None:
        ex = self._exercise
        self._open = True
        if not ex.tracked:
            self._goto(State.GUIDED)
            return
        self._set_reps = 0
        self._set_done = False
        self._overactivity.new_set()
        self._goto(State.PRACTICE)
        self._new_cycle()

    def _new_cycle(self) -> None:
        ex = self._exercise
        self._cycle = RepCycle(self.rules, ex.hold_seconds, self._sets[self._set])
        self._watch = QuietWatch(tuple(self.programme.quiet[q] for q in ex.quiet), self.affected)
        self._bars = SideValues(0.0, 0.0)
        self._activity_at = self._elapsed

    def _practice_frame(self, fa: FrameAnalysis) -> None:
        cycle, watch = self._cycle, self._watch
        if not self._quality_warning(fa):
            cycle.gap()
            watch.gap()
            return
        ex = self._exercise
        was_resting = cycle.phase is Phase.REST
        rep = cycle.frame(self._now, signal(ex.moves, fa.measures, self._neutral),
                          primary(ex.moves, fa.measures, self._neutral))
        self._bars = cycle.smoothed
        moving = not was_resting or cycle.phase is not Phase.REST
        if was_resting and cycle.phase is not Phase.REST:
            watch.new_rep()
        if moving:
            self._activity_at = self._elapsed
            for q in watch.frame(self._now, fa.measures, self._neutral):
                self._give_cue("synkinesis", self.affected, q.cue.format(side=self.affected, strong=self.strong))
        if rep is not None:
            self._on_rep(rep)

    def _on_rep(self, rep: Rep) -> None:
        ex = self._exercise
        side = self._sets[self._set]
        sym, weaker = symmetry(rep.peak, self.rules.noise_floor) if side is None else (None, None)
        over = side is None and overactive(rep.peak, self.affected, self.rules)
        flags = tuple(name for name, on in (
            ("overactivity", over), ("synkinesis", self._watch.flagged),
            ("short", not rep.reached_zone), ("overshoot", rep.overshoot),
            (f"{side}_only", side is not None)) if on)
        self._reps.append(_RepResult(side, rep, sym, weaker))
        self._set_reps += 1
        self._rest_at = self._elapsed
        self._out.append(RepDone(self._now, ex.id, len(self._reps),
                                 round(rep.peak_primary.left, 5), round(rep.peak_primary.right, 5),
                                 sym, weaker, rep.hold_s, rep.hold_target_s, flags))
        cues = self._overactivity.rep(over) if side is None else ()
        for cue_id in cues:
            self._give_cue(cue_id, self.strong)
        self._set_done = self._set_reps >= ex.reps
        if "break" in cues:
            self._goto(State.BREAK)
            self._show_cue("break", self.strong)
            return
        if self._set_done:
            self._finish_set()
        elif self._fatigued():
            self._fatigue = True
            self._give_cue("fatigue")
            self._finish_set()

    def _fatigued(self) -> bool:
        this_set = [r for r in self._reps[-self._set_reps:]]
        lead = self._sets[self._set] or self.affected
        return fatigued([r.rep.peak.on(lead) for r in this_set], [r.symmetry for r in this_set], self.rules)

    def _finish_set(self) -> None:
        cue = (self._cue, self._cue_side) if self._fatigue else None
        if self._set + 1 < len(self._sets):
            self._set += 1
            self._goto(State.INSTRUCTION)
        else:
            self._finish_exercise()
            self._goto(State.EXERCISE_SUMMARY)
        if cue:
            self._cue, self._cue_side, self._cue_left = cue[0], cue[1], self.flow.cue_seconds

    def _after_break(self) -> None:
        self._overactivity.after_break()
        if self._set_done:
            self._finish_set()
        else:
            self._goto(State.PRACTICE)
            self._new_cycle()

    def _skip(self) -> None:
        if self._state is State.GUIDED:
            self._record_exercise(skipped=True, ended_early="skipped")
            self._next_exercise()
        elif self._reps:
            self._finish_exercise(ended_early="skipped")
            self._goto(State.EXERCISE_SUMMARY)
        else:
            self._record_exercise(skipped=True, ended_early=None)
            self._next_exercise()

    def _redo(self) -> None:
        """Start the current exercise again from its card (closing what was done so far)."""
        if self._state is State.NEUTRAL:
            self._start_neutral()
            return
        if self._state not in (State.INSTRUCTION, State.PRACTICE, State.GUIDED, State.BREAK,
                               State.EXERCISE_SUMMARY):
            return
        if self._open and self._reps:
            self._finish_exercise(ended_early="repeat")
        self._begin_exercise(self._index)

    def _guided_done(self) -> None:
        self._record_exercise(skipped=False, ended_early=None)
        self._next_exercise()

    def _next_exercise(self) -> None:
        if self._index + 1 < len(self.programme.exercises):
            self._begin_exercise(self._index + 1)
        else:
            self._end_session("completed")

    def _close_attempt(self, reason: str) -> None:
        """The session ends mid-exercise: record what was done of it."""
        if not self._open:
            return
        if self._reps:
            self._finish_exercise(ended_early=reason)
        else:
            self._record_exercise(skipped=True, ended_early=reason)

    def _finish_exercise(self, ended_early: str | None = None) -> None:
        if ended_early is None and self._fatigue:
            ended_early = "fatigue"
        self._record_exercise(skipped=False, ended_early=ended_early)

    def _record_exercise(self, skipped: bool, ended_early: str | None) -> None:
        ex = self._exercise
        sym, weaker = self._exercise_symmetry()
        reps = len(self._reps)
        mine = [r.rep.peak_primary.on(self.affected) for r in self._reps if r.side in (None, self.affected)]
        moved = round(sum(mine) / len(mine), 5) if mine else None
        self._out.append(ExerciseDone(self._now, ex.id, reps, sym, skipped, ended_early))
        self._open = False
        self._results[ex.id] = _Result(reps, sym, weaker, moved, skipped, ended_early)

    def _exercise_symmetry(self) -> tuple[float | None, Side | None]:
        if not self._reps:
            return None, None
        if all(r.side is None for r in self._reps):
            known = [r.symmetry for r in self._reps if r.symmetry is not None]
            if not known:
                return None, None
            weaker = Counter(r.weaker for r in self._reps if r.weaker).most_common(1)[0][0]
            return round(sum(known) / len(known), 4), weaker
        means = {}
        for side in SIDES:
            peaks = [r.rep.peak.on(side) for r in self._reps if r.side == side]
            if not peaks:
                return None, None
            means[side] = sum(peaks) / len(peaks)
        return symmetry(SideValues(**means), self.rules.noise_floor)

    # ------------------------------------------------------------------ screens

    def _render(self) -> Screen:
        screen = self._render_state()
        if self._progress() is not None:
            screen = replace(screen, exercise_id=self._exercise.id)
        return screen

    def _render_state(self) -> Screen:
        if self._camera is not None:
            return self._camera_screen()
        if self._paused is not None:
            lines = texts.PAUSED_BY_BUTTON if self._paused == "button" else texts.PAUSED_NO_FACE
            return Screen(ScreenKind.PAUSED, title=texts.PAUSED_TITLE, lines=lines,
                          progress=self._progress(), footer=texts.FOOTERS[ScreenKind.PAUSED])
        return {State.IDLE: lambda: Screen(ScreenKind.IDLE),
                State.ATTRACT: lambda: Screen(ScreenKind.ATTRACT, title=texts.ATTRACT_TITLE,
                                              lines=texts.ATTRACT_LINES,
                                              footer=texts.FOOTERS[ScreenKind.ATTRACT]),
                State.GREETING: self._greeting_screen,
                State.NEUTRAL: self._neutral_screen,
                State.INSTRUCTION: self._instruction_screen,
                State.PRACTICE: self._practice_screen,
                State.GUIDED: self._guided_screen,
                State.EXERCISE_SUMMARY: self._exercise_summary_screen,
                State.SESSION_SUMMARY: self._session_summary_screen,
                State.BREAK: self._break_screen}[self._state]()

    def _left(self, total: float) -> float:
        return round(max(0.0, total - self._elapsed), 2)

    def _progress(self) -> tuple[int, int] | None:
        if self._state in (State.INSTRUCTION, State.PRACTICE, State.GUIDED, State.EXERCISE_SUMMARY,
                           State.BREAK):
            return (self._index + 1, len(self.programme.exercises))
        return None

    def _camera_screen(self) -> Screen:
        lines = texts.CAMERA_LINES.get(self._camera, texts.CAMERA_LINES[""])
        if self._in_session:
            lines = (*lines, texts.CAMERA_IN_SESSION)
        footer = texts.FOOTERS["camera_in_session" if self._in_session else "camera_idle"]
        return Screen(ScreenKind.NOTICE, title=texts.CAMERA_TITLE, lines=lines, footer=footer)

    def _greeting_screen(self) -> Screen:
        k = self.history.sessions_today + self._sessions_since_history + 1
        lines = [texts.SESSION_OF.format(k=k, n=self.daily) if k <= self.daily
                 else texts.SESSION_EXTRA.format(k=k)]
        done = self.history.sessions_yesterday
        if done is not None and done < self.daily:
            lines.append(texts.YESTERDAY_SHORT.format(done=done, n=self.daily))
        lines.append(texts.SMALL_AND_SLOW)
        title = texts.GREETING_TITLE_NAMED.format(name=self.name) if self.name else texts.GREETING_TITLE
        return Screen(ScreenKind.GREETING, title=title, lines=tuple(lines), warning=self._cue_text("stop"),
                      countdown=self._left(self.flow.greeting_seconds),
                      countdown_total=self.flow.greeting_seconds,
                      footer=texts.FOOTERS[ScreenKind.GREETING])

    def _neutral_screen(self) -> Screen:
        cap = self._neutral_capture
        return Screen(ScreenKind.NEUTRAL, title=texts.NEUTRAL_TITLE, lines=texts.NEUTRAL_LINES,
                      cue=texts.KEEP_STILL if cap.retries else "", warning=self._warning,
                      countdown=round(max(0.0, self.neutral_s - cap.span), 2),
                      countdown_total=self.neutral_s, footer=texts.FOOTERS[ScreenKind.NEUTRAL])

    def _side_line(self) -> tuple[str, ...]:
        side = self._sets[self._set]
        if side is None:
            return ()
        if len(self._sets) == 1:
            return (texts.ONE_SIDE_ONLY.format(side=side),)
        template = texts.ONE_SIDE_FIRST if self._set == 0 else texts.ONE_SIDE_NOW
        return (template.format(side=side),)

    def _instruction_screen(self) -> Screen:
        ex = self._exercise
        lines = [*self._side_line(), *(self._fmt(c) for c in ex.cues)]
        if ex.assist:
            lines.append(texts.ASSIST.format(assist=self._fmt(ex.assist)))
        return Screen(ScreenKind.INSTRUCTION, title=self._fmt(ex.title), lines=tuple(lines),
                      cue=self._cue if self._cue_left > 0 else "", cue_side=self._sets[self._set],
                      warning=self._fmt(ex.caution) or self._cue_text("stop"),
                      countdown=self._left(self.flow.instruction_seconds),
                      countdown_total=self.flow.instruction_seconds,
                      reps_target=ex.reps, progress=self._progress(),
                      footer=texts.FOOTERS[ScreenKind.INSTRUCTION])

    def _phase_cue(self) -> tuple[str, Side | None]:
        cycle, ex = self._cycle, self._exercise
        side = self._sets[self._set]
        if self._cue_left > 0:
            return self._cue, self._cue_side
        phase, level = cycle.phase, cycle.level
        if phase is Phase.REST:
            if self._elapsed - self._activity_at >= self.flow.no_movement_hint_seconds - EPS:
                return self._cue_text("no_movement"), side
            if self._set_reps == 0:
                return self._fmt(ex.cues[0]), side
            if self._elapsed - self._rest_at < self.flow.rest_seconds - EPS:
                return self._cue_text("relax"), side
            return self._cue_text("again"), side
        if phase is Phase.RELEASE:
            return self._cue_text("release"), side
        if level > self.rules.target_high:
            return self._cue_text("less"), side
        if phase is Phase.HOLD:
            return self._cue_text("hold" if cycle.in_zone(level) else "more"), side
        return self._fmt(ex.cues[0]), side

    def _bar_values(self) -> tuple[SideBar, ...]:
        return tuple(SideBar(side, round(max(0.0, self._bars.on(side)), 3), self.rules.target_low,
                             self.rules.target_high, affected=side == self.affected) for side in SIDES)

    def _practice_screen(self) -> Screen:
        ex, cycle = self._exercise, self._cycle
        cue, cue_side = self._phase_cue()
        holding = cycle.phase is Phase.HOLD and ex.hold_seconds > 0
        return Screen(ScreenKind.PRACTICE, title=self._fmt(ex.title),
                      lines=(*self._side_line(), self._fmt(ex.cues[0])),
                      cue=cue, cue_side=cue_side, warning=self._warning, phase=cycle.phase,
                      countdown=round(cycle.hold_left, 2) if holding else None,
                      countdown_total=ex.hold_seconds if holding else None,
                      rep=self._set_reps, reps_target=ex.reps, bars=self._bar_values(),
                      progress=self._progress(), footer=texts.FOOTERS[ScreenKind.PRACTICE])

    def _guided_screen(self) -> Screen:
        ex = self._exercise
        return Screen(ScreenKind.GUIDED, title=self._fmt(ex.title),
                      lines=tuple(self._fmt(c) for c in ex.cues), passage=ex.passage,
                      warning=self._fmt(ex.caution), countdown=self._left(ex.seconds),
                      countdown_total=ex.seconds, progress=self._progress(),
                      footer=texts.FOOTERS[ScreenKind.GUIDED])

    def _break_screen(self) -> Screen:
        return Screen(ScreenKind.NOTICE, title=texts.BREAK_TITLE, lines=(self._cue_text("break"),),
                      cue_side=self.strong, countdown=self._left(self.rules.break_seconds),
                      countdown_total=self.rules.break_seconds, progress=self._progress(),
                      footer=texts.FOOTERS["break"])

    def _row(self, ex: Exercise, result: _Result) -> SummaryRow:
        h = self.history.exercises.get(ex.id)
        return SummaryRow(ex.id, self._fmt(ex.title), reps=result.reps, symmetry=result.symmetry,
                          weaker=result.weaker,
                          symmetry_7d=h.symmetry_7d if h else None,
                          symmetry_28d=h.symmetry_28d if h else None,
                          trend=h.trend if h else (),
                          affected_movement=result.affected_movement,
                          affected_first_week=h.affected_first_week if h else None,
                          skipped=result.skipped)

    def _exercise_summary_screen(self) -> Screen:
        ex = self._exercise
        result = self._results[ex.id]
        return Screen(ScreenKind.EXERCISE_SUMMARY, title=self._fmt(ex.title),
                      rows=(self._row(ex, result),), sentence=self._exercise_sentence(result),
                      cue=self._cue, cue_side=self._cue_side, rep=result.reps,
                      reps_target=ex.reps * len(self._sets), progress=self._progress(),
                      footer=texts.FOOTERS[ScreenKind.EXERCISE_SUMMARY])

    def _exercise_sentence(self, result: _Result) -> str:
        if result.skipped:
            return texts.EXERCISE_SENTENCE_SKIPPED
        if result.symmetry is None or result.weaker is None:
            return texts.EXERCISE_SENTENCE_DONE
        if result.symmetry >= texts.EVEN_FROM:
            return texts.EXERCISE_SENTENCE_EVEN
        return texts.EXERCISE_SENTENCE_SIDES.format(weaker=result.weaker, stronger=other(result.weaker),
                                                    percent=round(result.symmetry * 100))

    def _session_summary_screen(self) -> Screen:
        by_id = {e.id: e for e in self.programme.exercises}
        rows = tuple(self._row(by_id[eid], r) for eid, r in self._results.items())
        return Screen(ScreenKind.SESSION_SUMMARY,
                      title=texts.SUMMARY_TITLE_BY_REASON.get(self._end_reason, texts.SUMMARY_TITLE),
                      rows=rows, sentence=self._session_sentence(), warning=self._side_check(),
                      footer=texts.FOOTERS[ScreenKind.SESSION_SUMMARY])

    def _side_check(self) -> str:
        """A gentle hint when today's reps suggest the palsy is on the other side."""
        uneven = [r.weaker for r in self._results.values()
                  if not r.skipped and r.weaker is not None and r.symmetry is not None
                  and r.symmetry < texts.SIDE_CHECK_UNEVEN_BELOW]
        if len(uneven) < texts.SIDE_CHECK_MIN_EXERCISES:
            return ""
        unaffected = other(self.affected)
        if uneven.count(unaffected) / len(uneven) < texts.SIDE_CHECK_SHARE:
            return ""
        return texts.SIDE_CHECK.format(side=unaffected)

    def _session_sentence(self) -> str:
        """One plain sentence: the clearest gain of the affected side over last week."""
        by_id = {e.id: e for e in self.programme.exercises}
        done = {eid: r for eid, r in self._results.items() if not r.skipped}
        if not done:
            return texts.SESSION_SENTENCE_NOTHING
        best: tuple[float, str] | None = None
        compared = False
        for eid, r in done.items():
            h = self.history.exercises.get(eid)
            if r.affected_movement is None or h is None or not h.affected_last_week:
                continue
            compared = True
            gain = r.affected_movement / h.affected_last_week
            if gain >= texts.BETTER_FROM and (best is None or gain > best[0]):
                best = (gain, eid)
        if best is not None:
            return texts.SESSION_SENTENCE_BETTER.format(side=self.affected, part=by_id[best[1]].part)
        return texts.SESSION_SENTENCE_KEPT.format(side=self.affected) if compared \
            else texts.SESSION_SENTENCE_FIRST
