"""Plausible months of practice written through the Store API.

For the tests and benchmarks of the history and the therapist's report, and
for trying the report before the device has been used: a slowly recovering
affected side, 1-3 sessions a day with missed days, a gentle programme for
the first month and the standard one after, over-activity cues that become
rarer as the sides even out, the odd power cut. Deterministic per seed.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..clinical import Flag, symmetry
from ..records import CueGiven, ExerciseDone, NeutralCaptured, RepDone, SessionEnded, SessionStarted
from ..sides import Side, other
from .db import Store

#: exercise id -> typical peak movement of a healthy side (IID units), as in config/exercises.toml
EXERCISES: dict[str, float] = {
    "raise_brows": 0.06, "frown": 0.035, "nose_wrinkle": 0.03, "lips_outward": 0.07,
    "assisted_smile": 0.06, "close_eyes": 0.09, "smile_closed": 0.055, "cheek_puff": 0.035,
}
#: the therapist starts gently and moves to the full programme after a month
GENTLE = ("raise_brows", "lips_outward", "assisted_smile", "close_eyes", "cheek_puff")
GENTLE_DAYS = 30
SESSION_HOURS = (8.5, 13.0, 19.5)


def recovery(day: int, days: int) -> float:
    """Affected side's share of the healthy side's movement: 0.25 rising towards 0.9."""
    return 0.25 + 0.65 / (1 + math.exp(-(day - days * 0.45) / (days * 0.12)))


def write_sample(path: Path, days: int = 90, end: date | None = None, affected: Side = "left",
                 seed: int = 1, reps: int = 8) -> Path:
    """Write `days` days of sessions ending on `end` (default today) into a database at `path`."""
    rng = random.Random(seed)
    end = end or date.today()
    strong = other(affected)
    with Store.open(path) as store:
        for n in range(days):
            day = end - timedelta(days=days - 1 - n)
            share = recovery(n, days)
            if rng.random() < 0.08:
                continue  # a missed day
            gentle = n < GENTLE_DAYS
            programme = ("gentle", GENTLE, 3) if gentle else ("standard", tuple(EXERCISES), reps)
            for hour in SESSION_HOURS[:rng.choice((1, 2, 3, 3, 3))]:
                wall = datetime.combine(day, time()).timestamp() + hour * 3600 + rng.uniform(-1800, 1800)
                _session(store, rng, wall, affected, strong, share, *programme)
    return path


def _session(store: Store, rng: random.Random, wall: float, affected: Side, strong: Side,
             share: float, programme: str, exercises: tuple[str, ...], reps: int) -> None:
    t = 100.0
    settings = {"programme": programme, "rules.overactivity_ratio": 1.5, "reps": reps, "exercises": exercises}
    store.write([SessionStarted(t, programme, affected, settings)], wall)
    store.write([NeutralCaptured(t + 3, {"brow_height": (0.42, 0.43), "mouth_corner_height": (-1.05, -1.04)})], wall + 3)
    t += 5
    for exercise in exercises:
        healthy = EXERCISES[exercise]
        records = []
        symmetries = []
        for rep in range(1, reps + 1):
            t += 9
            moved = {strong: healthy * rng.gauss(1.0, 0.08),
                     affected: max(0.0, healthy * share * rng.gauss(1.0, 0.15))}
            sym, weaker = symmetry(moved["left"], moved["right"], 0.0, direction=1)
            overactive = moved[strong] > 1.5 * moved[affected]
            symmetries.append(sym)
            records.append(RepDone(t, exercise, rep, moved["left"], moved["right"], sym, weaker,
                                   hold_s=round(rng.uniform(2.0, 4.0), 2), hold_target_s=4.0,
                                   flags=(Flag.OVERACTIVITY,) if overactive else ()))
            if overactive and rep % 2 == 0:
                records.append(CueGiven(t, exercise, "overactivity", "Smaller movements"))
            if overactive and rep == reps and rng.random() < 0.3:
                records.append(CueGiven(t, exercise, "break", "Rest your face for a minute"))
            if exercise == "assisted_smile" and rng.random() < 0.04 * (1.2 - share):
                records.append(CueGiven(t, exercise, "synkinesis", "Keep your eye soft"))
        records.append(ExerciseDone(t + 2, exercise, reps, sum(symmetries) / len(symmetries)))
        store.write(records, wall + t - 100)
    if rng.random() < 0.03:
        return  # power cut: no SessionEnded; the next open marks it interrupted
    store.write([SessionEnded(t + 5, "completed")], wall + t - 95)
