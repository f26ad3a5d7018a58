"""Which sounds a timeline's events play, and where each is next needed: what the renderer's
SoundCache keeps a decoded sound for, and how long."""

from __future__ import annotations

import bisect

from player.session.timeline import Event


def sound_keys(event: Event) -> tuple[tuple[object, ...], ...]:
    """The keys of the sounds an event plays in the renderer's SoundCache: its bell, or its
    clip and (struck more than once) its clip so struck."""
    if event.bell is not None:
        return (("bell", event.bell, event.strikes),)
    whole = ("clip", event.clip)
    return (whole,) if event.strikes == 1 else (whole, (*whole, event.strikes))


class SoundUses:
    """For each sound's key, the ends of the events that play it in order, and the earliest
    start among the events from each on, so the next use after any frame is a bisection."""

    def __init__(self, events: list[Event]) -> None:
        spans: dict[object, list[tuple[int, int]]] = {}
        for event in events:
            for key in sound_keys(event):
                spans.setdefault(key, []).append((event.end, event.start))
        self._uses: dict[object, tuple[list[int], list[int]]] = {}
        for key, found in spans.items():
            found.sort()
            first_starts = [start for _, start in found]
            for index in range(len(first_starts) - 2, -1, -1):
                first_starts[index] = min(first_starts[index], first_starts[index + 1])
            self._uses[key] = ([end for end, _ in found], first_starts)

    def next_use(self, key: object, position: int) -> int | None:
        """Where the sound under `key` is next needed from frame `position` (None: never)."""
        uses = self._uses.get(key)
        if uses is None:
            return None
        ends, first_starts = uses
        after = bisect.bisect_right(ends, position)
        return max(first_starts[after], position) if after < len(ends) else None
