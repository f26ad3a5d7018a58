"""The loudness a session's mix will have, foreseen from its sources instead of rendered.

Each clip and bell brings its measured energy (meter.py: 10-ms ticks, kept in the cache, or
shipped for the bundled ones) times its level and fades; each bed its own measured energy in
each 100 ms of its span (measured once, kept in the cache or shipped: synthesised beds swell
and fade as the session goes) times its envelope (level, fades and ducking); silences nothing.
Sources that play together add as powers, as uncorrelated sounds do. A source levelled into
the limiter counts as the limiter leaves it. Momentary loudness (400-ms blocks, 100 ms apart)
follows from the summed ticks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import code_version, key_of, user_cache
from player.common.errors import MeditateError
from player.session.timeline import Event
from player.sound.lazy import Audible
from player.sound.loudness import db_to_gain, k_weighting_impulse
from player.sound.mastering import Limiter
from player.sound.meter import (
    BLOCK_TICKS,
    HOP_TICKS,
    PAD_TICKS,
    TICK,
    Reader,
    block_powers_of,
    limited_ticks,
    measure,
)
from player.sound.render import TRUNCATION_FADE, Renderer, describe, fresh_sound, raised_cosine
from player.sound.shipped import TICKS, shipped_ticks
from player.sound.sources import levelled_gain_db, measurement

_METER = "player.sound.meter"
_PIECE_HOPS = 1200  # a bed is measured two minutes at a time


def momentary_loudness(renderer: Renderer) -> tuple[np.ndarray, np.ndarray]:
    """Seconds (the middle of each block) and momentary loudness (LUFS) of the mix."""
    energy = np.zeros(renderer.length // TICK + 1)
    beds = range(len(renderer.timeline.beds) if renderer.options.ambient else 0)
    for index in beds:  # made here: the renderer is not to be shared between threads
        renderer.bed_source(index, renderer.timeline.beds[index])
    # every sound, and every few minutes of each bed, is measured on every core (each clip
    # decodes in its own ffmpeg, numpy works outside the interpreter lock), unless kept in
    # the cache or shipped
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        sounds = [pool.submit(_prepare, renderer, event) for event in _each_sound(renderer)]
        for index in beds:
            _add_bed(energy, renderer, index, _bed_hops(renderer, index, pool))
        for job in sounds:
            job.result()
    for event in renderer.sounding:
        _add_event(energy, renderer, event)
    powers = block_powers_of(energy)
    seconds = (np.arange(len(powers)) * HOP_TICKS + BLOCK_TICKS / 2) * TICK / SAMPLE_RATE
    with np.errstate(divide="ignore"):
        return seconds, -0.691 + 10.0 * np.log10(np.maximum(powers, 1e-12))


def ticks_version() -> str:
    """The version of the code that makes the tick energies kept under TICKS."""
    return code_version(__name__, "player.sound.beds", "player.sound.noise", _METER)


def _remembered(key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
    """Tick energies shipped, or kept in the cache, under `key`: made the first time."""
    version = ticks_version()
    kept = key_of(key, version)  # a change to the code that makes them is a new key
    shipped = shipped_ticks(version, kept)
    if shipped is not None:
        return shipped
    cache = user_cache()
    try:
        return np.load(cache.file(TICKS, kept, ".npy"), allow_pickle=False)
    except (OSError, ValueError):
        pass
    ticks = make()
    with (
        contextlib.suppress(OSError, MeditateError),
        cache.storing(TICKS, kept, ".npy") as partial,
        partial.open("wb") as stream,
    ):
        np.save(stream, ticks, allow_pickle=False)
    return ticks


def _each_sound(renderer: Renderer) -> list[Event]:
    """One event for each sound at each level the session plays it at."""
    first: dict[object, Event] = {}
    for event in renderer.sounding:
        first.setdefault((event.clip, event.bell, event.strikes, event.gain_db), event)
    return list(first.values())


def _prepare(renderer: Renderer, event: Event) -> None:
    """Measures an event's sound, its level and (levelled into the limiter) what the limiter
    leaves of it, into the cache, unless they are there: in a thread of the pool."""
    sound = fresh_sound(event)
    what = describe(event)
    gain = levelled_gain_db(
        sound, what, renderer.target + event.gain_db, renderer.gate, renderer.limiter
    )
    measured = measurement(sound, what)
    gain_db = event.gain_db if gain is None else gain
    if measured.peak * db_to_gain(gain_db) > renderer.limiter.ceiling:
        _limited(sound, gain_db, renderer.limiter)


def _limited(sound: Audible, gain_db: float, limiter: Limiter) -> np.ndarray:
    """The tick energies of `sound` raised by `gain_db`, as the limiter leaves it."""

    def make() -> np.ndarray:
        return limited_ticks(sound.read, gain_db, limiter).astype(np.float32)

    if sound.identity is None:
        return make()
    key = key_of(sound.identity, gain_db, dataclasses.astuple(limiter), code_version(_METER))
    return _remembered(key, make)


def _bed_hops(renderer: Renderer, index: int, pool: Executor) -> np.ndarray:
    """A bed's own energy (it swells, waves break) in each 100 ms from its start: what the
    momentary loudness is made of, a tenth of the ticks to keep (or ship). Measured a few
    minutes at a time in `pool`."""
    span = renderer.timeline.beds[index]
    source = renderer.bed_source(index, span)
    length = span.end - span.start

    def read(start: int, count: int) -> np.ndarray:
        return source(span.start + start, max(0, min(count, length - start)))

    def make() -> np.ndarray:
        starts = range(0, max(length, 1), _PIECE_HOPS * HOP_TICKS * TICK)
        pieces = [pool.submit(_piece_ticks, read, start, length) for start in starts]
        ticks = np.concatenate([piece.result() for piece in pieces])
        ticks = np.pad(ticks, (0, -len(ticks) % HOP_TICKS))
        return ticks.reshape(-1, HOP_TICKS).sum(axis=1).astype(np.float32)

    bed = span.bed
    stamp: list[object] = []
    if bed.file is not None:
        info = bed.file.found.stat()
        stamp = [str(bed.file.found.resolve()), info.st_size, info.st_mtime_ns]
    key = key_of(bed.synth, bed.pitch_hz, bed.beat_hz, stamp, index, span.start, length)
    return _remembered(key, make)


def _piece_ticks(read: Reader, start: int, length: int) -> np.ndarray:
    """The tick energies of frames [start, start + a piece) of a source `length` long (to its
    end, with the silence after it, for the last piece), as measuring the whole would give
    them: the K-weighting filter reaches back a few ticks, which are measured before and
    left out."""
    warm = min(start // TICK, _warm_ticks())
    begin = start - warm * TICK
    end = min(start + _PIECE_HOPS * HOP_TICKS * TICK, length)

    def piece(offset: int, count: int) -> np.ndarray:
        return read(begin + offset, max(0, min(count, end - begin - offset)))

    ticks = measure(piece).ticks[PAD_TICKS + warm :]
    return ticks if end == length else ticks[: (end - start) // TICK]


@functools.cache
def _warm_ticks() -> int:
    """Whole ticks covering the K-weighting filter's memory."""
    return -(-(len(k_weighting_impulse(SAMPLE_RATE)) - 1) // TICK)


def _add_bed(energy: np.ndarray, renderer: Renderer, index: int, hops: np.ndarray) -> None:
    """A bed's own energy, spread evenly over the ticks of each 100 ms, times its envelope:
    its level, fades and ducking."""
    span = renderer.timeline.beds[index]
    own = np.repeat(hops.astype(np.float64) / HOP_TICKS, HOP_TICKS)
    first = round(span.start / TICK)
    own = own[: max(0, min(len(energy) - first, (span.end - span.start) // TICK))]
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
        own = np.minimum(own, _limited(sound, gain_db, limiter)[span][: len(own)])
    energy[first : first + len(own)] += own
