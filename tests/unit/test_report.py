"""The therapist's report: a self-contained page with the plots, a CSV of every rep, plain errors."""

from __future__ import annotations

import csv
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from mimicmirror.cli import main
from mimicmirror.clinical import percent
from mimicmirror.records import CueGiven, RepDone, SessionEnded, SessionStarted
from mimicmirror.store import report
from mimicmirror.store.db import Store
from mimicmirror.store.report import make_report
from mimicmirror.store.sample import write_sample
from mimicmirror.store.schema import migrate

CHROMIUM = Path("/usr/bin/chromium")
END = date(2025, 6, 30)


@pytest.fixture(scope="module")
def ninety_days(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("db") / "mimicmirror.db", days=90, end=END)


@pytest.fixture(scope="module")
def ninety_day_report(ninety_days, tmp_path_factory) -> Path:
    return make_report(ninety_days, tmp_path_factory.mktemp("report"), generated=datetime(2025, 7, 1, 9, 0))


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def day_wall(day: date, hour: float = 9) -> float:
    return datetime.combine(day, datetime.min.time()).timestamp() + hour * 3600


def undated_sessions(store: Store, clock_reads: float, n: int) -> None:
    """`n` sessions recorded while the clock was not set, with a poor symmetry (1 %) no chart may show."""
    for k in range(n):
        wall = clock_reads + k * 3600
        store.write([SessionStarted(0, "standard", "left", {"reps": 3})], wall, False)
        store.write([RepDone(1, "raise_brows", 1, 0.0006, 0.06, 0.01, "left", 3, 4)], wall + 10, False)
        store.write([CueGiven(5, "raise_brows", "overactivity", "Smaller movements")], wall + 20, False)
        store.write([SessionEnded(60, "completed")], wall + 60, False)


def one_exercise(db: Path, days: int = 30, end: date = END, undated: dict[int, tuple[float, int]] = {}) -> Path:
    """A month of one exercise whose affected (left) side recovers steadily from 20 % to 90 %.

    `undated`: after day n, sessions recorded with the clock not set, reading (wall, how many).
    """
    with Store.open(db) as store:
        for n in range(days):
            if n in undated:
                undated_sessions(store, *undated[n])
            wall = datetime.combine(end - timedelta(days=days - 1 - n), datetime.min.time()).timestamp() + 9 * 3600
            share = 0.2 + 0.7 * n / (days - 1)
            store.write([SessionStarted(0, "standard", "left", {"reps": 3})], wall)
            for r in range(1, 4):
                store.write([RepDone(r, "raise_brows", r, 0.06 * share, 0.06, share, "left", 3, 4)], wall + r * 10)
            if n % 5 == 0:
                store.write([CueGiven(5, "raise_brows", "overactivity", "Smaller movements")], wall + 45)
            store.write([SessionEnded(60, "completed")], wall + 60)
    return db


# --- content -------------------------------------------------------------------------------

def test_the_report_has_every_plot_the_therapist_asked_for(ninety_day_report):
    html = ninety_day_report.read_text()
    for heading in ("Symmetry per exercise", "Affected side's movement", "Sessions per day", "Cues given",
                    "Settings in force"):
        assert f"<h2>{heading}" in html.replace("&#x27;", "'")
    tracked = 8  # the sample's exercises
    assert html.count('aria-label="Symmetry of ') == tracked
    assert html.count('aria-label="Movement of ') == tracked
    assert html.count("<svg") == 2 * tracked + 2
    assert report.SYMMETRY in html and report.AFFECTED in html


def test_the_report_needs_nothing_but_itself(ninety_day_report):
    html = ninety_day_report.read_text()
    assert not re.search(r"<(script|link|img|iframe|object)\b", html)
    assert not re.search(r"\b(src|href)\s*=", html)
    assert not re.search(r"url\(", html)
    assert set(re.findall(r"https?://[^\"' ]+", html)) <= {"http://www.w3.org/2000/svg"}  # a namespace, not a fetch
    assert "@media print" in html and "@page" in html


def test_the_csv_has_every_rep_of_the_database(ninety_days, ninety_day_report):
    with open(ninety_day_report.with_name("reps.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == count(ninety_days, "SELECT count(*) FROM reps")
    assert tuple(rows[0]) == report.CSV_COLUMNS
    first = rows[0]
    assert first["affected_side"] == "left" and first["peak_affected"] == first["peak_left"]
    assert 0 <= float(first["symmetry"]) <= 1
    assert rows[0]["date"] == (END - timedelta(days=89)).isoformat()
    assert rows[-1]["date"] == END.isoformat()


def test_since_leaves_out_earlier_sessions(ninety_days, tmp_path):
    since = END - timedelta(days=6)
    make_report(ninety_days, tmp_path, since=since)
    with open(tmp_path / "reps.csv", newline="") as f:
        days = {row["date"] for row in csv.DictReader(f)}
    assert min(days) >= since.isoformat() and max(days) == END.isoformat()
    assert f"{since:%d %b %Y} – {END:%d %b %Y}" in (tmp_path / "report.html").read_text()


def test_numbers_in_the_overview_come_from_the_reps(tmp_path):
    db = one_exercise(tmp_path / "m.db")
    html = make_report(db, tmp_path / "out").read_text()
    # first week: shares 0.2 .. 0.2 + 6 * 0.7/29; last week: the last seven days
    first = np.mean([0.2 + 0.7 * n / 29 for n in range(7)])
    last = np.mean([0.2 + 0.7 * n / 29 for n in range(23, 30)])
    row = re.search(r"<tr><td>Raise brows</td>(.*?)</tr>", html).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[:4] == ["30", "90", percent(first), percent(last)]
    assert cells[4:6] == [f"{0.06 * first:.3f}", f"{0.06 * last:.3f}"]
    assert "<td>overactivity</td><td>6</td>" in html


def test_sessions_of_unknown_date_are_listed_in_order_and_never_put_on_a_day(tmp_path):
    start = END - timedelta(days=29)
    plain = make_report(one_exercise(tmp_path / "plain.db"), tmp_path / "plain").read_text()
    # after day 10, three sessions while the clock read day 5 (a restart restored an old time)
    db = one_exercise(tmp_path / "m.db", undated={10: (day_wall(start + timedelta(days=5), 20), 3)})
    html = make_report(db, tmp_path / "out").read_text()
    charts = lambda page: re.findall(r"<svg.*?</svg>", page, re.S)
    overview = lambda page: re.search(r"<tr><td>Raise brows</td>.*?</tr>", page).group(0)
    assert charts(html) == charts(plain) and overview(html) == overview(plain)
    assert "<h2>Sessions with an unknown date</h2>" in html and "Sessions with an unknown date" not in plain
    section = html.split("<h2>Sessions with an unknown date</h2>")[1].split("</section>")[0]
    between = f"between {start + timedelta(days=9):%d %b %Y} and {start + timedelta(days=10):%d %b %Y}"
    assert [re.findall(r"<td>(.*?)</td>", row)[:6] for row in re.findall(r"<tr><td>\d.*?</tr>", section)] == [
        [str(seq), between, "standard", "1", "1 %", "1"] for seq in (11, 12, 13)]
    assert re.search(r"<b>3</b>sessions with an unknown date", html)
    assert re.search(r"<b>33</b>sessions", html) and re.search(r"<b>93</b>repetitions measured", html)
    with open(tmp_path / "out" / "reps.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    undated = [r for r in rows if r["date_known"] == "no"]
    assert len(rows) == 93 and len(undated) == 3
    assert all(r["date"] == r["time"] == r["session_start"] == "" for r in undated)
    assert [r["session"] for r in rows[29:36]] == ["10", "11", "12", "13", "14", "14", "14"]   # in the order they happened


def test_a_period_with_no_known_date_is_reported_without_charts(tmp_path):
    db = tmp_path / "m.db"
    with Store.open(db) as store:
        undated_sessions(store, 3600.0, 2)
    html = make_report(db, tmp_path / "out").read_text()
    assert "<svg" not in html and "dates unknown" in html
    assert html.count("<td>before ") == 0 and html.count("<td>unknown</td>") == 2


def test_the_report_reads_without_changing_the_database(ninety_days, tmp_path):
    before = ninety_days.read_bytes()
    make_report(ninety_days, tmp_path)
    assert ninety_days.read_bytes() == before


def test_a_database_from_an_older_version_is_reported_without_upgrading_it(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("INSERT INTO sessions (started_wall, started_t, programme, affected_side, end_reason) "
                 "VALUES (?, 0, 'standard', 'right', 'completed')", (datetime(2025, 3, 1, 9).timestamp(),))
    conn.execute("INSERT INTO reps (session_id, exercise_id, rep, t, wall, peak_left, peak_right, symmetry, weaker, "
                 "hold_s, hold_target_s) VALUES (1, 'frown', 1, 1, ?, 0.04, 0.02, 0.5, 'right', 3, 4)",
                 (datetime(2025, 3, 1, 9, 1).timestamp(),))
    conn.close()
    make_report(db, tmp_path / "out")
    with open(tmp_path / "out" / "reps.csv", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["affected_side"], row["peak_affected"], row["symmetry"]) == ("right", "0.0200", "0.500")
    assert count(db, "PRAGMA user_version") == 1


# --- the command and its errors -------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mimicmirror", *args], capture_output=True, text=True, timeout=120)


def test_the_command_writes_both_files(ninety_days, tmp_path):
    assert main(["report", "--db", str(ninety_days), "--out", str(tmp_path / "r")]) == 0
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"report.html", "reps.csv"}


def test_the_command_finds_the_database_from_the_config(ninety_days, tmp_path, monkeypatch):
    config = tmp_path / "mimicmirror.toml"
    config.write_text(f'[store]\npath = "{ninety_days.name}"\n')
    monkeypatch.setenv("STATE_DIRECTORY", str(ninety_days.parent))
    assert main(["report", "--config", str(config), "--out", str(tmp_path / "r")]) == 0
    assert "Raise your eyebrows" in (tmp_path / "r" / "report.html").read_text()  # titles from the programme


@pytest.mark.parametrize("problem, args, message", [
    ("missing", ["--db", "{tmp}/nothing.db"], "nothing.db: no database there"),
    ("empty", ["--db", "{tmp}/empty.db"], "empty.db: no sessions recorded yet"),
    ("bad date", ["--db", "{tmp}/empty.db", "--since", "2025-13-01"], "--since 2025-13-01: not a date"),
    ("too late", ["--db", "{tmp}/one.db", "--since", "2031-01-01"], "no sessions since 2031-01-01"),
    ("not a database", ["--db", "{tmp}/notes.db"], "notes.db: cannot read the database (damaged or not a database)"),
])
def test_problems_are_one_line_and_exit_status_2(tmp_path, problem, args, message):
    Store.open(tmp_path / "empty.db").close()
    one_exercise(tmp_path / "one.db", days=2)
    (tmp_path / "notes.db").write_text("not a database " * 100)
    result = run_cli("report", *[a.format(tmp=tmp_path) for a in args], "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "report.html").exists()


# --- in a real browser ------------------------------------------------------------------------

def chromium(url: Path, tmp_path: Path, *args: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh installs it as root)")
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", *args, url.as_uri()],
                   check=True, capture_output=True, timeout=120)


def colour_mask(image: np.ndarray, hex_colour: str, tolerance: int = 30) -> np.ndarray:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return (np.abs(image[:, :, ::-1].astype(int) - rgb).max(axis=2) <= tolerance)


def test_in_chromium_the_symmetry_plot_rises_as_the_affected_side_recovers(tmp_path):
    html = make_report(one_exercise(tmp_path / "m.db"), tmp_path / "out")
    shot = tmp_path / "report.png"
    chromium(html, tmp_path, f"--screenshot={shot}", "--window-size=1000,1400")
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[:2] == (1400, 1000)
    line = colour_mask(image, report.SYMMETRY, tolerance=12)
    ys, xs = np.nonzero(line[:700])  # the symmetry chart is the first on the page
    assert len(xs) > 500, "no symmetry line drawn"
    left, right = ys[xs < np.percentile(xs, 15)].mean(), ys[xs > np.percentile(xs, 85)].mean()
    assert left - right > 50  # on screen, higher is better: the line climbs to the right
    assert colour_mask(image, report.AFFECTED, tolerance=12).sum() > 300  # movement plot drawn too


def test_in_chromium_the_90_day_report_shows_its_plots(ninety_day_report, tmp_path):
    shot = tmp_path / "report90.png"
    chromium(ninety_day_report, tmp_path, f"--screenshot={shot}", "--window-size=1280,4200")
    image = cv2.imread(str(shot))
    rows_with = lambda colour: np.nonzero(colour_mask(image, colour, tolerance=12).any(axis=1))[0]
    symmetry, affected = rows_with(report.SYMMETRY), rows_with(report.AFFECTED)
    assert len(symmetry) > 400 and len(affected) > 400
    assert np.median(symmetry) < np.median(affected)  # symmetry section first, then movement
    sessions = colour_mask(image, report.SESSION_DONE, tolerance=12)[int(np.max(affected)):]
    assert sessions.sum() > 5000  # the sessions-per-day bars below the movement plots


def test_the_report_prints_to_a_few_a4_pages(ninety_day_report, tmp_path):
    pdf = tmp_path / "report.pdf"
    chromium(ninety_day_report, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert data.startswith(b"%PDF") and 2 <= pages <= 8
