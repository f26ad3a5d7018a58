"""A picture of a session, drawn from the rendered mix."""

from __future__ import annotations

import struct
import subprocess
import sys

from click.testing import CliRunner

from player.cli import main


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_show_plot_draws_a_png_of_the_expected_size(tmp_path) -> None:
    target = tmp_path / "three-breaths.png"
    result = CliRunner().invoke(main, ["show", "three-breaths", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert png_size(target) == (1200, 450)
    assert target.stat().st_size > 20_000  # a real picture, not an empty canvas


def test_an_existing_picture_is_not_replaced(tmp_path) -> None:
    target = tmp_path / "mine.png"
    target.write_bytes(b"keep me")
    result = CliRunner().invoke(main, ["show", "three-breaths", "--plot", str(target)])
    assert result.exit_code == 2 and "exists" in result.output
    assert target.read_bytes() == b"keep me"


def test_without_matplotlib_the_message_says_how_to_add_it(tmp_path) -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from player.cli import main; sys.exit(main())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "show", "three-breaths", "--plot", str(tmp_path / "x.png")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "pip install 'meditate[plot]'" in done.stderr and "Traceback" not in done.stderr
