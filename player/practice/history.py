"""The practice log: sittings in an SQLite database, and the streaks they make. Safe when
several players write at once (SQLite's own locking, with a generous busy timeout)."""

from __future__ import annotations

import datetime
import sqlite3
import time
from collections.abc import Iterable
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
    seconds REAL NOT NULL,      -- time spent listening, pauses not counted
    completed INTEGER NOT NULL  -- 1 when played to the end
)
"""


@dataclass(frozen=True)
class Sitting:
    started: datetime.datetime
    session: str
    title: str
    seconds: float
    completed: bool


@dataclass(frozen=True)
class Practice:
    """What `meditate history` reports."""

    recent: tuple[Sitting, ...]
    sittings: int
    minutes: float
    current_streak: int
    longest_streak: int


def worth_logging(seconds: float, completed: bool) -> bool:
    return completed or seconds >= MIN_LOGGED_SECONDS


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30.0)
        _write_ahead(connection)
        connection.execute(_SCHEMA)
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


def record(path: Path, sitting: Sitting) -> None:
    connection = _connect(path)
    try:
        with connection:
            connection.execute(
                "INSERT INTO sittings (started, session, title, seconds, completed) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    sitting.started.isoformat(timespec="seconds"),
                    sitting.session,
                    sitting.title,
                    round(sitting.seconds, 1),
                    int(sitting.completed),
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
            "SELECT started, session, title, seconds, completed FROM sittings ORDER BY started"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise MeditateError(f"practice log {path} is unusable ({error}): move it aside") from None
    finally:
        connection.close()
    return [
        Sitting(datetime.datetime.fromisoformat(started), session, title, seconds, bool(done))
        for started, session, title, seconds, done in rows
    ]


def streaks(days: Iterable[datetime.date], today: datetime.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days with a sitting.

    The current streak still counts when today has no sitting yet but yesterday had one.
    """
    unique = sorted(set(days))
    longest = run = 0
    previous: datetime.date | None = None
    for day in unique:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if unique and (today - unique[-1]).days <= 1 and unique[-1] <= today:
        current = 1
        for earlier, later in zip(reversed(unique[:-1]), reversed(unique[1:]), strict=True):
            if (later - earlier).days != 1:
                break
            current += 1
    return current, longest


def summarise(sittings: list[Sitting], today: datetime.date, recent: int = 10) -> Practice:
    days = [s.started.date() for s in sittings]
    current, longest = streaks(days, today)
    return Practice(
        recent=tuple(sittings[-recent:][::-1]),
        sittings=len(sittings),
        minutes=sum(s.seconds for s in sittings) / 60.0,
        current_streak=current,
        longest_streak=longest,
    )
