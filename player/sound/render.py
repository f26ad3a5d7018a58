"""Turns a timeline into 16-bit PCM, block by block, identically wherever rendering starts.

A frame is one sample per channel. The session is rendered in blocks of BLOCK frames aligned
to absolute positions, and each block's mix is a pure function of its index: clips, beds,
fades and ducking are computed from absolute positions, synthesised sources are keyed to
them, the limiter looks only a fixed distance around each sample and the dither is hashed
from the sample index. So playback from any point, in any block size, equals an export from
the start, sample for sample, and memory stays flat however long the session is.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import code_version, key_of, user_cache
from player.session.timeline import BedSpan, Event, EventKind, Timeline
from player.sound.lazy import Audible, Struck
from player.sound.levels import level_offset_db, mix_gate_lufs
from player.sound.loudness import DEFAULT_TARGET_LUFS, db_to_gain, normalising_gain_db
from player.sound.mastering import Limiter, to_int16
from player.sound.placed import ends_at, mixable_until, speech_spans
from player.sound.prefetch import Prefetch
from player.sound.sound_uses import SoundUses, sound_keys
from player.sound.sources import (
    BedSource,
    Sound,
    SoundCache,
    bell_sound,
    clip_sound,
    file_bed,
    levelled_gain_db,
    measure_ahead,
    synth_bed,
)
from player.sound.stream import STREAM_SECONDS

BLOCK = 16384  # frames rendered at a time
DUCK_ATTACK = round(0.8 * SAMPLE_RATE)  # the bed is down by the time the voice starts
DUCK_RELEASE = round(1.5 * SAMPLE_RATE)
DUCK_BRIDGE = round(3.0 * SAMPLE_RATE)  # shorter pauses in speech keep the bed down
JOIN_FADE = round(2.0 * SAMPLE_RATE)  # a bed joined part-way (--from) fades in this long
TRUNCATION_FADE = 64  # a clip longer than its slot is faded this fast rather than cut
# decoded sounds kept at most (those needed no more are dropped as soon as they are not)
_CLIP_CACHE_BYTES = 32 * 1024 * 1024
_BELL_GAINS = "bell-gains"
DECODE_AHEAD = 60 * SAMPLE_RATE  # clips starting this soon are decoded in the background
# ... once this many blocks are mixed: the first sound of a playback (its preroll and the
# limiter's look-ahead) does not share the processor with them
DECODE_AFTER_BLOCKS = 4


class NotPlacedYet(Exception):
    """A block was rendered before the timeline was placed far enough: a bug."""


@dataclass(frozen=True)
class RenderOptions:
    loudness: float = DEFAULT_TARGET_LUFS  # integrated target of the finished mix, LUFS
    ambient: bool = True
    ambient_offset_db: float = 0.0
    bells: bool = True
    start: int = 0  # the frame this rendering begins at: beds already playing fade in there


def raised_cosine(position: np.ndarray) -> np.ndarray:
    """0 at position 0, 1 at position 1, smooth at both ends (a cosine only where it ramps)."""
    clipped = np.clip(position, 0.0, 1.0)
    out = clipped.astype(np.float32)
    ramp = (clipped > 0.0) & (clipped < 1.0)
    if ramp.any():
        out[ramp] = 0.5 - 0.5 * np.cos(np.pi * clipped[ramp])
    return out


class Renderer:
    """Renders one timeline. Not thread-safe: use one renderer per thread."""

    def __init__(
        self,
        timeline: Timeline,
        options: RenderOptions | None = None,
        *,
        plan: Timeline | None = None,
    ) -> None:
        """`plan`: what levels the mix when `timeline` is placed as its clips are spoken (the
        same timeline with the clips' estimated lengths; see player.session.layout)."""
        self.options = options or RenderOptions()
        self.limiter = Limiter()
        self._beds: list[BedSpan] = []
        self._long: set[Event] = set()
        self._position = 0  # where mixing is: sounds wholly before it are needed no more
        self.place(timeline)
        self._sounds = SoundCache(_CLIP_CACHE_BYTES, self._next_use)
        self._decoding: Prefetch[Audible] = Prefetch()
        self._mixed = 0
        self._bed_sources: dict[int, BedSource] = {}
        self._bed_gains: dict[int, float] = {}
        self._bed_lufs: dict[int, float | None] = {}
        self._premixed: OrderedDict[int, tuple[np.ndarray, float]] = OrderedDict()
        self._gains: dict[tuple[object, float], float] = {}
        # every source is levelled to this, plus its own offset (see levels.py); a timeline
        # still being placed is levelled by its plan, which its whole is levelled by too
        planned = plan or timeline
        self.target = self.options.loudness + level_offset_db(
            planned,
            bells=self.options.bells,
            ambient=self.options.ambient,
            ambient_offset_db=self.options.ambient_offset_db,
        )
        self.gate = mix_gate_lufs(
            planned,
            self.target,
            bells=self.options.bells,
            ambient=self.options.ambient,
            ambient_offset_db=self.options.ambient_offset_db,
        )

    # -- public

    def place(self, timeline: Timeline) -> None:
        """Render `timeline`, a later version of the one rendered so far: more of it placed."""
        self.timeline = timeline
        self.length = ends_at(timeline)
        self.mixable = mixable_until(timeline)
        bells = self.options.bells
        self._events = [
            e
            for e in timeline.events
            if e.kind is EventKind.NARRATION or (e.kind is EventKind.BELL and bells)
        ]
        self._starts = [e.start for e in self._events]
        self._rings = list(timeline.rings) if bells else []
        self._ring_starts = [ring.start for ring in self._rings]
        self._ring_reach = max((ring.length for ring in self._rings), default=0)
        self._speech = speech_spans(timeline, DUCK_BRIDGE)
        self._speech_starts = [start for start, _ in self._speech]
        for event in self._events:
            long = event.clip is not None and event.length > STREAM_SECONDS * SAMPLE_RATE
            if long and event not in self._long:
                self._long.add(event)
                assert event.clip is not None
                measure_ahead(event.clip, describe(event), event.length)
        self._beds = list(timeline.beds) if self.options.ambient else []
        self._uses = SoundUses([*self._events, *self._rings])

    def renders(self, index: int) -> bool:
        """Whether block `index` can be rendered now: the mix of it and of the block after
        it (the limiter looks ahead) is known."""
        return (index + 2) * BLOCK <= self.mixable or self.timeline.complete

    def pcm(self, start: int, end: int) -> np.ndarray:
        """16-bit frames [start, end) of the session, shape (end - start, 2)."""
        end = min(end, self.length)
        if end <= start:
            return np.zeros((0, 2), dtype=np.int16)
        parts = []
        for index in range(start // BLOCK, (end - 1) // BLOCK + 1):
            block = self.block(index)
            base = index * BLOCK
            parts.append(block[max(start - base, 0) : min(end - base, BLOCK)])
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def blocks(self, start: int = 0, end: int | None = None) -> Iterator[np.ndarray]:
        """16-bit blocks from `start` to `end` (the session's end by default), cut at block
        boundaries (the first and last may be shorter)."""
        stop = self.length if end is None else min(end, self.length)
        position = start
        while position < stop:
            upto = min((position // BLOCK + 1) * BLOCK, stop)
            yield self.pcm(position, upto)
            position = upto

    def block(self, index: int) -> np.ndarray:
        """Block `index` (frames from index * BLOCK on) limited, dithered, in 16 bits."""
        mix, peak = self._premix(index)
        limiter = self.limiter
        _, before_peak = self._premix(index - 1)
        _, after_peak = self._premix(index + 1)
        if max(peak, before_peak, after_peak) > limiter.ceiling:
            before = self._premix(index - 1)[0][BLOCK - limiter.reach_before :]
            after = self._premix(index + 1)[0][: limiter.reach_after]
            gain = limiter.gain(np.concatenate([before, mix, after]))
            if gain is not None:
                middle = gain[limiter.reach_before : limiter.reach_before + BLOCK]
                mix = mix * middle[:, None]
        return to_int16(mix, index * BLOCK)

    @property
    def decoded_bytes(self) -> int:
        """What the sounds it holds now take in memory."""
        return sum(sound.nbytes for sound in self._sounds.items.values())

    @property
    def sounding(self) -> list[Event]:
        """The events that sound (clips and bells, bells under silences included)."""
        return [*self._events, *self._rings]

    # -- mixing

    def _premix(self, index: int) -> tuple[np.ndarray, float]:
        cached = self._premixed.get(index)
        if cached is not None:
            return cached
        if (index + 1) * BLOCK > self.mixable and not self.timeline.complete:
            raise NotPlacedYet(f"block {index} is mixed before its timeline is placed")
        mix = self._mix(index * BLOCK, (index + 1) * BLOCK)
        result = (mix, float(np.max(np.abs(mix), initial=0.0)))
        self._premixed[index] = result
        if len(self._premixed) > 4:
            self._premixed.popitem(last=False)
        return result

    def _mix(self, start: int, end: int) -> np.ndarray:
        mix = np.zeros((end - start, 2), dtype=np.float32)
        if end <= 0 or start >= self.length:
            return mix
        self._mixed += 1
        self._position = start
        self._sounds.drop_unneeded()
        if self._mixed > DECODE_AFTER_BLOCKS:
            self._decode_ahead(start)
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        for event in self._events[first:]:
            if event.start >= end:
                break
            if event.end > start:
                self._add_event(mix, start, end, event)
        first = bisect.bisect_left(self._ring_starts, start - self._ring_reach)
        for ring in self._rings[first:]:
            if ring.start >= end:
                break
            if ring.end > start:
                self._add_event(mix, start, end, ring)
        for index, span in enumerate(self._beds):
            if span.start < end and span.end > start:
                self._add_bed(mix, start, end, index, span)
        return mix

    def _add_event(self, mix: np.ndarray, start: int, end: int, event: Event) -> None:
        gain = db_to_gain(self.event_gain_db(event))
        sound = self.event_sound(event)
        lo, hi = max(start, event.start), min(end, event.end)
        offset = lo - event.start
        segment = sound.read(offset, hi - lo)
        available = len(segment)
        if available == 0:
            return
        positions = np.arange(offset, offset + available)
        envelope = np.full(available, gain, dtype=np.float32)
        if event.fade_in:
            envelope *= raised_cosine(positions / event.fade_in)
        fade_out = event.fade_out
        near_end = event.length - (offset + available - 1) < TRUNCATION_FADE
        if near_end and sound.longer_than(event.length):
            fade_out = max(fade_out, TRUNCATION_FADE)
        if fade_out:
            envelope *= raised_cosine((event.length - positions) / fade_out)
        mix[lo - start : lo - start + available] += segment * envelope[:, None]

    def _add_bed(self, mix: np.ndarray, start: int, end: int, index: int, span: BedSpan) -> None:
        lo, hi = max(start, span.start), min(end, span.end)
        samples = self.bed_source(index, span)(lo, hi - lo)
        envelope = self.bed_envelope(index, np.arange(lo, hi))
        mix[lo - start : hi - start] += samples * envelope[:, None]

    def bed_envelope(self, index: int, positions: np.ndarray) -> np.ndarray:
        """Linear gain of bed `index` at absolute frames: its level, fades and ducking."""
        span = self._beds[index]
        self.bed_source(index, span)
        inside = (positions >= span.start) & (positions < span.end)
        envelope = np.where(inside, self._bed_gains[span.number], 0.0).astype(np.float32)
        if span.fade_in:
            envelope *= raised_cosine((positions - span.start) / span.fade_in)
        begin = self.options.start
        if span.start < begin < span.end:  # joined part-way: never at full level at once
            envelope *= raised_cosine((positions - begin) / JOIN_FADE)
        if span.fade_out:
            envelope *= raised_cosine((span.end - positions) / span.fade_out)
        if span.duck_db:
            envelope *= self._duck(positions, span.duck_db)
        return envelope

    def bed_loudness(self, index: int, positions: np.ndarray) -> np.ndarray | None:
        """Loudness (LUFS) of bed `index` alone at absolute frames; None if unmeasurable."""
        gain = self.bed_envelope(index, positions)
        measured = self._bed_lufs[self._beds[index].number]
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

    def _next_use(self, key: object) -> int | None:
        """Where the sound under `key` is next needed, from where mixing is (SoundCache)."""
        return self._uses.next_use(key, self._position)

    def event_sound(self, event: Event) -> Audible:
        """The sound an event plays: a built-in bell made as it is played, or a clip decoded
        (in the background, ahead of time) or streamed when long."""
        strikes = event.strikes
        if event.bell is not None:
            name = event.bell
            return self._sounds.get(sound_keys(event)[0], lambda: bell_sound(name, strikes))
        key, decode = self._clip_decoder(event)
        whole = self._sounds.get(key, lambda: self._decoding.take(key, decode))
        if strikes == 1:
            return whole
        return self._sounds.get(sound_keys(event)[1], lambda: Struck(whole, strikes))

    def _clip_decoder(self, event: Event) -> tuple[tuple[str, object], Callable[[], Sound]]:
        """The cache key of an event's clip, and what makes its sound (a file sound decodes
        when first read, so what the cache knows of it costs no decoding)."""
        return sound_keys(event)[0], lambda: _clip_of(event)

    def _decode_ahead(self, start: int) -> None:
        """Start decoding the clips that begin within DECODE_AHEAD of `start`."""
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_left(self._starts, start + DECODE_AHEAD)
        for event in self._events[first:last]:
            if event.clip is not None:
                key, decode = self._clip_decoder(event)
                if key not in self._sounds.items:
                    self._decoding.ask(key, _opening(decode))

    def event_gain_db(self, event: Event, sound: Audible | None = None) -> float:
        """The gain (dB) that levels this event's sound (see levels.py), worked out once a
        sound; a file's is kept in the cache, and a built-in bell's is remembered (or
        shipped) for its target and gate."""
        key = (event.clip or event.bell, event.gain_db, event.strikes)
        if key not in self._gains:
            target = self.target + event.gain_db

            def measure() -> float | None:
                heard = sound if sound is not None else self.event_sound(event)
                return levelled_gain_db(heard, describe(event), target, self.gate, self.limiter)

            if event.bell is None:
                gain = measure()
            else:
                where = key_of(event.bell, event.strikes, target, self.gate)
                gain = user_cache().remember(_BELL_GAINS, bell_gain_version(), where, measure)
            self._gains[key] = event.gain_db if gain is None else gain
        return self._gains[key]

    def bed_source(self, index: int, span: BedSpan) -> BedSource:
        """Bed `index`'s samples, unlevelled, and (once) its level worked out."""
        number = span.number
        if number in self._bed_sources:
            return self._bed_sources[number]
        bed = span.bed
        if bed.synth is not None:
            source, measured = synth_bed(bed, seed=number)
        else:
            assert bed.file is not None
            found = bed.file.found
            source, measured = file_bed(found, bed.where, span.start, bed.file.length)
        offset = self.options.ambient_offset_db + span.gain_db
        gain_db = normalising_gain_db(measured, self.target, offset)
        self._bed_gains[number] = db_to_gain(gain_db)
        self._bed_lufs[number] = measured
        self._bed_sources[number] = source
        return source


def bell_gain_version() -> str:
    """The version of everything that decides a built-in bell's levelling gain."""
    return code_version(
        "player.sound.levels",
        "player.sound.loudness",
        "player.sound.mastering",
        "player.sound.bells",
        "player.sound.noise",
        "player.sound.sources",
    )


def fresh_sound(event: Event) -> Audible:
    """The sound an event plays, as the renderer makes it, but made anew and not kept: for
    work in other threads (the renderer's own sounds are not to be shared)."""
    if event.bell is not None:
        return bell_sound(event.bell, event.strikes)
    whole = _clip_of(event)
    return whole if event.strikes == 1 else Struck(whole, event.strikes)


def _clip_of(event: Event) -> Sound:
    """An event's clip file (struck once, it is checked against the length of its slot)."""
    assert event.clip is not None
    slot = event.length if event.strikes == 1 else None
    return clip_sound(event.clip, describe(event), slot)


def _opening(make: Callable[[], Sound]) -> Callable[[], Sound]:
    """`make`, with the sound's file decoded there and then (in the decoding thread)."""
    return lambda: make().opened()


def describe(event: Event) -> str:
    """What an event's sound is, for messages: where it is written and what it is."""
    kind = "narration clip" if event.kind is EventKind.NARRATION else "bell"
    return f"{event.where}: {kind}"
