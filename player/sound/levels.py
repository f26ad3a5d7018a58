"""Levels that land the finished mix on its loudness target without measuring the mix.

Playback starts at once, so the mix cannot wait for a measurement of the whole session, and
playback must equal export. So each source is levelled on its own, lazily, the moment it is
first needed, in a way that makes the mix come out on target:

- BS.1770 gates a measurement relatively: blocks more than 10 LU under the mean of all blocks
  do not count. A clip measured alone has a higher gate than the same clip in a session with
  quiet stretches between its clips, where more of its soft blocks count. So every source is
  measured with the gate the whole mix will have (`mix_gate_lufs`), which follows from the
  timeline and the levels it asks for, before any sound is decoded.
- The limiter takes some loudness from every peak it catches, more at louder targets. So a
  source whose peaks would reach the limiter is measured as the limiter will leave it.

- Sources levelled under the target (a bell, a quieter line) pull the whole under it by
  their share of the gated blocks; everything is raised by that much (`level_offset_db`).

What this leaves is at most a few tenths of an LU, measured in tests/test_levels.py against
ffmpeg's meter. A target too loud for the ceiling is reported by the export, which measures
what it wrote (`player.output.export`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from player.session.timeline import Event, EventKind, Timeline
from player.sound import meter
from player.sound.mastering import Limiter
from player.sound.meter import array_reader, measure

# Ungated mean power of a source over its span, in dB under its gated loudness: measured on
# the bundled narration (-0.55 dB, sd 0.43, 37 clips) and the built-in bells (-2.7 to -3.6).
NARRATION_SPREAD_DB = -0.6
BELL_SPREAD_DB = -3.0
# The share of a source's 400 ms blocks that pass the mix's gate: 0.88 of narration blocks
# and about half of a bell's (it dies away) in the bundled sessions.
NARRATION_GATED_SHARE = 0.88
BELL_GATED_SHARE = 0.5
_RELATIVE_GATE_LU = -10.0


def mix_gate_lufs(
    timeline: Timeline,
    target_lufs: float,
    *,
    bells: bool = True,
    ambient: bool = True,
    ambient_offset_db: float = 0.0,
) -> float:
    """The relative gate the finished mix will have, from its timeline and levels alone.

    The mean power of the mix over every block that sounds is what each source brings: its
    level (the target plus its own offset), how much quieter it is on average than its gated
    loudness, and how long it lasts, beds lowered while narration speaks.
    """

    def power(lufs: float) -> float:
        return 10.0 ** ((lufs + 0.691) / 10.0)

    energy = 0.0
    sounding: list[tuple[int, int]] = []
    for event, spread in _heard(timeline, bells, NARRATION_SPREAD_DB, BELL_SPREAD_DB):
        energy += event.length * power(target_lufs + event.gain_db + spread)
        sounding.append((event.start, event.end))
    if ambient:
        for span in timeline.beds:
            level = power(target_lufs + span.gain_db + ambient_offset_db)
            ducked = _overlap(timeline, span.start, span.end) if span.duck_db else 0
            lowered = 1.0 - 10.0 ** (-span.duck_db / 10.0)
            energy += level * ((span.end - span.start) - ducked * lowered)
            sounding.append((span.start, span.end))
    frames = _union_length(sounding)
    if not frames or energy <= 0:
        return target_lufs + _RELATIVE_GATE_LU
    mean = energy / frames
    return -0.691 + 10.0 * math.log10(mean) + _RELATIVE_GATE_LU


def level_offset_db(
    timeline: Timeline,
    *,
    bells: bool = True,
    ambient: bool = True,
    ambient_offset_db: float = 0.0,
) -> float:
    """How much to raise every source so the whole measures on target, not just the voice.

    Each source is levelled to its own target (the voice to the target, a bell 3 dB under
    it, a bed far under it), and the blocks that pass the gate are a mix of them: softer
    sources pull the whole under target by their share of those blocks. A bed counts where
    it plays alone above the gate, as in a timer's sitting. Raising everything by the same
    amount keeps every relation, and the gate moves with it.
    """
    weight = power = 0.0
    sounding: list[tuple[int, int]] = []
    for event, share in _heard(timeline, bells, NARRATION_GATED_SHARE, BELL_GATED_SHARE):
        blocks = share * event.length
        weight += blocks
        power += blocks * 10.0 ** (event.gain_db / 10.0)
        sounding.append((event.start, event.end))
    if ambient:
        gate = mix_gate_lufs(
            timeline, 0.0, bells=bells, ambient=ambient, ambient_offset_db=ambient_offset_db
        )
        for span in timeline.beds:
            level = span.gain_db + ambient_offset_db
            if level <= gate:  # under the gate where it plays alone: it does not count
                continue
            alone = (span.end - span.start) - _covered(sounding, span.start, span.end)
            weight += alone
            power += alone * 10.0 ** (level / 10.0)
    if not weight:
        return 0.0
    return -10.0 * math.log10(power / weight)


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> int:
    """Frames of [start, end) that some span covers."""
    clipped = [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]
    return _union_length(clipped)


def source_gain_db(
    samples: np.ndarray, target_lufs: float, gate_lufs: float, limiter: Limiter
) -> float | None:
    """The gain (dB) that brings `samples` to `target_lufs` measured with the mix's gate,
    after the limiter has done what it will do to them; None when nothing is loud enough to
    measure (the source then keeps its own level). See meter.py, which streams it."""
    read = array_reader(samples)
    return meter.source_gain_db(measure(read), read, target_lufs, gate_lufs, limiter)


def _overlap(timeline: Timeline, start: int, end: int) -> int:
    """Frames of [start, end) during which narration speaks."""
    return sum(
        max(0, min(end, event.end) - max(start, event.start))
        for event in timeline.events
        if event.kind is EventKind.NARRATION
    )


def _union_length(spans: list[tuple[int, int]]) -> int:
    total, reach = 0, None
    for start, end in sorted(spans):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def _heard(
    timeline: Timeline, bells: bool, narration: float, bell: float
) -> Iterator[tuple[Event, float]]:
    """The narration and (with `bells`) the bells of a timeline, each with its kind's value."""
    for event in (*timeline.events, *timeline.rings):
        if event.kind is EventKind.NARRATION:
            yield event, narration
        elif event.kind is EventKind.BELL and bells:
            yield event, bell
