"""Test-wide settings (headless SDL, gpiozero mock pins, quiet MediaPipe) and the
folder markers.

The folder a test lives in says what it needs, and the marker follows the folder:

- ``tests/unit``: no model and no rig; ``make check`` runs these in the edit-test loop.
- ``tests/model``: the real MediaPipe model over real faces and many frames.
- ``tests/rig``: the real service loop end to end on the virtual rig.

So ``pytest -m unit`` and ``pytest tests/unit`` select the same tests. The shared
helpers (``engine_script``, ``real_faces``, ``store_script``, ...) sit beside this file and are importable
from every folder (``pythonpath`` in pyproject.toml); the one fixture several test files
share (``portrait``, a display) is here.
"""

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# rendered speech goes to a throw-away cache, never the user's own
os.environ.setdefault("MIMICMIRROR_CACHE_DIR", tempfile.mkdtemp(prefix="mm-cache-"))

TESTS = Path(__file__).resolve().parent

#: Each test folder and the marker its tests carry.
FOLDER_MARKERS = {"unit": pytest.mark.unit, "model": pytest.mark.model, "rig": pytest.mark.rig}


def pytest_collection_modifyitems(config, items):
    """Mark every test by its folder; a test outside the three folders is an error,
    so nothing lands where neither ``make check`` nor a marker would find it."""
    for item in items:
        try:
            folder = Path(item.path).resolve().relative_to(TESTS).parts[0]
        except ValueError:
            continue                        # a test file given from elsewhere on the command line
        if folder not in FOLDER_MARKERS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in tests/unit, tests/model or tests/rig")
        item.add_marker(FOLDER_MARKERS[folder])


@pytest.fixture
def portrait():
    """The display drawing off-screen on the portrait glass (``sample_screens.PORTRAIT``), closed after the test."""
    from mimicmirror.display.renderer import open_display
    from sample_screens import PORTRAIT

    display = open_display(PORTRAIT)
    yield display
    display.close()
