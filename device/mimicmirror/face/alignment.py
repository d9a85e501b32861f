"""Fitting one face's points onto another's: how a frame lines up with the relaxed one.

Two fits, both run every frame: `similarity` (rotation, scale, shift) takes the
mesh's rigid points of a frame onto the relaxed frame's, for the warp of the
face patch; `turned_similarity` takes the rigid points' tracks in that patch
onto where they went, with the parallax of a head turned or nodded since the
relaxed frame. Each is worked out in closed form on plain floats where a
solver's own steps would cost more than the arithmetic.
"""

from __future__ import annotations

import cv2
import numpy as np

#: The tracks' alignment (`turned_similarity`) drops, `TURN_ROUNDS` times, the tracks
#: further from the fit than this many times the median distance (and than this many
#: patch pixels), and needs at least this many tracks. Measured against the least-median
#: similarity it replaces (benchmarks/real_asymmetry.py, five session starts): simulated
#: movements' symmetry error 0.045 -> 0.043 (brow 0.068 -> 0.045, cheek 0.016 -> 0.026),
#: against the warp's truth 0.044 -> 0.039 (brow 0.080 -> 0.045); symmetric movement min
#: 0.87 both; a still face's largest followed movement 0.64 -> 0.63 noise floors (cheek 0.32 -> 0.41);
#: roll and scale 0.022 both; a still face turned or nodded 6 degrees (sim) read one-sided
#: by up to 0.127 IID (the cheek), now 0.024 (the nose flare). A least-median similarity
#: picking the tracks before the same fit read the brow 0.054.
TURN_TRIM = 3.0
TURN_TRIM_FLOOR_PX = 0.3
TURN_MIN_TRACKS = 6
TURN_ROUNDS = 2


def turned_similarity(src: np.ndarray, depth: np.ndarray, dst: np.ndarray) -> tuple[float, ...] | None:
    """The similarity and parallax taking the relaxed patch's points `src` (at `depth`)
    onto `dst`: (a, b, tx, ty, px, py) with dst = [[a, -b], [b, a]] src + (tx, ty) + depth (px, py),
    or None.

    A head that turns or nods a few degrees moves each point sideways or up and down
    in proportion to its depth (the nose tip most, the eye corners least): to first
    order that is the (px, py) term, and the rest is a similarity. Fitted by least
    squares on every track, then again on those within `TURN_TRIM` times the median
    distance from the fit (at least `TURN_TRIM_FLOOR_PX`), twice, so the few tracks an
    expression moves (a brow raise's forehead) do not decide. Tracks all at one
    depth leave the parallax at 0.
    """
    n = len(src)
    if n < TURN_MIN_TRACKS:
        return None
    # x, y, depth, 1, and where each track went: one matrix product gives a fit's sums.
    table = np.empty((n, 6))
    table[:, :2], table[:, 2:3], table[:, 3], table[:, 4:] = src, depth, 1.0, dst
    fit = _fit_turned(table)
    for _ in range(TURN_ROUNDS):
        if fit is None:
            return None
        a, b, tx, ty, px, py = fit
        miss = table[:, :4] @ np.array([[a, b], [-b, a], [px, py], [tx, ty]]) - table[:, 4:]
        miss = np.einsum("ij,ij->i", miss, miss)
        middle = float(np.partition(miss, n // 2)[n // 2])      # the median (of an odd count; one above it of an even)
        keep = miss <= max(TURN_TRIM ** 2 * middle, TURN_TRIM_FLOOR_PX ** 2)
        if np.count_nonzero(keep) < TURN_MIN_TRACKS:
            return fit
        fit = _fit_turned(table[keep])
    return fit


def _fit_turned(table: np.ndarray) -> tuple[float, ...] | None:
    """`turned_similarity`'s least-squares step on the tracks `table` holds (rows of x, y,
    depth, 1, x', y'). The 4 x 4 normal equations of (a, b, px, py), their point sums
    taken about the means, come apart into two 2 x 2 blocks solved in closed form: this
    runs up to three times a frame, where a solver's own steps would cost more."""
    g = (table.T @ table).tolist()
    n = g[3][3]
    sx, sy, sz, su, sv = g[0][3] / n, g[1][3] / n, g[2][3] / n, g[3][4] / n, g[3][5] / n
    xx, yy, zz = g[0][0] - n * sx * sx, g[1][1] - n * sy * sy, g[2][2] - n * sz * sz
    xz, yz = g[0][2] - n * sx * sz, g[1][2] - n * sy * sz
    xu, xv, yu, yv = g[0][4] - n * sx * su, g[0][5] - n * sx * sv, g[1][4] - n * sy * su, g[1][5] - n * sy * sv
    zu, zv = g[2][4] - n * sz * su, g[2][5] - n * sz * sv
    r2 = xx + yy
    if r2 <= 1e-9:
        return None
    g1, g2 = xu + yv, xv - yu                  # (a, b) r2 + B (px, py) = (g1, g2), B = [[xz, yz], [-yz, xz]]
    left = zz - (xz * xz + yz * yz) / r2       # (B^T B = (xz^2 + yz^2) I: the parallax's block is scalar)
    if left <= 1e-9 * zz or zz <= 1e-9 * r2:   # all at one depth: a similarity alone
        px = py = 0.0
    else:
        px = (zu - (xz * g1 - yz * g2) / r2) / left
        py = (zv - (yz * g1 + xz * g2) / r2) / left
    a = (g1 - xz * px - yz * py) / r2
    b = (g2 + yz * px - xz * py) / r2
    if a * a + b * b < 1e-6:                   # collapsed (every track on one point): no fit
        return None
    return (a, b, su - a * sx + b * sy - px * sz, sv - b * sx - a * sy - py * sz, px, py)


def similarity(src: np.ndarray, dst: np.ndarray) -> list[list[float]] | None:
    """The similarity (2x3, plain floats) taking the points `src` onto `dst`, or None.

    A least-median fit picks the points that agree (a majority that did not move
    decides), as OpenCV's LMEDS does; the similarity is then the least-squares one
    on them, worked out in closed form. That is what OpenCV's own refinement
    converges to (its error is linear in the four unknowns), without its solver's
    steps: the same fit within 2e-12 on the eye-closure clip, cheaper after the
    model has run. Used to align a frame on the relaxed one by the mesh's rigid
    points (`motion.ReferenceMotion.alignment`); their tracks are fitted by
    `turned_similarity`.
    """
    m, keep = cv2.estimateAffinePartial2D(src, dst, method=cv2.LMEDS, refineIters=0)
    if m is None:
        return None
    pairs = [(p, q) for p, q, k in zip(src.tolist(), dst.tolist(), keep.ravel().tolist()) if k]
    if len(pairs) < 2:
        return m.tolist()
    n = len(pairs)
    sx, sy = sum(p[0] for p, _ in pairs) / n, sum(p[1] for p, _ in pairs) / n
    dx, dy = sum(q[0] for _, q in pairs) / n, sum(q[1] for _, q in pairs) / n
    a = b = norm = 0.0
    for (x, y), (u, v) in pairs:
        x, y, u, v = x - sx, y - sy, u - dx, v - dy
        a += x * u + y * v
        b += x * v - y * u
        norm += x * x + y * y
    if norm <= 0.0:
        return m.tolist()
    a, b = a / norm, b / norm
    return [[a, -b, dx - a * sx + b * sy], [b, a, dy - b * sx - a * sy]]
