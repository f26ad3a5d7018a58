"""Finds the files a script names: beside the script first, then in the bundled audio folder."""

from __future__ import annotations

import difflib
from pathlib import Path

from player.common.paths import bundled_audio_dir
from player.session.model import FileRef


class NotFound(ValueError):
    """The file is not where the script says: the message says where it looked."""


def search_dirs(session_path: Path) -> tuple[Path, ...]:
    """Where relative file names in a session resolve, in order."""
    return (session_path.parent, bundled_audio_dir())


def find_file(ref: FileRef, dirs: tuple[Path, ...], what: str) -> Path:
    """The file `ref` names, absolute or relative to the first of `dirs` that holds it."""
    try:
        named = Path(ref.written).expanduser()
    except RuntimeError:  # ~user of a user that does not exist
        user = ref.written.split("/", 1)[0]
        raise NotFound(
            f"{what} '{ref.written}': {user} names no user on this system (write the full path)"
        ) from None
    candidates = [named] if named.is_absolute() else [folder / named for folder in dirs]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = " and ".join(str(c.parent) for c in candidates)
    raise NotFound(f"{what} '{ref.written}' not found (looked in {looked}){_nearby(candidates)}")


def is_bundled(path: Path) -> bool:
    """Whether a file found is one shipped with meditate (not a recording of the user's)."""
    return path.resolve().is_relative_to(bundled_audio_dir().resolve())


def _nearby(candidates: list[Path]) -> str:
    """A did-you-mean from the files beside where the missing one was looked for."""
    for candidate in candidates:
        folder = candidate.parent
        if folder.is_dir():
            names = [p.name for p in folder.iterdir() if p.is_file()]
            close = difflib.get_close_matches(candidate.name, names, n=1, cutoff=0.5)
            if close:
                return f"; did you mean '{close[0]}'?"
    return ""
