"""The one cache: values that are slow to make, kept in the user's cache folder between runs.

A value is stored under a key made from everything that decides it, including the version of
the code that made it (`code_version`), so changing that code makes the value anew. Files are
written atomically. A cache that cannot be read is empty, and one that cannot be written is
simply not kept: it never stops the program.

The bundled audio folder ships values the bundled sessions need before their first sound
(SHIPPED, written by tools/ship_measurements.py): `remember` finds them there first, so a
new user's first play starts as quickly as a later one. Larger ones (the measurements a
picture of a session needs) are shipped in a file of their own, read only when asked for
(see player/sound/shipped.py). A test recomputes them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from player.common.errors import MeditateError
from player.common.files import atomic_output, write_file

T = TypeVar("T")

SHIPPED = "measurements.json"


def cache_root() -> Path:
    """MEDITATE_CACHE, or the platform's user cache folder for meditate."""
    override = os.environ.get("MEDITATE_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("meditate", appauthor=False))


@functools.cache
def code_version(*modules: str) -> str:
    """A digest of the source of the named modules: it changes whenever their code does."""
    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        if origin is None:
            raise ValueError(f"no source for module {name}")
        digest.update(name.encode() + b"\0" + Path(origin).read_bytes())
    return digest.hexdigest()[:16]


def key_of(*parts: object) -> str:
    """A file-name-safe digest of `parts` (anything JSON can show, paths included)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Table:
    """A JSON mapping in one cache file: read once, written back merged with other writers'.
    Threads may share it (the web server prepares sessions in several)."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        self._entries: dict[str, Any] | None = None
        self._new: dict[str, Any] = {}
        self._lock = threading.RLock()  # threads measuring at once (a picture's) share it

    def get(self, key: str) -> Any | None:
        return self._loaded().get(key)

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._loaded()[key] = value
            self._new[key] = value

    def save(self) -> None:
        """Write what was learned since the last save, keeping what other processes wrote."""
        with self._lock:
            if not self._new:
                return
            entries = {**self._read(), **self._new}
            self._new = {}
            self._entries = entries
            document = json.dumps({"version": self.version, "entries": entries})
            with contextlib.suppress(OSError, MeditateError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_file(self.path, document, force=True)

    def _loaded(self) -> dict[str, Any]:
        with self._lock:
            if self._entries is None:
                self._entries = self._read()
            return self._entries

    def _read(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("version") != self.version:
            return {}
        entries = document.get("entries")
        return entries if isinstance(entries, dict) else {}


class Cache:
    """One cache folder: tables of small values, and files of large ones, by kind and key."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tables: dict[str, Table] = {}
        self._lock = threading.Lock()

    def table(self, name: str, version: str) -> Table:
        """The table `name`; one written by another `version` of its maker reads as empty."""
        with self._lock:
            table = self._tables.get(name)
            if table is None or table.version != version:
                table = Table(self.root / f"{name}.json", version)
                self._tables[name] = table
            return table

    def remember(self, name: str, version: str, key: str, make: Callable[[], T]) -> T:
        """The value under `key` in table `name` (or shipped), made and saved at once the
        first time."""
        known = shipped_value(name, version, key)
        if known is not None:
            return known  # type: ignore[no-any-return]
        table = self.table(name, version)
        known = table.get(key)
        if known is not None:
            return known  # type: ignore[no-any-return]
        value = make()
        table.put(key, value)
        table.save()
        return value

    def file(self, kind: str, key: str, suffix: str) -> Path:
        """Where the file of `kind` under `key` lives (whether or not it exists yet)."""
        return self.root / kind / f"{key}{suffix}"

    @contextlib.contextmanager
    def storing(self, kind: str, key: str, suffix: str) -> Iterator[Path]:
        """Yield a temporary path to write; it becomes the cached file when the block succeeds."""
        target = self.file(kind, key, suffix)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MeditateError(
                f"cannot write to the cache folder {target.parent}: {error.strerror} "
                "(set MEDITATE_CACHE to a writable folder)"
            ) from None
        with atomic_output(target, force=True) as partial:
            yield partial

    def save(self) -> None:
        with self._lock:
            tables = list(self._tables.values())
        for table in tables:
            table.save()


@functools.cache
def shipped_tables(file: str = SHIPPED) -> dict[str, Any]:
    """The tables shipped in the bundled audio folder, in `file`: {name: {"version",
    "entries"}}; none with MEDITATE_SHIPPED=0 (to work them out again)."""
    from player.common.paths import bundled_audio_dir

    if os.environ.get("MEDITATE_SHIPPED") == "0":
        return {}

    try:
        document = json.loads((bundled_audio_dir() / file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def shipped_value(name: str, version: str, key: str, file: str = SHIPPED) -> Any | None:
    table = shipped_tables(file).get(name)
    if not isinstance(table, dict) or table.get("version") != version:
        return None
    entries = table.get("entries")
    return entries.get(key) if isinstance(entries, dict) else None


_caches: dict[Path, Cache] = {}


def user_cache() -> Cache:
    """The cache in the user's cache folder (one object per folder in this process)."""
    root = cache_root()
    cache = _caches.get(root)
    if cache is None:
        cache = _caches[root] = Cache(root)
    return cache


def save_all() -> None:
    """Write every table this process changed; the command line calls it as a command ends."""
    for cache in _caches.values():
        cache.save()


_FILE_DIGESTS = "file-digests"


def file_digest(path: Path, cache: Cache | None = None) -> str:
    """The SHA-256 of a file's content, remembered under its size and modification time."""
    info = path.stat()
    stamp = [info.st_size, info.st_mtime_ns]
    table = (cache or user_cache()).table(_FILE_DIGESTS, code_version(__name__))
    key = str(path.resolve())
    known = table.get(key)
    if isinstance(known, list) and len(known) == 3 and known[:2] == stamp:
        return str(known[2])
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    table.put(key, [*stamp, digest.hexdigest()])
    return digest.hexdigest()
