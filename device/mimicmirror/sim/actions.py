"""Facial actions for the simulator, as data: which landmarks move, and how far.

Each action is a list of (right-side indices, left-side indices, displacement)
where the displacement is (lateral, up) in inter-iris-distance units at
amplitude 1: lateral is away from the midline on that side, up is towards the
forehead. Points on the midline (listed under "mid") move with the mean of
both sides' amplitudes. Amplitude 1 is a clear, full movement of a healthy
side; the simulator scales it per side.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple


class Move(NamedTuple):
    right: tuple[int, ...]
    left: tuple[int, ...]
    lateral: float
    up: float
    mid: tuple[int, ...] = ()


_BROW_R = (70, 63, 105, 66, 107, 46, 53, 52, 65, 55)
_BROW_L = (300, 293, 334, 296, 336, 276, 283, 282, 295, 285)
_FOREHEAD_R = (104, 69, 108, 67, 103, 54, 21, 71)
_FOREHEAD_L = (333, 299, 337, 297, 332, 284, 251, 301)
_CORNER_R, _CORNER_L = (61,), (291,)
_LIP_NEAR_R = (185, 146, 78, 191, 95, 40, 91)
_LIP_NEAR_L = (409, 375, 308, 415, 324, 270, 321)
_LIP_FAR_R = (39, 181, 80, 88, 37, 84)
_LIP_FAR_L = (269, 405, 310, 318, 267, 314)
_ALA_R = (129, 102, 64, 48, 98)
_ALA_L = (358, 331, 294, 278, 327)
_CONTOUR_R = (132, 58, 172, 136, 93)
_CONTOUR_L = (361, 288, 397, 365, 323)
_CHEEK_R = (205, 187, 50, 207, 216)
_CHEEK_L = (425, 411, 280, 427, 436)
_LOWER_LIP_R = (87, 178, 88, 95, 84, 181, 91, 146)
_LOWER_LIP_L = (317, 402, 318, 324, 314, 405, 321, 375)
_CHIN_R = (148, 176, 149)
_CHIN_L = (377, 400, 378)

ACTIONS: Mapping[str, tuple[Move, ...]] = {
    "smile": (
        Move(_CORNER_R, _CORNER_L, 0.12, 0.10),
        Move(_LIP_NEAR_R, _LIP_NEAR_L, 0.08, 0.07),
        Move(_LIP_FAR_R, _LIP_FAR_L, 0.04, 0.03),
        Move(_CHEEK_R[:3], _CHEEK_L[:3], 0.03, 0.05),
    ),
    "brow_raise": (
        Move(_BROW_R, _BROW_L, 0.0, 0.12),
        Move(_FOREHEAD_R, _FOREHEAD_L, 0.0, 0.08),
    ),
    "frown": (
        Move((107, 55, 66, 65), (336, 285, 296, 295), -0.08, -0.03),
        Move((105, 52, 63, 53), (334, 282, 293, 283), -0.05, -0.015),
    ),
    "nose_wrinkle": (
        Move(_ALA_R, _ALA_L, 0.02, 0.07),
    ),
    "pucker": (
        Move(_CORNER_R, _CORNER_L, -0.10, 0.0),
        Move(_LIP_NEAR_R, _LIP_NEAR_L, -0.06, 0.0),
        Move(_LIP_FAR_R, _LIP_FAR_L, -0.03, 0.0),
    ),
    "cheek_puff": (
        Move(_CONTOUR_R, _CONTOUR_L, 0.08, 0.0),
        Move(_CHEEK_R, _CHEEK_L, 0.06, 0.0),
    ),
    "mouth_open": (
        Move(_LOWER_LIP_R, _LOWER_LIP_L, 0.0, -0.22, mid=(14, 17)),
        Move(_CHIN_R, _CHIN_L, 0.0, -0.25, mid=(152,)),
        Move(_CORNER_R, _CORNER_L, 0.0, -0.08),
    ),
}

#: Eyelids close by sliding the skin above the upper lid down over the eye
#: (occlusion, which a smooth warp cannot do): lid contours per side, corner to
#: corner, used by the warper's lid model for the "eye_closure" action.
LIDS: Mapping[str, Mapping[str, tuple[int, ...]]] = {
    "right": {"upper": (33, 246, 161, 160, 159, 158, 157, 173, 133),
              "lower": (33, 7, 163, 144, 145, 153, 154, 155, 133)},
    "left": {"upper": (263, 466, 388, 387, 386, 385, 384, 398, 362),
             "lower": (263, 249, 390, 373, 374, 380, 381, 382, 362)},
}
LID_ACTION = "eye_closure"
SKIN_BAND = 0.8   # skin above the lid that stretches over the eye, in fissure heights

#: Landmarks that stay put unless an action moves them or one near them:
#: they keep each warp local (irises, nose, eye corners, upper face, upper lip centre).
ANCHORS: tuple[int, ...] = (468, 473, 1, 4, 5, 6, 168, 195, 197, 33, 133, 263, 362,
                            10, 151, 234, 454, 127, 356, 0, 13, 152, 2)
