"""Mounting a stick with nothing but CAP_SYS_ADMIN (the stick unit's one capability).

The mount(2) system call is used directly: util-linux's `mount` refuses to
work for a user other than root even with the capability. The file system
is mounted for the mirror's user only (uid/gid/umask), without device files,
set-uid programs or execution, and in the stick unit's private mount namespace,
so nothing else on the system ever sees it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import tempfile
from pathlib import Path
from typing import Iterator

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MNT_DETACH = 2
#: File systems a stick may have, and their options (vfat's `flush` writes early, so pulling out loses less).
TYPES = {
    "vfat": "uid={uid},gid={gid},umask=077,flush,shortname=mixed,utf8",
    "exfat": "uid={uid},gid={gid},umask=077",
}


class MountError(Exception):
    """The stick could not be mounted; the message is one line."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _mount(device: str, target: str, fstype: str, flags: int, options: str) -> int:
    if _libc().mount(device.encode(), target.encode(), fstype.encode(), flags, options.encode()) == 0:
        return 0
    return ctypes.get_errno()


@contextlib.contextmanager
def mounted(device: Path) -> Iterator[Path]:
    """The stick's top folder, mounted for the duration; synced and unmounted afterwards."""
    target = tempfile.mkdtemp(prefix="mimicmirror-stick-")
    ids = {"uid": os.getuid(), "gid": os.getgid()}
    errors = []
    for fstype, options in TYPES.items():
        flags = MS_NOSUID | MS_NODEV | MS_NOEXEC
        code = _mount(str(device), target, fstype, flags, options.format(**ids))
        if code in (errno.EROFS, errno.EACCES):   # a write-protected stick: its settings can still be read
            code = _mount(str(device), target, fstype, flags | MS_RDONLY, options.format(**ids))
        if code == 0:
            break
        errors.append(f"{fstype}: {os.strerror(code)}")
    else:
        os.rmdir(target)
        raise MountError(f"{device}: not a FAT or exFAT stick, or it cannot be read ({'; '.join(errors)})")
    try:
        yield Path(target)
    finally:
        with contextlib.suppress(OSError):
            fd = os.open(target, os.O_RDONLY)
            try:
                _libc().syncfs(fd)   # everything on this stick written out before it is let go
            finally:
                os.close(fd)
        if _libc().umount2(target.encode(), 0) != 0:      # busy or gone: let the kernel finish it
            _libc().umount2(target.encode(), MNT_DETACH)
        with contextlib.suppress(OSError):
            os.rmdir(target)
