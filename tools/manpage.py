"""Writes the manual page meditate(1) from the Click commands themselves.

Every command, its usage, its help and its options come from the same objects `--help` prints,
so the page cannot drift from the program. What Click does not know (the environment, the
files, the exit statuses) is held here, and tests/test_manual.py checks it against the code.

    python tools/manpage.py [OUTPUT]      # default: build/man/meditate.1

The wheel carries the page as share/man/man1/meditate.1 (hatch_build.py runs this at build
time), so `man meditate` finds it wherever meditate's `bin/` is on PATH.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "build" / "man" / "meditate.1"

SUMMARY = "guided audio meditation: play, export and publish sessions written in YAML"

ENVIRONMENT = {
    "MEDITATE_PATH": "Folders searched for sessions before your own and the bundled ones, "
    "separated by colons; the first session of a name wins.",
    "MEDITATE_DEFAULT": "The session `play` and `demo` use when none is named (grounding "
    "unless set).",
    "MEDITATE_DEVICE": "Where sound goes: `alsa` (the default on Linux), `simpleaudio`, or "
    "`silent` (nothing heard, in real time, to try the display).",
    "MEDITATE_BUFFER": "How much sound the ALSA device holds ahead, such as `500ms` (the "
    "default) or `2s`; from 20 ms to 10 s.",
    "MEDITATE_PREROLL": "Seconds rendered before the sound starts (0.5 unless set), or `all`.",
    "MEDITATE_CACHE": "The cache folder (decoded clips, spoken drafts, measurements) instead "
    "of the platform's user cache folder.",
    "MEDITATE_SHIPPED": "Set to 0 to measure bundled bells and beds again rather than use the "
    "measurements shipped with meditate.",
    "MEDITATE_SPEECH_TIMEOUT": "Seconds a speech engine may take before it is stopped "
    "(60 plus one a word unless set).",
    "MEDITATE_NOW": "The date and time the practice log takes as now (ISO 8601), for "
    "back-dated sittings and tests.",
}

FILES = {
    "~/.local/share/meditate/sessions/": "Your own sessions (meditate new writes here); "
    "they hide bundled sessions of the same name.",
    "~/.local/share/meditate/history.sqlite3": "The practice log that `meditate history` reads.",
    "~/.local/share/meditate/voices/": "Voice files for the speech engines (Piper .onnx, "
    "Kokoro voice styles).",
    "~/.cache/meditate/": "Decoded clips, spoken drafts and measurements; safe to delete.",
}

EXIT_STATUS = {
    "0": "Success.",
    "1": "A bug: please report it with the command and its output.",
    "2": "Something to fix: the one-line message says what (a session's file and line, a "
    "missing program, an existing output file).",
    "130": "Stopped by Ctrl-C or SIGTERM; nothing half-written is left.",
}


def escape(text: str) -> str:
    """Text made safe for roff: backslashes, hyphens and lines starting with . or '."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)


def paragraphs(help_text: str) -> Iterator[str]:
    """Click help as roff paragraphs: `\\b` blocks keep their lines, others are filled."""
    import inspect

    for block in re.split(r"\n\s*\n", inspect.cleandoc(help_text or "")):
        if block.startswith("\b"):
            lines = block.splitlines()[1:]
            yield ".PP\n.nf\n.RS 4\n" + "\n".join(escape(line) for line in lines) + "\n.RE\n.fi"
        elif block.strip():
            yield ".PP\n" + escape(" ".join(block.split()))


def options(command: object, context: object) -> Iterator[str]:
    import click

    assert isinstance(command, click.Command) and isinstance(context, click.Context)
    for param in command.get_params(context):
        record = param.get_help_record(context)
        if not isinstance(param, click.Option) or record is None or param.hidden:
            continue
        names, help_text = record
        yield f".TP\n\\fB{escape(names)}\\fR\n{escape(help_text) or '.'}"


def command_section(name: str, command: object, parent: object) -> str:
    import click

    assert isinstance(command, click.Command) and isinstance(parent, click.Context)
    context = click.Context(command, info_name=name, parent=parent)
    usage = " ".join(command.collect_usage_pieces(context))
    parts = [f'.SS "meditate {name} {escape(usage)}"', *paragraphs(command.help or "")]
    listed = list(options(command, context))
    if listed:
        parts += [".PP\nOptions:", ".RS 4", *listed, ".RE"]
    return "\n".join(parts)


def release_date(changelog: Path = REPO / "CHANGELOG.md") -> str:
    """The date of the newest release in the changelog, so a rebuilt page is the same page."""
    try:
        text = changelog.read_text(encoding="utf-8")
    except OSError:
        return ""
    found = re.search(r"^## \[\d[^\]]*\] - (\d{4}-\d{2}-\d{2})", text, re.MULTILINE)
    return found.group(1) if found else ""


def manual() -> str:
    """The whole page, in roff (man macros)."""
    import click

    from player import __version__
    from player.cli import main

    root = click.Context(main, info_name="meditate")
    names = main.list_commands(root)
    commands = {name: main.get_command(root, name) for name in names}
    date = release_date()
    parts = [
        f'.TH MEDITATE 1 "{date}" "meditate {__version__}" "User Commands"',
        ".SH NAME",
        f"meditate \\- {escape(SUMMARY)}",
        ".SH SYNOPSIS",
        ".B meditate\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]...",
        ".SH DESCRIPTION",
        *paragraphs(main.help or ""),
        ".PP\nEvery command takes \\fB\\-\\-help\\fR. The options of meditate itself:",
        ".RS 4",
        *options(main, root),
        ".RE",
        ".SH COMMANDS",
    ]
    for name, command in commands.items():
        if command is None or command.hidden:
            continue
        short = command.get_short_help_str(limit=200)
        parts.append(f".TP\n\\fB{name}\\fR\n{escape(short)}")
    for name, command in commands.items():
        if command is not None and not command.hidden:
            parts.append(command_section(name, command, root))
    parts.append(".SH ENVIRONMENT")
    parts += [f".TP\n\\fB{name}\\fR\n{escape(text)}" for name, text in ENVIRONMENT.items()]
    parts.append(".SH FILES")
    parts.append(
        ".PP\nThe folders below are Linux's; other systems use their own user folders "
        "(XDG_DATA_HOME, XDG_CACHE_HOME and XDG_CONFIG_HOME are honoured)."
    )
    parts += [f".TP\n\\fI{escape(path)}\\fR\n{escape(text)}" for path, text in FILES.items()]
    parts.append(".SH EXIT STATUS")
    parts += [f".TP\n\\fB{code}\\fR\n{escape(text)}" for code, text in EXIT_STATUS.items()]
    parts += [
        ".SH SEE ALSO",
        ".BR ffmpeg (1),",
        ".BR espeak\\-ng (1)",
        ".PP",
        "The guide: the docs/ folder of meditate's source, which \\fBmake docs\\fR builds "
        "into a site.",
    ]
    return "\n".join(parts) + "\n"


def write(output: Path = DEFAULT_OUTPUT) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(manual(), encoding="utf-8")
    return output


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT))
