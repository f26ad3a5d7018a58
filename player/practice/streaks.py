"""Streaks of days with a sitting, by a rule the sitter chooses, and the totals `history` shows.

A streak is a run of days with a sitting in which no gap is longer than the grace allows: with
a grace of one day, sitting on Monday and Wednesday keeps Tuesday's streak going. It counts the
days sat, not the days it spans. The default grace is one day, so one missed day is forgiven:
a streak is encouragement, never a reproach.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from player.practice.history import Sitting

DEFAULT_GRACE_DAYS = 1


@dataclass(frozen=True)
class Practice:
    """What `meditate history` reports."""

    recent: tuple[Sitting, ...]
    sittings: int
    minutes: float
    completed: int
    current_streak: int
    longest_streak: int


def streaks(
    days: Iterable[datetime.date], today: datetime.date, grace: int = DEFAULT_GRACE_DAYS
) -> tuple[int, int]:
    """(current, longest): days sat in runs whose gaps are at most `grace` days.

    The current streak still counts while today is within the grace after the last day sat.
    """
    unique = sorted(set(days))
    longest = run = 0
    previous: datetime.date | None = None
    for day in unique:
        run = run + 1 if previous is not None and (day - previous).days <= grace + 1 else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if unique and unique[-1] <= today and (today - unique[-1]).days <= grace + 1:
        current = 1
        for earlier, later in zip(reversed(unique[:-1]), reversed(unique[1:]), strict=True):
            if (later - earlier).days > grace + 1:
                break
            current += 1
    return current, longest


def summarise(
    sittings: list[Sitting],
    today: datetime.date,
    recent: int = 10,
    grace: int = DEFAULT_GRACE_DAYS,
) -> Practice:
    days = [s.started.date() for s in sittings]
    current, longest = streaks(days, today, grace)
    return Practice(
        recent=tuple(sittings[-recent:][::-1]),
        sittings=len(sittings),
        minutes=sum(s.seconds for s in sittings) / 60.0,
        completed=sum(s.completed for s in sittings),
        current_streak=current,
        longest_streak=longest,
    )
