"""A face analysis that never returns is seen by a guard thread; one that returns never is."""

from __future__ import annotations

import threading
import time

from mimicmirror.service.hangwatch import HangGuard


class Busy:
    """How long the analysis in progress has lasted, as the analysis stage reports it."""

    def __init__(self) -> None:
        self.since: float | None = None

    def __call__(self) -> float:
        since = self.since
        return 0.0 if since is None else time.monotonic() - since


def test_the_guard_calls_once_when_a_call_lasts_the_limit():
    busy = Busy()
    fired = []
    done = threading.Event()
    guard = HangGuard(busy, 0.2, lambda s: (fired.append(s), done.set()), poll_s=0.02).start()
    busy.since = time.monotonic()            # a call begins and does not return
    assert done.wait(5)
    assert len(fired) == 1 and fired[0] >= 0.2 and guard.fired
    busy.since = None
    guard.stop()
    assert len(fired) == 1


def test_the_guard_never_calls_while_calls_return():
    busy = Busy()
    fired = []
    guard = HangGuard(busy, 0.2, fired.append, poll_s=0.02).start()
    end = time.monotonic() + 0.5
    while time.monotonic() < end:            # short calls, one after another
        busy.since = time.monotonic()
        time.sleep(0.01)
        busy.since = None
    guard.stop()
    assert fired == [] and not guard.fired
