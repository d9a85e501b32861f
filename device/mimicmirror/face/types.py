"""The values that leave the face analysis: what the engine, store and CLI consume.

Lengths are in units of the inter-iris distance (IID); angles in degrees.
Sides are the patient's anatomical sides (see `mimicmirror.sides`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ..sides import Side

#: Machine-readable reasons a frame is not scored, with the words a person reads.
QUALITY_REASONS: Mapping[str, str] = {
    "no_face": "no face found",
    "several_faces": "more than one face",
    "face_too_small": "face too small or too far away",
    "head_turned": "head turned to the side",
    "head_tilted": "head tilted forward or back",
}


@dataclass(frozen=True)
class SidePair:
    """One measure on both halves of the face.

    Whole-face measures (mouth width, mouth opening) carry the same value on
    both sides so every consumer can treat all measures alike.
    """

    left: float
    right: float

    def on(self, side: Side) -> float:
        return self.left if side == "left" else self.right


Measures = Mapping[str, SidePair]


@dataclass(frozen=True)
class Quality:
    """Whether a frame may be scored, and why not."""

    ok: bool
    reason: str | None = None  # a key of QUALITY_REASONS
    roll_deg: float = 0.0
    yaw_deg: float = 0.0
    pitch_deg: float = 0.0


@dataclass(frozen=True)
class FrameAnalysis:
    """Everything the analysis knows about one frame.

    `measures` is None when no usable face was found; it is present (but not to
    be scored) when a face was found and quality failed for pose or size.
    """

    timestamp: float
    face: bool
    quality: Quality
    measures: Measures | None = None
    iid_px: float | None = None  # inter-iris distance in pixels: the unit's size
    landmarks: object | None = field(default=None, repr=False, compare=False)
    # The face mesh's own reading; `measures` follows the image once a relaxed frame is set.
    mesh_measures: Measures | None = field(default=None, repr=False, compare=False)
    # The mesh's (478, 3) landmarks in the frame's pixels (kept with the frame, never stored).
    landmarks_px: object | None = field(default=None, repr=False, compare=False)
    # Share (0..1) of each relaxed eye the image still shows (`Analyzer(read_eyes=True)`
    # with a relaxed frame; see face/eyelids.py): the eye opening of an eye the mesh
    # reads closing is the mesh's lid gap scaled by how much of the eye is seen (see
    # `Analyzer._eyes`: the lid's bands count in full, others against four fifths).
    eye_seen: SidePair | None = None


@dataclass(frozen=True)
class Movement:
    """A measure's change from the neutral face, per side, and its symmetry.

    symmetry = weaker side's movement / stronger side's movement, in 0..1;
    None (and weaker None) when both sides moved less than the noise floor.
    """

    left: float
    right: float
    symmetry: float | None
    weaker: Side | None

    @property
    def one_sided(self) -> float:
        """How much further one side moved than the other (the measure's unit): what a face
        that only turned, or only met other light, must not show."""
        return abs(self.left - self.right)
