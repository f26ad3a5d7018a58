"""The options that change what is heard, shared by `play` and `export`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from player.cli.params import DURATION, VOICE_SPEC, DecibelsParam, VoiceSpec

if TYPE_CHECKING:
    from player.prepare.narrator import NarratorChoice
    from player.sound.render import RenderOptions


@dataclass(frozen=True)
class SoundChoice:
    """What the listener chose to hear."""

    start_at: str | None
    no_ambient: bool
    ambient_volume: float
    no_bells: bool
    length: float | None

    def render_options(self, **extra: Any) -> RenderOptions:
        from player.sound.render import RenderOptions

        return RenderOptions(
            ambient=not self.no_ambient,
            ambient_offset_db=self.ambient_volume,
            bells=not self.no_bells,
            **extra,
        )


def sound_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the options to a command, which receives them as one `sound: SoundChoice`."""
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


VOICE_HELP = (
    "Speak every narration that has text with this voice instead of its clip (ENGINE, "
    "ENGINE:VOICE or ENGINE:FILE; see meditate voices). Your own recordings are kept."
)
REPLACE_HELP = "With --voice: speak your own recorded lines too, instead of keeping them."


def narrator_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds --voice and --replace-recorded; the command receives them as one
    `narrator: NarratorChoice | None`."""

    @functools.wraps(command)
    def with_narrator(
        *args: Any, voice: VoiceSpec | None, replace_recorded: bool, **kwargs: Any
    ) -> Any:
        return command(*args, narrator=narrator_choice(voice, replace_recorded), **kwargs)

    with_narrator = click.option("--replace-recorded", is_flag=True, help=REPLACE_HELP)(
        with_narrator
    )
    return click.option("--voice", type=VOICE_SPEC, metavar="ENGINE[:VOICE]", help=VOICE_HELP)(
        with_narrator
    )


def narrator_choice(voice: VoiceSpec | None, replace_recorded: bool) -> NarratorChoice | None:
    """--voice and --replace-recorded as the narrator chosen, or None without --voice."""
    if voice is None:
        if replace_recorded:
            raise click.UsageError("--replace-recorded goes with --voice ENGINE[:VOICE]")
        return None
    from player.prepare.narrator import NarratorChoice

    return NarratorChoice(voice.engine, voice.name, voice.model, replace_recorded)
