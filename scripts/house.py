#!/usr/bin/env python3
"""Draw the house: which folder of the package imports which, read from the code itself.

Every `import` in device/mimicmirror (also those inside functions: a lazy import
is still a dependency; not those under `if TYPE_CHECKING:`, which never run) is
reduced to the folders it connects: a sub-package
(`face/`, `store/`, ...) or a top-level module (`config.py`, `clinical.py`, ...).
Each folder sits on one floor of `FLOORS`; a folder may import folders on its
own floor or below, never above, and no folders may import each other round a
loop. The unit test tests/unit/test_house.py holds the code to that.

    python3 scripts/house.py                 # the house now, as a Mermaid drawing
    python3 scripts/house.py --rev 81ac114   # the house at an earlier commit (git)
    python3 scripts/house.py --check         # exit 1 and name every upward import or loop
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "mimicmirror"
PACKAGE_DIR = Path("device") / PACKAGE

#: The floors, bottom first. A folder imports only folders on its floor or below.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("words and numbers", ("__init__", "errors", "sides", "schema", "clinical", "records", "screen", "history",
                           "clock", "heard", "files")),
    ("the device config and its words", ("config", "language")),
    ("the face and its events", ("face", "events")),
    ("the reflection on the glass", ("reflection",)),
    ("the engine", ("exercises",)),
    ("config and programme together", ("settings", "lastgood")),
    ("the edges", ("edges", "camera", "controls", "display", "store", "sound", "stick", "pipeline", "notify")),
    ("the loop", ("service",)),
    ("the rig", ("sim",)),
    ("the commands", ("commands", "cli", "__main__")),
)
FLOOR_OF = {folder: n for n, (_, folders) in enumerate(FLOORS) for folder in folders}


def sources(rev: str | None) -> dict[str, str]:
    """Path (inside the package) -> source text, from the work tree or from a git revision."""
    if rev is None:
        base = ROOT / PACKAGE_DIR
        return {str(p.relative_to(base)): p.read_text() for p in sorted(base.rglob("*.py"))}
    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", rev, str(PACKAGE_DIR)],
                           capture_output=True, text=True, check=True).stdout.split()
    return {str(Path(n).relative_to(PACKAGE_DIR)): subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{rev}:{n}"], capture_output=True, text=True, check=True).stdout
            for n in names if n.endswith(".py")}


def folder_of(module: str) -> str:
    """The folder of a dotted module name inside the package ("face.measures" -> "face")."""
    return module.split(".")[0]


def imports(path: str, text: str) -> set[str]:
    """The package modules one file imports, as dotted names inside the package."""
    parts = Path(path).with_suffix("").parts
    package = list(parts[:-1]) if parts[-1] != "__init__" else list(parts[:-1])
    found = set()
    tree = ast.parse(text, path)
    type_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                 for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE and "." in alias.name:
                    found.add(alias.name.split(".", 1)[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.split(".")[0] == PACKAGE:
                    rest = node.module.split(".", 1)[1] if "." in node.module else ""
                    found.update(f"{rest}.{a.name}".strip(".") if not rest else rest for a in node.names)
            else:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
                if target:
                    found.add(".".join(target))
                else:  # "from . import x" at the top of the package
                    found.update(a.name for a in node.names)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`): imports a type checker reads, never run."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
            or isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def graph(rev: str | None = None) -> dict[str, set[str]]:
    """Folder -> the other folders it imports."""
    edges: dict[str, set[str]] = defaultdict(set)
    files = sources(rev)
    tops = {Path(p).parts[0].removesuffix(".py") for p in files}
    for path, text in files.items():
        here = folder_of(".".join(Path(path).with_suffix("").parts))
        edges.setdefault(here, set())
        for module in imports(path, text):
            there = folder_of(module)
            there = there if there in tops else "__init__"     # a name defined in the package's __init__
            if there != here and there:
                edges[here].add(there)
    return dict(edges)


def loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of folders that import each other round a loop (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Every import of a folder on a higher floor, and every folder on no floor."""
    problems = [f"{f}: on no floor (add it to FLOORS in scripts/house.py)"
                for f in sorted(set(edges) | {t for ts in edges.values() for t in ts}) if f not in FLOOR_OF]
    for here, theres in sorted(edges.items()):
        for there in sorted(theres):
            if here in FLOOR_OF and there in FLOOR_OF and FLOOR_OF[there] > FLOOR_OF[here]:
                problems.append(f"{here} ({FLOORS[FLOOR_OF[here]][0]}) imports {there} "
                                f"({FLOORS[FLOOR_OF[there]][0]}), a floor above it")
    return problems


def mermaid(edges: dict[str, set[str]]) -> str:
    """The house as a Mermaid flowchart: floors top to bottom, imports as arrows downwards."""
    up = {(a, b) for a, bs in edges.items() for b in bs
          if a in FLOOR_OF and b in FLOOR_OF and FLOOR_OF[b] > FLOOR_OF[a]}
    looped = {f for group in loops(edges) for f in group}
    lines = ["flowchart TB"]
    present = set(edges) | {t for ts in edges.values() for t in ts}
    for n in reversed(range(len(FLOORS))):
        name, folders = FLOORS[n]
        here = [f for f in folders if f in present]
        if here:
            lines.append(f'  subgraph floor{n}["{name}"]')
            lines.extend(f"    {_id(f)}[{f}]" for f in here)
            lines.append("  end")
    for f in sorted(present - set(FLOOR_OF)):
        lines.append(f"  {_id(f)}[{f}?]")
    k = 0
    styles = []
    for a in sorted(edges):
        for b in sorted(edges[a]):
            lines.append(f"  {_id(a)} --> {_id(b)}")
            if (a, b) in up or (a in looped and b in looped):
                styles.append(f"  linkStyle {k} stroke:#c00,stroke-width:3px")
            k += 1
    return "\n".join(lines + styles)


def _id(folder: str) -> str:
    return folder.strip("_") or "main"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="a git revision to draw instead of the work tree")
    parser.add_argument("--check", action="store_true", help="list upward imports and loops; exit 1 if any")
    args = parser.parse_args()
    edges = graph(args.rev)
    problems = upward(edges) + [f"loop: {' <-> '.join(group)}" for group in loops(edges)]
    if args.check:
        for line in problems:
            print(line)
        return 1 if problems else 0
    print(mermaid(edges))
    for line in problems:
        print(f"%% {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
