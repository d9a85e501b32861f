"""Named MediaPipe Face Mesh landmark index sets, per patient side.

MediaPipe's LEFT_* sets (263, 473, ...) are the subject's own left, which is
on the image's right in an unmirrored camera frame: exactly our convention.
Each entry is data the measures in `measures.py` average over; change a
region here, not in code.
"""

from __future__ import annotations

from typing import Mapping

from ..sides import Side

#: Iris centres (refine_landmarks=True): the face frame's anchor and unit.
IRIS_CENTRE: Mapping[Side, int] = {"right": 468, "left": 473}

#: Index sets per side. Pairs are (upper, lower) landmark pairs.
REGIONS: Mapping[str, Mapping[Side, tuple]] = {
    # Upper brow margin over the middle of the eye (Emotrics: brow height at mid-pupil).
    "brow_upper": {"right": (63, 105, 66), "left": (293, 334, 296)},
    # Inner (medial) brow end, upper and lower margin: frowning pulls it to the midline.
    "brow_inner": {"right": (107, 55), "left": (336, 285)},
    # Upper/lower eyelid margin pairs across the palpebral fissure.
    "eyelid_pairs": {"right": ((158, 153), (159, 145), (160, 144)),
                     "left": ((385, 380), (386, 374), (387, 373))},
    # Oral commissure (outer mouth corner).
    "mouth_corner": {"right": (61,), "left": (291,)},
    # Lateral alar crease and alar rim.
    "nose_ala": {"right": (129, 102), "left": (358, 331)},
    # Face contour at mouth level: the cheek's outline when puffed.
    "cheek_contour": {"right": (58, 172, 136), "left": (288, 397, 365)},
    # Inner upper/lower lip pairs halfway between the centre and the corner.
    "lip_pairs": {"right": ((81, 178), (80, 88)), "left": ((311, 402), (310, 318))},
}

#: Midline landmarks (no side).
LOWER_LIP_BOTTOM = 17      # outer lower lip at the midline: "lower-lip level"
UPPER_LIP_INNER = 13
LOWER_LIP_INNER = 14
FOREHEAD = 10
CHIN = 152
#: Face edge at the cheekbones, for yaw.
FACE_EDGE: Mapping[Side, int] = {"right": 234, "left": 454}
#: Points no expression moves much (nose bridge and dorsum, eye corners,
#: forehead, glabella): a frame is aligned onto the relaxed frame on these.
RIGID: tuple[int, ...] = (168, 6, 197, 195, 4, 133, 362, 33, 263, 10, 151, 9)
#: The well-textured ones of them (eye corners, forehead, glabella), not the nose's,
#: which lie on a smooth ridge: `motion` also follows these at places around them.
RIGID_TEXTURED: tuple[int, ...] = RIGID[5:]
