"""What the live display shows, as plain lines: pure functions of the timeline and position."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from player.common.audio_format import SAMPLE_RATE
from player.session.timeline import Event, EventKind, Timeline
from player.session.units import format_clock

KEYS_HELP = "space pause   n/→ next chapter   p/← back   q quit"


@dataclass(frozen=True)
class Moment:
    """Where the listener is: what the display needs to draw one picture."""

    position: int
    paused: bool
    waiting: bool = False  # for the narrator to speak what comes next


def narration_at(timeline: Timeline, frame: int) -> Event | None:
    starts = [event.start for event in timeline.events]
    index = bisect.bisect_right(starts, frame) - 1
    if index < 0:
        return None
    event = timeline.events[index]
    if event.kind is EventKind.NARRATION and event.start <= frame < event.end:
        return event
    return None


def chapter_title(timeline: Timeline, frame: int) -> str:
    """The title of the chapter playing at `frame`; empty in a session without chapters."""
    index = timeline.chapter_at(frame)
    return timeline.chapters[index].title if index >= 0 else ""


def progress_bar(fraction: float, width: int, unicode: bool) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    if unicode:
        return "━" * filled + "─" * (width - filled)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def live_lines(
    timeline: Timeline, moment: Moment, width: int, *, unicode: bool, open_ended: bool = False
) -> list[str]:
    """The picture of the live display: title, chapter, caption, time with a bar, keys.

    An open-ended sitting shows the time sat, with no bar and nothing left to count down."""
    width = max(width, 30)
    session = timeline.session
    index = timeline.chapter_at(moment.position)
    count = len(timeline.chapters)
    chapter = chapter_title(timeline, moment.position)
    counted = index >= 0 and count and not open_ended  # an open sitting's bells are not counted
    where = f"Chapter {index + 1}/{count}: {chapter}" if counted else chapter
    narration = narration_at(timeline, moment.position)
    caption = f"“{narration.text}”" if narration and narration.text else ""
    if not unicode:
        caption = caption.replace("“", '"').replace("”", '"')
    elapsed = format_clock(moment.position / SAMPLE_RATE)
    remaining = format_clock((timeline.length - moment.position) / SAMPLE_RATE)
    state = "  paused" if moment.paused else "  waiting for the voice" if moment.waiting else ""
    if open_ended:
        keys = KEYS_HELP if unicode else KEYS_HELP.replace("→", "right").replace("←", "left")
        return [
            _fit(session.title, width),
            _fit(where, width),
            "",
            f"{elapsed} sat, until you press q{state}",
            _fit(keys, width),
        ]
    bar_width = max(width - len(elapsed) - len(remaining) - 5 - len(state), 10)
    fraction = moment.position / timeline.length if timeline.length else 1.0
    bar = progress_bar(fraction, bar_width, unicode)
    keys = KEYS_HELP if unicode else KEYS_HELP.replace("→", "right").replace("←", "left")
    return [
        _fit(session.title, width),
        _fit(where, width),
        _fit(caption, width),
        f"{elapsed} {bar} -{remaining}{state}",
        _fit(keys, width),
    ]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def chapter_line(timeline: Timeline, frame: int) -> str:
    """One plain line for a chapter starting, when the output is not a terminal."""
    return f"{format_clock(frame / SAMPLE_RATE)}  {chapter_title(timeline, frame)}"


def waiting_line(frame: int) -> str:
    """The plain line said the first time playback waits for the narrator."""
    return (
        f"{format_clock(frame / SAMPLE_RATE)}  waiting for the voice: it is still speaking "
        "what comes next"
    )
