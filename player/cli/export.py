"""`meditate export`: one session to a file, or every session into a folder."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from player.cli.choices import SoundChoice, narrator_options, sound_options
from player.cli.exits import EXIT_INTERRUPTED, EXIT_USER_ERROR
from player.cli.params import BITRATE, SESSION, DecibelsParam
from player.common.errors import MeditateError

if TYPE_CHECKING:
    from player.output.export import FileSettings
    from player.prepare.narrator import NarratorChoice
    from player.sound.render import RenderOptions


FORMATS = ("mp3", "ogg", "flac", "wav")  # as player.output.encoder writes them (a test checks)
CAPTION_FORMATS = ("vtt", "srt", "lrc")  # as player.output.captions writes them


@dataclass(frozen=True)
class _Writing:
    """How files are written, whichever sessions they hold."""

    options: RenderOptions
    settings: FileSettings
    force: bool
    progress: bool  # draw a progress bar
    quiet: bool
    captions: str | None  # vtt, srt or lrc: a captions file beside each export
    narrator: NarratorChoice | None = None  # --voice: who speaks the narration


@click.command("export")
@click.argument("session", type=SESSION, required=False)
@sound_options
@narrator_options
@click.option(
    "-o",
    "--output",
    type=click.Path(),  # as written: a trailing slash says it is a folder
    help="File or folder (out/) to write to; a suffix (.mp3, .ogg, .flac, .wav) sets the "
    "format. Default: NAME.mp3 here.",
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
    type=click.Choice(FORMATS),
    help="mp3 (the default), ogg, flac or wav, when no file name says it.",
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
@click.option(
    "--id3",
    type=click.Choice(["2.3", "2.4"]),
    default="2.3",
    show_default=True,
    help="ID3 version of MP3 and WAV tags: 2.3 is read everywhere, 2.4 by newer software only "
    "(tags holding emoji are 2.4: v2.3 readers show them as garbage).",
)
@click.option(
    "--captions",
    type=click.Choice(CAPTION_FORMATS),
    help="Also write the narration's captions beside the file: WebVTT, SubRip or LRC.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
def export_command(
    session: Path | None,
    sound: SoundChoice,
    narrator: NarratorChoice | None,
    output: str | None,
    export_all: bool,
    directory: Path | None,
    fmt: str | None,
    jobs: int | None,
    bitrate: str,
    loudness: float,
    id3: str,
    captions: str | None,
    force: bool,
    quiet: bool,
) -> None:
    """Export a session to a finished audio file with tags and chapters.

    The file appears only when it is complete; an existing file is never
    replaced without --force. Progress shows on a terminal.

    --voice speaks the narration with another voice first (kept, so the next
    time is instant); the file is what play --voice plays, sample for sample,
    and its tags name the narrator. Lines you recorded yourself stay yours
    unless --replace-recorded.

    \b
    Example:
      meditate export three-breaths
      meditate export grounding -o grounding.flac
      meditate export grounding --captions vtt
      meditate export grounding --voice festival -o grounding-slt.mp3
      meditate export --all -d ~/Music/meditations -j 2
    """
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.output.export import FileSettings

    sigterm_as_keyboard_interrupt()
    writing = _Writing(
        sound.render_options(loudness=loudness),
        FileSettings(bitrate=bitrate, id3_version=int(id3[-1])),
        force,
        progress=not quiet and sys.stderr.isatty(),
        quiet=quiet,
        captions=captions,
        narrator=narrator,
    )
    try:
        if export_all:
            if session is not None or output is not None:
                raise click.UsageError("--all exports every session: give --dir, not a name or -o")
            if sound.start_at:
                raise click.UsageError("--from applies to one session, not to --all")
            _export_all(directory or Path.cwd(), fmt or "mp3", jobs, sound.length, writing)
            return
        if session is None:
            raise click.UsageError("name a session to export, or use --all")
        _export_one(session, export_target(session.stem, output, fmt), sound, writing)
    except KeyboardInterrupt:
        click.echo("meditate: export interrupted; nothing was written", err=True)
        sys.exit(EXIT_INTERRUPTED)


def export_target(name: str, written: str | None, fmt: str | None) -> Path:
    """The file to write for session `name`: -o as a file or a folder, in --format. A folder
    is one that exists, or one written with a trailing slash, which must exist."""
    if written is None:
        return Path(f"{name}.{fmt or 'mp3'}")
    output = Path(written)
    if output.is_dir():
        return output / f"{name}.{fmt or 'mp3'}"
    if written.endswith(("/", os.sep)):
        from player.common.files import missing_folder

        if output.exists():
            raise MeditateError(f"-o {written}: {output} is a file, not a folder")
        raise MeditateError(missing_folder(output))
    suffix = output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        if fmt is not None and fmt != suffix:
            raise click.UsageError(f"-o {output} is {suffix} but --format says {fmt}: pick one")
        return output
    if not suffix or output.suffix == output.name:
        return output.with_name(f"{output.name}.{fmt or 'mp3'}")
    return output  # an unknown suffix: export names the formats it writes


def _export_one(session: Path, target: Path, sound: SoundChoice, writing: _Writing) -> None:
    from player.cli.narration import prepared, whole_timeline
    from player.cli.progress import frames_progress
    from player.common.files import OutputExists
    from player.output.export import export, write_captions
    from player.session.timeline import locate
    from player.session.units import format_clock

    sidecar = target.with_suffix(f".{writing.captions}") if writing.captions else None
    if sidecar is not None and sidecar.exists() and not writing.force:
        raise OutputExists(sidecar)
    if target.exists() and not writing.force:
        raise OutputExists(target)  # before any speaking
    narrated = prepared(session, writing.narrator, quiet=writing.quiet)
    timeline, plan = whole_timeline(narrated, sound.length, progress=writing.progress)
    start = locate(timeline, sound.start_at) if sound.start_at else 0
    label = f"Exporting {session.stem}"
    with frames_progress(timeline.length - start, label, enabled=writing.progress) as advance:
        result = export(
            timeline, target, options=writing.options, settings=writing.settings,
            force=writing.force, start=start, progress=advance, plan=plan,
            narrator=narrated.credit,
        )  # fmt: skip
    if sidecar is not None:
        assert writing.captions is not None
        write_captions(timeline, sidecar, writing.captions, start=start, force=writing.force)
    loudness = f", {result.loudness:.1f} LUFS" if result.loudness is not None else ""
    if not writing.quiet:
        click.echo(
            f"Wrote {result.path} ({format_clock(result.seconds)}, {result.chapters} chapters"
            f"{loudness})"
        )
        if sidecar is not None:
            click.echo(f"Wrote {sidecar} (captions)")
    if result.note:
        click.echo(f"meditate: {result.note}", err=True)
    if result.off_target and start == 0 and result.loudness is not None:
        click.echo(
            f"meditate: --loudness {result.target:g} is louder than this session can go: it "
            f"reached {result.loudness:.1f} LUFS with its peaks at the ceiling "
            f"(ask for {math.floor(result.loudness)} or softer)",
            err=True,
        )


def _export_all(
    directory: Path, fmt: str, jobs: int | None, length: float | None, writing: _Writing
) -> None:
    import os

    from player.cli.progress import frames_progress
    from player.cli.signals import stop_worker_once
    from player.output import batch
    from player.output.export import LOUDNESS_TOLERANCE
    from player.session.library import discover

    if not directory.is_dir():
        from player.common.files import missing_folder

        raise MeditateError(missing_folder(directory))
    entries = [(entry.name, entry.path) for entry in discover()]
    items, problems = batch.plan(
        entries, directory, f".{fmt}", force=writing.force, length=length,
        captions=writing.captions, narrator=writing.narrator,
    )  # fmt: skip
    for problem in problems:
        click.echo(problem, err=True)
    total = sum(item.frames for item in items)

    def finished(outcome: batch.BatchOutcome) -> None:
        if outcome.error:
            click.echo(f"meditate: {outcome.item.name}: {outcome.error}", err=True)
            return
        reached = outcome.loudness
        if reached is not None and abs(reached - writing.options.loudness) > LOUDNESS_TOLERANCE:
            click.echo(
                f"meditate: {outcome.item.name}: reached {reached:.1f} LUFS, not "
                f"{writing.options.loudness:g}: its peaks are at the ceiling",
                err=True,
            )
        if not writing.quiet and not writing.progress:
            loudness = f" ({reached:.1f} LUFS)" if reached is not None else ""
            click.echo(f"Wrote {outcome.item.target}{loudness}")

    label = f"Exporting {len(items)} sessions"
    with frames_progress(total, label, enabled=writing.progress) as advance:
        outcomes = batch.run(
            items, jobs=jobs or os.cpu_count() or 1, options=writing.options,
            settings=writing.settings, force=writing.force, progress=advance, finished=finished,
            length=length, worker_setup=stop_worker_once, captions=writing.captions,
            narrator=writing.narrator,
        )  # fmt: skip
    failed = [o for o in outcomes if o.error]
    if not writing.quiet:
        written = len(outcomes) - len(failed)
        click.echo(f"Exported {written} of {len(entries)} sessions to {directory}")
    if failed or problems:
        sys.exit(EXIT_USER_ERROR)
