"""How many faces are at the mirror, checked cheaply and rarely.

Face Mesh tracking skips its own face detector only while it tracks as many
faces as it is allowed: allowed two with one person at the mirror, it runs the
detector on every frame (half as much again as tracking alone). So the mesh
tracks one face, and a second person is looked for here instead: MediaPipe's
full-range face detector on a small copy of the frame, when a face appears and
then about once a second of frame time. A person stepping in beside the user
is noticed within that second; a frame with several faces is not scored.

Why the full-range detector, though the short-range one costs about a third
(1.0-1.2 against 2.7-3.2 ms of CPU a check here): at the mirror's camera (640 x
480, 41 degrees from top to bottom) a second face 1.5 m from the camera, one
step behind a user standing at the glass, is 27 pixels between the irises.
Measured on 21 real faces (the bundled two and research photos) pasted at that
size beside a user at 0.6 m: the full-range detector found 19, the short-range
one 2 (on the frame itself or on any smaller copy: it looks at 128 x 128
whatever it is given); at 1 m both find nearly all; at 2 m the full-range one
still finds 12 of 21, the short-range one none.

A check costs about a model's time. With `aside` the checks made once a
second run in a thread beside the analysis, so no frame waits for one: a
check asked at one frame is collected a fixed number of frames later
(`COLLECT_AFTER`), waiting for it then only if it is not done yet, so which
frame sees which count never depends on thread timing and a recording is
analysed the same way every time. The check when a face arrives stays in the
caller's thread, so two faces are refused from the first frame.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np

from . import landmarks
from .native_logs import filter_native_chatter

#: Least width of the copy the detector sees (the frame shrunk by a whole-number
#: factor). The full-range detector works on 192x192 itself, so a larger copy
#: only costs more to hand over, not finds more.
SMALL_WIDTH = 192
#: `aside`: a check asked at one frame is used from this many frames later (face
#: frames given to `count`), so that no frame waits for it. Five frames at 15 a
#: second are 333 ms; a check takes 3 ms here and 40-60 ms on a Pi 4, on another
#: core. A recording analysed as fast as the model goes (about 2 ms a frame here)
#: gets there sooner: with two frames the model's thread waited for the check at
#: 44 of 44 collections of a rig session, 60-90 ms in all of its 1.5 s; with four,
#: 0-12 ms; five leave room for a busier machine.
COLLECT_AFTER = 5


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
        self._pending: int | None = None      # aside: the check waiting to be collected
        self._since = 0                       # face frames since it was asked
        self._cond = threading.Condition()
        self._jobs: deque[tuple[int, np.ndarray]] = deque()   # aside: (check number, frame)
        self._found: dict[int, int | None] = {}              # aside: check number -> faces (None: failed)
        self._asked = 0
        self._worker: threading.Thread | None = None
        self._closing = False
        # The detector's graph starts on its first image (about 0.1 s here, more
        # on a Pi): start it now, not on the frame where a face arrives.
        self._detector.process(np.zeros((SMALL_WIDTH * 3 // 4, SMALL_WIDTH, 3), np.uint8))

    def aside(self) -> None:
        """From now on run the once-a-second checks in a thread of their own.

        A check asked at one frame is collected `COLLECT_AFTER` face frames on
        (waiting for it there if it is not done) and its count is used from that
        frame: a second person is noticed within a second plus those frames, and
        the frames that see the new count are the same however the threads ran.
        """
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="face-count", daemon=True)
            self._worker.start()

    def count(self, rgb: np.ndarray, t: float) -> int:
        if self._last_t is None or t < self._last_t:     # a face arrives (or a new clip): check it now
            self._pending = None
            self._count, self._last_t = self._detect(rgb), t
            return self._count
        if self._pending is not None:
            self._since += 1
            if self._since >= COLLECT_AFTER:
                self._count = self._collect(self._pending)
                self._pending = None
        if t - self._last_t >= self.every_s and self._pending is None:
            self._last_t = t
            if self._worker is None:
                self._count = self._detect(rgb)
            else:
                self._pending, self._since = self._ask(rgb), 0
        return self._count

    def reset(self) -> None:
        """The face was lost: the next one is checked on arrival (a check still out is not used)."""
        self._last_t = None
        self._pending = None

    def _ask(self, rgb: np.ndarray) -> int:
        with self._cond:
            self._asked += 1
            self._jobs.append((self._asked, rgb))
            self._cond.notify_all()
            return self._asked

    def _collect(self, number: int) -> int:
        with self._cond:
            self._cond.wait_for(lambda: number in self._found or self._closing)
            found = self._found.pop(number, None)
            for older in [n for n in self._found if n < number]:   # checks asked before a reset
                del self._found[older]
        return self._count if found is None else found

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._jobs or self._closing)
                if self._closing:
                    return
                number, rgb = self._jobs.popleft()
            try:
                found: int | None = self._detect(rgb)
            except Exception:                      # the count stays as it was
                found = None
            with self._cond:
                self._found[number] = found
                self._cond.notify_all()

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

        As the face mesh's, the pinned graph is driven directly (`landmarks.start_graph`)
        and the detections are counted where they are, not parsed into messages;
        `process` stays the fallback should its inner names ever change.
        """
        det = self._detector
        size = landmarks.packet_reader("_get_proto_vector_size")    # counted, not parsed
        if size is None or not landmarks.start_graph(det, rgb):
            found = det.process(rgb).detections
            return len(found) if found else 0
        found = landmarks.graph_output(det, "detections")
        return 0 if found is None else int(size(found))

    def close(self) -> None:
        worker = self._worker
        if worker is not None:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            worker.join(5.0)
        with self._graph:
            self._detector.close()
