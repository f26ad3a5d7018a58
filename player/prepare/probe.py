"""Clip lengths from file headers (mutagen), without decoding, remembered per file version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from player.common.cache import read_cache, write_cache

_CACHE_NAME = "clip-lengths.json"


class UnreadableAudio(ValueError):
    """The file's header does not say how long it is: what is wrong, for the user."""


@dataclass(frozen=True)
class _Stamp:
    size: int
    mtime_ns: int


_memory: dict[str, tuple[_Stamp, float]] = {}
_disk_loaded = False
_disk_dirty = False


def clip_seconds(path: Path) -> float:
    """How long an audio file plays, read from its header. Raises UnreadableAudio."""
    try:
        info = path.stat()
    except OSError as error:
        raise UnreadableAudio(f"cannot read it ({error.strerror})") from None
    stamp = _Stamp(info.st_size, info.st_mtime_ns)
    key = str(path.resolve())
    _load_disk_cache()
    known = _memory.get(key)
    if known and known[0] == stamp:
        return known[1]
    seconds = _read_header(path, info.st_size)
    _memory[key] = (stamp, seconds)
    global _disk_dirty
    _disk_dirty = True
    return seconds


def _read_header(path: Path, size: int) -> float:
    if size == 0:
        raise UnreadableAudio("the file is empty (0 bytes)")
    import mutagen

    try:
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
    return seconds


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _load_disk_cache() -> None:
    global _disk_loaded
    if _disk_loaded:
        return
    _disk_loaded = True
    for key, entry in read_cache(_CACHE_NAME).items():
        try:
            size, mtime_ns, seconds = entry
            _memory.setdefault(key, (_Stamp(int(size), int(mtime_ns)), float(seconds)))
        except (TypeError, ValueError):
            continue


def save_cache() -> None:
    """Write what was learned this run, so the next `list` reads no headers at all."""
    global _disk_dirty
    if _disk_dirty:
        write_cache(_CACHE_NAME, {k: [s.size, s.mtime_ns, sec] for k, (s, sec) in _memory.items()})
        _disk_dirty = False
