"""A core of its own for the face model; the loop, the measuring, the face count and sound share the rest.

The model sets the mirror's frame rate, and it uses one core: MediaPipe's
inference runs on one thread. What slowed it down in a session was not a lack
of cores but where Linux put its threads. They sleep and wake several times a
frame (the model's Python thread hands the picture to the graph's threads and
waits for the landmarks), and each time they wake they may be put on the core
where the measuring or the loop is running, and wait there. Measured on two
cores with the bare model on the rig's frames, rounds interleaved:

| the bare model | frames a second |
|---|---|
| alone | 480 |
| alone, kept to one core | 488 |
| beside a Python thread busy half the time | 328 |
| the model kept to one core, that thread to the other | 455 |

So the model's threads are kept to one core and every other thread of the
service to the others: a thread takes the cores of the thread that starts it,
so the service is built on the others except the model's graph (built on the
model's core, and its threads with it), the model's Python thread keeps itself
to the model's core, and the loop keeps itself (and so every thread it starts)
to the others while it runs.
On a Pi 4 that would be one core for the model and three for the rest (not
measured on a Pi). With a single core, or where the system cannot set a
thread's cores, nothing is kept.
The price: the model cannot move off its core when another program wants it.
The mirror has its Pi to itself; `analyze`, a desktop command run beside other
programs, leaves its threads where the system puts them.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Iterator

log = logging.getLogger(__name__)


def _settable() -> bool:
    return hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity")


@dataclass(frozen=True)
class CoreSplit:
    """The cores the model's threads use, and the cores every other thread uses."""

    model: frozenset[int]
    rest: frozenset[int]

    @classmethod
    def plan(cls, cores: set[int] | frozenset[int] | None = None) -> "CoreSplit | None":
        """The highest core for the model, the others for the rest; None with fewer than two
        cores (or where a thread's cores cannot be set). Not the first: on a Raspberry Pi the
        kernel hands most device interrupts (camera, USB, display) to core 0."""
        if cores is None:
            if not _settable():
                return None
            cores = os.sched_getaffinity(0)
            try:                  # a system call filter may refuse it: then nothing is kept
                os.sched_setaffinity(0, cores)
            except OSError as e:
                _said(e, cores)
                return None
        if len(cores) < 2:
            return None
        model = frozenset({max(cores)})
        return cls(model, frozenset(cores) - model)

    def keep_model(self) -> None:
        """The calling thread on the model's core, from now on (the model's own thread)."""
        _keep(self.model)

    @contextlib.contextmanager
    def building(self, part: str) -> Iterator[None]:
        """While `part` is built, the calling thread on that part's cores: the threads a
        graph starts take the cores of the thread that builds it. "model" goes on the
        model's core, anything else (the face count's detector) on the rest."""
        with self.kept(self.model if part == "model" else self.rest):
            yield

    @contextlib.contextmanager
    def rest_for_this_thread(self) -> Iterator[None]:
        """The calling thread, and every thread it starts meanwhile, on the rest (the loop)."""
        with self.kept(self.rest):
            yield

    @contextlib.contextmanager
    def kept(self, cores: frozenset[int]) -> Iterator[None]:
        """The calling thread on `cores` for a while; its cores as they were afterwards."""
        before = os.sched_getaffinity(0) if _settable() else None
        _keep(cores)
        try:
            yield
        finally:
            if before is not None:
                _keep(frozenset(before))


_refused: list[OSError] = []     # the first refusal, said once


def _keep(cores: frozenset[int]) -> None:
    """The calling thread on `cores` (Linux sets a thread's own cores with pid 0)."""
    if not _settable():
        return
    try:
        os.sched_setaffinity(0, cores)
    except OSError as e:
        # a core taken away meanwhile (a cpuset): the threads run where the system puts
        # them, only a little slower
        _said(e, cores)


def _said(refusal: OSError, cores: set[int] | frozenset[int]) -> None:
    """A refusal to set a thread's cores, said once in the log."""
    if not _refused:
        _refused.append(refusal)
        log.warning("threads stay on every core (could not keep one to cores %s: %s)", sorted(cores), refusal)
