"""The caregiver's calibration: where the camera really is, found once, kept in the state directory.

A ruler gets the camera's place within a centimetre or two; the person's own
iris size moves the heights a few millimetres more. Calibration asks the
person to stand so two marks on the glass sit on their eyes in the
reflection, and press NEXT: the eyes are then exactly where the marks are,
and the difference from where the geometry put them is the camera's offset.
It is stored apart from the settings file, which the caregiver writes and
the mirror only reads.
"""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from collections import deque
from typing import TYPE_CHECKING, Mapping

from ..language import REFERENCE, load_language
from ..screen import Screen, ScreenKind
from ..files import write_atomically
from .geometry import Mounting, Reflection, calibrated

if TYPE_CHECKING:
    from .follow import Placer

log = logging.getLogger("mimicmirror")

FILE_NAME = "mirror-calibration.toml"
#: The marks are put where the eyes are seen once the face has been there this long ...
SETTLE_S = 1.0
#: ... and NEXT takes the eyes' place over the last few frames.
RECENT_FRAMES = 8

#: An offset larger than this is a mistake (someone else at the mirror, a mark missed), not a mounting.
LARGEST_OFFSET_MM = 120.0


@dataclass(frozen=True)
class Offset:
    """The camera's correction: how far it is right of and above where `[mirror]` says."""

    right_mm: float = 0.0
    up_mm: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.right_mm or self.up_mm)

    def describe(self) -> str:
        if not self:
            return "not calibrated (the camera is where [mirror] says)"
        side = "right" if self.right_mm >= 0 else "left"
        height = "higher" if self.up_mm >= 0 else "lower"
        return (f"camera {abs(self.right_mm):.0f} mm further {side} and {abs(self.up_mm):.0f} mm {height} "
                "than [mirror] says (calibrated on the glass)")


def offset_from(mounting: Mounting, reflections: list[Reflection],
                marks: tuple[tuple[float, float], tuple[float, float]]) -> Offset:
    """The corrected offset, from the frames seen while the person had the marks on their eyes."""
    if not reflections:
        raise ValueError("no face was seen")
    seen = (sum(r.eyes[0] for r in reflections) / len(reflections),
            sum(r.eyes[1] for r in reflections) / len(reflections))
    middle = ((marks[0][0] + marks[1][0]) / 2, (marks[0][1] + marks[1][1]) / 2)
    fitted = calibrated(mounting, seen, middle)
    offset = Offset(round(fitted.offset_right_mm, 1), round(fitted.offset_up_mm, 1))
    if math.hypot(offset.right_mm, offset.up_mm) > LARGEST_OFFSET_MM:
        raise ValueError(f"the camera would be {math.hypot(offset.right_mm, offset.up_mm):.0f} mm from where "
                         "[mirror] says: check the camera settings and try again")
    return offset


def load(path: Path) -> Offset:
    """The stored offset; none stored (or a file that cannot be read) means no correction."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
        return Offset(float(data.get("offset_right_mm", 0.0)), float(data.get("offset_up_mm", 0.0)))
    except FileNotFoundError:
        return Offset()
    except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError) as e:
        log.warning("%s: cannot read the mirror calibration (%s); using [mirror] as it is", path, e)
        return Offset()


def save(path: Path, offset: Offset) -> None:
    """Write the offset atomically (a power cut leaves the old file or the new one); readable
    by the service's user when the caregiver (root) writes it."""
    write_atomically(path, "# The camera's place as calibrated on the glass; delete this file to undo.\n"
                           f"offset_right_mm = {offset.right_mm}\noffset_up_mm = {offset.up_mm}\n")


@dataclass(frozen=True)
class Answer:
    """What one press did on the calibration screen."""

    over: bool = False              # lining up has ended: saved, or cancelled by a long NEXT
    saved: Offset | None = None     # NEXT: the offset, written to the file
    problem: str | None = None      # NEXT that saved nothing: why, in words (the rings stay)


class Calibrating:
    """The calibration screen: rings put once where the eyes are seen, the person lines them up, NEXT.

    The rings stay where they were put (REPEAT puts them again), so the person
    can move until their eyes' reflection sits in them; the camera's offset is
    then taken from the last few frames.
    """

    def __init__(self, mounting: Mounting, words: Mapping[str, str] | None = None) -> None:
        """`words`: what the screen says (the caregiver reads it to the person, or they read it),
        a language catalogue's [line_up] table; English if none is given."""
        self.mounting = mounting
        self.words = words if words is not None else load_language(REFERENCE).line_up
        self.marks: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._recent: deque[Reflection] = deque(maxlen=RECENT_FRAMES)
        self._since: float | None = None

    def see(self, reflection: Reflection | None, t: float) -> None:
        """One frame's reflection (None: no face)."""
        if reflection is None:
            self._recent.clear()
            self._since = None
            return
        self._recent.append(reflection)
        self._since = t if self._since is None else self._since
        if self.marks is None and t - self._since >= SETTLE_S:
            (x, y), half = reflection.eyes, reflection.eye_gap_px / 2
            self.marks = ((x - half, y), (x + half, y))

    def look(self, placer: Placer, face: bool, t: float) -> None:
        """One analysed frame (the placer has seen it): the placer, shown this screen, learns a
        still face's distance, and the rings see where it puts the eyes' reflection."""
        placer.place(self.screen())
        self.see(placer.reflection if face else None, t)

    def press(self, button: str, long: bool, path: Path) -> Answer:
        """NEXT saves the offset in `path`, REPEAT puts the rings again, a long NEXT cancels.

        The `calibrate` command and the line-up asked for on the glass both end
        here, so both save alike and say alike why nothing was saved.
        """
        if button == "next" and long:
            return Answer(over=True)
        if button == "repeat":
            self.again()
            return Answer()
        if button != "next":
            return Answer()
        try:
            offset = self.finish()
            save(path, offset)
        except (ValueError, OSError) as e:
            return Answer(problem=str(e))
        return Answer(over=True, saved=offset)

    def again(self) -> None:
        """REPEAT: the rings are put again where the eyes are now."""
        self.marks = None
        self._since = None if not self._recent else self._since

    def finish(self) -> Offset:
        """NEXT: the corrected offset (ValueError, in words, when there is nothing to go by)."""
        if self.marks is None or not self._recent:
            raise ValueError("no face was seen at the rings")
        return offset_from(self.mounting, list(self._recent), self.marks)

    def screen(self) -> Screen:
        face = bool(self._recent)
        words = self.words
        return Screen(ScreenKind.CALIBRATION, title=words["title"],
                      lines=(words["align"] if self.marks else words["wait"],),
                      warning="" if face else words["no_face"], footer=words["footer"],
                      marks=self.marks or ())
