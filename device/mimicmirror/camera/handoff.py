"""One hand-off between two threads: the newest item wins, nothing queues.

Frames pass through two of these on their way to the glass: the capture thread
hands pictures to the face analysis, and the analysis hands its results to the
loop. If items queued up, the mirror would coach the face of a second ago; so a
producer puts each item it makes, a consumer takes the newest one it has not
taken yet (waiting up to a time-out for the next), and the ones it never saw are
counted as dropped.

Two variations, for a recording and for the virtual rig, never for a live camera:

- `ahead=n`: every item is handed over, in order. The producer may be at most n
  items ahead of the consumer (`room` waits for that), so it makes the next item
  while the consumer still works on the one before, and nothing grows.
- asking (lockstep): the producer makes an item only when the consumer asks for
  one (`ask` and `asked`), so which items are made depends on no thread's timing.

An error in the producer is handed over too: the consumer's next `take` raises
it, in the consumer's thread. `close` ends every wait, the producer's and the
consumer's.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class Handoff(Generic[T]):
    """Newest-item hand-off from one producer thread to one consumer thread."""

    def __init__(self, ahead: int = 0) -> None:
        self.ahead = ahead          # 0: the newest item wins; n: every item, at most n ahead
        self.dropped = 0            # items put but superseded before the consumer took them
        self._cond = threading.Condition()
        self.reset()

    def reset(self) -> None:
        """Forget every item, error and request (a restart); `dropped` keeps counting."""
        with self._cond:
            self._items: deque[T] = deque()   # put, not yet taken (one at most when ahead=0)
            self._put = 0                     # items put since the reset
            self._taken = 0                   # the count of the item the consumer last took
            self._error: BaseException | None = None
            self._closed = False
            self._asked: float | None = None  # asking: a take waiting, with its time-out

    @property
    def closed(self) -> bool:
        return self._closed

    # -- the producer's side

    def put(self, item: T) -> None:
        """Hand `item` over; with ahead=0 it replaces one the consumer has not taken."""
        with self._cond:
            if not self.ahead:
                self._items.clear()
            self._items.append(item)
            self._put += 1
            self._cond.notify_all()

    def fail(self, error: BaseException) -> None:
        """The consumer's next `take` raises `error` (once the items put before it are taken)."""
        with self._cond:
            self._error = error
            self._cond.notify_all()

    def room(self) -> bool:
        """Wait until the consumer is fewer than `ahead` items behind; False once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._put - self._taken < self.ahead)
            return not self._closed

    def asked(self) -> float | None:
        """Asking: wait for the consumer to ask for an item; its time-out, or None once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._asked is not None)
            if self._closed:
                return None
            timeout, self._asked = self._asked, None
            return timeout

    def pause(self, seconds: float) -> bool:
        """Sleep up to `seconds`, woken by `close`; False once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed, seconds)
            return not self._closed

    # -- the consumer's side

    def ask(self, timeout: float) -> None:
        """Asking: have the producer make one item, which it may take up to `timeout` s for."""
        with self._cond:
            if self._error is None:
                self._asked = timeout
                self._cond.notify_all()

    def take(self, timeout: float) -> T | None:
        """The newest item not yet taken (ahead=n: the next in order), waiting up to `timeout` s.

        Raises the producer's error once there is nothing newer; None when the
        time ran out, or at once when closed with nothing left to take.
        """
        with self._cond:
            self._cond.wait_for(lambda: self._put > self._taken or self._error is not None or self._closed,
                                timeout)
            if self._put > self._taken:
                if self.ahead:
                    self._taken += 1
                else:
                    self.dropped += self._put - self._taken - 1
                    self._taken = self._put
                self._cond.notify_all()     # the producer may have room for the next
                return self._items.popleft()
            if self._error is not None:
                raise self._error
            return None

    def close(self) -> None:
        """End every wait (`room`, `asked`, `pause`, `take`); items put stay to be taken."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
