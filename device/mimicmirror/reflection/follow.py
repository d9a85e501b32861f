"""The practice screen's bars follow the person's reflection, frame by frame.

`Placer` sits between the face analysis and the display in the service: it
sees each analysed frame (the landmarks in the frame's pixels), keeps the
person's eye gap as their iris measures it over many frames, and gives a
practice screen the `Placement` of its bars: beside the reflection, level
with the part the exercise moves. The engine stays pure; it never sees this.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..screen import Phase, Screen, ScreenKind
from .geometry import MEASURE_FEATURE, Mounting, Reflection, depth_of, reflect
from .placement import Follower, Placement

log = logging.getLogger("mimicmirror")

#: Frames whose eye gap is remembered (ten seconds at 15 frames a second); a median of these
#: sets the distance once at least LEARN_MIN are in.
LEARN_FRAMES = 150
LEARN_MIN = 10
#: The distance is the median over this many relaxed frames (three seconds).
DEPTH_FRAMES = 45
#: A face gone this long may be someone else: their eye gap is learned afresh.
FORGET_S = 10.0
#: A face lost for a moment keeps its bars where they were this long, then they go to the edges.
HOLD_S = 2.0


def mounting_from(config: Any, offset: tuple[float, float] = (0.0, 0.0)) -> Mounting:
    """The mounting the config describes (`[mirror]`, `[display]`), with a calibration offset."""
    m, d = config["mirror"], config["display"]
    return Mounting((int(d["width"]), int(d["height"])), m["pixel_pitch_mm"], m["camera_right_mm"],
                    m["camera_above_mm"], m["camera_tilt_deg"], m["camera_fov_deg"], *offset)


def features_of(exercises: Any) -> dict[str, str]:
    """Each tracked exercise's part of the face: where its first move's measure is."""
    out: dict[str, str] = {}
    for exercise in exercises:
        moves = getattr(exercise, "moves", ())
        if moves and moves[0].measure in MEASURE_FEATURE:
            out[exercise.id] = MEASURE_FEATURE[moves[0].measure]
    return out


#: How much of a relaxed frame's feature offsets goes into the remembered ones.
REST_WEIGHT = 0.2


@dataclass
class Placer:
    """Places a practice screen's bars from the latest frames; off, it leaves screens alone.

    The bars follow the head, not the movement: each part's height from the
    face's still points (the nose's bridge and the inner eye corners; the
    irises move with a lifted brow or a closing lid) and the face's outline
    around them are learned while the face is relaxed (any screen but a
    practice screen's move, hold and let-go), and a practice screen puts the
    bars at the still points' current place plus those relaxed offsets; while
    the face moves (move, hold, let go) the bars hold still. So the bar's zero
    stays where the brow rests while the brow rises beside it.
    """

    mounting: Mounting | None
    features: Mapping[str, str]
    follower: Follower = field(default_factory=Follower)
    _gaps: deque = field(default_factory=lambda: deque(maxlen=LEARN_FRAMES))
    _depths: deque = field(default_factory=lambda: deque(maxlen=DEPTH_FRAMES))
    _reflection: Reflection | None = None
    _pending: tuple[float, float] | None = None    # the latest good frame's (eye gap, depth), to learn
    _seen_t: float = float("-inf")
    _now: float = float("-inf")
    _placed_t: float | None = None
    _rest: dict | None = None            # (feature, side) -> height below the still points; "box" -> outline
    _rested_t: float | None = None

    @classmethod
    def from_config(cls, config: Any, exercises: Any, offset: tuple[float, float] = (0.0, 0.0)) -> "Placer":
        on = bool(config["mirror"]["place_cues"])
        return cls(mounting_from(config, offset) if on else None, features_of(exercises))

    @property
    def on(self) -> bool:
        return self.mounting is not None

    @property
    def reflection(self) -> Reflection | None:
        """The latest frame's reflection (None before a face was seen)."""
        return self._reflection

    def forget_rest(self) -> None:
        """A new mounting (after lining up): the relaxed offsets and distance are learned afresh."""
        self._rest = None
        self._depths.clear()
        self.follower.reset()

    def see(self, analysis: Any, frame_px: tuple[int, int]) -> None:
        """Take one analysed frame (`frame_px` = its width and height).

        Its distance is the median of the distances seen on relaxed frames (a
        moving face drags the irises that give it); what this frame says is
        learned by `place` if the screen shows the face is relaxed.
        """
        if self.mounting is None or analysis is None:
            return
        t = float(analysis.timestamp)
        self._now = max(self._now, t)
        pixels = getattr(analysis, "landmarks_px", None)
        if not analysis.face or pixels is None:
            if t - self._seen_t > FORGET_S:
                self._gaps.clear()
                self._depths.clear()
                self._rest = None
            return
        landmarks = np.asarray(pixels, dtype=float)
        if landmarks.ndim != 2 or landmarks.shape[0] < 478 or not np.isfinite(landmarks).all():
            log.debug("reflection skipped at %.3f s: landmarks unusable", t)
            return
        try:
            gap = float(np.median(self._gaps)) if len(self._gaps) >= LEARN_MIN else None
            depth_now, gap_now = depth_of(self.mounting, landmarks, frame_px, gap_mm=gap)
            depth = float(np.median(self._depths)) if self._depths else depth_now
            reflection = reflect(self.mounting, landmarks, frame_px, gap_mm=gap, depth_mm=depth)
            if not (np.isfinite(reflection.face_box).all() and 0 < reflection.distance_mm < 5000):
                raise ValueError(f"no sensible reflection (eyes {reflection.distance_mm:.0f} mm from the glass)")
            self._reflection = reflection
            self._pending = (gap_now, depth_now) if analysis.quality.ok else None
        except (ValueError, FloatingPointError, IndexError, ZeroDivisionError) as e:   # keep the last place
            log.debug("reflection skipped at %.3f s: %s", t, e)
            return
        self._seen_t = t

    def place(self, screen: Screen) -> Screen:
        """The screen with its bars' placement, when it is a practice screen and a face is there.

        Anything unexpected leaves the screen as the engine made it (bars at the edges): the
        mirror goes on, and the journal says why.
        """
        try:
            return self._place(screen)
        except Exception as e:
            log.warning("bars left at the edges: %s: %s", type(e).__name__, e)
            self.follower.reset()
            return screen

    def _place(self, screen: Screen) -> Screen:
        if self.mounting is None:
            return screen
        relaxed = _relaxed(screen)
        if self._pending is not None and relaxed:
            self._gaps.append(self._pending[0])
            self._depths.append(self._pending[1])
        self._pending = None
        fresh = self._reflection is not None and self._now - self._seen_t <= HOLD_S
        if fresh and relaxed and self._rested_t != self._seen_t:
            self._learn_rest()
        if screen.kind != ScreenKind.PRACTICE or not screen.bars:
            return screen
        feature = self.features.get(screen.exercise_id)
        if feature is None or not fresh or self._rest is None:
            self.follower.reset()
            self._placed_t = None
            return screen
        # between repetitions the bars follow the head; during a movement they hold still, as the
        # moving face drags the landmarks that tell where the head is
        following = relaxed or self.follower.shown is None or self.follower.shown.feature != feature
        if following and self._placed_t != self._seen_t:
            self.follower.update(self._measured(feature), self._seen_t)
            self._placed_t = self._seen_t
        return replace(screen, placement=self.follower.shown)

    def _learn_rest(self) -> None:
        r = self._reflection
        assert r is not None
        ex, ey = r.anchor
        now = {key: y - ey for key, (_, y) in r.features.items()}
        now["box"] = (r.face_box[0] - ex, r.face_box[1] - ey, r.face_box[2] - ex, r.face_box[3] - ey)
        if self._rest is None:
            self._rest = now
        else:
            for key, value in now.items():
                old = self._rest[key]
                self._rest[key] = tuple(o + REST_WEIGHT * (n - o) for o, n in zip(old, value)) \
                    if key == "box" else old + REST_WEIGHT * (value - old)
        self._rested_t = self._seen_t

    def _measured(self, feature: str) -> Placement:
        """Where the bars belong now: the still points' place and the relaxed face's offsets from them."""
        r, rest = self._reflection, self._rest
        assert r is not None and rest is not None
        ex, ey = r.anchor
        box = rest["box"]
        return Placement(feature, (ey + rest[(feature, "left")], ey + rest[(feature, "right")]),
                         (ex + box[0], ey + box[1], ex + box[2], ey + box[3]), r.mm_per_px)


def _relaxed(screen: Screen) -> bool:
    """Whether the face is at rest while this screen shows (not moving, holding or letting go)."""
    if screen.kind == ScreenKind.PRACTICE:
        return screen.phase in (None, Phase.REST)
    return screen.kind in (ScreenKind.NEUTRAL, ScreenKind.INSTRUCTION, ScreenKind.GREETING,
                           ScreenKind.ATTRACT, ScreenKind.EXERCISE_SUMMARY, ScreenKind.CALIBRATION)


def calibration_path(config: Any) -> Path:
    """Where the caregiver's calibration is kept: the state directory, beside the practice records.

    Run by hand (no state directory in the environment) on a mirror where the
    service is installed, that is the service's own folder, as for the report.
    """
    from ..config import SERVICE_STATE_DIR
    from .calibration import FILE_NAME

    unset = not (os.environ.get("STATE_DIRECTORY") or os.environ.get("MIMICMIRROR_STATE_DIR"))
    relative = not Path(config["store"]["path"]).is_absolute()
    if unset and relative and SERVICE_STATE_DIR.is_dir():
        return SERVICE_STATE_DIR / FILE_NAME
    return Path(config.state_path(config["store"]["path"])).parent / FILE_NAME
