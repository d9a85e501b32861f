"""Webcam and replay sources, and choosing a source from the config."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mimicmirror.camera import open_camera
from mimicmirror.camera.base import CameraError, EndOfFrames
from mimicmirror.camera.picamera import PicameraSource
from mimicmirror.camera.replay import ReplaySource
from mimicmirror.camera.webcam import WebcamSource
from mimicmirror.config import defaults
from mimicmirror.errors import ConfigError, InputError


def red_left(width: int = 320, height: int = 240) -> np.ndarray:
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[:, : width // 4] = (255, 0, 0)
    return rgb


def write_video(path, frames: int, fps: float) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (320, 240))
    assert writer.isOpened()
    for _ in range(frames):
        writer.write(cv2.cvtColor(red_left(), cv2.COLOR_RGB2BGR))
    writer.release()


def camera_section(**changes):
    return dict(defaults()["camera"]) | changes


def test_webcam_missing_is_no_camera():
    with pytest.raises(CameraError) as fault:
        WebcamSource(device=15).start()
    assert fault.value.reason == "no_camera"
    assert "15" in fault.value.message


def test_webcam_frames_are_turned_from_bgr_into_rgb(tmp_path):
    clip = tmp_path / "clip.avi"
    write_video(clip, frames=3, fps=10)
    cam = WebcamSource(device=str(clip))        # OpenCV opens a device path or a file alike
    cam.start()
    frame = cam.read(timeout=1.0)
    r, g, b = frame.rgb[120, 20].astype(int)
    assert r > 200 and g < 60 and b < 60
    cam.stop()


def test_replay_of_a_video_uses_its_own_frame_rate_and_ends(tmp_path):
    clip = tmp_path / "clip.avi"
    write_video(clip, frames=4, fps=10)
    replay = ReplaySource.from_path(clip, fps=30)
    replay.start()
    frames = [replay.read(timeout=1.0) for _ in range(4)]
    assert [f.t for f in frames] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert frames[0].rgb[120, 20, 0] > 200 and frames[0].rgb[120, 20, 2] < 60
    with pytest.raises(EndOfFrames):
        replay.read(timeout=1.0)


def test_replay_of_an_image_folder_in_name_order(tmp_path):
    for i, colour in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255)]):
        cv2.imwrite(str(tmp_path / f"frame{i:03d}.png"), np.full((8, 8, 3), colour[::-1], np.uint8))
    replay = ReplaySource.from_path(tmp_path, fps=5)
    colours = [tuple(replay.read(timeout=1.0).rgb[0, 0]) for _ in range(3)]
    assert colours == [(255, 0, 0), (0, 255, 0), (0, 0, 255)]


def test_replay_restart_continues_and_rewind_starts_over(tmp_path):
    replay = ReplaySource.from_callable(lambda t: np.full((4, 4, 3), round(t * 10), np.uint8), fps=10,
                                        duration=1.0)
    replay.start()
    assert [replay.read(1.0).t for _ in range(3)] == pytest.approx([0.0, 0.1, 0.2])
    replay.stop()
    replay.start()
    assert replay.read(1.0).rgb[0, 0, 0] == 3
    replay.rewind()
    assert replay.read(1.0).t == 0.0


def test_replay_of_a_generator_is_deterministic():
    def clip():
        replay = ReplaySource.from_callable(lambda t: np.full((4, 4, 3), int(t * 100) % 256, np.uint8),
                                            fps=15, duration=2.0)
        frames = []
        while True:
            try:
                frames.append(replay.read(1.0))
            except EndOfFrames:
                return frames

    first, second = clip(), clip()
    assert len(first) == 30
    assert [f.t for f in first] == [f.t for f in second]
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(first, second))


def test_replay_of_a_missing_path_names_it(tmp_path):
    with pytest.raises(InputError, match="nothing-here"):
        ReplaySource.from_path(tmp_path / "nothing-here.mp4")
    with pytest.raises(InputError, match="no images"):
        ReplaySource.from_path(tmp_path)


def test_config_chooses_the_source():
    assert isinstance(open_camera(camera_section()), PicameraSource)
    assert isinstance(open_camera(camera_section(source="webcam")), WebcamSource)
    with pytest.raises(ConfigError, match=r"\[camera\] path"):
        open_camera(camera_section(source="replay"))


def test_no_simulated_camera_among_the_production_sources():
    """Stand-ins are handed to the code under test, never chosen by the device's config."""
    with pytest.raises(ConfigError, match=r"source = 'sim': must be one of 'picamera', 'webcam', 'replay'"):
        open_camera(camera_section(source="sim"))


def test_every_frame_hand_off_decodes_a_few_frames_ahead_and_hands_them_all_over_in_order():
    import time

    from mimicmirror.camera.latest import READ_AHEAD, LatestFrame

    read: list[int] = []

    def frame_at(t: float) -> np.ndarray:
        read.append(round(t * 10))
        return np.zeros((2, 2, 3), np.uint8)

    latest = LatestFrame(ReplaySource.from_callable(frame_at, 10, duration=2.0), every_frame=True)
    latest.start()
    try:
        time.sleep(0.2)                                 # nobody takes a frame yet
        assert READ_AHEAD <= len(read) <= READ_AHEAD + 1  # ready ones, and one read waiting for room
        got = []
        while True:
            try:
                got.append(round(latest.get(5.0).t * 10))
            except EndOfFrames:
                break
    finally:
        latest.stop()
    assert got == list(range(20)) and latest.dropped == 0
