"""The face model's graph runs on a core of its own; the face count's graph on the others.

MediaPipe starts a graph's threads when the graph is built, and a thread takes
the cores of the thread that starts it: so the analyzer builds each graph in
the context the service gives it (service/cores.py).
"""

from __future__ import annotations

import os
import threading

import pytest

from mimicmirror.face.analyzer import Analyzer
from mimicmirror.service.cores import CoreSplit

SPLIT = CoreSplit.plan()


def native_threads() -> dict[int, set[int]]:
    """This process's threads: id -> the cores it may run on."""
    return {int(tid): os.sched_getaffinity(int(tid)) for tid in os.listdir("/proc/self/task")}


@pytest.mark.skipif(SPLIT is None, reason="needs two cores and a system that sets a thread's cores")
def test_the_models_graph_threads_are_on_the_models_core_and_the_face_counts_on_the_others():
    built: dict[str, set[int]] = {}
    made: dict[str, dict[int, set[int]]] = {}

    def building(part: str):
        outer = SPLIT.building(part)

        class Watch:
            def __enter__(self) -> None:
                built[part] = set(native_threads())
                outer.__enter__()

            def __exit__(self, *exc) -> None:
                outer.__exit__(*exc)
                now = native_threads()
                made[part] = {tid: cores for tid, cores in now.items() if tid not in built[part]}

        return Watch()

    result: list[Analyzer] = []
    thread = threading.Thread(target=lambda: result.append(Analyzer(static=False, building=building)))
    thread.start()
    thread.join(60.0)
    analyzer = result[0]
    try:
        assert analyzer.crowd is not None
        assert made["model"] and made["face count"]          # each graph started threads of its own
        assert all(cores == SPLIT.model for cores in made["model"].values())
        assert all(cores == SPLIT.rest for cores in made["face count"].values())
    finally:
        analyzer.close()
