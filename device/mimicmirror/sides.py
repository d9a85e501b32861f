"""The patient's anatomical sides, the one convention used everywhere.

"left" is the user's own left. In an unmirrored camera image the user's left
is on the image's right; on the display behind the mirror it appears on the
viewer's left (a mirror), so cues about the left are drawn on the left.
"""

from typing import Literal

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")


def other(side: Side) -> Side:
    """The opposite side."""
    return "right" if side == "left" else "left"
