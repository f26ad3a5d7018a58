"""What `meditate list` shows of a session, remembered until the session or a file it names
changes, so listing a thousand sessions reads a thousand file stamps rather than a thousand
scripts.

A summary is kept with the stamp (size, time) of the script and of every place it looked for
a file: the files it found, and the nearer places where a file could appear and shadow one.
When none has changed, the summary stands.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from player.common.cache import Cache, code_version, user_cache

if TYPE_CHECKING:
    from player.session.model import FileRef, Session

_TABLE = "session-summaries"
_MODULES = (
    __name__,
    "player.prepare.session",
    "player.prepare.probe",
    "player.session.loader",
    "player.session.bells_reader",
    "player.session.values",
    "player.session.timeline",
    "player.session.flex",
    "player.session.model",
)


@dataclass(frozen=True)
class SessionSummary:
    """A session as a line of `list`: its facts, or the first of its problems."""

    title: str = ""
    description: str | None = None
    seconds: float = 0.0
    shortest: float = 0.0
    longest: float | None = None
    chapters: int = 0
    tags: tuple[str, ...] = ()
    problem: str | None = None  # set when the session cannot be used

    @property
    def valid(self) -> bool:
        return self.problem is None


def summary_of(
    path: Path, cache: Cache | None = None, seen: dict[str, list[int] | None] | None = None
) -> SessionSummary:
    """The summary of the session file at `path`, from the cache while nothing changed.

    `seen` remembers stamps already read in this listing: sessions share their clips.
    """
    cache = cache or user_cache()
    seen = {} if seen is None else seen
    table = cache.table(_TABLE, code_version(*_MODULES))
    key = os.path.abspath(path)
    known = table.get(key)
    if isinstance(known, dict) and known.get("stamps") == _stamps(known.get("watched", []), seen):
        return _from_json(known["summary"])
    summary, watched = _summarise(path, cache)
    if not summary.valid:
        return summary  # a problem may be a file not there yet: look again next time
    stamps = _stamps(watched, {})
    seen.update(zip(watched, stamps, strict=True))
    table.put(key, {"watched": watched, "stamps": stamps, "summary": _to_json(summary)})
    return summary


def _summarise(path: Path, cache: Cache) -> tuple[SessionSummary, list[str]]:
    # imported here: a listing whose summaries all stand reads no script at all
    from player.prepare.session import load_prepared
    from player.session.flex import length_range
    from player.session.problems import SessionError
    from player.session.timeline import compile_timeline

    watched = [str(path)]
    try:
        session = load_prepared(path, cache)
        timeline = compile_timeline(session)
    except SessionError as error:
        return SessionSummary(problem=str(error.problems[0])), watched
    span = length_range(session)
    watched += _watched_files(session)
    summary = SessionSummary(
        session.title,
        session.description,
        timeline.seconds,
        span.shortest,
        span.longest,
        len(timeline.chapters),
        session.tags,
    )
    return summary, watched


def _watched_files(session: Session) -> list[str]:
    """Every file the session uses, and every nearer place one of them could appear."""
    from player.prepare.lookup import search_dirs

    dirs = search_dirs(session.path)
    watched: list[str] = []
    for ref in _refs(session):
        if ref.path is None:
            continue
        watched.append(str(ref.path))
        if not Path(ref.written).is_absolute():
            for folder in dirs:
                candidate = folder / ref.written
                if candidate == ref.path:
                    break
                watched.append(str(candidate))
    return watched


def _refs(session: Session) -> Iterator[FileRef]:
    from player.session.model import Bell, Narration, Silence, flatten

    if session.cover is not None:
        yield session.cover
    for step in flatten(session.steps):
        if isinstance(step, Narration) and step.clip is not None:
            yield step.clip
        elif isinstance(step, Bell) and step.file is not None:
            yield step.file
        elif isinstance(step, Silence) and step.bells and step.bells.bell.file is not None:
            yield step.bells.bell.file
    for bed in session.ambient:
        if bed.file is not None:
            yield bed.file


def _stamps(paths: list[str], seen: dict[str, list[int] | None]) -> list[list[int] | None]:
    stamps: list[list[int] | None] = []
    for path in paths:
        if path not in seen:
            try:
                info = os.stat(path)
            except OSError:
                seen[path] = None
            else:
                seen[path] = [info.st_size, info.st_mtime_ns]
        stamps.append(seen[path])
    return stamps


def _to_json(summary: SessionSummary) -> dict[str, Any]:
    return {**summary.__dict__, "tags": list(summary.tags)}


def _from_json(data: dict[str, Any]) -> SessionSummary:
    return SessionSummary(**{**data, "tags": tuple(data.get("tags", ()))})
