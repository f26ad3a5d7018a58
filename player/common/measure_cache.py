"""Measurements that are slow to make and never change, remembered on disk between runs."""

from __future__ import annotations

from collections.abc import Callable

from player.common.cache import read_cache, write_cache

_FILE_NAME = "measurements.json"
_memory: dict[str, float | None] | None = None


def remembered(key: str, measure: Callable[[], float | None]) -> float | None:
    """The value stored under `key`, measuring and storing it the first time."""
    global _memory
    if _memory is None:
        _memory = read_cache(_FILE_NAME)
    if key not in _memory:
        _memory[key] = measure()
        write_cache(_FILE_NAME, _memory)
    return _memory[key]
