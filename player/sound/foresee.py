"""The loudness a session's mix will have, foreseen from its sources instead of rendered.

Each clip and bell brings its measured energy (meter.py: 10-ms ticks, kept in the cache for
files) times its level and fades; each bed its own measured ticks over its span (measured
once, kept in the cache: synthesised beds swell and fade as the session goes) times its
envelope (level, fades and ducking); silences nothing. Sources that play together add as
powers, as uncorrelated sounds do. A source levelled into the limiter counts as the
limiter leaves it. Momentary loudness (400-ms blocks, 100 ms apart) follows from the summed ticks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import code_version, key_of, user_cache
from player.common.errors import MeditateError
from player.session.timeline import Event
from player.sound.loudness import db_to_gain
from player.sound.meter import (
    BLOCK_TICKS,
    HOP_TICKS,
    PAD_TICKS,
    TICK,
    block_powers_of,
    limited_ticks,
    measure,
)
from player.sound.render import TRUNCATION_FADE, Renderer, describe, raised_cosine
from player.sound.sources import clip_sound, measurement

_TICKS = "ticks"
_METER = "player.sound.meter"


def momentary_loudness(renderer: Renderer) -> tuple[np.ndarray, np.ndarray]:
    """Seconds (the middle of each block) and momentary loudness (LUFS) of the mix."""
    energy = np.zeros(renderer.length // TICK + 1)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        clips = pool.map(_measure_clip, _first_of_each_clip(renderer.sounding))
        for index in range(len(renderer.timeline.beds) if renderer.options.ambient else 0):
            _add_bed(energy, renderer, index)
        list(clips)
    for event in renderer.sounding:
        _add_event(energy, renderer, event)
    powers = block_powers_of(energy)
    seconds = (np.arange(len(powers)) * HOP_TICKS + BLOCK_TICKS / 2) * TICK / SAMPLE_RATE
    with np.errstate(divide="ignore"):
        return seconds, -0.691 + 10.0 * np.log10(np.maximum(powers, 1e-12))


def _remembered(key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
    """Tick energies kept in the cache under `key`: made the first time."""
    cache = user_cache()
    try:
        return np.load(cache.file(_TICKS, key, ".npy"), allow_pickle=False)
    except (OSError, ValueError):
        pass
    ticks = make()
    with (
        contextlib.suppress(OSError, MeditateError),
        cache.storing(_TICKS, key, ".npy") as partial,
        partial.open("wb") as stream,
    ):
        np.save(stream, ticks, allow_pickle=False)
    return ticks


def _first_of_each_clip(events: list[Event]) -> list[Event]:
    first: dict[object, Event] = {}
    for event in events:
        if event.clip is not None and event.strikes == 1:
            first.setdefault(event.clip, event)
    return list(first.values())


def _measure_clip(event: Event) -> None:
    """Measures a clip file into the cache, unless it is there: each decodes in its own ffmpeg,
    so clips are measured on every core while the beds are."""
    assert event.clip is not None
    what = describe(event)
    measurement(clip_sound(event.clip, what, event.length), what)


def _add_bed(energy: np.ndarray, renderer: Renderer, index: int) -> None:
    """A bed's own ticks (it swells, waves break), times its envelope: level, fades, ducking."""
    span = renderer.timeline.beds[index]
    source = renderer.bed_source(index, span)
    length = span.end - span.start

    def read(start: int, count: int) -> np.ndarray:
        return source(span.start + start, max(0, min(count, length - start)))

    bed = span.bed
    stamp: list[object] = []
    if bed.file is not None:
        info = bed.file.found.stat()
        stamp = [str(bed.file.found.resolve()), info.st_size, info.st_mtime_ns]
    version = code_version(
        __name__, "player.sound.beds", "player.sound.noise", "player.sound.meter"
    )
    key = key_of(bed.synth, bed.pitch_hz, bed.beat_hz, stamp, index, span.start, length, version)
    own = _remembered(key, lambda: measure(read).ticks[PAD_TICKS:])
    first = round(span.start / TICK)
    own = own[: max(0, min(len(energy) - first, length // TICK))]
    positions = span.start + np.arange(len(own)) * TICK + TICK // 2
    envelope = renderer.bed_envelope(index, positions).astype(np.float64)
    energy[first : first + len(own)] += own * envelope**2


def _add_event(energy: np.ndarray, renderer: Renderer, event: Event) -> None:
    sound = renderer.event_sound(event)
    gain_db = renderer.event_gain_db(event, sound)
    measured = measurement(sound, describe(event))
    span = slice(PAD_TICKS, PAD_TICKS - (-event.length // TICK))
    first = round(event.start / TICK)
    own = measured.ticks[span][: max(0, len(energy) - first)]
    if not len(own):
        return
    positions = np.arange(len(own)) * TICK + TICK // 2
    envelope = np.full(len(own), db_to_gain(gain_db))
    if event.fade_in:
        envelope *= raised_cosine(positions / event.fade_in)
    fade_out = event.fade_out
    if measured.frames > event.length:
        fade_out = max(fade_out, TRUNCATION_FADE)
    if fade_out:
        envelope *= raised_cosine((event.length - positions) / fade_out)
    own = own * envelope**2
    limiter = renderer.limiter
    if measured.peak * db_to_gain(gain_db) > limiter.ceiling:
        # levelled into the limiter: at most what the limiter leaves of it at full level
        key = key_of(sound.identity, gain_db, dataclasses.astuple(limiter), code_version(_METER))
        limited = (
            limited_ticks(sound.read, gain_db, limiter)
            if sound.identity is None
            else _remembered(key, lambda: limited_ticks(sound.read, gain_db, limiter))
        )
        own = np.minimum(own, limited[span][: len(own)])
    energy[first : first + len(own)] += own
