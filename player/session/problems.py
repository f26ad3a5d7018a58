"""Problems found in a session file, each at its place, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from player.common.errors import MeditateError
from player.session.model import Location


@dataclass(frozen=True)
class Problem:
    where: Location
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.where}: {prefix}{one_line(self.message)}"


_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
}


def one_line(text: str) -> str:
    """Control characters a file may hold, shown escaped so a message stays one line."""
    return text.translate(_CONTROL)


class SessionError(MeditateError):
    """A session file that cannot be used; holds every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def file_problem(path: Path, message: str, line: int = 1, column: int = 1) -> SessionError:
    """The error for a problem of the file as a whole, at its start unless told otherwise."""
    return SessionError([Problem(Location(path, line, column), message)])


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.where.line, p.where.column))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean X?' for the closest of `choices`, or nothing."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
