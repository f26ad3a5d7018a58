"""`meditate play` and `meditate demo`: listening now."""

from __future__ import annotations

import math
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from player.cli.choices import SoundChoice, narrator_options, sound_options
from player.cli.exits import EXIT_INTERRUPTED
from player.cli.params import SESSION
from player.common.audio_format import frames_to_seconds
from player.common.errors import MeditateError
from player.session.units import format_clock

if TYPE_CHECKING:
    from player.live.session import Outcome
    from player.prepare.narrator import NarratorChoice
    from player.session.timeline import Timeline

DEFAULT_SESSION = "grounding"


def default_session() -> Path:
    """The session `play` and `demo` use when none is named: MEDITATE_DEFAULT or grounding."""
    from player.session.library import resolve

    chosen = os.environ.get("MEDITATE_DEFAULT", "").strip()
    if not chosen:
        return resolve(DEFAULT_SESSION)
    try:
        return resolve(chosen)
    except MeditateError as error:
        raise MeditateError(f"MEDITATE_DEFAULT={chosen}: {error}") from None


@click.command()
@click.argument("session", type=SESSION, required=False)
@sound_options
@narrator_options
@click.option("--no-log", is_flag=True, help="Do not record this sitting in the practice log.")
def play(
    session: Path | None, sound: SoundChoice, narrator: NarratorChoice | None, no_log: bool
) -> None:
    """Play a session now: the default (grounding) when none is named.

    On a terminal it shows the chapter, the words being spoken and the time,
    and takes keys: space pauses, n or right arrow skips to the next chapter,
    p or left arrow goes back, q quits. Ctrl-C stops and says how to resume.

    Without a sound card, `meditate export` makes a file to play anywhere, and
    MEDITATE_DEVICE=silent plays in silence, in real time, to try the display.

    --voice speaks the narration with another voice: it starts at once, the voice
    speaking ahead while the session plays (and kept, so the next time is instant);
    lines you recorded yourself stay yours unless --replace-recorded.

    \b
    Example:
      meditate play
      meditate play heart-opening --from "Softening the walls"
      meditate play grounding --from 4m --no-bells
      meditate play grounding --voice festival
    """
    from player.session.loader import load_session
    from player.session.model import Bell, flatten
    from player.sound.bells import synthesise_ahead

    path = session or default_session()
    loaded = load_session(path)
    if not sound.no_bells:  # made while the rest loads and the session's files are looked at
        steps = flatten(loaded.steps)
        synthesise_ahead(step.name or "" for step in steps if isinstance(step, Bell))

    from player.cli.live import play_and_log
    from player.cli.narration import prepared, unfolding
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.common.cache import save_all
    from player.live.session import LiveSession
    from player.session.timeline import compile_timeline, locate

    sigterm_as_keyboard_interrupt()
    narrated = prepared(path, narrator)
    unfolded = unfolding(narrated, sound.length)
    try:
        if unfolded is None:
            timeline = compile_timeline(narrated.session, sound.length)
            start = locate(timeline, sound.start_at) if sound.start_at else 0
        else:  # placed as the narrator speaks, which starts now only if --from needs it
            start = 0
            if sound.start_at:
                unfolded.start()
                said = f"Speaking what comes before {sound.start_at} first ({narrator})"
                start = unfolded.locate(sound.start_at, lambda: click.echo(said, err=True))
            timeline = unfolded.timeline
    except BaseException:
        if unfolded is not None:
            unfolded.close()
        raise
    save_all()  # what preparing learned, kept even if this sitting is ended by a kill
    live = LiveSession(timeline, sound.render_options(), unfolding=unfolded)
    title = timeline.session.title
    outcome, not_logged = play_and_log(
        live,
        started=f"Playing {title} ({format_clock(timeline.seconds)})",
        elsewhere=f"to listen elsewhere, export it: "
        f"{shlex.join(['meditate', 'export', session_argument(path)])}",
        no_log=no_log,
        start=start,
    )
    listening = outcome.listening
    timeline = live.timeline
    heard = format_clock(listening.seconds)
    if live.waits:
        waited = sum(wait.seconds or 0.0 for wait in live.waits)
        times = "once" if len(live.waits) == 1 else f"{len(live.waits)} times"
        where = ", ".join(format_clock(frames_to_seconds(w.frame)) for w in live.waits[:5])
        click.echo(
            f"Waited for the voice {times} (at {where}), {waited:.1f} s in all: it spoke more "
            "slowly than the session played (the next time, its clips are ready)."
        )
    if listening.completed:
        click.echo(f"Finished {title}. {heard} of practice{not_logged}.")
        return
    if listening.reached_end:
        click.echo(f"Reached the end of {title}, skipping much of it: {heard} heard{not_logged}.")
        return
    voice = ["--voice", str(narrator)] if narrator else []
    voice += ["--replace-recorded"] if narrator and narrator.replace_recorded else []
    click.echo(stopped_line(timeline, outcome, session_argument(path), not_logged, voice))
    if listening.interrupted:
        sys.exit(EXIT_INTERRUPTED)


def stopped_line(
    timeline: Timeline, outcome: Outcome, argument: str, not_logged: str, options: list[str]
) -> str:
    """Where a sitting stopped, and the command (with `options`) that goes on from there: from
    the time shown, or, when words were being spoken, from their start (said so, never
    mid-word)."""
    from player.session.timeline import resume_frame

    position = outcome.listening.position
    at = format_clock(math.floor(frames_to_seconds(position)))  # as the display's clock shows
    resume = resume_frame(timeline, position)
    go_on = format_clock(math.floor(frames_to_seconds(resume)))
    where = f"in '{outcome.chapter}' at {at}" if outcome.chapter else f"at {at}"
    again = shlex.join(["meditate", "play", argument, "--from", go_on, *options])
    how = "To go on" if resume == position else "To go on from the start of those words"
    return f"Stopped {where}{not_logged}. {how}: {again}"


def session_argument(path: Path) -> str:
    """How to name `path` on the command line again: its name when that finds it, else the
    path (relative to here when inside it)."""
    from player.cli.report import display_path
    from player.common.errors import MeditateError
    from player.session.library import resolve

    try:
        if resolve(path.stem).resolve() == path.resolve():
            return path.stem
    except MeditateError:
        pass
    return display_path(path)


@click.command()
def demo() -> None:
    """Play the default session; without a sound card, export it to an MP3 here instead.

    \b
    Example:
      meditate demo
    """
    from player.cli.export import export_command
    from player.live.devices import NoAudioDevice

    context = click.get_current_context()
    try:
        context.invoke(play)
    except NoAudioDevice as error:
        path = default_session()
        target = Path(f"{path.stem}.mp3")
        click.echo(f"meditate: {error}", err=True)
        if target.exists():
            click.echo(f"{target.resolve()} is already here: play it with any audio player.")
            return
        click.echo(f"Exporting {path.stem} to {target} instead, so you have something to hear.")
        context.invoke(export_command, session=path, output=str(target))
        click.echo(f"Listen to it: {target.resolve()}")
