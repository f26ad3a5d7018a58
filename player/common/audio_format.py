"""The master audio format every part of the pipeline shares."""

from __future__ import annotations

SAMPLE_RATE = 44100
CHANNELS = 2
SAMPLE_WIDTH = 2  # bytes per sample in the finished 16-bit PCM
FRAME_BYTES = CHANNELS * SAMPLE_WIDTH


def seconds_to_frames(seconds: float) -> int:
    """The sample a time falls on: what starts at 12.345 s starts at round(12.345 * 44100)."""
    return round(seconds * SAMPLE_RATE)


def frames_to_seconds(frames: int) -> float:
    return frames / SAMPLE_RATE
