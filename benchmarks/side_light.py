"""Is light from one side read as one-sided movement? Real photos of still faces, each lit another way.

A folder of photos named PERSON.normal.png (the relaxed face, in even light)
and PERSON.KIND.png (the same face, still, lit another way: from the left, from
the right, from the front) is read as `analyze --neutral` reads a pair: the
normal photo is the relaxed frame, the other is followed from it. A face that
does not move moves neither side, so whatever each length measure reads as one
side moving more than the other (|left - right|, in IID) is the light's doing,
or the photos' own small differences of pose and expression, which the mesh's
own reading of the same pairs, printed beside, shows. Nothing is written
anywhere.

    .venv/bin/python benchmarks/side_light.py FOLDER [--kinds leftlight,rightlight,centerlight]

The Yale Face Database (Belhumeur, Hespanha and Kriegman, 1997; research use:
read it in place, never copy it into the repository) has such photos of 15
people: "normal", "leftlight", "rightlight" and "centerlight", a lamp close
beside the face, so half of it is in shadow: far stronger than a window beside
a mirror, and a hard test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from mimicmirror.face.analyzer import Analyzer
from mimicmirror.face.inputs import read_image
from mimicmirror.face.measures import NOISE_FLOOR, PER_SIDE, UNITS, movement
from mimicmirror.face.types import Measures

METHODS = ("image", "mesh")


def one_sided(now: Measures, was: Measures) -> dict[str, float]:
    """Each length measure's |left movement - right movement| from `was` to `now` (IID)."""
    return {name: moved.one_sided for name, moved in movement(now, was).items()
            if name in PER_SIDE and UNITS[name] == "iid"}


def read(folder: Path, kind: str) -> dict[str, list[dict[str, float]]]:
    """Per method, each person's one-sided readings from their normal photo to their `kind` one."""
    out: dict[str, list[dict[str, float]]] = {m: [] for m in METHODS}
    with Analyzer(static=True, keep_mesh=True) as still:
        for normal in sorted(folder.glob("*.normal.png")):
            other = normal.with_name(normal.name.replace(".normal.", f".{kind}."))
            if not other.is_file():
                continue
            relaxed = still.analyze(read_image(normal))
            if not relaxed.face or not still.set_reference():
                continue
            lit = still.analyze(read_image(other))
            still.clear_reference()
            if not lit.face:
                continue
            out["image"].append(one_sided(lit.measures, relaxed.measures))
            out["mesh"].append(one_sided(lit.mesh_measures, relaxed.mesh_measures))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--kinds", default="leftlight,rightlight,centerlight",
                        help="comma-separated: the photos' KIND besides 'normal'")
    args = parser.parse_args()
    if not args.folder.is_dir() or not any(args.folder.glob("*.normal.png")):
        print(f"{args.folder}: no PERSON.normal.png photos there", file=sys.stderr)
        return 2
    names = [n for n in PER_SIDE if UNITS[n] == "iid"]
    kinds = [k for k in args.kinds.split(",") if k]
    found = {kind: read(args.folder, kind) for kind in kinds}
    columns = [(kind, method) for kind in kinds for method in METHODS]
    print("median over the people of each measure's |left - right| movement (IID), the image followed beside the mesh")
    print(f"{'':24s} " + " ".join(f"{kind[:13]:>13s}" for kind, _ in columns))
    print(f"{'measure':24s} " + " ".join(f"{method:>13s}" for _, method in columns))
    print(f"{'people':24s} " + " ".join(f"{len(found[k][m]):13d}" for k, m in columns))
    for name in names:
        print(f"{name:24s} " + " ".join(f"{statistics.median(p[name] for p in found[k][m]):13.3f}"
                                         if found[k][m] else f"{'-':>13s}" for k, m in columns))
    worst = {(k, m): [max(p[n] / NOISE_FLOOR[n] for n in names) for p in found[k][m]] for k, m in columns}
    print(f"{'worst, floors (median)':24s} " + " ".join(f"{statistics.median(w):13.1f}" if w else f"{'-':>13s}"
                                                         for w in worst.values()))
    print(f"{'worst, floors (max)':24s} " + " ".join(f"{max(w):13.1f}" if w else f"{'-':>13s}"
                                                      for w in worst.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
