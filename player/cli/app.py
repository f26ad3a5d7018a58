"""The `meditate` group: its commands, and how a user's error is shown (one line, exit 2)."""

from __future__ import annotations

from typing import Any

import click

from player import __version__
from player.cli.browse import check, list_command, schema, show
from player.cli.export import export_command
from player.cli.history import history
from player.cli.new import new
from player.cli.play import demo, play
from player.cli.publish import publish
from player.cli.record import record
from player.cli.timer import timer
from player.cli.voices import voices
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
            from player.session.problems import SessionError

            for line in str(error).splitlines():
                click.echo(
                    line if isinstance(error, SessionError) else f"meditate: {line}", err=True
                )
            ctx.exit(EXIT_USER_ERROR)
        finally:
            from player.common.cache import save_all

            save_all()


@click.group(cls=MeditateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message="meditate %(version)s (session format 1)")
def main() -> None:
    """Guided audio meditation: list, show, check, play, export and publish sessions.

    A session is a YAML script of narration, silence, bells and ambient sound.
    Name one by its file stem (see `meditate list`) or give a path to a YAML file.

    \b
    Example:
      meditate list
      meditate show grounding
    """


for command in (
    list_command,
    show,
    check,
    schema,
    play,
    demo,
    export_command,
    publish,
    record,
    new,
    history,
    timer,
    voices,
):
    main.add_command(command)
