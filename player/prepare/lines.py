"""Where each line of a script gets its sound today: your clip, a bundled one, or a draft."""

from __future__ import annotations

from collections.abc import Iterable

from player.prepare.lookup import NotFound, find_file, is_bundled, search_dirs
from player.session.model import FileRef, Session
from player.session.recording import Line, Status


def line_statuses(session: Session, lines: Iterable[Line]) -> dict[int, Status]:
    """Each line's status by its number: recorded (a clip of yours), bundled, draft or not
    found. Clips resolve as everywhere: beside the script first, then the bundled audio."""
    dirs = search_dirs(session.path)
    statuses: dict[int, Status] = {}
    for line in lines:
        if line.clip is None:
            statuses[line.number] = Status.DRAFT
            continue
        try:
            found = find_file(FileRef(line.clip, line.where), dirs, "narration clip")
        except NotFound:
            statuses[line.number] = Status.MISSING
            continue
        statuses[line.number] = Status.BUNDLED if is_bundled(found) else Status.RECORDED
    return statuses
