"""Analysis inputs: a photo is one frame, a video each of its frames, each told apart by its index."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from mimicmirror.errors import InputError
from mimicmirror.face.inputs import read_frames


def _video(path, frames: int, fps: float = 10.0) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (64, 48))
    for k in range(frames):
        writer.write(np.full((48, 64, 3), 20 * k, np.uint8))
    writer.release()


def test_a_photo_is_one_frame_with_no_index(tmp_path):
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), np.full((48, 64, 3), 100, np.uint8))
    (frame,) = read_frames(path)
    assert (frame.source, frame.t, frame.index) == (str(path), 0.0, None)
    assert frame.rgb.shape == (48, 64, 3)


def test_each_video_frame_carries_its_index_source_and_time(tmp_path):
    path = tmp_path / "clip.avi"
    _video(path, 4, fps=10.0)
    frames = list(read_frames(path))
    assert [f.index for f in frames] == [0, 1, 2, 3]
    assert [f.source for f in frames] == [f"{path}#{k}" for k in range(4)]
    assert [f.t for f in frames] == pytest.approx([0.0, 0.1, 0.2, 0.3])


def test_a_video_named_like_a_photo_is_still_read_as_a_video(tmp_path):
    # What a frame is comes from the file's content, not its name.
    path = tmp_path / "clip.avi"
    _video(path, 2)
    renamed = path.rename(tmp_path / "clip#1.avi")
    assert [f.index for f in read_frames(renamed)] == [0, 1]


def test_a_file_that_is_neither_gives_one_line_naming_it(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a picture")
    with pytest.raises(InputError, match="notes.txt: not a readable image or video"):
        list(read_frames(path))
