"""What the commands that take --voice share: a session prepared with the narrator chosen,
the lines it leaves as they are said once, and the narration spoken with progress."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from player.prepare.narrator import Narrator, NarratorChoice
    from player.prepare.unfolding import Narrated, Unfolding
    from player.session.model import Narration, Session
    from player.session.timeline import Timeline


def prepared(path: Path, choice: NarratorChoice | None, *, quiet: bool = False) -> Narrated:
    """The session at `path` prepared for sound, its narration (with `choice`) to be spoken
    by the narrator; unless `quiet`, the lines the narrator leaves as they are said on stderr.
    Raises MeditateError (SessionError) for what cannot be used."""
    from player.prepare.unfolding import prepare_narrated

    narrated = prepare_narrated(path, choice)
    if narrated.narrator is not None and not quiet:
        for line in kept_lines(narrated.session, narrated.narrator):
            click.echo(f"meditate: {line}", err=True)
    return narrated


def unfolding(narrated: Narrated, length: float | None) -> Unfolding | None:
    """The timeline of a narrated session as its narrator speaks it; None without one."""
    if narrated.narrator is None:
        return None
    from player.prepare.unfolding import Unfolding

    return Unfolding(narrated.session, narrated.narrator, length)


def whole_timeline(
    narrated: Narrated, length: float | None, *, progress: bool
) -> tuple[Timeline, Timeline | None]:
    """The whole timeline, every narrated clip spoken first (with a progress bar when asked),
    and the plan that levels it (None without a narrator)."""
    from player.cli.progress import count_progress
    from player.prepare.unfolding import spoken_timeline

    if narrated.narrator is None:
        return spoken_timeline(narrated, length)
    engine = narrated.narrator.ready.engine.name
    lines = {s.clip.found for s in _narrations(narrated.session) if s.narrated and s.clip}
    missing = sum(1 for clip in lines if not clip.is_file())
    with count_progress(missing, f"Speaking with {engine}", enabled=progress) as advance:
        return spoken_timeline(narrated, length, advance)


def kept_lines(session: Session, narrator: Narrator) -> list[str]:
    """What the narrator leaves as it is, said once: steps without words, and the teacher's
    own recordings (unless she asked for them to be replaced)."""
    from player.prepare.narrator import kept_clips

    wordless, recorded = kept_clips(session)
    said = []
    if wordless:
        keeps = "it keeps its clip" if len(wordless) == 1 else "they keep their clips"
        said.append(
            f"{_count(wordless, 'narration step has', 'narration steps have')} no text to "
            f"speak, so {keeps} ({_lines(wordless)})"
        )
    if recorded:
        said.append(
            f"{_count(recorded, 'line is your own recording', 'lines are your own recordings')}, "
            f"kept ({_lines(recorded)}; --replace-recorded speaks them with the voice too)"
        )
    return said


def _count(steps: list[Narration], one: str, many: str) -> str:
    return f"1 {one}" if len(steps) == 1 else f"{len(steps)} {many}"


def _lines(steps: list[Narration]) -> str:
    numbers = ", ".join(str(step.where.line) for step in steps[:8])
    more = f" and {len(steps) - 8} more" if len(steps) > 8 else ""
    return f"line{'s' if len(steps) > 1 else ''} {numbers}{more}"


def _narrations(session: Session) -> Iterator[Narration]:
    from player.session.model import Narration, flatten

    return (step for step in flatten(session.steps) if isinstance(step, Narration))
