"""The program as the Pi's installer puts it in place: a built wheel, not this checkout.

`make` installs the project editable, so files found beside the package in the
checkout (the config/ folder) would hide a wheel that leaves them out. Here the
wheel is built, installed into a fresh environment (its dependencies are taken
from this one, they are not the point) and run from a folder with no project in it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"),
                            str(ROOT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("mimicmirror-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                          "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stderr
    # The dependencies of this environment, but not its editable mimicmirror
    # (a plain path entry: the editable install's own .pth hook is not run).
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    workdir = tmp / "elsewhere"
    workdir.mkdir()
    return {"bin": env_dir / "bin", "site": site, "cwd": workdir}


def mimicmirror(installed: dict[str, Path], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MIMICMIRROR_CONFIG", "PYTHONPATH")}
    return subprocess.run([str(installed["bin"] / "mimicmirror"), *args], capture_output=True, text=True,
                          cwd=installed["cwd"], env=env, timeout=timeout)


def test_the_installed_program_is_the_wheel_not_this_checkout(installed):
    where = subprocess.check_output([str(installed["bin"] / "python"), "-c",
                                     "import mimicmirror; print(mimicmirror.__file__)"],
                                    cwd=installed["cwd"], text=True).strip()
    assert Path(where).is_relative_to(installed["site"])


@pytest.mark.skipif(Path("/etc/mimicmirror/mimicmirror.toml").exists(),
                    reason="this machine has an installed config, which is used instead of the defaults")
def test_config_check_without_any_config_file_checks_the_defaults_inside_the_package(installed):
    result = mimicmirror(installed, "config", "check")
    assert result.returncode == 0, result.stderr
    defaults = installed["site"] / "mimicmirror" / "defaults"
    assert result.stdout.splitlines() == [f"OK: {defaults / 'mimicmirror.toml'}",
                                          f"OK: {defaults / 'exercises.toml'}"]


def test_config_check_on_a_lone_device_config_uses_the_programme_inside_the_package(installed):
    lone = installed["cwd"] / "mimicmirror.toml"
    lone.write_text('[user]\naffected_side = "right"\n')
    result = mimicmirror(installed, "config", "check", str(lone))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"OK: {installed['site'] / 'mimicmirror' / 'defaults' / 'exercises.toml'}"


def test_the_demo_runs_on_its_defaults(installed):
    out = installed["cwd"] / "demo"
    result = mimicmirror(installed, "demo", "--scenario", "brief", "--headless", "--no-screenshots",
                         "--out", str(out), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "session completed" in result.stdout
    assert (out / "mimicmirror.db").stat().st_size > 0
