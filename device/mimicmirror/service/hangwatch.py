"""A face analysis that never returns: seen, and ended with the session kept.

The model is native code (MediaPipe, and on a Pi the camera's driver under
it); a call into it can block forever, and Python cannot interrupt it. The
analysis stage knows how long its current call has lasted (`busy_for`), and
the loop stops pinging systemd's watchdog once that is too long, so systemd
restarts the mirror; but the session in progress would then only be closed
as "interrupted" at the next start, as after a power cut. A `HangGuard`
thread, independent of the loop (which may be the thread that is stuck),
acts first: once a call has lasted `limit_s`, the service ends the session
as "stopped" (its repetitions are already stored) and waits for the restart.
"""

from __future__ import annotations

import threading
from typing import Callable


class HangGuard:
    """Calls `on_hang(seconds)` once, from its own thread, when `busy_for()` reaches `limit_s`."""

    def __init__(self, busy_for: Callable[[], float], limit_s: float, on_hang: Callable[[float], None],
                 poll_s: float | None = None) -> None:
        self.busy_for = busy_for
        self.limit_s = limit_s
        self.on_hang = on_hang
        self.poll_s = poll_s if poll_s is not None else min(0.25, limit_s / 4)
        self.fired = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "HangGuard":
        self._thread = threading.Thread(target=self._run, name="hang-guard", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2.0)

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            stuck = self.busy_for()
            if stuck >= self.limit_s:
                self.fired = True
                self.on_hang(stuck)
                return
