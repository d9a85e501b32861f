"""The display's kept text: words rendered, wrapped and fitted once, not at every drawing.

A practice screen repeats its words many times a second; FreeType (rendering
and measuring) is the display's most expensive step, so its answers are kept,
bounded, and every open font is let go of when the display closes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mimicmirror.display.renderer import open_display
from mimicmirror.display.text import TextCache
from mimicmirror.screen import SideBar
from sample_screens import PORTRAIT, SAMPLES


def test_repeated_text_comes_from_the_cache(portrait):
    portrait.show(SAMPLES["practice"])
    misses = portrait.text.misses
    portrait.show(replace(SAMPLES["practice"], bars=(SideBar("left", 0.8, affected=True), SideBar("right", 0.9))))
    assert portrait.text.misses == misses
    assert portrait.text.hits > 0


def test_a_screen_drawn_again_measures_no_word_again(portrait, monkeypatch):
    """Fitting words to the bands asks every block its height at each shrink step; the answers
    are kept, so a practice screen whose bars moved is drawn without measuring any text."""
    practice = SAMPLES["practice"]
    portrait.show(practice)
    measured: list[tuple[str, int]] = []
    width = portrait.text.width                  # every FreeType measurement goes through here
    monkeypatch.setattr(portrait.text, "width", lambda text, size: measured.append((text, size)) or width(text, size))
    misses = portrait.text.misses
    portrait.show(replace(practice, bars=(SideBar("left", 0.4, affected=True), SideBar("right", 1.1))))
    assert portrait.last_sent                    # drawn: the bars changed
    assert measured == [] and portrait.text.misses == misses
    portrait.show(replace(practice, cue="Now let go slowly"))
    assert measured                              # new words are measured: the hook above sees them


def test_the_text_cache_is_bounded():
    cache = TextCache(capacity=8)
    for k in range(30):
        cache.render(f"line {k}", 24, (255, 255, 255))
    assert len(cache) == 8
    cache.render("line 29", 24, (255, 255, 255))
    assert cache.hits == 1


def test_wrapped_lines_are_kept_bounded_too():
    cache = TextCache(capacity=8)
    measured: list[str] = []
    width = cache.width
    cache.width = lambda text, size: measured.append(text) or width(text, size)
    try:
        first = [cache.wrap(f"word {k} and more", 24, 120) for k in range(30)]
        asked = len(measured)
        assert cache.wrap("word 29 and more", 24, 120) == first[29] and len(measured) == asked
        assert cache.wrap("word 0 and more", 24, 120) == first[0]
        assert len(measured) > asked                 # the oldest was let go of, so it is measured again
    finally:
        cache.clear()             # its font file: the hook keeps `cache` alive until a garbage collection


def test_closing_the_display_lets_go_of_its_font_files():
    """Every font size drawn holds the font file open, for as long as the display is referenced."""
    def open_files() -> int:
        return len(list(Path("/proc/self/fd").iterdir()))

    before = open_files()
    display = open_display(PORTRAIT)
    for screen in SAMPLES.values():
        display.show(screen)
    assert open_files() > before + 1                 # several sizes of the font are open
    display.close()
    assert open_files() == before                    # though `display` itself is still referenced
