"""Decodes sound files with pydub and conditions them to the master format (float32 stereo)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from player.common.audio_format import CHANNELS, SAMPLE_RATE
from player.common.errors import MeditateError
from player.common.programs import FFMPEG_INSTALL_HINT


def decode(path: Path) -> np.ndarray:
    """The file's sound as float32 frames at 44.1 kHz, stereo. Raises MeditateError."""
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

    try:
        segment = AudioSegment.from_file(str(path))
    except CouldntDecodeError as error:
        raise MeditateError(f"cannot decode {path}: {_ffmpeg_reason(str(error))}") from None
    except FileNotFoundError:
        if path.exists():  # then it is ffmpeg that pydub could not find
            raise MeditateError(FFMPEG_INSTALL_HINT) from None
        raise MeditateError(f"{path} disappeared since the session was checked") from None
    except (OSError, ValueError, IndexError) as error:
        raise MeditateError(f"cannot decode {path}: {error}") from None
    if segment.frame_count() == 0:
        raise MeditateError(f"{path} holds no audio")
    frames = condition(
        np.array(segment.get_array_of_samples()), segment.sample_width, segment.channels,
        segment.frame_rate,
    )  # fmt: skip
    if not np.any(frames):
        raise MeditateError(f"{path} is pure digital silence: re-record or replace it")
    return frames


TRUNCATION_TOLERANCE = 0.25  # seconds a decode may fall short of its header (encoder padding)


def decode_complete(path: Path, header_seconds: float) -> np.ndarray:
    """`decode(path)`, refusing a file that decodes shorter than its header promised."""
    frames = decode(path)
    decoded = len(frames) / SAMPLE_RATE
    if decoded < header_seconds - max(TRUNCATION_TOLERANCE, 0.05 * header_seconds):
        raise MeditateError(
            f"{path} is cut short: its header promises {header_seconds:.1f} s but only "
            f"{decoded:.1f} s decode; export or copy it again"
        )
    return frames


def condition(samples: np.ndarray, sample_width: int, channels: int, rate: int) -> np.ndarray:
    """Interleaved integer samples of any width, layout and rate -> float32 (frames, 2) at 44.1k."""
    scale = float(1 << (8 * sample_width - 1))
    frames = samples.astype(np.float32).reshape(-1, channels) / np.float32(scale)
    if channels == 1:
        frames = np.repeat(frames, CHANNELS, axis=1)
    elif channels > CHANNELS:
        frames = frames[:, :CHANNELS]  # front left and right of a surround file
    if rate != SAMPLE_RATE:
        frames = resample(frames, rate)
    return np.ascontiguousarray(frames, dtype=np.float32)


def resample(frames: np.ndarray, rate: int) -> np.ndarray:
    """To the master rate with ffmpeg's SoX resampler (pydub's own is linear interpolation)."""
    import subprocess

    channels = frames.shape[1]
    command = [
        "ffmpeg", "-v", "error", "-nostdin",
        "-f", "f32le", "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0",
        "-af", f"aresample={SAMPLE_RATE}:resampler=soxr:precision=28",
        "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", str(channels), "pipe:1",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, input=np.ascontiguousarray(frames, "<f4").tobytes(), capture_output=True
        )
    except FileNotFoundError:
        raise MeditateError(FFMPEG_INSTALL_HINT) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MeditateError(f"resampling failed: {reason[-1] if reason else 'ffmpeg error'}")
    return np.frombuffer(done.stdout, dtype="<f4").reshape(-1, channels)


_DEMUXER_PREFIX = re.compile(r"^\[[^\]]+ @ 0x[0-9a-f]+\]\s*")
_STREAM_PREFIX = re.compile(r"^Error while decoding stream #[\d:]+:\s*")


def _ffmpeg_reason(message: str) -> str:
    """The line of ffmpeg's output (as pydub passes it on) that says what went wrong."""
    lines = [_DEMUXER_PREFIX.sub("", line.strip()) for line in message.splitlines()]
    errors = [line for line in lines if "Invalid data" in line or "rror" in line]
    errors = [line for line in errors if not line.startswith("Decoding failed.")]
    if not errors:
        return "ffmpeg could not read it"
    reason = _STREAM_PREFIX.sub("", errors[-1])
    return reason[:1].lower() + reason[1:160]
