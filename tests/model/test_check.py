"""`mimicmirror check`: the caregiver's self-test, with a caregiver who presses buttons when asked."""

from __future__ import annotations

import io
import re
import sys
import threading
import time

import cv2
import numpy as np
import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from mimicmirror.cli import main
from mimicmirror.camera.fake_picamera2 import FakeCameraWorld, still
from mimicmirror.sim.faces import load_face

PINS = {"NEXT": 17, "REPEAT": 27}


@pytest.fixture(autouse=True)
def isolated_hardware(monkeypatch, tmp_path):
    monkeypatch.setenv("MIMICMIRROR_STATE_DIR", str(tmp_path / "state"))   # no stored calibration
    factory = MockFactory()
    monkeypatch.setattr(Device, "pin_factory", factory)
    yield factory
    factory.reset()


@pytest.fixture
def camera_at_the_mirror(monkeypatch) -> FakeCameraWorld:
    """A Camera Module with a real face in front of it, in place of the picamera2 module."""
    world = FakeCameraWorld(still(load_face("grace_hopper")))
    monkeypatch.setitem(sys.modules, "picamera2", world.module())
    return world


class Caregiver(io.StringIO):
    """Reads what the check prints and presses the button it asks for (or another one)."""

    def __init__(self, factory: MockFactory, presses: dict[str, str | None]) -> None:
        super().__init__()
        self.factory = factory
        self.presses = presses          # asked for -> actually pressed (None: walks away)
        self.threads: list[threading.Thread] = []

    def write(self, text: str) -> int:
        for asked in re.findall(r"Press (NEXT|REPEAT) now", text):
            pressed = self.presses.get(asked)
            if pressed is not None:
                thread = threading.Thread(target=self.press, args=(PINS[pressed],))
                thread.start()
                self.threads.append(thread)
        return super().write(text)

    def press(self, pin: int) -> None:
        time.sleep(0.1)
        self.factory.pin(pin).drive_low()
        time.sleep(0.3)
        self.factory.pin(pin).drive_high()


def run_check(monkeypatch, factory, presses, *args: str) -> tuple[int, list[str]]:
    caregiver = Caregiver(factory, presses)
    monkeypatch.setattr("sys.stdout", caregiver)
    status = main(["check", "--display", "dummy", "--face-within", "3", *args])
    for thread in caregiver.threads:
        thread.join()
    return status, caregiver.getvalue().splitlines()


def part(lines: list[str], name: str) -> str:
    return next(line for line in lines if line.startswith(name + " "))


def config_file(tmp_path, text: str):
    path = tmp_path / "mimicmirror.toml"
    path.write_text(text)
    return str(path)


def test_every_part_passes_when_each_button_is_pressed(monkeypatch, isolated_hardware, camera_at_the_mirror):
    status, lines = run_check(monkeypatch, isolated_hardware, {"NEXT": "NEXT", "REPEAT": "REPEAT"},
                              "--camera", "picamera", "--press-within", "3")
    assert part(lines, "display").split()[1] == "PASS"
    assert re.search(r"mirror\s+PASS\s+bars beside the reflection; not calibrated yet", part(lines, "mirror"))
    assert re.search(r"sound\s+PASS\s+a short tone played on the dummy audio device", part(lines, "sound"))
    assert re.search(r"camera\s+PASS\s+640x480, 15\.0 pictures/s", part(lines, "camera"))
    assert part(lines, "face").split()[1] == "PASS"
    assert part(lines, "next button").split()[2] == "PASS"
    assert part(lines, "repeat button").split()[2] == "PASS"
    assert lines[-1] == "all parts passed"
    assert status == 0
    world = camera_at_the_mirror                 # the check let go of the camera and of every frame it took
    assert world.history[-1].what == "closed"
    assert [h.detail for h in world.happened("released")] == [h.detail for h in world.happened("captured")]


def test_a_button_nobody_presses_fails_by_name(monkeypatch, isolated_hardware, camera_at_the_mirror):
    status, lines = run_check(monkeypatch, isolated_hardware, {"NEXT": "NEXT", "REPEAT": None},
                              "--camera", "picamera", "--press-within", "1")
    assert part(lines, "next button").split()[2] == "PASS"
    assert re.search(r"repeat button\s+FAIL\s+no press of REPEAT within 1 s", part(lines, "repeat button"))
    assert lines[-1] == "1 of 7 parts failed: repeat button"
    assert status == 1


def test_swapped_wires_are_suggested(monkeypatch, isolated_hardware, camera_at_the_mirror):
    status, lines = run_check(monkeypatch, isolated_hardware, {"NEXT": "REPEAT", "REPEAT": "NEXT"},
                              "--camera", "picamera", "--press-within", "1")
    assert "only REPEAT was pressed: are the wires swapped?" in part(lines, "next button")
    assert "only NEXT was pressed" in part(lines, "repeat button")
    assert status == 1


def test_missing_camera_fails_camera_and_face(monkeypatch, isolated_hardware, tmp_path):
    cfg = config_file(tmp_path, '[buttons]\nbackend = "none"\n')
    status, lines = run_check(monkeypatch, isolated_hardware, {}, "--config", cfg, "--camera", "picamera")
    assert re.search(r"camera\s+FAIL\s+picamera2 is not installed", part(lines, "camera"))
    assert part(lines, "face").split()[1] == "FAIL"
    assert part(lines, "buttons").split()[1] == "SKIP"
    assert lines[-1] == "2 of 6 parts failed: camera, face"
    assert status == 1


def test_camera_that_sees_no_face_fails_the_face_part(monkeypatch, isolated_hardware, tmp_path):
    frames = tmp_path / "empty-room"
    frames.mkdir()
    for i in range(20):
        cv2.imwrite(str(frames / f"{i:02d}.png"), np.full((480, 640, 3), 90 + i, np.uint8))
    cfg = config_file(tmp_path, f'[camera]\nsource = "replay"\npath = "{frames}"\n'
                                '[buttons]\nbackend = "none"\n')
    status, lines = run_check(monkeypatch, isolated_hardware, {}, "--config", cfg)
    assert re.search(r"camera\s+PASS\s+640x480", part(lines, "camera"))
    assert re.search(r"face\s+FAIL\s+no face seen", part(lines, "face"))
    assert status == 1


def test_a_wrong_config_is_one_line_and_exit_2(monkeypatch, isolated_hardware, tmp_path, capsys):
    cfg = config_file(tmp_path, '[buttons]\nnext_pin = 99\n')
    assert main(["check", "--config", cfg]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "next_pin = 99" in err


def test_a_speaker_that_cannot_be_opened_fails_the_sound_part(monkeypatch, isolated_hardware, camera_at_the_mirror,
                                                             tmp_path):
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-audio-driver")
    status, lines = run_check(monkeypatch, isolated_hardware, {"NEXT": "NEXT", "REPEAT": "REPEAT"},
                              "--camera", "picamera", "--press-within", "3")
    assert re.search(r"sound\s+FAIL\s+no audio device took the tone", part(lines, "sound"))
    assert status == 1


def test_the_tone_reaches_the_audio_device(monkeypatch, isolated_hardware, camera_at_the_mirror, tmp_path):
    """Through SDL's disk driver: the chime the check plays is in the samples the device received."""
    from listening import find_chime, read_raw

    heard = tmp_path / "heard.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(heard))
    status, lines = run_check(monkeypatch, isolated_hardware, {"NEXT": "NEXT", "REPEAT": "REPEAT"},
                              "--camera", "picamera", "--press-within", "3")
    assert re.search(r"sound\s+PASS\s+a short tone played on the disk audio device", part(lines, "sound"))
    assert len(find_chime(read_raw(heard), "done")) == 1


def test_sound_switched_off_is_skipped(monkeypatch, isolated_hardware, camera_at_the_mirror, tmp_path):
    path = config_file(tmp_path, '[sound]\nmode = "off"\n[camera]\nsource = "picamera"\n')
    status, lines = run_check(monkeypatch, isolated_hardware, {"NEXT": "NEXT", "REPEAT": "REPEAT"},
                              "--config", path, "--press-within", "3")
    assert re.search(r'sound\s+SKIP\s+\[sound\] mode = "off"', part(lines, "sound"))
