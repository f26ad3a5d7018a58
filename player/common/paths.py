"""Where things live: bundled content, the user's own folders and caches."""

from __future__ import annotations

import functools
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


def user_sessions_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("meditate", appauthor=False)) / "sessions"


def user_data_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("meditate", appauthor=False))


def history_path() -> Path:
    return user_data_path() / "history.sqlite3"
