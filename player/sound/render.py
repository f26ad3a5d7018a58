"""Turns a timeline into 16-bit PCM, block by block, identically wherever rendering starts.

The session is cut into frames of FRAME samples aligned to absolute positions. Each frame's
mix is a pure function of its index: clips, beds, fades and ducking are computed from
absolute positions, synthesised sources are keyed to them, the limiter looks only a fixed
distance around each sample and the dither is hashed from the sample index. So playback
from any point, in any block size, equals an export from the start, sample for sample, and
memory stays flat however long the session is.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.errors import MeditateError
from player.session.timeline import BedSpan, Event, EventKind, Timeline
from player.sound.decode import decode
from player.sound.dither import to_int16
from player.sound.limiter import Limiter
from player.sound.loudness import (
    DEFAULT_TARGET_LUFS,
    METER_VERSION,
    db_to_gain,
    integrated_lufs,
    normalising_gain_db,
)

FRAME = 16384
DUCK_ATTACK = round(0.8 * SAMPLE_RATE)  # the bed is down by the time the voice starts
DUCK_RELEASE = round(1.5 * SAMPLE_RATE)
DUCK_BRIDGE = round(3.0 * SAMPLE_RATE)  # shorter pauses in speech keep the bed down
TRUNCATION_FADE = 64  # a clip longer than its slot is faded this fast rather than cut
LOOP_CROSSFADE_SECONDS = 2.0
TRUNCATION_TOLERANCE = 0.25  # seconds a decode may fall short of its header (encoder padding)
NARRATION_SURROUND = 0.4  # seconds of quiet around a clip when measuring its loudness
_CLIP_CACHE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class RenderOptions:
    loudness: float = DEFAULT_TARGET_LUFS  # integrated target of the finished mix, LUFS
    ambient: bool = True
    ambient_offset_db: float = 0.0
    bells: bool = True


@dataclass(frozen=True)
class _Sound:
    samples: np.ndarray  # float32 (frames, 2) at the master rate
    lufs: float | None  # its measured loudness; None when too short or quiet to measure


def raised_cosine(position: np.ndarray) -> np.ndarray:
    """0 at position 0, 1 at position 1, smooth at both ends."""
    clipped = np.clip(position, 0.0, 1.0)
    return (0.5 - 0.5 * np.cos(np.pi * clipped)).astype(np.float32)


def loop_body(samples: np.ndarray) -> np.ndarray:
    """A version of `samples` that loops without a seam: its tail is crossfaded into its head."""
    overlap = min(round(LOOP_CROSSFADE_SECONDS * SAMPLE_RATE), len(samples) // 4)
    if overlap < 2:
        return samples
    t = np.linspace(0.0, np.pi / 2, overlap, dtype=np.float64)[:, None]
    body = samples[: len(samples) - overlap].copy()
    head = samples[:overlap] * np.sin(t) + samples[len(samples) - overlap :] * np.cos(t)
    body[:overlap] = head.astype(np.float32)
    return body


class _ClipCache:
    """Decoded, measured sounds by key, least recently used dropped past a byte budget."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[object, _Sound] = OrderedDict()

    def get(self, key: object, make: Callable[[], _Sound]) -> _Sound:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        sound = make()
        self.items[key] = sound
        self.used += sound.samples.nbytes
        while self.used > self.budget and len(self.items) > 1:
            _, dropped = self.items.popitem(last=False)
            self.used -= dropped.samples.nbytes
        return sound


class Renderer:
    """Renders one timeline. Not thread-safe: use one renderer per thread."""

    def __init__(self, timeline: Timeline, options: RenderOptions | None = None) -> None:
        self.timeline = timeline
        self.options = options or RenderOptions()
        self.limiter = Limiter()
        self.length = timeline.length
        self._events = [
            e
            for e in timeline.events
            if e.kind is EventKind.NARRATION or (e.kind is EventKind.BELL and self.options.bells)
        ]
        self._starts = [e.start for e in self._events]
        self._speech = _merged_spans(
            [(e.start, e.end) for e in timeline.events if e.kind is EventKind.NARRATION],
            DUCK_BRIDGE,
        )
        self._speech_starts = [start for start, _ in self._speech]
        self._beds = list(timeline.beds) if self.options.ambient else []
        self._sounds = _ClipCache(_CLIP_CACHE_BYTES)
        self._bed_sources: dict[int, Callable[[int, int], np.ndarray]] = {}
        self._bed_gains: dict[int, float] = {}
        self._bed_lufs: dict[int, float | None] = {}
        self._premixed: OrderedDict[int, tuple[np.ndarray, float]] = OrderedDict()

    # -- public

    def pcm(self, start: int, end: int) -> np.ndarray:
        """16-bit frames [start, end) of the session, shape (end - start, 2)."""
        end = min(end, self.length)
        if end <= start:
            return np.zeros((0, 2), dtype=np.int16)
        parts = []
        for index in range(start // FRAME, (end - 1) // FRAME + 1):
            frame = self.finished(index)
            base = index * FRAME
            parts.append(frame[max(start - base, 0) : min(end - base, FRAME)])
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def blocks(self, start: int = 0, end: int | None = None) -> Iterator[np.ndarray]:
        """16-bit blocks from `start` to `end` (the session's end by default), frame-aligned."""
        stop = self.length if end is None else min(end, self.length)
        position = start
        while position < stop:
            upto = min((position // FRAME + 1) * FRAME, stop)
            yield self.pcm(position, upto)
            position = upto

    def finished(self, index: int) -> np.ndarray:
        """Frame `index` limited, dithered and quantised to 16 bits."""
        mix, peak = self._premix(index)
        limiter = self.limiter
        _, before_peak = self._premix(index - 1)
        _, after_peak = self._premix(index + 1)
        if max(peak, before_peak, after_peak) > limiter.ceiling:
            before = self._premix(index - 1)[0][FRAME - limiter.reach_before :]
            after = self._premix(index + 1)[0][: limiter.reach_after]
            gain = limiter.gain(np.concatenate([before, mix, after]))
            if gain is not None:
                middle = gain[limiter.reach_before : limiter.reach_before + FRAME]
                mix = mix * middle[:, None]
        return to_int16(mix, index * FRAME)

    # -- mixing

    def _premix(self, index: int) -> tuple[np.ndarray, float]:
        cached = self._premixed.get(index)
        if cached is not None:
            return cached
        mix = self._mix(index * FRAME, (index + 1) * FRAME)
        result = (mix, float(np.max(np.abs(mix), initial=0.0)))
        self._premixed[index] = result
        if len(self._premixed) > 4:
            self._premixed.popitem(last=False)
        return result

    def _mix(self, start: int, end: int) -> np.ndarray:
        mix = np.zeros((end - start, 2), dtype=np.float32)
        if end <= 0 or start >= self.length:
            return mix
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        for event in self._events[first:]:
            if event.start >= end:
                break
            if event.end > start:
                self._add_event(mix, start, end, event)
        for index, span in enumerate(self._beds):
            if span.start < end and span.end > start:
                self._add_bed(mix, start, end, index, span)
        return mix

    def _add_event(self, mix: np.ndarray, start: int, end: int, event: Event) -> None:
        sound = self._event_sound(event)
        gain = db_to_gain(normalising_gain_db(sound.lufs, self.options.loudness, event.gain_db))
        lo, hi = max(start, event.start), min(end, event.end)
        offset = lo - event.start
        available = max(0, min(hi - lo, len(sound.samples) - offset))
        if available == 0:
            return
        segment = sound.samples[offset : offset + available]
        positions = np.arange(offset, offset + available)
        envelope = np.full(available, gain, dtype=np.float32)
        if event.fade_in:
            envelope *= raised_cosine(positions / event.fade_in)
        fade_out = event.fade_out
        if len(sound.samples) > event.length:
            fade_out = max(fade_out, TRUNCATION_FADE)
        if fade_out:
            envelope *= raised_cosine((event.length - positions) / fade_out)
        mix[lo - start : lo - start + available] += segment * envelope[:, None]

    def _add_bed(self, mix: np.ndarray, start: int, end: int, index: int, span: BedSpan) -> None:
        lo, hi = max(start, span.start), min(end, span.end)
        samples = self._bed_source(index, span)(lo, hi - lo)
        envelope = self.bed_envelope(index, np.arange(lo, hi))
        mix[lo - start : hi - start] += samples * envelope[:, None]

    def bed_envelope(self, index: int, positions: np.ndarray) -> np.ndarray:
        """Linear gain of bed `index` at absolute frames: its level, fades and ducking."""
        span = self._beds[index]
        self._bed_source(index, span)
        inside = (positions >= span.start) & (positions < span.end)
        envelope = np.where(inside, self._bed_gains[index], 0.0).astype(np.float32)
        if span.fade_in:
            envelope *= raised_cosine((positions - span.start) / span.fade_in)
        if span.fade_out:
            envelope *= raised_cosine((span.end - positions) / span.fade_out)
        if span.duck_db:
            envelope *= self._duck(positions, span.duck_db)
        return envelope

    def bed_loudness(self, index: int, positions: np.ndarray) -> np.ndarray | None:
        """Loudness (LUFS) of bed `index` alone at absolute frames; None if unmeasurable."""
        gain = self.bed_envelope(index, positions)
        measured = self._bed_lufs[index]
        if measured is None:
            return None
        with np.errstate(divide="ignore"):
            return measured + 20.0 * np.log10(np.maximum(gain, 1e-9))

    def _duck(self, positions: np.ndarray, duck_db: float) -> np.ndarray:
        """Gain of a ducking bed: down by duck_db while narration sounds, with smooth ramps."""
        weight = np.zeros(len(positions), dtype=np.float32)
        lo, hi = int(positions[0]), int(positions[-1]) + 1
        first = max(bisect.bisect_right(self._speech_starts, lo + DUCK_ATTACK) - 1, 0)
        for begin, finish in self._speech[first:]:
            if begin - DUCK_ATTACK >= hi:
                break
            if finish + DUCK_RELEASE <= lo:
                continue
            rising = raised_cosine((positions - (begin - DUCK_ATTACK)) / DUCK_ATTACK)
            falling = raised_cosine((finish + DUCK_RELEASE - positions) / DUCK_RELEASE)
            weight = np.maximum(weight, np.minimum(rising, falling))
        return (10.0 ** (-duck_db * weight / 20.0)).astype(np.float32)

    # -- sources

    def _event_sound(self, event: Event) -> _Sound:
        if event.bell is not None:
            name = event.bell
            return self._sounds.get(("bell", name), lambda: _bell(name))
        clip = event.clip
        assert clip is not None
        return self._sounds.get(("clip", clip), lambda: _clip(clip, event))

    def _bed_source(self, index: int, span: BedSpan) -> Callable[[int, int], np.ndarray]:
        if index in self._bed_sources:
            return self._bed_sources[index]
        bed = span.bed
        offset = self.options.ambient_offset_db + span.gain_db
        if bed.synth is not None:
            from player.sound.synth import ambient_source

            synth = ambient_source(
                bed.synth, seed=index, pitch_hz=bed.pitch_hz, beat_hz=bed.beat_hz
            )
            measured = _synth_loudness(bed.synth, index, bed.pitch_hz, bed.beat_hz, synth.render)
            source: Callable[[int, int], np.ndarray] = synth.render
        else:
            assert bed.file is not None
            body = loop_body(_decode_at(bed.file, f"{bed.where}: ambient sound"))
            measured = integrated_lufs(body)
            origin = span.start

            def source(start: int, count: int, body: np.ndarray = body) -> np.ndarray:
                return body[(np.arange(start, start + count) - origin) % len(body)]

        gain_db = normalising_gain_db(measured, self.options.loudness, offset)
        self._bed_gains[index] = db_to_gain(gain_db)
        self._bed_lufs[index] = measured
        self._bed_sources[index] = source
        return source


def _decode_at(path: Path, what: str) -> np.ndarray:
    try:
        return decode(path)
    except MeditateError as error:
        raise MeditateError(f"{what}: {error}") from None


def _clip(path: Path, event: Event) -> _Sound:
    what = f"{event.where}: " + ("narration clip" if event.kind is EventKind.NARRATION else "bell")
    samples = _decode_at(path, what)
    # the event's slot was measured from the file's header when the session was loaded
    decoded, expected = len(samples) / SAMPLE_RATE, event.length / SAMPLE_RATE
    if decoded < expected - max(TRUNCATION_TOLERANCE, 0.05 * expected):
        raise MeditateError(
            f"{what}: {path} is cut short: its header promises {expected:.1f} s but only "
            f"{decoded:.1f} s decode; export or copy it again"
        )
    return _Sound(samples, integrated_lufs(samples, surround_seconds=NARRATION_SURROUND))


def _bell(name: str) -> _Sound:
    from player.common.measure_cache import remembered
    from player.sound import synth

    version = getattr(synth, "VERSION", 1)
    samples = _stored_bell(name, version)
    key = f"bell:{name}:{version}:{METER_VERSION}"
    return _Sound(samples, remembered(key, lambda: integrated_lufs(samples)))


def _stored_bell(name: str, version: int) -> np.ndarray:
    """A built-in bell, synthesised once and then read from the cache folder (much quicker)."""
    import os

    from player.common.paths import user_cache_dir
    from player.sound.synth import bell_sound

    path = user_cache_dir() / f"bell-{name}-v{version}.npy"
    try:
        stored = np.load(path, allow_pickle=False)
        if stored.dtype == np.float32 and stored.ndim == 2 and stored.shape[1] == 2:
            return stored
    except (OSError, ValueError):
        pass
    samples = bell_sound(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.npy")
        np.save(temporary, samples, allow_pickle=False)
        os.replace(temporary, path)
    except OSError:
        pass
    return samples


def _synth_loudness(
    name: str,
    seed: int,
    pitch: float | None,
    beat: float | None,
    render: Callable[[int, int], np.ndarray],
) -> float | None:
    """Loudness of a synthesised bed, from 30 s of it; remembered on disk between runs."""
    from player.common.measure_cache import remembered
    from player.sound import synth

    key = f"synth:{name}:{seed}:{pitch}:{beat}:{getattr(synth, 'VERSION', 1)}:{METER_VERSION}"
    return remembered(key, lambda: integrated_lufs(render(0, 30 * SAMPLE_RATE)))


def _merged_spans(spans: list[tuple[int, int]], bridge: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] < bridge:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
