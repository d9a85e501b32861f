"""The mirror's own words (headings, footers, summaries), kept apart from the logic.

The coaching cues the therapist may reword live in exercises.toml; these are
the fixed frame around them. Placeholders are filled with str.format.
"""

from __future__ import annotations

from types import MappingProxyType

from ..screen import ScreenKind

#: What the buttons do, per screen. "paused_notice" is the camera notice during a session.
FOOTERS = MappingProxyType({
    ScreenKind.IDLE: "",
    ScreenKind.ATTRACT: "NEXT: start",
    ScreenKind.GREETING: "NEXT: start now  ·  hold NEXT: pause",
    ScreenKind.NEUTRAL: "REPEAT: start again  ·  hold NEXT: pause",
    ScreenKind.INSTRUCTION: "NEXT: start  ·  REPEAT: read again  ·  hold NEXT: pause",
    ScreenKind.PRACTICE: "NEXT: skip  ·  REPEAT: start over  ·  hold NEXT: pause",
    ScreenKind.GUIDED: "NEXT: skip  ·  REPEAT: start over  ·  hold NEXT: pause",
    ScreenKind.EXERCISE_SUMMARY: "NEXT: go on  ·  REPEAT: do it again",
    ScreenKind.SESSION_SUMMARY: "NEXT: done",
    ScreenKind.PAUSED: "NEXT: go on  ·  REPEAT: redo this exercise  ·  hold NEXT: end the session",
    "break": "NEXT: go on now  ·  REPEAT: redo this exercise",
    "camera_in_session": "hold NEXT: end the session",
    "camera_idle": "",
})

ATTRACT_TITLE = "Mimic Mirror"
ATTRACT_LINES = ("Press NEXT to start your exercises.",)

GREETING_TITLE = "Hello"
GREETING_TITLE_NAMED = "Hello, {name}"
SESSION_OF = "Session {k} of {n} today"
SESSION_EXTRA = "Session {k} today: extra practice"
YESTERDAY_SHORT = "Yesterday: {done} of {n} sessions. Every session helps."
SMALL_AND_SLOW = "Small, slow, even movements. Quality beats quantity."

NEUTRAL_TITLE = "Relax your face"
NEUTRAL_LINES = ("Look into the mirror,", "let your face rest and keep still.")
KEEP_STILL = "Keep still a moment longer"

ONE_SIDE_FIRST = "Your {side} side first."
ONE_SIDE_NOW = "Now your {side} side."
ONE_SIDE_ONLY = "Your {side} side."
ASSIST = "Help: {assist}"

PAUSED_TITLE = "Paused"
PAUSED_BY_BUTTON = ("Take your time.",)
PAUSED_NO_FACE = ("Come back to the mirror to go on.",)

BREAK_TITLE = "Time for a short break"

CAMERA_TITLE = "One moment"
CAMERA_LINES = MappingProxyType({
    "no_camera": ("The camera cannot be found.", "Trying again."),
    "busy": ("The camera is busy.", "Trying again."),
    "timeout": ("The camera is not answering.", "Trying again."),
    "disconnected": ("The camera was disconnected.", "Trying again."),
    "": ("The camera is not answering.", "Trying again."),
})
CAMERA_IN_SESSION = "Your session waits for you."

SUMMARY_TITLE = "Well done"
SUMMARY_TITLE_BY_REASON = MappingProxyType({
    "completed": "Session complete",
    "ended_by_user": "Session ended",
    "time_cap": "Time is up for this session",
    "abandoned": "Session ended",
})

EXERCISE_SENTENCE_EVEN = "Both sides moved evenly."
EXERCISE_SENTENCE_SIDES = "Your {weaker} side moved {percent} as far as your {stronger} side."
EXERCISE_SENTENCE_DONE = "Done."
EXERCISE_SENTENCE_SKIPPED = "Skipped."

SESSION_SENTENCE_BETTER = "Your {side} {part} moved more than last week."
SESSION_SENTENCE_KEPT = "Your {side} side kept up its movement. Well done."
SESSION_SENTENCE_FIRST = "Your first results are saved. Well done."
SESSION_SENTENCE_NOTHING = "Come back whenever you are ready."
# The affected side is configured; when the other side is the weaker one in most
# clearly uneven exercises, the setting may be wrong (DESIGN: "or suggested").
SIDE_CHECK = "Your {side} side moved less today. Is the palsy side set correctly?"
