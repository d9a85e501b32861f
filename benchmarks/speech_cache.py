"""Speech cache: how long rendering every text of a language takes cold, and a start with it warm.

Every text of the catalogue (placeholders filled as a session would) is
rendered with espeak-ng into an empty cache, then the same texts are asked
for again by a fresh `Speech`, as the next start of the mirror does: nothing
is rendered, only found. Printed per language, cold and warm in the same run.

    python benchmarks/speech_cache.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from mimicmirror.config import LANGUAGES, validate
from mimicmirror.language import load_language
from mimicmirror.sound import speech_for


def texts(code: str) -> list[str]:
    lang = load_language(code)
    fill = {"side": lang.side("left"), "other": lang.side("right"), "strong": lang.side("right"),
            "weaker": lang.side("left"), "stronger": lang.side("right"), "k": 1, "n": 3, "done": 2,
            "name": "Anna", "percent": 80, "part": next(iter(lang.exercises.values())).part,
            "assist": "", "change": "+10 %"}
    return [t.format(**fill) for t in lang.all_texts()]


def main() -> None:
    section = validate({})["sound"]
    print(f"{'language':8s} {'texts':>5s} {'cold s':>7s} {'ms/text':>8s} {'warm s':>7s} {'cold/warm':>9s}")
    for code in LANGUAGES:
        wanted = texts(code)
        with tempfile.TemporaryDirectory() as cache:
            speech = speech_for(section, code)
            speech.directory = Path(cache)
            start = time.perf_counter()
            cold = speech.prepare(wanted)
            cold_s = time.perf_counter() - start
            again = speech_for(section, code)
            again.directory = Path(cache)
            start = time.perf_counter()
            warm = again.prepare(wanted)
            warm_s = time.perf_counter() - start
        assert warm.rendered == 0 and warm.cached == cold.rendered, (cold, warm)
        print(f"{code:8s} {cold.rendered:5d} {cold_s:7.2f} {1000 * cold_s / max(1, cold.rendered):8.1f} "
              f"{warm_s:7.3f} {cold_s / max(warm_s, 1e-9):9.0f}")


if __name__ == "__main__":
    main()
