"""The built-in ambient beds: coloured noise, ocean, rain and a drone (see noise.py for the
rules every bed keeps: chunks aligned to absolute positions, the same samples however split).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.session.catalog import DRONE_DEFAULT_PITCH_HZ, SYNTHS
from player.sound.noise import (
    BROWN,
    CHUNK_FRAMES,
    DRONE_STREAM,
    MAX_PARTIAL_HZ,
    PINK,
    RAIN_DROPLETS_STREAM,
    SEED_MASK,
    STREAMS,
    WHITE,
    AmbientSource,
    ChunkedSource,
    NoiseBed,
    Spectrum,
    audio_rate,
    butterworth,
    cached_chunk,
    control_frames,
    lfo,
    noise_segment,
    phase_cycles,
    shaped_noise,
    start_phases,
    stereo_filters,
)


def clear_caches() -> None:
    """Drop every cached chunk, segment and table (results never depend on what is cached)."""
    for cached in (cached_chunk, noise_segment, stereo_filters, _sine_basis, droplets_in_chunk):
        cached.cache_clear()


# -- time and slow modulation

_OCEAN_BODY = Spectrum(exponent=1.6, low_cut_hz=30.0, high_cut_hz=2500.0)
_OCEAN_WASH = Spectrum(exponent=0.6, low_cut_hz=400.0, high_cut_hz=9000.0)
_OCEAN_RIGHT_LAG_FRAMES = round(0.3 * SAMPLE_RATE)


@dataclass(frozen=True)
class Ocean(ChunkedSource):
    """Surf: a deep body of noise that swells, and a bright wash that breaks on each crest."""

    seed: int = 0
    body_rms: float = 0.155
    wash_rms: float = 0.09

    def swell(self, frames: np.ndarray) -> np.ndarray:
        """Wave height in [0, 1] at the given frames: crests every 8.5 to 14.5 s, some bigger."""
        wave, wander, size = start_phases(self.seed, STREAMS["ocean"], 3)
        # phase modulation makes the interval between crests wander
        cycles = phase_cycles(frames, 1 / 10.7) + 0.15 * lfo(frames, 37.3, wander) + wave
        crest = 0.5 + 0.5 * np.sin(2 * np.pi * cycles)
        return (0.8 + 0.2 * lfo(frames, 61.7, size)) * crest**1.5

    def compute_chunk(self, index: int) -> np.ndarray:
        body, wash = shaped_noise(self.seed, STREAMS["ocean"], (_OCEAN_BODY, _OCEAN_WASH), index)
        frames = control_frames(index)
        # the right ear hears each wave a moment later, so swells drift across
        swells = (self.swell(frames), self.swell(frames - _OCEAN_RIGHT_LAG_FRAMES))
        for channel, swell in enumerate(swells):
            body[:, channel] *= audio_rate(self.body_rms * (0.3 + 0.7 * swell))
            wash[:, channel] *= audio_rate(self.wash_rms * swell**2)
        return body + wash


_RAIN_BED = Spectrum(exponent=0.8, low_cut_hz=500.0, high_cut_hz=11000.0)
_DROPLETS_PER_SECOND = 14.0
_DROPLET_FRAMES = round(0.06 * SAMPLE_RATE)
_DROPLET_KINDS = 24
_DROPLET_TICK_BAND_HZ = (2000.0, 7000.0)


@functools.lru_cache(maxsize=1)
def _droplet_bank() -> np.ndarray:
    """Waveforms of single droplets, (kinds, _DROPLET_FRAMES): short rising plinks and ticks."""
    rng = np.random.default_rng(20240611)
    t = np.arange(_DROPLET_FRAMES) / SAMPLE_RATE
    bank = np.empty((_DROPLET_KINDS, _DROPLET_FRAMES))
    for kind in range(_DROPLET_KINDS):
        pitch = rng.uniform(1500.0, 4500.0)
        rise = rng.uniform(0.1, 0.4)
        decay = rng.uniform(0.004, 0.012)
        # pitch glides up as the bubble shrinks: phase integrates pitch(1 + rise(1 - e^-t/glide))
        glide = 0.006
        phase = pitch * ((1 + rise) * t - rise * glide * (1 - np.exp(-t / glide)))
        tone = np.sin(2 * np.pi * phase)
        tick = butterworth(
            rng.standard_normal(_DROPLET_FRAMES) * np.exp(-t / 0.0015), *_DROPLET_TICK_BAND_HZ
        )
        attack = 1 - np.exp(-t / 0.0004)
        shape = attack * np.exp(-t / decay) * (tone + 0.4 * tick / np.max(np.abs(tick)))
        shape *= np.cos(np.pi / 2 * np.arange(_DROPLET_FRAMES) / (_DROPLET_FRAMES - 1)) ** 2
        bank[kind] = shape / np.max(np.abs(shape))
    bank = bank.astype(np.float32)
    bank.flags.writeable = False
    return bank


@dataclass(frozen=True, eq=False)
class Droplets:
    """The droplets whose onsets fall in one chunk: frames are absolute."""

    onsets: np.ndarray
    kinds: np.ndarray
    left: np.ndarray
    right: np.ndarray


@functools.lru_cache(maxsize=8)
def droplets_in_chunk(seed: int, index: int) -> Droplets:
    """Rain droplets starting within chunk `index`, in onset order, fixed by seed and index."""
    rng = np.random.default_rng([RAIN_DROPLETS_STREAM, seed & SEED_MASK, index])
    count = rng.poisson(_DROPLETS_PER_SECOND * CHUNK_FRAMES / SAMPLE_RATE)
    onsets = index * CHUNK_FRAMES + np.sort(rng.integers(0, CHUNK_FRAMES, count))
    level = 10 ** (rng.uniform(-27.5, -11.5, count) / 20)
    pan = rng.uniform(0.1, 0.9, count) * np.pi / 2
    kinds = rng.integers(0, _DROPLET_KINDS, count)
    return Droplets(onsets, kinds, level * np.cos(pan), level * np.sin(pan))


@dataclass(frozen=True)
class Rain(ChunkedSource):
    """Soft rain: a high-passed hiss that breathes a little, and scattered droplets."""

    seed: int = 0
    bed_rms: float = 0.052
    droplet_level: float = 1.0

    def compute_chunk(self, index: int) -> np.ndarray:
        (bed,) = shaped_noise(self.seed, STREAMS["rain"], (_RAIN_BED,), index)
        (gust,) = start_phases(self.seed, STREAMS["rain"], 1)
        intensity = 1 + 0.15 * lfo(control_frames(index), 23.0, gust)
        bed *= audio_rate(self.bed_rms * intensity)[:, None]
        if self.droplet_level:
            self._add_droplets(bed, index)
        return bed

    def _add_droplets(self, out: np.ndarray, index: int) -> None:
        bank = _droplet_bank()
        chunk_start = index * CHUNK_FRAMES
        # a droplet that began in the previous chunk rings on into this one
        for source_index in (index - 1, index):
            if source_index < 0:
                continue
            drops = droplets_in_chunk(self.seed, source_index)
            for onset, kind, left, right in zip(
                drops.onsets, drops.kinds, drops.left, drops.right, strict=True
            ):
                first = max(onset - chunk_start, 0)
                last = min(onset - chunk_start + _DROPLET_FRAMES, CHUNK_FRAMES)
                if first >= last:
                    continue
                wave = bank[kind, first - (onset - chunk_start) : last - (onset - chunk_start)]
                out[first:last, 0] += np.float32(left * self.droplet_level) * wave
                out[first:last, 1] += np.float32(right * self.droplet_level) * wave


# -- drone

#: (harmonic number, relative amplitude, period of its slow shimmer in seconds)
_DRONE_PARTIALS = ((1, 1.0, 17.0), (2, 0.32, 11.3), (3, 0.14, 7.9), (4, 0.06, 13.7), (5, 0.03, 9.1))
_DRONE_BREATH_SECONDS = 12.0


@functools.lru_cache(maxsize=32)
def _sine_basis(freq_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of 2 pi f n / SR over one chunk, n = 0 .. CHUNK_FRAMES - 1."""
    angle = 2 * np.pi * phase_cycles(np.arange(CHUNK_FRAMES, dtype=np.float64), freq_hz)
    cos, sin = np.cos(angle).astype(np.float32), np.sin(angle).astype(np.float32)
    cos.flags.writeable = sin.flags.writeable = False
    return cos, sin


def _sine(freq_hz: float, chunk_index: int) -> np.ndarray:
    """sin(2 pi f n / SR) over chunk `chunk_index`, from the exact phase at its first frame."""
    cos, sin = _sine_basis(freq_hz)
    phase = 2 * math.pi * float(phase_cycles(float(chunk_index * CHUNK_FRAMES), freq_hz))
    return np.float32(math.sin(phase)) * cos + np.float32(math.cos(phase)) * sin


@dataclass(frozen=True)
class Drone(ChunkedSource):
    """A soft harmonic tone that breathes slowly; with a beat, the right ear is detuned by it."""

    pitch_hz: float = DRONE_DEFAULT_PITCH_HZ
    beat_hz: float = 0.0
    seed: int = 0
    rms: float = 0.0935

    def __post_init__(self) -> None:
        if not (math.isfinite(self.pitch_hz) and self.pitch_hz > 0):
            raise ValueError(f"drone pitch must be a positive frequency, not {self.pitch_hz} Hz")
        if not (math.isfinite(self.beat_hz) and self.beat_hz >= 0):
            raise ValueError(f"drone beat must be zero or a positive frequency, not {self.beat_hz}")

    def compute_chunk(self, index: int) -> np.ndarray:
        frames = control_frames(index)
        phases = start_phases(self.seed, DRONE_STREAM, len(_DRONE_PARTIALS) + 1)
        breath = 0.85 + 0.15 * lfo(frames, _DRONE_BREATH_SECONDS, phases[0])
        left = np.zeros(CHUNK_FRAMES, dtype=np.float32)
        right = np.zeros(CHUNK_FRAMES, dtype=np.float32)
        level = self.rms * math.sqrt(2) / _drone_amplitude_norm()
        for (number, amplitude, shimmer_s), phase in zip(_DRONE_PARTIALS, phases[1:], strict=True):
            left_hz, right_hz = number * self.pitch_hz, number * self.pitch_hz + self.beat_hz
            if left_hz > MAX_PARTIAL_HZ:
                break
            shimmer = 1 + 0.1 * lfo(frames, shimmer_s, phase)
            envelope = audio_rate(level * amplitude * breath * shimmer)
            tone = envelope * _sine(left_hz, index)
            left += tone
            if right_hz == left_hz:
                right += tone
            elif right_hz <= MAX_PARTIAL_HZ:
                right += envelope * _sine(right_hz, index)
        return np.stack((left, right), axis=1)


def _drone_amplitude_norm() -> float:
    return math.sqrt(sum(amplitude**2 for _, amplitude, _ in _DRONE_PARTIALS))


# -- factory


def ambient_source(
    name: str, *, seed: int = 0, pitch_hz: float | None = None, beat_hz: float | None = None
) -> AmbientSource:
    """The built-in ambient bed `name` (a key of catalog.SYNTHS, without the `synth:` prefix).

    Raises ValueError for an unknown name, or for a pitch or beat on anything but the drone.
    """
    if name not in SYNTHS:
        raise ValueError(f"unknown synth '{name}' (available: {', '.join(SYNTHS)})")
    if name == "drone":
        return Drone(
            pitch_hz=DRONE_DEFAULT_PITCH_HZ if pitch_hz is None else float(pitch_hz),
            beat_hz=0.0 if beat_hz is None else float(beat_hz),
            seed=seed,
        )
    for key, value in (("pitch", pitch_hz), ("beat", beat_hz)):
        if value is not None:
            raise ValueError(f"'{key}' applies only to the drone, not to '{name}'")
    return _AMBIENT_BUILDERS[name](seed)


_AMBIENT_BUILDERS: dict[str, Callable[[int], AmbientSource]] = {
    "brown-noise": lambda seed: NoiseBed(BROWN, 0.116, seed, STREAMS["brown-noise"]),
    "pink-noise": lambda seed: NoiseBed(PINK, 0.065, seed, STREAMS["pink-noise"]),
    "white-noise": lambda seed: NoiseBed(WHITE, 0.05, seed, STREAMS["white-noise"]),
    "ocean": lambda seed: Ocean(seed),
    "rain": lambda seed: Rain(seed),
}


# -- bells
