"""What the store remembers, handed to the (pure) engine at session start.

The engine never reads the database; the service asks the store for a
`History` and gives it to the engine, so summaries can compare today with
the last 7 and 28 days and the greeting can say "session k of n today".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class ExerciseHistory:
    symmetry_7d: float | None = None         # mean rep symmetry over the last 7 days
    symmetry_28d: float | None = None        # ... over the last 28 days
    trend: tuple[float, ...] = ()            # one mean symmetry per practice day, oldest first
    affected_first_week: float | None = None  # mean affected-side peak movement, first 7 days of use
    affected_last_week: float | None = None   # ... over the last 7 days


@dataclass(frozen=True)
class History:
    sessions_today: int = 0                   # completed or started sessions today, before this one
    sessions_yesterday: int | None = None     # None when the device was not used before yesterday
    exercises: Mapping[str, ExerciseHistory] = field(default_factory=dict)
