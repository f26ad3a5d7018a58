"""Commands that read sessions without playing them: list, show, check and schema."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from player.prepare.narrator import NarratorChoice

from player.cli.choices import narrator_options
from player.cli.exits import EXIT_USER_ERROR
from player.cli.params import DURATION, SESSION


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.option("--wide", is_flag=True, help="Every column in full, however wide the terminal.")
def list_command(as_json: bool, wide: bool) -> None:
    """List the sessions on the search path.

    Searched in order: folders in MEDITATE_PATH, your own sessions folder, then the
    bundled sessions; an earlier folder wins when two files share a name. The table
    fits the terminal, leaving out tags, chapters and ranges as it must; --wide and
    --json give everything.

    \b
    Example:
      meditate list
      meditate list --json
    """
    from player.cli.listing import hiding_notes, list_table, summarise
    from player.session.library import discover, search_folders

    summaries = summarise(discover())
    if as_json:
        click.echo(json.dumps([s.as_json() for s in summaries], indent=2))
        return
    if not summaries:
        folders = ", ".join(str(f.path) for f in search_folders())
        click.echo(f"No sessions found (searched {folders}).")
        return
    table, left_out = list_table(summaries, None if wide else terminal_width())
    click.echo(table)
    if left_out:
        click.echo(f"({', '.join(left_out).lower()} left out to fit: meditate list --wide)")
    for note in hiding_notes(summaries):
        click.echo(note)
    broken = [s.entry.name for s in summaries if not s.facts.valid]
    if broken:
        click.echo(f"\n{len(broken)} with errors; see: meditate check {' '.join(broken)}")


def terminal_width() -> int | None:
    """The width to fit: the terminal's, COLUMNS when set, or none when output is piped."""
    if not sys.stdout.isatty() and "COLUMNS" not in os.environ:
        return None
    return shutil.get_terminal_size().columns


@click.command()
@click.argument("session", type=SESSION)
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@click.option(
    "--plot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw the session to a PNG: loudness, what sounds when, chapters, beds.",
)
@click.option("--length", type=DURATION, help="Show it stretched or shrunk to this length.")
@narrator_options
def show(
    session: Path,
    as_json: bool,
    plot: Path | None,
    length: float | None,
    narrator: NarratorChoice | None,
) -> None:
    """Show a session's timeline: chapters, steps with start times and narration text.

    With --voice, the lengths are that voice's: of the lines it has spoken before, and
    estimated (~) for the others, which play or export speak.

    \b
    Example:
      meditate show grounding
      meditate show ./my-session.yaml --json
      meditate show heart-opening --plot heart-opening.png
      meditate show grounding --voice festival
    """
    from player.cli.narration import prepared
    from player.cli.report import show_text, timeline_json
    from player.prepare.unfolding import spoken_so_far
    from player.session.timeline import compile_timeline

    narrated = prepared(session, narrator, quiet=as_json)
    spoken = spoken_so_far(narrated.session)
    timeline = compile_timeline(narrated.session, length, spoken)
    if plot is not None:
        from player.output.plot import draw

        written = draw(timeline, plot)
        click.echo(f"Wrote {written} (the plot of {session.stem})", err=True)
    if as_json:
        click.echo(json.dumps(timeline_json(session.stem, timeline, narrated.credit), indent=2))
    else:
        click.echo(show_text(session.stem, timeline, narrated.credit))


@click.command()
@click.argument("sessions", nargs=-1, type=SESSION)
@narrator_options
def check(sessions: tuple[Path, ...], narrator: NarratorChoice | None) -> None:
    """Check sessions for errors; all visible sessions when none are named.

    Reads every script, finds every file it names and decodes every sound file in
    full, as play and export will (a file found sound is remembered, so checking
    again is quick). Reports every problem as FILE:LINE:COLUMN: message, and warns
    of narration still spoken from text. Exits 0 when all are valid, 2 otherwise.
    With --voice, it checks that the voice can speak each session instead.

    \b
    Example:
      meditate check
      meditate check grounding ./draft.yaml
      meditate check grounding --voice festival
    """
    from player.cli.report import display_path, draft_warning
    from player.prepare.checking import every_problem
    from player.session.library import discover
    from player.session.placeholders import placeholder_problems
    from player.session.problems import SessionError
    from player.session.timeline import compile_timeline
    from player.session.units import format_clock

    paths = sessions or tuple(entry.path for entry in discover())
    failed = 0
    for path in paths:
        try:
            session, found = every_problem(path, narrator=narrator)
        except SessionError as error:  # not YAML: nothing else can be found
            session, found = None, list(error.problems)
        for problem in found:
            click.echo(str(problem), err=True)
        if session is None or any(not problem.warning for problem in found):
            failed += 1
            continue
        timeline = compile_timeline(session)
        where = display_path(path)
        click.echo(f"ok  {path.stem}  ({format_clock(timeline.seconds)}, {where})")
        warning = None if narrator else draft_warning(timeline.session)
        if warning:
            click.echo(warning, err=True)
        for placeholder in placeholder_problems(path):
            click.echo(str(placeholder), err=True)
    noun = "session" if len(paths) == 1 else "sessions"
    if failed:
        click.echo(f"{failed} of {len(paths)} {noun} with errors.", err=True)
        sys.exit(EXIT_USER_ERROR)
    click.echo(f"{len(paths)} {noun} valid.")


@click.command()
def schema() -> None:
    """Print the JSON Schema of the session format, for editors.

    \b
    Example:
      meditate schema > ~/.config/meditate/session.schema.json
    """
    from player.session.schema import session_schema

    click.echo(json.dumps(session_schema(), indent=2))
