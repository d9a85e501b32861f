"""Files written whole: a power cut leaves the old file or the new one, never half of one.

One mechanism for every file the mirror keeps (settings, the last good copy,
the calibration, the speech cache, the stick's note), at the bottom of the
house so every floor can use it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, content: str | bytes) -> None:
    """A power cut leaves the old file or the new one, never half of one.

    The new file is synced before it is renamed over the old, and the folder
    after, so the rename itself survives a power cut too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
