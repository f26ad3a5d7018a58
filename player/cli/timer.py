"""`meditate timer`: an unguided sitting with bells, played or exported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from player.cli.exits import EXIT_INTERRUPTED
from player.cli.params import MINUTES, MINUTES_OFFSET, TIMES, DecibelsParam
from player.common.errors import MeditateError

if TYPE_CHECKING:
    from player.session.timeline import Timeline


@click.command()
@click.argument("length", type=MINUTES, required=False)
@click.option(
    "--interval", type=MINUTES, help="A bell this often from the start, e.g. 5m (else one)."
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
@click.option(
    "--warmup", type=MINUTES_OFFSET, default=0.0, help="Quiet before the first bell, e.g. 10s."
)
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
    type=click.Path(),  # as written: a trailing slash says it is a folder
    help="Export the timer to this file or folder (chapters at each bell) instead of playing it.",
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
    output: str | None,
    force: bool,
    no_log: bool,
) -> None:
    """Sit unguided, for LENGTH or until you press q, with bells to mark the time.

    The first bell rings after the warmup, then every --interval or at the
    --bells times; a sitting of a given LENGTH ends with the bell struck
    three times, which then rings out. It plays like any session (keys,
    display, practice log), and -o writes it to a file instead.

    A bare number is minutes: 20 is 20m. Seconds need their s: 90s.

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
        from player.cli.export import export_target
        from player.session.units import format_duration

        assert length is not None
        _export(timeline, export_target(f"timer-{format_duration(length)}", output, None), force)
        return
    again = _command_line(length, interval, schedule, warmup, bell, chosen_ambient, ambient_volume)
    _sit(timeline, plan.open_ended, no_log, again)


def _command_line(
    length: float | None,
    interval: float | None,
    schedule: tuple[float, ...] | None,
    warmup: float,
    bell: str,
    ambient: str | None,
    ambient_volume: float,
) -> list[str]:
    """This timer as a command, to be given again (with -o, say): durations with units."""
    from player.session.timer import DEFAULT_TIMER_BELL
    from player.session.units import format_duration

    words = ["meditate", "timer", format_duration(length) if length is not None else "LENGTH"]
    if interval is not None:
        words += ["--interval", format_duration(interval)]
    if schedule:
        words += ["--bells", ",".join(format_duration(t) for t in schedule)]
    if warmup:
        words += ["--warmup", format_duration(warmup)]
    if bell != DEFAULT_TIMER_BELL:
        words += ["--bell", bell]
    if ambient is not None:
        words += ["--ambient", ambient]
    if ambient_volume:
        words += ["--ambient-volume", f"{ambient_volume:g}"]
    return words


def _check_sound_file(option: str, value: str) -> None:
    """A sound file an option names: there, readable, and audio. Raises MeditateError."""
    from player.prepare.probe import UnreadableAudio, clip_seconds
    from player.session.catalog import BELL_SECONDS, SYNTHS
    from player.session.problems import did_you_mean

    path = Path(value).expanduser()
    if not path.is_file():
        names = list(BELL_SECONDS if option == "--bell" else SYNTHS)
        raise MeditateError(
            f"{option} {value}: no such built-in sound and no such file{did_you_mean(value, names)}"
            f" (built-in: {', '.join(names)}; or give a sound file's path)"
        )
    try:
        clip_seconds(path)
    except UnreadableAudio as error:
        raise MeditateError(f"{option} {value}: {error}") from None


def _export(timeline: Timeline, output: Path, force: bool) -> None:
    from player.cli.progress import frames_progress
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.output.export import export

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
        f"Wrote {result.path} ({_parts(timeline, result.seconds)}, {result.chapters} chapters"
        f"{loudness})"
    )


def _parts(timeline: Timeline, seconds: float) -> str:
    """What a timer's file holds: its warmup, the sitting asked for, and the end bell's
    ring-out after it, as 0:10 warmup + 20:00 + 0:20 ring-out."""
    from player.common.audio_format import frames_to_seconds
    from player.session.timer import ring_out_in, warmup_until
    from player.session.units import format_clock

    warmup = frames_to_seconds(warmup_until(timeline))
    end = frames_to_seconds(ring_out_in(timeline.chapters) or timeline.length)
    parts = [f"{format_clock(warmup)} warmup"] if warmup else []
    parts.append(format_clock(end - warmup))
    if seconds > end:
        parts.append(f"{format_clock(seconds - end)} ring-out")
    return " + ".join(parts)


def _sit(timeline: Timeline, open_ended: bool, no_log: bool, again: list[str]) -> None:
    import shlex

    from player.cli.live import play_and_log
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.live.session import LiveSession
    from player.session.timer import ring_out_in
    from player.session.units import format_clock

    live = LiveSession(timeline, open_ended=open_ended, ends_at=ring_out_in(timeline.chapters))
    sigterm_as_keyboard_interrupt()
    title = timeline.session.title
    export = "export one of a given length" if open_ended else "export it"
    outcome, not_logged = play_and_log(
        live,
        started=f"Sitting: {title}" + (" (q to end)" if open_ended else ""),
        elsewhere=f"to sit with it elsewhere, {export}: {shlex.join([*again, '-o', 'sit.mp3'])}",
        no_log=no_log,
    )
    listening = outcome.listening
    sat = format_clock(listening.seconds)
    ended = "Stopped at" if listening.interrupted and not listening.reached_end else "Sat for"
    click.echo(f"{ended} {sat}{not_logged}.")
    if listening.interrupted:
        sys.exit(EXIT_INTERRUPTED)
