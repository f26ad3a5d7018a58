"""What `play` and `timer` share: a live session played at the terminal, then logged."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import click

from player.common.errors import MeditateError

if TYPE_CHECKING:
    from player.live.session import LiveSession, Outcome


def play_and_log(
    live: LiveSession,
    *,
    started: str,
    elsewhere: str,
    no_log: bool,
    start: int = 0,
) -> tuple[Outcome, str]:
    """Play `live` from frame `start` and log the sitting unless `no_log`. `started` is printed
    once the device plays when stdout is not a terminal (nothing is said before a device
    error); without a device, the error says `elsewhere`: how to listen anyway.

    Returns how it ended, and a note for the line saying so: why it was not logged, when it
    was too short to count, else nothing."""
    from player.common.paths import history_path
    from player.live.devices import NoAudioDevice
    from player.live.terminal import stdin_fd

    out = click.get_text_stream("stdout")

    def say_started() -> None:
        if not out.isatty():
            click.echo(started)

    size = shutil.get_terminal_size((80, 24))
    try:
        outcome = live.play(
            out=out,
            keys_fd=stdin_fd(),
            start=start,
            width=min(size.columns, 100),
            rows=size.lines,
            started=say_started,
        )
    except NoAudioDevice as error:
        raise NoAudioDevice(
            f"{error}; {elsewhere} (or play in silence, to try it: MEDITATE_DEVICE=silent)"
        ) from None
    if no_log:
        return outcome, ""
    try:
        logged = live.log(outcome, history_path())
    except MeditateError as error:
        click.echo(f"meditate: not logged: {error}", err=True)
        return outcome, ""
    return outcome, "" if logged else " (not logged: under a minute)"
