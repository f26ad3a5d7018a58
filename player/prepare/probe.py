"""Clip lengths from file headers (mutagen), without decoding, remembered per file version."""

from __future__ import annotations

import contextlib
from pathlib import Path

from player.common.cache import Cache, code_version, user_cache

_TABLE = "clip-lengths"
_TRUNCATED = 0.95  # a file holding less than this share of the bytes its header promises
# The reader of each usual suffix, so that mutagen need not import every reader it has to
# guess; a file its suffix misnames is still read by guessing.
_READERS = {
    ".mp3": ("mutagen.mp3", "MP3"),
    ".ogg": ("mutagen.oggvorbis", "OggVorbis"),
    ".oga": ("mutagen.oggvorbis", "OggVorbis"),
    ".opus": ("mutagen.oggopus", "OggOpus"),
    ".flac": ("mutagen.flac", "FLAC"),
    ".wav": ("mutagen.wave", "WAVE"),
    ".m4a": ("mutagen.mp4", "MP4"),
}


class UnreadableAudio(ValueError):
    """The file's header does not say how long it is: what is wrong, for the user."""


def clip_seconds(path: Path, cache: Cache | None = None) -> float:
    """How long an audio file plays, read from its header. Raises UnreadableAudio.

    Remembered under the file's size and modification time, so an unchanged file's header
    is read once; the cache is written when the command ends.
    """
    try:
        info = path.stat()
    except OSError as error:
        raise UnreadableAudio(f"cannot read it ({error.strerror})") from None
    stamp = [info.st_size, info.st_mtime_ns]
    table = (cache or user_cache()).table(_TABLE, _version())
    key = str(path.resolve())
    known = table.get(key)
    if isinstance(known, list) and len(known) == 3 and known[:2] == stamp:
        return float(known[2])
    seconds = _read_header(path, info.st_size)
    table.put(key, [*stamp, seconds])
    return seconds


def _version() -> str:
    # mutagen's own __init__ carries its version: hashing it costs less than importing it
    return code_version(__name__, "mutagen")


def _read_header(path: Path, size: int) -> float:
    if size == 0:
        raise UnreadableAudio("the file is empty (0 bytes)")
    import importlib

    import mutagen

    audio = None
    reader = _READERS.get(path.suffix.lower())
    if reader is not None:
        kind = getattr(importlib.import_module(reader[0]), reader[1])
        with contextlib.suppress(mutagen.MutagenError, OSError, ValueError, EOFError):
            audio = mutagen.File(path, options=[kind])
    try:
        if audio is None:
            audio = mutagen.File(path)
    except PermissionError:
        raise UnreadableAudio("permission denied") from None
    except (mutagen.MutagenError, OSError, ValueError, EOFError) as error:
        raise UnreadableAudio(f"not a readable audio file ({_first_line(error)})") from None
    if audio is None or getattr(audio, "info", None) is None:
        raise UnreadableAudio("not an audio format meditate can read (use WAV, MP3, OGG or FLAC)")
    seconds = float(getattr(audio.info, "length", 0.0) or 0.0)
    if not seconds > 0:
        raise UnreadableAudio("its header says it holds no audio")
    return _bounded_by_size(audio.info, seconds, size)


def _bounded_by_size(info: object, seconds: float, size: int) -> float:
    """A cut-off MP3 or WAV keeps the header of the whole: it is refused when the file holds
    fewer bytes than the header's length needs at its bit rate."""
    bitrate = float(getattr(info, "bitrate", 0) or 0)
    offset = int(getattr(info, "frame_offset", 0) or 0)
    if not bitrate or type(info).__name__ not in ("MPEGInfo", "WaveStreamInfo"):
        return seconds
    held = max(size - offset, 0) * 8 / bitrate
    if held < _TRUNCATED * seconds:
        raise UnreadableAudio(
            f"it is cut short: its header promises {seconds:.1f} s but the file holds only "
            f"{held:.1f} s (export or copy it again)"
        )
    return seconds


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
