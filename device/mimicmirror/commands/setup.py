"""`mimicmirror setup`: the caregiver's one-time set-up, as questions in a terminal.

Plain prompts on standard input and output, so it works over SSH, in a serial
console or piped from a script. Every answer is checked as it is given (and
asked again if wrong); any answer can also come from a flag, and `--yes`
takes the rest from the current file or the defaults without asking. The
written file is the whole device config with a comment on every key, checked
by the same validation the device uses before it replaces anything.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import ConfigError, UserError
from ..settings import save  # noqa: F401  (the settings menu saves through the same code)

HELP = "set the device up: affected side, programme, sessions, buttons, screen, language, sound"


@dataclass(frozen=True)
class Question:
    """One setting to ask about: the flag that answers it, and when it applies."""

    section: str
    key: str
    flag: str
    prompt: str
    applies: Callable[[Mapping[str, Mapping[str, Any]]], bool] = lambda answers: True


def _gpio(answers: Mapping[str, Mapping[str, Any]]) -> bool:
    return answers["buttons"]["backend"] == "gpio"


QUESTIONS: tuple[Question, ...] = (
    Question("user", "affected_side", "--affected-side",
             "Which side of the face has the palsy? (the person's own left or right)"),
    Question("user", "programme", "--programme", "Which programme of exercises?"),
    Question("user", "daily_sessions", "--daily-sessions", "How many sessions a day to aim for?"),
    Question("user", "name", "--name", "First name for the greeting (Enter for none)"),
    Question("user", "language", "--language", "Language of the cues on the mirror"),
    Question("buttons", "backend", "--buttons", "Buttons: the two wired buttons (gpio), keys, or none"),
    Question("buttons", "next_pin", "--next-pin", "BCM pin number of the NEXT button", _gpio),
    Question("buttons", "repeat_pin", "--repeat-pin", "BCM pin number of the REPEAT button", _gpio),
    Question("display", "rotation", "--rotation", "Screen rotation in degrees (for a screen mounted on its side)"),
    Question("sound", "mode", "--sound",
             "Sound: spoken cues with chimes (voice), chimes only, or off (needs a speaker)"),
    Question("sound", "volume", "--volume", "Loudness from 0.0 (silent) to 1.0",
             lambda answers: answers["sound"]["mode"] != "off"),
)

TRUE_WORDS = ("y", "yes", "true", "on", "1")
FALSE_WORDS = ("n", "no", "false", "off", "0")


def register(sub: argparse._SubParsersAction) -> None:
    from ..config import SCHEMA, SYSTEM_CONFIG_DIR

    p = sub.add_parser("setup", help=HELP, description=HELP)
    p.add_argument("--out", type=Path, metavar="FILE", default=SYSTEM_CONFIG_DIR / "mimicmirror.toml",
                   help="config file to write (default: %(default)s); its current values are the defaults")
    p.add_argument("--yes", "-y", action="store_true",
                   help="ask nothing: flags, then the current file, then the defaults; replace the file")
    for q in QUESTIONS:
        p.add_argument(q.flag, dest=f"{q.section}.{q.key}", metavar="VALUE",
                       help=f"{SCHEMA[q.section][q.key].doc}")
    p.set_defaults(func=run)


def parse(section: str, key: str, text: str, file: str) -> Any:
    """Typed text -> a checked value; a ConfigError line says what is allowed."""
    from ..config import SCHEMA, check_value

    kind = SCHEMA[section][key].type
    value: Any = text
    try:
        if kind is bool:
            if text.lower() not in TRUE_WORDS + FALSE_WORDS:
                raise ValueError(text)
            value = text.lower() in TRUE_WORDS
        elif kind in (int, float):
            value = kind(text)
    except ValueError:
        pass  # left as text: check_value names the value and what is allowed
    return check_value(section, key, value, file)


class Asker:
    """Asks on a text stream, again and again until the answer is allowed."""

    def __init__(self, read: Callable[[str], str] = input, write: Callable[[str], None] = print):
        self.read, self.write = read, write

    def answer(self, prompt: str) -> str:
        try:
            return self.read(prompt).strip()
        except EOFError:
            self.write("")
            raise UserError("set-up stopped before every question was answered; nothing was written") from None

    def ask(self, q: Question, current: Any, allowed: str, file: str,
            choices: Mapping[str, str] | None = None) -> Any:
        """`choices` narrows a free-text key to what exists (the programme file's programmes)."""
        shown = str(current).lower() if isinstance(current, bool) else current
        while True:
            text = self.answer(f"{q.prompt}\n  {allowed} [{shown}]: ")
            if not text:
                return current
            try:
                value = parse(q.section, q.key, text, file)
            except ConfigError as e:
                self.write(f"  Not allowed: {e.args[0].split(': ', 1)[1]}")
                continue
            if not choices or value in choices:
                return value
            self.write(f"  Not allowed: {value!r}: {allowed}")

    def confirm(self, prompt: str) -> bool:
        return self.answer(f"{prompt} [y/N]: ").lower() in TRUE_WORDS


def programmes(path: Path) -> dict[str, str]:
    """Programme name -> title from the programme file, or {} when it cannot be read."""
    from ..exercises.catalogue import load_catalogue

    try:
        return {name: p.title for name, p in load_catalogue(path).programmes.items()}
    except ConfigError:
        return {}


def starting_values(out: Path) -> dict[str, dict[str, Any]]:
    """The current file's settings when it is valid (so a re-run changes only what is asked), else defaults."""
    from ..config import read_toml, validate

    if out.exists():
        try:
            return validate(read_toml(out), str(out))
        except ConfigError as e:
            print(f"Note: the current {out} has a problem ({e}); starting from the defaults.")
    return validate({}, "<defaults>")


def run(args: argparse.Namespace, asker: Asker | None = None) -> int:
    from ..config import SCHEMA, programme_path_for
    from ..files import write_atomically
    from ..settings import checked_text

    asker = asker or Asker()
    out: Path = args.out
    file = str(out)
    answers = starting_values(out)
    given = {q: getattr(args, f"{q.section}.{q.key}") for q in QUESTIONS}
    for q, text in given.items():
        if text is not None:
            answers[q.section][q.key] = parse(q.section, q.key, text, q.flag)
    names = programmes(programme_path_for(out))
    if not args.yes:
        asker.write(f"Setting up Mimic Mirror; the answers go to {out}.\n"
                    "Press Enter to keep the value in [brackets].\n")
        for q in QUESTIONS:
            if given[q] is not None or not q.applies(answers):
                continue
            allowed, choices = SCHEMA[q.section][q.key].allowed(), None
            if (q.section, q.key) == ("user", "programme") and names:
                allowed, choices = "one of " + ", ".join(f"{n} ({t})" for n, t in names.items()), names
            answers[q.section][q.key] = asker.ask(q, answers[q.section][q.key], allowed, file, choices)
            asker.write("")
    text = checked_text(answers, out)
    if out.exists() and not args.yes and not asker.confirm(f"Replace {out}?"):
        print("Nothing was written.")
        return 1
    try:
        write_atomically(out, text)
    except PermissionError:
        raise UserError(f"{out}: permission denied; run with sudo, or write elsewhere with --out FILE") from None
    except OSError as e:
        raise UserError(f"{out}: cannot write the config ({e.strerror or e})") from None
    print(f"Wrote {out}. Check it any time with: mimicmirror config check {out}")
    return 0
