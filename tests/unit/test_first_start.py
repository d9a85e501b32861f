"""`mimicmirror run` on a mirror that has no settings yet: it starts, with the settings menu open."""

from __future__ import annotations

import argparse

import mimicmirror.service as service_package
from mimicmirror.commands import run as run_command


class Started:
    """Stands for build_service: remembers what the mirror was started with."""

    def __init__(self) -> None:
        self.config = None
        self.first_start = None

    def __call__(self, config, first_start=False, **_):
        self.config, self.first_start = config, first_start
        return self

    def run(self) -> int:
        return 0


def start(monkeypatch, tmp_path, config_file):
    started = Started()
    monkeypatch.setattr(service_package, "build_service", started)
    monkeypatch.setenv("MIMICMIRROR_CONFIG", str(config_file))
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "state"))
    assert run_command.run(argparse.Namespace(config=None)) == 0
    return started


def test_no_settings_file_starts_the_mirror_with_the_menu_saving_to_that_file(monkeypatch, tmp_path):
    missing = tmp_path / "etc" / "mimicmirror.toml"
    started = start(monkeypatch, tmp_path, missing)
    assert started.first_start is True
    assert started.config.path == missing             # where the menu saves
    assert not missing.exists()                       # nothing written until "save"


def test_a_settings_file_starts_the_mirror_as_usual(monkeypatch, tmp_path):
    present = tmp_path / "mimicmirror.toml"
    present.write_text('[user]\naffected_side = "right"\n')
    started = start(monkeypatch, tmp_path, present)
    assert started.first_start is False
    assert started.config["user"]["affected_side"] == "right"
