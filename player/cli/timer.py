"""`meditate timer`: an unguided sitting with bells, played or exported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from player.cli.exits import EXIT_INTERRUPTED
from player.cli.params import DURATION, OFFSET, TIMES, DecibelsParam
from player.common.errors import MeditateError

if TYPE_CHECKING:
    from player.session.timeline import Timeline


@click.command()
@click.argument("length", type=DURATION, required=False)
@click.option(
    "--interval", type=DURATION, help="A bell this often from the start, e.g. 5m (else one)."
)
@click.option(
    "--bells",
    "schedule",
    type=TIMES,
    metavar="TIMES",
    help="Bells at these times instead, e.g. 0,25m,30m,55m for sitting and walking.",
)
@click.option(
    "--bell",
    default="singing-bowl",
    show_default=True,
    metavar="NAME|FILE",
    help="singing-bowl, bell, chime or a sound file. The end bell is it struck three times.",
)
@click.option("--warmup", type=OFFSET, default=0.0, help="Quiet before the first bell, e.g. 10s.")
@click.option(
    "--ambient",
    default="none",
    show_default=True,
    metavar="NAME|FILE|none",
    help="rain, ocean, brown-noise, pink-noise, white-noise, drone, or a sound file, "
    "faded in and out.",
)
@click.option(
    "--ambient-volume",
    type=DecibelsParam(-40, 20),
    default=0.0,
    metavar="DB",
    help="Raise or lower the ambient sound by this many dB.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Export the timer to this file (chapters at each bell) instead of playing it.",
)
@click.option("--force", is_flag=True, help="With -o: replace a file that exists.")
@click.option("--no-log", is_flag=True, help="Do not record this sitting in the practice log.")
def timer(
    length: float | None,
    interval: float | None,
    schedule: tuple[float, ...] | None,
    bell: str,
    warmup: float,
    ambient: str,
    ambient_volume: float,
    output: Path | None,
    force: bool,
    no_log: bool,
) -> None:
    """Sit unguided, for LENGTH or until you press q, with bells to mark the time.

    The first bell rings after the warmup, then every --interval or at the
    --bells times; a sitting of a given LENGTH ends with the bell struck
    three times. It plays like any session (keys, display, practice log),
    and -o writes it to a file instead.

    \b
    Example:
      meditate timer 20m --interval 5m --warmup 10s
      meditate timer 1h --bells 0,25m,30m,55m --ambient rain
      meditate timer --ambient ocean
      meditate timer 20m --interval 5m -o sit.mp3
    """
    from player.prepare.session import prepare_session
    from player.session.timeline import compile_timeline
    from player.session.timer import is_builtin_ambient, is_builtin_bell, plan_timer, timer_session

    chosen_ambient = None if ambient.strip().lower() == "none" else ambient.strip()
    plan = plan_timer(
        length,
        interval=interval,
        schedule=schedule or (),
        warmup=warmup,
        bell=bell,
        ambient=chosen_ambient,
        ambient_volume=ambient_volume,
    )
    if not is_builtin_bell(plan.bell):
        _check_sound_file("--bell", plan.bell)
    if plan.ambient is not None and not is_builtin_ambient(plan.ambient):
        _check_sound_file("--ambient", plan.ambient)
    if plan.open_ended and output is not None:
        raise click.UsageError("give a LENGTH to export a timer: an open sitting never ends")
    timeline = compile_timeline(prepare_session(timer_session(plan, Path.cwd())))
    if output is not None:
        _export(timeline, output, force)
        return
    _sit(timeline, plan.open_ended, no_log)


def _check_sound_file(option: str, value: str) -> None:
    """A sound file an option names: there, readable, and audio. Raises MeditateError."""
    from player.prepare.probe import UnreadableAudio, clip_seconds

    path = Path(value).expanduser()
    if not path.is_file():
        raise MeditateError(
            f"{option} {value}: no such built-in sound and no such file (give a sound file's path)"
        )
    try:
        clip_seconds(path)
    except UnreadableAudio as error:
        raise MeditateError(f"{option} {value}: {error}") from None


def _export(timeline: Timeline, output: Path, force: bool) -> None:
    from player.cli.progress import frames_progress
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.output.export import export
    from player.session.units import format_clock

    sigterm_as_keyboard_interrupt()
    try:
        with frames_progress(
            timeline.length, "Exporting timer", enabled=sys.stderr.isatty()
        ) as advance:
            result = export(timeline, output, force=force, progress=advance)
    except KeyboardInterrupt:
        click.echo("meditate: export interrupted; nothing was written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    loudness = f", {result.loudness:.1f} LUFS" if result.loudness is not None else ""
    click.echo(
        f"Wrote {result.path} ({format_clock(result.seconds)}, {result.chapters} chapters"
        f"{loudness})"
    )


def _sit(timeline: Timeline, open_ended: bool, no_log: bool) -> None:
    from player.cli.live import play_and_log
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.live.session import LiveSession
    from player.session.units import format_clock

    live = LiveSession(timeline, open_ended=open_ended)
    sigterm_as_keyboard_interrupt()
    title = timeline.session.title
    outcome = play_and_log(
        live,
        started=f"Sitting: {title}" + (" (q to end)" if open_ended else ""),
        elsewhere="to sit with it elsewhere, export it: meditate timer LENGTH -o sit.mp3",
        no_log=no_log,
    )
    sat = format_clock(outcome.listening.seconds)
    click.echo(f"Sat for {sat}." if not outcome.listening.interrupted else f"Stopped at {sat}.")
    if outcome.listening.interrupted:
        sys.exit(EXIT_INTERRUPTED)
