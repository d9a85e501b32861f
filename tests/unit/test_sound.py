"""The sound edge: chimes made in code, speech cached once, one channel, settings checked."""

from __future__ import annotations

import logging
import subprocess
import time
import wave

import numpy as np
import pytest

from listening import dominant_hz, find_chime, read_raw
from mimicmirror.config import problems, validate
from mimicmirror.heard import CHIMES, Heard
from mimicmirror.sound import (RATE, Announcer, MixerSpeaker, RecordingSpeaker, SilentSpeaker, Speech, chime,
                               open_sound)
from mimicmirror.sound.chimes import NOTES
from mimicmirror.clock import SimClock


def test_each_chime_is_soft_click_free_and_sounds_its_own_first_note():
    for name in CHIMES:
        samples = chime(name)
        assert samples.dtype == np.int16
        assert np.abs(samples).max() < 0.55 * 32767, f"{name} is too loud to be gentle"
        assert abs(int(samples[0])) < 200 and abs(int(samples[-1])) < 200, f"{name} starts or ends with a click"
        assert abs(dominant_hz(samples[:int(0.1 * RATE)].astype(float)) - NOTES[name][0][0]) < 30


def test_the_chimes_are_told_apart_by_listening():
    """Each chime is found in a recording of all of them, only where it is, and no other chime is found there."""
    gap = np.zeros(RATE // 2, dtype=np.int16)
    parts, starts = [gap], {}
    for name in CHIMES:
        starts[name] = sum(len(p) for p in parts) / RATE
        parts += [chime(name), gap]
    recording = np.concatenate(parts).astype(float) * 0.6
    for name in CHIMES:
        found = find_chime(recording, name)
        assert len(found) == 1 and abs(found[0] - starts[name]) < 0.005, (name, found, starts[name])


def test_voice_mode_plays_the_chime_then_the_words_as_one_clip(tmp_path):
    clock = SimClock(start=5.0)
    speaker = RecordingSpeaker(clock)
    announcer = Announcer(speaker, "voice", 0.5, Speech(tmp_path, "en-gb"))
    announcer.hear((Heard("hold", "hold", "Hold it gently"),), 5.0)
    [played] = speaker.history
    assert played.t == 5.0 and played.name == "hold" and played.volume == 0.5
    assert played.seconds > len(chime("hold")) / RATE + 0.3     # the words follow the chime
    assert [(s.cue, s.chime, s.text) for s in announcer.log] == [("hold", "hold", "Hold it gently")]


def test_chimes_mode_says_nothing_and_off_plays_nothing(tmp_path):
    clock = SimClock()
    chimes, off = RecordingSpeaker(clock), RecordingSpeaker(clock)
    a = Announcer(chimes, "chimes", 0.5, Speech(tmp_path, "en-gb"))
    a.hear((Heard("hold", "hold", "Hold it gently"), Heard("screen", None, "Relax your face")), 1.0)
    assert [p.seconds for p in chimes.history] == [pytest.approx(len(chime("hold")) / RATE)]
    assert [(s.cue, s.text) for s in a.log] == [("hold", "")]
    b = Announcer(off, "off", 0.5, Speech(tmp_path, "en-gb"))
    b.hear((Heard("hold", "hold", "Hold it gently"),), 1.0)
    assert off.history == [] and b.log == []


def test_each_text_is_rendered_once_and_found_again_by_the_next_start(tmp_path):
    texts = ["Hold it gently", "Now let go slowly", "Hold it gently"]
    first = Speech(tmp_path, "en-gb").prepare(texts)
    assert (first.rendered, first.cached) == (2, 0)
    files = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.wav")}
    assert len(files) == 2
    again = Speech(tmp_path, "en-gb").prepare(texts)
    assert (again.rendered, again.cached) == (0, 2)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.wav")} == files
    other_voice = Speech(tmp_path, "de")
    assert other_voice.path_for("Hold it gently") != Speech(tmp_path, "en-gb").path_for("Hold it gently")


def test_speech_is_kept_as_the_mixer_plays_it_and_an_older_file_is_converted_once(tmp_path):
    speech = Speech(tmp_path, "en-gb")
    path = speech.render("Hold it gently")
    with wave.open(str(path)) as w:                 # rendered at espeak-ng's rate, kept at the mixer's
        assert (w.getframerate(), w.getnchannels()) == (RATE, 1)
    said = speech.samples("Hold it gently")
    # a file kept by an older version: espeak-ng's own 22050 Hz, as it rendered it
    subprocess.run([speech.executable, "-v", "en-gb", "-s", str(speech.words_per_minute), "-w", str(path),
                    "--", "Hold it gently"], check=True, capture_output=True)
    with wave.open(str(path)) as w:
        assert w.getframerate() == 22050
    first = speech.samples("Hold it gently")
    with wave.open(str(path)) as w:                 # converted the first time it was played
        assert (w.getframerate(), w.getnchannels()) == (RATE, 1)
    converted = path.stat().st_ino, path.stat().st_mtime_ns
    assert np.array_equal(speech.samples("Hold it gently"), first)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == converted     # and not again
    assert np.array_equal(first, said)             # the same sound either way


@pytest.mark.parametrize("executable", ["false", "true"], ids=["fails", "writes-nothing"])
def test_a_text_that_cannot_be_rendered_is_left_unspoken_and_leaves_nothing_in_the_cache(tmp_path, caplog,
                                                                                           executable):
    """espeak-ng exits 0 even when it could not write its file ("true" here), so an empty
    rendering must be caught as well as a failing one; no temporary file stays behind."""
    speech = Speech(tmp_path, "en-gb", executable=executable)
    with caplog.at_level(logging.WARNING, logger="mimicmirror.sound"):
        assert speech.samples("Hold it gently") is None
    assert "cannot render speech for 'Hold it gently'" in caplog.text
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_cache_file_is_rendered_again(tmp_path, caplog):
    speech = Speech(tmp_path, "en-gb")
    said = speech.samples("Hold it gently")
    path = speech.path_for("Hold it gently")
    path.write_bytes(b"half a word")                 # a file damaged outside the mirror
    with caplog.at_level(logging.WARNING, logger="mimicmirror.sound"):
        again = speech.samples("Hold it gently")
    assert f"speech cache file {path} unreadable" in caplog.text
    assert np.array_equal(again, said)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_without_espeak_ng_the_mirror_says_so_once_and_chimes(tmp_path, caplog):
    speech = Speech(tmp_path, "en-gb", executable="no-such-espeak-ng")
    speaker = RecordingSpeaker(SimClock())
    announcer = Announcer(speaker, "voice", 0.5, speech)
    with caplog.at_level(logging.WARNING, logger="mimicmirror.sound"):
        for _ in range(3):
            announcer.hear((Heard("hold", "hold", "Hold it gently"),), 1.0)
    assert [r.getMessage() for r in caplog.records if "espeak-ng" in r.getMessage()] == [
        "espeak-ng is not installed: the mirror chimes but does not speak (apt install espeak-ng)"]
    assert len(speaker.history) == 3 and all(s.text == "" for s in announcer.log)


def test_a_new_clip_cuts_off_the_one_still_playing(tmp_path, monkeypatch):
    """Through the real mixer on SDL's disk driver: a long 'hold' is cut short by 'release'."""
    out = tmp_path / "heard.raw"
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(out))
    speaker = MixerSpeaker(driver="disk")
    try:
        from mimicmirror.sound import Clip
        long_hold = np.concatenate([chime("hold")] * 6)       # 3.6 s of hold chimes
        speaker.play(Clip("hold", long_hold))
        time.sleep(1.0)
        speaker.play(Clip("release", chime("release")))
        time.sleep(1.2)
    finally:
        speaker.close()
    samples = read_raw(out)
    holds, [release] = find_chime(samples, "hold"), find_chime(samples, "release")
    assert holds and all(h < release for h in holds)     # no hold sounds after the release began
    assert len(holds) < 6


def test_sound_settings_are_checked_like_the_rest():
    assert validate({})["sound"]["mode"] == "voice"
    assert problems({"sound": {"mode": "loud", "volume": 2}}, "m.toml") == [
        "m.toml: [sound] mode = 'loud': must be one of 'voice', 'chimes', 'off'",
        "m.toml: [sound] volume = 2: must be a number from 0 to 1"]


def test_sound_off_opens_no_audio_device():
    announcer = open_sound(validate({"sound": {"mode": "off"}})["sound"], "en")
    assert isinstance(announcer.speaker, SilentSpeaker)
