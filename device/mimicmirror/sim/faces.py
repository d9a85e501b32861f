"""Real, public-domain faces that ship inside installed packages (no downloads).

grace_hopper.jpg comes with matplotlib (a MediaPipe dependency); astronaut.png
(Eileen Collins) with scikit-image (a test extra). Both are public domain.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError
from ..face.inputs import read_image


def _grace_hopper() -> np.ndarray:
    import matplotlib

    return read_image(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg")


def _astronaut() -> np.ndarray:
    try:
        from skimage import data
    except ImportError:
        raise InputError("face 'astronaut' needs scikit-image (pip install scikit-image)") from None
    return np.ascontiguousarray(data.astronaut())


def load_face(name_or_path: str | Path) -> np.ndarray:
    """A bundled face by name, or any image file, as an RGB uint8 array."""
    loaders = {"grace_hopper": _grace_hopper, "astronaut": _astronaut}
    if str(name_or_path) in loaders:
        return loaders[str(name_or_path)]()
    return read_image(Path(name_or_path))

