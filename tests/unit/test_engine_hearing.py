"""The engine says what should be heard: chimes for the rhythm of a repetition, the glass's words."""

from __future__ import annotations

from engine_script import DT, Driver, only
from mimicmirror.heard import Heard
from mimicmirror.screen import Phase, ScreenKind


def heard_with_screens(d: Driver, start: int = 0) -> list[tuple[Heard, object]]:
    return [(h, step.screen) for step in d.steps[start:] for h in step.heard]


def test_a_repetition_is_heard_move_hold_let_go_and_each_comes_with_its_screen():
    prog = only("close_eyes", reps=2)
    ex = prog.exercises[0]
    d = Driver.of(prog)
    d.to_practice()
    begun = len(d.steps) - 1
    d.rep(ex, 1.0, 1.0, hold_frames=int(ex.hold_seconds / DT) + 3)
    heard = heard_with_screens(d, begun)
    chimes = [(h.chime, s.phase) for h, s in heard if h.chime]
    assert chimes == [("move", Phase.REST), ("hold", Phase.HOLD), ("release", Phase.RELEASE)]
    for h, screen in heard:
        assert h.text == "" or h.text == screen.cue   # the words are the glass's words, at that moment
    assert [h.text for h, _ in heard if h.chime == "hold"] == ["Hold it gently"]
    assert [h.text for h, _ in heard if h.chime == "release"] == ["Now let go slowly"]


def test_the_last_repetition_rings_set_done_with_the_summary_sentence():
    prog = only("close_eyes", reps=1)
    ex = prog.exercises[0]
    d = Driver.of(prog)
    d.to_practice()
    begun = len(d.steps)
    d.rep(ex, 1.0, 1.0, hold_frames=int(ex.hold_seconds / DT) + 3)
    summary = [(h, s) for h, s in heard_with_screens(d, begun) if s.kind is ScreenKind.EXERCISE_SUMMARY]
    assert [h.chime for h, _ in summary][:1] == ["done"]
    assert summary[-1][0].text.endswith(summary[-1][1].sentence)


def test_a_long_hold_gets_a_soft_count_each_second_but_a_short_one_does_not():
    for hold, ticks in ((5.0, 4), (3.0, 0)):
        prog = only("close_eyes", reps=1, hold_seconds=hold)
        ex = prog.exercises[0]
        d = Driver.of(prog)
        d.to_practice()
        begun = len(d.steps)
        d.rep(ex, 1.0, 1.0, hold_frames=int(hold / DT) + 3)
        counts = [s.countdown for h, s in heard_with_screens(d, begun) if h.chime == "count"]
        assert len(counts) == ticks, (hold, counts)
        assert all(abs(c - round(c)) < 2 * DT for c in counts)   # on whole seconds left


def test_an_instruction_card_is_read_out_and_an_over_effort_cue_spoken_without_a_chime():
    prog = only("raise_brows", reps=3)
    ex = prog.exercises[0]
    d = Driver.of(prog)
    d.start()
    card = d.steps[-1]
    assert card.screen.kind is ScreenKind.INSTRUCTION
    assert [h.cue for h in card.heard] == ["instruction"]
    assert card.heard[0].parts == (card.screen.title, *card.screen.lines) and ex.cues[0] in card.heard[0].parts
    d.press("next")
    begun = len(d.steps)
    d.move(ex, 2.5, 2.5, n=6)                     # far over the target zone
    spoken = [h for h, s in heard_with_screens(d, begun) if h.cue == "less"]
    assert spoken and spoken[0].chime is None and spoken[0].text == "A little less"


def test_nothing_is_heard_while_the_mirror_is_only_a_mirror():
    d = Driver.of(only("close_eyes"))
    d.frames(200)                                  # a face lingers: the prompt comes and goes, silently
    assert all(step.heard == () for step in d.steps)
