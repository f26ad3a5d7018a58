"""Stream 16-bit PCM into an ffmpeg process that encodes it to a file, and into a second one
that measures its loudness.

The meter runs in its own process, so it shares no core with the encoder: an export then takes
about as long as the encoder alone needs for the same PCM.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import IO, NoReturn

from player.common.audio_format import CHANNELS, SAMPLE_RATE
from player.common.errors import MeditateError
from player.common.programs import FFMPEG_INSTALL_HINT

#: File suffix -> the format `open_encoder` writes.
SUPPORTED_FORMATS: Mapping[str, str] = MappingProxyType(
    {".mp3": "mp3", ".ogg": "ogg", ".flac": "flac", ".wav": "wav"}
)

_CODEC_ARGS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # No ID3 from ffmpeg: tags are written afterwards by mutagen. The Xing/LAME header that
        # carries the length and the encoder delay is still written.
        "mp3": ("-c:a", "libmp3lame", "-id3v2_version", "0", "-write_id3v1", "0"),
        "ogg": ("-c:a", "libvorbis"),
        "flac": ("-c:a", "flac"),
        "wav": ("-c:a", "pcm_s16le"),
    }
)
_USES_BITRATE = frozenset({"mp3", "ogg"})
# LAME's CBR and ABR presets scale the input down (presets.c, column "scale"): by 0.95 up to
# 160 kb/s, then less, until 256 kb/s. Measured with ffmpeg 5.1 and LAME 3.100; undone here so
# that an MP3 export is as loud as the PCM it was made from.
_LAME_PRESET_SCALE = ((160, 0.95), (192, 0.97), (224, 0.98), (256, 1.0))
_NOISE_LINES = ("Conversion failed!",)
_EXIT_GRACE_SECONDS = 5.0
# Pipes this big let the encoder and the meter ride out a slow block of the renderer (a clip
# being decoded); Linux lets any process raise its pipes to 1 MiB.
_PIPE_BYTES = 1 << 20
# every message tagged with its level; the meter's summary comes at [info]
_LOGGING = ("-hide_banner", "-loglevel", "level+info", "-nostdin", "-nostats")


def format_for(path: Path) -> str:
    """The format a file name asks for, from its suffix."""
    fmt = SUPPORTED_FORMATS.get(path.suffix.lower())
    if fmt is None:
        suffix = f"'{path.suffix}'" if path.suffix else "no suffix"
        supported = ", ".join(SUPPORTED_FORMATS)
        raise MeditateError(f"{path.name} has {suffix}: export writes {supported}")
    return fmt


class Encoder:
    """A running ffmpeg that turns the PCM given to `write` into a file.

    Use it as a context manager: leaving the block normally waits for the file to be finished,
    leaving it by an exception kills ffmpeg (the partial file is the caller's to remove).
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        stderr: IO[bytes],
        name: str,
        meter: Meter | None = None,
    ) -> None:
        self._process = process
        self._stderr = stderr
        self._name = name
        self._meter = meter
        self.loudness: float | None = None  # integrated loudness of the PCM, once closed

    def write(self, pcm: bytes | memoryview) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(pcm)
        except BrokenPipeError:
            self._fail()
        if self._meter is not None:
            self._meter.write(pcm)

    def close(self) -> None:
        """Finish the file. Raises MeditateError saying why if ffmpeg failed."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.close()
        except BrokenPipeError:
            self._fail()
        returncode = self._process.wait()
        self._stderr.seek(0)
        messages = self._stderr.read().decode("utf-8", "replace")
        # Some write errors (a full disk at the trailer) still exit 0 without -xerror, so any
        # message at error level or worse is a failure.
        if returncode != 0 or _errors(messages):
            self._fail()
        self._stderr.close()
        if self._meter is not None:
            self.loudness = self._meter.close()

    def abort(self) -> None:
        """Stop ffmpeg at once; what it wrote so far is left as it is."""
        self._stop()
        self._stderr.close()
        if self._meter is not None:
            self._meter.abort()

    def __enter__(self) -> Encoder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def _stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        stdin = self._process.stdin
        assert stdin is not None
        with contextlib.suppress(BrokenPipeError):
            stdin.close()

    def _fail(self) -> NoReturn:
        # It closed the pipe because it is exiting: let it finish, for its own exit status.
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=_EXIT_GRACE_SECONDS)
        self._stop()
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        if self._meter is not None:
            self._meter.abort()
        raise MeditateError(_explain(self._process.returncode, _errors(stderr), self._name))


class Meter:
    """ffmpeg's loudness meter (ebur128) reading the PCM given to `write`.

    It only informs: if it fails, the loudness is unknown (None) and the export goes on.
    """

    def __init__(self, ffmpeg: str, sample_rate: int, channels: int) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close or abort)
        self._broken = False
        command = [
            ffmpeg, *_LOGGING, *_raw_input(sample_rate, channels),
            "-af", "ebur128=framelog=verbose", "-f", "null", "-",
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            start_new_session=True,
        )
        _widen(self._process.stdin)

    def write(self, pcm: bytes | memoryview) -> None:
        if self._broken:
            return
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(pcm)
        except BrokenPipeError:
            self._broken = True

    def close(self) -> float | None:
        """The integrated loudness of everything written (LUFS), or None if unknown."""
        assert self._process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        returncode = self._process.wait()
        self._log.seek(0)
        messages = self._log.read().decode("utf-8", "replace")
        self._log.close()
        if returncode != 0 or self._broken:
            return None
        return _measured_loudness(messages)

    def abort(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        assert self._process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._process.stdin.close()
        self._log.close()


def _raw_input(sample_rate: int, channels: int) -> tuple[str, ...]:
    return ("-f", "s16le", "-ar", str(sample_rate), "-ac", str(channels), "-i", "pipe:0")


def _widen(pipe: IO[bytes] | None) -> None:
    if pipe is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def open_encoder(
    path: Path,
    fmt: str,
    *,
    bitrate: str = "128k",
    sample_rate: int = SAMPLE_RATE,
    channels: int = CHANNELS,
    name: str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> Encoder:
    """Start ffmpeg writing `fmt` to `path` from interleaved signed 16-bit little-endian PCM.

    `fmt` is given apart from `path` because `path` is usually a temporary name. `name` is how
    error messages call the output (the final file name, say); it defaults to `path`.
    `metadata` is for what only the muxer can write (a WAV's RIFF INFO list); tags proper are
    written afterwards by tags.py.
    """
    if fmt not in _CODEC_ARGS:
        raise ValueError(f"unknown format {fmt!r}")
    shown = name if name is not None else str(path)
    folder = path.parent
    if not folder.is_dir():
        raise MeditateError(
            f"cannot write {shown}: folder {folder} does not exist (create it or choose another)"
        )
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise MeditateError(FFMPEG_INSTALL_HINT)
    command = [
        ffmpeg,
        # every message tagged with its level: [error] and worse fail the export
        *_LOGGING,
        "-xerror",
        *_raw_input(sample_rate, channels),
        # No encoder name or version in the file, so the same PCM always gives the same bytes.
        *("-map_metadata", "-1", "-fflags", "+bitexact"),
        *(
            arg
            for key, value in (metadata or {}).items()
            for arg in ("-metadata", f"{key}={value}")
        ),
        *_CODEC_ARGS[fmt],
        *(("-b:a", bitrate) if fmt in _USES_BITRATE else ()),
        *_filters(fmt, bitrate),
        *("-f", fmt, "-y", str(path)),
    ]
    # A file, not a pipe, for ffmpeg's messages: nothing has to drain it while we write.
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 (the Encoder closes it)
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            # Its own session, so Ctrl-C at the terminal reaches only us and we stop ffmpeg.
            start_new_session=True,
        )
    except FileNotFoundError:
        stderr.close()
        raise MeditateError(FFMPEG_INSTALL_HINT) from None
    except BaseException:
        stderr.close()
        raise
    _widen(process.stdin)
    try:
        meter = Meter(ffmpeg, sample_rate, channels)
    except BaseException:
        process.kill()
        process.wait()
        stderr.close()
        raise
    return Encoder(process, stderr, shown, meter)


def _filters(fmt: str, bitrate: str) -> tuple[str, ...]:
    """LAME's compensation for MP3 (the PCM as given goes to the meter)."""
    scale = _lame_scale(bitrate) if fmt == "mp3" else 1.0
    return ("-af", f"volume={1 / scale:.6f}") if scale != 1.0 else ()


def _lame_scale(bitrate: str) -> float:
    kbps = int(bitrate.lower().removesuffix("k"))
    if kbps <= _LAME_PRESET_SCALE[0][0]:
        return _LAME_PRESET_SCALE[0][1]
    if kbps >= _LAME_PRESET_SCALE[-1][0]:
        return 1.0
    return min(_LAME_PRESET_SCALE, key=lambda row: abs(row[0] - kbps))[1]


_LEVEL = re.compile(r"\[(panic|fatal|error)\]\s*(.*)")
_INTEGRATED = re.compile(r"^\s*I:\s+(-?[\d.]+) LUFS", re.MULTILINE)


def _errors(messages: str) -> str:
    """ffmpeg's messages at error level or worse, one a line, without their tags."""
    found = (_LEVEL.search(line) for line in messages.splitlines())
    return "\n".join(match.group(2) for match in found if match)


def _measured_loudness(messages: str) -> float | None:
    """The integrated loudness in the meter's summary (its first 'I:' line after 'Summary')."""
    summary = messages.rpartition("Summary:")[2]
    match = _INTEGRATED.search(summary)
    if not match or float(match.group(1)) <= -70:
        return None
    return float(match.group(1))


def _explain(returncode: int, stderr: str, name: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reasons = [line for line in lines if line not in _NOISE_LINES]
    reason = reasons[-1] if reasons else ""
    text = "\n".join(lines)
    if returncode == -signal.SIGXFSZ or "File too large" in text:
        return f"file size limit reached while writing {name} (see `ulimit -f`): raise the limit"
    if "No space left on device" in text or "Disk quota exceeded" in text:
        return f"disk full while writing {name}: free some space and try again"
    if reason:
        return f"ffmpeg failed while writing {name}: {reason}"
    if returncode < 0:
        return f"ffmpeg was stopped by signal {signal.Signals(-returncode).name} writing {name}"
    return f"ffmpeg failed while writing {name} (exit status {returncode})"
