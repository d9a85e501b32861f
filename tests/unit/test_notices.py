"""The mirror's own notices: shown in turn, each until a press or its time is up; a press only takes one away."""

from __future__ import annotations

from mimicmirror.clock import SimClock
from mimicmirror.events import ButtonEvent
from mimicmirror.screen import ScreenKind
from mimicmirror.service.notices import Notices

WORDS = {"continue": "NEXT: continue", "saved_title": "Saved", "saved_lines": ("It is written.", "Go on.")}


def notices() -> tuple[Notices, SimClock]:
    clock = SimClock(start=100.0)
    return Notices(clock, lambda: WORDS), clock


def press(t: float = 0.0) -> ButtonEvent:
    return ButtonEvent(t, "next", False)


def test_notices_queued_at_the_start_are_shown_in_turn_and_a_press_only_takes_one_away():
    shown, _ = notices()
    shown.add("Date unknown", ("Set the clock.",))
    shown.add("History set aside", ("A fresh one is kept.",))
    shown.next()
    assert shown.current is not None and shown.current.title == "Date unknown"
    assert shown.current.kind == ScreenKind.NOTICE and shown.current.footer == "NEXT: continue"
    assert shown.presses([press()]) == []               # the press is not the engine's
    assert shown.current is not None and shown.current.title == "History set aside"
    assert shown.presses([press()]) == []
    assert shown.current is None
    assert shown.presses([press()]) == [press()]        # no notice: presses go on to the engine


def test_a_notice_goes_when_its_time_is_up():
    shown, clock = notices()
    shown.add("Date unknown", ("Set the clock.",), seconds=20.0)
    shown.next()
    clock.advance(19.0)
    assert shown.presses([]) == [] and shown.current is not None
    clock.advance(1.0)
    assert shown.presses([]) == [] and shown.current is None


def test_a_notice_shown_later_replaces_the_one_up_and_is_worded_from_the_catalogue():
    shown, _ = notices()
    shown.add("Date unknown", ("Set the clock.",))
    shown.next()
    shown.show(shown.said("saved_title", "saved_lines"), 5.0)
    assert shown.current is not None
    assert (shown.current.title, shown.current.lines) == ("Saved", ("It is written.", "Go on."))
    assert shown.said("saved_title").lines == ()
