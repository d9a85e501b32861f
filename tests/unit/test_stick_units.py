"""The USB stick units and their udev rule: least privilege, checked by systemd's own tools.

Each stick unit is verified as an instance (mimicmirror-stick@sda1.service) with
ExecStart pointing at this checkout's program, like the mirror's own unit.
The exposure figures are the ones `systemd-analyze security` prints; the
limits are the measured values, so any loosening fails here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "systemd"
INSTALLED_EXEC = "/opt/mimicmirror/venv/bin/mimicmirror"
#: unit template -> (what its ExecStart runs, the highest exposure it may have)
STICK_UNITS = {
    "mimicmirror-stick@.service": ("stick --fat /dev/%I", 0.2),
    "mimicmirror-stick-exfat@.service": ("stick --mount /dev/%I", 0.9),
}
needs_systemd_analyze = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                           reason="systemd-analyze is not installed")


def settings(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def instance(tmp_path: Path, template: str, text: str | None = None) -> Path:
    """The template as instance sda1, running this checkout's program."""
    program = Path(sys.executable).parent / "mimicmirror"
    text = (SYSTEMD / template).read_text() if text is None else text
    assert f"ExecStart={INSTALLED_EXEC} " in text
    unit = tmp_path / template.replace("@.", "@sda1.")
    unit.write_text(text.replace(f"ExecStart={INSTALLED_EXEC} ", f"ExecStart={program} "))
    return unit


def exposure(unit: Path) -> float:
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)], capture_output=True,
                            text=True, timeout=120)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    return float(match.group(1))


@pytest.mark.parametrize("template", STICK_UNITS)
def test_each_stick_unit_runs_the_stick_command_once_as_the_mirrors_user_with_no_network(template):
    unit = settings(SYSTEMD / template)
    assert unit["ExecStart"] == [f"{INSTALLED_EXEC} {STICK_UNITS[template][0]}"]
    assert unit["Type"] == ["oneshot"]
    assert unit["User"] == ["mimicmirror"]
    assert unit["NoNewPrivileges"] == ["yes"]
    assert unit["PrivateNetwork"] == ["yes"]
    assert unit["RestrictAddressFamilies"] == ["none"]
    assert unit["ReadWritePaths"] == ["-/etc/mimicmirror"]   # "-": no failure before it exists
    assert unit["StateDirectory"] == ["mimicmirror"]


@pytest.mark.parametrize("template", STICK_UNITS)
def test_each_stick_unit_sees_only_its_own_stick_in_dev(template):
    unit = settings(SYSTEMD / template)
    assert unit["PrivateDevices"] == ["yes"]
    assert unit["BindPaths"] == ["/dev/%I"]
    assert unit["DeviceAllow"] == ["/dev/%I rw"]


def test_the_fat_unit_has_no_capability_and_the_exfat_one_only_mount():
    fat = settings(SYSTEMD / "mimicmirror-stick@.service")
    assert fat["CapabilityBoundingSet"] == [""] and fat["AmbientCapabilities"] == [""]
    assert fat["PrivateUsers"] == ["yes"]
    exfat = settings(SYSTEMD / "mimicmirror-stick-exfat@.service")
    assert exfat["CapabilityBoundingSet"] == ["CAP_SYS_ADMIN"] == exfat["AmbientCapabilities"]
    assert exfat["PrivateMounts"] == ["yes"]


def test_the_udev_rule_sends_fat_and_exfat_usb_sticks_to_their_units():
    rule = (SYSTEMD / "90-mimicmirror-stick.rules").read_text()
    assert 'ENV{ID_BUS}!="usb", GOTO' in rule
    fat = next(line for line in rule.replace("\\\n", "").splitlines() if 'ID_FS_TYPE}=="vfat"' in line)
    assert 'OWNER="mimicmirror"' in fat and 'mimicmirror-stick@%k.service' in fat
    exfat = next(line for line in rule.replace("\\\n", "").splitlines() if 'ID_FS_TYPE}=="exfat"' in line)
    assert "OWNER" not in exfat and "mimicmirror-stick-exfat@%k.service" in exfat


@needs_systemd_analyze
@pytest.mark.parametrize("template", STICK_UNITS)
def test_each_stick_unit_passes_systemd_analyze_verify(tmp_path, template):
    unit = instance(tmp_path, template)
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [line for line in (result.stdout + result.stderr).splitlines() if "mimicmirror" in line] == []


@needs_systemd_analyze
@pytest.mark.parametrize("template", STICK_UNITS)
def test_each_stick_units_exposure_is_no_more_than_measured(tmp_path, template):
    assert exposure(instance(tmp_path, template)) <= STICK_UNITS[template][1]


@needs_systemd_analyze
def test_the_exposure_check_would_catch_a_loosened_stick_unit(tmp_path):
    loose = (SYSTEMD / "mimicmirror-stick@.service").read_text().replace("PrivateNetwork=yes", "PrivateNetwork=no")
    assert exposure(instance(tmp_path, "mimicmirror-stick@.service", loose)) > STICK_UNITS["mimicmirror-stick@.service"][1]


@needs_systemd_analyze
def test_the_mirrors_own_unit_stays_at_or_below_1(tmp_path):
    program = Path(sys.executable).parent / "mimicmirror"
    unit = tmp_path / "mimicmirror.service"
    unit.write_text((SYSTEMD / "mimicmirror.service").read_text().replace(
        f"ExecStart={INSTALLED_EXEC} ", f"ExecStart={program} "))
    assert exposure(unit) <= 1.0



def test_the_mirror_may_write_its_settings_folder_and_nothing_else_is_loosened():
    """The settings menu saves /etc/mimicmirror/mimicmirror.toml; network and devices stay closed."""
    unit = settings(SYSTEMD / "mimicmirror.service")
    assert unit["ReadWritePaths"] == ["-/etc/mimicmirror"]
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["PrivateNetwork"] == ["yes"] and unit["DevicePolicy"] == ["closed"]
    assert unit["User"] == ["mimicmirror"]
