"""A source's loudness measured as a stream, so a file of any length is measured in flat memory.

A measurement holds the K-weighted energy (BS.1770) of every 10-ms tick of the source, with
0.4 s of silence on either side as the gating blocks at its edges see it in a session. BS.1770's
400-ms blocks, 100 ms apart, are sums of 40 ticks; the levels of a clip (levels.py) and the
loudness curve of a session's picture (foresee.py) are both worked out from the ticks.

Every source is measured by the same code in the same chunks, whether it is held in memory or
read from a file as it decodes, so the two give the same numbers to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from player.common.audio_format import SAMPLE_RATE
from player.sound.loudness import gain_for_gated_target, gated_mean_lufs, k_weighting_impulse
from player.sound.mastering import Limiter

TICK = SAMPLE_RATE // 100  # frames in a tick (10 ms)
BLOCK_TICKS, HOP_TICKS = 40, 10  # BS.1770's 400-ms blocks, 100 ms apart
PAD_TICKS = 40  # silence measured on either side of a source (0.4 s)
PAD = PAD_TICKS * TICK
_FFT_SIZE = 1 << 16
_COMPENSATION_ROUNDS = 4
_COMPENSATION_TOLERANCE_LU = 0.05

#: Frames [start, start + count) of a source as float32 (frames, 2); fewer at its end.
Reader = Callable[[int, int], np.ndarray]


@dataclass(frozen=True)
class Measurement:
    ticks: np.ndarray  # float64 energy of each 10-ms tick of PAD + source + PAD, K-weighted
    peak: float  # the largest sample magnitude of the source
    frames: int  # the source's length

    def block_powers(self) -> np.ndarray:
        return block_powers_of(self.ticks)


def array_reader(samples: np.ndarray) -> Reader:
    return lambda start, count: samples[start : start + count]


def block_powers_of(ticks: np.ndarray) -> np.ndarray:
    """Mean square of each 400-ms block, 100 ms apart, from tick energies."""
    hops = ticks[: len(ticks) // HOP_TICKS * HOP_TICKS].reshape(-1, HOP_TICKS).sum(axis=1)
    per_block = BLOCK_TICKS // HOP_TICKS
    if len(hops) < per_block:
        return np.zeros(0)
    sums = np.lib.stride_tricks.sliding_window_view(hops, per_block).sum(axis=1)
    return sums / (BLOCK_TICKS * TICK)


def measure(read: Reader) -> Measurement:
    """The tick energies and peak of the source `read` gives, read chunk by chunk."""
    peak, frames = 0.0, 0

    def counting(start: int, count: int) -> np.ndarray:
        nonlocal peak, frames
        samples = read(start, count)
        if len(samples):
            peak = max(peak, float(np.max(np.abs(samples))))
        frames = max(frames, start + len(samples))
        return samples

    ticks = _tick_energies(_weighted_chunks(_padded(counting)))
    return Measurement(ticks, peak, frames)


def source_gain_db(
    measured: Measurement, read: Reader, target_lufs: float, gate_lufs: float, limiter: Limiter
) -> float | None:
    """The gain (dB) that brings a source to `target_lufs` measured with the mix's gate, after
    the limiter has done what it will do to it; None when nothing is loud enough to measure.

    Only a source whose peaks the limiter will catch is read again (once a round)."""
    powers = measured.block_powers()
    if gated_mean_lufs(powers, -math.inf) is None:  # under BS.1770's absolute gate
        return None
    gain = gain_for_gated_target(powers, gate_lufs, target_lufs)
    if gain is None:
        return None
    for _ in range(_COMPENSATION_ROUNDS):
        scale = 10.0 ** (gain / 20.0)
        if measured.peak * scale <= limiter.ceiling:
            break
        # the limiter's gain moves slowly next to the K-weighting filter's memory, so the
        # limited signal's K-weighting is the K-weighted signal times that gain
        ticks = _tick_energies(_limited_weighted_chunks(read, np.float32(scale), limiter))
        achieved = gated_mean_lufs(block_powers_of(ticks), gate_lufs)
        shortfall = target_lufs - achieved if achieved is not None else 0.0
        if shortfall <= _COMPENSATION_TOLERANCE_LU:
            break
        gain += shortfall
    return gain


def limited_ticks(read: Reader, gain_db: float, limiter: Limiter) -> np.ndarray:
    """The tick energies of the source raised by `gain_db`, as the limiter will leave it."""
    scale = np.float32(10.0 ** (gain_db / 20.0))
    return _tick_energies(_limited_weighted_chunks(read, scale, limiter))


# -- streaming


def _chunk_frames() -> int:
    return _FFT_SIZE - len(k_weighting_impulse(SAMPLE_RATE)) + 1


def _padded(read: Reader) -> Iterator[np.ndarray]:
    """The source with PAD frames of silence either side, in chunks of _chunk_frames()."""
    size = _chunk_frames()
    position = -PAD  # source frame of the chunk's first frame
    ended_at: int | None = None
    while ended_at is None or position < ended_at + PAD:
        lo, hi = position, position + size
        chunk = np.zeros((size, 2), dtype=np.float32)
        if ended_at is None and hi > 0:
            got = read(max(lo, 0), hi - max(lo, 0))
            chunk[max(lo, 0) - lo : max(lo, 0) - lo + len(got)] = got
            if len(got) < hi - max(lo, 0):
                ended_at = max(lo, 0) + len(got)
        if ended_at is not None:
            chunk = chunk[: max(0, min(size, ended_at + PAD - lo))]
        if len(chunk):
            yield chunk
        position = hi


def _weighted_chunks(chunks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """K-weighted chunks (channels, n), the filter's memory carried from chunk to chunk."""
    impulse = k_weighting_impulse(SAMPLE_RATE)
    spectrum = np.fft.rfft(impulse, _FFT_SIZE)
    carry = np.zeros((2, len(impulse) - 1))
    for chunk in chunks:
        n = len(chunk)
        mono = np.array_equal(chunk[:, 0], chunk[:, 1])  # a mono file: filtered once, same bits
        piece = (chunk[:, :1] if mono else chunk).T.astype(np.float64)
        full = np.fft.irfft(np.fft.rfft(piece, _FFT_SIZE, axis=-1) * spectrum, _FFT_SIZE, axis=-1)
        full = np.repeat(full[:, : n + len(impulse) - 1], 2 if mono else 1, axis=0)
        full[:, : carry.shape[1]] += carry
        yield full[:, :n]
        carry = full[:, n:].copy()
        if carry.shape[1] < len(impulse) - 1:
            carry = np.pad(carry, ((0, 0), (0, len(impulse) - 1 - carry.shape[1])))


def _limited_weighted_chunks(
    read: Reader, scale: np.float32, limiter: Limiter
) -> Iterator[np.ndarray]:
    """K-weighted chunks of the source scaled by `scale` and limited as the limiter will."""
    position = -PAD
    for weighted in _weighted_chunks(_padded(read)):
        n = weighted.shape[1]
        lo, hi = position - limiter.reach_before, position + n + limiter.reach_after
        context = _read_with_silence(read, lo, hi) * scale
        gain = limiter.gain(context)
        if gain is not None:
            weighted = weighted * (scale * gain[limiter.reach_before : limiter.reach_before + n])
        else:
            weighted = weighted * scale
        yield weighted
        position += n


def _read_with_silence(read: Reader, lo: int, hi: int) -> np.ndarray:
    out = np.zeros((hi - lo, 2), dtype=np.float32)
    start = max(lo, 0)
    if hi > start:
        got = read(start, hi - start)
        out[start - lo : start - lo + len(got)] = got
    return out


def _tick_energies(weighted: Iterator[np.ndarray]) -> np.ndarray:
    """Channel-summed energy of each whole tick of a stream of (channels, n) chunks."""
    out: list[np.ndarray] = []
    rest = np.zeros(0)
    for chunk in weighted:
        energy = np.concatenate([rest, np.sum(chunk * chunk, axis=0)])
        whole = len(energy) // TICK * TICK
        out.append(energy[:whole].reshape(-1, TICK).sum(axis=1))
        rest = energy[whole:]
    return np.concatenate(out) if out else np.zeros(0)
