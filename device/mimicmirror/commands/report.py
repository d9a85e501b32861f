"""`mimicmirror report`: progress for the therapist, as report.html and reps.csv in a folder.

The database is found from the device config ([store] path under the state
directory) unless --db names it. The report only reads: it can run while the
mirror is in use, and a damaged database is reported, never repaired here.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..errors import UserError

HELP = "write the therapist's progress report (HTML with plots, and a CSV of every rep)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=HELP, description=HELP)
    p.add_argument("--since", metavar="DATE", help="only sessions from this day on (YYYY-MM-DD)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--db", type=Path, metavar="PATH", help="the progress database to read")
    source.add_argument("--config", type=Path, metavar="FILE",
                        help="device config whose [store] path to read (default: the installed one)")
    p.add_argument("--out", type=Path, metavar="DIR", required=True, help="folder to write the report into")
    p.set_defaults(func=run)


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--since {text}: not a date; use YYYY-MM-DD, e.g. 2025-03-01") from None


def run(args: argparse.Namespace) -> int:
    from ..config import defaults, load
    from ..settings import database_path
    from ..store.report import write_report

    since = parse_day(args.since) if args.since else None
    if args.db is None:
        config = load(args.config)
        db = database_path(config)
    else:
        db = args.db
        try:
            config = load()
        except UserError:  # names only; the installed config is not needed to read a database
            config = defaults()
    html = write_report(config, db, args.out, since)
    print(f"Wrote {html} and {html.with_name('reps.csv')}")
    return 0
