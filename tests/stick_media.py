"""Real FAT sticks for the tests: images made by mkfs.vfat, read back with mtools, loop devices.

The machine may not be able to mount FAT (a container, or a kernel without
vfat); mtools reads and writes the same file system without mounting, so
every test here has a real FAT file system under it either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C")

needs_fat_tools = pytest.mark.skipif(
    shutil.which("mkfs.vfat") is None or shutil.which("mcopy") is None,
    reason="dosfstools and mtools are not installed (scripts/system-deps.sh installs them)")


def make_fat(path: Path, kib: int = 4096, label: str = "STICK") -> Path:
    """An empty FAT file system of `kib` KiB in an image file, as a fresh stick has."""
    with open(path, "wb") as f:
        f.truncate(kib * 1024)
    subprocess.run(["mkfs.vfat", "-n", label, str(path)], check=True, capture_output=True)
    return path


def put(image: Path, name: str, data: bytes) -> None:
    subprocess.run(["mcopy", "-i", str(image), "-o", "-", f"::/{name}"], input=data, check=True,
                   capture_output=True, env=MTOOLS_ENV)


def get(image: Path, name: str) -> bytes:
    return subprocess.run(["mtype", "-i", str(image), f"::/{name}"], check=True, capture_output=True,
                          env=MTOOLS_ENV).stdout


def listing(image: Path, folder: str = "") -> list[str]:
    """Every name in a folder of the stick (hidden ones too), without the folder part."""
    out = subprocess.run(["mdir", "-i", str(image), "-b", "-a", f"::/{folder}"], capture_output=True,
                         env=MTOOLS_ENV, text=True).stdout
    return sorted(line.rstrip("/").rsplit("/", 1)[-1] for line in out.splitlines() if line.strip())


def fsck_clean(image: Path) -> bool:
    """dosfsck finds nothing to repair (checked read-only)."""
    return subprocess.run(["fsck.vfat", "-n", str(image)], capture_output=True).returncode == 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def loop_device(image: Path, read_only: bool = False) -> Iterator[Path]:
    """The image as a block device, as the kernel shows a real stick (skips where there are none)."""
    args = ["losetup", "--find", "--show"] + (["--read-only"] if read_only else []) + [str(image)]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"no loop devices here ({result.stderr.strip()})")
    device = Path(result.stdout.strip())
    try:
        yield device
    finally:
        subprocess.run(["losetup", "--detach", str(device)], capture_output=True)


@contextlib.contextmanager
def mounted_fat(image: Path, options: str = "") -> Iterator[Path]:
    """The image loop-mounted as vfat (skips on machines whose kernel cannot mount FAT)."""
    opts = "loop" + (f",{options}" if options else "")
    with _mounted(["-t", "vfat", "-o", opts, str(image)], image.with_suffix(".mnt"), "cannot mount FAT here") as target:
        yield target


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, kib: int) -> Iterator[Path]:
    """A small kernel file system, for the mounted-folder code's real ENOSPC and EROFS."""
    with _mounted(["-t", "tmpfs", "-o", f"size={kib}k", "tmpfs"], folder, "cannot mount here") as target:
        yield target


@contextlib.contextmanager
def _mounted(source: list[str], target: Path, cannot: str) -> Iterator[Path]:
    """`mount SOURCE... TARGET` on a folder made for it, unmounted and removed after; where this
    machine cannot mount it, the test is skipped with `cannot` and the mount's first complaint."""
    target.mkdir()
    result = subprocess.run(["mount", *source, str(target)], capture_output=True, text=True)
    if result.returncode != 0:
        target.rmdir()
        pytest.skip(f"{cannot} ({result.stderr.strip().splitlines()[0] if result.stderr.strip() else ''})")
    try:
        yield target
    finally:
        subprocess.run(["umount", "--lazy", str(target)], capture_output=True)
        target.rmdir()
