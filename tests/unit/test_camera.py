"""The Pi camera adapter, driven through the fake Picamera2 of the virtual rig."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from mimicmirror.camera.base import CameraError
from mimicmirror.camera.latest import LatestFrame
from mimicmirror.camera.picamera import PicameraSource
from mimicmirror.clock import SimClock
from mimicmirror.camera.fake_picamera2 import FakeCameraWorld, Fault

FPS = 15
PERIOD = 1 / FPS


def red_patch_on_the_left(t: float) -> np.ndarray:
    rgb = np.zeros((480, 640, 3), np.uint8)
    rgb[200:280, 40:120] = (255, 0, 0)
    return rgb


def numbered(t: float) -> np.ndarray:
    """A frame whose brightness says which moment it shows (frame number at 15/s)."""
    return np.full((480, 640, 3), round(t * FPS) % 256, np.uint8)


def source(world: FakeCameraWorld) -> PicameraSource:
    """The production adapter, on a fake camera that sees `world`."""
    return PicameraSource(640, 480, FPS, picamera2_class=world.picamera2)


def test_bgr888_stream_is_rgb_so_a_red_patch_stays_red():
    world = FakeCameraWorld(red_patch_on_the_left)
    cam = source(world)
    cam.start()
    frame = cam.read(timeout=1.0)
    assert frame.rgb.shape == (480, 640, 3) and frame.rgb.dtype == np.uint8
    assert tuple(frame.rgb[240, 80]) == (255, 0, 0)
    assert tuple(frame.rgb[240, 600]) == (0, 0, 0)      # not mirrored: the patch is still on the left
    cam.stop()


def test_fake_honours_picamera2_format_names():
    world = FakeCameraWorld(red_patch_on_the_left)
    with world.picamera2() as cam:
        for fmt, red in (("BGR888", (255, 0, 0)), ("RGB888", (0, 0, 255)), ("XBGR8888", (255, 0, 0, 255))):
            cam.configure(cam.create_video_configuration(main={"size": (640, 480), "format": fmt}))
            cam.start()
            request = cam.capture_request(wait=1.0)
            assert tuple(request.make_array("main")[240, 80]) == red, fmt
            request.release()
            cam.stop()


def test_frame_times_come_from_sensor_timestamps():
    world = FakeCameraWorld(numbered, start_at=1000.0)
    cam = source(world)
    cam.start()
    times = [cam.read(timeout=1.0).t for _ in range(5)]
    assert times == pytest.approx([1000.0 + k * PERIOD for k in range(1, 6)], abs=1e-9)
    cam.stop()


def test_sensor_timestamp_is_integer_nanoseconds_like_the_real_one():
    world = FakeCameraWorld(numbered, start_at=12.5)
    with world.picamera2() as cam:
        cam.start(cam.create_video_configuration(main={"size": (640, 480), "format": "BGR888"},
                                                 controls={"FrameRate": FPS}))
        request = cam.capture_request(wait=1.0)
        stamp = request.get_metadata()["SensorTimestamp"]
        request.release()
    assert isinstance(stamp, int) and stamp == round((12.5 + PERIOD) * 1e9)


def test_newest_frame_wins_when_the_reader_falls_behind():
    clock = SimClock(start=50.0)
    world = FakeCameraWorld(numbered, clock=clock)
    cam = source(world)
    cam.start()
    first = cam.read(timeout=1.0)
    clock.advance(0.5)                  # the analysis took half a second: 7 frames went by
    late = cam.read(timeout=1.0)
    assert late.t == pytest.approx(first.t + 7 * PERIOD)
    assert late.t <= clock.monotonic()
    following = cam.read(timeout=1.0)   # then the next one, when it comes
    assert following.t == pytest.approx(late.t + PERIOD)
    assert clock.monotonic() == pytest.approx(following.t)
    cam.stop()


def test_latest_frame_drops_stale_frames_for_a_slow_loop():
    import time

    world = FakeCameraWorld(numbered)
    latest = LatestFrame(source(world))
    latest.start()
    try:
        first = latest.get(timeout=1.0)
        time.sleep(0.05)                # meanwhile the capture thread keeps capturing
        newest = latest.get(timeout=1.0)
    finally:
        latest.stop()
    assert newest.t > first.t + PERIOD * 1.5
    assert latest.dropped > 0


def test_lockstep_hands_over_every_frame_in_order():
    world = FakeCameraWorld(numbered)
    latest = LatestFrame(source(world), lockstep=True)
    latest.start()
    try:
        times = [latest.get(timeout=1.0).t for _ in range(20)]
    finally:
        latest.stop()
    assert times == pytest.approx([k * PERIOD for k in range(1, 21)], abs=1e-9)
    assert latest.dropped == 0


def test_timeout_is_a_camera_error_and_the_camera_recovers_after_the_stall():
    world = FakeCameraWorld(numbered, faults=[Fault("timeout", start=1.0, duration=3.0)])
    latest = LatestFrame(source(world), lockstep=True)
    latest.start()
    times = []
    with pytest.raises(CameraError) as fault:
        for _ in range(100):
            times.append(latest.get(timeout=2.0).t)
    assert fault.value.reason == "timeout"
    assert max(times) < 1.0
    latest.start()                      # the service's retry reopens the camera
    after = latest.get(timeout=2.0)
    latest.stop()
    assert after.t == pytest.approx(4.0)    # the first frame once the stall is over
    assert world.constructed == 2           # closed after the fault, opened afresh
    steps = [h.what for h in world.history if h.what not in ("captured", "released")]
    assert steps == ["opened", "configured", "started", "timed out", "flushed", "stopped", "closed",
                     "opened", "configured", "started", "stopped", "closed"]
    timed_out = world.happened("timed out")[0]
    assert timed_out.t == pytest.approx(max(times) + 2.0)     # the wait ran out on the world's own time


def test_disconnected_camera_is_reported_until_it_is_plugged_back():
    world = FakeCameraWorld(numbered, faults=[Fault("disconnect", start=1.0, duration=5.0)])
    cam = source(world)
    cam.start()
    with pytest.raises(CameraError) as fault:
        for _ in range(100):
            cam.read(timeout=2.0)
    assert fault.value.reason == "timeout"
    with pytest.raises(CameraError) as gone:
        cam.start()
    assert gone.value.reason == "disconnected"
    world.advance(3.5)                  # the service waits and retries; the cable is back at 6 s
    cam.start()
    frame = cam.read(timeout=2.0)
    assert frame.t > 6.0
    cam.stop()


def test_no_camera_attached_is_a_camera_error():
    world = FakeCameraWorld(numbered, present=False)
    cam = source(world)
    with pytest.raises(CameraError) as fault:
        cam.start()
    assert fault.value.reason == "no_camera"
    assert "camera" in fault.value.message


def test_camera_held_by_another_program_is_busy():
    world = FakeCameraWorld(numbered)
    other = world.picamera2()             # e.g. rpicam-hello left running
    with pytest.raises(CameraError) as fault:
        source(world).start()
    assert fault.value.reason == "busy"
    other.close()
    cam = source(world)
    cam.start()
    assert cam.read(timeout=1.0).rgb.shape == (480, 640, 3)
    cam.stop()


def test_real_picamera2_busy_error_chain_is_recognised():
    world = FakeCameraWorld(numbered, faults=[Fault("busy", start=0.0, duration=1.0)])
    with pytest.raises(RuntimeError, match="__init__ sequence did not complete") as raised:
        world.picamera2()
    assert "Device or resource busy" in str(raised.value.__cause__)
    with pytest.raises(CameraError, match="in use") as fault:
        source(world).start()
    assert fault.value.reason == "busy"
    world.advance(1.0)
    cam = source(world)
    cam.start()
    cam.stop()


def test_a_world_stands_in_for_the_picamera2_module_for_a_whole_program(monkeypatch):
    world = FakeCameraWorld(red_patch_on_the_left)
    monkeypatch.setitem(sys.modules, "picamera2", world.module())
    cam = PicameraSource(640, 480, FPS)          # as the config builds it: no class handed in
    cam.start()
    frame = cam.read(timeout=1.0)
    cam.stop()
    assert tuple(frame.rgb[240, 80]) == (255, 0, 0)
    assert [h.what for h in world.history] == ["opened", "configured", "started", "captured", "released",
                                               "stopped", "closed"]


def test_two_worlds_share_nothing():
    """Each test or rig has its own camera: one held open does not make another busy."""
    first, second = FakeCameraWorld(numbered), FakeCameraWorld(red_patch_on_the_left)
    held = source(first)
    held.start()
    other = source(second)
    other.start()
    assert tuple(other.read(timeout=1.0).rgb[240, 80]) == (255, 0, 0)
    other.stop()
    held.stop()
    assert first.constructed == second.constructed == 1
    assert "captured" not in [h.what for h in first.history]


def test_missing_picamera2_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)     # as on any machine but a Pi
    with pytest.raises(CameraError) as fault:
        PicameraSource().start()
    assert fault.value.reason == "no_camera"
    assert "python3-picamera2" in fault.value.message


def test_capture_errors_surface_in_the_loop_and_capture_restarts():
    world = FakeCameraWorld(numbered, faults=[Fault("disconnect", start=0.5, duration=0.5)])
    latest = LatestFrame(source(world), read_timeout=1.0)
    latest.start()
    with pytest.raises(CameraError) as fault:
        for _ in range(1000):
            latest.get(timeout=5.0)
    assert fault.value.reason == "timeout"
    with pytest.raises(CameraError):    # the error stays until the service restarts capture
        latest.get(timeout=0.1)
    latest.start()
    assert latest.get(timeout=5.0).t > 1.0
    latest.stop()


def test_black_frames_arrive_black():
    world = FakeCameraWorld(red_patch_on_the_left, faults=[Fault("black", start=0.2, duration=0.2)])
    cam = source(world)
    cam.start()
    frames = [cam.read(timeout=1.0) for _ in range(8)]
    cam.stop()
    black = [f.t for f in frames if not f.rgb.any()]
    assert black == pytest.approx([k * PERIOD for k in range(3, 6)])


def test_adapter_gives_every_buffer_back():
    world = FakeCameraWorld(numbered)
    cam = source(world)
    cam.start()
    # Far more reads than buffers: a buffer not given back would starve the camera
    # (a time-out) long before the fiftieth frame.
    times = [cam.read(timeout=1.0).t for _ in range(50)]
    cam.stop()
    assert np.diff(times) == pytest.approx([PERIOD] * 49)
    captured = [h.detail for h in world.happened("captured")]
    assert len(captured) == 50 and [h.detail for h in world.happened("released")] == captured
    assert [h.t for h in world.happened("captured")] == pytest.approx(times)


def test_fake_starves_when_requests_are_not_released_like_the_real_one():
    world = FakeCameraWorld(numbered)
    with world.picamera2() as cam:
        cam.start(cam.create_video_configuration(main={"size": (640, 480), "format": "BGR888"},
                                                 buffer_count=3))
        held = [cam.capture_request(wait=1.0) for _ in range(3)]
        with pytest.raises(TimeoutError):
            cam.capture_request(wait=1.0)
        held[0].release()
        cam.cancel_all_and_flush()
        assert cam.capture_request(wait=1.0).make_array("main").shape == (480, 640, 3)


def test_fake_keeps_a_timed_out_job_queued_like_the_real_one():
    world = FakeCameraWorld(numbered, faults=[Fault("timeout", start=0.1, duration=0.5)])
    with world.picamera2() as cam:
        cam.start(cam.create_video_configuration(main={"size": (640, 480), "format": "BGR888"},
                                                 controls={"FrameRate": FPS}))
        cam.capture_request(wait=1.0).release()                 # frame 1
        with pytest.raises(TimeoutError):
            cam.capture_request(wait=0.2)
        request = cam.capture_request(wait=1.0)                  # the abandoned job took the first frame back
        assert request.get_metadata()["SensorTimestamp"] == round(10 * PERIOD * 1e9)
        request.release()
