"""Integrated loudness after ITU-R BS.1770-4, in numpy, and the gains that bring sources to target.

The K-weighting filter is the standard's two biquads, with the coefficients derived for any
sample rate as libebur128 (and so ffmpeg's ebur128 meter) derives them. It is applied as an
convolution with its impulse response, cut at 2048 samples (46 ms at 44.1 kHz), where what is
left of it holds 2e-11 of its energy and no sample above 7e-7; this keeps the meter fast
without an IIR loop in Python.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from player.common.audio_format import SAMPLE_RATE

DEFAULT_TARGET_LUFS = -16.0
TRUE_PEAK_LIMIT_DBTP = -1.0
_BLOCK_SECONDS = 0.4
_HOP_SECONDS = 0.1
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_IMPULSE_FRAMES = 2048
_CHUNK_FRAMES = 1 << 15


def k_weighting_coefficients(rate: int) -> tuple[tuple[float, ...], ...]:
    """(b, a) of the shelving pre-filter and the RLB high-pass, each normalised so a[0] = 1."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf_b = (
        (vh + vb * k / q + k * k) / a0,
        2.0 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
    )
    shelf_a = (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1.0 + k / q + k * k
    pass_b = (1.0, -2.0, 1.0)
    pass_a = (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0)
    return shelf_b, shelf_a, pass_b, pass_a


@functools.lru_cache(maxsize=4)
def k_weighting_impulse(rate: int) -> np.ndarray:
    """The K-weighting filter's impulse response, long enough to have fully decayed."""
    shelf_b, shelf_a, pass_b, pass_a = k_weighting_coefficients(rate)
    signal = np.zeros(_IMPULSE_FRAMES)
    signal[0] = 1.0
    for b, a in ((shelf_b, shelf_a), (pass_b, pass_a)):
        out = np.zeros_like(signal)
        x1 = x2 = y1 = y2 = 0.0
        for n, x0 in enumerate(signal.tolist()):
            y0 = b[0] * x0 + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
            out[n] = y0
            x2, x1, y2, y1 = x1, x0, y1, y0
        signal = out
    return signal


@functools.lru_cache(maxsize=8)
def _impulse_spectrum(rate: int, size: int) -> np.ndarray:
    return np.fft.rfft(k_weighting_impulse(rate), size)


def _k_weighted(channels: np.ndarray, rate: int) -> np.ndarray:
    """Channels (shaped (channels, n)) filtered by K-weighting: overlap-add convolution."""
    taps = len(k_weighting_impulse(rate))
    length = channels.shape[-1]
    chunk = min(_CHUNK_FRAMES, max(length, 1))
    size = 1 << math.ceil(math.log2(chunk + taps - 1))
    chunk = size - taps + 1  # as much input as the transform holds
    spectrum = _impulse_spectrum(rate, size)
    out = np.zeros((channels.shape[0], length + taps - 1))
    for start in range(0, length, chunk):
        piece = channels[:, start : start + chunk]
        filtered = np.fft.irfft(np.fft.rfft(piece, size, axis=-1) * spectrum, size, axis=-1)
        span = piece.shape[-1] + taps - 1
        out[:, start : start + span] += filtered[:, :span]
    return out[:, :length]


def block_powers(frames: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Channel-summed mean square of the K-weighted signal in 400 ms blocks, 100 ms apart."""
    return weighted_block_powers(k_weighted(frames, rate), rate)


def k_weighted(frames: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Float frames (n, channels) through the K-weighting filter, shaped (channels, n)."""
    return _k_weighted(np.atleast_2d(frames.T).astype(np.float64), rate)


def weighted_block_powers(weighted: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """`block_powers` of a signal already K-weighted, shaped (channels, n)."""
    block = round(_BLOCK_SECONDS * rate)
    hop = round(_HOP_SECONDS * rate)
    count = (weighted.shape[-1] - block) // hop + 1
    if count < 1:
        return np.zeros(0)
    starts = np.arange(count) * hop
    energy = np.concatenate([[0.0], np.cumsum(np.sum(weighted * weighted, axis=0))])
    return (energy[starts + block] - energy[starts]) / block


def gated_lufs(powers: np.ndarray) -> float | None:
    """Integrated loudness from block powers, with the absolute and relative gates."""
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10.0 * np.log10(powers)
    above = powers[loudness > _ABSOLUTE_GATE]
    if len(above) == 0:
        return None
    threshold = -0.691 + 10.0 * math.log10(float(np.mean(above))) + _RELATIVE_GATE
    with np.errstate(divide="ignore"):
        gated = above[-0.691 + 10.0 * np.log10(above) > threshold]
    return -0.691 + 10.0 * math.log10(float(np.mean(gated)))


def gated_mean_lufs(powers: np.ndarray, gate_lufs: float) -> float | None:
    """Loudness of the blocks above a fixed gate (and the absolute one), or None if none are."""
    threshold = 10.0 ** ((max(gate_lufs, _ABSOLUTE_GATE) + 0.691) / 10.0)
    counted = powers[powers > threshold]
    if len(counted) == 0:
        return None
    return -0.691 + 10.0 * math.log10(float(np.mean(counted)))


def gain_for_gated_target(powers: np.ndarray, gate_lufs: float, target_lufs: float) -> float | None:
    """The gain (dB) after which the blocks above a fixed gate measure `target_lufs`.

    The gate stays where it is while the gain moves the blocks, so a louder gain lets softer
    blocks count. None when the blocks hold no sound at all.
    """
    if not np.any(powers > 0):
        return None
    peak = -0.691 + 10.0 * math.log10(float(np.max(powers)))
    low, high = gate_lufs - peak - 1.0, target_lufs - peak + 60.0  # none count .. all count
    for _ in range(48):
        middle = (low + high) / 2
        loudness = gated_mean_lufs(powers * 10.0 ** (middle / 10.0), gate_lufs)
        if loudness is None or loudness < target_lufs:
            low = middle
        else:
            high = middle
    return high


def integrated_lufs(frames: np.ndarray, *, surround_seconds: float = 0.0) -> float | None:
    """Integrated loudness of float frames, or None when too short or silent to measure.

    `surround_seconds` of silence on either side measure a clip as it will sound in a
    session, where the gating blocks that straddle its edges count towards the whole.
    """
    if len(frames) < _BLOCK_SECONDS * SAMPLE_RATE:
        return None
    if surround_seconds:
        pad = np.zeros((round(surround_seconds * SAMPLE_RATE), frames.shape[1]), frames.dtype)
        frames = np.concatenate([pad, frames, pad])
    return gated_lufs(block_powers(frames))


def db_to_gain(db: float) -> float:
    return 10.0 ** (db / 20.0)


def normalising_gain_db(measured: float | None, target: float, offset_db: float) -> float:
    """Gain that brings a source measured at `measured` LUFS to `target + offset_db`.

    A source too short or quiet to measure keeps its own level, plus the offset.
    """
    if measured is None:
        return offset_db
    return target + offset_db - measured
