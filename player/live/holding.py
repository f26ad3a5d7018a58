"""Where playback may wait for narration not spoken yet. Pure.

While a narrator speaks ahead of playback, a clip it has not spoken yet cannot be mixed, nor
what comes shortly before it. Should playback catch up with that, it waits, but only where
a pause cuts nothing: in a silence, or between two steps, never in the middle of a word; a
bell's ring only when a bell has all the time that is left (the opening bell never waits).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from player.session.timeline import Event, EventKind, Timeline


@dataclass
class Wait:
    """Playback waiting for the narrator: where, since when, and, once over, for how long."""

    frame: int
    began: float
    seconds: float | None = None


def hold_at(timeline: Timeline, limit: int, position: int) -> int:
    """The latest frame at or before `limit` (the end of what can be rendered) where playback
    may wait, and no earlier than `position`, where it is now."""
    quiet = _latest_outside(timeline, limit, lambda e: e.kind is not EventKind.SILENCE)
    if quiet > position:
        return quiet
    unspoken = _latest_outside(timeline, limit, lambda e: e.kind is EventKind.NARRATION)
    return max(unspoken, position)


def _latest_outside(timeline: Timeline, limit: int, sounds: Callable[[Event], bool]) -> int:
    """The latest frame at or before `limit` inside no event for which `sounds(event)` holds:
    a step's own boundaries count as outside it."""
    events = timeline.events
    starts = timeline.starts
    frame = limit
    for _ in range(len(events) + len(timeline.rings) + 1):
        inside = _containing(events, starts, frame)
        if inside is not None and sounds(inside):
            frame = inside.start
            continue
        ring = next((r for r in timeline.rings if r.start < frame < r.end and sounds(r)), None)
        if ring is not None:
            frame = ring.start
            continue
        return frame
    return 0


def _containing(events: tuple[Event, ...], starts: list[int], frame: int) -> Event | None:
    """The event that sounds at `frame`, its start not counted."""
    index = bisect.bisect_left(starts, frame) - 1
    if index < 0:
        return None
    event = events[index]
    return event if event.start < frame < event.end else None
