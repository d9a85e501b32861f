"""The sound edge: one small interface, and the speakers behind it side by side.

- `MixerSpeaker`: pygame-ce's mixer (SDL: ALSA on the Pi, a USB speaker or the
  screen's HDMI audio; SDL's `disk` driver writes what would be heard to a file).
- `SilentSpeaker`: sound switched off, or no audio device: plays nothing.
- `RecordingSpeaker`: plays nothing and keeps a timestamped history of what it
  was asked to play, for tests and the demo's summary.

All play on one channel: a new clip stops the one still sounding, because a
stale "hold it" over a fresh "let go" would tell a person with closed eyes
the wrong thing. Only the soft count ticks of a long hold sound over it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .chimes import RATE

log = logging.getLogger("mimicmirror.sound")

#: Sample frames per mixer buffer: about 11 ms at 48 kHz, the latency of a new clip.
BUFFER = 512
#: The device is opened in stereo (HDMI and most USB speakers are); clips are mono, on both sides.
CHANNELS = 2


@dataclass(frozen=True)
class Clip:
    """Something to play: a name for the log, int16 mono samples at RATE, and a volume 0..1."""

    name: str
    samples: np.ndarray
    volume: float = 1.0
    overlay: bool = False   # a soft count tick: sounds over the words instead of cutting them off

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


class Speaker(Protocol):
    """What the service needs from a speaker."""

    def play(self, clip: Clip) -> None:
        """Start `clip` now, stopping whatever is still playing (an overlay clip stops nothing)."""

    def close(self) -> None: ...


class SilentSpeaker:
    """Plays nothing (sound off, or no audio device)."""

    def play(self, clip: Clip) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Played:
    """One entry of a RecordingSpeaker's history."""

    t: float          # the clock's time when it was asked to play
    name: str
    seconds: float
    volume: float


@dataclass
class RecordingSpeaker:
    """Plays nothing; remembers every clip it was asked to play, with the clock's time."""

    clock: Any
    history: list[Played] = field(default_factory=list)

    def play(self, clip: Clip) -> None:
        self.history.append(Played(self.clock.monotonic(), clip.name, clip.seconds, clip.volume))

    def close(self) -> None:
        pass


class MixerSpeaker:
    """pygame-ce's mixer on SDL's audio driver (ALSA on the Pi, `disk` in tests)."""

    def __init__(self, driver: str | None = None) -> None:
        import pygame

        self._pygame = pygame
        before = os.environ.get("SDL_AUDIODRIVER")
        if driver:   # SDL reads the driver from the environment; only for this opening
            os.environ["SDL_AUDIODRIVER"] = driver
        if pygame.mixer.get_init():   # opened before (another driver): start afresh on the one asked for
            pygame.mixer.quit()
        try:
            # allowedchanges=0: SDL converts to whatever the device wants; we always hand it RATE stereo.
            pygame.mixer.init(frequency=RATE, size=-16, channels=CHANNELS, buffer=BUFFER, allowedchanges=0)
        finally:
            if driver and before is None:
                os.environ.pop("SDL_AUDIODRIVER", None)
            elif driver:
                os.environ["SDL_AUDIODRIVER"] = before
        pygame.mixer.set_num_channels(2)
        self._channel = pygame.mixer.Channel(0)
        self._overlay = pygame.mixer.Channel(1)

    def play(self, clip: Clip) -> None:
        mono = np.asarray(clip.samples, dtype=np.int16)
        sound = self._pygame.sndarray.make_sound(np.ascontiguousarray(np.column_stack([mono] * CHANNELS)))
        sound.set_volume(clip.volume)
        if clip.overlay:
            self._overlay.play(sound)
        else:
            self._channel.play(sound)   # replaces the clip still playing on the main channel

    def busy(self) -> bool:
        return bool(self._channel.get_busy())

    def close(self) -> None:
        if self._pygame.mixer.get_init():
            self._channel.stop()
            self._pygame.mixer.quit()


def open_mixer(driver: str | None = None) -> MixerSpeaker | None:
    """The mixer, or None (logged once) when no audio device will take it."""
    try:
        return MixerSpeaker(driver)
    except Exception as e:   # pygame.error, or SDL's own: no device is not a crash
        log.warning("no audio device (%s): the mirror stays silent", e)
        return None
