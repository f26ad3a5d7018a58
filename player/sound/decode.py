"""Decodes sound files (ffmpeg, pydub) and conditions them to the master format (float32
stereo at 44.1 kHz)."""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import numpy as np

from player.common.audio_format import CHANNELS, SAMPLE_RATE
from player.common.errors import MeditateError
from player.common.programs import FFMPEG_INSTALL_HINT


def decode(path: Path) -> np.ndarray:
    """The file's sound as float32 frames at 44.1 kHz, stereo. Raises MeditateError."""
    return stereo(decode_channels(path))


def decode_channels(path: Path) -> np.ndarray:
    """The file's sound as float32 frames at 44.1 kHz, (frames, 1) for a mono file (half the
    memory of its stereo frames, which `stereo` gives to the bit), else (frames, 2).

    One ffmpeg process decodes the file and resamples it with the SoX resampler (pydub's own
    is linear interpolation) into 32-bit WAV; pydub reads its header, and its samples, read
    where they lie in ffmpeg's output (no copy), are conditioned here to the master layout.
    """
    from pydub.audio_segment import extract_wav_headers, read_wav_audio
    from pydub.exceptions import CouldntDecodeError

    if not path.exists():
        raise MeditateError(f"{path} disappeared since the session was checked")
    command = [
        "ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-map", "0:a:0", "-vn",
        "-af", f"aresample={SAMPLE_RATE}:resampler=soxr:precision=28",
        "-c:a", "pcm_s32le", "-f", "wav", "pipe:1",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except FileNotFoundError:
        raise MeditateError(FFMPEG_INSTALL_HINT) from None
    if done.returncode != 0 or len(done.stdout) <= _WAV_HEADER_BYTES:
        reason = ffmpeg_reason(done.stderr.decode("utf-8", "replace"))
        raise MeditateError(f"cannot decode {path}: {reason}")
    # ffmpeg writing to a pipe cannot go back to fill in the sizes: the data runs to the end
    try:
        wav = read_wav_audio(memoryview(done.stdout), extract_wav_headers(done.stdout))
    except (CouldntDecodeError, ValueError, IndexError, struct.error) as error:
        raise MeditateError(f"cannot decode {path}: {error}") from None
    width, channels = wav.bits_per_sample // 8, wav.channels
    if width != _SAMPLE_BYTES or channels < 1:
        raise MeditateError(f"cannot decode {path}: ffmpeg gave {width * 8}-bit samples")
    whole = len(wav.raw_data) // (width * channels) * width * channels
    if whole == 0:
        raise MeditateError(f"{path} holds no audio")
    samples = np.frombuffer(wav.raw_data[:whole], dtype="<i4")
    frames = condition(samples, width, channels, widen=False)
    if not np.any(frames):
        raise MeditateError(f"{path} is pure digital silence: re-record or replace it")
    return frames


_WAV_HEADER_BYTES = 44
_SAMPLE_BYTES = 4  # what ffmpeg is asked for (pcm_s32le)
TRUNCATION_TOLERANCE = 0.25  # seconds a decode may fall short of its header (encoder padding)


def decode_complete(path: Path, header_seconds: float) -> np.ndarray:
    """`decode_channels(path)`, refusing a file that decodes shorter than its header promised."""
    frames = decode_channels(path)
    decoded = len(frames) / SAMPLE_RATE
    if decoded < header_seconds - max(TRUNCATION_TOLERANCE, 0.05 * header_seconds):
        raise MeditateError(
            f"{path} is cut short: its header promises {header_seconds:.1f} s but only "
            f"{decoded:.1f} s decode; export or copy it again"
        )
    return frames


def condition(
    samples: np.ndarray, sample_width: int, channels: int, *, widen: bool = True
) -> np.ndarray:
    """Interleaved integer samples of any width and layout -> float32 (frames, 2), or
    (frames, 1) for mono ones unless `widen`."""
    scale = float(1 << (8 * sample_width - 1))
    frames = samples.astype(np.float32).reshape(-1, channels)
    frames /= np.float32(scale)
    if channels > CHANNELS:
        frames = frames[:, :CHANNELS]  # front left and right of a surround file
    frames = np.ascontiguousarray(frames, dtype=np.float32)
    return stereo(frames) if widen else frames


def stereo(frames: np.ndarray) -> np.ndarray:
    """Float32 frames (n, 1) or (n, 2) as (n, 2): a mono sound in both channels."""
    return np.repeat(frames, CHANNELS, axis=1) if frames.shape[1] == 1 else frames


_DEMUXER_PREFIX = re.compile(r"^\[[^\]]+ @ 0x[0-9a-f]+\]\s*")
_STREAM_PREFIX = re.compile(r"^Error while decoding stream #[\d:]+:\s*")


def ffmpeg_reason(message: str) -> str:
    """The line of ffmpeg's output (as pydub passes it on) that says what went wrong."""
    lines = [_DEMUXER_PREFIX.sub("", line.strip()) for line in message.splitlines()]
    errors = [line for line in lines if "Invalid data" in line or "rror" in line]
    errors = [line for line in errors if not line.startswith("Decoding failed.")]
    if not errors:
        return "ffmpeg could not read it"
    reason = _STREAM_PREFIX.sub("", errors[-1])
    return reason[:1].lower() + reason[1:160]
