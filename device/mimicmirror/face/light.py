"""A frame's face patch freed of the light: its texture, what image following follows.

The light may change after the relaxed frame: a lamp switched on, daylight, the
camera's exposure settling, a window or lamp beside the mirror lighting one
side of the face more. Lucas-Kanade (`motion`) matches grey levels, so it
follows each patch's texture instead: each pixel less the mean of its
neighbourhood, over their spread. An offset of the light drops out wherever it
is even over a few pixels, uneven across the face or not, and so does a gain
wherever there is detail (a spread above `TEXTURE_FLOOR`; flatter skin keeps a
little of it).

Mapping the whole patch's grey levels onto the relaxed patch's (one table
for the face: what was done before) took out a light that changed evenly, but
not a light stronger on one side: a still face lit 20 % more on one side read
as moving by up to 17 noise floors, and real photos lit from one side (the
Yale Face Database's "leftlight" and "rightlight" beside each person's
"normal", research use, not in the repository: benchmarks/side_light.py) read
the brows, nose and cheeks as moving one-sidedly by 0.2-0.8 inter-iris
distances, far more than the mesh's 0.01-0.06; with the texture 0.02-0.07.
The eye rows (`eyelids`) need neither: their correlation of each row less its
own ramp leaves a light even along a row out (measured without the table: the
real winks, sleepy eyes and webcam clip read the same or nearer the hand
truth, and a still face's eyes stay seen under every simulated light change;
through simulated camera noise the symmetric eye closures' least symmetry went
0.84 -> 0.81).
"""

from __future__ import annotations

import cv2
import numpy as np

#: `texture`'s neighbourhood (pixels of the face patch, a square of this side), the
#: spread below which detail is taken as noise rather than stretched, and the grey
#: levels one spread becomes (about 128 +- 3 spreads fit in 8 bits). Measured against
#: one table for the patch's grey levels (benchmarks/real_asymmetry.py, five session
#: starts): the simulated movements' symmetry error 0.043 -> 0.037 (cheek 0.026 ->
#: 0.009, nose 0.024 -> 0.009, smile 0.055 -> 0.049), against the warp's truth 0.039
#: -> 0.035; a still face lit 10-20 % more on one side 17.2 -> 0.43 noise floors, under
#: an even change of the light (sim.warp.LIGHT_CHANGES) at most 0.61 both ways. Real
#: photos lit from one side (benchmarks/side_light.py, 15 people, the median over them
#: of each measure's one-sided reading): brow 0.38 -> 0.03, nose flare 0.47 -> 0.05,
#: cheek 0.76 -> 0.07 IID on the left-lit photos. The price is a little of the noise:
#: a real webcam clip of a still face (inter-iris distance 42 px) read its largest
#: movements 0.89 -> 1.12 noise floors, averaged over the measures; and CPU: 87 us a
#: frame in a loop, where the table took 22 (benchmarks/real_asymmetry.py's cost rows,
#: three runs each: one thread the same, as the mirror runs it about 4 points more,
#: smile 14.5 -> 18.1 %, eye closure 20.1 -> 24.2 %). A smaller square
#: took out more of a real one-sided light and let in more noise (5: 1.22 floors), a
#: larger one the opposite (11, 15, 21: the one-sided photos' worst measures 1.5-3x
#: further from the mesh); a spread floor of 4 read the webcam clip 1.26, of 12 or 16
#: about as 8, and 16 the simulated movements a little worse (docs/measuring.md).
TEXTURE_SIZE = 7
TEXTURE_FLOOR = 8.0
TEXTURE_SCALE = 40.0


def texture(patch: np.ndarray) -> np.ndarray:
    """`patch` (grey, 8 bits) as its detail: each pixel less its `TEXTURE_SIZE`
    neighbourhood's mean, over that neighbourhood's spread (at least
    `TEXTURE_FLOOR`), `TEXTURE_SCALE` levels a spread about mid-grey (8 bits).

    A light that is even over a few pixels, however it changes across the face,
    leaves this the same where there is detail. A new array; `Texture` makes a
    frame's into its own.
    """
    return Texture(patch.shape).of(patch)


class Texture:
    """`texture` of one patch size after another, into buffers of its own.

    This runs for every frame, in a few OpenCV steps over the patch, each writing
    into a buffer of the last frame's: the same steps each into a new array took
    108 to 304 us a patch in a loop here, by how many were alive at once (the
    memory handed back to the system and asked for again), these 87 to 100. So
    one maker serves one thread: a `motion.ReferenceMotion` is followed by one.
    """

    def __init__(self, shape: tuple[int, ...]):
        if len(shape) != 2:
            raise ValueError(f"a texture is made of a grey patch (height, width), not of shape {shape}")
        self.shape = tuple(shape)
        self._mean = np.empty(shape, np.float32)
        self._spread = np.empty_like(self._mean)
        self._detail = np.empty_like(self._mean)
        self._out = np.empty(shape, np.uint8)

    def of(self, patch: np.ndarray) -> np.ndarray:
        """`patch`'s texture, in this maker's buffer: good until its next call."""
        if patch.shape != self.shape or patch.dtype != np.uint8:
            raise ValueError(f"expected a {self.shape} grey patch of 8 bits, got {patch.shape} {patch.dtype}")
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
