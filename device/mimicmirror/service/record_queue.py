"""Records on their way to the store: written in order, kept while the store cannot take them.

A full disk or another program holding the database must not lose practice:
the batches wait in memory and are tried again every few seconds, in the
order the engine made them. A batch the store refuses as such (it would never
be accepted) is logged and dropped, so it cannot block every later one.
"""

from __future__ import annotations

import logging

from ..clock import Clock, Stamp
from ..edges import Store
from ..records import Record, SessionEnded
from ..store.errors import RecordsRefused, StoreUnavailable

log = logging.getLogger("mimicmirror")

#: A failed database write is tried again after this long.
STORE_RETRY_S = 5.0


class RecordQueue:
    """Batches of records (one per engine step, with its wall-time stamp) waiting for the store."""

    def __init__(self, store: Store, clock: Clock, retry_s: float = STORE_RETRY_S) -> None:
        self.store = store
        self.clock = clock
        self.retry_s = retry_s
        self.pending: list[tuple[tuple[Record, ...], Stamp]] = []
        self._retry_at = float("-inf")
        self._failing = False

    def __len__(self) -> int:
        return len(self.pending)

    def add(self, records: tuple[Record, ...], stamp: Stamp) -> None:
        self.pending.append((records, stamp))

    def flush(self, now: bool = False) -> bool:
        """Write what waits, in order (`now`: even before the retry pause is over).

        True when a session's end was written, so the practice history has changed.
        """
        if now:
            self._retry_at = float("-inf")
        if not self.pending or self.clock.monotonic() < self._retry_at:
            return False
        ended = False
        while self.pending:
            records, stamp = self.pending[0]
            try:
                self.store.write(records, stamp.wall, stamp.date_known)
            except RecordsRefused as e:
                log.error("practice records refused and dropped (%s): %s", e, records)
                self.pending.pop(0)
                continue
            except StoreUnavailable as e:
                if not self._failing:
                    log.error("cannot write the practice records (%s); keeping them and retrying", e)
                    self._failing = True
                self._retry_at = self.clock.monotonic() + self.retry_s
                return False
            self.pending.pop(0)
            ended = ended or any(isinstance(r, SessionEnded) for r in records)
        if self._failing:
            log.info("practice records written again")
            self._failing = False
        return ended
