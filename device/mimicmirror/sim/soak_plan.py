"""What a month at the mirror looks like: who comes by when, and what goes wrong.

A day: nobody at night; from 07:00 to 23:00 people walk past now and then
(a face in view for a few seconds, no button pressed); two or three practice
sessions in the morning, at midday and in the evening. Incidents are placed
on chosen days: a camera stall, an analysis that never returns, a full disk
and a bad edit of the settings. The plan is a pure function of its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DAY_S = 86400.0
HOUR_S = 3600.0
#: Session start hours (a random 2 or 3 of them each day) and how far they wander.
SESSION_HOURS = (8.0, 13.0, 19.5)
SESSION_JITTER_H = 0.75
#: Time a session may take before the next visitor can come (sessions end much sooner).
SESSION_SLOT_S = 900.0
WAKING_HOURS = (7.0, 23.0)
INCIDENTS = ("camera_stall", "hang", "disk_full", "bad_config")
#: How long after its session's visitor arrives a camera stall or a hang begins. The
#: scripted session's first repetition is done about 20 s after the arrival and its second
#: about 26 s (measured on the rig). The stall falls on the first (the repetition waits it
#: out and is done after it). The hang falls between the first and the second, so the
#: session it ends has practice to keep, and a reading a frame earlier or later does not
#: move a repetition to the other side of it.
INCIDENT_AFTER_S = {"camera_stall": 20.0, "hang": 23.0}


@dataclass(frozen=True)
class Visit:
    """Someone at the mirror from `start` (seconds since the soak began)."""

    start: float
    kind: str                   # "session" or "passer"
    seconds: float              # how long a passer-by stays; a session's slot


@dataclass(frozen=True)
class Incident:
    """Something going wrong at `at` (seconds since the soak began) for `seconds`."""

    kind: str                   # one of INCIDENTS
    at: float
    seconds: float = 0.0


@dataclass(frozen=True)
class DayPlan:
    day: int
    visits: tuple[Visit, ...]
    incidents: tuple[Incident, ...]


def plan_days(days: int, seed: int = 1, passers_per_day: int = 10, sessions_per_day: int | None = None,
              incidents: dict[str, int] | None = None) -> list[DayPlan]:
    """`days` days of visits; `incidents` maps an incident kind to the day it happens on.

    Default incidents spread over a month: a camera stall on day 3, a hang on
    day 6, a full disk on day 9 and a bad settings edit on day 12 (when the
    month is shorter, the days wrap). A stall, hang or full disk falls inside
    that day's first, second or last session (give three sessions a day when
    they share a day); a bad edit takes effect at noon (the service restarts
    with it) and is put right the next morning.
    """
    rng = random.Random(seed)
    chosen = incidents if incidents is not None else {"camera_stall": 3, "hang": 6, "disk_full": 9,
                                                       "bad_config": 12}
    out = []
    for day in range(days):
        base = day * DAY_S
        count = sessions_per_day or rng.choice((2, 3, 3))
        hours = sorted(rng.sample(SESSION_HOURS, count))
        sessions = [Visit(base + (h + rng.uniform(-SESSION_JITTER_H, SESSION_JITTER_H)) * HOUR_S, "session",
                          SESSION_SLOT_S) for h in hours]
        passers = []
        while len(passers) < passers_per_day:
            start = base + rng.uniform(*WAKING_HOURS) * HOUR_S
            stay = rng.uniform(4.0, 12.0)
            if all(abs(start - v.start) > SESSION_SLOT_S + 60 for v in sessions) and \
                    all(abs(start - p.start) > 120 for p in passers):
                passers.append(Visit(start, "passer", stay))
        visits = tuple(sorted(sessions + passers, key=lambda v: v.start))
        happening = []
        for kind, on in chosen.items():
            if on % days != day:
                continue
            if kind == "bad_config":
                happening.append(Incident(kind, base + 12 * HOUR_S, 19 * HOUR_S))   # until 07:00 next day
            else:
                target = sessions[{"camera_stall": 0, "hang": min(1, len(sessions) - 1),
                                   "disk_full": len(sessions) - 1}[kind]]
                if kind == "disk_full":
                    happening.append(Incident(kind, target.start - 600, 2 * HOUR_S))
                else:
                    happening.append(Incident(kind, target.start + INCIDENT_AFTER_S[kind],
                                              8.0 if kind == "camera_stall" else 0.0))
        out.append(DayPlan(day, visits, tuple(sorted(happening, key=lambda i: i.at))))
    return out
