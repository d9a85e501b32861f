"""MediaPipe's legacy Face Mesh with iris refinement: 478 landmarks in pixels.

Still-image mode re-detects the face in every image (photos); tracking mode
follows the face between frames (streams), which is several times cheaper.
Frames go in unflipped; the model's LEFT sets are the subject's left.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Callable

import numpy as np

from .native_logs import filter_native_chatter

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# A serialised NormalizedLandmarkList whose landmarks carry only x, y, z is a run
# of identical 17-byte records: field 1 (length 15) holding fixed32 fields 1, 2, 3.
# Reading that straight into numpy is ~10x cheaper than 1434 attribute reads,
# which matters because this runs on every frame on a Pi.
_RECORD_SIZE = 17
_TAG_COLUMNS = np.array([0, 1, 2, 7, 12])
_EXPECTED_TAGS = np.array([0x0A, 15, 0x0D, 0x15, 0x1D], dtype=np.uint8)


@functools.cache
def packet_reader(name: str) -> Callable[[Any], Any] | None:
    """One of mediapipe's inner packet readers, or None should the pinned version's
    inner names ever change: the callers then take the public, slower `process`."""
    try:
        from mediapipe.python._framework_bindings import _packet_getter
    except ImportError:
        return None
    return getattr(_packet_getter, name, None)


def start_graph(solution: Any, rgb: np.ndarray) -> bool:
    """Hand `rgb` to a MediaPipe solution's graph as its `process` does, without waiting
    for it (`graph_output` waits); False, and nothing handed over, should the pinned
    version's inner names ever change: the caller then takes the public `process`.

    `process` also builds a new result class (through `eval`) for every image and
    parses each output into messages; driving the graph directly skips both. The
    image is copied into the graph's packet, so the caller may reuse its array at once.
    """
    graph = getattr(solution, "_graph", None)
    outputs = getattr(solution, "_graph_outputs", None)
    if graph is None or outputs is None or not hasattr(solution, "_simulated_timestamp"):
        return False
    from mediapipe.python import packet_creator
    from mediapipe.python._framework_bindings import image_frame

    outputs.clear()
    solution._simulated_timestamp += 33333      # as process(): a 30 fps stream
    packet = packet_creator.create_image_frame(rgb, image_format=image_frame.ImageFormat.SRGB)
    graph.add_packet_to_input_stream(stream="image", packet=packet.at(solution._simulated_timestamp))
    return True


def graph_output(solution: Any, stream: str) -> Any | None:
    """The packet `stream` of the image `start_graph` handed over (waiting for the graph),
    or None when it holds nothing (no face)."""
    solution._graph.wait_until_idle()
    found = solution._graph_outputs.get(stream)
    return None if found is None or found.is_empty() else found


def _xyz(face, scale: np.ndarray | float = 1.0) -> np.ndarray:
    """(x, y, z) of every landmark of one face: normalised coordinates times `scale` (float64).

    `face` is a NormalizedLandmarkList or its serialised bytes (what the graph
    hands out: `LandmarkDetector._finish`). Scaling here, on the float32 view,
    saves a copy per frame.
    """
    raw = face if isinstance(face, bytes) else face.SerializeToString()
    n = len(raw) // _RECORD_SIZE
    if n and len(raw) == n * _RECORD_SIZE:
        rows = np.frombuffer(raw, dtype=np.uint8).reshape(n, _RECORD_SIZE)
        if (rows[:, _TAG_COLUMNS] == _EXPECTED_TAGS).all():
            # The three little-endian floats at byte offsets 3, 8 and 13 of each record.
            xyz = np.ndarray((n, 3), dtype="<f4", buffer=raw, offset=3,
                             strides=(_RECORD_SIZE, 5))
            return np.multiply(xyz, scale, dtype=np.float64)
    if isinstance(face, bytes):
        from mediapipe.framework.formats import landmark_pb2

        face = landmark_pb2.NormalizedLandmarkList.FromString(face)
    return np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float64) * scale


class LandmarkDetector:
    """Finds up to `max_faces` faces; each as an (478, 3) array of pixel x, y and depth z.

    z is MediaPipe's relative depth scaled by the image width, like x, so all three
    share a unit and pose angles can be taken from them.
    """

    def __init__(self, static: bool = True, max_faces: int = 2,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        from mediapipe.python.solutions import face_mesh

        filter_native_chatter()
        self.static = static
        self.max_faces = max_faces
        self._mesh = face_mesh.FaceMesh(
            static_image_mode=static,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._pending: tuple[int, int, list | None] | None = None   # (w, h, `_start`'s) till `collect`

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        self.submit(rgb)
        return self.collect()

    def submit(self, rgb: np.ndarray) -> None:
        """Hand `rgb` to the model and return at once: the graph works on it in its own
        threads until `collect`, so the caller can meanwhile do other work (measure the
        frame before, read the next one). One image at a time: `collect` before the next."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an HxWx3 uint8 RGB image, got {rgb.shape} {rgb.dtype}")
        if self._pending is not None:
            raise RuntimeError("collect the image handed to the model before handing it another")
        self._pending = (rgb.shape[1], rgb.shape[0], self._start(rgb))

    def collect(self) -> list[np.ndarray]:
        """The faces in the image last handed over by `submit` (waiting for the model)."""
        if self._pending is None:
            raise RuntimeError("no image was handed to the model")
        w, h, started = self._pending
        self._pending = None
        faces = self._finish(started)
        scale = np.array([w, h, w], dtype=np.float64)
        return [_xyz(face, scale) for face in faces]

    def drain(self) -> None:
        """Wait for an image handed over and not collected, and forget its faces (a stream
        stopped early), so the next `submit` finds the model free."""
        if self._pending is not None:
            self.collect()

    def _start(self, rgb: np.ndarray) -> list | None:
        """Start the graph on one image (`start_graph`): None, and `_finish` waits for it;
        or, on the fallback through the public `process`, its faces at once.

        The faces are then taken as the bytes the graph gives, not parsed into
        messages that `_xyz` would only serialise again (with `process`'s result
        class, about 0.12 ms of a frame's CPU here, half of this thread's
        share). mediapipe is pinned (pyproject.toml).
        """
        if packet_reader("_get_serialized_proto_list") is None or not start_graph(self._mesh, rgb):
            return list(self._mesh.process(rgb).multi_face_landmarks or [])
        return None

    def _finish(self, started: list | None) -> list:
        """The graph's face landmark lists for the image `_start` began with, serialised
        (or, on the fallback, the messages `_start` already has)."""
        if started is not None:
            return started
        found = graph_output(self._mesh, "multi_face_landmarks")
        return [] if found is None else list(packet_reader("_get_serialized_proto_list")(found))

    def close(self) -> None:
        """Close the graph (it finishes an image still in it first); a stream left
        suspended (its consumer failed) then has nothing to wait for."""
        self._pending = None
        self._mesh.close()

    def __enter__(self) -> "LandmarkDetector":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
