"""What every narration engine offers, and how its program is run: as a separate process
(never imported: espeak-ng and piper are GPL), within a time limit, its failures told in one
line naming the engine and the step."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from player.common.errors import MeditateError

#: Seconds an engine may take to start, plus seconds for each word it speaks, before it is
#: taken to hang and stopped. MEDITATE_SPEECH_TIMEOUT replaces the whole limit.
START_SECONDS = 60.0
SECONDS_PER_WORD = 1.0


class SpeechFailure(MeditateError):
    """An engine is missing, or crashed, hung or wrote nothing usable."""


class UnknownVoice(MeditateError):
    """A voice (or voice file) the engine does not have; the message lists those it has."""


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine has, as `meditate voices` lists it."""

    name: str
    about: str = ""
    default: bool = False
    restriction: str = ""  # why its speech may not be shipped, when it may not
    language: str = ""  # BCP 47 (en-US, en-GB, es, fr, ...); "" when the engine cannot say


@dataclass(frozen=True)
class EngineVoice:
    """A voice found and ready to speak."""

    engine: str
    name: str  # as shown to the user
    identity: str  # everything about the engine and voice that decides the sound: cache keys
    seconds_per_word: float  # how slowly it speaks at speed 1, pauses not counted
    model: Path | None = None  # a voice file (Piper's .onnx, flite's .flitevox)
    options: tuple[tuple[str, str], ...] = ()  # engine-specific facts found while resolving


class Engine(ABC):
    """A text-to-speech program: which voices it has, and speaking phrases with one of them."""

    name: ClassVar[str]
    program_name: ClassVar[str]
    default_voice: ClassVar[str]
    install_hint: ClassVar[str]
    #: Seconds per word the default voice takes at speed 1, trimmed phrases without pauses,
    #: measured over the bundled narration texts by `benchmarks/voice.py --calibrate`.
    seconds_per_word: ClassVar[float]
    takes_pitch: ClassVar[bool] = False
    takes_model: ClassVar[str] = ""  # the suffix of a voice file it can load, if any
    #: Whether its speech goes through voicing's filters (EQ and room) before its level is
    #: set: on where they measured better for the engine's voices (benchmarks/voice.py).
    shaped: ClassVar[bool] = True

    def program(self) -> str | None:
        import shutil

        return shutil.which(self.program_name)

    def available(self) -> bool:
        return self.program() is not None

    def require(self) -> str:
        program = self.program()
        if program is None:
            raise SpeechFailure(self.install_hint)
        return program

    @abstractmethod
    def version(self) -> str:
        """The engine's own version, for cache keys and `meditate voices`."""

    @abstractmethod
    def voices(self) -> list[VoiceInfo]:
        """The voices installed for this engine."""

    @abstractmethod
    def resolve(self, name: str | None, model: Path | None) -> EngineVoice:
        """The voice `name` (None: the default) or the voice file `model`. Raises UnknownVoice."""

    @abstractmethod
    def speak(
        self, phrases: list[str], voice: EngineVoice, speed: float, pitch: int | None, work: Path
    ) -> list[Path]:
        """One 16-bit mono WAV per phrase, written under `work`; `speed` 1 is the voice's own
        pace, 2 twice as fast. Raises SpeechFailure."""

    def voice_for_language(self, language: str) -> VoiceInfo | None:
        """This engine's voice for `language` (BCP 47), or None: of the voices of that
        language, those that share most of its subtags (en-GB-scotland for en-GB before
        en-US), the default first, else the first listed."""
        wanted = language.lower().split("-")
        best: list[VoiceInfo] = []
        score = 0
        for voice in self.voices():
            tag = voice.language.lower().split("-") if voice.language else []
            if not tag or tag[0] != wanted[0]:
                continue
            shared = next(
                (i for i, (a, b) in enumerate(zip(tag, wanted, strict=False)) if a != b), None
            )
            matched = min(len(tag), len(wanted)) if shared is None else shared
            if matched > score:
                best, score = [voice], matched
            elif matched == score:
                best.append(voice)
        return next((voice for voice in best if voice.default), best[0] if best else None)

    def unknown_voice(self, name: str, hint: str = "") -> UnknownVoice:
        """No voice `name`: the closest name there is, and every one (then `hint`, if any)."""
        from player.session.problems import did_you_mean

        names = [v.name for v in self.voices()]
        known = ", ".join(names) or "none installed"
        more = f"; {hint}" if hint else ""
        return UnknownVoice(
            f"{self.name} has no voice {name!r}{did_you_mean(name, names)} (it has: {known}{more})"
        )


def time_limit(words: int, seconds_per_word: float = SECONDS_PER_WORD) -> float:
    override = os.environ.get("MEDITATE_SPEECH_TIMEOUT", "").strip()
    if override:
        try:
            return max(0.1, float(override))
        except ValueError:
            raise MeditateError(
                f"MEDITATE_SPEECH_TIMEOUT={override!r}: expected a number of seconds"
            ) from None
    return START_SECONDS + seconds_per_word * words


def speak_each(
    engine: str, phrases: list[str], work: Path, command: Callable[[str, Path], list[str]],
    *, on_stdin: bool = False,
) -> list[Path]:  # fmt: skip
    """Each phrase spoken by its own run of `command(phrase, wav)` into work/NNNN.wav, the
    phrase given on standard input when `on_stdin`."""
    outputs = []
    for index, phrase in enumerate(phrases):
        out = work / f"{index:04d}.wav"
        run_program(
            engine, "speaking", command(phrase, out), stdin=phrase if on_stdin else None,
            limit=time_limit(len(phrase.split())),
        )  # fmt: skip
        outputs.append(out)
    return outputs


def all_written(engine: str, outputs: list[Path]) -> list[Path]:
    """`outputs`, once each is found written. Raises SpeechFailure saying how many were."""
    missing = [out for out in outputs if not out.is_file()]
    if missing:
        raise SpeechFailure(
            f"{engine} failed while speaking: it wrote {len(outputs) - len(missing)} of "
            f"{len(outputs)} phrases"
        )
    return outputs


def run_program(
    engine: str,
    step: str,
    command: list[str],
    *,
    stdin: str | None = None,
    limit: float,
    cwd: Path | None = None,
) -> str:
    """Run one engine process for `step` (such as 'speaking'); its stdout, or SpeechFailure.

    The process leads its own process group, so a hang is ended with everything it started.
    """
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            start_new_session=True,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as error:
        raise SpeechFailure(f"{engine} could not be started for {step}: {error.strerror}") from None
    with running(process):
        try:
            out, err = process.communicate(stdin, timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise SpeechFailure(
                f"{engine} did not finish {step} within {limit:g} s and was stopped "
                "(MEDITATE_SPEECH_TIMEOUT sets another limit)"
            ) from None
        except BaseException:
            _kill_group(process)
            raise
    if process.returncode != 0:
        raise SpeechFailure(f"{engine} failed while {step}: {_reason(process.returncode, err)}")
    return out


_running: set[subprocess.Popen[str]] = set()
_running_lock = threading.Lock()


@contextlib.contextmanager
def running(process: subprocess.Popen[str]) -> Iterator[None]:
    """Keep `process` (an engine's, leading its own process group) known while it runs, so
    that `stop_engines` can end it from another thread. An engine that keeps a worker
    process between calls registers it the same way."""
    with _running_lock:
        _running.add(process)
    try:
        yield
    finally:
        with _running_lock:
            _running.discard(process)


def stop_engines() -> None:
    """End every engine process still running, with everything it started: what speaks in
    the background when the listener stops (Ctrl-C, q). The thread that waits on one sees
    it killed, and nothing half-made reaches the cache."""
    with _running_lock:
        processes = list(_running)
    for process in processes:
        _signal_group(process)


def _signal_group(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(OSError):
            process.kill()


def _kill_group(process: subprocess.Popen[str]) -> None:
    _signal_group(process)
    process.communicate()


def _reason(code: int, stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    said = lines[-1][:300] if lines else "it said nothing"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"it was killed by {name} ({said})"
    return f"exit status {code}: {said}"


@functools.cache
def program_output(command: tuple[str, ...]) -> str:
    """What a quick informational command prints (a version, a voice list), once a process."""
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout
