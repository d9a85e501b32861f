"""What the loop does for the caregiver: save the settings chosen on the glass, show the USB stick's news.

Mixed into `Service`. Settings saved from the settings menu are written as the
same checked, commented file `mimicmirror setup` writes, and the engine gets
them at once. The USB stick unit (its own hardened systemd unit) leaves notes in a
mailbox folder; between sessions the loop looks for a new one about once a
second (one small file) and shows it as a calm notice. The stick unit waits for a
session to end, so the mirror says when a session is running (`set_busy`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Mapping

from ..errors import UserError
from ..screen import Screen, ScreenKind

if TYPE_CHECKING:
    from pathlib import Path

    from ..clock import Clock
    from ..config import Config
    from ..edges import Display, Sound
    from ..exercises.engine import Engine
    from ..reflection.calibration import Calibrating
    from .notices import Notices

log = logging.getLogger("mimicmirror")

#: How long a USB stick's finished outcome stays on the glass. What the service's notices say
#: is in the language catalogue ([notices], [stick] in texts/<language>.toml).
STICK_NOTICE_S = 20.0
#: A "writing, leave it in" note stays until the next note, or at most this long (the stick unit's time-out).
STICK_WORKING_S = 20 * 60.0
#: How often the stick unit's note is looked for.
STICK_CHECK_S = 1.0
#: How long "not saved" (the settings chosen on the glass could not be written) stays.
NOT_SAVED_S = 20.0
#: How long the notice that the service starts on its last good (or standard) settings stays.
SETTINGS_NOTICE_S = 60.0
#: How long what lining the bars up with the reflection says when it ends stays.
LINE_UP_NOTICE_S = 5.0


class Caregiving:
    """Settings from the glass and notes from the stick unit (see the module docstring)."""

    config: Config
    engine: Engine
    clock: Clock
    settings_path: Path | None
    mailbox: Any
    display: Display
    sound: Sound | None
    #: puts the bars beside the reflection (reflection.follow.Placer), None when they stay at the edges
    placer: Any
    _in_session: bool
    _affected: str
    notices: Notices
    _next_mail_check: float
    #: the rings on the glass while the bars are lined up with the reflection, else None
    _lining_up: Calibrating | None = None

    if TYPE_CHECKING:
        def _refresh_history(self) -> None: ...

    @property
    def shown(self) -> Screen:
        """What is on the glass now: a notice of the service's own, lining up, or the engine's screen."""
        if self.notices.current is not None:
            return self.notices.current
        lining_up = self._lining_up
        return lining_up.screen() if lining_up is not None else self.engine.screen

    # -- lining the bars up with the reflection (asked for on the settings menu) -------------------

    def _start_line_up(self) -> None:
        """The rings on the glass; the loop's presses go to them until NEXT saves or a long NEXT cancels."""
        from ..reflection.calibration import Calibrating

        placer = self.placer
        if placer is None or placer.mounting is None:
            return
        self._lining_up = Calibrating(placer.mounting, self.engine.language.line_up)

    def _line_up_sees(self, analysis: Any, t: float) -> None:
        if self._lining_up is not None:
            self._lining_up.look(self.placer, analysis.face, t)

    def _line_up_presses(self, presses: list[Any]) -> list[Any]:
        """While lining up, NEXT saves, REPEAT puts the rings again, a long NEXT cancels."""
        from ..reflection.follow import calibration_path, mounting_from

        lining_up = self._lining_up
        if lining_up is None:
            return presses
        path = calibration_path(self.config)
        for press in presses:
            answer = lining_up.press(press.button, press.long, path)
            if answer.problem is not None:
                log.warning("bars not lined up: %s", answer.problem)
            if not answer.over:
                continue
            self._lining_up = None
            if answer.saved is None:
                self.notices.show(self.notices.said("line_up_cancelled"), LINE_UP_NOTICE_S)
                break
            offset = answer.saved
            log.info("bars lined up with the reflection: %s (%s)", offset.describe(), path)
            self.placer.mounting = mounting_from(self.config, (offset.right_mm, offset.up_mm))
            self.placer.forget_rest()
            self.notices.show(self.notices.said("lined_up_title", "lined_up_line"), LINE_UP_NOTICE_S)
            break
        return []

    def add_settings_notice(self, settings: Any) -> None:
        """The service runs on its last good (or standard) settings: say so on the glass (lastgood.py)."""
        lines = settings.glass_lines(self.engine.language.notices)
        if lines:
            self.notices.add(self.engine.language.notices["settings_title"], lines, SETTINGS_NOTICE_S)

    def _save_settings(self, sections: Mapping[str, Mapping[str, Any]]) -> None:
        """Settings chosen on the glass: the file `setup` writes, then used at once."""
        from ..settings import save

        path = self.settings_path or self.config.path
        try:
            if path is None:
                raise UserError("no settings file to save to")
            save(sections, path)
        except (UserError, OSError, RuntimeError) as e:
            log.error("settings not saved: %s", e)
            self.notices.show(self.notices.said("not_saved_title", "not_saved_lines"), NOT_SAVED_S)
            return
        log.info("settings saved to %s", path)
        self._use_settings(path)

    def _use_settings(self, path: Path | None) -> None:
        """Read the settings file again and give the engine its new settings (never during a session)."""
        from ..config import load
        from ..exercises.catalogue import load_programme

        if path is None:
            return
        try:
            config = load(path)
            programme = load_programme(config.programme_path, config["user"]["programme"],
                                       config["user"]["language"])
        except UserError as e:
            log.error("new settings not used: %s", e)
            return
        self.config = config
        self._affected = config["user"]["affected_side"]
        self.engine.reconfigure(programme, config)
        if getattr(self.display, "theme", None) is not None and programme.language is not None:
            self.display.theme = self.display.theme.in_language(programme.language.display)
        if self.sound is not None:
            from ..sound import retune
            retune(self.sound, config["sound"], config["user"]["language"])
        self._refresh_history()

    def _session_running(self, running: bool) -> None:
        if self.mailbox is not None:
            self.mailbox.set_busy(running)

    def _check_mailbox(self) -> None:
        """Show what the USB stick unit says (between sessions only: it waits for one to end)."""
        now = self.clock.monotonic()
        if self.mailbox is None or self._in_session or now < self._next_mail_check:
            return
        self._next_mail_check = now + STICK_CHECK_S
        note = self.mailbox.news()
        if note is None:
            return
        log.info("USB stick: %s", " ".join(note.lines))
        if note.settings_changed:   # first, so the note is worded in a language the stick just chose
            self._use_settings(self.settings_path or self.config.path)
        said = self.engine.language
        screen = Screen(kind=ScreenKind.NOTICE, title=said.stick["title"], lines=note.said(said),
                        footer=said.notices["continue"] if note.final else "")
        self.notices.show(screen, STICK_NOTICE_S if note.final else STICK_WORKING_S)
