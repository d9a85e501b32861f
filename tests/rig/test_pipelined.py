"""A recorded rig session replayed through the threaded service (the rig's loop benchmark).

The lockstep rig is recorded once; played through the service as the device
wires it (capture, analysis and loop in threads of their own, every frame
analysed), the same session must happen: the same records in the same order,
with the same exercise results up to the model's own jitter (the lockstep
rig skips frames while nobody is at the mirror, so the tracker starts from
other frames).
"""

from __future__ import annotations

import pytest

from mimicmirror.clock import SimClock
from mimicmirror.events import ButtonName
from mimicmirror.records import ExerciseDone, NeutralCaptured, RepDone, SessionEnded, SessionStarted
from mimicmirror.sim.pipelined import PressAt, PressesAtFrames, Recording, run_pipelined, same_session
from mimicmirror.sim.rig import Rig
from mimicmirror.sim.scenario import load_scenario


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    rig = Rig(load_scenario("brief"), tmp_path_factory.mktemp("brief"), screenshots=False, record=True)
    return rig, rig.run()


@pytest.fixture(scope="module")
def replayed(recorded):
    rig, result = recorded
    return run_pipelined(result.recording, rig.config)


def test_the_recording_holds_every_frame_and_press_of_the_lockstep_run(recorded):
    _, result = recorded
    recording = result.recording
    assert len(recording.frames) == round(result.seconds * recording.fps)
    assert recording.presses and all(p.button == ButtonName.NEXT for p in recording.presses)
    assert [p.taken for p in recording.presses] == sorted(p.taken for p in recording.presses)


def test_the_recording_keeps_each_picture_once(recorded):
    _, result = recorded
    frames = result.recording.frames
    pictures = {id(f.rgb): f.rgb for f in frames}
    assert len({p.tobytes() for p in pictures.values()}) == len(pictures)    # no picture kept twice
    assert len(pictures) < len(frames) / 10                                 # the virtual person repeats itself


def test_a_picture_shown_again_is_kept_as_the_same_array_with_its_own_time():
    import numpy as np

    from mimicmirror.camera.base import Frame

    a, b = np.zeros((4, 6, 3), np.uint8), np.full((4, 6, 3), 7, np.uint8)
    shown = [Frame(a, 0.0), Frame(a.copy(), 0.1), Frame(b, 0.2), Frame(a.copy(), 0.3)]

    class Camera:
        def start(self): pass
        def stop(self): pass
        def read(self, timeout): return shown.pop(0)

    recording = Recording(10.0)
    camera = recording.keep(Camera())
    handed = [camera.read(1.0) for _ in range(4)]
    kept = recording.frames
    assert [f.t for f in kept] == [0.0, 0.1, 0.2, 0.3]
    assert kept[1].rgb is kept[0].rgb and kept[3].rgb is kept[0].rgb and kept[2].rgb is b
    assert all(np.array_equal(k.rgb, h.rgb) for k, h in zip(kept, handed))   # the camera's own frames pass on


def test_the_threaded_service_takes_and_analyses_every_recorded_frame(recorded, replayed):
    _, result = recorded
    assert replayed.taken == replayed.analysed == len(result.recording.frames)


def test_each_press_reaches_the_loop_with_the_same_frame_as_in_lockstep(recorded, replayed):
    _, result = recorded
    assert [n for n, _ in replayed.presses] == [p.taken for p in result.recording.presses]


def test_the_replayed_session_is_the_lockstep_session(recorded, replayed):
    _, result = recorded
    assert same_session(result.records, replayed.records)
    assert isinstance(replayed.records[0], SessionStarted) and isinstance(replayed.records[1], NeutralCaptured)
    assert isinstance(replayed.records[-1], SessionEnded) and replayed.records[-1].reason == result.records[-1].reason
    for ours, theirs in zip(replayed.records, result.records):
        if isinstance(ours, (RepDone, ExerciseDone)) and ours.symmetry is not None:
            assert ours.weaker == theirs.weaker
            assert ours.symmetry == pytest.approx(theirs.symmetry, abs=0.03)


def test_the_records_keep_the_lockstep_runs_timing_between_them(recorded, replayed):
    _, result = recorded
    gaps = [b.t - a.t for a, b in zip(result.records, result.records[1:])]
    ours = [b.t - a.t for a, b in zip(replayed.records, replayed.records[1:])]
    assert ours == pytest.approx(gaps, abs=0.11)     # within one frame at the scenario's 10 fps


def test_presses_wait_for_their_frame_and_come_once():
    taken = [0]
    buttons = PressesAtFrames([PressAt(3, ButtonName.NEXT, False, -0.05), PressAt(5, ButtonName.REPEAT, True, 0.0)],
                              lambda: taken[0], clock=SimClock(start=100.0))
    got = []
    for n in range(8):
        taken[0] = n
        got.append([(e.button, e.long, e.t) for e in buttons.events()])
    assert got == [[], [], [], [(ButtonName.NEXT, False, 99.95)], [], [(ButtonName.REPEAT, True, 100.0)], [], []]


def test_a_recording_with_gaps_is_refused():
    import numpy as np

    from mimicmirror.camera.base import Frame

    rgb = np.zeros((4, 4, 3), np.uint8)
    recording = Recording(10.0, [Frame(rgb, 0.0), Frame(rgb, 0.1), Frame(rgb, 0.5)])
    with pytest.raises(ValueError, match="not evenly spaced"):
        recording.check_even()
