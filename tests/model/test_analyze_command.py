"""`mimicmirror analyze` as a person at a terminal meets it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from real_faces import face, warper


def analyze(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mimicmirror", "analyze", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def _write(path: Path, rgb: np.ndarray) -> Path:
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pictures")
    return {
        "neutral": _write(d / "neutral.png", face("astronaut")),
        "smile": _write(d / "smile weak left.png", warper("astronaut").render("smile", left=0.3, right=1.0)),
        "wink": _write(d / "left eye shut.png", warper("astronaut").render("eye_closure", left=1.0, right=0.0)),
        "wall": _write(d / "wall.png", np.full((240, 320, 3), 128, np.uint8)),
    }


def test_json_reports_a_smile_weaker_on_the_left(pictures):
    out = analyze("--json", "--neutral", pictures["neutral"], pictures["smile"])
    assert out.returncode == 0, out.stderr
    frame = json.loads(out.stdout)["frames"][0]
    assert frame["source"] == str(pictures["smile"]) and frame["face"] is True
    assert frame["quality"]["ok"] is True and frame["quality"]["reason"] is None
    assert set(frame["quality"]) == {"ok", "reason", "roll_deg", "yaw_deg", "pitch_deg"}
    excursion = frame["movement"]["mouth_corner_excursion"]
    assert excursion["weaker"] == "left" and excursion["symmetry"] < 0.8
    assert excursion["right"] > excursion["left"]
    assert set(frame["measures"]["brow_height"]) == {"left", "right"}


def test_json_is_one_object_with_each_frame_on_a_line_of_its_own(pictures):
    out = analyze("--json", "--neutral", pictures["neutral"], pictures["wink"], pictures["smile"], pictures["wall"])
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == '{"frames": [' and lines[-1] == "]}" and len(lines) == 3 + 2
    assert [json.loads(line.rstrip(","))["source"] for line in lines[1:-1]] == \
        [str(pictures[k]) for k in ("wink", "smile", "wall")]
    assert len(json.loads(out.stdout)["frames"]) == 3


def test_without_neutral_there_is_no_movement(pictures):
    frame = json.loads(analyze("--json", pictures["neutral"]).stdout)["frames"][0]
    assert "measures" in frame and "movement" not in frame and "eye_seen" not in frame


def test_json_says_how_much_of_each_relaxed_eye_is_still_seen(pictures):
    """Measured on this simulated wink: 0.09 of the shut left eye seen, all of the open right one."""
    out = analyze("--json", "--neutral", pictures["neutral"], pictures["wink"], pictures["smile"])
    assert out.returncode == 0, out.stderr
    wink, smile = json.loads(out.stdout)["frames"]
    assert wink["eye_seen"]["left"] <= 0.3 and wink["eye_seen"]["right"] >= 0.9
    assert smile["eye_seen"] == {"left": 1.0, "right": 1.0}
    table = analyze("--neutral", pictures["neutral"], pictures["wink"]).stdout
    assert any(line.strip().startswith("eye seen") for line in table.splitlines())


def test_the_readable_table_names_the_sides_and_the_weaker_one(pictures):
    out = analyze("--neutral", pictures["neutral"], pictures["smile"])
    assert out.returncode == 0
    row = next(line for line in out.stdout.splitlines() if line.strip().startswith("mouth_corner_excursion"))
    assert row.rstrip().endswith("left")
    assert "left" in out.stdout and "right" in out.stdout and out.stderr == ""


def test_an_image_without_a_face_says_so_and_succeeds(pictures):
    out = analyze("--json", pictures["wall"])
    assert out.returncode == 0
    frame = json.loads(out.stdout)["frames"][0]
    assert frame["face"] is False and frame["quality"]["reason"] == "no_face"
    assert "measures" not in frame and "movement" not in frame


def test_a_video_is_tracked_frame_by_frame(tmp_path):
    path = tmp_path / "smile.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (512, 512))
    for k in np.linspace(0, 1, 5):
        writer.write(cv2.cvtColor(warper("astronaut").render("smile", 0.3 * k, k), cv2.COLOR_RGB2BGR))
    writer.release()
    frames = json.loads(analyze("--json", path).stdout)["frames"]
    assert [f["source"] for f in frames] == [f"{path}#{i}" for i in range(5)]
    assert all(f["face"] for f in frames)


def _file(d: Path, name: str, content: bytes) -> Path:
    (d / name).write_bytes(content)
    return d / name


@pytest.mark.parametrize("make,expected", [
    (lambda d: d / "missing.png", "file not found"),
    (lambda d: _file(d, "notes.txt", b"hello"), "not a readable image or video"),
    (lambda d: _file(d, "empty.avi", b""), "not a readable image or video"),
    (lambda d: d, "is a directory, not an image or video"),
])
def test_bad_input_is_one_line_naming_the_file_and_exit_2(tmp_path, make, expected):
    path = make(tmp_path)
    out = analyze(path)
    assert out.returncode == 2
    assert out.stderr.strip() == f"mimicmirror: {path}: {expected}"
    assert "Traceback" not in out.stderr


def test_a_video_without_frames_is_an_error(tmp_path):
    path = tmp_path / "no frames.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 64))
    writer.release()
    out = analyze(path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert str(path) in out.stderr and ("no frames" in out.stderr or "not a readable" in out.stderr)


def test_a_neutral_image_without_a_face_is_refused(pictures):
    out = analyze("--neutral", pictures["wall"], pictures["smile"])
    assert out.returncode == 2
    assert out.stderr.strip() == f"mimicmirror: {pictures['wall']}: no face found in the neutral image"
