"""A month on the wall: the real service through 30 simulated days, in minutes.

Idle most of the day with people walking past, two or three sessions a day,
a camera stall, an analysis that never returns (the watchdog restarts the
mirror), a full disk and a bad settings edit (see mimicmirror/sim/soak.py for
what is simulated and what is skipped). After each day: resident memory, open
file descriptors, database and WAL size, bytes written to storage, journal
lines and loop passes. At the end: memory and descriptors after warm-up
against the first day after it (flat within 5 %), every session's records
against the database, and the SD card's share.

    .venv/bin/python benchmarks/soak.py [--days 30] [--out out/soak]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

#: Days before memory is expected to be flat (caches of rendered faces and analyses fill).
WARM_UP_DAYS = 3
#: Bytes journald keeps per line on disk: the text plus its fields and indexes (an estimate).
JOURNAL_BYTES_PER_LINE = 400
CARD_BYTES = 32e9
#: Write cycles each cell of a consumer microSD card takes (TLC; an A1/A2 card's wear levelling
#: spreads writes over the whole card). Cheap cards may manage a tenth of this.
CARD_CYCLES = 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("out/soak"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from mimicmirror.service import configure_logging
    from mimicmirror.sim.soak import Soak
    from mimicmirror.sim.soak_plan import plan_days

    configure_logging(level=logging.INFO)      # the journal's level: the soak counts these lines
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)      # ... and prints only warnings here
    started = time.monotonic()
    result = Soak(plan_days(args.days, seed=args.seed), args.out).run()
    real = time.monotonic() - started

    print(f"{'day':>3} {'RSS MB':>7} {'fds':>4} {'DB kB':>6} {'WAL kB':>7} {'written kB':>10} {'commits':>7} "
          f"{'journal':>7} {'passes':>7} {'sessions':>8} {'real s':>6}")
    for d in result.days:
        print(f"{d.day:>3} {d.rss_kb / 1024:>7.1f} {d.fds:>4} {d.db_bytes / 1024:>6.0f} {d.wal_bytes / 1024:>7.0f} "
              f"{d.written_bytes / 1024:>10.0f} {d.commits:>7} {d.journal_lines:>7} {d.loop_passes:>7} {d.sessions:>8} "
              f"{d.seconds:>6.1f}")
    ok = True
    # On the device a restart is a new process; here it is a new service in the same process, so
    # memory is judged within each stretch of days one start of the mirror ran through.
    restart_days = sorted({day for day, _ in result.restarts})
    stretches, begin = [], 0
    for day in restart_days + [len(result.days)]:
        stretches.append(result.days[begin:day])
        begin = day + 1                       # the restart's own day is partly each start's
    print()
    for n, stretch in enumerate(stretches):
        settled = stretch[WARM_UP_DAYS if n == 0 else 1:]     # caches fill again after a start
        if len(settled) < 2:
            continue
        base = settled[0]
        drift = max(abs(d.rss_kb - base.rss_kb) / base.rss_kb for d in settled)
        print(f"days {settled[0].day}-{settled[-1].day} (one start): resident memory within {drift:.1%} of "
              f"{base.rss_kb / 1024:.1f} MB ({(settled[-1].rss_kb - base.rss_kb) / 1024:+.1f} MB)")
        ok &= drift <= 0.05
    for day in restart_days:
        if 0 < day < len(result.days):
            jump = (result.days[day].rss_kb - result.days[day - 1].rss_kb) / 1024
            print(f"day {day}: restarted in this process, {jump:+.1f} MB (a new process on the device)")
    fd_base = result.days[min(WARM_UP_DAYS, len(result.days) - 1)].fds
    fd_drift = max(abs(d.fds - fd_base) for d in result.days[WARM_UP_DAYS:] or result.days)
    print(f"open files: within {fd_drift} of {fd_base} from day {min(WARM_UP_DAYS, len(result.days) - 1)} on, "
          f"restarts included")
    ok &= fd_drift <= max(1, fd_base // 20)

    per_day = [d.written_bytes for d in result.days]
    mean_written = sum(per_day) / len(per_day)
    journal = sum(d.journal_lines for d in result.days) / len(result.days)
    commits = sum(d.commits for d in result.days) / len(result.days)
    sessions = sum(d.sessions for d in result.days) / len(result.days)
    daily = mean_written + journal * JOURNAL_BYTES_PER_LINE
    years = CARD_BYTES * CARD_CYCLES / daily / 365
    print(f"written to storage per day: {mean_written / 1e6:.2f} MB (database and WAL; {sessions:.1f} sessions, "
          f"{mean_written / max(sessions, 1e-9) / 1e3:.0f} kB a session, {commits:.0f} synced commits, "
          f"{mean_written / max(commits, 1e-9) / 1e3:.1f} kB each); journal {journal:.0f} lines "
          f"(~{journal * JOURNAL_BYTES_PER_LINE / 1e3:.0f} kB)")
    print(f"SD card: {daily / 1e6:.2f} MB a day; a 32 GB card taking {CARD_CYCLES} writes per cell lasts "
          f"~{years:,.0f} years of this ({years / 10:,.0f} at a tenth of the cycles)")

    reps_in_db = sum(reps for _, _, reps in result.db_sessions)
    complete = len(result.db_sessions) == result.started and reps_in_db == result.reps and \
        all(reason is not None for _, reason, _ in result.db_sessions)
    print(f"sessions started {result.started}, in the database {len(result.db_sessions)}; repetitions "
          f"{result.reps}, in the database {reps_in_db}; every session ended: "
          f"{all(r is not None for _, r, _ in result.db_sessions)}")
    ok &= complete
    ends = {}
    for _, reason, _ in result.db_sessions:
        ends[reason] = ends.get(reason, 0) + 1
    print(f"session ends: {ends}; restarts: {result.restarts}")
    print(f"longest real gap between watchdog pings around the hang: {result.hang_gap_s or 0:.1f} s")
    print(f"analyses by the model: {result.analysis_misses}, replayed: {result.analysis_hits}")
    print(f"most frequent journal lines: {result.top_messages}")
    print(f"{len(result.days)} days in {real / 60:.1f} minutes: {'OK' if ok else 'NOT FLAT OR RECORDS MISSING'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
