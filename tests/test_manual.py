"""The manual page meditate(1): built from the Click commands, it names every command and
option, every environment variable the code reads, and man renders it without a warning."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from player.cli import main  # noqa: E402
from tools.manpage import manual, write  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("man") is None, reason="man-db is not installed")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> str:
    page = write(tmp_path_factory.mktemp("man") / "meditate.1")
    done = subprocess.run(
        ["man", "--warnings", "-l", str(page)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": "0", "PAGER": "cat"},
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr  # groff warns of nothing
    return re.sub(r".\x08", "", done.stdout)  # overstrike (bold, underline) to plain text


def test_every_command_and_option_is_in_the_manual(rendered: str) -> None:
    root = click.Context(main, info_name="meditate")
    for name in main.list_commands(root):
        command = main.get_command(root, name)
        assert command is not None
        assert f"meditate {name} " in rendered, name
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                for flag in param.opts:
                    assert flag in rendered, f"{name} {flag}"


def test_every_environment_variable_the_code_reads_is_in_the_manual(rendered: str) -> None:
    read = set()
    for source in (REPO / "player").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        read |= set(re.findall(r"""["'](MEDITATE_[A-Z_]+)["'=]""", text))  # names in strings
    environment = rendered.split("ENVIRONMENT", 1)[1].split("FILES", 1)[0]
    assert read and {name for name in read if name not in environment} == set()


def test_the_manual_is_the_same_page_when_built_again() -> None:
    assert manual() == manual()  # no build date or path: a rebuilt wheel carries the same page
