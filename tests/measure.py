"""Independent checks on finished files: ffprobe, ffmpeg's ebur128 meter, and raw samples."""

from __future__ import annotations

import json
import re
import subprocess
import wave
from pathlib import Path

import numpy as np


def ffprobe(path: Path) -> dict:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP), measured by ffmpeg."""
    summary = _ebur128_summary(path, "true")
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return _integrated(summary), peak


def integrated_loudness(path: Path) -> float:
    """Integrated loudness (LUFS) alone, measured by ffmpeg: a third of ebur128's time (the
    true peak's four-times oversampling is the rest)."""
    return _integrated(_ebur128_summary(path, "none"))


def _ebur128_summary(path: Path, peak: str) -> str:
    done = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a",
         "-af", f"ebur128=peak={peak}:framelog=verbose", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stderr[done.stderr.rindex("Summary:") :]


def _integrated(summary: str) -> float:
    return float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))


def wav_samples(path: Path) -> np.ndarray:
    """The 16-bit frames of a WAV file, shape (frames, channels)."""
    with wave.open(str(path), "rb") as reader:
        data = reader.readframes(reader.getnframes())
        return np.frombuffer(data, dtype="<i2").reshape(-1, reader.getnchannels())


def decoded(path: Path, channels: int = 2) -> np.ndarray:
    """Any file decoded by ffmpeg to float32 at 44.1 kHz."""
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a", "-f", "f32le",
         "-ac", str(channels), "-ar", "44100", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(done.stdout, dtype=np.float32).reshape(-1, channels)


def rms_db(samples: np.ndarray) -> float:
    values = samples.astype(np.float64)
    return 10 * np.log10(np.mean(values**2) + 1e-30)
