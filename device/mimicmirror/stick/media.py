"""A USB stick as the report and settings code sees it: a few file operations, two ways.

- `FolderStick`: a stick mounted as a folder (the Pi's stick unit mounts it; on a
  laptop it is wherever the desktop mounted it). Plain system calls, each
  written file fsync'ed, so "saved" means on the stick, not in a cache.
- `ImageStick`: a FAT file system in a block device or an image file, read
  and written with mtools, so nothing is mounted: the Pi's stick unit for FAT
  sticks needs no privilege beyond owning the stick's device node. Also the
  way on machines that cannot mount FAT, and the virtual rig's stick.

Both turn every failure into a `StickError` whose `kind` says what a person
can do about it: the stick is full, it is read-only (a lock switch, or a
broken file system the kernel mounted read-only), or it is gone (pulled out).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

FULL, READ_ONLY, GONE = "full", "read_only", "gone"

#: errno -> what it means for a person holding the stick.
ERRNO_KINDS = {
    errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EFBIG: FULL,
    errno.EROFS: READ_ONLY, errno.EACCES: READ_ONLY, errno.EPERM: READ_ONLY,
    errno.EIO: GONE, errno.ENODEV: GONE, errno.ENXIO: GONE, errno.ENOENT: GONE,
    errno.ENOTDIR: GONE, errno.ESHUTDOWN: GONE, errno.ENOMEDIUM: GONE,
}
#: What mtools prints for each kind (its exit status is 0 after some failed writes, so its words count).
MTOOLS_KINDS = (
    ("Disk full", FULL), ("No space left", FULL),
    ("Read-only", READ_ONLY), ("Operation not permitted", READ_ONLY), ("Permission denied", READ_ONLY),
    ("Can't open", GONE), ("No such file", GONE), ("No such device", GONE), ("Input/output error", GONE),
    ("init: ", GONE), ("Cannot initialize", GONE),
)


class StickError(Exception):
    """The stick refused or lost a file operation; `kind` is FULL, READ_ONLY or GONE."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


def from_oserror(e: OSError) -> StickError:
    return StickError(ERRNO_KINDS.get(e.errno or 0, GONE), e.strerror or str(e))


class Stick(Protocol):
    """The file operations the report and settings need; names are relative to the stick's top folder."""

    label: str

    def read(self, name: str, limit: int) -> bytes | None:
        """A top-folder file's bytes (None when absent); longer than `limit` raises StickError(FULL)."""

    def exists(self, name: str) -> bool: ...

    def make_folder(self, name: str) -> None: ...

    def write(self, name: str, data: bytes) -> None:
        """Write a whole file and make sure it is on the stick before returning."""

    def rename(self, old: str, new: str) -> None: ...

    def remove_folder(self, name: str) -> None:
        """Best effort: a stick that is gone or locked keeps what it has."""

    def sync(self) -> None:
        """Everything written is on the stick itself, not in a cache, when this returns."""


class FolderStick:
    """A mounted stick (or any folder standing in for one)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.label = str(root)

    def _path(self, name: str) -> Path:
        return self.root / name

    def read(self, name: str, limit: int) -> bytes | None:
        try:
            with open(self._path(name), "rb") as f:
                data = f.read(limit + 1)
        except (FileNotFoundError, IsADirectoryError):
            return None
        except OSError as e:
            raise from_oserror(e) from None
        if len(data) > limit:
            raise StickError(FULL, f"{name} is larger than {limit} bytes")
        return data

    def exists(self, name: str) -> bool:
        try:
            os.stat(self._path(name))
            return True
        except FileNotFoundError:
            return False
        except OSError as e:
            raise from_oserror(e) from None

    def make_folder(self, name: str) -> None:
        try:
            os.mkdir(self._path(name))
        except OSError as e:
            raise from_oserror(e) from None

    def write(self, name: str, data: bytes) -> None:
        try:
            fd = os.open(self._path(name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as e:
            raise from_oserror(e) from None

    def rename(self, old: str, new: str) -> None:
        try:
            os.rename(self._path(old), self._path(new))
            fd = os.open(self.root, os.O_RDONLY)
            try:
                os.fsync(fd)   # the new name is on the stick too, not only the files
            finally:
                os.close(fd)
        except OSError as e:
            raise from_oserror(e) from None

    def remove_folder(self, name: str) -> None:
        shutil.rmtree(self._path(name), ignore_errors=True)

    def sync(self) -> None:
        try:
            fd = os.open(self.root, os.O_RDONLY)
            try:
                if _libc_syncfs(fd) != 0:
                    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
            finally:
                os.close(fd)
        except OSError as e:
            raise from_oserror(e) from None


class ImageStick:
    """A FAT file system in an image file or block device, through mtools (no mount needed)."""

    def __init__(self, image: Path) -> None:
        self.image = Path(image)
        self.label = str(image)

    def _mtools(self, tool: str, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
        if not self.image.exists():
            raise StickError(GONE, f"{self.image} is not there")
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C")
        try:
            result = subprocess.run([tool, "-i", str(self.image), *args], input=data, capture_output=True,
                                    env=env, timeout=120)
        except FileNotFoundError:
            raise StickError(GONE, f"{tool} is not installed (Debian package mtools)") from None
        except subprocess.TimeoutExpired:
            raise StickError(GONE, f"{tool} did not finish") from None
        said = result.stderr.decode("utf-8", "replace")
        if "not found" in said:
            raise StickError(GONE, said.strip().splitlines()[-1])
        for words, kind in MTOOLS_KINDS:
            if words in said:
                raise StickError(kind, said.strip().splitlines()[-1] if said.strip() else words)
        if result.returncode != 0:
            raise StickError(GONE, said.strip() or f"{tool} failed")
        return result

    def _names(self, folder: str) -> set[str] | None:
        """The names in a folder of the stick (None when there is no such folder)."""
        try:
            listing = self._mtools("mdir", "-b", f"::/{folder}").stdout.decode("utf-8", "replace")
        except StickError as e:
            if "not found" in e.detail:
                return None
            raise
        return {line.rstrip("/").rsplit("/", 1)[-1] for line in listing.splitlines() if line.strip()}

    def exists(self, name: str) -> bool:
        folder, _, leaf = name.rpartition("/")
        return leaf in (self._names(folder) or ())

    def read(self, name: str, limit: int) -> bytes | None:
        if not self.exists(name):
            return None
        data = self._mtools("mtype", f"::/{name}").stdout
        if len(data) > limit:
            raise StickError(FULL, f"{name} is larger than {limit} bytes")
        return data

    def make_folder(self, name: str) -> None:
        self._mtools("mmd", f"::/{name}")

    def write(self, name: str, data: bytes) -> None:
        # "-" copies standard input; -o replaces without asking.
        self._mtools("mcopy", "-o", "-", f"::/{name}", data=data)
        if self._mtools("mtype", f"::/{name}").stdout != data:   # mtools may say nothing of a short write
            raise StickError(FULL, f"{name}: only part of it reached the stick")

    def rename(self, old: str, new: str) -> None:
        self._mtools("mren", f"::/{old}", f"::/{new}")

    def remove_folder(self, name: str) -> None:
        try:
            self._mtools("mdeltree", f"::/{name}")
        except StickError:
            pass

    def sync(self) -> None:
        """mtools leaves a block device's writes in the kernel's cache; fsync sends them to the stick."""
        try:
            fd = os.open(self.image, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as e:
            raise from_oserror(e) from None


def _libc_syncfs(fd: int) -> int:
    return ctypes.CDLL(None, use_errno=True).syncfs(fd)
