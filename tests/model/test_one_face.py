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


def test_with_the_checks_aside_arrivals_are_checked_at_once_and_each_check_is_used_a_fixed_number_of_frames_later():
    """The periodic checks run in their own thread; the frames that see their count do not depend on it."""
    import threading

    from mimicmirror.face.crowd import COLLECT_AFTER

    alone, both = scene("grace_hopper", None), scene("grace_hopper", "astronaut")
    nobody = np.full((480, 900, 3), 30, np.uint8)
    clip = [both] * 2 + [nobody] + [alone] * 20 + [both] * 40
    with Analyzer(static=False) as in_line, Analyzer(static=False) as aside:
        aside.crowd.aside()
        where: list[str] = []
        faces_in = aside.crowd._faces_in
        aside.crowd._faces_in = lambda rgb: where.append(threading.current_thread().name) or faces_in(rgb)
        expected, got = verdicts(in_line, clip), verdicts(aside, clip)
    assert got[:2] == expected[:2] == ["several_faces"] * 2     # the arrival check is made at once
    assert got[2] == "no_face" and got[3:23] == [None] * 20
    first, first_in_line = got.index("several_faces", 3), expected.index("several_faces", 3)
    assert first == first_in_line + COLLECT_AFTER               # the same check, used COLLECT_AFTER frames on
    assert first - 23 <= FPS + COLLECT_AFTER                    # within a second of stepping in, and those frames
    assert got[first:] == ["several_faces"] * (len(clip) - first)
    me = threading.current_thread().name
    assert where[:2] == [me, me] and set(where[2:]) == {"face-count"}   # arrivals here, the periodic checks aside


def test_with_the_checks_aside_the_same_clip_gives_the_same_verdicts_however_slow_the_check():
    import time

    alone, both = scene("grace_hopper", None), scene("grace_hopper", "astronaut")
    clip = [alone] * 35 + [both] * 35
    runs = []
    for delay in (0.0, 0.2):                   # a check that takes longer than the frames in between
        with Analyzer(static=False) as tracker:
            tracker.crowd.aside()
            faces_in = tracker.crowd._faces_in
            tracker.crowd._faces_in = lambda rgb, d=delay: time.sleep(d) or faces_in(rgb)
            runs.append(verdicts(tracker, clip))
    assert runs[0] == runs[1] and "several_faces" in runs[0]


def at_the_mirror(user: str, other: str, other_m: float) -> np.ndarray:
    """A 640x480 camera frame (the mirror's default camera: `camera_fov_deg`, 41 degrees from
    top to bottom) of `user` at the glass, 0.6 m from the camera, and `other` standing
    `other_m` from it beside them: each face cut from its photo and sized by its distance."""
    from mimicmirror.config import defaults
    from mimicmirror.face.landmarks import LandmarkDetector

    fov = defaults()["mirror"]["camera_fov_deg"]
    focal_px, iid_m, user_m = 240 / np.tan(np.radians(fov / 2)), 0.063, 0.6
    frame = np.full((480, 640, 3), 70, np.uint8)
    with LandmarkDetector(static=True, max_faces=1) as mesh:
        for name, metres, at in ((user, user_m, (320, 215)), (other, other_m, None)):
            img = face(name)
            f = mesh.detect(img)[0]
            iid = float(np.hypot(*(f[473, :2] - f[468, :2])))
            cx, cy = (f[473, :2] + f[468, :2]) / 2
            x0, y0 = max(int(cx - 1.5 * iid), 0), max(int(cy - 1.4 * iid), 0)
            k = focal_px * iid_m / metres / iid
            cut = cv2.resize(img[y0:int(cy + 2.2 * iid), x0:int(cx + 1.5 * iid)], None, fx=k, fy=k,
                             interpolation=cv2.INTER_AREA)
            if at is None:           # beside the user, clear of their face
                at = (320 + 2.2 * focal_px * iid_m / user_m + 1.2 * focal_px * iid_m / metres, 215)
            x, y = int(at[0] - (cx - x0) * k), int(at[1] - (cy - y0) * k)
            h, w = cut.shape[:2]
            frame[max(y, 0):y + h, max(x, 0):x + w] = cut[max(-y, 0):480 - y, max(-x, 0):640 - x]
    return frame


@pytest.mark.parametrize("user, other", [("grace_hopper", "astronaut"), ("astronaut", "grace_hopper")])
def test_a_second_person_a_step_back_from_the_user_at_the_glass_is_noticed(tracker, user, other):
    """1.5 m from the camera: 27 pixels between the irises, which the short-range face detector misses."""
    both = at_the_mirror(user, other, 1.5)
    assert tracker.analyze(both, 0.0).quality.reason == "several_faces"
