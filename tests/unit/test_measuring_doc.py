"""docs/measuring.md names files and code: every one it names must exist, so the page
cannot quietly fall behind a rename."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import mimicmirror
import mimicmirror.face

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(mimicmirror.__file__).parent
DOC = ROOT / "docs" / "measuring.md"
NAMED = sorted(set(re.findall(r"`([^`\s]+)`", DOC.read_text(encoding="utf-8"))))
#: Where a short name is looked up: the face package's modules and what they define, and
#: the few modules outside it the page names.
ELSEWHERE = ("mimicmirror.clinical", "mimicmirror.sim", "mimicmirror.sim.warp")


def _namespace() -> dict[str, object]:
    space: dict[str, object] = {}
    modules = [importlib.import_module(f"mimicmirror.face.{m.name}")
               for m in pkgutil.iter_modules(mimicmirror.face.__path__)]
    modules += [importlib.import_module(name) for name in ELSEWHERE]
    for module in modules:
        space[module.__name__.rsplit(".", 1)[-1]] = module
        space.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    return space


def _is_path(token: str) -> bool:
    return "/" in token or token.endswith(".py")


def _resolves(token: str, space: dict[str, object]) -> bool:
    head, *rest = token.split(".")
    if head not in space:
        return False
    thing = space[head]
    for part in rest:
        if not hasattr(thing, part):
            return False
        thing = getattr(thing, part)
    return True


@pytest.mark.parametrize("token", [t for t in NAMED if _is_path(t) and not t.startswith("..")])
def test_every_file_the_page_names_exists(token):
    places = [ROOT / token, PACKAGE / token, *PACKAGE.glob(f"*/{token}"), *ROOT.glob(f"tests/*/{token}")]
    assert any(p.exists() for p in places), f"docs/measuring.md names {token}, which is nowhere"


@pytest.mark.parametrize("token", [t for t in NAMED if "." in t and not _is_path(t)
                                   or re.fullmatch(r"[A-Z]\w+|[a-z]+_\w+", t)])
def test_every_class_function_and_constant_the_page_names_exists(token):
    assert _resolves(token, _namespace()), f"docs/measuring.md names {token}, which is not in the code"


def test_a_renamed_name_would_be_caught():
    space = _namespace()
    assert _resolves("ReferenceMotion.look", space)
    assert not _resolves("ReferenceMotion.glance", space)
    assert not _resolves("motion.Lights", space)
