"""A frame's face patch freed of the light, two ways: its texture, and the relaxed patch's levels.

The light may change after the relaxed frame: a lamp switched on, daylight, the
camera's exposure settling, a window or lamp beside the mirror lighting one
side of the face more. Image following must not read that as movement.

- `texture`: what Lucas-Kanade (`motion`) follows. Each pixel less the mean of
  its neighbourhood, over their spread: a gain and an offset of the light,
  uneven across the face or not, drop out wherever they are even over a few
  pixels. Matching the whole patch's levels (`Light`) could not take out a
  light stronger on one side: a still face lit 20 % more on one side read as
  moving by up to 17 noise floors; real photos lit from one side (the Yale
  Face Database's "leftlight" and "rightlight" beside each person's "normal",
  research use, not in the repository) read the brows, nose and cheeks as
  moving one-sidedly by 0.2-0.8 inter-iris distances, far more than the
  mesh's 0.01-0.06, and with the texture by 0.02-0.07.
- `Light`: the eye rows (`eyelids`) compare the relaxed eye's bands with the
  frame's by correlation, which the levels' gamma still moves; they read the
  frame's patch with the relaxed patch's levels.
"""

from __future__ import annotations

import bisect

import cv2
import numpy as np

#: `texture`'s neighbourhood (pixels of the face patch, a square of this side), the
#: spread below which detail is taken as noise rather than stretched, and the grey
#: levels one spread becomes (about 128 +- 3 spreads fit in 8 bits). Measured against
#: `Light` (benchmarks/real_asymmetry.py, five session starts): the simulated movements'
#: symmetry error 0.043 -> 0.037 (cheek 0.026 -> 0.009, nose 0.024 -> 0.009, smile
#: 0.055 -> 0.049), against the warp's truth 0.039 -> 0.034; a still face lit 10-20 %
#: more on one side 17.2 -> 0.8 noise floors. Real photos lit from one side (15
#: people, the median over them of each measure's one-sided reading): brow 0.38 ->
#: 0.03, nose flare 0.47 -> 0.06, cheek 0.76 -> 0.07 IID on the left-lit photos.
#: The price is a little of the noise: a real webcam clip of a still face
#: (inter-iris distance 42 px) read its largest movements 0.89 -> 1.06 noise floors,
#: averaged over the measures. A smaller square took out more of a real one-sided
#: light and let in more noise (5: 1.22 floors), a larger one the opposite
#: (11, 15, 21: the one-sided photos' worst measures 1.5-3x further from the mesh);
#: a spread floor of 4 read the webcam clip 1.26, of 12 or 16 about as 8.
TEXTURE_SIZE = 7
TEXTURE_FLOOR = 8.0
TEXTURE_SCALE = 40.0

#: A frame's light is matched to the relaxed frame's at the grey levels below which these
#: shares of the face patch's pixels lie (`Light`). Measured (benchmarks/real_asymmetry.py,
#: five session starts) against no matching: the simulated movements' symmetry error 0.044
#: -> 0.045 (nose 0.019 -> 0.025; against the truth the brow 0.074 -> 0.080), symmetric
#: movement min 0.88 -> 0.87, a still face's largest followed movement 0.82 -> 0.64 noise
#: floors, head roll and scale 0.022 both; a still face under other light
#: (sim.warp.LIGHT_CHANGES) 3.7-73 floors -> at most 0.35 (tests/model/test_image_motion.py).
#: Two shares (0.1, 0.9: a gain and an offset) read the movements the same, but a gamma of
#: 0.8 or 1.25 still 2.4 and 1.6 floors.
#: Reading the light in squares around the rigid points instead: each expression changes
#: some of those squares (the brow raise's forehead, the shut eyes' corners), and the
#: simulated brow raise read worse (0.068 -> 0.079).
LIGHT_SHARES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: A frame whose grey levels would have to be stretched or squeezed more than this between
#: two of those shares to match (a covered camera, a flat or blown-out patch) keeps its own.
LIGHT_STEEPEST = 4.0
#: The counts are taken on every this many rows of the patch; the levels are kept to this
#: much of a grey level (`Light`).
LIGHT_ROWS = 4
LIGHT_STEP = 1.0 / 16.0


class Light:
    """The relaxed patch's grey levels, and a frame's patch given them.

    Movement moves the face's pixels about but hardly changes how many of each
    grey level the face patch holds; a change of the light changes exactly
    that. So the grey levels below which `LIGHT_SHARES` of a frame's patch lie
    are taken to the relaxed patch's, piecewise straight between them and
    straight on past the ends (one look-up table): a gain, an offset or a gamma
    of the light comes out as it went in. An expression changes the counts a
    little (teeth shown, an eye shut, a wrinkled nose): measured on the simulated
    movements, the table then moves mid-grey by 0-2 grey levels, at most 4.
    Where brighter light clips much of the face, no detail is left there to follow.

    Every frame is matched on its own levels: a grey level's difference already
    moves the followed points (on the astronaut's small face, 20 levels read as
    movement of up to 19 noise floors), and the levels of a single frame seen
    through a camera wander by 1-3 grey levels, which a table kept over several
    frames turned into movement above the floor on a still face. This runs for
    every frame, so the counts come from every `LIGHT_ROWS`-th row of the patch
    (thousands of pixels: plenty for five shares), the few levels are plain floats,
    and a table is made again only when they change (to `LIGHT_STEP` of a level).
    Measured after the model has run: about 0.1 ms a frame.
    """

    def __init__(self, patch: np.ndarray):
        self.levels = _levels(patch)
        self._made: tuple[tuple[float, ...], np.ndarray | None] = ((), None)

    def matched(self, patch: np.ndarray) -> np.ndarray:
        """`patch` (grey, 8 bits) with the relaxed patch's light."""
        now = tuple(round(v / LIGHT_STEP) * LIGHT_STEP for v in _levels(patch))
        made, table = self._made
        if now != made:
            table = self._table(now)
            self._made = (now, table)
        return patch if table is None else cv2.LUT(patch, table)

    def _table(self, now: tuple[float, ...]) -> np.ndarray | None:
        """The look-up table taking levels `now` to the relaxed ones (None: no light does
        that: a flat patch, covered, dark or blown out, stays as it is)."""
        was = self.levels
        steps = [(b1 - b0) / max(a1 - a0, 1e-9) for a0, a1, b0, b1 in zip(now, now[1:], was, was[1:])]
        if not all(1.0 / LIGHT_STEEPEST <= k <= LIGHT_STEEPEST for k in steps):
            return None
        xs = [now[0] - 256.0, *now, now[-1] + 256.0]
        ys = [was[0] - 256.0 * steps[0], *was, was[-1] + 256.0 * steps[-1]]
        table = np.interp(_GREY, xs, ys)
        np.clip(table, 0.0, 255.0, out=table)
        return np.rint(table, out=table).astype(np.uint8)


_GREY = np.arange(256, dtype=np.float64)


def texture(patch: np.ndarray) -> np.ndarray:
    """`patch` (grey, 8 bits) as its detail: each pixel less its `TEXTURE_SIZE`
    neighbourhood's mean, over that neighbourhood's spread (at least
    `TEXTURE_FLOOR`), `TEXTURE_SCALE` levels a spread about mid-grey (8 bits).

    A light that is even over a few pixels, however it changes across the face,
    leaves this the same. A new array; `Texture` makes a frame's into its own.
    """
    return Texture(patch.shape).of(patch)


class Texture:
    """`texture` of one patch size after another, into buffers of its own.

    This runs for every frame, in a few OpenCV steps over the patch; each step
    writing into a buffer of the last frame's rather than a new one keeps the
    memory from being handed back and asked for again (measured in a loop: 304
    against 98 us a patch).
    """

    def __init__(self, shape: tuple[int, ...]):
        self._mean = np.empty(shape[:2], np.float32)
        self._spread = np.empty_like(self._mean)
        self._detail = np.empty_like(self._mean)
        self._out = np.empty(shape[:2], np.uint8)

    def of(self, patch: np.ndarray) -> np.ndarray:
        """`patch`'s texture, in this maker's buffer: good until its next call."""
        size = (TEXTURE_SIZE, TEXTURE_SIZE)
        mean, spread, detail = self._mean, self._spread, self._detail
        cv2.boxFilter(patch, cv2.CV_32F, size, dst=mean)
        cv2.sqrBoxFilter(patch, cv2.CV_32F, size, dst=spread)
        cv2.multiply(mean, mean, dst=detail)
        cv2.subtract(spread, detail, dst=spread)
        cv2.add(spread, TEXTURE_FLOOR * TEXTURE_FLOOR, dst=spread)
        cv2.sqrt(spread, dst=spread)
        cv2.subtract(patch, mean, dst=detail, dtype=cv2.CV_32F)
        cv2.divide(detail, spread, dst=detail, scale=TEXTURE_SCALE)
        return cv2.add(detail, 128.0, dst=self._out, dtype=cv2.CV_8U)


def _levels(patch: np.ndarray) -> tuple[float, ...]:
    """The grey levels below which `LIGHT_SHARES` of `patch`'s pixels lie (counted on every
    `LIGHT_ROWS`-th row; within a level, the pixels there are taken as spread evenly over
    it, so the levels move smoothly with the light)."""
    counts = cv2.calcHist([patch[::LIGHT_ROWS]], [0], None, [256], [0, 256]).ravel()
    below = np.cumsum(counts).tolist()
    total, out = below[-1], []
    for share in LIGHT_SHARES:
        k = bisect.bisect_left(below, share * total)
        before = below[k - 1] if k else 0.0
        out.append(k + (share * total - before) / max(below[k] - before, 1e-9))
    return tuple(out)
