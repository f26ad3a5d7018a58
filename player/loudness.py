"""Loudness of sources (ITU-R BS.1770 via pyloudnorm) and the gains that bring them to target."""

from __future__ import annotations

import math

import numpy as np

from .audio_format import SAMPLE_RATE

DEFAULT_TARGET_LUFS = -16.0
TRUE_PEAK_LIMIT_DBTP = -1.0
_MIN_SECONDS = 0.4  # one BS.1770 gating block


def integrated_lufs(frames: np.ndarray, *, surround_seconds: float = 0.0) -> float | None:
    """Integrated loudness of float frames, or None when too short or silent to measure.

    `surround_seconds` of silence on either side measure a clip as it will sound in a
    session, where the gating blocks that straddle its edges count towards the whole.
    """
    if len(frames) < _MIN_SECONDS * SAMPLE_RATE:
        return None
    if surround_seconds:
        pad = np.zeros((round(surround_seconds * SAMPLE_RATE), frames.shape[1]), frames.dtype)
        frames = np.concatenate([pad, frames, pad])
    import warnings

    import pyloudnorm

    meter = pyloudnorm.Meter(SAMPLE_RATE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(meter.integrated_loudness(frames.astype(np.float64)))
    return value if math.isfinite(value) and value > -70.0 else None


def db_to_gain(db: float) -> float:
    return 10.0 ** (db / 20.0)


def normalising_gain_db(measured: float | None, target: float, offset_db: float) -> float:
    """Gain that brings a source measured at `measured` LUFS to `target + offset_db`.

    A source too short or quiet to measure keeps its own level, plus the offset.
    """
    if measured is None:
        return offset_db
    return target + offset_db - measured
