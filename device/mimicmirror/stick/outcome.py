"""What came of a stick, as the short calm lines the mirror shows.

The wording is data (`LINES`), one entry per outcome, so the glass, the
stick unit's log and the tests all say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

SAVED = "saved"
FULL = "full"
READ_ONLY = "read_only"
GONE = "gone"
NOTHING_YET = "nothing_yet"
NO_REPORT = "no_report"
SETTINGS_CHANGED = "settings_changed"
SETTINGS_SAME = "settings_same"
SETTINGS_REFUSED = "settings_refused"
SETTINGS_NOT_SAVED = "settings_not_saved"
WORKING = "working"
BUSY = "busy"

LINES = {
    SAVED: "Report saved. You can take the stick out.",
    FULL: "The stick is full, so the report is not on it. Nothing on the mirror has changed.",
    READ_ONLY: "The stick cannot be written to (is its lock switch on?). Nothing on the mirror has changed.",
    GONE: "The stick was taken out too early. Nothing is lost: put it in again.",
    NOTHING_YET: "No practice to report yet; the stick was left as it was.",
    NO_REPORT: "The report could not be made: {detail}",
    SETTINGS_CHANGED: "New settings from the stick: {detail}.",
    SETTINGS_SAME: "The settings on the stick are the ones the mirror has.",
    SETTINGS_REFUSED: "Settings on the stick not used: {detail}",
    SETTINGS_NOT_SAVED: "The mirror could not save the stick's settings ({detail}); nothing changed.",
    WORKING: "Writing the report to the stick. Please leave it in.",
    BUSY: "The mirror was busy. Put the stick in again after practice.",
}

#: Outcomes after which the stick may be taken out and nothing more will happen.
FINAL = frozenset(LINES) - {WORKING}


@dataclass(frozen=True)
class Outcome:
    """One thing that happened with the stick, with the line the mirror shows for it."""

    kind: str
    detail: str = ""

    @property
    def line(self) -> str:
        return LINES[self.kind].format(detail=self.detail)

    @property
    def ok(self) -> bool:
        return self.kind in (SAVED, SETTINGS_CHANGED, SETTINGS_SAME, NOTHING_YET)
