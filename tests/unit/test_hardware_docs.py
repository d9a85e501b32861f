"""The documented wiring matches the config defaults and the real Pi header.

A builder wires from hardware/README.md and hardware/wiring.svg; the program
reads [buttons] next_pin / repeat_pin. If they disagree, a button silently
does nothing, so the docs are checked against the schema, the shipped config
file and gpiozero's own header data for the Pi 4 and Pi 5.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from mimicmirror import config

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "hardware" / "README.md"
WIRING_SVG = ROOT / "hardware" / "wiring.svg"
MOUNTING_SVG = ROOT / "hardware" / "mounting.svg"
REFLECTION_SVG = ROOT / "hardware" / "reflection.svg"
SVG = "{http://www.w3.org/2000/svg}"

#: Board revision codes: Raspberry Pi 4 Model B 4 GB, Raspberry Pi 5 4 GB.
BOARDS = {"Pi 4": "c03111", "Pi 5": "d04170"}


def readme_pin_map() -> dict[str, dict[str, int]]:
    """Rows of the README's pin-map table: button -> bcm, pin, ground."""
    rows = {}
    for line in README.read_text().splitlines():
        m = re.match(r"\|\s*(NEXT|REPEAT)\s*\|\s*GPIO(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*`\[buttons\] (\w+) = (\d+)`",
                     line)
        if m:
            rows[m.group(1).lower()] = {"bcm": int(m.group(2)), "pin": int(m.group(3)),
                                        "ground": int(m.group(4)), "key": m.group(5),
                                        "key_value": int(m.group(6))}
    return rows


def svg_pin_map() -> dict[str, dict[str, int]]:
    """The wiring drawing's button groups: their data attributes and their visible label."""
    root = ET.parse(WIRING_SVG).getroot()
    out = {}
    for group in root.iter(f"{SVG}g"):
        key = group.get("data-button")
        if key is None:
            continue
        label = next(t.text for t in group.iter(f"{SVG}text") if t.get("class") == "pin-label")
        m = re.fullmatch(r"(NEXT|REPEAT): GPIO(\d+) \(pin (\d+)\)", label)
        assert m, label
        assert m.group(1).lower() == key
        out[key] = {"bcm": int(group.get("data-bcm")), "pin": int(group.get("data-pin")),
                    "ground": int(group.get("data-ground-pin")),
                    "label_bcm": int(m.group(2)), "label_pin": int(m.group(3))}
    return out


def defaults() -> dict[str, int]:
    buttons = config.SCHEMA["buttons"]
    return {"next": buttons["next_pin"].default, "repeat": buttons["repeat_pin"].default}


def test_the_defaults_are_the_documented_ones():
    """NEXT = GPIO17 on pin 11, REPEAT = GPIO27 on pin 13: what the issue and the docs promise."""
    assert defaults() == {"next": 17, "repeat": 27}


def test_readme_pin_map_equals_the_config_defaults():
    rows = readme_pin_map()
    assert set(rows) == {"next", "repeat"}
    for button, bcm in defaults().items():
        assert rows[button]["bcm"] == bcm
        assert rows[button]["key"] == f"{button}_pin"
        assert rows[button]["key_value"] == bcm


def test_shipped_config_file_uses_the_documented_pins():
    shipped = config.load(ROOT / "config" / "mimicmirror.toml")
    rows = readme_pin_map()
    assert shipped["buttons"]["next_pin"] == rows["next"]["bcm"]
    assert shipped["buttons"]["repeat_pin"] == rows["repeat"]["bcm"]


def test_wiring_drawing_agrees_with_the_readme():
    drawing, rows = svg_pin_map(), readme_pin_map()
    assert set(drawing) == {"next", "repeat"}
    for button, row in rows.items():
        d = drawing[button]
        assert (d["bcm"], d["pin"], d["ground"]) == (row["bcm"], row["pin"], row["ground"])
        assert (d["label_bcm"], d["label_pin"]) == (row["bcm"], row["pin"])


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_documented_header_pins_are_right_on_the_board(board):
    """Header pin numbers and grounds checked against gpiozero's data for the real header."""
    header = MockFactory(revision=BOARDS[board]).board_info.headers["J8"]
    for row in readme_pin_map().values():
        assert header.pins[row["pin"]].name == f"GPIO{row['bcm']}"
        assert header.pins[row["ground"]].name == "GND"


def test_wiring_drawing_labels_every_header_pin_correctly():
    """The drawn header is numbered like the real one: odd pins on one row, even on the other."""
    root = ET.parse(WIRING_SVG).getroot()
    numbers = sorted(int(t.text) for t in root.iter(f"{SVG}text") if t.text and t.text.isdigit())
    assert numbers == list(range(1, 41))


def test_the_drawings_are_well_formed_svg_that_show_the_parts():
    for path, must_show in ((WIRING_SVG, ("NEXT", "REPEAT", "GND")),
                            (MOUNTING_SVG, ("eye height", "lens window", "light", "black foam seal")),
                            (REFLECTION_SVG, ("eye", "glass", "screen", "reflection", "camera", "halfway"))):
        root = ET.parse(path).getroot()
        assert root.tag == f"{SVG}svg"
        text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
        for words in must_show:
            assert words in text, f"{path.name} does not show {words!r}"


def test_readme_links_the_drawings_and_covers_what_a_builder_needs():
    text = README.read_text()
    assert "(wiring.svg)" in text and "(mounting.svg)" in text and "(reflection.svg)" in text
    for topic in ("## Bill of materials", "## Wiring the buttons", "## The mirror, the screen and the camera",
                  "## Power", "Camera Module 3", "two-way", "eye height", "lens window", "backlight bleed",
                  "## The speaker", "USB speaker", "aplay -l", "Placement behind the glass"):
        assert topic.lower() in text.lower(), topic


def test_the_caregiver_pictures_are_svg_and_the_guide_links_them():
    """Settings on the glass and the USB stick: pictures for people who would rather look than read."""
    text = README.read_text()
    for name, must_show in (("settings-menu.svg", ("NEXT", "REPEAT", "hold both: 3 s", "Save", "Leave")),
                            ("usb-stick.svg", ("mimicmirror.toml", "exercises.toml", "report.html", "reps.csv",
                                               "Report saved. You can"))):
        assert f"({name})" in text
        root = ET.parse(ROOT / "hardware" / name).getroot()
        assert root.tag == f"{SVG}svg"
        shown = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
        for words in must_show:
            assert words in shown, f"{name} does not show {words!r}"
    for words in ("hold **NEXT and REPEAT together for 3 seconds**", "FAT32 or exFAT", "mimicmirror.toml.bak"):
        assert words in text
