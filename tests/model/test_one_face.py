"""A stream tracks one face; a second face at the mirror is still noticed, cheaply.

With two faces allowed, MediaPipe's tracking graph runs its face detector on
every frame while only one person is there. So the mesh tracks one face and a
face detector on a small copy looks for more, about once a second.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mimicmirror.face.analyzer import Analyzer

from real_faces import face

FPS = 30.0


def scene(*names: str) -> np.ndarray:
    """Real faces side by side at the same height, each 480 pixels tall; an empty place stays dark."""
    tiles = []
    for name in names:
        if name:
            img = face(name)
            tiles.append(cv2.resize(img, (round(img.shape[1] * 480 / img.shape[0]), 480),
                                    interpolation=cv2.INTER_AREA))
        else:
            tiles.append(np.full((480, 420, 3), 30, np.uint8))
    return np.ascontiguousarray(np.hstack(tiles))


@pytest.fixture()
def tracker():
    with Analyzer(static=False) as analyzer:
        yield analyzer


def verdicts(analyzer: Analyzer, frames: list[np.ndarray], start: int = 0) -> list[str | None]:
    return [analyzer.analyze(rgb, (start + i) / FPS).quality.reason for i, rgb in enumerate(frames)]


def test_a_stream_tracks_one_face_and_photos_look_for_two():
    with Analyzer(static=False) as stream, Analyzer(static=True) as photos:
        assert stream.detector.max_faces == 1 and stream.crowd is not None
        assert photos.detector.max_faces == 2 and photos.crowd is None


def test_two_faces_from_the_first_frame_are_not_scored(tracker):
    both = scene("grace_hopper", "astronaut")
    assert verdicts(tracker, [both] * 3) == ["several_faces"] * 3


def test_a_second_face_stepping_in_is_noticed_within_a_second_and_leaving_is_too(tracker):
    alone, both = scene("grace_hopper", None), scene("grace_hopper", "astronaut")
    before = verdicts(tracker, [alone] * 20)
    during = verdicts(tracker, [both] * 40, start=20)
    after = verdicts(tracker, [alone] * 40, start=60)
    assert before == [None] * 20
    first = during.index("several_faces")
    assert first <= FPS                                        # within one second of frame time
    assert during[first:] == ["several_faces"] * (40 - first)  # and from then on, while both are there
    assert after[-5:] == [None] * 5                            # scored again once the second face left


def test_the_face_detector_runs_about_once_a_second_with_one_person(tracker):
    alone = scene("grace_hopper", None)
    assert verdicts(tracker, [alone] * 90) == [None] * 90      # three seconds at 30 frames a second
    assert 3 <= tracker.crowd.checks <= 4


def test_a_face_that_comes_back_is_checked_on_arrival(tracker):
    both, empty = scene("grace_hopper", "astronaut"), np.full((480, 900, 3), 30, np.uint8)
    verdicts(tracker, [scene("grace_hopper", None)] * 5)
    assert verdicts(tracker, [empty] * 3, start=5) == ["no_face"] * 3
    assert verdicts(tracker, [both], start=8) == ["several_faces"]   # 0.27 s after the last check


def test_with_the_checks_aside_a_second_face_is_still_refused_on_arrival_and_noticed_stepping_in(tracker):
    import time

    import threading

    tracker.crowd.aside()                     # as the service does: the once-a-second checks in their own thread
    where: list[str] = []
    faces_in = tracker.crowd._faces_in
    tracker.crowd._faces_in = lambda rgb: where.append(threading.current_thread().name) or faces_in(rgb)
    alone, both = scene("grace_hopper", None), scene("grace_hopper", "astronaut")
    assert verdicts(tracker, [both] * 2) == ["several_faces"] * 2        # the arrival check is made at once
    tracker.analyze(np.full((480, 900, 3), 30, np.uint8), 2 / FPS)       # nobody: the next face is new
    assert verdicts(tracker, [alone] * 20, start=3) == [None] * 20
    during = []
    for i in range(45):
        during.append(tracker.analyze(both, (23 + i) / FPS).quality.reason)
        time.sleep(0.01)                      # frames at a camera's pace: the check ends between them
    first = during.index("several_faces")
    assert first <= FPS + 3                   # within a second, plus the frames the check itself took
    assert during[first:] == ["several_faces"] * (45 - first)
    me = threading.current_thread().name
    assert where[:2] == [me, me] and "face-count" in where[2:]   # arrivals here, the periodic check aside
