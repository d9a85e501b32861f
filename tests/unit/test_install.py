"""The Raspberry Pi installer, run here in --dry-run mode (it prints every step)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "systemd" / "install.sh"


def system(tmp: Path, arch: str = "arm64", picamera2: str = "0.3.25-1") -> dict[str, str]:
    """An environment in which `dpkg` and `apt-cache` answer like the given system.

    The installer asks them which architecture this is and whether Raspberry Pi's
    archive (with python3-picamera2) is in the apt sources.
    """
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in {"dpkg": f"echo {arch}",
                       "apt-cache": f"printf 'python3-picamera2:\\n  Candidate: {picamera2}\\n'"}.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{text}\n")
        (bin_dir / name).chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def dry_run(*args: str, env: dict[str, str] | None = None, script: Path = INSTALLER) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(script), "--dry-run", *args], capture_output=True,
                          text=True, timeout=60, env=env)


@pytest.fixture(scope="module")
def pi_os(tmp_path_factory) -> dict[str, str]:
    """64-bit Raspberry Pi OS: arm64, with python3-picamera2 in its apt sources."""
    return system(tmp_path_factory.mktemp("pi-os"))


@pytest.fixture(scope="module")
def steps(pi_os) -> list[str]:
    result = dry_run(env=pi_os)
    assert result.returncode == 0, result.stderr
    return [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]


def step_with(steps: list[str], *words: str) -> str:
    found = [s for s in steps if all(w in s.split() for w in words)]
    assert found, f"no step with {words} in:\n" + "\n".join(steps)
    return found[0]


def test_installs_picamera2_and_what_pygame_needs_for_kmsdrm_from_apt(steps):
    install = step_with(steps, "apt-get", "install")
    for package in ("python3-picamera2", "python3-venv", "python3-lgpio", "libegl1", "libgbm1", "libdrm2",
                    "espeak-ng", "alsa-utils"):
        assert package in install.split()
    assert steps.index(step_with(steps, "apt-get", "update")) < steps.index(install)


def test_creates_a_venv_that_sees_the_system_picamera2_and_installs_the_project(steps):
    venv = step_with(steps, "venv", "--system-site-packages", "/opt/mimicmirror/venv")
    pip = step_with(steps, "/opt/mimicmirror/venv/bin/python", "pip", "install", str(ROOT))
    assert steps.index(venv) < steps.index(pip)


def test_creates_an_unprivileged_system_user_in_the_device_groups(steps):
    useradd = step_with(steps, "useradd", "--system", "mimicmirror")
    assert "/usr/sbin/nologin" in useradd.split()
    usermod = step_with(steps, "usermod", "mimicmirror")
    assert set(usermod.split()[-2].split(",")) == {"video", "render", "gpio", "input", "audio"}


def test_copies_the_programme_and_leaves_the_settings_to_the_mirrors_first_start(steps):
    """No device settings are copied: with none, the mirror opens its settings menu on the glass."""
    step_with(steps, "install", str(ROOT / "config" / "exercises.toml"), "/etc/mimicmirror/exercises.toml")
    assert not [s for s in steps if "/etc/mimicmirror/mimicmirror.toml" in s.split()]


def test_installs_and_enables_the_unit_after_the_program(steps):
    unit = step_with(steps, "install", str(ROOT / "systemd" / "mimicmirror.service"),
                     "/etc/systemd/system/mimicmirror.service")
    enable = step_with(steps, "systemctl", "enable", "mimicmirror.service")
    pip = step_with(steps, "pip", "install", str(ROOT))
    assert steps.index(pip) < steps.index(unit) < steps.index(step_with(steps, "daemon-reload")) \
        < steps.index(enable)


def swapped(script: str, line: str, by: str) -> str:
    """`script` with `line` replaced; a line the installer no longer has fails here, not later."""
    assert line in script, f"install.sh has no {line!r} any more"
    return script.replace(line, by)


def installer_with_config_dir(tmp_path: Path, shipped: list[str] | None = None) -> tuple[Path, Path]:
    """A copy of the installer that keeps its settings in tmp_path/etc (and, if given,
    takes `shipped` as the hashes of the earlier default programmes)."""
    etc = tmp_path / "etc"
    etc.mkdir()
    script = swapped(INSTALLER.read_text(), "CONFIG_DIR=/etc/mimicmirror", f"CONFIG_DIR={etc}")
    if shipped is not None:
        listing = tmp_path / "shipped.sha256"
        listing.write_text("# test\n" + "".join(h + "\n" for h in shipped))
        script = swapped(script, 'SHIPPED_PROGRAMMES="$SOURCE_DIR/systemd/default-programmes.sha256"',
                         f"SHIPPED_PROGRAMMES={listing}")
    copy = tmp_path / "install.sh"
    copy.write_text(script)
    return etc, copy


def copy_steps_into(etc: Path, stdout: str) -> list[str]:
    """The dry run's `install` steps that write into `etc`."""
    return [line for line in stdout.splitlines() if line.startswith("+ install") and str(etc) + "/" in line]


def test_keeps_config_files_the_caregiver_already_has(tmp_path, pi_os):
    """A second run must not overwrite edited settings: with the files present, no copy step."""
    etc, copy = installer_with_config_dir(tmp_path)
    (etc / "mimicmirror.toml").write_text("[user]\naffected_side = \"right\"\n")
    (etc / "exercises.toml").write_text("# edited by the therapist\n")
    result = dry_run("--source", str(ROOT), env=pi_os, script=copy)
    assert result.returncode == 0, result.stderr
    assert f"keeping {etc}/mimicmirror.toml" in result.stdout
    assert f"keeping {etc}/exercises.toml" in result.stdout
    assert copy_steps_into(etc, result.stdout) == []


def test_updates_an_earlier_default_programme_nobody_changed(tmp_path, pi_os):
    """An upgrade must not keep a copy of an older default whose keys this version no longer reads."""
    earlier = "# the default programme of an earlier version\n[exercises]\n"
    etc, copy = installer_with_config_dir(tmp_path, shipped=[hashlib.sha256(earlier.encode()).hexdigest()])
    (etc / "exercises.toml").write_text(earlier)
    result = dry_run("--source", str(ROOT), env=pi_os, script=copy)
    assert result.returncode == 0, result.stderr
    assert f"updating {etc}/exercises.toml: it is an earlier default programme, unchanged" in result.stdout
    assert copy_steps_into(etc, result.stdout) == [
        f"+ install -m 0644 {ROOT / 'config' / 'exercises.toml'} {etc}/exercises.toml"]


def test_keeps_an_earlier_default_programme_once_it_was_edited(tmp_path, pi_os):
    earlier = "# the default programme of an earlier version\n[exercises]\n"
    etc, copy = installer_with_config_dir(tmp_path, shipped=[hashlib.sha256(earlier.encode()).hexdigest()])
    (etc / "exercises.toml").write_text(earlier + "# one line added by the therapist\n")
    result = dry_run("--source", str(ROOT), env=pi_os, script=copy)
    assert result.returncode == 0, result.stderr
    assert f"keeping {etc}/exercises.toml" in result.stdout
    assert copy_steps_into(etc, result.stdout) == []


def test_every_default_programme_shipped_is_listed_for_updates_newest_last():
    """Changing config/exercises.toml means adding its hash to the list, or devices would keep the old one."""
    listed = [line for line in (ROOT / "systemd" / "default-programmes.sha256").read_text().splitlines()
              if line and not line.startswith("#")]
    current = hashlib.sha256((ROOT / "config" / "exercises.toml").read_bytes()).hexdigest()
    assert listed[-1] == current, "add `sha256sum config/exercises.toml` to systemd/default-programmes.sha256"
    assert len(set(listed)) == len(listed)


def test_dry_run_changes_nothing(pi_os):
    before = {p: p.exists() for p in (Path("/opt/mimicmirror"), Path("/etc/mimicmirror"),
                                      Path("/etc/systemd/system/mimicmirror.service"))}
    assert dry_run(env=pi_os).returncode == 0
    assert {p: p.exists() for p in before} == before


def test_no_start_enables_for_next_boot_only(pi_os):
    result = dry_run("--no-start", env=pi_os)
    steps = [line for line in result.stdout.splitlines() if line.startswith("+ ")]
    assert "+ systemctl enable mimicmirror.service" in steps
    assert not [s for s in steps if s.startswith(("+ systemctl start", "+ systemctl restart"))]


def test_refuses_a_directory_that_is_not_the_project(tmp_path, pi_os):
    result = dry_run("--source", str(tmp_path), env=pi_os)
    assert result.returncode != 0
    assert "not the Mimic Mirror project" in result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_installer_passes_shellcheck():
    result = subprocess.run(["shellcheck", str(INSTALLER)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def test_checks_the_settings_a_device_has_with_a_command_that_exists(tmp_path, pi_os):
    """With settings present, the printed check step, pointed at this checkout's program, runs and passes."""
    etc, copy = installer_with_config_dir(tmp_path)
    (etc / "mimicmirror.toml").write_text("[user]\naffected_side = \"right\"\n")
    result = dry_run("--source", str(ROOT), env=pi_os, script=copy)
    steps = [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]
    check = step_with(steps, "/opt/mimicmirror/venv/bin/mimicmirror", "config", "check")
    args = check.split()[1:]
    assert args[-1] == f"{etc}/mimicmirror.toml"
    program = Path(sys.executable).parent / "mimicmirror"
    result = subprocess.run([str(program), *args[:-1], str(ROOT / "config" / "mimicmirror.toml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_installs_with_the_pinned_versions(steps):
    pip = step_with(steps, "/opt/mimicmirror/venv/bin/python", "pip", "install", str(ROOT))
    words = pip.split()
    assert words[words.index("-c") + 1] == str(ROOT / "constraints.txt")


def test_refuses_32_bit_raspberry_pi_os_in_one_line(tmp_path):
    result = dry_run(env=system(tmp_path, arch="armhf"))
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "install.sh: this is a 32-bit system (armhf): the face model has no 32-bit build; "
        "install Raspberry Pi OS (64-bit) Bookworm"]


def plain_debian_installer(tmp_path: Path) -> Path:
    """The installer, reading apt sources that do not list Raspberry Pi's archive."""
    sources = tmp_path / "apt"
    (sources / "sources.list.d").mkdir(parents=True)
    (sources / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example.net/debian\nSuites: bookworm\nComponents: main\n")
    copy = tmp_path / "install.sh"
    copy.write_text(swapped(INSTALLER.read_text(), "APT_SOURCES_DIR=/etc/apt", f"APT_SOURCES_DIR={sources}"))
    return copy


def test_refuses_plain_debian_before_apt_stops_at_picamera2(tmp_path):
    copy = plain_debian_installer(tmp_path)
    result = dry_run("--source", str(ROOT), env=system(tmp_path, picamera2="(none)"), script=copy)
    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1
    assert "python3-picamera2 is not in the apt sources (plain Debian, not Raspberry Pi OS)" in result.stderr
    assert "apt-get" not in result.stdout


def test_plain_debian_test_install_leaves_out_the_pi_archive_packages(tmp_path):
    copy = plain_debian_installer(tmp_path)
    result = dry_run("--source", str(ROOT), "--plain-debian", env=system(tmp_path, picamera2="(none)"),
                     script=copy)
    assert result.returncode == 0, result.stderr
    install = [line for line in result.stdout.splitlines() if "apt-get install" in line]
    assert len(install) == 1
    assert "python3-venv" in install[0].split()
    assert not {"python3-picamera2", "python3-lgpio"} & set(install[0].split())


def test_installs_both_stick_units_the_udev_rule_and_mtools(steps):
    for name in ("mimicmirror-stick@.service", "mimicmirror-stick-exfat@.service"):
        assert f"install -m 0644 {ROOT / 'systemd' / name} /etc/systemd/system/{name}" in steps
    rule = step_with(steps, "install", "/etc/udev/rules.d/90-mimicmirror-stick.rules")
    assert steps.index(rule) < steps.index("udevadm control --reload-rules") < steps.index("systemctl daemon-reload")
    assert "mtools" in step_with(steps, "apt-get", "install").split()
    # The mirror (settings menu) and the stick unit (settings from a stick) may replace the settings.
    assert "install -d -m 2775 -o root -g mimicmirror /etc/mimicmirror" in steps
