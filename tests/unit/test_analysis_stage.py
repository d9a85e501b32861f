"""The analysis stage: newest frame wins, nothing queues, and nobody at the mirror costs little."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from mimicmirror.camera.latest import LatestFrame
from mimicmirror.camera.replay import ReplaySource
from mimicmirror.face.types import FrameAnalysis, Quality
from mimicmirror.service.analysis_stage import AnalysisStage, IdleGate

FPS = 30.0


class MarkerAnalyzer:
    """Sees a face when the frame's first pixel is bright; records every frame time it was given."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.seen: list[float] = []

    def analyze(self, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis:
        self.seen.append(t)
        if self.seconds:
            time.sleep(self.seconds)
        face = bool(rgb[0, 0, 0] > 127)
        return FrameAnalysis(timestamp=t, face=face, quality=Quality(ok=face, reason=None if face else "no_face"))


def frames(face_between: tuple[float, float] = (0.0, 0.0)):
    """A generated clip: a face (bright marker) from face_between[0] to face_between[1] seconds."""
    def frame_at(t: float) -> np.ndarray:
        rgb = np.zeros((4, 4, 3), np.uint8)
        if face_between[0] <= t < face_between[1]:
            rgb[0, 0] = 255
        return rgb
    return frame_at


def lockstep_stage(frame_at, analyzer, gate=None, crowd=None) -> AnalysisStage:
    source = ReplaySource.from_callable(frame_at, FPS)
    stage = AnalysisStage(LatestFrame(source, lockstep=True), analyzer, gate, crowd)
    stage.start()
    return stage


def run_lockstep(stage: AnalysisStage, seconds: float) -> list:
    try:
        return [stage.get(1.0) for _ in range(int(seconds * FPS))]
    finally:
        stage.stop()


def test_with_a_face_every_frame_is_analysed():
    analyzer = MarkerAnalyzer()
    got = run_lockstep(lockstep_stage(frames((0.0, 99.0)), analyzer), 3.0)
    assert len(analyzer.seen) == len(got) == 90
    assert all(f.analysis is not None and f.analysis.face for f in got)


def test_with_nobody_at_the_mirror_at_most_two_frames_a_second_are_analysed():
    analyzer = MarkerAnalyzer()
    run_lockstep(lockstep_stage(frames(), analyzer), 10.0)
    after_first_second = [t for t in analyzer.seen if t >= 1.0]
    assert len(after_first_second) <= 2 * 9 + 1
    assert len(analyzer.seen) >= 18            # still looking, twice a second


def test_a_face_arriving_while_idle_is_seen_within_half_a_second_and_then_every_frame():
    analyzer = MarkerAnalyzer()
    got = run_lockstep(lockstep_stage(frames((5.1, 99.0)), analyzer), 8.0)
    first = min(f.t for f in got if f.analysis is not None and f.analysis.face)
    assert 5.1 <= first <= 5.1 + 0.5
    after = [f for f in got if f.t >= first]
    assert all(f.analysis is not None and f.analysis.face for f in after)


def test_during_a_session_a_lost_face_is_still_looked_for_in_every_frame():
    analyzer = MarkerAnalyzer()
    gate = IdleGate()
    gate.busy = True
    got = run_lockstep(lockstep_stage(frames((0.0, 1.0)), analyzer, gate), 4.0)
    assert len(analyzer.seen) == len(got) == 120


def test_the_same_clip_skips_the_same_frames_every_time():
    runs = []
    for _ in range(2):
        analyzer = MarkerAnalyzer()
        run_lockstep(lockstep_stage(frames((2.0, 3.0)), analyzer), 6.0)
        runs.append(analyzer.seen)
    assert runs[0] == runs[1]


class PacedSource:
    """A camera that delivers a frame every 1/FPS seconds of real time, with a face from `scene_face_from`."""

    def __init__(self) -> None:
        self.index = 0
        self.next_at = time.monotonic()
        self.scene_face_from = float("-inf")

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def read(self, timeout: float):
        from mimicmirror.camera.base import Frame

        self.next_at += 1.0 / FPS
        time.sleep(max(0.0, self.next_at - time.monotonic()))
        self.index += 1
        rgb = np.zeros((4, 4, 3), np.uint8)
        t = time.monotonic()
        if t >= self.scene_face_from:
            rgb[0, 0] = 255
        return Frame(rgb, t)


def test_a_slow_analysis_takes_the_newest_frame_and_nothing_queues():
    analyzer = MarkerAnalyzer(seconds=0.1)              # slower than the camera's 33 ms
    stage = AnalysisStage(LatestFrame(PacedSource()), analyzer)
    stage.start()
    got = []
    try:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            got.append(stage.get(5.0))
    finally:
        stage.stop()
    times = [f.t for f in got]
    assert times == sorted(set(times))                  # each analysed frame once, in order
    assert len(got) <= 16                               # about one per analysis, not one per camera frame
    assert stage.dropped > 0                            # the camera's extra frames were dropped, not queued
    assert all(f.analysis is not None for f in got)


def test_the_analysis_runs_in_its_own_thread_while_the_loop_works():
    analyzer = MarkerAnalyzer(seconds=0.05)
    threads: set[str] = set()
    original = analyzer.analyze

    def analyze(rgb, t=0.0):
        threads.add(threading.current_thread().name)
        return original(rgb, t)

    analyzer.analyze = analyze
    stage = AnalysisStage(LatestFrame(PacedSource()), analyzer)
    stage.start()
    try:
        stage.get(5.0)
    finally:
        stage.stop()
    assert threads == {"face-analysis"}


class CountAside:
    """Stands in for the analyzer's face count: records when its checks are moved aside."""

    def __init__(self) -> None:
        self.moved = 0

    def aside(self) -> None:
        self.moved += 1


def test_a_stage_with_its_own_thread_moves_the_face_counts_checks_aside():
    crowd = CountAside()
    stage = AnalysisStage(LatestFrame(PacedSource()), MarkerAnalyzer(), crowd=crowd)  # type: ignore[arg-type]
    stage.start()
    try:
        stage.get(5.0)
    finally:
        stage.stop()
    assert crowd.moved == 1


def test_in_lockstep_the_face_counts_checks_stay_in_line():
    crowd = CountAside()
    run_lockstep(lockstep_stage(frames(), MarkerAnalyzer(), crowd=crowd), 0.2)
    assert crowd.moved == 0


def read_all(stage: AnalysisStage) -> list:
    from mimicmirror.camera.base import EndOfFrames

    got = []
    stage.start()
    try:
        while True:
            try:
                got.append(stage.get(5.0))
            except EndOfFrames:
                return got
    finally:
        stage.stop()


def test_every_frame_mode_hands_every_frame_of_a_recording_to_the_loop_in_order():
    clip = ReplaySource.from_callable(frames((0.0, 99.0)), FPS, duration=2.0)
    analyzer = MarkerAnalyzer(seconds=0.002)
    stage = AnalysisStage(LatestFrame(clip, every_frame=True), analyzer)
    got = read_all(stage)
    assert [round(f.t * FPS) for f in got] == list(range(60))
    assert stage.dropped == 0 and analyzer.seen == [f.t for f in got]


def test_every_frame_mode_analyses_a_recording_with_nobody_in_it_frame_by_frame_without_idling():
    clip = ReplaySource.from_callable(frames(), FPS, duration=3.0)     # no face at all: idle rules would skip
    analyzer = MarkerAnalyzer()
    started = time.monotonic()
    got = read_all(AnalysisStage(LatestFrame(clip, every_frame=True), analyzer))
    assert [round(f.t * FPS) for f in got] == list(range(90))
    assert all(f.analysis is not None for f in got) and len(analyzer.seen) == 90
    assert time.monotonic() - started < 3.0      # never slept out an idle period (0.5 s per look)


def test_every_frame_mode_analyses_a_few_frames_ahead_while_the_loop_still_works_on_a_frame_and_then_waits():
    """A recording's frames are all analysed, in order, and the analysis may run up to
    READ_AHEAD frames ahead of the loop at each of its two hand-offs (a slow moment of the
    loop, a screen drawn, does not stop the model), but no further: nothing piles up."""
    from mimicmirror.camera.latest import READ_AHEAD

    clip = ReplaySource.from_callable(frames((0.0, 99.0)), FPS, duration=1.0)
    analyzer = MarkerAnalyzer()
    stage = AnalysisStage(LatestFrame(clip, every_frame=True), analyzer)
    stage.start()
    try:
        first = stage.get(5.0)
        ahead = 1 + READ_AHEAD      # waiting to be taken, and one more analysed and held
        deadline = time.monotonic() + 5.0
        while len(analyzer.seen) < 1 + ahead and time.monotonic() < deadline:   # the loop "works" on the first
            time.sleep(0.001)
        time.sleep(0.1)
        assert analyzer.seen == [first.t + i / FPS for i in range(1 + ahead)]
        assert [stage.get(5.0).t for _ in range(ahead)] == [first.t + i / FPS for i in range(1, 1 + ahead)]
    finally:
        stage.stop()


def changes_while_running(stage: AnalysisStage, analysing: threading.Event) -> list[bool]:
    """Starts `stage` and makes ten changes through `between_frames` while its frames come:
    for each, whether it found `analysing` set (a frame in the middle of its analysis)."""
    stage.start()
    try:
        stage.get(5.0)
        overlaps = []
        for _ in range(10):
            overlaps.append(stage.between_frames(lambda a: analysing.is_set()))
            time.sleep(0.01)
        return overlaps
    finally:
        stage.stop()


def test_the_loop_changes_the_analyzer_only_between_frames():
    analyzer = MarkerAnalyzer(seconds=0.05)
    inside = threading.Event()
    original = analyzer.analyze

    def analyze(rgb, t=0.0):
        inside.set()
        try:
            return original(rgb, t)
        finally:
            inside.clear()

    analyzer.analyze = analyze
    stage = AnalysisStage(LatestFrame(PacedSource()), analyzer)
    assert changes_while_running(stage, inside) == [False] * 10


def test_the_service_idles_with_nobody_at_the_mirror_and_wakes_for_a_face(tmp_path):
    """The real loop, a camera at 30 frames a second in real time, nobody there for 2.5 s, then a face."""
    from mimicmirror import config as config_mod
    from mimicmirror.service import build_service

    config = config_mod.load(config_mod.DEFAULTS_DIR / "mimicmirror.toml", {
        "camera": {"fps": 30}, "buttons": {"backend": "none"}, "display": {"driver": "dummy", "width": 320,
                                                                            "height": 568},
        "store": {"path": str(tmp_path / "mimicmirror.db")}})
    analyzer = MarkerAnalyzer()
    camera = PacedSource()
    start = camera.next_at
    camera.scene_face_from = start + 2.5
    service = build_service(config, camera=LatestFrame(camera), analyzer=analyzer)
    stop = threading.Event()
    timer = threading.Timer(3.5, stop.set)
    timer.start()
    service.run(stop)
    idle = [t for t in analyzer.seen if start + 1.5 <= t < start + 2.5]
    awake = [t for t in analyzer.seen if t >= start + 2.5]
    assert len(idle) <= 3                                # two a second (one may straddle the edge)
    assert awake and awake[0] - (start + 2.5) <= 0.5 + 0.25  # one idle period, a frame, a busy machine
    assert len(awake) >= 10                              # then every frame it can get


def test_the_live_loop_takes_each_frame_as_it_is_analysed_and_draws_within_its_rate(tmp_path, monkeypatch):
    """No sleep between passes while the camera runs: the wait for the next frame paces the loop."""
    from mimicmirror import config as config_mod
    from mimicmirror.display.renderer import Display
    from mimicmirror.service import build_service
    from mimicmirror.service.camera_keeper import CameraKeeper
    from mimicmirror.service.pacing import DRAW_BURST, Pacer

    config = config_mod.load(config_mod.DEFAULTS_DIR / "mimicmirror.toml", {
        "camera": {"fps": 30}, "buttons": {"backend": "none"},
        "display": {"driver": "dummy", "width": 320, "height": 568, "fps": 10},
        "store": {"path": str(tmp_path / "mimicmirror.db")}})
    slept, drawn, taken = [], [], []
    wait, show, poll = Pacer.wait, Display.show, CameraKeeper.poll
    monkeypatch.setattr(Pacer, "wait", lambda self: slept.append(1) or wait(self))
    monkeypatch.setattr(Display, "show", lambda self, *a: drawn.append(time.monotonic()) or show(self, *a))

    def polled(self, now, clock, **kw):
        frame, changes = poll(self, now, clock, **kw)
        if frame is not None:
            taken.append(frame.t)
        return frame, changes

    monkeypatch.setattr(CameraKeeper, "poll", polled)
    analyzer = MarkerAnalyzer()
    service = build_service(config, camera=LatestFrame(PacedSource()), analyzer=analyzer)
    stop = threading.Event()
    timer = threading.Timer(1.5, stop.set)
    timer.start()
    service.run(stop)
    assert slept == []                                   # the camera ran throughout: no pacing sleep
    # [display] fps = 10, over the time the drawings really took (a loaded machine may
    # stretch the run past the timer): one drawing a period, plus the gate's burst
    assert len(drawn) <= 10 * (drawn[-1] - drawn[0]) + 1 + DRAW_BURST
    assert len(analyzer.seen) >= 30 and len(taken) >= 0.9 * len(analyzer.seen)


class TwoSteps(MarkerAnalyzer):
    """The marker analysis in two steps, as `Analyzer.find` and `Analyzer.measure`; records the threads."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__(seconds)
        self.threads: dict[str, set[str]] = {"find": set(), "measure": set()}
        self.measured: list[float] = []
        self.measuring = threading.Event()

    def find(self, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis:
        self.threads["find"].add(threading.current_thread().name)
        return self.analyze(rgb, t)

    def measure(self, found: FrameAnalysis) -> FrameAnalysis:
        self.threads["measure"].add(threading.current_thread().name)
        self.measuring.set()
        try:
            if self.seconds:
                time.sleep(self.seconds)
            self.measured.append(found.timestamp)
            return found
        finally:
            self.measuring.clear()


def two_step_stage(source, analyzer: TwoSteps, **kw) -> AnalysisStage:
    return AnalysisStage(source, analyzer, steps=(analyzer.find, analyzer.measure), **kw)


def test_with_two_steps_each_has_a_thread_and_every_frame_goes_through_both_in_order():
    clip = ReplaySource.from_callable(frames((0.0, 99.0)), FPS, duration=2.0)
    analyzer = TwoSteps(seconds=0.001)
    got = read_all(two_step_stage(LatestFrame(clip, every_frame=True), analyzer))
    assert [round(f.t * FPS) for f in got] == list(range(60))
    assert analyzer.seen == analyzer.measured == [f.t for f in got]
    assert analyzer.threads == {"find": {"face-analysis"}, "measure": {"face-measures"}}


def test_in_lockstep_two_steps_give_what_one_gives_in_the_callers_thread():
    clip = frames((1.0, 99.0))
    one = run_lockstep(lockstep_stage(clip, MarkerAnalyzer()), 3.0)
    analyzer = TwoSteps()
    source = ReplaySource.from_callable(clip, FPS)
    stage = two_step_stage(LatestFrame(source, lockstep=True), analyzer)
    stage.start()
    two = run_lockstep(stage, 3.0)
    assert [(f.t, f.analysis) for f in two] == [(f.t, f.analysis) for f in one]
    me = threading.current_thread().name
    assert analyzer.threads == {"find": {me}, "measure": {me}}


def test_with_two_steps_the_loop_changes_the_analyzer_only_between_measured_frames():
    analyzer = TwoSteps(seconds=0.03)
    stage = two_step_stage(LatestFrame(PacedSource()), analyzer)
    assert changes_while_running(stage, analyzer.measuring) == [False] * 10


def test_a_camera_error_passes_both_steps_to_the_loop():
    from mimicmirror.camera.base import EndOfFrames

    clip = ReplaySource.from_callable(frames((0.0, 99.0)), FPS, duration=0.2)
    stage = two_step_stage(LatestFrame(clip, every_frame=True), TwoSteps())
    stage.start()
    try:
        got = [stage.get(5.0) for _ in range(6)]
        with pytest.raises(EndOfFrames):
            stage.get(5.0)
    finally:
        stage.stop()
    assert len(got) == 6
