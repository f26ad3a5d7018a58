"""The README's command outputs and format tables match what the code prints today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_readme_is_up_to_date_with_the_code() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "docs.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_readme_documents_every_key_of_the_format() -> None:
    from player.session import format as fmt

    readme = (REPO / "README.md").read_text()
    tables = [
        fmt.SESSION_FIELDS, fmt.AMBIENT_FIELDS, fmt.VOICE_FIELDS, fmt.INTERVAL_BELL_FIELDS,
        *fmt.STEP_FIELDS.values(),
    ]  # fmt: skip
    for fields in tables:
        for key in fields:
            assert f"| `{key}` |" in readme, key
