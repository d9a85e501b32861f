"""Listening to a recording: where each chime sounds in raw samples.

Used by the tests that record through SDL's `disk` audio driver: they judge
what a person would have heard from the samples themselves, not from any
list the mirror keeps about what it played. A chime is found by a matched
filter (normalised cross-correlation with the chime as made) and confirmed by
its spectrum: the strongest frequency where it starts must be its first note.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mimicmirror.sound.chimes import NOTES, RATE, chime
from mimicmirror.sound.speakers import CHANNELS

#: A match this close to the chime's own shape is the chime (speech and other chimes stay far below).
MATCH = 0.8
#: The part of a chime listened for: its start, which sounds before a newer clip can cut it off.
HEAD_S = 0.35


def read_raw(path: Path) -> np.ndarray:
    """SDL's disk driver output (the device's raw 16-bit stereo frames) as the left channel's samples."""
    data = np.frombuffer(Path(path).read_bytes(), dtype="<i2")
    return data[:len(data) // CHANNELS * CHANNELS].reshape(-1, CHANNELS)[:, 0].astype(np.float64)


def _correlate(signal: np.ndarray, template: np.ndarray) -> np.ndarray:
    n = len(signal) + len(template)
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(signal, size) * np.conj(np.fft.rfft(template, size)), size)
    corr = corr[:len(signal) - len(template) + 1]
    energy = np.convolve(signal ** 2, np.ones(len(template)), mode="valid")
    norm = np.sqrt(np.maximum(energy, 1e-9) * float(np.sum(template ** 2)))
    return corr / norm


def dominant_hz(samples: np.ndarray) -> float:
    """The strongest frequency in a stretch of samples (Hann-windowed spectrum)."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[int(np.argmax(spectrum))])


def find_chime(samples: np.ndarray, name: str) -> list[float]:
    """Start times (s from the recording's first sample) of every `name` chime in the samples."""
    template = chime(name).astype(np.float64)[:int(HEAD_S * RATE)]
    if len(samples) < len(template):
        return []
    score = _correlate(samples, template)
    found: list[float] = []
    i = 0
    while i < len(score):
        if score[i] >= MATCH:
            j = i + int(np.argmax(score[i:i + len(template)]))
            first_note = NOTES[name][0][0]
            window = samples[j:j + int(0.1 * RATE)]
            if abs(dominant_hz(window) - first_note) < 30:
                found.append(j / RATE)
            i = j + len(chime(name))   # one chime at a time: its own fading tail looks like it
        else:
            i += 1
    return found
