"""`meditate new`: a session of your own, from a commented template."""

from __future__ import annotations

import click


@click.command()
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
    from player.common.errors import MeditateError
    from player.common.files import OutputExists, write_file
    from player.common.paths import user_sessions_dir
    from player.session.starter import check_name, starter_text

    folder = user_sessions_dir()
    path = folder / f"{check_name(name)}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MeditateError(f"cannot create {folder}: {error.strerror}") from None
    try:
        write_file(path, starter_text(name), force=False)
    except OutputExists:
        raise MeditateError(f"{path} exists already: choose another name, or edit it") from None
    click.echo(str(path))
    click.echo(f"Listen: meditate play {name}    Edit: {path}")
