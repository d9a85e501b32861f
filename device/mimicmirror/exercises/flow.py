"""The handlers the state table names, and the session's flow from exercise to exercise.

Each method named in `states.STATES` (on_next, on_repeat, on_timeout,
on_frame, ...) is here, next to the steps they share: beginning an exercise,
counting a repetition, finishing a set, recording an exercise, ending the
session. They change the engine's state only through `_goto` and put what the
edges must do into the engine's outbox (`self.out`). `Engine` inherits them;
its own module keeps the machinery (events, timers, the table's dispatch,
rendering).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..face.types import FrameAnalysis, Measures
from ..sides import Side
from ..records import ExerciseDone, NeutralCaptured, SessionEnded, SessionStarted
from .feedback import Overactivity
from .neutral import NeutralCapture
from .reps import EPS, Rep
from .results import ExerciseResult
from .sets import SetRunner
from .states import State, StateSpec

if TYPE_CHECKING:
    from .catalogue import Exercise, Flow, Programme, Rules
    from .step import Outbox
    from .timing import Cue, Timing


class Handlers:
    """State handlers and session flow, mixed into `Engine` (see `states` for who calls what)."""

    # What the handlers use of the engine (set up in Engine.__init__).
    programme: Programme
    rules: Rules
    flow: Flow
    affected: Side
    strong: Side
    neutral_s: float
    max_session_s: float
    no_face_s: float
    prompt_after_s: float
    timing: Timing
    cue: Cue
    out: Outbox
    run: SetRunner
    index: int
    results: dict[str, ExerciseResult]
    neutral: Measures | None
    neutral_capture: NeutralCapture
    overactivity: Overactivity
    end_reason: str
    sessions_since_history: int
    _state: State
    _face_since: float | None
    _attract_spent: bool

    if TYPE_CHECKING:
        @property
        def spec(self) -> StateSpec: ...
        @property
        def exercise(self) -> Exercise: ...
        def cue_text(self, cue_id: str) -> str: ...

        def say(self, side: Side) -> str: ...
        def _goto(self, state: State) -> None: ...
        def _show_cue(self, cue_id: str, side: Side | None = None, text: str | None = None) -> str: ...
        def _give_cue(self, cue_id: str, side: Side | None = None, text: str | None = None) -> None: ...
        def _quality_warning(self, fa: FrameAnalysis) -> bool: ...
        def _pause(self, reason: str) -> None: ...

    # ------------------------------------------------------------------ handlers named in `states`

    def restart(self) -> None:
        """The same state again from its start (REPEAT reads a card again)."""
        self._goto(self._state)

    def show_attract(self) -> None:
        self._goto(State.ATTRACT)

    def pause_by_button(self) -> None:
        self._pause("button")

    def presence(self, fa: FrameAnalysis) -> None:
        """Idle: a face that stays a moment brings up the prompt (once until it leaves)."""
        if not fa.face:
            self._face_since = None
            self._attract_spent = False
            return
        if self._face_since is None:
            self._face_since = self.timing.now
        if (self._state is State.IDLE and not self._attract_spent
                and self.timing.now - self._face_since >= self.prompt_after_s - EPS):
            self._goto(State.ATTRACT)

    def blank(self) -> None:
        self._attract_spent = True
        self._goto(State.IDLE)

    def to_idle(self) -> None:
        self._face_since = None
        self._attract_spent = True   # the person must step away before the prompt returns
        self._goto(State.IDLE)

    def start_session(self) -> None:
        settings = dict(self.programme.settings())
        settings.update({"session.max_minutes": self.max_session_s / 60.0,
                         "session.neutral_seconds": self.neutral_s,
                         "session.no_face_pause_seconds": self.no_face_s})
        self.out.records.append(SessionStarted(self.timing.now, self.programme.name, self.affected, settings))
        self.timing.session_s = 0.0
        self.results = {}
        self.neutral = None
        self.overactivity = Overactivity(self.rules)
        self.end_reason = "completed"
        self._goto(State.GREETING)

    def after_greeting(self) -> None:
        if self.programme.tracked:
            self.start_neutral()
        else:
            self._begin_exercise(0)

    def start_neutral(self) -> None:
        self.neutral_capture = NeutralCapture(self.rules.neutral_stillness)
        self._goto(State.NEUTRAL)

    def restart_neutral_window(self) -> None:
        self.neutral_capture.reset()

    def neutral_frame(self, fa: FrameAnalysis) -> None:
        cap = self.neutral_capture
        if not self._quality_warning(fa):
            cap.bad_frame()
            return
        assert fa.measures is not None
        cap.add(self.timing.now, fa.measures)
        if cap.span >= self.neutral_s - EPS:
            self.neutral = cap.mean()
            self.out.records.append(NeutralCaptured(self.timing.now, {
                name: (round(p.left, 5), round(p.right, 5)) for name, p in self.neutral.items()}))
            self._begin_exercise(0)

    def start_set(self) -> None:
        self.run.start_set()
        if not self.exercise.tracked:
            self._goto(State.GUIDED)
            return
        self.overactivity.new_set()
        self._goto(State.PRACTICE)
        self.new_cycle()

    def new_cycle(self) -> None:
        self.run.new_cycle(self.timing.elapsed)

    def practice_frame(self, fa: FrameAnalysis) -> None:
        if not self._quality_warning(fa):
            self.run.gap()
            return
        assert fa.measures is not None and self.neutral is not None
        rep, broken = self.run.frame(self.timing.now, self.timing.elapsed, fa.measures, self.neutral)
        for q in broken:
            self._give_cue("synkinesis", self.affected, q.cue.format(side=self.say(self.affected), strong=self.say(self.strong)))
        if rep is not None:
            self._on_rep(rep)

    def after_break(self) -> None:
        self.overactivity.after_break()
        if self.run.set_done:
            self._finish_set()
        else:
            self._goto(State.PRACTICE)
            self.new_cycle()

    def skip(self) -> None:
        if self._state is State.GUIDED:
            self._record_exercise(skipped=True, ended_early="skipped")
            self.next_exercise()
        elif self.run.reps:
            self._finish_exercise(ended_early="skipped")
            self._goto(State.EXERCISE_SUMMARY)
        else:
            self._record_exercise(skipped=True, ended_early=None)
            self.next_exercise()

    def redo(self) -> None:
        """Start the current exercise again from its card (closing what was done so far)."""
        if self._state is State.NEUTRAL:
            self.start_neutral()
            return
        if not self.spec.in_exercise:
            return
        if self.run.open and self.run.reps:
            self._finish_exercise(ended_early="repeat")
        self._begin_exercise(self.index)

    def guided_done(self) -> None:
        self._record_exercise(skipped=False, ended_early=None)
        self.next_exercise()

    def next_exercise(self) -> None:
        if self.index + 1 < len(self.programme.exercises):
            self._begin_exercise(self.index + 1)
        else:
            self._end_session("completed")

    # ------------------------------------------------------------------ the session's flow

    def _end_session(self, reason: str) -> None:
        self._close_attempt(reason)
        self.timing.paused = None
        self.end_reason = reason
        self.out.records.append(SessionEnded(self.timing.now, reason))
        self.sessions_since_history += 1
        self._goto(State.SESSION_SUMMARY)

    def _runner(self, index: int) -> SetRunner:
        return SetRunner(self.programme.exercises[index], self.affected, self.rules, self.programme.quiet)

    def _begin_exercise(self, index: int) -> None:
        self.index = index
        self.run = self._runner(index)
        self._goto(State.INSTRUCTION)

    def _on_rep(self, rep: Rep) -> None:
        record, over = self.run.add_rep(rep, self.timing.now, self.timing.elapsed)
        self.out.records.append(record)
        cues = self.overactivity.rep(over) if self.run.side is None else ()
        for cue_id in cues:
            self._give_cue(cue_id, self.strong)
        if "break" in cues:
            self._goto(State.BREAK)
            self._show_cue("break", self.strong)
            return
        if self.run.set_done:
            self._finish_set()
        elif self.run.fatigued():
            self.run.fatigue = True
            self._give_cue("fatigue")
            self._finish_set()

    def _finish_set(self) -> None:
        kept = (self.cue.text, self.cue.side) if self.run.fatigue else None
        if self.run.more_sets:
            self.run.next_set()
            self._goto(State.INSTRUCTION)
        else:
            self._finish_exercise()
            self._goto(State.EXERCISE_SUMMARY)
        if kept:
            self.cue.show(kept[0], kept[1], self.flow.cue_seconds)

    def _close_attempt(self, reason: str) -> None:
        """The session ends mid-exercise: record what was done of it."""
        if not self.run.open:
            return
        if self.run.reps:
            self._finish_exercise(ended_early=reason)
        else:
            self._record_exercise(skipped=True, ended_early=reason)

    def _finish_exercise(self, ended_early: str | None = None) -> None:
        if ended_early is None and self.run.fatigue:
            ended_early = "fatigue"
        self._record_exercise(skipped=False, ended_early=ended_early)

    def _record_exercise(self, skipped: bool, ended_early: str | None) -> None:
        ex, run = self.exercise, self.run
        sym, weaker = run.symmetry()
        self.out.records.append(ExerciseDone(self.timing.now, ex.id, len(run.reps), sym, skipped, ended_early,
                                             weaker=run.named_weaker()))
        run.open = False
        self.results[ex.id] = ExerciseResult(len(run.reps), sym, weaker, run.affected_movement(),
                                             skipped, ended_early)
