"""Shell completion, as the README and the guide set it up, in real bash, zsh and fish: a
command name and a session name complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _env() -> dict[str, str]:
    bin_folder = str(Path(sys.executable).parent)  # this environment's `meditate`
    assert shutil.which("meditate", path=bin_folder), "meditate is not installed in the venv"
    return {**os.environ, "PATH": bin_folder + os.pathsep + os.environ["PATH"]}


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: tools/bootstrap.sh --dev installs it")
    return found


BASH = """
eval "$(_MEDITATE_COMPLETE=bash_source meditate)"
complete -p meditate >/dev/null
COMP_WORDS=(meditate pl); COMP_CWORD=1; COMPREPLY=(); _meditate_completion meditate
printf 'command:%s\\n' "${COMPREPLY[@]}"
COMP_WORDS=(meditate play gro); COMP_CWORD=2; COMPREPLY=(); _meditate_completion meditate
printf 'session:%s\\n' "${COMPREPLY[@]}"
"""


def test_bash_completes_commands_and_session_names() -> None:
    done = subprocess.run(
        [_shell("bash"), "--norc", "-c", BASH], env=_env(), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["command:play", "session:grounding"]


# zsh completes only at an interactive prompt: a pseudo-terminal (zpty) types TAB into one
ZSH = r"""
zmodload zsh/zpty
zpty z 'env PS1="> " TERM=dumb zsh -f -i'
zpty -w z 'autoload -Uz compinit && compinit -u -D'
zpty -w z 'eval "$(_MEDITATE_COMPLETE=zsh_source meditate)"'
zpty -w z 'print set-$((20+22))'
seen=""
while zpty -r -t z line; do seen+=$line; [[ $seen == *set-42* ]] && break; done
zpty -w -n z $'meditate play gro\t'
got=""
for attempt in {1..100}; do
  while zpty -r -t z line; do got+=$line; done
  [[ $got == *"play grounding"* ]] && break
  sleep 0.1
done
print -r -- "$got"
zpty -d z
"""


def test_zsh_completes_a_session_name_at_its_prompt() -> None:
    done = subprocess.run(
        [_shell("zsh"), "-f", "-c", ZSH], env=_env(), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "meditate play grounding" in done.stdout


def test_fish_completes_commands_and_session_names() -> None:
    script = (
        "_MEDITATE_COMPLETE=fish_source meditate | source; "
        'complete -C "meditate pl"; complete -C "meditate play gro"'
    )
    done = subprocess.run(
        [_shell("fish"), "--no-config", "-c", script], env=_env(), capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    completions = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert completions == ["play", "grounding"]
