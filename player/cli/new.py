"""`meditate new`: a session of your own, from a commented template."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from player.cli.params import LANGUAGE
from player.session.catalog import DEFAULT_ENGINE


@click.command()
@click.argument("name")
@click.option(
    "--language",
    type=LANGUAGE,
    metavar="CODE",
    help="The language it is spoken in (es, fr, de, en-GB, ...): its language: key, its "
    "words, and a voice that speaks it.",
)
def new(name: str, language: str | None) -> None:
    """Start a new session of your own from a commented template.

    NAME alone writes NAME.yaml to your sessions folder, where `meditate play
    NAME` finds it; a path such as ./evening.yaml writes there. It plays at
    once: its narration is text, spoken by a synthetic voice (`meditate voices`)
    until you record your own. An existing file is never replaced.

    \b
    Example:
      meditate new evening-calm
      meditate play evening-calm
      meditate new calma --language es
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
    engine = DEFAULT_ENGINE if language is None else _engine_for(language)
    text = starter_text(name, called=listen, language=language, engine=engine)
    try:
        write_file(path, text, force=False)
    except OutputExists:
        raise MeditateError(f"{path} exists already: choose another name, or edit it") from None
    click.echo(str(path))
    click.echo(f"Listen: meditate play {listen}    Edit: {path}")


def _engine_for(language: str) -> str:
    """The engine to speak a new session's drafts in `language`: the most natural one
    installed that has a voice for it (DRAFT_ENGINES), else espeak-ng, said in a line."""
    from player.session.catalog import DRAFT_ENGINES
    from player.sound.engines import voices_for_language

    speaking = dict(voices_for_language(language))
    for engine in DRAFT_ENGINES:
        if engine in speaking:
            return engine
    click.echo(
        f"meditate: no speech engine installed here speaks '{language}': install one that does, "
        "or record the lines yourself (meditate record NAME)",
        err=True,
    )
    return DEFAULT_ENGINE
