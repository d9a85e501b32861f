"""The chimes, made in code with numpy: no sound files to ship or lose.

Each chime is a few soft bell-like notes (a sine with a quiet octave, a short
raised-cosine attack and an exponential decay), quiet enough not to startle
someone with closed eyes. They differ in pitch and direction so they can be
told apart without looking: "move" rises, "release" falls, "hold" is one
warm note, "done" is three rising notes, "count" a very short soft tick.
The note frequencies are data (`NOTES`), so tests can find each chime in a
recording by its frequencies.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

#: The samples' rate: what HDMI and USB audio play natively (espeak-ng's 22050 Hz is converted once).
RATE = 48000

#: Per chime: its notes as (frequency in Hz, start in s, length in s, loudness 0..1).
NOTES = MappingProxyType({
    "move": ((523.25, 0.0, 0.35, 0.8), (659.25, 0.12, 0.45, 0.8)),     # C5 -> E5, rising
    "hold": ((880.0, 0.0, 0.6, 0.9),),                                  # A5, one warm note
    "count": ((1318.5, 0.0, 0.08, 0.35),),                              # E6, a soft tick
    "release": ((739.99, 0.0, 0.35, 0.8), (493.88, 0.14, 0.55, 0.8)),   # F#5 -> B4, falling
    "done": ((659.25, 0.0, 0.3, 0.7), (783.99, 0.12, 0.3, 0.7), (1046.5, 0.24, 0.6, 0.6)),  # E5 G5 C6
})

ATTACK_S = 0.012   # a click-free start
DECAY_PER_S = 6.0  # how quickly a note fades (e^-6 after one second)


def note(freq: float, seconds: float, loudness: float, rate: int = RATE) -> np.ndarray:
    """One soft bell note as float samples in -1..1."""
    t = np.arange(int(seconds * rate)) / rate
    tone = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(2 * np.pi * 2 * freq * t)
    envelope = np.exp(-DECAY_PER_S * t)
    attack = min(len(t), int(ATTACK_S * rate))
    envelope[:attack] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    release = min(len(t), int(0.03 * rate))   # the last 30 ms fade to zero: no click at the end
    envelope[len(t) - release:] *= np.linspace(1.0, 0.0, release)
    return loudness * tone * envelope / 1.25


def chime(name: str, rate: int = RATE) -> np.ndarray:
    """A chime as 16-bit mono samples, peaking at about half of full scale (soft)."""
    notes = NOTES[name]
    length = max(start + seconds for _, start, seconds, _ in notes)
    out = np.zeros(int(np.ceil(length * rate)) + 1)
    for freq, start, seconds, loudness in notes:
        samples = note(freq, seconds, loudness, rate)
        at = int(start * rate)
        out[at:at + len(samples)] += samples
    return (np.clip(out * 0.5, -1.0, 1.0) * 32767).astype(np.int16)
