"""Without the installer's apt packages the analysis cannot load: one line naming the package."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mimicmirror.errors import SYSTEM_LIBRARIES, missing_library

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_LIB_DIR = Path("/usr/lib") / f"{os.uname().machine}-linux-gnu"


def test_names_the_debian_package_for_the_library_opencv_could_not_load():
    error = ImportError("libGL.so.1: cannot open shared object file: No such file or directory")
    assert missing_library(error) == (
        "the system library libGL.so.1 is missing or broken: install it with 'sudo apt install libgl1' "
        "(systemd/install.sh installs everything the mirror needs)")


def test_a_library_given_with_its_path_is_named_by_its_file_name():
    line = missing_library(ImportError("/lib/aarch64-linux-gnu/libgthread-2.0.so.0: file too short"))
    assert line is not None and "libgthread-2.0.so.0" in line and "libglib2.0-0" in line


def test_other_import_errors_are_not_explained_away():
    assert missing_library(ImportError("No module named 'mediapipe'")) is None
    assert missing_library(ImportError("libfoo.so.3: cannot open shared object file")) is None


def test_every_package_named_is_one_the_installer_installs():
    text = (ROOT / "systemd" / "install.sh").read_text()
    apt = re.search(r"^APT_PACKAGES=\((.*?)\)", text, re.S | re.M)
    assert apt is not None
    assert set(SYSTEM_LIBRARIES.values()) <= set(apt.group(1).split())


def can_hide_libraries() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None or not (SYSTEM_LIB_DIR / "libGL.so.1").exists():
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_hide_libraries(), reason="needs root, unshare and libGL.so.1 to hide it")
def test_analyze_without_libgl_says_which_package_to_install(tmp_path):
    """The system's library folder, hard-linked without libGL.so.1, over the real one in a private mount."""
    farm = tmp_path / "lib"
    try:
        subprocess.run(["cp", "-al", str(SYSTEM_LIB_DIR), str(farm)], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        pytest.skip("the library folder cannot be hard-linked from here (another file system)")
    for lib in farm.glob("libGL.so.1*"):
        lib.unlink()
    image = tmp_path / "face.png"
    image.write_bytes(b"not needed: the import fails first")
    command = (f"mount --bind {farm} {SYSTEM_LIB_DIR} && "
               f"exec {sys.executable} -m mimicmirror analyze {image}")
    result = subprocess.run(["unshare", "--mount", "sh", "-c", command], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "mimicmirror: the system library libGL.so.1 is missing or broken: install it with "
        "'sudo apt install libgl1' (systemd/install.sh installs everything the mirror needs)"]
