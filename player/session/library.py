"""Finds sessions by name along the search path: MEDITATE_PATH, the user's folder, bundled."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from player.common.errors import MeditateError
from player.common.paths import bundled_sessions_dir, user_sessions_dir

SESSION_SUFFIXES = (".yaml", ".yml")


class Origin(str, Enum):
    PATH = "MEDITATE_PATH"
    USER = "yours"
    BUNDLED = "bundled"


@dataclass(frozen=True)
class Folder:
    path: Path
    origin: Origin


@dataclass(frozen=True)
class Entry:
    """A session file found on the search path, named by its file stem."""

    name: str
    path: Path
    origin: Origin
    hidden: tuple[Entry, ...] = ()  # same-named files later on the path, hidden by this one


def search_folders(environ: dict[str, str] | None = None) -> tuple[Folder, ...]:
    """The folders searched, first match wins: MEDITATE_PATH entries, yours, bundled."""
    env = os.environ if environ is None else environ
    extra = [
        _expanded(p, "MEDITATE_PATH entry")
        for p in env.get("MEDITATE_PATH", "").split(os.pathsep)
        if p
    ]
    folders = [Folder(p, Origin.PATH) for p in extra]
    folders.append(Folder(user_sessions_dir(), Origin.USER))
    folders.append(Folder(bundled_sessions_dir(), Origin.BUNDLED))
    return tuple(folders)


def discover(folders: tuple[Folder, ...] | None = None) -> tuple[Entry, ...]:
    """Every visible session, sorted by name; an earlier folder wins a clash of names."""
    found: dict[str, Entry] = {}
    for folder in search_folders() if folders is None else folders:
        for path in _session_files(folder.path):
            name = path.stem
            if name in found:
                winner = found[name]
                found[name] = Entry(
                    winner.name,
                    winner.path,
                    winner.origin,
                    (*winner.hidden, Entry(name, path, folder.origin)),
                )
            else:
                found[name] = Entry(name, path, folder.origin)
    return tuple(sorted(found.values(), key=lambda entry: entry.name))


def _session_files(folder: Path) -> list[Path]:
    try:
        return sorted(
            p
            for p in folder.iterdir()
            if p.suffix in SESSION_SUFFIXES and not p.name.startswith(".")
        )
    except OSError:
        return []


def looks_like_path(reference: str) -> bool:
    return reference.endswith(SESSION_SUFFIXES) or os.sep in reference or "/" in reference


def resolve(reference: str, entries: tuple[Entry, ...] | None = None) -> Path:
    """The session file a name or a path refers to. Raises MeditateError with a suggestion."""
    if looks_like_path(reference):
        path = _expanded(reference, "session")
        if not path.exists():
            raise MeditateError(f"{reference}: no such session file")
        return path
    known = discover() if entries is None else entries
    for entry in known:
        if entry.name == reference:
            return entry.path
    names = [entry.name for entry in known]
    close = difflib.get_close_matches(reference, names, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise MeditateError(f"no session named '{reference}'{hint} ('meditate list' shows them all)")


def _expanded(written: str, what: str) -> Path:
    """`written` with a leading ~ or ~user expanded. Raises MeditateError for an unknown user."""
    try:
        return Path(written).expanduser()
    except RuntimeError:
        user = written.split("/", 1)[0]
        raise MeditateError(
            f"{what} '{written}': {user} names no user on this system (write the full path)"
        ) from None
