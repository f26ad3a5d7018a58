"""Output files appear whole or not at all, and an existing file is replaced only when asked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from player.common import files as atomic
from player.common.errors import MeditateError
from player.common.files import atomic_output, clean_stale_partials

REPO = Path(__file__).resolve().parents[1]


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def partial_name(target: str, pid: int) -> str:
    return f".{target}.{pid}-0123abcd.meditate-partial{Path(target).suffix}"


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_success_moves_the_file_into_place_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "calm.mp3"
    with atomic_output(target, force=False) as partial:
        partial.write_bytes(b"audio")

    assert target.read_bytes() == b"audio"
    assert names(tmp_path) == ["calm.mp3"]


def test_the_temporary_is_hidden_beside_the_target_with_its_suffix_and_our_pid(tmp_path: Path):
    target = tmp_path / "calm.mp3"
    with atomic_output(target, force=False) as partial:
        assert partial.parent == tmp_path
        assert partial.name.startswith(f".calm.mp3.{os.getpid()}-")
        assert partial.name.endswith(".meditate-partial.mp3")
        assert partial.suffix == ".mp3"
        assert not target.exists()


def test_an_exception_leaves_neither_target_nor_temporary(tmp_path: Path):
    target = tmp_path / "calm.mp3"
    with (
        pytest.raises(RuntimeError, match="render failed"),
        atomic_output(target, force=False) as partial,
    ):
        partial.write_bytes(b"half")
        raise RuntimeError("render failed")

    assert names(tmp_path) == []


def test_an_interrupt_leaves_neither_target_nor_temporary(tmp_path: Path):
    target = tmp_path / "calm.mp3"
    with pytest.raises(KeyboardInterrupt), atomic_output(target, force=False) as partial:
        partial.write_bytes(b"half")
        raise KeyboardInterrupt

    assert names(tmp_path) == []


def test_an_existing_target_is_refused_before_any_work(tmp_path: Path):
    target = tmp_path / "calm.mp3"
    target.write_bytes(b"precious")
    worked = False

    with pytest.raises(MeditateError) as raised, atomic_output(target, force=False):
        worked = True

    assert str(raised.value) == f"{target} exists: use --force to replace it"
    assert not worked
    assert target.read_bytes() == b"precious"
    assert names(tmp_path) == ["calm.mp3"]


def test_a_target_that_appears_meanwhile_is_not_replaced(tmp_path: Path):
    target = tmp_path / "calm.mp3"
    with (
        pytest.raises(MeditateError, match="exists: use --force to replace it"),
        atomic_output(target, force=False) as partial,
    ):
        partial.write_bytes(b"ours")
        target.write_bytes(b"another export's")

    assert target.read_bytes() == b"another export's"
    assert names(tmp_path) == ["calm.mp3"]


def test_force_replaces_an_existing_target(tmp_path: Path):
    target = tmp_path / "calm.mp3"
    target.write_bytes(b"old")
    with atomic_output(target, force=True) as partial:
        partial.write_bytes(b"new")

    assert target.read_bytes() == b"new"
    assert names(tmp_path) == ["calm.mp3"]


def test_without_hard_links_the_move_still_never_replaces(tmp_path: Path):
    # Some file systems (FAT, some network mounts) refuse link(); this is the path taken there.
    target = tmp_path / "calm.mp3"
    first = tmp_path / partial_name("calm.mp3", os.getpid())
    first.write_bytes(b"first")
    atomic._claim_then_replace(first, target)
    second = tmp_path / partial_name("calm.mp3", os.getpid() + 1)
    second.write_bytes(b"second")

    with pytest.raises(MeditateError, match="exists: use --force"):
        atomic._claim_then_replace(second, target)

    assert target.read_bytes() == b"first"
    assert names(tmp_path) == sorted(["calm.mp3", second.name])


def test_a_missing_folder_is_named(tmp_path: Path):
    folder = tmp_path / "exports"
    with pytest.raises(MeditateError) as raised, atomic_output(folder / "calm.mp3", force=False):
        pass
    assert str(raised.value) == f"folder {folder} does not exist: create it with  mkdir -p {folder}"


def test_a_folder_that_is_a_file_is_named(tmp_path: Path):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("")
    with (
        pytest.raises(MeditateError) as raised,
        atomic_output(not_a_folder / "calm.mp3", force=False),
    ):
        pass
    assert str(raised.value) == f"{not_a_folder} is not a folder: choose another place for calm.mp3"


def test_a_target_that_is_a_folder_is_refused(tmp_path: Path):
    with (
        pytest.raises(MeditateError, match="is a folder: give the name of a file"),
        atomic_output(tmp_path, force=True),
    ):
        pass


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_named(tmp_path: Path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        with (
            pytest.raises(MeditateError) as raised,
            atomic_output(folder / "calm.mp3", force=False),
        ):
            pass
        assert str(raised.value).startswith(f"cannot write in folder {folder}: permission denied")
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs sysfs at /sys")
def test_a_folder_nobody_may_create_files_in_is_named():
    # sysfs refuses new files even to root, so this fails for real wherever the tests run.
    with pytest.raises(MeditateError) as raised, atomic_output(Path("/sys/calm.mp3"), force=False):
        pass
    assert str(raised.value) == (
        "cannot write in folder /sys: permission denied "
        "(choose another folder or fix its permissions)"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_inside_the_block_is_named_and_cleaned_up(tmp_path: Path):
    target = tmp_path / "calm.wav"
    with (
        pytest.raises(MeditateError) as raised,
        atomic_output(target, force=False),
        open("/dev/full", "wb") as full,
    ):
        full.write(b"x")
        full.flush()

    assert str(raised.value) == f"disk full while writing {target}"
    assert names(tmp_path) == []


def test_stale_partials_of_dead_writers_are_removed(tmp_path: Path):
    stale = tmp_path / partial_name("calm.mp3", dead_pid())
    stale.write_bytes(b"half")

    assert clean_stale_partials(tmp_path) == [stale]
    assert names(tmp_path) == []


def test_partials_of_live_writers_are_kept(tmp_path: Path):
    alive = tmp_path / partial_name("calm.mp3", os.getpid())
    alive.write_bytes(b"still writing")

    assert clean_stale_partials(tmp_path) == []
    assert alive.exists()


def test_partials_older_than_a_day_are_removed_whoever_wrote_them(tmp_path: Path):
    old = tmp_path / partial_name("calm.mp3", os.getpid())
    old.write_bytes(b"forgotten")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    assert clean_stale_partials(tmp_path) == [old]


def test_files_not_matching_the_partial_pattern_are_never_removed(tmp_path: Path):
    keep = [".calm.mp3.swp", "calm.mp3", ".calm.mp3.123.meditate-partial", "x.meditate-partial"]
    for name in keep:
        (tmp_path / name).write_bytes(b"")

    assert clean_stale_partials(tmp_path) == []
    assert names(tmp_path) == sorted(keep)


def test_the_next_export_to_a_folder_cleans_stale_partials(tmp_path: Path):
    stale = tmp_path / partial_name("old.ogg", dead_pid())
    stale.write_bytes(b"half")
    with atomic_output(tmp_path / "calm.mp3", force=False) as partial:
        partial.write_bytes(b"audio")

    assert names(tmp_path) == ["calm.mp3"]


WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from player.common.files import atomic_output
from player.cli.signals import sigterm_as_keyboard_interrupt
{setup}
sigterm_as_keyboard_interrupt()
with atomic_output(Path({target!r}), force=False) as partial:
{body}"""

SLOW_FILE_WRITER = """
    with partial.open("wb") as out:
        for _ in range(600):
            out.write(bytes(1000))
            out.flush()
            print("writing", flush=True)
            time.sleep(0.05)
"""

SLOW_ENCODER_WRITER = """
    with open_encoder(partial, "mp3") as encoder:
        for _ in range(600):
            encoder.write(bytes(44100 * 4 // 10))
            print("writing", flush=True)
            time.sleep(0.05)
"""


@pytest.mark.parametrize(
    ("setup", "body"),
    [
        ("", SLOW_FILE_WRITER),
        ("from player.output.encoder import open_encoder", SLOW_ENCODER_WRITER),
    ],
    ids=["file", "encoder"],
)
def test_sigterm_mid_export_leaves_no_files(tmp_path: Path, setup: str, body: str):
    folder = tmp_path / "out"
    folder.mkdir()
    script = tmp_path / "writer.py"
    target = str(folder / "calm.mp3")
    script.write_text(WRITER.format(repo=str(REPO), setup=setup, target=target, body=body))
    writer = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        for _ in range(3):
            assert writer.stdout.readline() == "writing\n", writer.stderr.read()
        assert len(names(folder)) == 1  # the partial file, being written

        writer.send_signal(signal.SIGTERM)
        _, stderr = writer.communicate(timeout=300)  # only a hang takes this long
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()

    assert writer.returncode != 0
    assert "KeyboardInterrupt" in stderr
    assert names(folder) == []


def test_a_long_name_gets_a_temporary_that_fits_and_a_name_too_long_is_refused(tmp_path):
    target = tmp_path / ("🧘" * 62 + ".mp3")  # 252 bytes: its own name fits, ours around it not
    with atomic_output(target, force=False) as partial:
        assert len(partial.name.encode()) <= 255 and atomic._PARTIAL.fullmatch(partial.name)
        partial.write_bytes(b"data")
    assert target.read_bytes() == b"data"
    too_long = tmp_path / ("🧘" * 64 + ".mp3")
    with pytest.raises(MeditateError, match="its name is 260 bytes long, and a file name holds"):
        atomic.write_file(too_long, b"data", force=False)
