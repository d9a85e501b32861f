"""How many faces are at the mirror, checked cheaply and rarely.

Face Mesh tracking skips its own face detector only while it tracks as many
faces as it is allowed: allowed two with one person at the mirror, it runs the
detector on every frame (half as much again as tracking alone). So the mesh
tracks one face, and a second person is looked for here instead: MediaPipe's
full-range face detector (people up to a few metres away, so also someone
standing behind the user) on a small copy of the frame, when a face appears
and then about once a second of frame time. A person stepping in beside the
user is noticed within that second; a frame with several faces is not scored.

In the service the analysis has a thread of its own, and a check costs about
a model's time: there the checks made once a second run in a thread beside
it (`aside`), so no frame waits for one; the check when a face arrives stays
in the caller's thread, so two faces are refused from the first frame.
"""

from __future__ import annotations

import threading

import numpy as np

from .native_logs import filter_native_chatter

#: Least width of the copy the detector sees (the frame shrunk by a whole-number
#: factor). The full-range detector works on 192x192 itself, so a larger copy
#: only costs more to hand over, not finds more.
SMALL_WIDTH = 192


class FaceCounter:
    """Counts faces with the face detector, at most once per `every_s` of frame time.

    `count(rgb, t)` is called for frames in which the tracker found a face; it
    returns the last count, refreshed when `every_s` has passed since the last
    check, when time went backwards (a new clip), or after `reset()` (the
    tracker lost the face, so the next face is checked on arrival).
    """

    def __init__(self, every_s: float = 1.0, min_confidence: float = 0.5):
        from mediapipe.python.solutions import face_detection

        filter_native_chatter()
        self.every_s = every_s
        self.checks = 0          # how often the detector ran: what this class exists to keep low
        self._detector = face_detection.FaceDetection(model_selection=1,
                                                      min_detection_confidence=min_confidence)
        self._last_t: float | None = None
        self._count = 1
        self._graph = threading.Lock()        # one image at a time in the detector's graph
        self._cond = threading.Condition()
        self._job: tuple[np.ndarray, int] | None = None   # aside: the frame to check, and its generation
        self._generation = 0                 # moves on at reset(): a check begun before is not used
        self._worker: threading.Thread | None = None
        self._closing = False
        # The detector's graph starts on its first image (about 0.1 s here, more
        # on a Pi): start it now, not on the frame where a face arrives.
        self._detector.process(np.zeros((SMALL_WIDTH * 3 // 4, SMALL_WIDTH, 3), np.uint8))

    def aside(self) -> None:
        """From now on run the once-a-second checks in a thread of their own.

        `count` then hands the frame over and answers with the last count; the
        new one is used from the frame after the check ends (a second person is
        noticed within a second plus one check). Only the service asks for this:
        the rig and `analyze` keep every check in their own thread, so their
        results never depend on thread timing.
        """
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="face-count", daemon=True)
            self._worker.start()

    def count(self, rgb: np.ndarray, t: float) -> int:
        arrival = self._last_t is None or t < self._last_t
        if arrival or t - self._last_t >= self.every_s:  # type: ignore[operator]
            if self._worker is not None and not arrival:
                with self._cond:
                    if self._job is None:             # else one is still running: ask again next frame
                        self._job = (rgb, self._generation)
                        self._last_t = t
                        self._cond.notify_all()
                return self._count
            self._count = self._detect(rgb)
            self._last_t = t
        return self._count

    def reset(self) -> None:
        with self._cond:
            self._last_t = None
            self._generation += 1

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._job is not None or self._closing)
                if self._closing:
                    return
                assert self._job is not None
                rgb, generation = self._job
            try:
                found = self._detect(rgb)
            except Exception:                      # the next check tries again; the count stays
                found = None
            with self._cond:
                if found is not None and generation == self._generation:
                    self._count = found
                self._job = None

    def _detect(self, rgb: np.ndarray) -> int:
        import cv2

        self.checks += 1
        w = rgb.shape[1]
        factor = w // SMALL_WIDTH
        if factor >= 2:
            # A whole-number factor: OpenCV's area averaging then takes its fast
            # path (a tenth of a millisecond here against over half for 640 -> 192);
            # the copy stays at least SMALL_WIDTH wide.
            rgb = cv2.resize(rgb, None, fx=1.0 / factor, fy=1.0 / factor, interpolation=cv2.INTER_AREA)
        with self._graph:
            return self._faces_in(np.ascontiguousarray(rgb))

    def _faces_in(self, rgb: np.ndarray) -> int:
        """How many faces the detector finds in `rgb`.

        As `LandmarkDetector._run`: the pinned graph is driven directly, since
        `FaceDetection.process` builds a new result class for every image;
        `process` stays the fallback should its inner names ever change.
        """
        det = self._detector
        graph = getattr(det, "_graph", None)
        outputs = getattr(det, "_graph_outputs", None)
        if graph is None or outputs is None or not hasattr(det, "_simulated_timestamp"):
            found = det.process(rgb).detections
            return len(found) if found else 0
        from mediapipe.python import packet_creator, packet_getter
        from mediapipe.python._framework_bindings import image_frame

        outputs.clear()
        det._simulated_timestamp += 33333
        packet = packet_creator.create_image_frame(rgb, image_format=image_frame.ImageFormat.SRGB)
        graph.add_packet_to_input_stream(stream="image", packet=packet.at(det._simulated_timestamp))
        graph.wait_until_idle()
        found = outputs.get("detections")
        if found is None or found.is_empty():
            return 0
        return len(packet_getter.get_proto_list(found))

    def close(self) -> None:
        worker = self._worker
        if worker is not None:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            worker.join(5.0)
        with self._graph:
            self._detector.close()
