"""`meditate export`: one session to a file, or every session into a folder."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from player.cli.choices import SoundChoice, sound_options
from player.cli.exits import EXIT_INTERRUPTED, EXIT_USER_ERROR
from player.cli.params import BITRATE, SESSION, DecibelsParam
from player.common.errors import MeditateError

if TYPE_CHECKING:
    from player.sound.render import RenderOptions


@dataclass(frozen=True)
class _Writing:
    """How files are written, whichever sessions they hold."""

    options: RenderOptions
    bitrate: str
    force: bool
    progress: bool  # draw a progress bar
    quiet: bool


@click.command("export")
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
    from player.cli.signals import sigterm_as_keyboard_interrupt

    sigterm_as_keyboard_interrupt()
    writing = _Writing(
        sound.render_options(loudness=loudness),
        bitrate,
        force,
        progress=not quiet and sys.stderr.isatty(),
        quiet=quiet,
    )
    try:
        if export_all:
            if session is not None or output is not None:
                raise click.UsageError("--all exports every session: give --dir, not a name or -o")
            if sound.start_at:
                raise click.UsageError("--from applies to one session, not to --all")
            _export_all(directory or Path.cwd(), fmt, jobs, sound.length, writing)
            return
        if session is None:
            raise click.UsageError("name a session to export, or use --all")
        _export_one(session, output, sound, writing)
    except KeyboardInterrupt:
        click.echo("meditate: export interrupted; nothing was written", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _export_one(session: Path, output: Path | None, sound: SoundChoice, writing: _Writing) -> None:
    from player.cli.progress import frames_progress
    from player.output.export import export
    from player.prepare.session import load_prepared
    from player.session.timeline import compile_timeline, locate
    from player.session.units import format_clock

    timeline = compile_timeline(load_prepared(session), sound.length)
    start = locate(timeline, sound.start_at) if sound.start_at else 0
    target = output if output is not None else Path(f"{session.stem}.mp3")
    label = f"Exporting {session.stem}"
    with frames_progress(timeline.length - start, label, enabled=writing.progress) as advance:
        result = export(
            timeline, target, options=writing.options, bitrate=writing.bitrate,
            force=writing.force, start=start, progress=advance,
        )  # fmt: skip
    if not writing.quiet:
        click.echo(
            f"Wrote {result.path} ({format_clock(result.seconds)}, {result.chapters} chapters)"
        )


def _export_all(
    directory: Path, fmt: str, jobs: int | None, length: float | None, writing: _Writing
) -> None:
    import os

    from player.cli.progress import frames_progress
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.output import batch
    from player.session.library import discover

    if not directory.is_dir():
        raise MeditateError(f"folder {directory} does not exist: create it first")
    entries = [(entry.name, entry.path) for entry in discover()]
    items, problems = batch.plan(entries, directory, f".{fmt}", force=writing.force, length=length)
    for problem in problems:
        click.echo(problem, err=True)
    total = sum(item.frames for item in items)

    def finished(outcome: batch.BatchOutcome) -> None:
        if outcome.error:
            click.echo(f"meditate: {outcome.item.name}: {outcome.error}", err=True)
        elif not writing.quiet and not writing.progress:
            click.echo(f"Wrote {outcome.item.target}")

    label = f"Exporting {len(items)} sessions"
    with frames_progress(total, label, enabled=writing.progress) as advance:
        outcomes = batch.run(
            items, jobs=jobs or os.cpu_count() or 1, options=writing.options,
            bitrate=writing.bitrate, force=writing.force, progress=advance, finished=finished,
            length=length, worker_setup=sigterm_as_keyboard_interrupt,
        )  # fmt: skip
    failed = [o for o in outcomes if o.error]
    if not writing.quiet:
        written = len(outcomes) - len(failed)
        click.echo(f"Exported {written} of {len(entries)} sessions to {directory}")
    if failed or problems:
        sys.exit(EXIT_USER_ERROR)
