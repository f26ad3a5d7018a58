"""The `meditate` command line: parses options, calls the library, prints."""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from player import __version__
from player.cli.params import BITRATE, DURATION, SESSION, DecibelsParam
from player.common.errors import MeditateError

EXIT_USER_ERROR = 2


class MeditateGroup(click.Group):
    """Prints a user's error as plain lines, without a traceback, and exits 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            name = error.ctx.command_path if error.ctx else "meditate"
            click.echo(f"{name}: {error.format_message()} (see '{name} --help')", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except MeditateError as error:
            from player.session.loader import SessionError

            for line in str(error).splitlines():
                click.echo(
                    line if isinstance(error, SessionError) else f"meditate: {line}", err=True
                )
            ctx.exit(EXIT_USER_ERROR)


@click.group(cls=MeditateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message="meditate %(version)s (session format 1)")
def main() -> None:
    """Guided audio meditation: list, show, check, play and export sessions.

    A session is a YAML script of narration, silence, bells and ambient sound.
    Name one by its file stem (see `meditate list`) or give a path to a YAML file.

    \b
    Example:
      meditate list
      meditate show grounding
    """


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
def list_command(as_json: bool) -> None:
    """List the sessions on the search path.

    Searched in order: folders in MEDITATE_PATH, your own sessions folder, then the
    bundled sessions; an earlier folder wins when two files share a name.

    \b
    Example:
      meditate list
      meditate list --json
    """
    from player.cli.report import list_table, summarise
    from player.prepare.probe import save_cache
    from player.session.library import discover, search_folders

    summaries = summarise(discover())
    save_cache()
    if as_json:
        click.echo(json.dumps([s.as_json() for s in summaries], indent=2))
        return
    if not summaries:
        folders = ", ".join(str(f.path) for f in search_folders())
        click.echo(f"No sessions found (searched {folders}).")
        return
    click.echo(list_table(summaries))
    broken = [s.entry.name for s in summaries if s.timeline is None]
    if broken:
        click.echo(f"\n{len(broken)} with errors; see: meditate check {' '.join(broken)}")


@main.command()
@click.argument("session", type=SESSION)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@click.option(
    "--plot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw the session to a PNG: loudness, what sounds when, chapters, beds.",
)
@click.option("--length", type=DURATION, help="Show it stretched or shrunk to this length.")
def show(session: Path, as_json: bool, plot: Path | None, length: float | None) -> None:
    """Show a session's timeline: chapters, steps with start times and narration text.

    \b
    Example:
      meditate show grounding
      meditate show ./my-session.yaml --json
      meditate show heart-opening --plot heart-opening.png
    """
    from player.cli.report import show_text, timeline_json
    from player.prepare.probe import save_cache
    from player.session.loader import load_session
    from player.session.timeline import compile_timeline

    timeline = compile_timeline(load_session(session), length)
    save_cache()
    if plot is not None:
        from player.output.plot import draw
        from player.sound.render import Renderer

        if plot.exists():
            raise MeditateError(f"{plot} exists: choose another name or remove it")
        draw(timeline, Renderer(timeline), plot)
    if as_json:
        click.echo(json.dumps(timeline_json(session.stem, timeline), indent=2))
    else:
        click.echo(show_text(session.stem, timeline))


@main.command()
@click.argument("sessions", nargs=-1, type=SESSION)
def check(sessions: tuple[Path, ...]) -> None:
    """Check sessions for errors; all visible sessions when none are named.

    Reports every problem as FILE:LINE:COLUMN: message. Exits 0 when all are
    valid, 2 otherwise.

    \b
    Example:
      meditate check
      meditate check grounding ./draft.yaml
    """
    from player.cli.report import display_path, draft_warnings
    from player.prepare.probe import save_cache
    from player.session.library import discover
    from player.session.loader import SessionError, load_session
    from player.session.timeline import compile_timeline
    from player.session.units import format_clock

    paths = sessions or tuple(entry.path for entry in discover())
    failed = 0
    for path in paths:
        try:
            timeline = compile_timeline(load_session(path))
        except SessionError as error:
            failed += 1
            for problem in error.problems:
                click.echo(str(problem), err=True)
        else:
            where = display_path(path)
            click.echo(f"ok  {path.stem}  ({format_clock(timeline.seconds)}, {where})")
            for warning in draft_warnings(timeline.session):
                click.echo(warning, err=True)
    save_cache()
    noun = "session" if len(paths) == 1 else "sessions"
    if failed:
        click.echo(f"{failed} of {len(paths)} {noun} with errors.", err=True)
        sys.exit(EXIT_USER_ERROR)
    click.echo(f"{len(paths)} {noun} valid.")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the session format, for editors.

    \b
    Example:
      meditate schema > ~/.config/meditate/session.schema.json
    """
    from player.session.schema import session_schema

    click.echo(json.dumps(session_schema(), indent=2))


DEFAULT_SESSION = "grounding"


def _default_session() -> Path:
    import os

    from player.session.library import resolve

    return resolve(os.environ.get("MEDITATE_DEFAULT") or DEFAULT_SESSION)


@dataclass(frozen=True)
class SoundChoice:
    """What the listener chose to hear: the options play and export share."""

    start_at: str | None
    no_ambient: bool
    ambient_volume: float
    no_bells: bool
    length: float | None

    def render_options(self, **extra: Any) -> Any:
        from player.sound.render import RenderOptions

        return RenderOptions(
            ambient=not self.no_ambient,
            ambient_offset_db=self.ambient_volume,
            bells=not self.no_bells,
            **extra,
        )


def sound_options(command: Any) -> Any:
    """The options that change what is heard, shared by play and export."""
    options = [
        click.option(
            "--from",
            "start_at",
            metavar="CHAPTER|TIME",
            help="Start part-way: a chapter title (or its start) or a time such as 4m30s.",
        ),
        click.option("--no-ambient", is_flag=True, help="Leave out the ambient beds."),
        click.option(
            "--ambient-volume",
            type=DecibelsParam(-40, 20),
            default=0.0,
            metavar="DB",
            help="Raise or lower every ambient bed by this many dB.",
        ),
        click.option("--no-bells", is_flag=True, help="Leave out the bells (silence instead)."),
        click.option(
            "--length",
            type=DURATION,
            help="Make the session last this long (e.g. 10m) by stretching its flexible silences.",
        ),
    ]

    @functools.wraps(command)
    def with_choice(
        *args: Any,
        start_at: str | None,
        no_ambient: bool,
        ambient_volume: float,
        no_bells: bool,
        length: float | None,
        **kwargs: Any,
    ) -> Any:
        choice = SoundChoice(start_at, no_ambient, ambient_volume, no_bells, length)
        return command(*args, sound=choice, **kwargs)

    for option in reversed(options):
        with_choice = option(with_choice)
    return with_choice


@main.command("export")
@click.argument("session", type=SESSION, required=False)
@sound_options
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write; .mp3, .wav, .flac or .ogg sets the format. Default: NAME.mp3 here.",
)
@click.option("--all", "export_all", is_flag=True, help="Export every visible session into --dir.")
@click.option(
    "-d",
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for --all (default: here).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mp3", "ogg", "flac", "wav"]),
    default="mp3",
    show_default=True,
    help="Format for --all.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="Sessions exported at once with --all (default: the number of cores).",
)
@click.option(
    "--bitrate", type=BITRATE, default="128k", show_default=True, help="Bit rate of MP3 and OGG."
)
@click.option(
    "--loudness",
    type=DecibelsParam(-40, -5),
    default=-16.0,
    show_default=True,
    metavar="LUFS",
    help="Integrated loudness target.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
def export_command(
    session: Path | None,
    sound: SoundChoice,
    output: Path | None,
    export_all: bool,
    directory: Path | None,
    fmt: str,
    jobs: int | None,
    bitrate: str,
    loudness: float,
    force: bool,
    quiet: bool,
) -> None:
    """Export a session to a finished audio file with tags and chapters.

    The file appears only when it is complete; an existing file is never
    replaced without --force. Progress shows on a terminal.

    \b
    Example:
      meditate export three-breaths
      meditate export grounding -o grounding.flac
      meditate export --all -d ~/Music/meditations -j 2
    """
    from player.common.files import install_sigterm_as_keyboardinterrupt

    install_sigterm_as_keyboardinterrupt()
    options = sound.render_options(loudness=loudness)
    show_progress = not quiet and sys.stderr.isatty()
    try:
        if export_all:
            if session is not None or output is not None:
                raise click.UsageError("--all exports every session: give --dir, not a name or -o")
            if sound.start_at:
                raise click.UsageError("--from applies to one session, not to --all")
            _export_all(
                directory or Path.cwd(), fmt, jobs, bitrate, options, force, show_progress, quiet,
                sound.length,
            )  # fmt: skip
            return
        if session is None:
            raise click.UsageError("name a session to export, or use --all")
        _export_one(
            session,
            output,
            sound.start_at,
            sound.length,
            bitrate,
            options,
            force,
            show_progress,
            quiet,
        )
    except KeyboardInterrupt:
        click.echo("meditate: export interrupted; nothing was written", err=True)
        sys.exit(130)


def _export_one(
    session: Path,
    output: Path | None,
    start_at: str | None,
    length: float | None,
    bitrate: str,
    options: Any,
    force: bool,
    show_progress: bool,
    quiet: bool,
) -> None:
    from player.cli.progress import frames_progress
    from player.output.export import export
    from player.session.loader import load_session
    from player.session.timeline import compile_timeline, locate
    from player.session.units import format_clock

    timeline = compile_timeline(load_session(session), length)
    start = locate(timeline, start_at) if start_at else 0
    target = output if output is not None else Path(f"{session.stem}.mp3")
    label = f"Exporting {session.stem}"
    with frames_progress(timeline.length - start, label, enabled=show_progress) as advance:
        result = export(
            timeline, target, options=options, bitrate=bitrate, force=force, start=start,
            progress=advance,
        )  # fmt: skip
    if not quiet:
        click.echo(
            f"Wrote {result.path} ({format_clock(result.seconds)}, {result.chapters} chapters)"
        )


def _export_all(
    directory: Path,
    fmt: str,
    jobs: int | None,
    bitrate: str,
    options: Any,
    force: bool,
    show_progress: bool,
    quiet: bool,
    length: float | None,
) -> None:
    import os

    from player.cli.progress import frames_progress
    from player.output import batch
    from player.session.library import discover

    if not directory.is_dir():
        raise MeditateError(f"folder {directory} does not exist: create it first")
    entries = [(entry.name, entry.path) for entry in discover()]
    items, problems = batch.plan(entries, directory, f".{fmt}", force=force, length=length)
    for problem in problems:
        click.echo(problem, err=True)
    workers = jobs or os.cpu_count() or 1
    total = sum(item.frames for item in items)

    def finished(outcome: batch.BatchOutcome) -> None:
        if outcome.error:
            click.echo(f"meditate: {outcome.item.name}: {outcome.error}", err=True)
        elif not quiet and not show_progress:
            click.echo(f"Wrote {outcome.item.target}")

    label = f"Exporting {len(items)} sessions"
    with frames_progress(total, label, enabled=show_progress) as advance:
        outcomes = batch.run(
            items, jobs=workers, options=options, bitrate=bitrate, force=force,
            progress=advance, finished=finished, length=length,
        )  # fmt: skip
    failed = [o for o in outcomes if o.error]
    if not quiet:
        written = len(outcomes) - len(failed)
        click.echo(f"Exported {written} of {len(entries)} sessions to {directory}")
    if failed or problems:
        sys.exit(EXIT_USER_ERROR)


if __name__ == "__main__":
    main()


@main.command()
@click.argument("session", type=SESSION, required=False)
@sound_options
@click.option("--no-log", is_flag=True, help="Do not record this sitting in the practice log.")
def play(session: Path | None, sound: SoundChoice, no_log: bool) -> None:
    """Play a session now: the default (grounding) when none is named.

    On a terminal it shows the chapter, the words being spoken and the time,
    and takes keys: space pauses, n or right arrow skips to the next chapter,
    p or left arrow goes back, q quits. Ctrl-C stops and says how to resume.

    \b
    Example:
      meditate play
      meditate play heart-opening --from "Softening the walls"
      meditate play grounding --from 4m --no-bells
    """
    from player.common.files import install_sigterm_as_keyboardinterrupt
    from player.live.listen import listen
    from player.live.player import NoAudioDevice, PcmBuffer, Player, default_device, preroll_frames
    from player.live.terminal import stdin_fd
    from player.session.loader import load_session
    from player.session.timeline import compile_timeline, locate
    from player.session.units import format_clock
    from player.sound.render import Renderer

    path = session or _default_session()
    timeline = compile_timeline(load_session(path), sound.length)
    start = locate(timeline, sound.start_at) if sound.start_at else 0
    options = sound.render_options()
    buffer = PcmBuffer(Renderer(timeline, options))
    player = Player(timeline, buffer, default_device(), preroll=preroll_frames(timeline.length))
    install_sigterm_as_keyboardinterrupt()
    out = click.get_text_stream("stdout")
    if not out.isatty():
        click.echo(f"Playing {timeline.session.title} ({format_clock(timeline.seconds)})")
    import shutil

    width = min(shutil.get_terminal_size((80, 24)).columns, 100)
    from player.common.clock import now

    began = now()
    try:
        outcome = listen(player, out=out, keys_fd=stdin_fd(), start=start, width=width)
    except NoAudioDevice as error:
        raise NoAudioDevice(
            f"{error}; to listen elsewhere, export it: meditate export {path.stem}"
        ) from None
    finally:
        buffer.close()
    if not no_log:
        _log_sitting(path.stem, timeline.session.title, began, outcome)
    if outcome.completed:
        click.echo(
            f"Finished {timeline.session.title}. {format_clock(outcome.seconds)} of practice."
        )
        return
    at = format_clock(outcome.position / 44100)
    from player.live.screen import chapter_title

    chapter = chapter_title(timeline, outcome.position)
    click.echo(f"Stopped in '{chapter}' at {at}. To go on: meditate play {path.stem} --from {at}")
    if outcome.interrupted:
        sys.exit(130)


def _log_sitting(name: str, title: str, began: Any, outcome: Any) -> None:
    from player.common.paths import history_path
    from player.practice.history import Sitting, record, worth_logging

    if worth_logging(outcome.seconds, outcome.completed):
        try:
            record(history_path(), Sitting(began, name, title, outcome.seconds, outcome.completed))
        except MeditateError as error:
            click.echo(f"meditate: not logged: {error}", err=True)


@main.command()
def demo() -> None:
    """Play the default session; without a sound card, export it to an MP3 here instead.

    \b
    Example:
      meditate demo
    """
    from player.live.player import NoAudioDevice

    context = click.get_current_context()
    try:
        context.invoke(play)
    except NoAudioDevice as error:
        path = _default_session()
        target = Path(f"{path.stem}.mp3")
        click.echo(f"meditate: {error}", err=True)
        if target.exists():
            click.echo(f"{target.resolve()} is already here: play it with any audio player.")
            return
        click.echo(f"Exporting {path.stem} to {target} instead, so you have something to hear.")
        context.invoke(export_command, session=path, output=target)
        click.echo(f"Listen to it: {target.resolve()}")


@main.command()
@click.argument("name")
def new(name: str) -> None:
    """Start a new session of your own from a commented template.

    It is written to your sessions folder and plays at once: its narration is
    text, spoken by espeak-ng until you record your own. An existing file is
    never replaced.

    \b
    Example:
      meditate new evening-calm
      meditate play evening-calm
    """
    from player.common.paths import user_sessions_dir
    from player.session.starter import create_session

    path = create_session(name, user_sessions_dir())
    click.echo(str(path))
    click.echo(f"Listen: meditate play {name}    Edit: {path}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the log and totals as JSON.")
@click.option(
    "-n",
    "--recent",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many recent sittings to show.",
)
def history(as_json: bool, recent: int) -> None:
    """Show your practice: recent sittings, total minutes and streaks of days.

    Every play that reaches its end, or that you stop after at least a minute,
    is logged (unless you play with --no-log).

    \b
    Example:
      meditate history
      meditate history --json
    """
    from player.common.clock import now
    from player.common.paths import history_path
    from player.practice.history import read, summarise
    from player.session.units import format_clock

    practice = summarise(read(history_path()), now().date(), recent)
    if as_json:
        data = {
            "sittings": practice.sittings,
            "minutes": round(practice.minutes, 1),
            "current_streak": practice.current_streak,
            "longest_streak": practice.longest_streak,
            "recent": [
                {
                    "started": s.started.isoformat(timespec="seconds"),
                    "session": s.session,
                    "title": s.title,
                    "minutes": round(s.seconds / 60, 1),
                    "completed": s.completed,
                }
                for s in practice.recent
            ],
        }
        click.echo(json.dumps(data, indent=2))
        return
    if not practice.sittings:
        click.echo("No sittings yet. Begin with: meditate play")
        return
    click.echo("Recent sittings:")
    for s in practice.recent:
        state = "completed" if s.completed else "stopped"
        when = s.started.strftime("%Y-%m-%d %H:%M")
        click.echo(f"  {when}  {s.title[:40]:40}  {format_clock(s.seconds):>7}  {state}")
    days = "day" if practice.current_streak == 1 else "days"
    click.echo(
        f"Total: {practice.minutes:.0f} minutes in {practice.sittings} sittings. "
        f"Streak: {practice.current_streak} {days} (longest {practice.longest_streak})."
    )
