"""The `meditate` group: its commands, and how a user's error is shown (one line, exit 2)."""

from __future__ import annotations

import importlib
from typing import Any

import click

from player import __version__
from player.common.errors import MeditateError

EXIT_USER_ERROR = 2
# Each command's module is imported only when it runs (or --help lists it), so that a command
# does not wait for the others' imports.
COMMANDS = {
    "list": ("player.cli.browse", "list_command"),
    "show": ("player.cli.browse", "show"),
    "check": ("player.cli.browse", "check"),
    "schema": ("player.cli.browse", "schema"),
    "play": ("player.cli.play", "play"),
    "demo": ("player.cli.play", "demo"),
    "export": ("player.cli.export", "export_command"),
    "new": ("player.cli.new", "new"),
    "history": ("player.cli.history", "history"),
    "timer": ("player.cli.timer", "timer"),
    "publish": ("player.cli.publish", "publish"),
    "record": ("player.cli.record", "record"),
    "voices": ("player.cli.voices", "voices"),
    "serve": ("player.cli.serve", "serve"),
}


class MeditateGroup(click.Group):
    """Prints a user's error as plain lines, without a traceback, and exits 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if name in COMMANDS or name.startswith("-") or ctx.resilient_parsing:
            return super().resolve_command(ctx, args)
        from player.session.problems import did_you_mean

        raise click.UsageError(f"no command '{name}'{did_you_mean(name, COMMANDS)}", ctx)

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
