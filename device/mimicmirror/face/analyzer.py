"""The whole face analysis of one frame: landmarks -> face frame -> quality -> measures.

Once a relaxed frame is set (`set_reference`), measures follow the image: the
measured points are tracked from the relaxed frame straight to each frame
(see `motion`), and each measure is the relaxed value plus the movement the
pixels show. Before that (or with `follow_image=False`) the mesh's own
landmarks are measured. The relaxed frame is kept in memory only.

The eye opening is the one measure the image cannot follow (a closing lid
covers the eye rather than moving its texture), and the mesh draws a closing
lid about half way down where the image shows it shut. So once the mesh reads
an eye closing (`ROWS_BELOW` of its relaxed opening or less), that eye's
opening is the mesh's lid gap times the share of the relaxed eye the image
still shows (see `eyelids`): a shut eye, of which nothing is seen, reads
shut; a partly covered one keeps part of the mesh's gap. The bands a lid
covers from the top count in full; bands missed lower down, below bands still
seen (a glance, the lower lid, blur), only once less than `ALL_SEEN` of the
eye is seen. An eye the mesh reads open costs nothing more. With
`read_eyes=True` each frame also reports that share for both eyes
(`FrameAnalysis.eye_seen`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable, ContextManager, Iterable, Iterator, Mapping, Protocol, TypeVar

import cv2
import numpy as np

from ..sides import SIDES, Side
from .crowd import FaceCounter
from .eyelids import EyeRows
from .landmarks import LandmarkDetector
from .measures import measure_all, measure_values
from .native_logs import filter_native_chatter
from .motion import MESH_MEASURES, Look, ReferenceMotion
from .pose import face_frame
from .quality import QualityLimits, judge
from .types import FrameAnalysis, Measures, SidePair

#: An eye's opening is read against the image (see `_eyes`) once the mesh reads it at
#: most this share of its relaxed opening, so an open eye costs nothing more. Measured
#: on the simulated one-sided eye closures (benchmarks/real_asymmetry.py --kinds eye,
#: five session starts), mean symmetry error: 0.079 (0.067-0.094 per start) at 0.95,
#: 0.079 (0.067-0.105) at 0.85, 0.074 (0.053-0.109) with every frame read. A still face
#: with camera jitter reaches it on 6-12 % of frames, and all of each eye is seen there,
#: so its reading stays the mesh's.
ROWS_BELOW = 0.95
#: A lid covers the fissure from the top, band after band; a few bands missed lower down
#: in an eye otherwise seen are the eye's own look changing (a glance, the lower lid,
#: the light, a small blurred eye), not a lid. So the share is read against this much:
#: more of the eye seen counts as all of it, less in proportion (a shut eye, nothing
#: seen, still reads shut). The bands missed from the top down count in full
#: (`eyelids.Seen.uncovered`): a lid 30-60 % closed leaves 0.8-1.0 of the simulated
#: eyes' bands matching (the rows at its arc-shaped edge still match), which this
#: allowance alone took for an open eye.
#: Measured on a real webcam clip of both eyes closing slowly (inter-iris distance
#: 42 px), the two eyes' symmetry, median over the frames, for two choices of relaxed
#: frames: 0.88 and 0.84 this way, 0.77 and 0.77 with the share as it is, 0.90 and 0.77
#: switching to "all" above 0.8 (the mesh alone: 0.91 and 0.87). The real winks and
#: the simulated closures read about the same all three ways. (Measured before the
#: bands missed from the top counted in full; with them: 0.89 and 0.82.)
ALL_SEEN = 0.8


class Timed(Protocol):
    """A frame to `Analyzer.stream`: its RGB pixels and its time (s)."""

    @property
    def rgb(self) -> np.ndarray: ...

    @property
    def t(self) -> float: ...


F = TypeVar("F", bound=Timed)


@dataclass(frozen=True)
class Found:
    """What the model found in one frame (`Analyzer.find`): the faces' landmarks in pixels."""

    rgb: np.ndarray
    t: float
    faces: tuple[np.ndarray, ...] = ()
    n_faces: int = 0                   # with the face count's, which may see more than the tracker

    @property
    def face(self) -> bool:
        return bool(self.faces)


class Analyzer:
    """Turns RGB frames (unflipped) into `FrameAnalysis` values.

    `static=True` for unrelated photos, `static=False` (tracking) for a stream.
    Photos look for two faces in the mesh itself; a stream tracks one face (the
    mesh's detector then rests) and a `FaceCounter` looks for more about once a
    second (`crowd_check_s`, frame time). The largest face is measured when
    there are several; quality then says so.
    """

    def __init__(self, static: bool = False, limits: QualityLimits = QualityLimits(),
                 max_faces: int | None = None, crowd_check_s: float | None = 1.0,
                 follow_image: bool = True, keep_mesh: bool = False, read_eyes: bool = False,
                 building: Callable[[str], ContextManager[None]] | None = None):
        """`building(part)`, when given, is the context in which each of the two graphs
        ("model", "face count") is built: a graph's threads take the cores of the thread
        that builds it, so a caller can keep the model's threads on cores of their own."""
        building = building or (lambda part: contextlib.nullcontext())
        if max_faces is None:
            max_faces = 2 if static else 1
        # Following the image and reading the eyes work on a face patch of about 200 x 200
        # pixels: OpenCV's own thread pool only adds hand-overs there. Measured on the eye
        # closure clip of benchmarks/real_asymmetry.py, CPU a frame with the same readings:
        # 3.37 -> 3.26 ms for the whole analysis taking turns with the model, 0.86 -> 0.47 ms
        # for `measure` alone in a loop (the pool's threads then spin between calls). The
        # analysis's parallelism is its stages (the service's threads, the face count's).
        cv2.setNumThreads(1)
        filter_native_chatter()      # its thread (once a process) is not the model's
        with building("model"):
            self.detector = LandmarkDetector(static=static, max_faces=max_faces)
        self.crowd = None
        if not static and max_faces == 1 and crowd_check_s:
            with building("face count"):
                self.crowd = FaceCounter(crowd_check_s)
        self.limits = limits
        self.follow_image = follow_image
        self.keep_mesh = keep_mesh   # also give the mesh's own measures (costs a little)
        self.read_eyes = read_eyes   # also report how much of each relaxed eye is still seen
        self.static = static
        self._last: tuple[np.ndarray, np.ndarray] | None = None   # (rgb, landmarks px)
        # (relaxed frame, its measures as followed, the neutral movement is counted from,
        #  the relaxed eyes' bands)
        self._state: tuple[ReferenceMotion, Measures, Measures, EyeRows] | None = None

    @property
    def has_reference(self) -> bool:
        return self._state is not None

    def set_reference(self, rgb: np.ndarray | None = None, neutral: Mapping[str, SidePair] | None = None,
                      analysis: FrameAnalysis | None = None) -> bool:
        """Take `rgb` (default: the last analysed frame) as the relaxed frame.

        `analysis` is that frame's own analysis, when at hand: its landmarks are
        used instead of running the model again (so this may be called from
        another thread than `analyze`). `neutral` is the relaxed face's measures
        that movement is counted from (default: this frame's); measures then read
        `neutral + movement seen`. False when no face was found in that frame
        (the mesh is measured meanwhile).
        """
        if not self.follow_image:
            return False
        if rgb is None:
            if self._last is None:
                return False
            rgb, px = self._last
        elif analysis is not None and analysis.landmarks_px is not None:
            px = analysis.landmarks_px
        else:
            faces = self.detector.detect(rgb)
            if not faces:
                return False
            px = _largest(faces)
        rgb = np.ascontiguousarray(rgb)
        motion = ReferenceMotion(rgb, px)
        relaxed = motion.follow(motion.look(rgb, px), px, face_frame(px).points)
        measures = measure_all(relaxed)
        eyes = EyeRows(motion, px)
        # One assignment, so a frame analysed meanwhile sees the old or the new reference whole.
        self._state = (motion, measures, dict(neutral) if neutral is not None else measures, eyes)
        return True

    def clear_reference(self) -> None:
        """Forget the relaxed frame (a new session captures its own)."""
        self._state = None

    def analyze(self, rgb: np.ndarray, t: float = 0.0) -> FrameAnalysis:
        return self.measure(self.find(rgb, t))

    def find(self, rgb: np.ndarray, t: float = 0.0) -> Found:
        """The model's part of `analyze`: the faces in `rgb`, and how many there are.

        `analyze` is `measure(find(...))`. The service runs the two in threads
        of their own, so the next frame is in the model while this one's image
        is followed; `find` keeps the tracker's and the face count's state,
        `measure` the relaxed frame's.
        """
        self.detector.submit(rgb)
        return self._found(rgb, t)

    def _found(self, rgb: np.ndarray, t: float) -> Found:
        """`find`'s end: the model's faces in `rgb` (handed to it already), and the count."""
        faces = self.detector.collect()
        if not faces:
            if self.crowd is not None:
                self.crowd.reset()
            return Found(rgb, t)
        n_faces = len(faces) if self.crowd is None else max(len(faces), self.crowd.count(rgb, t))
        return Found(rgb, t, tuple(faces), n_faces)

    def stream(self, frames: Iterable[F]) -> Iterator[tuple[F, FrameAnalysis]]:
        """Each of `frames` (anything with `.rgb` and `.t`, in order) with its analysis.

        The same analyses as `analyze` frame by frame, but the model works on the
        next frame in its own threads while this one is measured and handed out
        (and whatever the caller does with it before asking for the next: writing
        it out), and the frame after that is taken from `frames` (read from a
        file, decoded) while the model works on the one before. One thread, no
        queue: at most one frame is in the model and one waits to be measured.
        Measured on a real webcam clip (benchmarks/analyze_clip.py, load 2):
        `analyze` takes 0.96-0.98 of the bare model's time, each decoding its
        frames, where frame after frame took 1.03-1.07; the CPU it uses is the
        same both ways (1.05-1.08 of the bare model's: the face count's checks).
        """
        frames = iter(frames)
        ahead = next(frames, None)
        if ahead is None:
            return
        self.detector.submit(ahead.rgb)
        try:
            while ahead is not None:
                item, ahead = ahead, next(frames, None)     # read the next while the model works
                found = self._found(item.rgb, item.t)
                if ahead is not None:
                    self.detector.submit(ahead.rgb)          # the model on it while this one is measured
                yield item, self.measure(found)
        finally:
            self.detector.drain()       # stopped early: the frame in the model is not used

    def measure(self, found: Found) -> FrameAnalysis:
        """The rest of `analyze`: the largest face's frame, quality, and the measures (followed
        from the relaxed frame once one is set)."""
        rgb, t = found.rgb, found.t
        if not found.faces:
            self._last = None
            return FrameAnalysis(timestamp=t, face=False, quality=judge(0, None, self.limits))
        if len(found.faces) == 1:           # as a rule (a stream tracks one face)
            px = found.faces[0]
            main = face_frame(px)
        else:
            main, px = max(((face_frame(f), f) for f in found.faces), key=lambda fp: fp[0].iid_px)
        if self.follow_image:
            self._last = (rgb, px)
        measures = mesh = seen = None
        state = self._state
        if state is not None:
            try:
                look = state[0].look(rgb, px)
            except ValueError:      # cannot align this frame on the relaxed one: the mesh is measured
                look = None
            if look is not None:
                measures = self._followed(state, look, px, main.points)
                measures, seen = self._eyes(state, look, px, measures)
        if measures is None or self.keep_mesh:
            mesh = measure_all(main.points)
        measures = measures or mesh
        return FrameAnalysis(
            timestamp=t,
            face=True,
            quality=judge(found.n_faces, main, self.limits, relaxed=None if state is None else state[0].pose),
            measures=measures,
            iid_px=main.iid_px,
            landmarks=main,
            mesh_measures=mesh if self.keep_mesh or mesh is measures else None,
            landmarks_px=px,
            eye_seen=seen,
        )

    def _eyes(self, state: tuple[ReferenceMotion, Measures, Measures, EyeRows], look: Look,
              px: np.ndarray, measures: Measures) -> tuple[Measures, SidePair | None]:
        """The eye opening read against the image, and the share of each eye seen (with `read_eyes`).

        For an eye the mesh reads closing, the opening is the mesh's lid gap
        times the share of the relaxed fissure still seen: the mesh places the
        lids where an open eye's would be and so counts a covered fissure as
        open; the share (read against `ALL_SEEN`) says how much of it the lid
        really left uncovered. The bands missed from the top down are the lid's
        own (`Seen.uncovered`) and count in full, without that allowance.
        Measured on real winks (benchmarks/real_asymmetry.py) the shut eye then
        reads fully closed where the mesh read it two thirds closed, and on the
        simulated one-sided closures each eye's share of the movement is
        closer to the truth than the mesh's alone.
        """
        _, ref, _, eyes = state
        opening, relaxed = measures["eye_opening"], ref["eye_opening"]
        closing = {side: opening.on(side) <= ROWS_BELOW * relaxed.on(side) for side in SIDES}
        ask = tuple(side for side in SIDES if self.read_eyes or closing[side])
        if not ask:
            return measures, None
        shown = eyes.visible(look, px, ask)

        def read(side: Side) -> float:
            seen = shown.get(side)
            if not closing[side] or seen is None:
                return opening.on(side)
            return opening.on(side) * min(1.0, seen.share / ALL_SEEN, seen.uncovered)

        measures = {**measures, "eye_opening": SidePair(read("left"), read("right"))}
        left, right = shown.get("left"), shown.get("right")
        if self.read_eyes and left is not None and right is not None:
            return measures, SidePair(left.share, right.share)
        return measures, None

    @staticmethod
    def _followed(state: tuple[ReferenceMotion, Measures, Measures, EyeRows], look: Look,
                  px: np.ndarray, points: np.ndarray) -> Measures:
        """The relaxed measures plus the movement the image shows in the frame `look` was made of.

        Measures of points the image does not follow (the eyelids) are the mesh's
        own, exactly as without a relaxed frame.
        """
        motion, ref, neutral, _ = state
        out: dict[str, SidePair] = {}
        for name, (left, right) in measure_values(motion.follow(look, px, points)).items():
            if name in MESH_MEASURES:
                out[name] = SidePair(left, right)
            else:
                base, was = neutral.get(name, ref[name]), ref[name]
                out[name] = SidePair(base.left + left - was.left, base.right + right - was.right)
        return out

    def close(self) -> None:
        self.detector.close()
        if self.crowd is not None:
            self.crowd.close()

    def __enter__(self) -> "Analyzer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _largest(faces: list[np.ndarray]) -> np.ndarray:
    return max(faces, key=lambda f: float(np.hypot(*(f[473, :2] - f[468, :2]))))
