"""Sound: chimes and speech a person with closed eyes can follow.

`open_sound` builds the announcer the service uses from the `[sound]`
settings: the real mixer (or silence when there is no audio device), the
speech cache for the user's language, and the chosen mode.
"""

from __future__ import annotations

from typing import Any, Mapping

from .announcer import MODES, Announcer, Said
from .chimes import RATE, chime
from .speakers import Clip, MixerSpeaker, Played, RecordingSpeaker, SilentSpeaker, Speaker, open_mixer
from .speech import Speech, cache_dir

__all__ = ["retune", "MODES", "RATE", "Announcer", "Clip", "MixerSpeaker", "Played", "RecordingSpeaker", "Said",
           "SilentSpeaker", "Speaker", "Speech", "cache_dir", "chime", "open_sound", "speech_for"]


def speech_for(section: Mapping[str, Any], language: str) -> Speech:
    """espeak-ng with the voice the settings give for `language`, caching in the cache directory."""
    return Speech(cache_dir(), section[f"voice_{language}"], section["words_per_minute"])


def open_sound(section: Mapping[str, Any], language: str, speaker: Speaker | None = None) -> Announcer:
    """The announcer for these settings; `speaker` replaces the mixer (the rig's or a test's)."""
    mode = section["mode"]
    threaded = speaker is None   # the device's own speaker: never let the loop wait for a clip
    if speaker is None:
        speaker = (open_mixer() if mode != "off" else None) or SilentSpeaker()
    speech = speech_for(section, language) if mode == "voice" else None
    return Announcer(speaker, mode, section["volume"], speech, threaded=threaded)


def retune(announcer: Announcer, section: Mapping[str, Any], language: str) -> None:
    """New sound settings or a new language, saved on the glass: the next clip follows them."""
    announcer.mode = section["mode"]
    announcer.volume = section["volume"]
    announcer.speech = speech_for(section, language) if section["mode"] == "voice" else None
