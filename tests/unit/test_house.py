"""The house's floors: no folder of the package imports one above it, and no folders import each other round a loop.

The floors and the drawing are in scripts/house.py (see docs/house.md); this reads
every import in the package, lazy ones included.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("house", ROOT / "scripts" / "house.py")
house = importlib.util.module_from_spec(spec)
spec.loader.exec_module(house)

def test_no_folder_imports_one_above_it():
    assert house.upward(house.graph()) == []


def test_no_folders_import_each_other_round_a_loop():
    assert house.loops(house.graph()) == []


def test_an_upward_import_and_a_loop_are_both_found():
    edges = {"store": {"errors", "service"}, "service": {"store"}, "errors": set()}
    assert house.upward(edges) == ["store (the edges) imports service (the loop), a floor above it"]
    assert house.loops(edges) == [["service", "store"]]


def test_lazy_and_relative_imports_count(tmp_path):
    text = "from ..clinical import percent\n\ndef f():\n    from ..service.loop import Service\n"
    assert house.imports("store/report.py", text) == {"clinical", "service.loop"}
    assert house.imports("config.py", "from .errors import ConfigError\nfrom . import schema\n") == {"errors", "schema"}


def test_an_import_only_a_type_checker_reads_is_no_dependency():
    text = ("from typing import TYPE_CHECKING\nfrom .sides import Side\n"
            "if TYPE_CHECKING:\n    from .reflection.placement import Placement\n")
    assert house.imports("screen.py", text) == {"sides"}
