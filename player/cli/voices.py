"""`meditate voices`: the speech engines and voices found, and a sample spoken by any of them."""

from __future__ import annotations

from pathlib import Path

import click

from player.cli.params import VOICE_SPEC, VoiceSpec
from player.sound.engines.base import VoiceInfo


@click.command()
@click.option("--say", "text", metavar="TEXT", help="Speak TEXT, as a draft would be spoken.")
@click.option(
    "--voice",
    "spec",
    type=VOICE_SPEC,
    help="ENGINE or ENGINE:VOICE (or ENGINE:FILE) to speak with: espeak-ng, festival, flite, "
    "piper.  [default: espeak-ng]",
)
@click.option(
    "--rate",
    type=click.IntRange(60, 240),
    default=120,
    show_default=True,
    help="Pace in words per minute, pauses included.",
)
@click.option("--pitch", type=click.IntRange(0, 99), help="espeak-ng only: its pitch (28).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the sample to this WAV file instead of playing it.",
)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
def voices(
    text: str | None,
    spec: VoiceSpec | None,
    rate: int,
    pitch: int | None,
    output: Path | None,
    force: bool,
) -> None:
    """List the speech engines and voices found, or speak a sample with one.

    Drafts (narration written only as text) are spoken by the engine and voice a
    session's `voice:` names. Every engine is paced the same way, with pauses after
    sentences and commas, and processed like the bundled narration.

    \b
    Example:
      meditate voices
      meditate voices --say "Breathe in slowly." --voice festival
      meditate voices --say "Let your shoulders soften." --voice piper:joe -o joe.wav
    """
    if text is None:
        if output is not None or spec is not None:
            raise click.UsageError("--voice and --output go with --say TEXT")
        click.echo(listing(), nl=False)
        return
    from player.common.errors import MeditateError
    from player.common.files import write_file
    from player.sound.speech import Voice, cached_speech

    chosen = spec or VoiceSpec("espeak-ng", None, None)
    voice = Voice(chosen.engine, chosen.name, chosen.model, rate, pitch)
    from player.common.cache import user_cache

    try:
        wav = cached_speech(text, voice, user_cache())
    except MeditateError as error:
        raise MeditateError(f"cannot speak the sample with {voice.describe()}: {error}") from None
    if output is not None:
        write_file(output, wav.read_bytes(), force=force)
        click.echo(f"Wrote {output} ({_seconds(wav):.1f} s, {voice.describe()})")
        return
    from player.live.sample import play_file

    def say_playing() -> None:
        click.echo(f"Playing the sample ({_seconds(wav):.1f} s, {voice.describe()})")

    play_file(wav, started=say_playing)


def listing() -> str:
    import textwrap

    from player.sound.engines import survey

    lines = []
    for engine in survey():
        if not engine.installed:
            lines.append(f"{engine.name}: not installed. {_hint(engine.install_hint)}")
            continue
        lines.append(f"{engine.name} {engine.version}")
        shown = _shown(engine.name, engine.voices)
        width = max((len(v.name) for v in shown), default=0)
        for voice in shown:
            about = voice.about + (" (default)" if voice.default else "")
            lines += textwrap.wrap(
                f"{voice.name:<{width}}  {about}",
                88,
                initial_indent="  ",
                subsequent_indent=" " * (width + 4),
                break_on_hyphens=False,
            )
            if voice.restriction:
                lines += textwrap.wrap(
                    voice.restriction[0].upper() + voice.restriction[1:] + ".",
                    88,
                    initial_indent=" " * (width + 4),
                    subsequent_indent=" " * (width + 4),
                )
        if not engine.voices:
            lines.append("  (no voices found)")
        if engine.takes_model:
            lines.append(f"  or a voice file: voice: {{engine: {engine.name}, "
                         f"model: path/to/voice{engine.takes_model}}}")  # fmt: skip
    lines.append('Hear one: meditate voices --say "Breathe in slowly." --voice ENGINE[:VOICE]')
    return "\n".join(lines) + "\n"


def _shown(engine: str, found: tuple[VoiceInfo, ...]) -> list[VoiceInfo]:
    """espeak-ng has dozens of English voices: its default, then the rest on one line."""
    if engine != "espeak-ng" or len(found) < 4:
        return list(found)
    rest = ", ".join(v.name for v in found if not v.default)
    return [*(v for v in found if v.default), VoiceInfo("...", f"or {rest}, each with a +variant")]


def _hint(install_hint: str) -> str:
    how = install_hint.split(": ", 1)[-1]
    return how[:1].upper() + how[1:]


def _seconds(wav: Path) -> float:
    import wave

    with wave.open(str(wav), "rb") as reader:
        return reader.getnframes() / reader.getframerate()
