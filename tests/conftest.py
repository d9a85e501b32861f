"""Test-wide settings: headless SDL, gpiozero mock pins, quiet MediaPipe."""

import os
import tempfile

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# rendered speech goes to a throw-away cache, never the user's own
os.environ.setdefault("MIMICMIRROR_CACHE_DIR", tempfile.mkdtemp(prefix="mm-cache-"))
