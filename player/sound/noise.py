"""Shaped noise for ambient beds: pure functions of the absolute sample position.

Every ambient source is computed in fixed chunks of CHUNK_FRAMES frames aligned to absolute
position 0; chunk k depends on nothing but the source's parameters and k. `render(start, length)`
only copies slices of chunks, so any split of a range gives bit-identical samples, and playback
that starts in the middle of a session matches an export from the start sample for sample.

Only numpy is used: importing this module must stay quick, since playback starts within 0.3 s.
"""

from __future__ import annotations

import abc
import functools
import math
import operator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from player.common.audio_format import SAMPLE_RATE

#: Frames in one chunk of an ambient source (about 1.4 s).
CHUNK_FRAMES = 61440
#: Frames over which consecutive noise segments crossfade (about 93 ms).
CROSSFADE_FRAMES = 4096
#: Frames in one noise segment: one chunk plus the crossfade into the next, a power of two.
SEGMENT_FRAMES = CHUNK_FRAMES + CROSSFADE_FRAMES
#: Envelopes are evaluated every CONTROL_FRAMES frames and interpolated linearly in between.
CONTROL_FRAMES = 64
#: No ambient sample ever exceeds this magnitude; rare noise peaks are rounded off below it.
PEAK_CEILING = 0.89

_KNEE = 0.6
_BINS = SEGMENT_FRAMES // 2 + 1
_FREQS = np.fft.rfftfreq(SEGMENT_FRAMES, 1 / SAMPLE_RATE)
_CONTROL_POINTS = CHUNK_FRAMES // CONTROL_FRAMES + 1
_RAMP = np.arange(CONTROL_FRAMES, dtype=np.float32) / np.float32(CONTROL_FRAMES)
MAX_PARTIAL_HZ = 16000.0
SEED_MASK = (1 << 64) - 1

# Separate random streams, so that beds sharing a seed never share noise.
STREAMS = {"brown-noise": 1, "pink-noise": 2, "white-noise": 3, "ocean": 4, "rain": 5}
DRONE_STREAM = 6
RAIN_DROPLETS_STREAM = 7
_MODULATION_STREAM = 8


@runtime_checkable
class AmbientSource(Protocol):
    """An endless stereo bed; frame n has the same value however a render range is split."""

    def render(self, start: int, length: int) -> np.ndarray:
        """Frames [start, start + length) as float32 shaped (length, 2)."""
        ...


class ChunkedSource(abc.ABC):
    """Renders by copying from cached chunks; subclasses compute one whole chunk at a time."""

    def render(self, start: int, length: int) -> np.ndarray:
        start, length = operator.index(start), operator.index(length)
        if start < 0 or length < 0:
            raise ValueError(f"cannot render {length} frames from {start}: both must be >= 0")
        out = np.empty((length, 2), dtype=np.float32)
        if length == 0:
            return out
        end = start + length
        written = 0
        for index in range(start // CHUNK_FRAMES, (end - 1) // CHUNK_FRAMES + 1):
            chunk_start = index * CHUNK_FRAMES
            first = max(start, chunk_start) - chunk_start
            last = min(end, chunk_start + CHUNK_FRAMES) - chunk_start
            out[written : written + last - first] = cached_chunk(self, index)[first:last]
            written += last - first
        return out

    @abc.abstractmethod
    def compute_chunk(self, index: int) -> np.ndarray:
        """Chunk `index`, from frame index * CHUNK_FRAMES on: float32 (CHUNK_FRAMES, 2)."""


# the chunks a block of up to four beds reads (two each, where a block crosses into the next)
@functools.lru_cache(maxsize=8)
def cached_chunk(source: ChunkedSource, index: int) -> np.ndarray:
    chunk = np.ascontiguousarray(source.compute_chunk(index), dtype=np.float32)
    _soft_limit(chunk)
    chunk.flags.writeable = False
    return chunk


def _soft_limit(samples: np.ndarray) -> None:
    """Round off, in place, the rare samples above the knee so none reaches PEAK_CEILING."""
    over = np.abs(samples) > _KNEE
    if over.any():
        loud = samples[over]
        room = PEAK_CEILING - _KNEE
        samples[over] = np.sign(loud) * (_KNEE + room * np.tanh((np.abs(loud) - _KNEE) / room))


def phase_cycles(frames: np.ndarray | float, freq_hz: float) -> np.ndarray:
    """Fractional cycles in [0, 1) of a sine at freq_hz starting at frame 0, exact for 24 hours."""
    return np.mod(np.multiply(frames, freq_hz), SAMPLE_RATE) / SAMPLE_RATE


def control_frames(chunk_index: int) -> np.ndarray:
    start = chunk_index * CHUNK_FRAMES
    return start + CONTROL_FRAMES * np.arange(_CONTROL_POINTS, dtype=np.float64)


def audio_rate(control: np.ndarray) -> np.ndarray:
    """Interpolate _CONTROL_POINTS values (the last is the next chunk's first) to every frame."""
    control = control.astype(np.float32)
    steps = np.diff(control)
    return (control[:-1, None] + steps[:, None] * _RAMP).reshape(-1)


def lfo(frames: np.ndarray, period_s: float, phase: float) -> np.ndarray:
    """A slow sine in [-1, 1] with the given period; phase in cycles."""
    return np.sin(2 * np.pi * (phase_cycles(frames, 1 / period_s) + phase))


@functools.lru_cache(maxsize=64)
def start_phases(seed: int, stream: int, count: int) -> tuple[float, ...]:
    """Starting phases (in cycles) for a source's slow modulators, fixed by its seed."""
    rng = np.random.default_rng([_MODULATION_STREAM, stream, seed & SEED_MASK])
    return tuple(float(p) for p in rng.random(count))


# -- shaped noise


@dataclass(frozen=True)
class Spectrum:
    """The shape given to white noise: power falling as 1/f**exponent between gentle cuts.

    exponent 0 is white, 1 pink (-3 dB per octave), 2 brown (-6 dB per octave).
    """

    exponent: float
    low_cut_hz: float = 20.0
    high_cut_hz: float | None = None

    def magnitude(self, freqs: np.ndarray) -> np.ndarray:
        f = np.maximum(freqs, 1e-3)
        gain = (f / 1000.0) ** (-self.exponent / 2)
        low = (f / self.low_cut_hz) ** 2
        gain *= low / np.sqrt(1 + low**2)
        if self.high_cut_hz is not None:
            gain /= np.sqrt(1 + (f / self.high_cut_hz) ** 4)
        return gain


def _stereo_correlation(freqs: np.ndarray) -> np.ndarray:
    """L/R correlation per frequency: nearly mono in the bass, wide above about 2 kHz."""
    position = np.clip(np.log2(np.maximum(freqs, 1.0) / 120.0) / np.log2(2000 / 120), 0, 1)
    return 0.9 - 0.6 * position


@functools.lru_cache(maxsize=16)
def stereo_filters(spectrum: Spectrum) -> tuple[np.ndarray, np.ndarray]:
    """Gains for two independent noise spectra X, Y: left = a X + b Y, right = a X - b Y.

    Scaled so that each channel of the result has unit variance when the real and imaginary
    parts of X and Y are uniformly distributed 16-bit integers.
    """
    magnitude = spectrum.magnitude(_FREQS)
    magnitude[0] = magnitude[-1] = 0.0
    # a uniform 16-bit integer has variance 2**32 / 12
    magnitude *= SEGMENT_FRAMES * np.sqrt(3.0 / np.sum(magnitude**2)) / 2**16
    half_angle = np.arccos(_stereo_correlation(_FREQS)) / 2
    common = (magnitude * np.cos(half_angle)).astype(np.float32)
    apart = (magnitude * np.sin(half_angle)).astype(np.float32)
    return common, apart


def _crossfade() -> np.ndarray:
    # sin/cos crossfades: the powers of overlapping segments sum to one, so level stays flat
    fade = np.sin(np.pi / 2 * (np.arange(CROSSFADE_FRAMES) + 0.5) / CROSSFADE_FRAMES)
    return np.repeat(fade, 2).reshape(CROSSFADE_FRAMES, 2).astype(np.float32)


_FADE_IN = _crossfade()
_FADE_OUT = _FADE_IN[::-1].copy()


# a chunk of shaped noise is made of two segments: those of three noise beds at once
@functools.lru_cache(maxsize=6)
def noise_segment(seed: int, stream: int, spectra: tuple[Spectrum, ...], index: int) -> np.ndarray:
    """Windowed noise starting at frame index * CHUNK_FRAMES: (len(spectra), SEGMENT_FRAMES, 2).

    All spectra shape the same random numbers, so layers can be mixed as a moving filter.
    """
    rng = np.random.default_rng([stream, seed & SEED_MASK, index + 1])
    # four uniform 16-bit integers from each raw 64-bit draw: the cheapest random numbers
    uniform = rng.bit_generator.random_raw(_BINS).view("<i2").astype(np.float32)
    x, y = uniform.view(np.complex64).reshape(2, _BINS)
    shaped = np.empty((len(spectra), _BINS, 2), dtype=np.complex64)
    for layer, spectrum in enumerate(spectra):
        common, apart = stereo_filters(spectrum)
        both = common * x
        spread = apart * y
        shaped[layer, :, 0] = both + spread
        shaped[layer, :, 1] = both - spread
    segment = np.fft.irfft(shaped, n=SEGMENT_FRAMES, axis=1).astype(np.float32, copy=False)
    segment[:, :CROSSFADE_FRAMES] *= _FADE_IN
    segment[:, CHUNK_FRAMES:] *= _FADE_OUT
    segment.flags.writeable = False
    return segment


def shaped_noise(seed: int, stream: int, spectra: tuple[Spectrum, ...], index: int) -> np.ndarray:
    """Unit-variance shaped noise for chunk `index`: (len(spectra), CHUNK_FRAMES, 2)."""
    noise = noise_segment(seed, stream, spectra, index)[:, :CHUNK_FRAMES].copy()
    noise[:, :CROSSFADE_FRAMES] += noise_segment(seed, stream, spectra, index - 1)[:, CHUNK_FRAMES:]
    return noise


BROWN = Spectrum(exponent=2.0, low_cut_hz=25.0)
PINK = Spectrum(exponent=1.0, low_cut_hz=20.0)
WHITE = Spectrum(exponent=0.0, low_cut_hz=20.0)


@dataclass(frozen=True)
class NoiseBed(ChunkedSource):
    """Steady coloured noise at a fixed RMS per channel."""

    spectrum: Spectrum
    rms: float
    seed: int = 0
    stream: int = 0

    def compute_chunk(self, index: int) -> np.ndarray:
        return shaped_noise(self.seed, self.stream, (self.spectrum,), index)[0] * np.float32(
            self.rms
        )


# -- ocean


# -- filtering of short bursts


def butterworth(bursts: np.ndarray, low_hz: float | None, high_hz: float) -> np.ndarray:
    """Bursts (time on the last axis) through a second-order Butterworth filter.

    A low-pass at high_hz, or with low_hz a band-pass between the two: the digital filters
    that scipy.signal.butter(2, ...) designs (bilinear transform, pre-warped corners), applied
    causally, with their phase, by one FFT. Each burst must have died away before its end:
    it is zero-padded to at least twice its length, so the filter's ringing cannot wrap around.
    """
    frames = bursts.shape[-1]
    size = 1 << (2 * frames - 1).bit_length()
    # the bilinear transform s = (1 - 1/z) / (1 + 1/z) on the unit circle, as u / v; its usual
    # factor 2 * SAMPLE_RATE cancels, as the corners are pre-warped on the same scale
    delay = np.exp(-2j * np.pi * np.fft.rfftfreq(size))
    u, v = 1 - delay, 1 + delay
    high = math.tan(math.pi * high_hz / SAMPLE_RATE)
    if low_hz is None:
        # H(s) = w^2 / (s^2 + sqrt(2) w s + w^2)
        lowpass = high * v
        response = lowpass**2 / (u**2 + math.sqrt(2) * u * lowpass + lowpass**2)
    else:
        # the low-pass prototype at s -> (s^2 + w_low w_high) / ((w_high - w_low) s)
        low = math.tan(math.pi * low_hz / SAMPLE_RATE)
        centre = u**2 + low * high * v**2
        width = (high - low) * u * v
        response = width**2 / (centre**2 + math.sqrt(2) * centre * width + width**2)
    return np.fft.irfft(np.fft.rfft(bursts, size) * response, size)[..., :frames]


# -- rain
