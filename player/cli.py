"""The `meditate` command line: parses options, calls the library, prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from . import __version__
from .errors import MeditateError

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
            from .loader import SessionError

            for line in str(error).splitlines():
                click.echo(
                    line if isinstance(error, SessionError) else f"meditate: {line}", err=True
                )
            ctx.exit(EXIT_USER_ERROR)


class SessionParam(click.ParamType):
    """A session name from the search path, or a path to a YAML file."""

    name = "session"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        from .library import resolve

        try:
            return resolve(str(value))
        except MeditateError as error:
            self.fail(str(error), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from .library import discover

        if "/" in incomplete or incomplete.startswith("."):
            return [CompletionItem(incomplete, type="file")]
        return [CompletionItem(e.name) for e in discover() if e.name.startswith(incomplete)]


SESSION = SessionParam()


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
    from .library import discover, search_folders
    from .probe import save_cache
    from .report import list_table, summarise

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
def show(session: Path, as_json: bool) -> None:
    """Show a session's timeline: chapters, steps with start times and narration text.

    \b
    Example:
      meditate show grounding
      meditate show ./my-session.yaml --json
    """
    from .loader import load_session
    from .probe import save_cache
    from .report import show_text, timeline_json
    from .timeline import compile_timeline

    timeline = compile_timeline(load_session(session))
    save_cache()
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
    from .library import discover
    from .loader import SessionError, load_session
    from .probe import save_cache
    from .report import display_path
    from .timeline import compile_timeline
    from .units import format_clock

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
    from .schema import session_schema

    click.echo(json.dumps(session_schema(), indent=2))
