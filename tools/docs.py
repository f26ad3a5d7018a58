"""Keeps the command outputs and format tables of the README and the guide true to the code.

In README.md, CONTRIBUTING.md and every page of docs/, blocks between
`<!-- run: meditate ARGS -->` and `<!-- end -->` hold the real output of that command; blocks
between `<!-- keys: NAME -->` and `<!-- end -->` hold the table of keys of one part of the
session format. `python tools/docs.py` rewrites them; `--check` exits 1 and names each stale
block instead (the test suite runs that).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = (REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md")))
BLOCK = re.compile(r"(<!-- (run|keys): ([^\n]+?) -->\n)(.*?)(<!-- end -->)", re.DOTALL)


def command_output(args: list[str]) -> str:
    from click.testing import CliRunner

    from player.cli import main

    with tempfile.TemporaryDirectory() as home:
        env = {
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_CACHE_HOME": f"{home}/cache",
            "MEDITATE_PATH": "",
            "COLUMNS": "90",
        }
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            result = CliRunner(env=env).invoke(main, args, prog_name="meditate", terminal_width=90)
        finally:
            os.chdir(cwd)
    return result.output.rstrip() + "\n"


def keys_table(name: str) -> str:
    from player.session import format as fmt

    tables = {
        "session": fmt.SESSION_FIELDS,
        "ambient": fmt.AMBIENT_FIELDS,
        "voice": fmt.VOICE_FIELDS,
        "bells": fmt.INTERVAL_BELL_FIELDS,
        **{kind: fields for kind, fields in fmt.STEP_FIELDS.items()},
    }
    rows = ["| key | value | default | what it does |", "| --- | --- | --- | --- |"]
    for key, field in tables[name].items():
        default = "required" if field.required else (field.default or "")
        rows.append(f"| `{key}` | {field.kind.value} | {default} | {field.help} |")
    return "\n".join(rows) + "\n"


def block_body(kind: str, argument: str) -> str:
    if kind == "keys":
        return keys_table(argument)
    words = shlex.split(argument)
    assert words[0] == "meditate", argument
    return "```text\n$ " + argument + "\n" + command_output(words[1:]) + "```\n"


def refreshed(text: str) -> tuple[str, list[str]]:
    stale: list[str] = []

    def replace(match: re.Match[str]) -> str:
        opening, kind, argument, body, closing = match.groups()
        fresh = block_body(kind, argument)
        if fresh != body:
            stale.append(f"{kind}: {argument}")
        return opening + fresh + closing

    return BLOCK.sub(replace, text), stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="report stale blocks, change nothing")
    args = parser.parse_args()
    stale_anywhere = False
    for document in DOCUMENTS:
        if not document.is_file():
            continue
        name = document.relative_to(REPO)
        text = document.read_text(encoding="utf-8")
        fresh, stale = refreshed(text)
        stale_anywhere = stale_anywhere or bool(stale)
        if args.check:
            for block in stale:
                print(f"{name} is stale: {block} (run: python tools/docs.py)")
            continue
        if fresh != text:
            document.write_text(fresh, encoding="utf-8")
        for block in stale:
            print(f"{name}: updated {block}")
    return 1 if args.check and stale_anywhere else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
