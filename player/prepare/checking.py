"""What `check` finds in one session file: every problem in one run, the script's own and
those of each file it names, even when the script has mistakes that would stop a play."""

from __future__ import annotations

from pathlib import Path

from player.common.cache import Cache
from player.prepare.narrator import NarratorChoice, choose_narrator
from player.prepare.session import prepare_what_can_be
from player.prepare.verify import sound_problems
from player.session.loader import read_session
from player.session.model import Session
from player.session.problems import Problem, sorted_problems


def every_problem(
    path: Path, cache: Cache | None = None, narrator: NarratorChoice | None = None
) -> tuple[Session | None, list[Problem]]:
    """The session prepared as far as it can be, and every problem of the file in line order
    (warnings too): mistakes in the script, files missing or unreadable, and sound that will
    not play as it should. The session is None when the file is not a session at all. With a
    `narrator`, the narration it would speak is checked as that voice's, not as its clips.

    Raises SessionError only when the file cannot be read as YAML; MeditateError when the
    narrator cannot speak it."""
    session, problems = read_session(path)
    if session is None:
        return None, problems
    speaker = choose_narrator(narrator, session) if narrator is not None else None
    prepared, missing = prepare_what_can_be(session, cache, speaker)
    return prepared, sorted_problems([*problems, *missing, *sound_problems(prepared, cache)])
