"""`Analyzer.stream`: a clip analysed with the model one frame ahead, as `analyze` runs it.

The model works on the next frame in its own threads while this one is
measured and written out, and the frame after is read meanwhile. The
analyses must be exactly those of `analyze` frame by frame: the tracker, the
face count and the relaxed frame see the same frames in the same order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

from mimicmirror.face.analyzer import Analyzer
from mimicmirror.face.landmarks import LandmarkDetector

from real_faces import warper
from test_one_face import scene

FPS = 30.0


class Frame(NamedTuple):
    rgb: np.ndarray
    t: float


@pytest.fixture(scope="module")
def smile() -> list[np.ndarray]:
    """A one-sided smile rising and falling on a real face, and the relaxed frame first."""
    w = warper("grace_hopper")
    return [w.render("smile", 0.4 * k, 1.0 * k) for k in np.abs(np.sin(np.linspace(0, np.pi, 12)))]


def frames(rgbs: list[np.ndarray]) -> list[Frame]:
    return [Frame(rgb, i / FPS) for i, rgb in enumerate(rgbs)]


def test_a_stream_gives_what_analyze_gives_frame_by_frame(smile):
    with Analyzer(static=False, read_eyes=True) as one_by_one, Analyzer(static=False, read_eyes=True) as streamed:
        for analyzer in (one_by_one, streamed):
            analyzer.set_reference(smile[0])
        expected = [one_by_one.analyze(f.rgb, f.t) for f in frames(smile)]
        got = [fa for _, fa in streamed.stream(frames(smile))]
    assert len(got) == len(expected) == len(smile)
    for e, g in zip(expected, got):
        assert g.timestamp == e.timestamp and g.quality == e.quality
        assert g.measures == e.measures and g.eye_seen == e.eye_seen
    assert expected[6].measures["mouth_corner_excursion"] != expected[0].measures["mouth_corner_excursion"]


def test_a_stream_sees_a_second_face_on_the_same_frames_as_analyze():
    alone, both = scene("grace_hopper", None), scene("grace_hopper", "astronaut")
    clip = frames([alone] * 32 + [both] * 40)
    with Analyzer(static=False) as one_by_one, Analyzer(static=False) as streamed:
        for analyzer in (one_by_one, streamed):
            analyzer.crowd.aside()                  # as the command runs it
        expected = [one_by_one.analyze(f.rgb, f.t).quality.reason for f in clip]
        got = [fa.quality.reason for _, fa in streamed.stream(clip)]
    assert got == expected
    assert got[:32] == [None] * 32 and got[-1] == "several_faces"


def test_the_model_works_on_the_next_frame_while_this_one_is_measured_and_the_one_after_is_read(smile):
    events: list[tuple[str, int]] = []

    def read(clip):
        for i, f in enumerate(clip):
            events.append(("read", i))
            yield f

    with Analyzer(static=False) as analyzer:
        submit, collect = analyzer.detector.submit, analyzer.detector.collect
        given = iter(range(len(smile)))
        taken = iter(range(len(smile)))
        analyzer.detector.submit = lambda rgb: events.append(("model starts", next(given))) or submit(rgb)
        analyzer.detector.collect = lambda: events.append(("model done", next(taken))) or collect()
        for i, (item, _) in enumerate(analyzer.stream(read(frames(smile)))):
            events.append(("handed out", i))
    at = {e: k for k, e in enumerate(events)}
    last = len(smile) - 1
    for i in range(last):
        assert at[("model starts", i + 1)] < at[("handed out", i)]     # the next is in the model meanwhile
        assert at[("model done", i)] < at[("model starts", i + 1)]     # one frame in the model at a time
        assert at[("model starts", i)] < at[("read", i + 1)] < at[("model done", i)]   # read while it works
    assert events[-1] == ("handed out", last)


def test_a_stream_stopped_early_leaves_the_model_ready_for_the_next_frame(smile):
    with Analyzer(static=False) as analyzer:
        for i, (_, fa) in enumerate(analyzer.stream(frames(smile))):
            if i == 2:
                break
        assert fa.face
        assert analyzer.analyze(smile[5], 1.0).face


def test_the_model_takes_one_image_at_a_time(smile):
    with LandmarkDetector(static=False, max_faces=1) as detector:
        with pytest.raises(RuntimeError, match="no image"):
            detector.collect()
        detector.submit(smile[0])
        with pytest.raises(RuntimeError, match="before handing it another"):
            detector.submit(smile[1])
        assert len(detector.collect()) == 1
        assert detector.detect(smile[1])[0].shape == (478, 3)


def test_a_stream_whose_reader_failed_closes_quietly(smile, capsys):
    """The consumer fails while a frame is in the model (the stream is left suspended):
    the analyzer closes, and the stream, closed later, has nothing left to wait for."""
    with pytest.raises(KeyError):
        with Analyzer(static=False) as analyzer:
            stream = analyzer.stream(frames(smile))
            next(stream)
            raise KeyError("the consumer failed")
    stream.close()
    assert "Traceback" not in capsys.readouterr().err
