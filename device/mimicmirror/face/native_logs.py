"""Keep the model runtime's start-up chatter off the user's terminal and journal.

MediaPipe's native code writes several lines straight to file descriptor 2
from its own threads, some time after the graph is created ("Created
TensorFlow Lite XNNPACK delegate", "Feedback manager requires..."). They mean
nothing to a caregiver. Once per process, fd 2 is routed through a pipe and a
thread forwards every line except those known start-up lines. At exit
(after Python's last words, which atexit follows) the pipe is closed, the
rest is flushed, and any late native output is dropped. Set
MIMICMIRROR_NATIVE_LOGS=1 to see everything.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
import threading

CHATTER = re.compile(
    rb"Created TensorFlow Lite XNNPACK delegate|All log messages before absl::InitializeLog"
    rb"|(inference_feedback_manager|landmark_projection_calculator|gl_context)\.cc:\d+\]")

_installed = False
_lock = threading.Lock()


def filter_native_chatter() -> None:
    """Install the stderr filter (idempotent)."""
    global _installed
    with _lock:
        if _installed or os.environ.get("MIMICMIRROR_NATIVE_LOGS"):
            return
        _installed = True
    sys.stderr.flush()
    original = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    thread = threading.Thread(target=_forward, args=(read_end, original), daemon=True,
                              name="stderr-filter")
    thread.start()

    def close() -> None:
        sys.stderr.flush()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)       # closes the pipe's last write end: the thread sees EOF
        os.close(null)
        thread.join(timeout=2.0)

    atexit.register(close)


def _forward(read_end: int, original: int) -> None:
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        pending = b""
        while chunk := pipe.read(4096):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if not CHATTER.search(line):
                    os.write(original, line + b"\n")
        if pending and not CHATTER.search(pending):
            os.write(original, pending)
