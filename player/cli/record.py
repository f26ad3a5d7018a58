"""`meditate record`: your own voice, line by line from the microphone, into your copy."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from player.cli.exits import EXIT_INTERRUPTED, EXIT_USER_ERROR
from player.cli.params import DURATION, SESSION
from player.common.errors import MeditateError

if TYPE_CHECKING:
    from player.live.record import Kept, Progress
    from player.session.recording import Line, Status

EXIT_NO_INPUT = 1  # no microphone, or it failed or stayed silent: the issue asks for 1
STOPPED = "Stopped"


@click.command()
@click.argument("session", type=SESSION)
@click.option(
    "--list", "list_lines", is_flag=True, help="Show each line as recorded, bundled or draft."
)
@click.option(
    "--only",
    type=int,
    multiple=True,
    metavar="N",
    help="Record line N only (give it again for more).",
)
@click.option("--from", "start", type=int, metavar="N", help="Start at line N.")
@click.option(
    "--missing", is_flag=True, help="Only the lines still using a bundled clip or a draft."
)
@click.option(
    "--silence",
    type=DURATION,
    default="1.5s",
    show_default=True,
    help="The quiet after speech that ends a take.",
)
@click.option(
    "--max",
    "max_seconds",
    type=DURATION,
    default="60s",
    show_default=True,
    help="The longest take, and without a terminal the longest wait for the voice.",
)
def record(
    session: Path,
    list_lines: bool,
    only: tuple[int, ...],
    start: int | None,
    missing: bool,
    silence: float,
    max_seconds: float,
) -> None:
    """Record your own voice for a session, line by line, from the microphone.

    Each take is trimmed to your voice, saved as FLAC beside your copy of the
    session (a bundled one is copied into your sessions folder, where it hides
    the bundled one), and the copy's narration: points at it, comments kept. A
    clip heard several times (a breath cue in a repeat) is recorded once. Lines
    not yet recorded keep their clip or draft, so the session always plays.

    At a terminal it shows each line's words and a level meter. A take starts
    when you speak (or on space) and ends after a pause (or on space). Keys: n
    or Enter keeps it and goes on, r records it again, p plays it back, b goes
    back a line, q stops; what was kept stays kept. Without a terminal it
    records every chosen line in order and prints a line for each clip.

    \b
    Example:
      meditate record grounding --list
      meditate record grounding --missing
      meditate record evening-calm --only 3
    """
    from player.live.capture import InputLost, Microphone, NoInputDevice
    from player.live.record import NothingHeard, Progress, TerminalRecording, record_plainly
    from player.live.terminal import stdin_fd
    from player.output.voice import SessionCopy
    from player.prepare.lines import line_statuses
    from player.session.loader import load_session
    from player.session.recording import SelectionError, lines_of, select
    from player.sound.takes import TakeSettings

    script = load_session(session)
    lines = lines_of(script)
    name = _argument(session)
    if not lines:
        raise MeditateError(
            f"{session.stem} has no narration to record: add text or narration steps"
        )
    statuses = line_statuses(script, lines)
    if list_lines:
        _print_list(script.title, session, lines, statuses)
        return
    try:
        chosen = select(lines, statuses, only=only, start=start, missing=missing)
    except SelectionError as error:
        raise MeditateError(f"{error} (see: meditate record {name} --list)") from None
    if not chosen:
        click.echo(f"Nothing to record: every line chosen has your voice ({name} --list shows).")
        return
    copy = SessionCopy.of(session)
    copy.check_writable()
    settings = TakeSettings(silence=silence, max_seconds=max_seconds)
    from player.cli.signals import sigterm_as_keyboard_interrupt

    sigterm_as_keyboard_interrupt()
    try:
        mic = Microphone.open()
    except NoInputDevice as error:
        click.echo(f"meditate: {error}", err=True)
        sys.exit(EXIT_NO_INPUT)
    progress = Progress()
    keys_fd = stdin_fd()
    stopped = _Stopped(progress, chosen, name, bool(only), missing)
    finished = True
    with mic:
        try:
            if keys_fd is not None and sys.stdout.isatty():
                width = min(shutil.get_terminal_size((80, 24)).columns, 100)
                click.echo(f"Recording {script.title} into {copy.target}")
                recording = TerminalRecording(
                    mic, chosen, settings, copy.keep, progress,
                    title=script.title, lines_in_script=len(lines),
                )  # fmt: skip
                out = click.get_text_stream("stdout")
                finished = recording.run(out=out, keys_fd=keys_fd, width=width)
            else:
                noun = "line" if len(chosen) == 1 else "lines"
                copied = " (your copy of the bundled session, which it hides)"
                click.echo(
                    f"Recording {len(chosen)} {noun} of {script.title} into {copy.target}"
                    + (copied if copy.copying else "")
                )
                record_plainly(
                    mic, chosen, settings, copy.keep, progress,
                    lambda kept: click.echo(_clip_line(kept, len(lines), copy.written(kept.line))),
                )  # fmt: skip
        except KeyboardInterrupt:
            click.echo(stopped(STOPPED))
            sys.exit(EXIT_INTERRUPTED)
        except InputLost as error:
            click.echo(f"meditate: {stopped(f'{error}: check its connection')}", err=True)
            sys.exit(EXIT_NO_INPUT)
        except NothingHeard as error:
            advice = "check that the microphone is on, not muted, and the default input"
            click.echo(f"meditate: {stopped(f'{error}: {advice}')}", err=True)
            sys.exit(EXIT_NO_INPUT)
        except MeditateError as error:
            click.echo(f"meditate: {stopped(str(error))}", err=True)
            sys.exit(EXIT_USER_ERROR)
    if progress.overruns:
        click.echo(
            f"meditate: the computer fell behind the microphone {progress.overruns} times and "
            "lost a moment of sound: listen to the takes and record any that skip again",
            err=True,
        )
    if not finished:
        click.echo(stopped(STOPPED))
        return
    kept = len(progress.kept)
    if not kept:
        click.echo("Kept none.")
        return
    listen = shlex.join(["meditate", "play", _argument(copy.target)])
    noun = "line" if kept == 1 else "lines"
    click.echo(f"Kept {kept} {noun} in {copy.target}. Listen: {listen}")


def _clip_line(kept: Kept, count: int, written: str) -> str:
    """One line a clip: its number, length and name, how often it is heard, what is wrong."""
    from player.sound.takes import TakeSettings

    line = kept.line
    parts = [f"line {line.number}/{count}", f"{kept.take.seconds:5.2f} s", written]
    if line.plays > 1:
        parts.append(f"(heard {line.plays} times)")
    parts += [f"warning: {problem}" for problem in kept.take.problems(TakeSettings())]
    return "  ".join(parts)


class _Stopped:
    """What to say when recording stops early: where, what was kept, and how to go on."""

    def __init__(
        self, progress: Progress, chosen: list[Line], name: str, only: bool, missing: bool
    ) -> None:
        self.progress, self.chosen, self.name = progress, chosen, name
        self.only, self.missing = only, missing

    def __call__(self, what: str) -> str:
        kept = {k.line.number for k in self.progress.kept}
        saved = f"{len(kept)} line{'' if len(kept) == 1 else 's'} kept" if kept else "none kept"
        current = self.progress.current
        if current is None:
            return f"{what}; {saved}."
        rest = [
            line.number
            for line in self.chosen
            if line.number >= current.number and line.number not in kept
        ]
        args = ["meditate", "record", self.name]
        if self.only:
            for number in rest:
                args += ["--only", str(number)]
        else:
            args += ["--missing"] if self.missing else []
            args += ["--from", str(current.number)] if current.number > 1 else []
        go_on = f"{saved}. To go on: {shlex.join(args)}"
        if what == STOPPED:
            return f"Stopped at line {current.number}; {go_on}"
        return f"line {current.number} not kept: {what}; {go_on}"


def _print_list(title: str, path: Path, lines: tuple[Line, ...], statuses: dict[int, Status]):
    from player.cli.browse import terminal_width
    from player.cli.report import display_path
    from player.cli.table import Column, render

    noun = "line" if len(lines) == 1 else "lines"
    click.echo(f"{title}: {len(lines)} {noun} ({display_path(path)})")
    columns = [
        Column("LINE", right=True),
        Column("NOW"),
        Column("HEARD", right=True),
        Column("CLIP", shrink_to=12, drop_rank=1),
        Column("TEXT", shrink_to=20),
    ]
    rows = [
        [
            str(line.number),
            statuses[line.number].value,
            f"{line.plays}x",
            line.clip or "-",
            line.text or "",
        ]
        for line in lines
    ]
    table, _ = render(columns, rows, terminal_width())
    click.echo(table)


def _argument(path: Path) -> str:
    from player.cli.play import session_argument

    return session_argument(path)
