"""The virtual rig: one scenario run end to end on the virtual hardware.

A virtual person (a real public-domain face, warped into the scenario's
exercises) stands at the mirror of `hardware.VirtualHardware`, reads what the
screen says, moves, presses the buttons and works the settings menu; the rig
keeps every record, a PNG of every new screen and of the scenario's named
checkpoints, where the bars were drawn, what was heard and what systemd
heard, adds the scenario's camera faults as they come due, and plugs in a USB
stick when the scenario asks.

- Sound: the real announcer (chimes, speech from the cache) on a recording
  speaker that keeps what it was asked to play; or, with `audio`, on
  pygame-ce's real mixer through SDL's `disk` driver, which writes every
  sample a person would have heard to a file.
- Time: a simulated clock that the camera moves on frame by frame, so a
  ten-minute session runs in a couple of minutes with identical results.
  With `audio` the clock may not run ahead of the sound card: SDL's disk
  driver plays in real time, so the session does too, and a sound the
  engine decided at time t is found in the file where the file was at t.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import SimClock
from ..config import Config, defaults, validate
from ..records import Record, SessionEnded
from ..screen import Screen, ScreenKind
from ..settings import save
from ..sound.speakers import CHANNELS
from ..stick.mailbox import Mailbox
from .hardware import RIG_START, WATCHDOG_USEC, VirtualHardware
from .person import VirtualPerson
from .scenario import Scenario
from .stick import fresh_stick, plug_in
from .truth import true_symmetries

if TYPE_CHECKING:
    from .pipelined import Recording

__all__ = ["RIG_START", "WATCHDOG_USEC", "AudioPacedClock", "Rig", "RigResult", "rig_config"]

#: The rig marks the folders it writes, so it never wipes a database it did not make.
MARKER = ".mimicmirror-rig"


@dataclass
class RigResult:
    scenario: Scenario
    out_dir: Path
    db_path: Path
    records: list[Record] = field(default_factory=list)
    screens: list[tuple[float, Screen]] = field(default_factory=list)   # each new screen, with its time
    screenshots: list[Path] = field(default_factory=list)
    checkpoints: dict[str, Path] = field(default_factory=dict)           # named screenshots
    notifications: list[tuple[float, str]] = field(default_factory=list)  # (time, "READY=1"...)
    exit_status: int = 0
    seconds: float = 0.0   # simulated seconds the run lasted
    settings_path: Path | None = None   # where the settings menu saves (a fresh device's settings)
    stick_image: Path | None = None     # the FAT image plugged in as a USB stick, once it was
    stick_outcomes: list[Any] = field(default_factory=list)
    placements: list[tuple[float, str, Any]] = field(default_factory=list)  # (time, exercise, Placement) drawn
    placed: Any = None     # where the person stood (`stand.Placed`), when the scenario says
    sound_log: list = field(default_factory=list)    # what was played, with the engine's time (sound.Said)
    heard_screens: list[tuple[float, Screen]] = field(default_factory=list)  # the screen of each step that spoke
    played: list = field(default_factory=list)       # the recording speaker's history (sound.Played)
    audio: Path | None = None                        # SDL's disk driver output: raw 16-bit stereo frames
    audio_anchor: tuple[float, float] | None = None  # (clock time, seconds into the audio file) at one moment
    #: with audio: each step that asked to be heard, as (the speaker's present on the clock when the
    #: engine's step came out, the engine's time of the step, the chimes asked for)
    decided: list[tuple[float, float, tuple[str, ...]]] = field(default_factory=list)
    # exercise -> (symmetry, weaker side) of what the warp truly moved (see `truth`)
    truths: dict[str, tuple[float | None, str | None]] = field(default_factory=dict)
    #: with `record`: every camera frame and press, to replay through the threaded service (`pipelined`)
    recording: Recording | None = None


class AudioPacedClock(SimClock):
    """A simulated clock locked to the sound card's file, as a real clock is to a real speaker.

    SDL's disk driver writes samples at the pace a real device plays them.
    At the first move of the clock, its time and the file's length are taken
    as one moment (`anchor`). After that, moving the clock to t waits until
    the file holds the sound up to t; and a loop that fell behind finds the
    clock at the file's present instead (the camera's frames in between are
    missed, as a busy Pi misses them). So sim time is the speaker's time.
    """

    def __init__(self, audio: Path, start: float, rate: int) -> None:
        super().__init__(start=start)
        self.audio = audio
        self.bytes_per_s = 2 * CHANNELS * rate
        self.anchor: tuple[float, float] | None = None

    def _paced(self, t: float) -> float:
        """The time to move to: `t` once the file has reached it, or the file's present if later."""
        if self.anchor is None:
            self.anchor = (self.monotonic(), self._file_seconds())
            return t
        want = self.anchor[1] + (t - self.anchor[0])
        while (now := self._file_seconds()) < want:
            time.sleep(0.002)
        return max(t, self.anchor[0] + (now - self.anchor[1]))

    def present(self) -> float:
        """The speaker's present on this clock: the sound written so far, read now.

        The clock itself only moves when it is moved (at the loop's waits); the
        speaker plays on while the loop works, so a moment inside a pass (an
        engine step handed to the sound edge) is read here, not from `monotonic`.
        """
        if self.anchor is None:
            return self.monotonic()
        return max(self.monotonic(), self.anchor[0] + (self._file_seconds() - self.anchor[1]))

    def _file_seconds(self) -> float:
        try:
            return self.audio.stat().st_size / self.bytes_per_s
        except FileNotFoundError:
            return 0.0

    def advance(self, seconds: float) -> float:
        return super().advance_to(self._paced(self.monotonic() + max(0.0, seconds)))

    def advance_to(self, t: float) -> float:
        return super().advance_to(self._paced(max(self.monotonic(), float(t))))


def rig_config(scenario: Scenario, out_dir: Path, *, driver: str = "dummy",
               base: Config | None = None) -> Config:
    """The device config the rig runs: the scenario's person and programme, fake hardware."""
    sections = {s: dict(v) for s, v in (base or defaults()).sections.items()}
    sections["user"].update(affected_side=scenario.affected_side, programme=scenario.programme)
    sections["camera"].update(source="picamera", fps=scenario.fps, width=640, height=480)
    sections["buttons"].update(backend="gpio")
    sections["display"].update(driver=driver, fps=60, show_camera=False)   # screenshots never hold a face
    sections["store"].update(path=str((out_dir / "mimicmirror.db").resolve()))
    # a photo that fills the camera's view stands nowhere in particular: bars beside the reflection
    # only for a person the scenario puts at a known place before the glass
    if scenario.person.distance_mm <= 0:
        sections["mirror"].update(place_cues=False)
    checked = validate(sections, "<rig>")
    programme_path = base.programme_path if base else defaults().programme_path
    return Config({k: v for k, v in checked.items()}, None, programme_path)


class Rig:
    """Runs one scenario end to end through `mimicmirror.service`, on `VirtualHardware`."""

    def __init__(self, scenario: Scenario, out_dir: Path, *, driver: str = "dummy",
                 base_config: Config | None = None, screenshots: bool = True, audio: Path | None = None,
                 record: bool = False):
        self.scenario = scenario
        self.out_dir = Path(out_dir)
        self.driver = driver
        self.take_screenshots = screenshots
        self.audio = Path(audio) if audio is not None else None
        self.record = record
        self.config = rig_config(scenario, self.out_dir, driver=driver, base=base_config)

    def run(self) -> RigResult:
        from ..camera.fake_picamera2 import Fault
        from ..exercises.catalogue import load_programme
        from ..sound import RATE, MixerSpeaker, RecordingSpeaker, open_sound
        from .faces import load_face
        from .warp import ExerciseWarper

        self._claim_out_dir()
        shots = self.out_dir / "screens"
        if self.take_screenshots:
            shutil.rmtree(shots, ignore_errors=True)
            shots.mkdir()
        db_path = Path(self.config["store"]["path"])
        for stale in db_path.parent.glob(db_path.name + "*"):
            stale.unlink()
        result = RigResult(self.scenario, self.out_dir, db_path)

        if self.audio is not None:
            self.audio.unlink(missing_ok=True)
            os.environ["SDL_DISKAUDIOFILE"] = str(self.audio)
            clock: SimClock = AudioPacedClock(self.audio, RIG_START, RATE)
            speaker = MixerSpeaker(driver="disk")
        else:
            clock = SimClock(start=RIG_START)
            speaker = RecordingSpeaker(clock)
        sound = open_sound(self.config["sound"], self.config["user"]["language"], speaker=speaker)
        programme = load_programme(self.config.programme_path, self.scenario.programme,
                                   self.config["user"]["language"])
        warper = ExerciseWarper(load_face(self.scenario.face))
        result.truths = dict(true_symmetries(warper, self.scenario, programme))
        person = VirtualPerson(self.scenario, warper, RIG_START,
                               cues=dict(programme.cues), menu_wants=menu_wants(self.scenario, self.config),
                               menu_words=programme.language.menu if programme.language is not None else None)
        settings_path = self.out_dir / "etc" / "mimicmirror.toml"
        result.settings_path = settings_path
        shutil.rmtree(settings_path.parent, ignore_errors=True)   # a fresh device has no settings yet
        settings_path.parent.mkdir()
        if self.config.programme_path != defaults().programme_path:   # the settings sit beside their programme
            shutil.copy(self.config.programme_path, settings_path.parent / "exercises.toml")
        mailbox = Mailbox(self.out_dir / "stick-mailbox")
        shutil.rmtree(mailbox.folder, ignore_errors=True)
        mailbox = Mailbox(mailbox.folder)
        cam = self.config["camera"]
        if self.scenario.person.distance_mm > 0:
            result.placed = self._stand(person, (cam["width"], cam["height"]))
        if not self.scenario.fresh_device:
            save(self.config.sections, settings_path)
        hw = VirtualHardware(self.config, person.frame_at, clock=clock, first_start=self.scenario.fresh_device,
                             settings_path=settings_path, mailbox=mailbox, sound=sound)
        hw.fingers.sources.append(person.take_presses)
        service, display, world = hw.service, hw.display, hw.world
        if self.record:
            from .pipelined import Recording

            result.recording = recording = Recording(self.config["camera"]["fps"])
            hw.camera.source = recording.keep(hw.camera.source)
            hw.fingers.events = recording.keep_presses(hw.fingers.events,    # type: ignore[method-assign]
                                                       lambda: service.camera.taken)
        sound.prepare(service.engine.spoken_texts())   # in the background, as on the device
        if isinstance(clock, AudioPacedClock):
            hear = sound.hear

            def timed_hear(items: Any, t: float) -> None:
                """The moment the engine's step is handed on, on the speaker's clock (what is heard
                is found in the recorded samples, not here)."""
                result.decided.append((clock.present(), t, tuple(i.chime for i in items if i.chime)))
                hear(items, t)

            sound.hear = timed_hear              # type: ignore[method-assign]
        last_key: list[Any] = [None]

        ended = [False]   # the session has ended (set once, from the records as they come)
        idle_since: list[float | None] = [None]
        stick_shown: list[float | None] = [None]

        def stick_visit(shown: Screen, now: float) -> None:
            visit = self.scenario.stick
            if visit is None or result.stick_image is not None or not ended[0]:
                return
            if shown.kind != ScreenKind.IDLE:
                idle_since[0] = None
                return
            if idle_since[0] is None:
                idle_since[0] = now
            if now - idle_since[0] >= visit.after_session:
                result.stick_image = fresh_stick(self.out_dir / "stick.img", visit.kib)
                result.stick_outcomes = plug_in(result.stick_image, settings_path, mailbox,
                                                datetime.fromtimestamp(clock.wall()).date())

        def on_step(step: Any, t: float) -> None:
            result.records.extend(step.records)
            if step.heard:
                result.heard_screens.append((t, step.screen))
            ended[0] = ended[0] or any(isinstance(r, SessionEnded) for r in step.records)
            shown = service.shown
            key = (shown.kind, shown.exercise_id, shown.title, shown.phase, shown.cue, shown.warning, shown.choice,
                   shown.lines if shown.kind == ScreenKind.NOTICE else ())
            if shown.title == service.engine.language.stick["title"] and shown.footer and stick_shown[0] is None:
                stick_shown[0] = clock.monotonic()
            stick_visit(shown, clock.monotonic())
            if key != last_key[0]:
                last_key[0] = key
                result.screens.append((clock.monotonic(), shown))
                if self.take_screenshots:
                    path = shots / f"{len(result.screenshots):04d}-{_slug(shown)}.png"
                    display.screenshot(path)
                    result.screenshots.append(path)
            for name in person.take_checkpoints(clock.monotonic()):
                path = self.out_dir / f"checkpoint-{name}.png"
                display.screenshot(path)
                result.checkpoints[name] = path
                if result.placed is not None:
                    _as_seen(path, result.placed, person.warper.neutral)
            drawn = display.shown
            if drawn is not None and drawn.placement is not None:
                result.placements.append((clock.monotonic(), drawn.exercise_id, drawn.placement))
            person.see(shown, clock.monotonic())
            for kind, start, seconds in person.take_faults():
                world.faults = world.faults + (Fault(kind, start, seconds),)
            hw.notify.drain()

        def until(screen: Screen) -> bool:
            done = ended[0] and person.gone and screen.kind == ScreenKind.IDLE
            if self.scenario.stick is not None:   # and the stick's outcome has been on the glass a while
                done = stick_shown[0] is not None and clock.monotonic() - stick_shown[0] >= 2.0
            return done or clock.monotonic() - RIG_START > self.scenario.max_seconds

        service.on_step = on_step
        try:
            result.exit_status = hw.run(until=until)
        finally:
            hw.close()
            sound.close()
        result.notifications = list(hw.notify.messages)
        result.seconds = clock.monotonic() - RIG_START
        result.sound_log = list(sound.log)
        result.played = list(getattr(speaker, "history", []))
        if self.audio is not None:
            result.audio, result.audio_anchor = self.audio, clock.anchor
        return result


    def _stand(self, person: VirtualPerson, frame_px: tuple[int, int]) -> Any:
        """Put the person at the scenario's place before the glass, as the configured camera sees it."""
        from ..reflection.follow import mounting_from
        from .stand import Placed, Stand

        p = self.scenario.person
        stand = Stand(p.distance_mm, p.below_camera_mm, p.right_of_camera_mm)
        placed = Placed(stand, mounting_from(self.config), person.warper.landmarks, frame_px)
        person.stand_at(placed)
        return placed

    def _claim_out_dir(self) -> None:
        """Use the output folder only if it is new, empty, or one the rig wrote before."""
        from ..errors import UserError

        out = self.out_dir
        if out.exists() and not out.is_dir():
            raise UserError(f"{out}: is a file, not a folder for the demo's output")
        if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
            raise UserError(f"{out}: not empty and not a demo output folder; choose another --out")
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text("Written by the Mimic Mirror virtual rig; safe to delete.\n")


def menu_wants(scenario: Scenario, config: Config) -> dict[str, str]:
    """The scenario's [setup] as the person reads it: a setting's screen title -> the wanted choice."""
    from ..exercises.catalogue import load_catalogue
    from ..exercises.settings_menu import CHOICE_KEYS, language_name
    from ..language import LANGUAGES, language, texts_dir_for

    said = language(config["user"]["language"], texts_dir_for(config.programme_path))   # the menu's language
    titles = {name: p.title for name, p in load_catalogue(config.programme_path, said.code).programmes.items()}
    words = {key: {value: said.menu[k] for value, k in keys.items()} for key, keys in CHOICE_KEYS.items()}
    words.update(programme=titles, language={code: language_name(code, said) for code in LANGUAGES})
    return {said.menu[key]: words.get(key, {}).get(value, value) for key, value in scenario.setup.items()}


def _as_seen(screenshot: Path, placed: Any, photo: Any) -> Path:
    """Beside a checkpoint's screenshot, the same glass with the virtual person's reflection under it.

    The reflection is the scenario's photo (a public-domain face), never a camera frame.
    """
    import cv2

    screen = cv2.cvtColor(cv2.imread(str(screenshot)), cv2.COLOR_BGR2RGB)
    path = screenshot.with_name(screenshot.stem + "-as-seen.png")
    cv2.imwrite(str(path), cv2.cvtColor(placed.as_seen(photo, screen), cv2.COLOR_RGB2BGR))
    return path


def _slug(screen: Screen) -> str:
    words = "-".join(w for w in (screen.kind.value, screen.exercise_id,
                                 screen.phase.value if screen.phase else "") if w)
    return re.sub(r"[^a-z0-9_-]+", "", words.lower())[:60]
