"""What came of a stick, as the short calm lines the mirror shows.

The wording is data: the language catalogue's [stick] table (texts/<language>.toml)
has one text per outcome, keyed by the outcome's kind. The stick unit leaves the
outcomes themselves (kind and detail) for the mirror, which words them in the
person's language; the stick unit's own log says them in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from ..language import Language

SAVED = "saved"
FULL = "full"
READ_ONLY = "read_only"
GONE = "gone"
NOTHING_YET = "nothing_yet"
NO_REPORT = "no_report"
SETTINGS_CHANGED = "settings_changed"
SETTINGS_SAME = "settings_same"
SETTINGS_REFUSED = "settings_refused"
SETTINGS_UNREADABLE = "settings_unreadable"
SETTINGS_NOT_SAVED = "settings_not_saved"
WORKING = "working"
BUSY = "busy"

#: Every outcome (each a key of the catalogue's [stick] table).
KINDS = (SAVED, FULL, READ_ONLY, GONE, NOTHING_YET, NO_REPORT, SETTINGS_CHANGED, SETTINGS_SAME,
         SETTINGS_REFUSED, SETTINGS_UNREADABLE, SETTINGS_NOT_SAVED, WORKING, BUSY)
#: Outcomes after which the stick may be taken out and nothing more will happen.
FINAL = frozenset(KINDS) - {WORKING}


@dataclass(frozen=True)
class Outcome:
    """One thing that happened with the stick. `detail` is the stick's own news (a file name, the
    first problem in a settings file); new settings are named one by one in `changes`
    ("section.key", new value, old value), with `more` left uncounted and `new_programme`."""

    kind: str
    detail: str = ""
    changes: tuple[tuple[str, str, str], ...] = ()     # ("user.affected_side", "right", "left")
    more: int = 0
    new_programme: bool = False

    def said(self, said: Language) -> str:
        """The line the mirror shows, in the words of `said` (a language's catalogue, its [stick])."""
        texts = said.stick
        detail = self.detail
        if self.kind == SETTINGS_CHANGED:
            parts = [_change(setting, value, before, said) for setting, value, before in self.changes]
            if self.more:
                parts.append(texts["more_changes"].format(n=self.more))
            if self.new_programme:
                parts.append(texts["new_programme"])
            detail = ", ".join(parts)
        return texts[self.kind].format(detail=detail)

    @property
    def line(self) -> str:
        """The line in English (the stick unit's log, the journal)."""
        from ..language import REFERENCE, language

        return self.said(language(REFERENCE))

    @property
    def ok(self) -> bool:
        return self.kind in (SAVED, SETTINGS_CHANGED, SETTINGS_SAME, NOTHING_YET)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "changes": [list(c) for c in self.changes],
                "more": self.more, "new_programme": self.new_programme}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        """An outcome as the stick unit left it (ValueError/KeyError/TypeError if it is not one)."""
        kind = str(data["kind"])
        if kind not in KINDS:
            raise ValueError(f"unknown outcome {kind!r}")
        changes = tuple((str(a), str(b), str(c)) for a, b, c in data.get("changes", ()))
        return cls(kind, str(data.get("detail", "")), changes, int(data.get("more", 0)),
                   bool(data.get("new_programme", False)))


def _change(setting: str, value: str, before: str, said: Language) -> str:
    """One changed setting: a setting of the glass's menu as the menu says it ("Palsy on the right
    side (was left)"), any other by its name in the file ("fps 15 (was 10)")."""
    from ..exercises.settings_menu import SETTING_OF, choice_words, summary_line

    texts = said.stick
    section, _, key = setting.rpartition(".")
    name = SETTING_OF.get((section, key))
    if name is not None and value and before:
        was = said.side(before) if name == "affected_side" else choice_words(name, before, said)
        return texts["change_named"].format(setting=summary_line(name, value, said), before=was)
    return texts["change"].format(setting=key.replace("_", " "), value=value or texts["nothing"],
                                  before=before or texts["nothing"])
