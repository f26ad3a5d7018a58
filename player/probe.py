"""Clip lengths from file headers (mutagen), without decoding, remembered per file version."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .paths import user_cache_dir

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


def _cache_file() -> Path:
    return user_cache_dir() / _CACHE_NAME


def _load_disk_cache() -> None:
    global _disk_loaded
    if _disk_loaded:
        return
    _disk_loaded = True
    try:
        entries = json.loads(_cache_file().read_text(encoding="utf-8"))
        for key, (size, mtime_ns, seconds) in entries.items():
            _memory.setdefault(key, (_Stamp(int(size), int(mtime_ns)), float(seconds)))
    except (OSError, ValueError, TypeError):
        pass


def save_cache() -> None:
    """Write what was learned this run, so the next `list` reads no headers at all."""
    global _disk_dirty
    if not _disk_dirty:
        return
    entries = {key: [s.size, s.mtime_ns, sec] for key, (s, sec) in _memory.items()}
    target = _cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(temporary, target)
        _disk_dirty = False
    except OSError:
        pass
