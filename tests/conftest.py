"""Shared fixtures: an isolated home for every test, and real audio files made on the spot."""

from __future__ import annotations

import math
import os
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent

# The same examples every run, so CI and `make test` never fail by chance; no deadline, since
# a busy machine is slow without being wrong. `make fuzz` searches long and at random.
settings.register_profile("default", derandomize=True, max_examples=60, deadline=None)
settings.register_profile("fuzz", derandomize=False, max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers a core. A fifth of the suite plays and records in real time
    (the ALSA file device keeps time) and waits on other programs, which leaves cores idle
    with fewer: on 2 cores the suite took 3:46 with 3 workers and 3:18 with 4."""
    return max(1, (os.cpu_count() or 1) * 2)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test gets empty user folders, so only what it creates (and bundled content) is seen."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("MEDITATE_PATH", raising=False)
    monkeypatch.delenv("MEDITATE_CACHE", raising=False)
    monkeypatch.delenv("MEDITATE_DEFAULT", raising=False)
    return home


def write_wav(
    path: Path,
    seconds: float,
    *,
    rate: int = 44100,
    channels: int = 1,
    frequency: float = 440.0,
    amplitude: float = 0.3,
) -> Path:
    """A real 16-bit WAV file holding a sine tone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = round(seconds * rate)
    samples = bytearray()
    for n in range(frames):
        value = round(amplitude * 32767 * math.sin(2 * math.pi * frequency * n / rate))
        samples += struct.pack("<h", value) * channels
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(samples))
    return path


@pytest.fixture
def make_wav() -> Callable[..., Path]:
    return write_wav


@pytest.fixture
def write_session(tmp_path: Path) -> Callable[[str, str], Path]:
    """Writes a session file (dedented YAML) into tmp_path and returns its path."""
    import textwrap

    def write(text: str, name: str = "session.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def kokoro_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder (XDG_DATA_HOME) holding the Kokoro model, put together from its installed
    parts by the real code once for each test process."""
    home = tmp_path_factory.mktemp("kokoro-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(home))
        from player.sound.engines import kokoro_model

        kokoro_model.assemble()
    return home


@pytest.fixture
def kokoro_model(kokoro_home: Path, isolated_home: Path) -> Path:
    """The test's own data folder, with the shared Kokoro model linked into it."""
    from player.sound.engines.kokoro_model import MODEL_NAME, model_path

    target = model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(kokoro_home / "meditate" / "kokoro" / MODEL_NAME, target)
    return target
