"""The built-in bells: struck bowls and bells from inharmonic partials, a mallet's noise and
a soft release."""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.common.cache import Cache, code_version, key_of, user_cache
from player.session.catalog import BELL_SECONDS
from player.sound.noise import butterworth

#: Bells are scaled so that their highest sample has this magnitude.
BELL_PEAK = 0.5


@dataclass(frozen=True)
class Partial:
    """One mode of a struck bowl or bell, optionally split into a slowly beating pair."""

    ratio: float
    amplitude: float
    decay_s: float
    beat_hz: float = 0.0
    twin_amplitude: float = 0.0
    pan: float = 0.0


@dataclass(frozen=True)
class BellModel:
    fundamental_hz: float
    partials: tuple[Partial, ...]
    mallet_s: float
    strike_level: float
    strike_cutoff_hz: float
    strike_decay_s: float


BELL_MODELS: dict[str, BellModel] = {
    "singing-bowl": BellModel(
        fundamental_hz=196.0,
        partials=(
            Partial(1.0, 1.0, 2.8, beat_hz=0.7, twin_amplitude=0.35, pan=-0.2),
            Partial(2.71, 0.55, 1.9, beat_hz=1.6, twin_amplitude=0.35, pan=0.25),
            Partial(5.13, 0.25, 1.1, beat_hz=2.9, twin_amplitude=0.3, pan=-0.3),
            Partial(8.05, 0.1, 0.65, beat_hz=4.1, twin_amplitude=0.3, pan=0.3),
            Partial(11.7, 0.04, 0.4, pan=0.0),
        ),
        mallet_s=0.008,
        strike_level=0.04,
        strike_cutoff_hz=1500.0,
        strike_decay_s=0.006,
    ),
    "bell": BellModel(
        fundamental_hz=293.7,
        partials=(
            Partial(0.5, 0.45, 2.0, beat_hz=0.4, twin_amplitude=0.3, pan=-0.15),
            Partial(1.0, 0.5, 1.6, beat_hz=0.9, twin_amplitude=0.3, pan=0.15),
            Partial(1.2, 0.45, 1.35, pan=-0.25),
            Partial(1.5, 0.2, 1.1, pan=0.25),
            Partial(2.0, 1.0, 1.0, beat_hz=1.3, twin_amplitude=0.2, pan=0.0),
            Partial(2.5, 0.3, 0.7, pan=-0.3),
            Partial(3.0, 0.25, 0.55, pan=0.3),
            Partial(4.0, 0.12, 0.4, pan=0.0),
        ),
        mallet_s=0.002,
        strike_level=0.12,
        strike_cutoff_hz=5000.0,
        strike_decay_s=0.004,
    ),
    "chime": BellModel(
        fundamental_hz=1046.5,
        partials=(
            Partial(1.0, 1.0, 1.1, beat_hz=0.8, twin_amplitude=0.2, pan=0.1),
            Partial(2.756, 0.4, 0.45, pan=-0.2),
            Partial(5.404, 0.18, 0.22, pan=0.2),
            Partial(8.933, 0.07, 0.12, pan=-0.1),
        ),
        mallet_s=0.0005,
        strike_level=0.1,
        strike_cutoff_hz=9000.0,
        strike_decay_s=0.002,
    ),
}

_BELL_FADE_SECONDS = 0.25
#: The mallet noise lasts this many of its decay times (e^-40 is far below float32 resolution).
_STRIKE_DECAYS = 40


#: Bells are synthesised in chunks of this many frames, the same ones whether the whole bell
#: or a part is made, so that any part equals the same part of the whole, sample for sample.
CHUNK = 16384


def bell_frames(name: str) -> int:
    return round(BELL_SECONDS[name] * SAMPLE_RATE)


def bell_sound(name: str) -> np.ndarray:
    """The bell `name` (a key of catalog.BELL_SECONDS): read-only float32 (frames, 2).

    frames == round(BELL_SECONDS[name] * SAMPLE_RATE); it starts and ends at exactly zero.
    """
    _check(name)
    return _bell(name)


def bell_peak(name: str) -> float:
    """The highest magnitude of the bell before it is scaled to BELL_PEAK."""
    _check(name)
    chunks = range(-(-bell_frames(name) // CHUNK))
    return max(float(np.max(np.abs(_raw_chunk(name, index)))) for index in chunks)


def known_peak(name: str, cache: Cache | None = None) -> float:
    """`bell_peak(name)`, found once and kept in the cache (or shipped)."""
    version = code_version(__name__, "player.sound.noise")
    found = (cache or user_cache()).remember(
        "bell-peaks", version, key_of(name), lambda: bell_peak(name)
    )
    return float(found)


def _chunks_of_every_bell() -> int:
    return sum(-(-bell_frames(name) // CHUNK) for name in BELL_MODELS)


@functools.lru_cache(maxsize=_chunks_of_every_bell())  # every chunk of every bell: 9 MB
def bell_chunk(name: str, index: int, peak: float) -> np.ndarray:
    """Frames [index * CHUNK, (index + 1) * CHUNK) of the bell (fewer at its end), float32
    (frames, 2), read-only, given its `bell_peak`."""
    _check(name)
    chunk = np.ascontiguousarray((_raw_chunk(name, index) * (BELL_PEAK / peak)).T, np.float32)
    chunk.flags.writeable = False
    return chunk


def _check(name: str) -> None:
    if name not in BELL_MODELS:
        raise ValueError(f"unknown bell '{name}' (available: {', '.join(BELL_SECONDS)})")


def synthesise_ahead(names: Iterable[str]) -> threading.Thread:
    """Start synthesising the named built-in bells in a thread, so that they are ready (or
    nearly) when first played; numpy works outside the interpreter lock meanwhile."""

    def work() -> None:
        for name in dict.fromkeys(names):
            if name in BELL_MODELS:
                peak = known_peak(name)
                for index in range(-(-bell_frames(name) // CHUNK)):
                    bell_chunk(name, index, peak)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


@functools.lru_cache(maxsize=len(BELL_MODELS))
def _bell(name: str) -> np.ndarray:
    peak = bell_peak(name)
    chunks = range(-(-bell_frames(name) // CHUNK))
    bell = np.concatenate([bell_chunk(name, index, peak) for index in chunks])
    bell.flags.writeable = False
    return bell


@functools.lru_cache(maxsize=4)  # the scaled chunks are kept (bell_chunk)
def _raw_chunk(name: str, index: int) -> np.ndarray:
    """Chunk `index` of the bell before scaling: float64 (2, frames)."""
    model = BELL_MODELS[name]
    frames = bell_frames(name)
    begin, end = index * CHUNK, min((index + 1) * CHUNK, frames)
    t = np.arange(begin, end) / SAMPLE_RATE
    mallet = 1 - np.exp(-t / model.mallet_s)
    out = np.zeros((2, end - begin))
    for partial in model.partials:
        freq = partial.ratio * model.fundamental_hz
        envelope = partial.amplitude * mallet * np.exp(-t / partial.decay_s)
        wave = envelope * np.sin(2 * np.pi * freq * t)
        left, right = _pan_gains(partial.pan)
        if partial.twin_amplitude:
            twin = (
                partial.twin_amplitude * envelope * np.sin(2 * np.pi * (freq + partial.beat_hz) * t)
            )
            twin_left, twin_right = _pan_gains(-partial.pan)
            out[0] += left * wave + twin_left * twin
            out[1] += right * wave + twin_right * twin
        else:
            out[0] += left * wave
            out[1] += right * wave
    strike = _strike(name)[:, begin:end]
    out[:, : strike.shape[1]] += strike
    release = _release()
    fading = frames - len(release)  # where the release begins
    if end > fading:
        lo = max(begin, fading)
        out[:, lo - begin :] *= release[lo - fading : end - fading]
    out.flags.writeable = False
    return out


@functools.cache
def _release() -> np.ndarray:
    """The gain over the bell's last frames, down to zero."""
    return 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, round(_BELL_FADE_SECONDS * SAMPLE_RATE)))


def _pan_gains(pan: float) -> tuple[float, float]:
    """Left and right gains of a constant-power pan, -1 (left) to 1 (right)."""
    angle = (pan + 1) * np.pi / 4
    return math.cos(angle) * math.sqrt(2), math.sin(angle) * math.sqrt(2)


@functools.lru_cache(maxsize=len(BELL_MODELS))
def _strike(name: str) -> np.ndarray:
    """The mallet's contact noise: a few milliseconds of low-passed noise, fixed per bell.

    Shaped (2, n) for the first n <= frames frames of the bell; it is silent after them.
    """
    model, frames = BELL_MODELS[name], bell_frames(name)
    rng = np.random.default_rng(round(model.fundamental_hz * 10))
    size = min(frames, round(_STRIKE_DECAYS * model.strike_decay_s * SAMPLE_RATE))
    t = np.arange(size) / SAMPLE_RATE
    # noise is drawn for the whole bell, as it always has been, so each strike stays the same
    burst = rng.standard_normal((2, frames))[:, :size] * (1 - np.exp(-t / 0.0003))
    burst *= np.exp(-t / model.strike_decay_s)
    burst = butterworth(burst, None, model.strike_cutoff_hz)
    # the burst starts at zero, so the causal filter's first output is exactly zero too, but
    # the FFT leaves rounding there; restore it, so that the bell starts from true silence
    burst[:, 0] = 0.0
    return model.strike_level * burst / np.max(np.abs(burst))
