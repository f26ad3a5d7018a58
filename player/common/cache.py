"""Small JSON files in the user's cache folder, read once and replaced atomically."""

from __future__ import annotations

import json
import os
from typing import Any

from player.common.paths import user_cache_dir


def read_cache(name: str) -> dict[str, Any]:
    try:
        data = json.loads((user_cache_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_cache(name: str, data: dict[str, Any]) -> None:
    """Replace the file whole; a cache that cannot be written is simply not kept."""
    target = user_cache_dir() / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{name}.{os.getpid()}")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass
