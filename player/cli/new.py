"""`meditate new`: a session of your own, from a commented template."""

from __future__ import annotations

import shlex
from pathlib import Path

import click


@click.command()
@click.argument("name")
def new(name: str) -> None:
    """Start a new session of your own from a commented template.

    NAME alone writes NAME.yaml to your sessions folder, where `meditate play
    NAME` finds it; a path such as ./evening.yaml writes there. It plays at
    once: its narration is text, spoken by a synthetic voice (`meditate voices`)
    until you record your own. An existing file is never replaced.

    \b
    Example:
      meditate new evening-calm
      meditate play evening-calm
      meditate new ./drafts/evening.yaml
    """
    from player.common.errors import MeditateError
    from player.common.files import OutputExists, write_file
    from player.common.paths import user_sessions_dir
    from player.session.library import looks_like_path
    from player.session.starter import check_name, starter_text

    if looks_like_path(name):
        given = Path(name).expanduser()
        path = given if given.suffix in (".yaml", ".yml") else given.with_suffix(".yaml")
        folder, name = path.parent, path.stem
    else:
        folder = user_sessions_dir()
        path = folder / f"{check_name(name)}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MeditateError(f"cannot create {folder}: {error.strerror}") from None
    listen = name if folder == user_sessions_dir() else shlex.quote(str(path))
    try:
        write_file(path, starter_text(name, called=listen), force=False)
    except OutputExists:
        raise MeditateError(f"{path} exists already: choose another name, or edit it") from None
    click.echo(str(path))
    click.echo(f"Listen: meditate play {listen}    Edit: {path}")
