"""A USB stick takes the report out and brings settings in, on real FAT file systems.

Sticks are FAT images made by mkfs.vfat. They are used through mtools (which
needs no mount), as loop devices (a write-protected stick is a read-only
loop device: the kernel refuses the writes), and loop-mounted where the
kernel can mount FAT. Whatever happens to the stick, the device's database
and settings are checked byte for byte afterwards.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import pytest

from mimicmirror.config import DEFAULTS_DIR, load
from mimicmirror.language import load_language
from mimicmirror.stick import outcome as o
from mimicmirror.stick.handle import finish, handle
from mimicmirror.stick.mailbox import Mailbox
from mimicmirror.stick.media import FolderStick, ImageStick, StickError
from mimicmirror.stick.report import save_report
from mimicmirror.stick.settings import import_settings
from mimicmirror.store.sample import write_sample
from stick_media import (digest, fsck_clean, get, listing, loop_device, make_fat, mounted_fat, mounted_tmpfs,
                         needs_fat_tools, put)

pytestmark = needs_fat_tools
DAY = date(2026, 3, 14)
FOLDER = "MimicMirror-report-2026-03-14"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("db") / "mimicmirror.db", days=6, end=DAY)


@pytest.fixture
def device(tmp_path, sample_db) -> Path:
    """A set-up device: its config (store pointing at a copy of the sample database) and programme."""
    etc = tmp_path / "etc"
    etc.mkdir()
    db = tmp_path / "state" / "mimicmirror.db"
    db.parent.mkdir()
    shutil.copyfile(sample_db, db)
    text = (DEFAULTS_DIR / "mimicmirror.toml").read_text()
    text = text.replace('path = "mimicmirror.db"', f'path = "{db}"')
    assert str(db) in text
    (etc / "mimicmirror.toml").write_text(text)
    shutil.copyfile(DEFAULTS_DIR / "exercises.toml", etc / "exercises.toml")
    return etc / "mimicmirror.toml"


def device_files(config: Path) -> dict[str, str]:
    """Every file the device keeps (settings, database), by content."""
    db = load(config).state_path(load(config)["store"]["path"])
    files = [p for p in config.parent.iterdir()] + [db]
    return {p.name: digest(p) for p in files}


def reps_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM reps").fetchone()[0]


# -- the report ---------------------------------------------------------------------------

def test_the_report_lands_whole_in_a_dated_folder_on_a_fat_stick(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    before = device_files(device)

    result = save_report(ImageStick(stick), load(device), load(device).state_path(
        load(device)["store"]["path"]), DAY)

    assert result == o.Outcome(o.SAVED, FOLDER)
    assert result.line == "Report saved. You can take the stick out."
    assert listing(stick) == [FOLDER]                       # no half-written leftovers beside it
    assert listing(stick, FOLDER) == ["report.html", "reps.csv"]
    html = get(stick, f"{FOLDER}/report.html").decode()
    assert "Facial exercise progress" in html and "affected side: left" in html
    rows = list(csv.reader(io.StringIO(get(stick, f"{FOLDER}/reps.csv").decode())))
    assert len(rows) - 1 == reps_in(tmp_path / "state" / "mimicmirror.db")
    assert fsck_clean(stick)
    assert device_files(device) == before


@contextlib.contextmanager
def on_its_block_device(image: Path) -> Iterator[ImageStick]:
    """What the Pi's FAT stick unit does: mtools on the partition's device node, nothing mounted."""
    with loop_device(image) as partition:
        yield ImageStick(partition)


@contextlib.contextmanager
def loop_mounted(image: Path) -> Iterator[FolderStick]:
    """The stick mounted by the kernel, written through the mounted-folder code."""
    with mounted_fat(image) as folder:
        yield FolderStick(folder)


@pytest.mark.parametrize("attach", [on_its_block_device, loop_mounted], ids=["block device", "loop-mounted"])
def test_on_a_fat_stick_the_kernel_shows_the_report_is_saved_in_place(tmp_path, device, attach):
    stick = make_fat(tmp_path / "stick.img")
    config = load(device)
    with attach(stick) as media:
        result = save_report(media, config, config.state_path(config["store"]["path"]), DAY)
    assert result.kind == o.SAVED
    assert listing(stick, FOLDER) == ["report.html", "reps.csv"]
    assert fsck_clean(stick)


def test_a_second_report_on_the_same_day_gets_its_own_folder(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    config = load(device)
    db = config.state_path(config["store"]["path"])
    assert save_report(ImageStick(stick), config, db, DAY).detail == FOLDER
    assert save_report(ImageStick(stick), config, db, DAY).detail == FOLDER + "-2"
    assert listing(stick) == [FOLDER, FOLDER + "-2"]


def test_a_full_stick_says_so_and_keeps_no_half_report(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img", kib=200)
    put(stick, "holiday.jpg", bytes(150 * 1024))              # what was on it already leaves little room
    before, stick_files = device_files(device), listing(stick)
    config = load(device)

    result = save_report(ImageStick(stick), config, config.state_path(config["store"]["path"]), DAY)

    assert result.kind == o.FULL
    assert result.line.startswith("The stick is full")
    assert listing(stick) == stick_files                      # the partial folder was taken away again
    assert get(stick, "holiday.jpg") == bytes(150 * 1024)
    assert fsck_clean(stick)
    assert device_files(device) == before


def test_a_write_protected_stick_says_so_and_nothing_changes(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    put(stick, "mimicmirror.toml", device.read_bytes().replace(b'"left"', b'"right"'))
    before_stick, before = digest(stick), device_files(device)
    with loop_device(stick, read_only=True) as locked:
        outcomes = handle(ImageStick(locked), device, Mailbox(tmp_path / "mailbox"), day=DAY)
    report = outcomes[-1]
    assert report.kind == o.READ_ONLY
    assert "lock switch" in report.line
    assert digest(stick) == before_stick
    # Settings can still be read from a locked stick; they were taken, with a backup of the old ones.
    assert outcomes[0].kind == o.SETTINGS_CHANGED
    assert (device.parent / "mimicmirror.toml.bak").read_bytes() != device.read_bytes()
    assert device_files(device)["mimicmirror.db"] == before["mimicmirror.db"]


class GoneAfterFirstFile:
    """A real stick that goes away (`away` takes it) once the first report file is on it."""

    def __init__(self, stick: ImageStick | FolderStick, away: Callable[[], object]) -> None:
        self.stick, self.label, self.writes, self.away = stick, stick.label, 0, away

    def __getattr__(self, name):
        return getattr(self.stick, name)

    def write(self, name: str, data: bytes) -> None:
        self.stick.write(name, data)
        self.writes += 1
        self.away()


def test_a_stick_pulled_out_mid_copy_says_so_and_nothing_on_the_device_changes(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    before = device_files(device)
    config = load(device)
    pulled = GoneAfterFirstFile(ImageStick(stick), lambda: stick.rename(stick.with_suffix(".away")))   # its image is gone

    result = save_report(pulled, config, config.state_path(config["store"]["path"]), DAY)

    assert pulled.writes == 1
    assert result.kind == o.GONE
    assert result.line == "The stick was taken out too early. Nothing is lost: put it in again."
    assert device_files(device) == before
    # Back in, the stick has no report under the real name (only the hidden partial folder), and
    # the next visit clears that and saves the report.
    stick.with_suffix(".away").rename(stick)
    assert FOLDER not in listing(stick)
    assert save_report(ImageStick(stick), config, config.state_path(config["store"]["path"]), DAY).kind == o.SAVED
    assert listing(stick) == [FOLDER]


def test_nothing_to_report_leaves_the_stick_as_it_was(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    empty = tmp_path / "state" / "empty.db"
    from mimicmirror.store.db import Store
    Store.open(empty).close()
    before = digest(stick)
    assert save_report(ImageStick(stick), load(device), empty, DAY).kind == o.NOTHING_YET
    assert digest(stick) == before


# -- a mounted stick that fills up or turns read-only -------------------------------------

def test_a_mounted_stick_that_fills_up_or_is_read_only_says_which(tmp_path, device):
    """The mounted-folder code meets the kernel's own ENOSPC and EROFS (on tmpfs where FAT cannot mount)."""
    config = load(device)
    db = config.state_path(config["store"]["path"])
    with mounted_tmpfs(tmp_path / "small", kib=40) as folder:
        assert save_report(FolderStick(folder), config, db, DAY).kind == o.FULL
        assert list(folder.iterdir()) == []
        subprocess.run(["mount", "-o", "remount,ro,size=4m", str(folder)], check=True)
        assert save_report(FolderStick(folder), config, db, DAY).kind == o.READ_ONLY
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        assert save_report(FolderStick(folder), config, db, DAY).kind == o.SAVED
        assert sorted(p.name for p in (folder / FOLDER).iterdir()) == ["report.html", "reps.csv"]


# -- settings from the stick --------------------------------------------------------------

def test_valid_settings_on_the_stick_replace_the_devices_and_keep_a_backup(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    old = device.read_bytes()
    new = old.replace(b'affected_side = "left"', b'affected_side = "right"').replace(
        b'programme = "standard"', b'programme = "gentle"')
    put(stick, "mimicmirror.toml", new)

    result = import_settings(ImageStick(stick), device)

    assert result.kind == o.SETTINGS_CHANGED
    assert result.line == ("New settings from the stick: Palsy on the right side (was left), "
                           "Exercises: Gentle (was Standard).")
    assert result.said(load_language("de")) == ("Neue Einstellungen vom Stick: Gelähmte Seite: rechts "
                                                 "(vorher links), Übungen: Sanft (vorher Standard).")
    assert device.read_bytes() == new
    assert (device.parent / "mimicmirror.toml.bak").read_bytes() == old


def test_a_mistake_on_the_stick_is_named_in_one_line_and_nothing_changes(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    put(stick, "mimicmirror.toml", device.read_bytes().replace(b'"left"', b'"middle"').replace(
        b"daily_sessions = 3", b"daily_sessions = 9"))
    before = device_files(device)

    result = import_settings(ImageStick(stick), device)

    assert result.kind == o.SETTINGS_REFUSED
    assert result.line == ("Settings on the stick not used: mimicmirror.toml: [user] affected_side = 'middle': "
                           "must be one of 'left', 'right'")
    assert device_files(device) == before


def test_a_new_programme_is_checked_against_the_devices_settings(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    programme = (DEFAULTS_DIR / "exercises.toml").read_bytes()
    put(stick, "exercises.toml", programme.replace(b"[programmes.standard]", b"[programmes.everyday]"))
    before = device_files(device)

    result = import_settings(ImageStick(stick), device)

    assert result.kind == o.SETTINGS_REFUSED
    assert "programme = 'standard': must be one of" in result.line
    assert device_files(device) == before


def test_a_therapists_programme_alone_is_taken(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    old = (device.parent / "exercises.toml").read_bytes()
    new = old.replace(b"[programmes.gentle]", b"# from the clinic\n[programmes.gentle]")
    put(stick, "exercises.toml", new)

    result = import_settings(ImageStick(stick), device)

    assert result.line == "New settings from the stick: a new exercise programme."
    assert (device.parent / "exercises.toml").read_bytes() == new
    assert (device.parent / "exercises.toml.bak").read_bytes() == old


def test_the_same_settings_change_nothing_and_a_stick_without_settings_is_left_alone(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    assert import_settings(ImageStick(stick), device) is None
    put(stick, "mimicmirror.toml", device.read_bytes())
    before = device_files(device)
    assert import_settings(ImageStick(stick), device).kind == o.SETTINGS_SAME
    assert device_files(device) == before


# -- the stick unit and the mirror ------------------------------------------------------------

def test_the_stick_unit_waits_for_the_session_to_end_and_then_tells_the_mirror(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    box = tmp_path / "mailbox"
    mirror, stick_side = Mailbox(box), Mailbox(box)
    mirror.set_busy(True)
    slept, seen = [], []

    def session_ends_after_two_polls(seconds: float) -> None:
        slept.append(seconds)
        seen.append(mirror.news())
        if len(slept) == 2:
            mirror.set_busy(False)

    outcomes = handle(ImageStick(stick), device, stick_side, day=DAY, sleep=session_ends_after_two_polls)
    finish(stick_side, outcomes)

    assert len(slept) == 2
    assert seen[0].lines == ("Writing the report to the stick. Please leave it in.",) and not seen[0].final   # the glass says to leave it in
    assert seen[1] is None
    assert [x.kind for x in outcomes] == [o.SAVED]
    note = mirror.news()
    assert note.lines == ("Report saved. You can take the stick out.",) and note.final
    assert note.said(load_language("de")) == ("Bericht gespeichert. Sie können den Stick jetzt abziehen.",)
    assert mirror.news() is None                               # each note is shown once


def test_a_mirror_busy_too_long_gets_the_stick_back_untouched(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    box = Mailbox(tmp_path / "mailbox")
    box.set_busy(True)
    before = digest(stick)
    outcomes = handle(ImageStick(stick), device, box, day=DAY, wait_s=10, sleep=lambda s: None)
    assert [x.kind for x in outcomes] == [o.BUSY]
    assert digest(stick) == before


def test_the_command_handles_an_image_and_leaves_the_outcome_for_the_mirror(tmp_path, device):
    stick = make_fat(tmp_path / "stick.img")
    result = subprocess.run([sys.executable, "-m", "mimicmirror", "stick", "--fat", str(stick),
                             "--config", str(device), "--mailbox", str(tmp_path / "box")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Report saved. You can take the stick out." in result.stdout
    assert '"final": true' in (tmp_path / "box" / "outcome.json").read_text()
    assert listing(stick)[0].startswith("MimicMirror-report-")


def test_an_image_that_is_not_there_is_a_stick_that_is_gone(tmp_path):
    with pytest.raises(StickError) as e:
        ImageStick(tmp_path / "nothing.img").exists("x")
    assert e.value.kind == "gone"


def test_a_device_that_is_no_fat_or_exfat_stick_is_one_line_and_status_2(tmp_path, device):
    disk = tmp_path / "other.img"
    with open(disk, "wb") as f:
        f.truncate(1024 * 1024)           # no file system at all
    with loop_device(disk) as partition:
        result = subprocess.run([sys.executable, "-m", "mimicmirror", "stick", "--mount", str(partition),
                                 "--config", str(device), "--mailbox", str(tmp_path / "box")],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith(f"mimicmirror: {partition}: not a FAT or exFAT stick")
    assert len(result.stderr.strip().splitlines()) == 1


# -- the exFAT stick unit's private mount (mount(2), syncfs, umount2), on a file system this kernel has --

def ext2_stick(path: Path) -> Path:
    with open(path, "wb") as f:
        f.truncate(4 * 1024 * 1024)
    subprocess.run(["mkfs.ext2", "-q", "-F", str(path)], check=True, capture_output=True)
    return path


@pytest.mark.skipif(shutil.which("mkfs.ext2") is None, reason="e2fsprogs is not installed")
def test_the_private_mount_writes_syncs_and_lets_go(tmp_path, device, monkeypatch):
    """The real system calls of `stick.mount.mounted`, on ext2 where the kernel has no FAT or exFAT."""
    from mimicmirror.stick import mount

    monkeypatch.setattr(mount, "TYPES", {"ext2": ""})
    config = load(device)
    db = config.state_path(config["store"]["path"])
    with loop_device(ext2_stick(tmp_path / "stick.img")) as partition:
        try:
            with mount.mounted(partition) as folder:
                where = folder
                assert save_report(FolderStick(folder), config, db, DAY).kind == o.SAVED
        except mount.MountError as e:
            pytest.skip(f"cannot mount here: {e}")
        assert not where.exists()                             # unmounted, and its folder taken away
        with mount.mounted(partition) as again:
            assert sorted(p.name for p in (again / FOLDER).iterdir()) == ["report.html", "reps.csv"]


@pytest.mark.skipif(shutil.which("mkfs.ext2") is None, reason="e2fsprogs is not installed")
def test_a_write_protected_stick_is_mounted_read_only_and_says_so(tmp_path, device, monkeypatch):
    from mimicmirror.stick import mount

    monkeypatch.setattr(mount, "TYPES", {"ext2": ""})
    config = load(device)
    image = ext2_stick(tmp_path / "stick.img")
    before = digest(image)
    with loop_device(image, read_only=True) as locked:
        try:
            with mount.mounted(locked) as folder:
                result = save_report(FolderStick(folder), config, config.state_path(config["store"]["path"]), DAY)
        except mount.MountError as e:
            pytest.skip(f"cannot mount here: {e}")
    assert result.kind == o.READ_ONLY
    assert digest(image) == before


@pytest.mark.skipif(shutil.which("mkfs.ext2") is None, reason="e2fsprogs is not installed")
def test_a_mounted_stick_pulled_out_mid_copy_says_so_and_nothing_on_the_device_changes(tmp_path, device,
                                                                                      monkeypatch):
    from mimicmirror.stick import mount

    monkeypatch.setattr(mount, "TYPES", {"ext2": ""})
    config = load(device)
    before = device_files(device)
    with loop_device(ext2_stick(tmp_path / "stick.img")) as partition:
        try:
            with mount.mounted(partition) as folder:
                pulled = GoneAfterFirstFile(FolderStick(folder),     # its file system lazily unmounted
                                            lambda: subprocess.run(["umount", "--lazy", str(folder)], check=True))
                result = save_report(pulled, config, config.state_path(config["store"]["path"]), DAY)
        except mount.MountError as e:
            pytest.skip(f"cannot mount here: {e}")
    assert pulled.writes == 1
    assert result.kind == o.GONE
    assert device_files(device) == before


def test_a_setting_the_glass_has_no_words_for_is_named_as_in_the_file():
    changed = o.Outcome(o.SETTINGS_CHANGED, changes=(("camera.fps", "15", "10"), ("user.name", "Ada", "")))
    assert changed.line == "New settings from the stick: fps 15 (was 10), name Ada (was none)."
    assert changed.said(load_language("de")) == ("Neue Einstellungen vom Stick: fps jetzt 15 (vorher 10), "
                                                 "name jetzt Ada (vorher keine).")
