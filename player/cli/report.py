"""What `list`, `show` and `check` print: plain data and text built from timelines."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

from player.cli.listing import range_json
from player.common.audio_format import SAMPLE_RATE
from player.session.flex import length_range
from player.session.model import Bell, Chapter, Narration, Repeat, Session, Silence, Step, flatten
from player.session.timeline import Event, EventKind, Timeline
from player.session.units import format_clock, format_duration


def draft_warning(session: Session) -> str | None:
    """One warning for the narration a session still speaks from text, or None."""
    drafts = [s for s in flatten(session.steps) if isinstance(s, Narration) and s.draft]
    if not drafts:
        return None
    lines = ", ".join(str(step.where.line) for step in drafts[:8])
    more = f" and {len(drafts) - 8} more" if len(drafts) > 8 else ""
    some = (
        "1 narration step is a draft"
        if len(drafts) == 1
        else f"{len(drafts)} narration steps are drafts"
    )
    return (
        f"{drafts[0].where}: warning: {some}, spoken from text (line {lines}{more}): "
        "record them and give each file as narration:"
    )


def display_path(path: Path) -> str:
    """The path relative to the current folder when it lies inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- show ----------------------------------------------------------------------------------


def _seconds(frames: int) -> float:
    return round(frames / SAMPLE_RATE, 6)


def timeline_json(name: str, timeline: Timeline, narrator: str | None = None) -> dict[str, Any]:
    session = timeline.session
    return {
        "name": name,
        "language": session.language,
        "narrator": narrator,
        "title": session.title,
        "description": session.description,
        "author": session.author,
        "tags": list(session.tags),
        "path": str(session.path),
        "duration": _seconds(timeline.length),
        "range": range_json(length_range(session)),
        "chapters": [
            {"title": c.title, "start": _seconds(c.start), "end": _seconds(c.end)}
            for c in timeline.chapters
        ],
        "events": [
            {
                "kind": event.kind.value,
                "start": _seconds(event.start),
                "duration": _seconds(event.length),
                "source": event.bell or (str(event.clip) if event.clip else None),
                "text": event.text,
                "estimated": _estimated(event),
                "gain_db": event.gain_db,
                "chapter": event.chapter,
                "line": event.where.line,
            }
            for event in timeline.events
        ],
        "rings": [
            {
                "start": _seconds(ring.start),
                "duration": _seconds(ring.length),
                "source": ring.bell or (str(ring.clip) if ring.clip else None),
                "gain_db": ring.gain_db,
                "line": ring.where.line,
            }
            for ring in timeline.rings
        ],
        "ambient": [
            {
                "sound": span.bed.label,
                "start": _seconds(span.start),
                "end": _seconds(span.end),
                "volume_db": span.gain_db,
                "duck_db": span.duck_db,
                "fade_in": _seconds(span.fade_in),
                "fade_out": _seconds(span.fade_out),
            }
            for span in timeline.beds
        ],
    }


def chapter_bar(timeline: Timeline, width: int) -> list[str]:
    """A one-line bar with a cell per chapter, proportional to its length, and a legend."""
    if not timeline.chapters or timeline.length == 0:
        return []
    scale = width / timeline.length
    cells = []
    for number, mark in enumerate(timeline.chapters, start=1):
        cells.append((number, round(mark.start * scale), round(mark.end * scale)))
    bar = [" "] * width
    if timeline.chapters[0].start > 0:
        for i in range(round(timeline.chapters[0].start * scale)):
            bar[i] = "."
    for number, left, right in cells:
        for i in range(left, min(right, width)):
            bar[i] = "="
        if left < width:
            bar[left] = "|"
        label = str(number)
        if right - left > len(label) + 1:
            for offset, char in enumerate(label):
                bar[left + 1 + offset] = char
    legend = [
        f"{n} {mark.title} {format_clock(mark.start / SAMPLE_RATE)}"
        for n, mark in enumerate(timeline.chapters, start=1)
    ]
    return ["[" + "".join(bar) + "]", *_packed(legend, width + 2)]


def _packed(items: list[str], width: int, gap: str = "  ") -> list[str]:
    """`items` in lines of at most `width` (an item longer than that alone on its line),
    never broken inside an item."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(gap) + len(item) <= width:
            lines[-1] += gap + item
        else:
            lines.append(item)
    return lines


def _estimated(event: Event) -> bool:
    """Whether an event lasts as long as its clip is estimated to: a narrator's clip not
    spoken yet (see player.session.layout)."""
    return event.kind is EventKind.NARRATION and event.clip is not None and not event.clip.exists()


def show_text(name: str, timeline: Timeline, narrator: str | None = None) -> str:
    session = timeline.session
    width = min(shutil.get_terminal_size((80, 24)).columns, 100)
    span = length_range(session)
    flexible = f", can last {span.describe()}" if span.flexible else ""
    lines = [f"{session.title}  ({name}, {format_clock(timeline.seconds)}{flexible})"]
    if session.description:
        lines += textwrap.wrap(session.description, width)
    details = [f"file: {display_path(session.path)}"]
    if session.author:
        details.append(f"by {session.author}")
    if session.tags:
        details.append("tags: " + ", ".join(session.tags))
    if session.language:
        details.append(f"language: {session.language}")
    lines.append("  ".join(details))
    if narrator:
        guessed = any(_estimated(event) for event in timeline.events)
        note = " (~: estimated, not spoken yet; play or export speaks it)" if guessed else ""
        lines.append(f"voice: {narrator}{note}")
    lines.append("")
    lines += chapter_bar(timeline, width - 2)
    for span in timeline.beds:
        where = ""
        if span.bed.from_chapter or span.bed.until_chapter:
            where = (
                f", {format_clock(span.start / SAMPLE_RATE)}-{format_clock(span.end / SAMPLE_RATE)}"
            )
        duck = f", ducks {span.duck_db:g} dB under narration" if span.duck_db else ""
        lines.append(f"ambient: {span.bed.label} at {span.gain_db:+g} dB{duck}{where}")
    lines.append("")
    lines += _step_lines(session.steps, _StepClock(timeline), width, depth=0)
    lines.append(f"{format_clock(timeline.seconds).rjust(7)}  end")
    return "\n".join(lines)


class _StepClock:
    """Follows the placed events while the steps (repeats folded) are printed."""

    def __init__(self, timeline: Timeline) -> None:
        self.events = timeline.events
        self.index = 0

    def start(self) -> float:
        if self.index < len(self.events):
            return self.events[self.index].start / SAMPLE_RATE
        return self.events[-1].end / SAMPLE_RATE if self.events else 0.0

    def seconds(self) -> float:
        """How long the current event lasts, as placed (a flexible silence as stretched)."""
        if self.index < len(self.events):
            return self.events[self.index].length / SAMPLE_RATE
        return 0.0

    def estimated(self) -> bool:
        return self.index < len(self.events) and _estimated(self.events[self.index])

    def advance(self, count: int) -> None:
        self.index += count


def _rings_note(silence: Silence, lasting: float) -> str:
    assert silence.bells is not None
    bells = silence.bells
    sound = bells.bell.label
    if bells.every is not None:
        return f"{sound} every {format_duration(bells.every)}"
    times = ", ".join(format_clock(t) for t in bells.offsets(silence.seconds, lasting))
    return f"{sound} at {times} into it"


def _leaf_count(steps: tuple[Step, ...]) -> int:
    total = 0
    for step in steps:
        if isinstance(step, Repeat):
            total += step.count * _leaf_count(step.steps)
        elif not isinstance(step, Chapter):
            total += 1
    return total


def _step_lines(steps: tuple[Step, ...], clock: _StepClock, width: int, depth: int) -> list[str]:
    lines: list[str] = []
    indent = "  " * depth
    for step in steps:
        at = format_clock(clock.start()).rjust(7)
        if isinstance(step, Chapter):
            lines.append("")
            lines.append(f"{indent}== {step.title} ==")
            continue
        if isinstance(step, Repeat):
            each = _leaf_count(step.steps)
            first = clock.index
            lines.append(f"{at}  {indent}repeat {step.count} times:")
            lines += _step_lines(step.steps, clock, width, depth + 1)
            clock.index = first + each * step.count
            continue
        if isinstance(step, Narration):
            about = "~" if clock.estimated() else ""
            what = f"narration {about}{format_duration(round(clock.seconds(), 1))}"
            text = f'"{step.text}"' if step.text else step.clip.found.name if step.clip else ""
            room = max(width - 30 - len(indent), 20)
            wrapped = textwrap.wrap(text, room) or [""]
            lines.append(f"{at}  {indent}{what.ljust(20)} {wrapped[0]}")
            lines += [f"{'':7}  {indent}{'':20} {more}" for more in wrapped[1:]]
        elif isinstance(step, Silence):
            notes = []
            if step.flex:
                top = format_duration(step.max_seconds) if step.max_seconds else "any"
                notes.append(f"flex {format_duration(step.min_seconds)}-{top}")
            if abs(clock.seconds() - step.seconds) >= 0.05:  # stretched or shrunk by --length
                notes.append(f"written {format_duration(step.seconds)}")
            if step.bells is not None:
                notes.append(_rings_note(step, clock.seconds()))
            lasts = format_duration(round(clock.seconds(), 1))
            shown = f"  ({', '.join(notes)})" if notes else ""
            lines.append(f"{at}  {indent}silence {lasts}{shown}")
        elif isinstance(step, Bell):
            lines.append(f"{at}  {indent}bell {step.label} ({format_duration(step.seconds)})")
        clock.advance(1)
    return lines
