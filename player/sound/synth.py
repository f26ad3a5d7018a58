"""Synthesised sounds: ambient beds, pure functions of the absolute sample position, and bells.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.session.catalog import BELL_SECONDS, DRONE_DEFAULT_PITCH_HZ, SYNTHS

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
#: Bells are scaled so that their highest sample has this magnitude.
BELL_PEAK = 0.5

_KNEE = 0.6
_BINS = SEGMENT_FRAMES // 2 + 1
_FREQS = np.fft.rfftfreq(SEGMENT_FRAMES, 1 / SAMPLE_RATE)
_CONTROL_POINTS = CHUNK_FRAMES // CONTROL_FRAMES + 1
_RAMP = np.arange(CONTROL_FRAMES, dtype=np.float32) / np.float32(CONTROL_FRAMES)
_MAX_PARTIAL_HZ = 16000.0
_SEED_MASK = (1 << 64) - 1

# Separate random streams, so that beds sharing a seed never share noise.
_STREAMS = {"brown-noise": 1, "pink-noise": 2, "white-noise": 3, "ocean": 4, "rain": 5}
_DRONE_STREAM = 6
_RAIN_DROPLETS_STREAM = 7
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
            out[written : written + last - first] = _chunk(self, index)[first:last]
            written += last - first
        return out

    @abc.abstractmethod
    def compute_chunk(self, index: int) -> np.ndarray:
        """Chunk `index`, from frame index * CHUNK_FRAMES on: float32 (CHUNK_FRAMES, 2)."""


@functools.lru_cache(maxsize=16)
def _chunk(source: ChunkedSource, index: int) -> np.ndarray:
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


def clear_caches() -> None:
    """Drop every cached chunk, segment and table (results never depend on what is cached)."""
    for cached in (_chunk, _noise_segment, _stereo_filters, _sine_basis, droplets_in_chunk):
        cached.cache_clear()


# -- time and slow modulation


def _cycles(frames: np.ndarray | float, freq_hz: float) -> np.ndarray:
    """Fractional cycles in [0, 1) of a sine at freq_hz starting at frame 0, exact for 24 hours."""
    return np.mod(np.multiply(frames, freq_hz), SAMPLE_RATE) / SAMPLE_RATE


def _control_frames(chunk_index: int) -> np.ndarray:
    start = chunk_index * CHUNK_FRAMES
    return start + CONTROL_FRAMES * np.arange(_CONTROL_POINTS, dtype=np.float64)


def _audio_rate(control: np.ndarray) -> np.ndarray:
    """Interpolate _CONTROL_POINTS values (the last is the next chunk's first) to every frame."""
    control = control.astype(np.float32)
    steps = np.diff(control)
    return (control[:-1, None] + steps[:, None] * _RAMP).reshape(-1)


def _lfo(frames: np.ndarray, period_s: float, phase: float) -> np.ndarray:
    """A slow sine in [-1, 1] with the given period; phase in cycles."""
    return np.sin(2 * np.pi * (_cycles(frames, 1 / period_s) + phase))


@functools.lru_cache(maxsize=64)
def _phases(seed: int, stream: int, count: int) -> tuple[float, ...]:
    """Starting phases (in cycles) for a source's slow modulators, fixed by its seed."""
    rng = np.random.default_rng([_MODULATION_STREAM, stream, seed & _SEED_MASK])
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
def _stereo_filters(spectrum: Spectrum) -> tuple[np.ndarray, np.ndarray]:
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


@functools.lru_cache(maxsize=8)
def _noise_segment(seed: int, stream: int, spectra: tuple[Spectrum, ...], index: int) -> np.ndarray:
    """Windowed noise starting at frame index * CHUNK_FRAMES: (len(spectra), SEGMENT_FRAMES, 2).

    All spectra shape the same random numbers, so layers can be mixed as a moving filter.
    """
    rng = np.random.default_rng([stream, seed & _SEED_MASK, index + 1])
    # four uniform 16-bit integers from each raw 64-bit draw: the cheapest random numbers
    uniform = rng.bit_generator.random_raw(_BINS).view("<i2").astype(np.float32)
    x, y = uniform.view(np.complex64).reshape(2, _BINS)
    shaped = np.empty((len(spectra), _BINS, 2), dtype=np.complex64)
    for layer, spectrum in enumerate(spectra):
        common, apart = _stereo_filters(spectrum)
        both = common * x
        spread = apart * y
        shaped[layer, :, 0] = both + spread
        shaped[layer, :, 1] = both - spread
    segment = np.fft.irfft(shaped, n=SEGMENT_FRAMES, axis=1).astype(np.float32, copy=False)
    segment[:, :CROSSFADE_FRAMES] *= _FADE_IN
    segment[:, CHUNK_FRAMES:] *= _FADE_OUT
    segment.flags.writeable = False
    return segment


def _noise(seed: int, stream: int, spectra: tuple[Spectrum, ...], index: int) -> np.ndarray:
    """Unit-variance shaped noise for chunk `index`: (len(spectra), CHUNK_FRAMES, 2)."""
    noise = _noise_segment(seed, stream, spectra, index)[:, :CHUNK_FRAMES].copy()
    noise[:, :CROSSFADE_FRAMES] += _noise_segment(seed, stream, spectra, index - 1)[
        :, CHUNK_FRAMES:
    ]
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
        return _noise(self.seed, self.stream, (self.spectrum,), index)[0] * np.float32(self.rms)


# -- ocean

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
        wave, wander, size = _phases(self.seed, _STREAMS["ocean"], 3)
        # phase modulation makes the interval between crests wander
        cycles = _cycles(frames, 1 / 10.7) + 0.15 * _lfo(frames, 37.3, wander) + wave
        crest = 0.5 + 0.5 * np.sin(2 * np.pi * cycles)
        return (0.8 + 0.2 * _lfo(frames, 61.7, size)) * crest**1.5

    def compute_chunk(self, index: int) -> np.ndarray:
        body, wash = _noise(self.seed, _STREAMS["ocean"], (_OCEAN_BODY, _OCEAN_WASH), index)
        frames = _control_frames(index)
        # the right ear hears each wave a moment later, so swells drift across
        swells = (self.swell(frames), self.swell(frames - _OCEAN_RIGHT_LAG_FRAMES))
        for channel, swell in enumerate(swells):
            body[:, channel] *= _audio_rate(self.body_rms * (0.3 + 0.7 * swell))
            wash[:, channel] *= _audio_rate(self.wash_rms * swell**2)
        return body + wash


# -- filtering of short bursts


def _butterworth(bursts: np.ndarray, low_hz: float | None, high_hz: float) -> np.ndarray:
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
        tick = _butterworth(
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
    rng = np.random.default_rng([_RAIN_DROPLETS_STREAM, seed & _SEED_MASK, index])
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
        (bed,) = _noise(self.seed, _STREAMS["rain"], (_RAIN_BED,), index)
        (gust,) = _phases(self.seed, _STREAMS["rain"], 1)
        intensity = 1 + 0.15 * _lfo(_control_frames(index), 23.0, gust)
        bed *= _audio_rate(self.bed_rms * intensity)[:, None]
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
    angle = 2 * np.pi * _cycles(np.arange(CHUNK_FRAMES, dtype=np.float64), freq_hz)
    cos, sin = np.cos(angle).astype(np.float32), np.sin(angle).astype(np.float32)
    cos.flags.writeable = sin.flags.writeable = False
    return cos, sin


def _sine(freq_hz: float, chunk_index: int) -> np.ndarray:
    """sin(2 pi f n / SR) over chunk `chunk_index`, from the exact phase at its first frame."""
    cos, sin = _sine_basis(freq_hz)
    phase = 2 * math.pi * float(_cycles(float(chunk_index * CHUNK_FRAMES), freq_hz))
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
        frames = _control_frames(index)
        phases = _phases(self.seed, _DRONE_STREAM, len(_DRONE_PARTIALS) + 1)
        breath = 0.85 + 0.15 * _lfo(frames, _DRONE_BREATH_SECONDS, phases[0])
        left = np.zeros(CHUNK_FRAMES, dtype=np.float32)
        right = np.zeros(CHUNK_FRAMES, dtype=np.float32)
        level = self.rms * math.sqrt(2) / _drone_amplitude_norm()
        for (number, amplitude, shimmer_s), phase in zip(_DRONE_PARTIALS, phases[1:], strict=True):
            left_hz, right_hz = number * self.pitch_hz, number * self.pitch_hz + self.beat_hz
            if left_hz > _MAX_PARTIAL_HZ:
                break
            shimmer = 1 + 0.1 * _lfo(frames, shimmer_s, phase)
            envelope = _audio_rate(level * amplitude * breath * shimmer)
            tone = envelope * _sine(left_hz, index)
            left += tone
            if right_hz == left_hz:
                right += tone
            elif right_hz <= _MAX_PARTIAL_HZ:
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
    "brown-noise": lambda seed: NoiseBed(BROWN, 0.116, seed, _STREAMS["brown-noise"]),
    "pink-noise": lambda seed: NoiseBed(PINK, 0.065, seed, _STREAMS["pink-noise"]),
    "white-noise": lambda seed: NoiseBed(WHITE, 0.05, seed, _STREAMS["white-noise"]),
    "ocean": lambda seed: Ocean(seed),
    "rain": lambda seed: Rain(seed),
}


# -- bells


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


def bell_sound(name: str) -> np.ndarray:
    """The bell `name` (a key of catalog.BELL_SECONDS): read-only float32 (frames, 2).

    frames == round(BELL_SECONDS[name] * SAMPLE_RATE); it starts and ends at exactly zero.
    """
    if name not in BELL_MODELS:
        raise ValueError(f"unknown bell '{name}' (available: {', '.join(BELL_SECONDS)})")
    return _bell(name)


@functools.lru_cache(maxsize=len(BELL_MODELS))
def _bell(name: str) -> np.ndarray:
    model = BELL_MODELS[name]
    frames = round(BELL_SECONDS[name] * SAMPLE_RATE)
    t = np.arange(frames) / SAMPLE_RATE
    mallet = 1 - np.exp(-t / model.mallet_s)
    out = np.zeros((2, frames))
    for partial in model.partials:
        freq = partial.ratio * model.fundamental_hz
        envelope = partial.amplitude * mallet * np.exp(-t / partial.decay_s)
        out += _panned(envelope * np.sin(2 * np.pi * freq * t), partial.pan)
        if partial.twin_amplitude:
            twin = np.sin(2 * np.pi * (freq + partial.beat_hz) * t)
            out += _panned(partial.twin_amplitude * envelope * twin, -partial.pan)
    strike = _strike(model, frames)
    out[:, : strike.shape[1]] += strike
    fade = round(_BELL_FADE_SECONDS * SAMPLE_RATE)
    out[:, -fade:] *= 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, fade))
    out *= BELL_PEAK / np.max(np.abs(out))
    bell = np.ascontiguousarray(out.T, dtype=np.float32)
    bell.flags.writeable = False
    return bell


def _panned(mono: np.ndarray, pan: float) -> np.ndarray:
    angle = (pan + 1) * np.pi / 4
    return np.stack((mono * math.cos(angle), mono * math.sin(angle))) * math.sqrt(2)


def _strike(model: BellModel, frames: int) -> np.ndarray:
    """The mallet's contact noise: a few milliseconds of low-passed noise, fixed per bell.

    Shaped (2, n) for the first n <= frames frames of the bell; it is silent after them.
    """
    rng = np.random.default_rng(round(model.fundamental_hz * 10))
    size = min(frames, round(_STRIKE_DECAYS * model.strike_decay_s * SAMPLE_RATE))
    t = np.arange(size) / SAMPLE_RATE
    # noise is drawn for the whole bell, as it always has been, so each strike stays the same
    burst = rng.standard_normal((2, frames))[:, :size] * (1 - np.exp(-t / 0.0003))
    burst *= np.exp(-t / model.strike_decay_s)
    burst = _butterworth(burst, None, model.strike_cutoff_hz)
    # the burst starts at zero, so the causal filter's first output is exactly zero too, but
    # the FFT leaves rounding there; restore it, so that the bell starts from true silence
    burst[:, 0] = 0.0
    return model.strike_level * burst / np.max(np.abs(burst))
