"""The practice log: sittings in an SQLite database. Safe when several players write at once
(SQLite's own locking, with a generous busy timeout). A log made by an earlier version is
brought up to date in place when it is opened."""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from player.common.errors import MeditateError

_WAL_ATTEMPTS = 40  # about 40 s of waiting in all
MIN_LOGGED_SECONDS = 60.0  # a stopped sitting shorter than this is not a practice
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sittings (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,      -- ISO 8601 with the local UTC offset
    session TEXT NOT NULL,      -- the session's name
    title TEXT NOT NULL,
    seconds REAL NOT NULL,      -- how much was heard: pauses and skips not counted
    completed INTEGER NOT NULL, -- 1 when played to the end, nearly all of it heard
    chapters TEXT NOT NULL DEFAULT '[]',  -- JSON list: the chapters reached
    length REAL                 -- how long the session lasts; NULL for an open sitting
)
"""
# columns an earlier log lacks, and how to add them
_ADDED = {
    "chapters": "ALTER TABLE sittings ADD COLUMN chapters TEXT NOT NULL DEFAULT '[]'",
    "length": "ALTER TABLE sittings ADD COLUMN length REAL",
}


@dataclass(frozen=True)
class Sitting:
    started: datetime.datetime
    session: str
    title: str
    seconds: float  # heard
    completed: bool
    chapters: tuple[str, ...] = ()  # reached, in order
    length: float | None = None  # of the session; None for an open sitting


def worth_logging(seconds: float, completed: bool) -> bool:
    return completed or seconds >= MIN_LOGGED_SECONDS


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30.0)
        _write_ahead(connection)
        connection.execute(_SCHEMA)
        _bring_up_to_date(connection)
    except sqlite3.DatabaseError as error:
        raise MeditateError(f"practice log {path} is unusable ({error}): move it aside") from None
    except OSError as error:
        raise MeditateError(f"cannot open the practice log {path}: {error.strerror}") from None
    return connection


def _write_ahead(connection: sqlite3.Connection) -> None:
    """Put the log in WAL mode, once: the mode stays with the file. Switching needs the file
    to itself, and SQLite answers 'locked' at once rather than waiting, so wait here."""
    for attempt in range(_WAL_ATTEMPTS):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _bring_up_to_date(connection: sqlite3.Connection) -> None:
    columns = {row[1] for row in connection.execute("PRAGMA table_info(sittings)")}
    for column, statement in _ADDED.items():
        if column not in columns:
            with contextlib.suppress(sqlite3.OperationalError):  # another player just did
                connection.execute(statement)


def record(path: Path, sitting: Sitting) -> None:
    connection = _connect(path)
    try:
        with connection:
            connection.execute(
                "INSERT INTO sittings (started, session, title, seconds, completed, chapters, "
                "length) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    sitting.started.isoformat(timespec="seconds"),
                    sitting.session,
                    sitting.title,
                    round(sitting.seconds, 1),
                    int(sitting.completed),
                    json.dumps(list(sitting.chapters)),
                    None if sitting.length is None else round(sitting.length, 1),
                ),
            )
    finally:
        connection.close()


def read(path: Path) -> list[Sitting]:
    if not path.exists():
        return []
    connection = _connect(path)
    try:
        rows = connection.execute(
            "SELECT started, session, title, seconds, completed, chapters, length FROM sittings "
            "ORDER BY started"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise MeditateError(f"practice log {path} is unusable ({error}): move it aside") from None
    finally:
        connection.close()
    return [
        Sitting(
            datetime.datetime.fromisoformat(started),
            session,
            title,
            seconds,
            bool(done),
            tuple(json.loads(chapters or "[]")),
            length,
        )
        for started, session, title, seconds, done, chapters, length in rows
    ]
