"""The face model's core and the others': planned from the cores there are, kept per thread."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from mimicmirror.camera.latest import LatestFrame
from mimicmirror.camera.replay import ReplaySource
from mimicmirror.face.types import FrameAnalysis, Quality
from mimicmirror.service.analysis_stage import AnalysisStage
from mimicmirror.service.cores import CoreSplit

SPLIT = CoreSplit.plan()
needs_two_cores = pytest.mark.skipif(SPLIT is None, reason="needs two cores and a system that sets a thread's cores")


def in_a_thread(job):
    """`job()` run in a fresh thread (so the test's own thread keeps its cores); its result."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(job()))
    thread.start()
    thread.join(10.0)
    return out[0]


def test_the_highest_core_is_the_models_and_the_others_are_the_rests():
    """Not core 0: on a Raspberry Pi that one takes most of the device interrupts."""
    split = CoreSplit.plan({3, 1, 2, 0})
    assert split == CoreSplit(frozenset({3}), frozenset({0, 1, 2}))
    assert CoreSplit.plan({2, 7}) == CoreSplit(frozenset({7}), frozenset({2}))


def test_with_one_core_nothing_is_kept_apart():
    assert CoreSplit.plan({5}) is None


@needs_two_cores
def test_a_thread_started_while_the_model_is_built_runs_on_the_models_core_and_the_builder_gets_its_cores_back():
    def build() -> tuple:
        before = os.sched_getaffinity(0)
        with SPLIT.building("model"):
            started = in_a_thread(lambda: os.sched_getaffinity(0))   # as the graph's threads are started
        return before, started, os.sched_getaffinity(0)

    before, started, after = in_a_thread(build)
    assert started == SPLIT.model
    assert after == before


@needs_two_cores
def test_the_face_counts_graph_is_built_on_the_other_cores():
    def build() -> set:
        with SPLIT.building("face count"):
            return in_a_thread(lambda: os.sched_getaffinity(0))

    assert in_a_thread(build) == SPLIT.rest


@needs_two_cores
def test_the_loop_and_the_threads_it_starts_run_on_the_other_cores():
    def loop() -> tuple:
        with SPLIT.rest_for_this_thread():
            return os.sched_getaffinity(0), in_a_thread(lambda: os.sched_getaffinity(0))

    assert in_a_thread(loop) == (SPLIT.rest, SPLIT.rest)


class CoreRecordingAnalyzer:
    """Records the cores of the thread each frame is analysed in."""

    def __init__(self) -> None:
        self.cores: list[set[int]] = []

    def analyze(self, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis:
        self.cores.append(os.sched_getaffinity(0))
        return FrameAnalysis(timestamp=t, face=True, quality=Quality(ok=True, reason=None))


@needs_two_cores
def test_the_models_thread_keeps_itself_to_the_models_core_whatever_thread_started_it():
    analyzer = CoreRecordingAnalyzer()
    source = ReplaySource.from_callable(lambda t: np.zeros((4, 4, 3), np.uint8), 30.0, duration=1.0)
    stage = AnalysisStage(LatestFrame(source, every_frame=True), analyzer, cores=SPLIT)

    def run() -> None:
        with SPLIT.rest_for_this_thread():      # as the loop starts the stage
            stage.start()
        try:
            for _ in range(5):
                stage.get(5.0)
        finally:
            stage.stop()

    in_a_thread(run)
    assert len(analyzer.cores) >= 5
    assert all(cores == SPLIT.model for cores in analyzer.cores)


def test_a_refused_core_setting_is_logged_once_and_the_threads_run_on(monkeypatch, caplog):
    """A system call filter without sched_setaffinity: no error reaches the mirror."""
    from mimicmirror.service import cores

    def refuse(pid, mask):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(cores.os, "sched_setaffinity", refuse)
    monkeypatch.setattr(cores, "_refused", [])
    split = CoreSplit(frozenset({1}), frozenset({0}))
    with caplog.at_level("WARNING", logger=cores.__name__):
        split.keep_model()
        with split.building("model"), split.rest_for_this_thread():
            pass
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "Operation not permitted" in warnings[0].getMessage()


def test_where_setting_a_threads_cores_is_refused_nothing_is_kept_apart(monkeypatch, caplog):
    from mimicmirror.service import cores

    def refuse(pid, mask):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(cores.os, "sched_setaffinity", refuse)
    monkeypatch.setattr(cores, "_refused", [])
    with caplog.at_level("WARNING", logger=cores.__name__):
        assert CoreSplit.plan() is None
    assert [r.levelname for r in caplog.records] == ["WARNING"]
