"""A new mirror's first day on the virtual rig: set up on the glass, a first session, the report on a stick.

No settings file at the start, so the settings menu is on the glass; the
virtual caregiver chooses the right side and the gentle programme with the
two buttons and saves. The person practises; then a FAT stick image is
plugged in, the stick unit's code writes the report onto it, and the
mirror says so. The report is read back from the FAT image and opened in
headless Chromium, which must show that one session.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from mimicmirror.config import SCHEMA
from mimicmirror.language import load_language
from mimicmirror.records import SessionStarted
from mimicmirror.screen import ScreenKind
from mimicmirror.sim.rig import Rig
from mimicmirror.sim.scenario import load_scenario
from mimicmirror.stick import outcome as o

CHROMIUM = Path("/usr/bin/chromium")
MTOOLS_ENV = {"MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C", "PATH": "/usr/bin:/bin"}
pytestmark = pytest.mark.skipif(shutil.which("mkfs.vfat") is None or shutil.which("mcopy") is None,
                                reason="dosfstools and mtools are not installed (scripts/system-deps.sh)")


@pytest.fixture(scope="module")
def first_day(tmp_path_factory):
    return Rig(load_scenario("first_day"), tmp_path_factory.mktemp("first_day")).run()


def shown(result, kind: ScreenKind) -> list:
    return [screen for _, screen in result.screens if screen.kind is kind]


def test_a_fresh_mirror_starts_in_the_settings_menu_and_every_page_has_a_screenshot(first_day):
    assert first_day.screens[0][1].kind is ScreenKind.SETTINGS
    menu = shown(first_day, ScreenKind.SETTINGS)
    titles = {s.title for s in menu}
    words = load_language("en").menu
    assert {words[k] for k in ("affected_side", "programme", "daily_sessions", "sound", "save", "leave")} <= titles
    # looked through once (left), then changed on the second round (right)
    assert [s.choice for s in menu if s.title == words["affected_side"]] == ["Left", "Left", "Right"]
    assert [s.cue_side for s in menu if s.title == words["affected_side"]] == ["left", "left", "right"]
    settings_shots = [p for p in first_day.screenshots if "-settings" in p.name]
    assert len(settings_shots) == len(menu)
    assert all(p.stat().st_size > 0 for p in settings_shots)


def test_the_menu_saves_the_settings_file_and_the_first_session_runs_with_them(first_day):
    data = tomllib.loads(first_day.settings_path.read_text())
    assert (data["user"]["affected_side"], data["user"]["programme"]) == ("right", "gentle")
    # German where the mirror offers it (the scenario asks for it); English otherwise
    offered = SCHEMA["user"]["language"].choices or ("en",)
    assert data["user"]["language"] == ("de" if "de" in offered else "en")
    assert first_day.settings_path.read_text().startswith("# Mimic Mirror device settings")
    started = [r for r in first_day.records if isinstance(r, SessionStarted)]
    assert [(s.programme, s.affected_side) for s in started] == [("gentle", "right")]


def test_the_stick_gets_the_report_and_the_glass_says_it_can_be_taken_out(first_day):
    assert [x.kind for x in first_day.stick_outcomes] == [o.SAVED]
    # in the language the menu saved (German where offered): the glass words the stick unit's outcome
    said = load_language(tomllib.loads(first_day.settings_path.read_text())["user"]["language"]).stick
    notices = [s for s in shown(first_day, ScreenKind.NOTICE) if s.title == said["title"]]
    assert notices and notices[-1].lines == (said["saved"],)
    assert first_day.screens[-1][1] == notices[-1]
    folder = first_day.stick_outcomes[0].detail
    listing = subprocess.run(["mdir", "-i", str(first_day.stick_image), "-b", f"::/{folder}"], env=MTOOLS_ENV,
                             capture_output=True, text=True, check=True).stdout.split()
    assert listing == [f"::/{folder}/report.html", f"::/{folder}/reps.csv"]
    assert subprocess.run(["fsck.vfat", "-n", str(first_day.stick_image)], capture_output=True).returncode == 0


def test_the_report_from_the_stick_opens_in_chromium_and_shows_that_session(first_day, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh installs it as root)")
    folder = first_day.stick_outcomes[0].detail
    copy = tmp_path / "from-stick"
    copy.mkdir()
    for name in ("report.html", "reps.csv"):
        subprocess.run(["mcopy", "-i", str(first_day.stick_image), f"::/{folder}/{name}", str(copy / name)],
                       env=MTOOLS_ENV, check=True, capture_output=True)
    html = copy / "report.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([str(CHROMIUM), *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert "Facial exercise progress" in dom
    assert "affected side: right" in dom and "programme: gentle" in dom
    assert "<b>1</b>sessions" in dom
    shot = first_day.out_dir / "report-from-stick.png"
    subprocess.run([str(CHROMIUM), *flags, "--window-size=1200,1600", f"--screenshot={shot}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000
