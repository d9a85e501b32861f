"""Speech from espeak-ng, rendered once per text into the cache directory.

espeak-ng (a Debian / Raspberry Pi OS package) needs no network and speaks
many languages. Starting it for every cue would make the first "Hold it
gently" late, so each text is rendered once to a WAV named by a hash of
everything that shapes the sound (text, voice, speed, espeak-ng's version)
and played from there; a restart finds the files and renders nothing.
Without espeak-ng the mirror logs that once and chimes only.

The files hold the samples as the mixer plays them (mono, RATE): espeak-ng
speaks at 22050 Hz, and converting at every cue cost 2-4 ms of CPU a clip
(in a session, more than the loop's own drawing of a cue). So a rendering is
converted once when it is made, and a file from before that is converted the
first time it is played.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from ..files import write_atomically
from .chimes import RATE

log = logging.getLogger("mimicmirror.sound")

EXECUTABLE = "espeak-ng"
#: A text that takes espeak-ng longer than this to render is left unspoken (chime only).
RENDER_TIMEOUT_S = 20.0


def cache_dir() -> Path:
    """Where rendered speech lives: systemd's CacheDirectory, else the user's cache."""
    env = os.environ.get("CACHE_DIRECTORY") or os.environ.get("MIMICMIRROR_CACHE_DIR")
    if env:
        return Path(env.split(":")[0]) / "speech"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mimicmirror" / "speech"


@dataclass(frozen=True)
class Prepared:
    """What `Speech.prepare` did: texts rendered now, found already rendered, and the time it took."""

    rendered: int
    cached: int
    failed: int
    seconds: float


class Speech:
    """Texts -> 16-bit mono samples at the mixer's rate, via a WAV cache."""

    def __init__(self, directory: Path, voice: str, words_per_minute: int = 140,
                 executable: str = EXECUTABLE) -> None:
        self.directory = Path(directory)
        self.voice = voice
        self.words_per_minute = words_per_minute
        self.executable = shutil.which(executable)
        self.version = self._version() if self.executable else ""
        self._warned = False

    @property
    def available(self) -> bool:
        return bool(self.executable)

    def _version(self) -> str:
        # No time-out: with one, subprocess polls in small sleeps, and this runs while the
        # service is built; printing a version does not hang.
        try:
            out = subprocess.run([self.executable, "--version"], capture_output=True, text=True)
        except OSError:
            return ""
        return out.stdout.strip()

    def path_for(self, text: str) -> Path:
        """The cache file for a text: the same text, voice and speed always find the same file."""
        key = "\0".join((self.version, self.voice, str(self.words_per_minute), text))
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.wav"

    def render(self, text: str) -> Path | None:
        """The WAV for `text`, rendering it first if it is not in the cache; None if it cannot be."""
        if not self.available:
            if not self._warned:
                log.warning("espeak-ng is not installed: the mirror chimes but does not speak "
                            "(apt install espeak-ng)")
                self._warned = True
            return None
        path = self.path_for(text)
        if path.exists():
            return path
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(path, wav_bytes(self._spoken(text)))
        except (OSError, subprocess.SubprocessError, wave.Error, EOFError) as e:
            detail = (getattr(e, "stderr", None) or b"").decode(errors="replace").strip()
            log.warning("cannot render speech for %r with voice %r: %s%s", text, self.voice,
                        type(e).__name__, f" ({detail})" if detail else "")
            return None
        return path

    def _spoken(self, text: str) -> np.ndarray:
        """espeak-ng's rendering of `text`, as the mixer plays it (converted once, here).

        espeak-ng writes to a file name; a scratch file in the cache folder takes
        it and is gone afterwards, whatever happened.
        """
        with tempfile.NamedTemporaryFile(dir=self.directory, suffix=".tmp") as scratch:
            subprocess.run([self.executable, "-v", self.voice, "-s", str(self.words_per_minute),
                            "-w", scratch.name, "--", text],
                           check=True, capture_output=True, timeout=RENDER_TIMEOUT_S)
            return read_wav(Path(scratch.name))

    def samples(self, text: str) -> np.ndarray | None:
        """The spoken text as int16 mono samples at RATE, or None when it cannot be spoken."""
        path = self.render(text)
        if path is None:
            return None
        try:
            samples, converted = _read_wav(path)
            if converted:                # rendered before files were kept as the mixer plays them
                _rewrite(path, samples)
            return samples
        except (OSError, wave.Error, EOFError) as e:
            log.warning("speech cache file %s unreadable (%s); rendering again", path, e)
            path.unlink(missing_ok=True)
            path = self.render(text)
            return read_wav(path) if path else None

    def prepare(self, texts: Iterable[str]) -> Prepared:
        """Render every text not yet in the cache (at start, so no cue waits for espeak-ng)."""
        start = time.perf_counter()
        rendered = cached = failed = 0
        for text in dict.fromkeys(t for t in texts if t.strip()):
            if self.available and self.path_for(text).exists():
                cached += 1
            elif self.render(text) is not None:
                rendered += 1
            else:
                failed += 1
        return Prepared(rendered, cached, failed, time.perf_counter() - start)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit WAV as int16 mono samples at RATE (channels mixed down, rate converted)."""
    return _read_wav(path)[0]


def _read_wav(path: Path) -> tuple[np.ndarray, bool]:
    """read_wav, and whether the file had to be converted."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise wave.Error(f"{path}: {8 * w.getsampwidth()}-bit samples, expected 16-bit")
        rate, channels = w.getframerate(), w.getnchannels()
        raw = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    if rate == RATE and channels == 1:
        return raw.astype(np.int16), False   # as it is played: nothing to convert
    data = raw.astype(np.float64)
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    if rate != RATE and len(data):
        n = int(round(len(data) * RATE / rate))
        data = np.interp(np.arange(n) * rate / RATE, np.arange(len(data)), data)
    return np.clip(data, -32768, 32767).astype(np.int16), True


def wav_bytes(samples: np.ndarray) -> bytes:
    """int16 mono samples at RATE as the bytes of a 16-bit WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return out.getvalue()


def _rewrite(path: Path, samples: np.ndarray) -> None:
    """Replace a cache file by its samples at RATE (a failure keeps the old one)."""
    try:
        write_atomically(path, wav_bytes(samples))
    except OSError as e:
        log.debug("speech cache file %s kept as it was (%s)", path, e)
