"""The quicker benchmarks run to the end, as the next engineer runs them.

A benchmark is run by hand, not by the tests, so a change to the code it drives can
leave it broken unnoticed (`frame_budget.py` once called a method of the landmark
detector that had gone). These run the ones that take seconds, each as a script in a
fresh process, on the clip made from a photo (written to a throw-away cache folder),
and check each printed its last figure. Their numbers are not judged here: timings
belong to the benchmarks themselves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

#: Each quick benchmark and a piece of the last line it prints when it ran to the end.
QUICK = {
    "frame_budget.py": "turning the whole picture instead",
    "measure_parts.py": "the whole measuring",
    "analysis_overhead.py": "ratio whole/bare",
    "analyze_clip.py": "ratio analyze/bare, CPU time",
    "reflection_cost.py": "of the model's time",
    "speech_cache.py": "cold/warm",
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache folder for the module: the clip made from a photo is written once."""
    return tmp_path_factory.mktemp("bench-cache")


@pytest.mark.parametrize("script", sorted(QUICK))
def test_the_benchmark_runs_to_its_last_figure(script, cache, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MIMICMIRROR_BENCH_CLIP"}
    env.update(XDG_CACHE_HOME=str(cache), MIMICMIRROR_CACHE_DIR=str(tmp_path / "speech"))
    out = subprocess.run([sys.executable, str(BENCHMARKS / script)], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert QUICK[script] in out.stdout, out.stdout[-2000:]
