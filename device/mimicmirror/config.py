"""Device configuration: TOML -> validated, frozen settings.

The schema is data (`SCHEMA`): every key with its type, default, allowed
values and a line of documentation, checked by the one mechanism in
`schema.py`. Each mistake is one line naming the file, the key, the value and
what is allowed, so a caregiver can fix it over SSH; a new setting is one line.
The therapist's settings (exercises, programmes, thresholds) live in the
programme file, `exercises.toml`, not here.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .errors import ConfigError
from .schema import Field, Problems

# The defaults ship inside the package, so an installed wheel has them too; the
# project's config/ folder is a link to this one (one copy only).
DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
SYSTEM_CONFIG_DIR = Path("/etc/mimicmirror")
#: The languages with a catalogue of words (texts/<code>.toml, see language.py).
LANGUAGES: tuple[str, ...] = tuple(sorted(p.stem for p in (DEFAULTS_DIR / "texts").glob("*.toml")))
#: Where the installed service keeps its state (systemd StateDirectory=mimicmirror).
SERVICE_STATE_DIR = Path("/var/lib/mimicmirror")


#: A setting: type, default, allowed values or range, and why it exists (one line per key).
Key = Field


SCHEMA: Mapping[str, Mapping[str, Key]] = {
    "user": {
        "affected_side": Key(str, "left", "the side of the face with the palsy (the user's own side)",
                             choices=("left", "right")),
        "programme": Key(str, "standard", "which programme of exercises.toml to run"),
        "daily_sessions": Key(int, 3, "sessions a day to aim for", min=1, max=6),
        "language": Key(str, "en", "language of everything the mirror shows and says", choices=LANGUAGES),
        "name": Key(str, "", "first name for the greeting (optional)"),
    },
    "session": {
        "max_minutes": Key(float, 10.0, "a session ends itself after this long", min=2, max=30),
        "neutral_seconds": Key(float, 2.0, "how long the relaxed face must be still", min=1, max=10),
        "no_face_pause_seconds": Key(float, 30.0, "pause after this long without a face", min=5, max=600),
    },
    "camera": {
        "source": Key(str, "picamera", "where frames come from",
                      choices=("picamera", "webcam", "replay")),
        "width": Key(int, 640, "capture width in pixels", min=160, max=1920),
        "height": Key(int, 480, "capture height in pixels", min=120, max=1080),
        "fps": Key(int, 15, "frames per second", min=1, max=60),
        "device": Key(int, 0, "webcam index (webcam source)", min=0, max=16),
        "path": Key(str, "", "video file or image folder (replay source)"),
        "timeout_seconds": Key(float, 2.0, "a frame later than this counts as a camera fault",
                               min=0.2, max=30),
    },
    "buttons": {
        "backend": Key(str, "gpio", "physical buttons, keyboard keys, or none",
                       choices=("gpio", "keyboard", "none")),
        "next_pin": Key(int, 17, "BCM pin of the NEXT button (to ground)", min=2, max=27),
        "repeat_pin": Key(int, 27, "BCM pin of the REPEAT button (to ground)", min=2, max=27),
        "long_press_seconds": Key(float, 1.5, "holding NEXT this long pauses/ends", min=0.5, max=5),
        "debounce_seconds": Key(float, 0.05, "presses closer than this are one press", min=0.0, max=0.5),
    },
    "display": {
        "driver": Key(str, "kmsdrm", "SDL video driver: kmsdrm on the Pi, window on a desktop, dummy headless",
                      choices=("kmsdrm", "window", "dummy")),
        "width": Key(int, 1080, "screen width in pixels (before rotation)", min=320, max=3840),
        "height": Key(int, 1920, "screen height in pixels (before rotation)", min=240, max=3840),
        "rotation": Key(int, 0, "rotate the drawing for a portrait-mounted screen",
                        choices=(0, 90, 180, 270)),
        "fps": Key(int, 15, "drawing frame-rate cap", min=1, max=60),
        "show_camera": Key(bool, False, "debug only: show the camera image"),
    },
    "idle": {
        "prompt_after_seconds": Key(float, 3.0, "a face this long at the mirror shows the start prompt",
                                    min=0.5, max=60),
        "blank_after_seconds": Key(float, 20.0, "the prompt goes away after this long", min=3, max=600),
    },
    "store": {
        "path": Key(str, "mimicmirror.db", "SQLite database; relative paths are under the state directory"),
    },
    "sound": {
        "mode": Key(str, "voice", "voice (chimes and spoken cues), chimes only, or off",
                    choices=("voice", "chimes", "off")),
        "volume": Key(float, 0.7, "loudness of chimes and speech", min=0.0, max=1.0),
        "words_per_minute": Key(int, 140, "speaking speed (slow and calm is easier to follow)",
                                min=80, max=260),
        "voice_en": Key(str, "en-gb", "espeak-ng voice for English (espeak-ng --voices=en)"),
        "voice_de": Key(str, "de", "espeak-ng voice for German (espeak-ng --voices=de)"),
    },
    "mirror": {
        "place_cues": Key(bool, True, "movement bars beside the face's reflection, level with the part "
                                      "that moves; false: fixed at the screen's edges"),
        "pixel_pitch_mm": Key(float, 0.2475, "one screen pixel in mm (a 21.5-inch full-HD panel: 0.2475)",
                              min=0.05, max=2.0),
        "camera_right_mm": Key(float, 0.0, "the lens centre's distance right of the picture's centre line, "
                                           "seen from the front (left: negative)", min=-1000.0, max=1000.0),
        "camera_above_mm": Key(float, 20.0, "the lens centre's height above the picture's top edge "
                                            "(below it: negative)", min=-2000.0, max=2000.0),
        "camera_tilt_deg": Key(float, 10.0, "how far the camera looks down from level", min=-30.0, max=45.0),
        "camera_fov_deg": Key(float, 41.0, "the camera's vertical field of view (Camera Module 3: 41)",
                              min=10.0, max=120.0),
    },
}


@dataclass(frozen=True)
class Config:
    """Validated settings: `config.section["key"]`, plus where they came from."""

    sections: Mapping[str, Mapping[str, Any]]
    path: Path | None
    programme_path: Path

    def __getitem__(self, section: str) -> Mapping[str, Any]:
        return self.sections[section]

    def state_path(self, value: str) -> Path:
        """Resolve a path setting against the service's state directory."""
        p = Path(value)
        if p.is_absolute():
            return p
        base = os.environ.get("STATE_DIRECTORY") or os.environ.get("MIMICMIRROR_STATE_DIR") or "."
        return Path(base.split(":")[0]) / p


def check_value(section: str, name: str, value: Any, file: str = "<config>") -> Any:
    """One setting checked on its own (as `mimicmirror setup` asks them one by one)."""
    found = Problems(file)
    ok, value = found.value(section, name, SCHEMA[section][name], value)
    found.raise_first()
    return value


def problems(data: Mapping[str, Any], file: str = "<config>") -> list[str]:
    """Every mistake in raw TOML data, one line each, in the order `validate` meets them."""
    return _validated(data, file)[1].lines


def validate(data: Mapping[str, Any], file: str = "<config>") -> dict[str, dict[str, Any]]:
    """Check raw TOML data against SCHEMA and fill in defaults; the first mistake is raised."""
    out, found = _validated(data, file)
    found.raise_first()
    return out


def _validated(data: Mapping[str, Any], file: str) -> tuple[dict[str, dict[str, Any]], Problems]:
    """The settings (defaults where a value is missing or wrong) and the mistakes."""
    found = Problems(file)
    found.tables(data, SCHEMA)
    out = {}
    for section, keys in SCHEMA.items():
        given = data.get(section, {})
        out[section] = found.table(section, given if isinstance(given, dict) else {}, keys)
    if out["buttons"]["next_pin"] == out["buttons"]["repeat_pin"]:
        found.add("buttons", f"repeat_pin = {out['buttons']['repeat_pin']!r}: must differ from next_pin")
    return out, found


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a one-line ConfigError."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except PermissionError:
        raise ConfigError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None


def default_config_path() -> Path:
    """The config a plain `mimicmirror run` uses: env, then /etc, then the bundled one."""
    env = os.environ.get("MIMICMIRROR_CONFIG")
    if env:
        return Path(env)
    system = SYSTEM_CONFIG_DIR / "mimicmirror.toml"
    return system if system.exists() else DEFAULTS_DIR / "mimicmirror.toml"


def programme_path_for(config_path: Path) -> Path:
    """The programme file beside a device config, else the one that ships with the software."""
    beside = config_path.parent / "exercises.toml"
    return beside if beside.exists() else DEFAULTS_DIR / "exercises.toml"


def load(path: Path | str | None = None, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Config:
    """Load and validate a device config; the programme file sits beside it."""
    path = Path(path) if path is not None else default_config_path()
    data = read_toml(path)
    for section, values in (overrides or {}).items():
        data.setdefault(section, {}).update(values)
    sections = validate(data, str(path))
    frozen = MappingProxyType({s: MappingProxyType(v) for s, v in sections.items()})
    return Config(frozen, path, programme_path_for(path))


def defaults() -> Config:
    """All defaults, no file: for tests and the demo before anything is set up."""
    sections = validate({}, "<defaults>")
    frozen = MappingProxyType({s: MappingProxyType(v) for s, v in sections.items()})
    return Config(frozen, None, DEFAULTS_DIR / "exercises.toml")
