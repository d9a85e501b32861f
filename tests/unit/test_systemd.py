"""The systemd unit: what it promises, checked by systemd's own tools.

`systemd-analyze verify` needs the ExecStart program to exist, so it checks a
copy of the unit whose ExecStart points at this checkout's `mimicmirror`
(the only line changed); everything else is the file that gets installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "mimicmirror.service"
INSTALLED_EXEC = "/opt/mimicmirror/venv/bin/mimicmirror"

needs_systemd_analyze = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                           reason="systemd-analyze is not installed")


def settings(text: str) -> dict[str, list[str]]:
    """Key -> every value it is given (systemd keys may repeat), ignoring sections and comments."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        out.setdefault(key.strip(), []).append(value.strip())
    return out


def local_copy(tmp_path: Path, text: str | None = None) -> Path:
    """The unit with ExecStart pointing at this checkout's program, in a temp dir."""
    program = Path(sys.executable).parent / "mimicmirror"
    assert program.exists(), f"{program} missing: install the project into the venv"
    text = UNIT.read_text() if text is None else text
    assert f"ExecStart={INSTALLED_EXEC} " in text
    unit = tmp_path / "mimicmirror.service"
    unit.write_text(text.replace(f"ExecStart={INSTALLED_EXEC} ", f"ExecStart={program} "))
    return unit


def verify(unit: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True,
                          timeout=120)


UNIT_SETTINGS = settings(UNIT.read_text())


def test_unit_tells_systemd_when_it_is_ready_and_alive():
    assert UNIT_SETTINGS["Type"] == ["notify"]
    assert UNIT_SETTINGS["NotifyAccess"] == ["main"]
    assert UNIT_SETTINGS["ExecStart"] == [f"{INSTALLED_EXEC} run"]
    assert int(UNIT_SETTINGS["WatchdogSec"][0]) >= 10


def test_unit_restarts_on_failure_but_gives_up_after_a_burst():
    assert UNIT_SETTINGS["Restart"] == ["on-failure"]
    assert int(UNIT_SETTINGS["StartLimitBurst"][0]) >= 2
    assert int(UNIT_SETTINGS["StartLimitIntervalSec"][0]) > 0
    assert UNIT_SETTINGS["WantedBy"] == ["multi-user.target"]


def test_unit_runs_as_its_own_user_with_only_the_device_groups():
    assert UNIT_SETTINGS["User"] == ["mimicmirror"]
    assert UNIT_SETTINGS["SupplementaryGroups"][0].split() == ["video", "render", "gpio", "input", "audio"]
    assert UNIT_SETTINGS["CapabilityBoundingSet"] == [""]
    assert UNIT_SETTINGS["NoNewPrivileges"] == ["yes"]


def test_unit_has_a_writable_state_directory_as_working_directory():
    assert UNIT_SETTINGS["StateDirectory"] == ["mimicmirror"]
    assert UNIT_SETTINGS["WorkingDirectory"] == ["/var/lib/mimicmirror"]


def test_unit_draws_with_kmsdrm_plays_on_alsa_and_reads_the_system_config():
    env = UNIT_SETTINGS["Environment"]
    assert "SDL_VIDEODRIVER=kmsdrm" in env
    assert "SDL_AUDIODRIVER=alsa" in env
    assert "MIMICMIRROR_CONFIG=/etc/mimicmirror/mimicmirror.toml" in env


def test_unit_has_no_network_and_only_the_devices_it_uses():
    assert UNIT_SETTINGS["PrivateNetwork"] == ["yes"]
    assert UNIT_SETTINGS["RestrictAddressFamilies"] == ["AF_UNIX"]
    assert UNIT_SETTINGS["DevicePolicy"] == ["closed"]
    allowed = {v.split()[0] for v in UNIT_SETTINGS["DeviceAllow"]}
    assert allowed == {"char-video4linux", "char-media", "char-dma_heap", "char-drm",
                       "char-gpiochip", "char-input", "char-alsa"}
    assert UNIT_SETTINGS["ProtectSystem"] == ["strict"]
    assert UNIT_SETTINGS["ProtectHome"] == ["yes"]
    assert UNIT_SETTINGS["PrivateTmp"] == ["yes"]
    assert "@system-service" in UNIT_SETTINGS["SystemCallFilter"]


def test_unit_lets_the_service_keep_the_face_model_on_a_core_of_its_own():
    """@resources is denied, but the service sets its own threads' cores (service/cores.py):
    that one call is allowed again, after the deny list (systemd merges the lines in order)."""
    filters = UNIT_SETTINGS["SystemCallFilter"]
    denied = next(i for i, f in enumerate(filters) if f.startswith("~") and "@resources" in f)
    assert any("sched_setaffinity" in f.split() for f in filters[denied + 1:] if not f.startswith("~"))


@needs_systemd_analyze
def test_unit_passes_systemd_analyze_verify(tmp_path):
    result = verify(local_copy(tmp_path))
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if "mimicmirror" in line]
    assert result.returncode == 0, result.stderr
    assert complaints == []


@needs_systemd_analyze
def test_verify_would_catch_a_mistyped_key(tmp_path):
    """The check above can fail: a typo in the unit is reported."""
    broken = UNIT.read_text().replace("WatchdogSec=", "WatchdogSecs=")
    result = verify(local_copy(tmp_path, broken))
    assert "WatchdogSecs" in result.stdout + result.stderr


@needs_systemd_analyze
def test_unit_exposure_score_is_at_most_1(tmp_path):
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(local_copy(tmp_path))],
                            capture_output=True, text=True, timeout=120)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= 1.0
