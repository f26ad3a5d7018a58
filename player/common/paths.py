"""Where things live: bundled content, the user's own folders and caches."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def bundled_root() -> Path:
    """The folder holding `sessions/` and `audio/`: inside the installed wheel, or the checkout."""
    installed = _PACKAGE / "_bundled"
    return installed if installed.is_dir() else _PACKAGE.parent


def bundled_sessions_dir() -> Path:
    return bundled_root() / "sessions"


def bundled_audio_dir() -> Path:
    return bundled_root() / "audio"


def bundled_digest(path: Path) -> str | None:
    """The SHA-256 of a file in the bundled audio folder, by which what is known of it is
    shipped (it is installed anywhere, at any time); None for any other file. Raises
    OSError if it cannot be read."""
    place = path.resolve()
    if not place.is_relative_to(bundled_audio_dir().resolve()):
        return None
    info = place.stat()
    return _digest(place, info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _digest(place: Path, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(place.read_bytes()).hexdigest()


def user_sessions_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("meditate", appauthor=False)) / "sessions"


def user_data_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("meditate", appauthor=False))


def history_path() -> Path:
    return user_data_path() / "history.sqlite3"
