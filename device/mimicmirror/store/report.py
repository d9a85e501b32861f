"""The therapist's report: one self-contained HTML file and a CSV of every rep.

The HTML has its charts inline (SVG), its styles inline and no scripts, so it
opens offline on any computer, can be mailed as one file, and prints on A4.
It reads a snapshot of the database (SQLite's backup API into memory), so it
never writes to, locks or repairs the device's file, works while the mirror
is in use, and reads a database of an older schema version too.

Sessions recorded while the mirror's clock was not set have no trustworthy
date: they are never drawn on a day. They count in the totals and are listed
on their own, in the order they happened, between the nearest dated sessions.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path
from statistics import fmean
from typing import Mapping

from ..clinical import WEEK, Flag, percent, rolling_means, week_start
from ..errors import UserError
from ..sides import other
from . import svg
from .report_data import Data, load, snapshot

AFFECTED = "#c2410c"
UNAFFECTED = "#7b8794"
SYMMETRY = "#1d4ed8"
SYMMETRY_DAILY = "#9db4ef"
SESSION_DONE = "#1d4ed8"
SESSION_SHORT = "#9db4ef"
CUE_COLOURS = ("#7c3aed", "#0f766e", "#b45309", "#be185d", "#4d7c0f", "#0e7490")  # none is a side colour
ENDED_AS_PLANNED = ("completed", "time_cap")
WIDE = {"width": 1200, "height": 230, "left": 40}   # full-width charts keep the small ones' text size

CSV_COLUMNS = ("session", "session_start", "date", "time", "programme", "exercise", "rep", "affected_side",
               "peak_left", "peak_right", "peak_affected", "peak_unaffected", "symmetry", "weaker",
               "hold_s", "hold_target_s", "flags", "date_known")


def title(exercise: str, titles: Mapping[str, str]) -> str:
    return titles.get(exercise) or exercise.replace("_", " ").capitalize()


def _daily(values: list[tuple[date, float]]) -> dict[date, list[float]]:
    by_day: dict[date, list[float]] = defaultdict(list)
    for day, v in values:
        by_day[day].append(v)
    return by_day


def _number(v: float) -> str:
    return f"{v:g}"


def _mean_or_dash(values: list[float], fmt=percent) -> str:
    return fmt(fmean(values)) if values else "–"


def _frame(data: Data, lo: float, hi: float, **kw) -> svg.Frame:
    return svg.Frame(data.first, data.last, lo, hi, **kw)


def _figure(caption: str, chart: str, legend: list[tuple[str, str]] = ()) -> str:
    keys = "".join(f'<span class="key"><i style="background:{c}"></i>{escape(t)}</span>' for c, t in legend)
    return f'<figure>{chart}<figcaption><b>{escape(caption)}</b> {keys}</figcaption></figure>'


def symmetry_section(data: Data, titles: Mapping[str, str]) -> str:
    figures = []
    for exercise in data.exercises:
        by_day = _daily([(r.day, r.symmetry) for r in data.by_exercise[exercise] if r.symmetry is not None])
        daily = [(d, fmean(vs)) for d, vs in by_day.items()]
        chart = svg.line_chart(_frame(data, 0, 1), [svg.Line(daily, SYMMETRY_DAILY, dots=True),
                                                    svg.Line(rolling_means(by_day), SYMMETRY)],
                               [0, 0.25, 0.5, 0.75, 1], percent, f"Symmetry of {title(exercise, titles)} over time")
        figures.append(_figure(title(exercise, titles), chart,
                               [(SYMMETRY, "7-day mean"), (SYMMETRY_DAILY, "daily mean")]))
    return ('<section><h2>Symmetry per exercise</h2><p>Weaker side\'s movement as a share of the stronger '
            'side\'s, per repetition (100 % = both halves moved equally).</p><div class="grid">'
            + "".join(figures) + "</div></section>")


def movement_section(data: Data, titles: Mapping[str, str]) -> str:
    figures = []
    for exercise in data.exercises:
        reps = data.by_exercise[exercise]
        affected = _daily([(r.day, v) for r in reps if (v := r.moved(r.affected)) is not None])
        unaffected = _daily([(r.day, v) for r in reps if (v := r.moved(other(r.affected))) is not None])
        hi = max([fmean(v) for v in affected.values()] + [fmean(v) for v in unaffected.values()] + [0.01])
        ticks = svg.nice_ticks(hi)
        chart = svg.line_chart(_frame(data, 0, ticks[-1]),
                               [svg.Line([(d, fmean(v)) for d, v in unaffected.items()], UNAFFECTED, width=1.5),
                                svg.Line([(d, fmean(v)) for d, v in affected.items()], AFFECTED)],
                               ticks, _number, f"Movement of {title(exercise, titles)} per side over time")
        figures.append(_figure(title(exercise, titles), chart,
                               [(AFFECTED, "affected side"), (UNAFFECTED, "other side")]))
    return ('<section><h2>Affected side\'s movement</h2><p>Daily mean of the peak movement per repetition, '
            'against the person\'s own relaxed face, in units of the distance between the pupils.</p>'
            '<div class="grid">' + "".join(figures) + "</div></section>")


def sessions_section(data: Data) -> str:
    done: Counter[date] = Counter()
    short: Counter[date] = Counter()
    for s in data.sessions:
        if s.date_known:
            (done if s.end_reason in ENDED_AS_PLANNED else short)[datetime.fromtimestamp(s.start).date()] += 1
    per_day = Counter(done) + Counter(short)
    ticks = svg.nice_ticks(max(per_day.values()), whole=True)
    chart = svg.stacked_bars(_frame(data, 0, ticks[-1], **WIDE), [(SESSION_DONE, done), (SESSION_SHORT, short)],
                             ticks, lambda v: f"{v:g}", "Sessions per day")
    return ('<section><h2>Sessions per day</h2>'
            + _figure("Sessions", chart, [(SESSION_DONE, "completed"), (SESSION_SHORT, "ended early or interrupted")])
            + "</section>")


def cues_section(data: Data, titles: Mapping[str, str]) -> str:
    if not data.cues:
        return "<section><h2>Cues given</h2><p>No coaching cues were needed in this period.</p></section>"
    totals = Counter(cue for _, _, cue in data.cues)
    kinds = [cue for cue, _ in totals.most_common()]
    colours = {cue: CUE_COLOURS[i % len(CUE_COLOURS)] for i, cue in enumerate(kinds)}
    per_day: dict[str, Counter[date]] = defaultdict(Counter)
    for wall, _, cue in data.cues:
        per_day[cue][datetime.fromtimestamp(wall).date()] += 1
    daily_max = max(sum(per_day[c][d] for c in kinds) for d in {d for c in kinds for d in per_day[c]})
    ticks = svg.nice_ticks(daily_max, whole=True)
    chart = svg.stacked_bars(_frame(data, 0, ticks[-1], **WIDE), [(colours[c], per_day[c]) for c in kinds],
                             ticks, lambda v: f"{v:g}", "Cues given per day")
    by_exercise = Counter((exercise, cue) for _, exercise, cue in data.cues)
    rows = "".join(f"<tr><td>{escape(cue)}</td><td>{totals[cue]}</td><td>"
                   + escape(", ".join(f"{title(e, titles)} {n}" for (e, c), n in by_exercise.most_common() if c == cue))
                   + "</td></tr>" for cue in kinds)
    return ('<section><h2>Cues given</h2>'
            + _figure("Cues per day", chart, [(colours[c], c.replace("_", " ")) for c in kinds])
            + '<table><thead><tr><th>Cue</th><th>Times</th><th>During</th></tr></thead><tbody>'
            + rows + "</tbody></table></section>")


def overview_table(data: Data, titles: Mapping[str, str]) -> str:
    last_week_start = week_start(data.last)
    rows = []
    for exercise in data.exercises:
        reps = data.by_exercise[exercise]
        first_week_end = reps[0].day + timedelta(days=WEEK)
        early = [r for r in reps if r.day < first_week_end]
        late = [r for r in reps if r.day >= last_week_start]
        overactive = sum(Flag.OVERACTIVITY in r.flags for r in reps)
        sym = lambda rs: _mean_or_dash([r.symmetry for r in rs if r.symmetry is not None])
        moved = lambda rs: _mean_or_dash([v for r in rs if (v := r.moved(r.affected)) is not None],
                                         lambda v: f"{v:.3f}")
        rows.append(f"<tr><td>{escape(title(exercise, titles))}</td><td>{len({r.day for r in reps})}</td>"
                    f"<td>{len(reps)}</td><td>{sym(early)}</td><td>{sym(late)}</td>"
                    f"<td>{moved(early)}</td><td>{moved(late)}</td>"
                    f"<td>{overactive} ({percent(overactive / len(reps))})</td></tr>")
    return ('<section><h2>Exercises: first week and last week</h2><p>The first week is each exercise\'s '
            'first seven days of practice in this period; the last week ends on the last day of the period.</p>'
            '<table><thead><tr>'
            '<th>Exercise</th><th>Days</th><th>Reps</th><th>Symmetry, first week</th><th>Symmetry, last week</th>'
            '<th>Affected movement, first week</th><th>Affected movement, last week</th>'
            '<th>Reps with strong-side over-activity</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></section>")


def _setting(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def settings_section(data: Data) -> str:
    items = []
    previous: dict = {}
    for wall, settings in data.settings:
        changed = {k: v for k, v in settings.items() if previous.get(k) != v} if previous else settings
        text = "; ".join(f"{k} = {_setting(v)}" for k, v in sorted(changed.items())) or "no change"
        when = f"From {datetime.fromtimestamp(wall):%d %b %Y}" if wall is not None else "From a date unknown"
        items.append(f"<li><b>{when}:</b> {escape(text)}</li>")
        previous = settings
    return "<section><h2>Settings in force</h2><ul>" + "".join(items) + "</ul></section>"


CSS = """
:root { color-scheme: light; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 15px/1.45 system-ui, "DejaVu Sans", sans-serif; color: #1f2933; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .4rem; border-bottom: 1px solid #d8dde3; }
.meta, .note, p { color: #4a5561; margin: .2rem 0; } .note { font-style: italic; }
.glance { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 1rem 0; }
.glance div { min-width: 8rem; } .glance b { display: block; font-size: 1.5rem; color: #1f2933; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: .5rem 1.5rem; }
figure { margin: .6rem 0; break-inside: avoid; } svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .9rem; } .key { margin-left: 1rem; white-space: nowrap; color: #4a5561; }
.key i { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { font-weight: 600; } td:not(:first-child) { font-variant-numeric: tabular-nums; }
footer { margin-top: 2rem; font-size: .85rem; color: #4a5561; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10pt; margin: 0; max-width: none; padding: 0; }
  h2 { break-after: avoid; } section { break-inside: auto; } tr { break-inside: avoid; }
  .grid { grid-template-columns: 1fr 1fr; gap: 0 8mm; }
}
"""


def _day(day: date | None) -> str:
    return f"{day:%d %b %Y}" if day else ""


def undated_section(data: Data, titles: Mapping[str, str]) -> str:
    if not data.undated:
        return ""
    rows = []
    for u in data.undated:
        when = (f"between {_day(u.after)} and {_day(u.before)}" if u.after and u.before and u.after != u.before
                else f"on {_day(u.after)}" if u.after and u.after == u.before
                else f"after {_day(u.after)}" if u.after else f"before {_day(u.before)}" if u.before else "unknown")
        sym = _mean_or_dash([r.symmetry for r in u.reps if r.symmetry is not None])
        done = ", ".join(sorted({title(r.exercise, titles) for r in u.reps})) or "–"
        rows.append(f"<tr><td>{u.session.seq}</td><td>{escape(when)}</td><td>{escape(u.session.programme)}</td>"
                    f"<td>{len(u.reps)}</td><td>{sym}</td><td>{u.cues}</td>"
                    f"<td>{escape((u.session.end_reason or '').replace('_', ' '))}</td><td>{escape(done)}</td></tr>")
    return ('<section><h2>Sessions with an unknown date</h2><p>The mirror\'s clock was not set during these '
            'sessions, so their dates are unknown. They are counted in the totals but left out of every chart and '
            'figure by day; each is placed between the nearest sessions whose dates are known.</p>'
            '<table><thead><tr><th>Session</th><th>When</th><th>Programme</th><th>Reps</th><th>Symmetry</th>'
            '<th>Cues</th><th>Ended</th><th>Exercises</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></section>")


def render(data: Data, titles: Mapping[str, str], generated: datetime) -> str:
    sides = Counter(s.affected for s in data.sessions)
    affected = data.sessions[-1].affected
    side_note = f"{affected}" + ("" if len(sides) == 1 else " (changed during the period)")
    programmes = ", ".join(sorted({s.programme for s in data.sessions}))
    days_practised = len({datetime.fromtimestamp(s.start).date() for s in data.sessions if s.date_known})
    interrupted = sum(1 for s in data.sessions if s.end_reason not in ENDED_AS_PLANNED)
    dated = data.first is not None and data.last is not None
    glance = [(days_practised, f"days practised of {(data.last - data.first).days + 1}" if dated
               else "days practised (dates unknown)"),
              (len(data.sessions), "sessions"), (len(data.reps), "repetitions measured"),
              (interrupted, "sessions ended early or interrupted"), (len(data.cues), "cues given")]
    if data.undated:
        glance.append((len(data.undated), "sessions with an unknown date"))
    period = f"{data.first:%d %b %Y} – {data.last:%d %b %Y}" if dated else "dates unknown"
    by_day = [symmetry_section(data, titles), movement_section(data, titles), sessions_section(data),
              cues_section(data, titles), overview_table(data, titles)] if dated and data.by_exercise else \
             ["<section><h2>Progress by day</h2><p>No session in this period has a known date, so there is "
              "nothing to draw by day.</p></section>"]
    return "".join([
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Mimic Mirror progress, {escape(period)}</title><style>{CSS}</style></head><body>",
        "<header><h1>Facial exercise progress</h1>",
        f'<p class="meta">{escape(period)} · affected side: {escape(side_note)} · programme: {escape(programmes)}'
        f" · made {generated:%d %b %Y %H:%M}</p>",
        '<p class="note">Practice feedback from the mirror\'s measurements of each half of the face against the '
        "person's own relaxed face. It is not a diagnosis or a grading of the palsy.</p></header>",
        '<div class="glance">' + "".join(f"<div><b>{n}</b>{escape(t)}</div>" for n, t in glance) + "</div>",
        *by_day,
        undated_section(data, titles),
        settings_section(data),
        "<footer>Every repetition is in reps.csv next to this file.</footer></body></html>",
    ])


def write_csv(data: Data, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(CSV_COLUMNS)
        for r in data.reps:
            at = datetime.fromtimestamp(r.wall)
            started = datetime.fromtimestamp(r.session_start).isoformat(timespec="seconds")
            out.writerow([r.session, started if r.date_known else "",
                          at.date().isoformat() if r.date_known else "",
                          at.time().isoformat(timespec="seconds") if r.date_known else "", r.programme,
                          r.exercise, r.rep, r.affected, f"{r.peak_left:.4f}", f"{r.peak_right:.4f}",
                          f"{r.peak(r.affected):.4f}", f"{r.peak(other(r.affected)):.4f}",
                          "" if r.symmetry is None else f"{r.symmetry:.3f}", r.weaker or "",
                          f"{r.hold_s:.2f}", f"{r.hold_target_s:.2f}", ";".join(r.flags),
                          "yes" if r.date_known else "no"])


def make_report(db: Path, out: Path, since: date | None = None, titles: Mapping[str, str] | None = None,
                generated: datetime | None = None) -> Path:
    """Write report.html and reps.csv into `out`; returns the HTML's path."""
    conn = snapshot(db)
    try:
        data = load(conn, db, since)
    finally:
        conn.close()
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    html = out / "report.html"
    html.write_text(render(data, titles or {}, generated or datetime.now()), encoding="utf-8")
    write_csv(data, out / "reps.csv")
    return html


def exercise_titles(programme_path: Path, affected: str) -> dict[str, str]:
    """Exercise titles from the programme file, so the therapist reads names, not ids."""
    from ..exercises.catalogue import load_catalogue

    catalogue = load_catalogue(programme_path)
    return {eid: e.title.format(side=affected, other=other(affected)) for eid, e in catalogue.exercises.items()}


def write_report(config, db: Path, out: Path, since: date | None = None) -> Path:
    """report.html and reps.csv in `out`, exercises named from the config's programme; the HTML's path."""
    try:
        titles = exercise_titles(config.programme_path, config["user"]["affected_side"])
    except UserError as e:  # a broken programme file must not keep the therapist from the numbers
        print(f"mimicmirror: note: exercise names not available ({e}); using ids", file=sys.stderr)
        titles = {}
    return make_report(db, out, since=since, titles=titles)
