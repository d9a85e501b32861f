"""The mirror display: `open_display(section)` -> `Display` (see renderer.py)."""
