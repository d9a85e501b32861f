"""The session's states as one table: what each state shows, times out to, and does with a press.

The engine looks everything state-specific up here. A `StateSpec` names the
engine's handlers (its method names) for NEXT, REPEAT, a long NEXT, the
time-out and a frame, the screen builder, and three facts: whether the state
watches for the face (nobody there for a while pauses the session), whether
it is part of a session, and whether it belongs to one exercise (progress is
shown and REPEAT may start the exercise again). Adding a state is one entry
here, its handlers on the engine and, if it shows something new, a builder
in `screens`. The engine checks at import that every named handler exists.

Flow: idle -> attract -> (NEXT) greeting -> neutral capture -> per exercise:
instruction card -> practice (tracked) or a timed step (guided) -> exercise
summary -> ... -> session summary -> idle; a break when the strong side
overdoes it. Both buttons held while idle (or a first start with no
settings) open the settings menu -> saved / nothing changed -> idle.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Callable, Mapping

from ..screen import Screen
from . import screens, settings_menu

if TYPE_CHECKING:
    from .engine import Engine


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
    SETTINGS = "settings"
    SETTINGS_DONE = "settings_done"


@dataclass(frozen=True)
class StateSpec:
    """One state's behaviour. Handler fields hold engine method names ("" = nothing to do)."""

    screen: Callable[[Engine], Screen]
    on_next: str
    on_repeat: str
    #: a long NEXT; in a session it pauses (the pause screen offers to end the session)
    on_long_next: str = "pause_by_button"
    #: active seconds until `on_timeout` runs; None = the state waits for the person
    timeout: Callable[[Engine], float] | None = None
    on_timeout: str = ""
    #: a frame analysis arrives (the handler takes the `FrameAnalysis`)
    on_frame: str = ""
    #: measurement starts afresh after a pause or a camera gap (no half repetitions)
    on_interrupt: str = ""
    watches_face: bool = False
    in_session: bool = True
    in_exercise: bool = False
    #: both buttons held together (the settings menu, from idle)
    on_both: str = ""

    def handlers(self) -> tuple[str, ...]:
        """Every engine method this state names."""
        return tuple(h for h in (self.on_next, self.on_repeat, self.on_long_next, self.on_timeout,
                                 self.on_frame, self.on_interrupt, self.on_both) if h)


STATES: Mapping[State, StateSpec] = {
    State.IDLE: StateSpec(
        screens.idle, on_next="start_session", on_repeat="show_attract", on_long_next="start_session",
        on_frame="presence", in_session=False, on_both="open_settings"),
    State.ATTRACT: StateSpec(
        screens.attract, on_next="start_session", on_repeat="restart", on_long_next="start_session",
        timeout=lambda e: e.blank_after_s, on_timeout="blank", on_frame="presence", in_session=False,
        on_both="open_settings"),
    State.GREETING: StateSpec(
        screens.greeting, on_next="after_greeting", on_repeat="restart",
        timeout=lambda e: e.flow.greeting_seconds, on_timeout="after_greeting"),
    State.NEUTRAL: StateSpec(   # NEXT does nothing: the baseline cannot be skipped
        screens.neutral, on_next="", on_repeat="start_neutral",
        on_frame="neutral_frame", on_interrupt="restart_neutral_window", watches_face=True),
    State.INSTRUCTION: StateSpec(
        screens.instruction, on_next="start_set", on_repeat="restart",
        timeout=lambda e: e.flow.instruction_seconds, on_timeout="start_set",
        watches_face=True, in_exercise=True),
    State.PRACTICE: StateSpec(
        screens.practice, on_next="skip", on_repeat="redo",
        on_frame="practice_frame", on_interrupt="new_cycle", watches_face=True, in_exercise=True),
    State.GUIDED: StateSpec(   # hands cover the face in massage: no face watch
        screens.guided, on_next="skip", on_repeat="restart",
        timeout=lambda e: e.exercise.seconds, on_timeout="guided_done", in_exercise=True),
    State.EXERCISE_SUMMARY: StateSpec(
        screens.exercise_summary, on_next="next_exercise", on_repeat="redo",
        timeout=lambda e: e.flow.exercise_summary_seconds, on_timeout="next_exercise", in_exercise=True),
    State.SESSION_SUMMARY: StateSpec(
        screens.session_summary, on_next="to_idle", on_repeat="restart", on_long_next="to_idle",
        timeout=lambda e: e.flow.session_summary_seconds, on_timeout="to_idle", in_session=False),
    State.BREAK: StateSpec(
        screens.rest_break, on_next="after_break", on_repeat="redo",
        timeout=lambda e: e.rules.break_seconds, on_timeout="after_break", in_exercise=True),
    State.SETTINGS: StateSpec(   # NEXT: next setting; REPEAT: change it (or save / leave)
        settings_menu.settings_screen, on_next="menu_next", on_repeat="menu_change", on_long_next="menu_next",
        timeout=settings_menu.menu_timeout, on_timeout="leave_settings", in_session=False),
    State.SETTINGS_DONE: StateSpec(
        settings_menu.settings_done_screen, on_next="close_settings", on_repeat="close_settings",
        on_long_next="close_settings", timeout=lambda e: settings_menu.DONE_S, on_timeout="close_settings",
        in_session=False),
}


def check_handlers(engine: type) -> None:
    """Every handler the table names exists on the engine, and every state has an entry.

    Run once at import, so a misspelt handler fails at once instead of on the
    day someone presses that button in that state.
    """
    missing = set(State) - set(STATES)
    if missing:
        raise TypeError(f"states without an entry in STATES: {sorted(s.value for s in missing)}")
    for state, spec in STATES.items():
        for name in spec.handlers():
            if not callable(getattr(engine, name, None)):
                raise TypeError(f"state {state.value}: the engine has no handler {name!r}")
