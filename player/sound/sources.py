"""The sounds a timeline names, decoded or synthesised; beds with their measured loudness.

Built-in bells are made a chunk at a time (see lazy.py); their peaks, and the loudness of
synthesised beds, are remembered in the cache (or shipped), keyed by the code that makes
them. Clips and bells are levelled by the renderer (see levels.py).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import Cache, code_version, key_of, user_cache
from player.common.errors import MeditateError
from player.session.model import AmbientBed, Location
from player.sound.decode import decode, decode_complete
from player.sound.lazy import Audible, LazyBell, Struck
from player.sound.loudness import integrated_lufs

LOOP_CROSSFADE_SECONDS = 2.0
_MEASUREMENTS = "measurements"
_BELL_PEAKS = "bell-peaks"
_BED_MEASURE_SECONDS = 30

#: A source of bed samples: frames [start, start + count) as float32 (count, 2).
BedSource = Callable[[int, int], np.ndarray]


@dataclass(frozen=True)
class Sound:
    samples: np.ndarray  # float32 (frames, 2) at the master rate

    @property
    def frames(self) -> int:
        return len(self.samples)

    @property
    def nbytes(self) -> int:
        return self.samples.nbytes

    def span(self, offset: int, count: int) -> np.ndarray:
        return self.samples[offset : offset + count]


class SoundCache:
    """Decoded, measured sounds by key, least recently used dropped past a byte budget."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[object, Audible] = OrderedDict()

    def get(self, key: object, make: Callable[[], Audible]) -> Audible:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        sound = make()
        self.items[key] = sound
        self.used += sound.nbytes
        while self.used > self.budget and len(self.items) > 1:
            _, dropped = self.items.popitem(last=False)
            self.used -= dropped.nbytes
        return sound


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


def decode_at(path: Path, what: str, header_seconds: float | None = None) -> np.ndarray:
    """The file decoded (whole, if its header's length is given), any error named after the
    step that uses it (`what`)."""
    try:
        return decode(path) if header_seconds is None else decode_complete(path, header_seconds)
    except MeditateError as error:
        raise MeditateError(f"{what}: {error}") from None


def clip_sound(path: Path, what: str, slot: int | None) -> Sound:
    """A narration clip or bell file, checked against the `slot` (frames) its header promised
    when one is given."""
    return Sound(decode_at(path, what, None if slot is None else slot / SAMPLE_RATE))


def bell_sound(name: str, strikes: int = 1, cache: Cache | None = None) -> Audible:
    """A built-in bell, struck `strikes` times, made as it is played; its peak is kept in the
    cache once found."""
    from player.sound.bells import bell_peak

    version = code_version("player.sound.bells", "player.sound.noise")
    peak = (cache or user_cache()).remember(
        _BELL_PEAKS, version, key_of(name), lambda: bell_peak(name)
    )
    bell = LazyBell(name, peak)
    return bell if strikes == 1 else Struck(bell, strikes)


def synth_bed(
    bed: AmbientBed, seed: int, cache: Cache | None = None
) -> tuple[BedSource, float | None]:
    """A synthesised bed and its loudness, measured over 30 s once and remembered."""
    from player.sound.beds import ambient_source

    assert bed.synth is not None
    source = ambient_source(bed.synth, seed=seed, pitch_hz=bed.pitch_hz, beat_hz=bed.beat_hz)
    version = code_version("player.sound.beds", "player.sound.noise")
    key = key_of("synth", bed.synth, seed, bed.pitch_hz, bed.beat_hz, version)
    measured = (cache or user_cache()).remember(
        _MEASUREMENTS, _meter_version(), key,
        lambda: integrated_lufs(source.render(0, _BED_MEASURE_SECONDS * SAMPLE_RATE)),
    )  # fmt: skip
    return source.render, measured


def file_bed(path: Path, where: Location, origin: int) -> tuple[BedSource, float | None]:
    """A bed looped from a sound file, its first frame at `origin`, and its loudness."""
    body = loop_body(decode_at(path, f"{where}: ambient sound"))

    def source(start: int, count: int) -> np.ndarray:
        return body[(np.arange(start, start + count) - origin) % len(body)]

    return source, integrated_lufs(body)


def _meter_version() -> str:
    return code_version("player.sound.loudness")
