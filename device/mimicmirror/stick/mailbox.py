"""How the stick unit and the mirror talk: two small files in a folder both may use.

The stick unit runs as its own hardened unit, the mirror as another; neither can
signal the other, and neither needs a socket. The stick unit leaves a note
(`outcome.json`, replaced atomically, numbered) saying what is happening with
the stick; the mirror shows each new note on the glass. The mirror keeps a
`busy` file while a session runs, and the stick unit waits for it to go before
it writes a report (so a report never misses the session being practised).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..files import write_atomically
from .outcome import FINAL, SETTINGS_CHANGED, Outcome

if TYPE_CHECKING:
    from ..language import Language

NOTE, BUSY = "outcome.json", "busy"


@dataclass(frozen=True)
class StickNote:
    """What the stick unit last said: its number, what came of the stick, and whether it is done."""

    seq: int
    outcomes: tuple[Outcome, ...]
    final: bool
    settings_changed: bool

    def said(self, said: Language) -> tuple[str, ...]:
        """The lines for the glass, in the words of a language's catalogue."""
        return tuple(x.said(said) for x in self.outcomes)

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines in English (for the journal)."""
        return tuple(x.line for x in self.outcomes)


class Mailbox:
    """The shared folder (under the state directory), seen from either side."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._seen = self._read_seq()

    # -- the stick unit's side --------------------------------------------------------------
    def post(self, outcomes: Sequence[Outcome]) -> StickNote:
        """Leave a new note; it is final when every outcome is (the stick may be taken out)."""
        note = StickNote(seq=self._read_seq() + 1, outcomes=tuple(outcomes),
                         final=all(x.kind in FINAL for x in outcomes),
                         settings_changed=any(x.kind == SETTINGS_CHANGED for x in outcomes))
        write_atomically(self.folder / NOTE, json.dumps({
            "seq": note.seq, "outcomes": [x.to_json() for x in outcomes], "final": note.final,
            "settings_changed": note.settings_changed}))
        return note

    def mirror_busy(self) -> bool:
        return (self.folder / BUSY).exists()

    # -- the mirror's side --------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        """Say whether a session is running (cheap: only called when that changes)."""
        path = self.folder / BUSY
        try:
            if busy:
                self.folder.mkdir(parents=True, exist_ok=True)
                path.touch()
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass   # a stick unit that cannot see the flag writes the report at once; nothing is lost

    def news(self) -> StickNote | None:
        """The stick unit's latest note if it is new since the last call (or since this mailbox was made)."""
        try:
            data = json.loads((self.folder / NOTE).read_text(encoding="utf-8"))
            note = StickNote(int(data["seq"]), tuple(Outcome.from_json(x) for x in data["outcomes"]), bool(data["final"]),
                             bool(data.get("settings_changed", False)))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if note.seq == self._seen:
            return None
        self._seen = note.seq
        return note

    def _read_seq(self) -> int:
        try:
            return int(json.loads((self.folder / NOTE).read_text(encoding="utf-8"))["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0
