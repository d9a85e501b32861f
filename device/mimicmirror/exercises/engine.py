"""The session engine: timestamped events in, a screen model and records out.

Pure and deterministic: no clock, camera, pygame or database. Time is the
events' own monotonic time (`timing`); timers run on active time, which
stands still while the session is paused or the camera is away, so a replay
of the same events gives the same screens and records.

One Engine lives for the whole device run. Everything that differs from state
to state (time-outs, what the buttons do, the screen, the face watch) is in
the table in `states`; this module is the machinery that reads the table:
events in, timers, pause and camera gaps, rendering. The handlers the table
names are in `flow` (inherited), and the pieces they drive each have their
own module: `sets` (sets and repetitions), `neutral` (the relaxed-face
capture), `results` (outcomes and summary sentences), `screens` (building
the screen model), `timing` (active time and the cue) and `step` (what one
event hands back).
"""

from __future__ import annotations

from dataclasses import replace

from ..config import Config
from ..events import ButtonEvent, ButtonName, CameraEvent, Event, FrameEvent
from ..face.types import FrameAnalysis, Measures
from ..history import History
from ..language import REFERENCE, load_language
from ..records import CueGiven
from ..screen import Screen
from ..sides import Side, other
from . import screens
from .catalogue import Exercise, Programme
from .feedback import Overactivity
from .neutral import NeutralCapture
from .reps import EPS
from .flow import Handlers
from .hearing import Hearing
from .results import ExerciseResult
from .settings_menu import MenuChoices, ProgrammeChoice, SettingsHandlers
from .states import STATES, State, StateSpec, check_handlers
from .step import Outbox, Step
from .timing import Cue, Timing

__all__ = ["Engine", "State", "StateSpec", "STATES", "Step"]


class Engine(Handlers, SettingsHandlers):
    """The session state machine. `handle(event)` is the only way in.

    Its attributes are read by the screen builders in `screens`; only the
    engine's own handlers change them.
    """

    def __init__(self, programme: Programme, config: Config, history: History = History(),
                 choices: MenuChoices | None = None, first_start: bool = False):
        """`choices`: what the settings menu offers; `first_start`: no settings yet, open the menu."""
        self.reconfigure(programme, config)
        self.menu_choices = choices or MenuChoices.from_schema((ProgrammeChoice(programme.name, programme.title),))
        self.menu = None
        self.history = history
        self.sessions_since_history = 0
        self.timing = Timing()
        self.cue = Cue()
        self._state = State.IDLE
        self._face_since: float | None = None  # idle: a face present since
        self._attract_spent = False            # the prompt went blank; wait for the face to leave
        self.warning = ""
        self.end_reason = "completed"
        self.overactivity = Overactivity(self.rules)
        self.neutral_capture = NeutralCapture(self.rules.neutral_stillness)
        self.neutral: Measures | None = None
        self.results: dict[str, ExerciseResult] = {}
        self.index = 0
        self.run = self._runner(0)
        self.out = Outbox()
        if first_start:
            self.open_settings(first_start=True)
        self.screen = self._render()

    def reconfigure(self, programme: Programme, config: Config) -> None:
        """Take (new) settings: at start, and after the settings menu saved them (never in a session)."""
        self.programme = programme
        # the words of the frame (headings, footers, sentences) in the programme's language
        self.language = programme.language or load_language(REFERENCE)
        self.words = self.language.words
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
        self.settings_now = {s: dict(v) for s, v in config.sections.items()}
        self.hearing = Hearing({**{self.cue_text(c): c for c in programme.cues},
                                **{q.cue.format(side=self.say(self.affected), strong=self.say(self.strong)): "synkinesis"
                                   for q in programme.quiet.values()}})

    def spoken_texts(self) -> tuple[str, ...]:
        """What the mirror may say, to render before it is needed: the coaching cues first, then
        every text of the language with this person's sides and name (numbers and results are
        rendered when first said)."""
        fill = {"side": self.say(self.affected), "other": self.say(self.strong),
                "strong": self.say(self.strong), "name": self.name}
        quiet = (q.cue.format(**fill) for q in self.programme.quiet.values())
        first = [*(self.cue_text(c) for c in self.programme.cues), *quiet,
                 *(self.fmt(e.prompt) for e in self.programme.exercises)]
        rest = [self.words.ASSIST.format(assist=self.fmt(e.assist)) for e in self.programme.exercises if e.assist]
        for text in (self.programme.language.all_texts() if self.programme.language is not None else ()):
            try:
                rest.append(text.format(**fill))
            except (KeyError, IndexError, ValueError):
                continue
        return tuple(dict.fromkeys(t.strip() for t in (*first, *rest) if t.strip()))

    # ------------------------------------------------------------------ public

    @property
    def state(self) -> State:
        return self._state

    @property
    def spec(self) -> StateSpec:
        return STATES[self._state]

    @property
    def paused(self) -> str | None:
        return self.timing.paused

    @property
    def in_session(self) -> bool:
        return self.spec.in_session

    @property
    def exercise(self) -> Exercise:
        return self.programme.exercises[self.index]

    def set_history(self, history: History) -> None:
        """New numbers from the store (at start and after each session)."""
        self.history = history
        self.sessions_since_history = 0

    def handle(self, event: Event) -> Step:
        """Take one event; return the screen to show now and the records to store."""
        self.out = Outbox()
        before = self.screen
        dt = self.timing.step_to(event.t)
        self.timing.advance(dt, self.cue, self.in_session)
        if isinstance(event, CameraEvent):
            self._on_camera(event)
        elif isinstance(event, ButtonEvent):
            self._on_button(event)
        elif isinstance(event, FrameEvent):
            self._on_frame(event.analysis)
        self._check_timers()
        self.screen = self._render()
        self.out.heard.extend(self.hearing(before, self.screen))
        return self.out.step(self.screen)

    def progress(self) -> tuple[int, int] | None:
        """(exercise number, exercises) while in an exercise, for the screens."""
        return (self.index + 1, len(self.programme.exercises)) if self.spec.in_exercise else None

    def cue_text(self, cue_id: str) -> str:
        return self.programme.cues[cue_id].format(side=self.say(self.affected), strong=self.say(self.strong))

    def fmt(self, text: str) -> str:
        return text.format(side=self.say(self.affected), other=self.say(self.strong))

    def say(self, side: Side) -> str:
        """A side in the user's language ("left", "links")."""
        return self.programme.language.side(side) if self.programme.language is not None else side

    # ------------------------------------------------------------------ the table at work

    def _act(self, handler: str) -> None:
        if handler:
            getattr(self, handler)()

    def _check_timers(self) -> None:
        timing = self.timing
        if timing.camera is not None:
            return
        if timing.paused is not None:
            if timing.paused_for >= self.flow.paused_end_seconds - EPS:
                self._end_session("abandoned")
            return
        if self.in_session and timing.session_s >= self.max_session_s - EPS:
            self._end_session("time_cap")
            return
        spec = self.spec
        if spec.watches_face and timing.now - timing.last_face >= self.no_face_s - EPS:
            self._pause("no_face")
            return
        if spec.timeout is not None and timing.elapsed >= spec.timeout(self) - EPS:
            self._act(spec.on_timeout)

    def _render(self) -> Screen:
        if self.timing.camera is not None:
            screen = screens.camera(self)
        elif self.timing.paused is not None:
            screen = screens.paused(self)
        else:
            screen = self.spec.screen(self)
        if self.spec.in_exercise:
            screen = replace(screen, exercise_id=self.exercise.id)
        return screen

    def _goto(self, state: State) -> None:
        self._state = state
        self.timing.restart()
        self.warning = ""
        self.cue.clear()

    def _show_cue(self, cue_id: str, side: Side | None = None, text: str | None = None) -> str:
        shown = text if text is not None else self.cue_text(cue_id)
        self.cue.show(shown, side, self.flow.cue_seconds)
        return shown

    def _give_cue(self, cue_id: str, side: Side | None = None, text: str | None = None) -> None:
        shown = self._show_cue(cue_id, side, text)
        self.out.records.append(CueGiven(self.timing.now, self.exercise.id, cue_id, shown))

    # ------------------------------------------------------------------ events

    def _on_camera(self, event: CameraEvent) -> None:
        if not event.ok:
            self.timing.camera = event.reason
            return
        self._camera_back()

    def _camera_back(self) -> None:
        if self.timing.camera is None:
            return
        self.timing.camera = None
        self.timing.last_face = self.timing.now
        self._face_since = None
        self._act(self.spec.on_interrupt)

    def _on_button(self, event: ButtonEvent) -> None:
        nxt = event.button is ButtonName.NEXT
        if self.timing.camera is not None:
            if nxt and event.long and self.in_session:
                self._end_session("ended_by_user")
            return
        if self.timing.paused is not None:
            if nxt and event.long:
                self._end_session("ended_by_user")
            else:
                self._resume()
                if not nxt:
                    self.redo()
            return
        spec = self.spec
        if event.button is ButtonName.BOTH:
            self._act(spec.on_both)
            return
        self._act(spec.on_long_next if nxt and event.long else spec.on_next if nxt else spec.on_repeat)

    def _on_frame(self, fa: FrameAnalysis) -> None:
        if self.timing.camera is not None:
            self._camera_back()   # frames arriving: the camera is back
        if fa.face:
            self.timing.last_face = self.timing.now
        if self.timing.paused is not None:
            if self.timing.paused == "no_face" and fa.face:
                self._resume()
            else:
                return
        if self.spec.on_frame:
            getattr(self, self.spec.on_frame)(fa)

    def _quality_warning(self, fa: FrameAnalysis) -> bool:
        """Set the plain-words warning; True when the frame may be scored."""
        if fa.face and fa.quality.ok and fa.measures is not None:
            self.warning = ""
            return True
        self.warning = self.cue_text(fa.quality.reason or "no_face")
        return False

    def _pause(self, reason: str) -> None:
        self.timing.pause(reason)

    def _resume(self) -> None:
        self.timing.resume()
        self._act(self.spec.on_interrupt)


check_handlers(Engine)
