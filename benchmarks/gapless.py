"""Is live playback gapless? `meditate play` recorded from a PulseAudio null sink vs its export.

Run (as root, on Linux; Debian packages are installed when missing):

    /tmp/v/bin/python benchmarks/gapless.py [--session NAME_OR_PATH] [--minutes 2]
        [--from TIME] [--device alsa|simpleaudio] [--buffer 500ms] [--keep]

A check, not a CI test: it plays in real time and depends on the machine's scheduling.

- A private PulseAudio server runs with a null sink (`test`), in a temporary HOME and
  XDG_RUNTIME_DIR whose `.asoundrc` sends ALSA's default device, and so simpleaudio, to it
  (see DESIGN.md, "Playback with simpleaudio"). It is stopped at the end whatever happens.
- `parec` records the sink's monitor while `meditate play SESSION` plays with the default
  preroll (MEDITATE_PREROLL is removed from its environment), with no terminal, on the default
  device or the one --device names (MEDITATE_DEVICE), with --buffer as MEDITATE_BUFFER.
- `meditate export SESSION -o export.wav` writes what playback should have produced.
  The generated session uses copies of the bundled clips, kept in the temporary folder.
- The recording is aligned with the export by normalised cross-correlation (numpy FFT) of a
  one-second window at the export's first loud part, then compared frame by frame over the
  whole session, leaving out the first 10 ms of the stream (DESIGN.md: a stream's first ~406
  frames may differ in the monitor). Runs of differing frames are dropouts; runs closer than
  10 ms, or separated only by digital silence, count as one. When the recording stops
  matching for good, it is aligned again after the dropout, so a gap that delays the rest of
  the sound is reported once, with how far it moved the sound, rather than as one run to the
  end.

A stall of the player longer than the device's ALSA buffer (simpleaudio's is fixed at 100 ms;
the alsa device holds MEDITATE_BUFFER, 500 ms unless set) is an ALSA underrun: the device
recovers and writes the same frames again, so nothing is lost, but the sound pauses. Here
each such pause lasts about 2 s whatever the stall (the null sink's latency with parec's
default fragment), so count the dropouts rather than weigh their length. simpleaudio prints
"underrun occurred" on stderr for each; the player's stderr is shown.

Reports the dropouts (count, total length, where the first few are), the realtime factor of
playback (wall time of `meditate play` / session length, start-up and drain included) and
frames missing at the end. Goal: no dropouts. Exit 0 when there are none and nothing is
missing, 1 otherwise; 2 when the check could not be made: a set-up step failed, or the
session's sound changed during the run (it is exported before and after playing, and the two
must be identical: files or player code edited meanwhile make the comparison meaningless).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np

RATE = 44100
CHANNELS = 2
SKIP_FRAMES = RATE // 100  # the start of a PulseAudio stream differs: leave out 10 ms
BRIDGE_FRAMES = RATE // 100  # matching stretches shorter than this do not end a dropout
WINDOW_FRAMES = RATE  # length of the window used to align the recording
SEARCH_SECONDS = 60.0  # how far into the recording the session's first loud part may be found
REALIGN_SECONDS = 30.0  # how far a dropout may delay the rest of the sound
REALIGN_BEFORE_SECONDS = 5.0  # and how far it may bring it forward
PROBE_FRAMES = RATE // 10  # window that finds the sound again after a dropout
MAX_REALIGNMENTS = 200
SHOWN = 8  # dropouts listed in the summary
CLEARED = (  # the player must use its defaults and our server, whatever the caller had set
    "MEDITATE_PREROLL",
    "MEDITATE_DEVICE",
    "MEDITATE_BUFFER",
    "PULSE_SERVER",
    "PULSE_SINK",
    "PULSE_SOURCE",
    "PULSE_RUNTIME_PATH",
    "XDG_CONFIG_HOME",
    "ALSA_CONFIG_PATH",
)
PACKAGES = ("pulseaudio", "pulseaudio-utils", "libasound2-plugins")
CLIPS = (
    "narration/three-breaths/01-arrive.ogg",
    "narration/three-breaths/02-in.ogg",
    "narration/three-breaths/03-out.ogg",
    "narration/three-breaths/04-return.ogg",
)
PULSE_SCRIPT = """\
load-module module-null-sink sink_name=test rate=44100 format=s16le channels=2
set-default-sink test
load-module module-native-protocol-unix
"""
# parec with its default fragment (about 2 s): holds back what it records, and what it holds when
# it is stopped is lost, so it is stopped only FLUSH_SECONDS after playback. Smaller fragments
# (--latency-msec=100) make the monitor miss the first ~75 ms of each new stream: PulseAudio
# rewinds the sink to mix a new stream in at once, and audio the monitor has already handed to
# parec cannot be rewound. With the default fragment, it can.
PAREC = [
    "parec", "--device=test.monitor", "--raw", "--format=s16le", "--rate=44100", "--channels=2",
]  # fmt: skip
FLUSH_SECONDS = 3.0


# -- set-up


def fail(message: str) -> NoReturn:
    """Stop: the check could not be made (exit status 2)."""
    print(f"gapless: {message}", file=sys.stderr)
    raise SystemExit(2)


def meditate() -> str:
    return shutil.which("meditate", path=str(Path(sys.executable).parent)) or "meditate"


def ensure_packages() -> None:
    """Install the PulseAudio server, its tools and ALSA's pulse plugin when missing."""
    if shutil.which("dpkg-query") is None:
        if shutil.which("pulseaudio") and shutil.which("parec"):
            print("Not Debian: using the pulseaudio and parec found on PATH")
            return
        fail(f"install PulseAudio, its tools and ALSA's pulse plugin ({', '.join(PACKAGES)})")
    missing = [name for name in PACKAGES if not installed(name)]
    if not missing:
        print(f"Debian packages present: {', '.join(PACKAGES)}")
        return
    command = ["apt-get", "install", "-y", "-qq", *missing]
    print(f"Installing {', '.join(missing)}: {' '.join(command)}", flush=True)
    environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(command, env=environ, check=False).returncode != 0:
        print("apt-get install failed; running apt-get update -qq and trying again", flush=True)
        updated = subprocess.run(["apt-get", "update", "-qq"], env=environ, check=False)
        if updated.returncode or subprocess.run(command, env=environ, check=False).returncode:
            fail(f"could not install {', '.join(missing)} (this needs root)")


def installed(package: str) -> bool:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return done.returncode == 0 and done.stdout.strip().endswith(" installed")


def sound_environment(folder: Path) -> dict[str, str]:
    """The environment of the server, parec and the player: everything points into `folder`.

    The loudness cache stays where the user's is, so clips are not measured again.
    """
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    environ = {**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder / "run")}
    environ["XDG_CACHE_HOME"] = cache
    for name in CLEARED:
        environ.pop(name, None)
    return environ


@contextmanager
def pulse_server(folder: Path, environ: dict[str, str]) -> Iterator[None]:
    """A private PulseAudio server with a null sink named `test`, stopped on the way out."""
    runtime = Path(environ["XDG_RUNTIME_DIR"])
    runtime.mkdir(mode=0o700, exist_ok=True)
    (folder / ".asoundrc").write_text("pcm.!default { type pulse }\n")
    script = folder / "null-sink.pa"
    script.write_text(PULSE_SCRIPT)
    command = ["pulseaudio", "-n", "-F", str(script), "--daemonize=yes", "--exit-idle-time=-1"]
    print(f"Starting PulseAudio: {' '.join(command)}", flush=True)
    try:
        started = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
        if started.returncode != 0:
            fail(f"pulseaudio did not start:\n{started.stderr}")
        deadline = time.monotonic() + 10.0
        while subprocess.run(["pactl", "info"], env=environ, capture_output=True).returncode:
            if time.monotonic() > deadline:
                fail("pulseaudio started but does not answer `pactl info`")
            time.sleep(0.05)
        yield
    finally:
        stop_pulse_server(environ)


def stop_pulse_server(environ: dict[str, str]) -> None:
    pid_file = Path(environ["XDG_RUNTIME_DIR"]) / "pulse" / "pid"
    pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
    subprocess.run(["pulseaudio", "--kill"], env=environ, capture_output=True, check=False)
    deadline = time.monotonic() + 3.0
    while pid is not None and alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid is not None and alive(pid):
        os.kill(pid, signal.SIGKILL)
    print("PulseAudio stopped")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def session_text(minutes: float, clips: tuple[float, ...] = (6.2, 1.6, 1.7, 4.4)) -> str:
    """About `minutes` of bells, narration and silence over a synthesised ocean bed.

    `clips` holds the lengths of the four CLIPS in seconds.
    """
    cycle = clips[1] + 3.0 + clips[2] + 5.0  # 02-in, silence, 03-out, silence
    fixed = 12.0 + clips[0] + 4.0 + 8.0 + clips[3] + 5.0  # bells: bowl 12 s, bell 8 s, chime 5 s
    repeats = max(2, int((minutes * 60 - fixed - 3.0) / cycle))
    tail = max(3.0, minutes * 60 - fixed - repeats * cycle)

    def breathing(count: int) -> list[str]:
        return [
            f"  - repeat: {count}",
            "    steps:",
            f"      - narration: {CLIPS[1]}",
            "        text: Breathe in slowly.",
            "      - silence: 3s",
            f"      - narration: {CLIPS[2]}",
            "        text: And let it go.",
            "      - silence: 5s",
        ]

    lines = [
        f"title: Gapless check, {minutes:g} minutes",
        "ambient:",
        "  - sound: synth:ocean",
        "    volume: -20 dB",
        "    fade_in: 3s",
        "    fade_out: 4s",
        "    duck: 6 dB",
        "steps:",
        "  - bell: singing-bowl",
        "  - chapter: Arriving",
        f"  - narration: {CLIPS[0]}",
        "    text: Wherever you are, let yourself stop for a moment.",
        "  - silence: 4s",
        "  - chapter: Breathing",
        *breathing(repeats // 2),
        "  - bell: bell",
        *breathing(repeats - repeats // 2),
        "  - chapter: Returning",
        f"  - narration: {CLIPS[3]}",
        "    text: Notice how you feel now.",
        f"  - silence: {tail:.2f}s",
        "  - bell: chime",
    ]
    return "\n".join(lines) + "\n"


def bundled_audio() -> Path:
    """The bundled audio/ folder that session paths resolve against."""
    try:
        from player.common.paths import bundled_audio_dir
    except ImportError:
        return Path(__file__).resolve().parents[1] / "audio"
    return bundled_audio_dir()


def generate_session(folder: Path, minutes: float) -> Path:
    """Write the generated session, with copies of its clips beside it.

    Paths resolve against the session's folder first, so play and export read these copies
    even if someone regenerates the bundled clips meanwhile.
    """
    import mutagen

    lengths = []
    for clip in CLIPS:
        target = folder / clip
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled_audio() / clip, target)
        lengths.append(mutagen.File(target).info.length)
    session = folder / f"gapless-{minutes:g}m.yaml"
    session.write_text(session_text(minutes, tuple(lengths)))
    return session


def resolve_session(name: str) -> Path:
    """The session's file, found in the caller's own environment (its HOME and folders)."""
    shown = subprocess.run(
        [meditate(), "show", name, "--json"], capture_output=True, text=True, check=False
    )
    if shown.returncode != 0:
        fail(f"meditate show {name} failed:\n{shown.stderr}")
    return Path(json.loads(shown.stdout)["path"])


# -- playing, recording, exporting


@dataclass(frozen=True)
class CpuTimes:
    """Seconds of CPU time since boot, over all CPUs (/proc/stat), and the players' own."""

    busy: float
    steal: float  # a virtual machine's CPUs waiting for the host
    total: float
    children: float  # user + system time of waited-for child processes

    @staticmethod
    def now() -> CpuTimes:
        fields = [int(x) for x in Path("/proc/stat").read_text().split()[1:9]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields
        tick = os.sysconf("SC_CLK_TCK")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return CpuTimes(
            (user + nice + system + irq + softirq) / tick,
            steal / tick,
            sum(fields) / tick,
            usage.ru_utime + usage.ru_stime,
        )


@dataclass(frozen=True)
class Playback:
    wall: float  # seconds from starting `meditate play` to its exit
    cpu_before: CpuTimes
    cpu_after: CpuTimes
    output: str  # what `meditate play` printed on stdout
    errors: str  # and on stderr (ALSA reports underruns there)


def play_and_record(
    session: Path, extra: list[str], environ: dict[str, str], capture: Path
) -> Playback:
    """Record the sink's monitor while `meditate play` runs; stop the recording soon after."""
    with capture.open("wb") as sink:
        recorder = subprocess.Popen(PAREC, env=environ, stdout=sink, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10.0
        while capture.stat().st_size == 0:
            if recorder.poll() is not None or time.monotonic() > deadline:
                error = recorder.stderr.read().decode() if recorder.stderr else ""
                fail(f"parec is not recording:\n{error}")
            time.sleep(0.005)
        time.sleep(0.3)
        print(f"Recording: {' '.join(PAREC)}", flush=True)
        command = [meditate(), "play", str(session), *extra]
        print(f"Playing (real time): {' '.join(command)}", flush=True)
        before = CpuTimes.now()
        started = time.monotonic()
        done = subprocess.run(
            command, env=environ, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        wall = time.monotonic() - started
        after = CpuTimes.now()
        if done.returncode != 0:
            fail(f"meditate play failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        time.sleep(FLUSH_SECONDS)
    finally:
        if recorder.poll() is None:
            recorder.send_signal(signal.SIGINT)
            try:
                recorder.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                recorder.kill()
                recorder.wait()
    return Playback(wall, before, after, done.stdout, done.stderr)


def export_wav(session: Path, extra: list[str], environ: dict[str, str], target: Path) -> None:
    command = [meditate(), "export", str(session), "-o", str(target), "--force", "-q", *extra]
    print(f"Exporting: {' '.join(command)}", flush=True)
    done = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"meditate export failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as source:
        if (source.getframerate(), source.getnchannels(), source.getsampwidth()) != (RATE, 2, 2):
            fail(f"{path}: expected 44.1 kHz 16-bit stereo")
        data = source.readframes(source.getnframes())
    return np.frombuffer(data, dtype="<i2").reshape(-1, CHANNELS)


def read_raw(path: Path) -> np.ndarray:
    size = path.stat().st_size // (2 * CHANNELS)
    if size == 0:
        return np.zeros((0, CHANNELS), dtype="<i2")
    return np.memmap(path, dtype="<i2", mode="r", shape=(size, CHANNELS))


# -- alignment and comparison


def first_loud_frame(reference: np.ndarray) -> int:
    """Where the reference first reaches a quarter of its peak level (in the first minutes)."""
    head = np.abs(reference[: round(SEARCH_SECONDS * RATE)].astype(np.int32)).max(axis=1)
    peak = int(head.max()) if len(head) else 0
    if peak == 0:
        return SKIP_FRAMES
    return int(np.argmax(head >= peak // 4))


def find_offset(
    reference: np.ndarray,
    recording: np.ndarray,
    at: int,
    low: int,
    high: int,
    frames: int = WINDOW_FRAMES,
) -> tuple[int, float]:
    """The offset d (recording[i + d] == reference[i]) that best fits `frames` from `at`.

    Searches lags that put the window's start in recording[low:high]; returns the offset and
    its normalised correlation (1.0 for an exact copy).
    """
    window = reference[at : at + frames].astype(np.float64).sum(axis=1)
    low, high = max(low, 0), min(high, len(recording) - len(window))
    if high <= low or not window.any():
        return 0, 0.0
    segment = recording[low : high + len(window)].astype(np.float64).sum(axis=1)
    size = 1 << int(len(segment) + len(window) - 1).bit_length()
    spectrum = np.fft.rfft(segment, size) * np.conj(np.fft.rfft(window, size))
    correlation = np.fft.irfft(spectrum, size)[: len(segment) - len(window) + 1]
    energy = np.concatenate(([0.0], np.cumsum(segment**2)))
    local = energy[len(window) :] - energy[: -len(window)]
    score = correlation / np.sqrt(np.maximum(local, 1e-9) * float(window @ window))
    best = int(np.argmax(score))
    return low + best - at, float(score[best])


def differing(
    reference: np.ndarray, recording: np.ndarray, start: int, stop: int, offset: int
) -> np.ndarray:
    """For each reference frame in [start, stop), whether the recording differs there."""
    out = np.empty(max(stop - start, 0), dtype=bool)
    step = 1 << 22
    for at in range(start, stop, step):
        end = min(at + step, stop)
        ours = reference[at:end]
        theirs = recording[at + offset : end + offset]
        out[at - start : end - start] = np.any(ours != theirs, axis=1)
    return out


def stretches(mask: np.ndarray) -> list[tuple[int, int]]:
    """The [start, end) runs of True in `mask`."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def resumes(reference: np.ndarray, start: int, end: int) -> bool:
    """Whether a stretch of matching frames shows the recording is back in step."""
    return end - start >= BRIDGE_FRAMES and bool(reference[start:end].any())


def dropout_runs(reference: np.ndarray, mask: np.ndarray, base: int) -> list[tuple[int, int]]:
    """Runs of differing frames (absolute), joined across matches that do not show a resume."""
    runs: list[tuple[int, int]] = []
    for start, end in stretches(mask):
        start, end = start + base, end + base
        if runs and not resumes(reference, runs[-1][1], start):
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


@dataclass(frozen=True)
class Dropout:
    start: int  # first reference frame the recording gets wrong
    length: int  # reference frames until the recording matches again
    shift: int  # frames the rest of the sound moved (positive: it came later)
    offset: int  # recording frame of reference frame 0 before the dropout

    @property
    def affected(self) -> int:
        """Frames of sound that were wrong: those that differ, and a gap that delayed the rest."""
        return self.length + max(self.shift, 0)


@dataclass(frozen=True)
class Comparison:
    offset: int  # recording frame of reference frame 0
    score: float  # correlation at that offset
    compared: int  # reference frames compared
    dropouts: list[Dropout]
    missing_end: int  # reference frames at the end that the recording never got
    final_offset: int  # offset after the last dropout


def realign(
    reference: np.ndarray, recording: np.ndarray, first: int, offset: int
) -> tuple[int, int] | None:
    """After a dropout that starts at reference frame `first`, where does the sound go on?

    Probes the reference from `first` onwards in PROBE_FRAMES steps (content may have been
    skipped), looks for each probe in the recording from REALIGN_BEFORE_SECONDS before to
    REALIGN_SECONDS after where it was due, and accepts only an exact copy. Returns the new
    offset and the reference frame from which the recording matches at it, or None.
    """
    end = min(len(reference), first + round(REALIGN_SECONDS * RATE))
    before, after = round(REALIGN_BEFORE_SECONDS * RATE), round(REALIGN_SECONDS * RATE)
    for probe in range(first, end - PROBE_FRAMES, PROBE_FRAMES):
        window = reference[probe : probe + PROBE_FRAMES]
        if not window.any():
            continue  # silence fits anywhere
        due = probe + offset
        moved, fit = find_offset(
            reference, recording, probe, due - before, due + after, PROBE_FRAMES
        )
        there = recording[probe + moved : probe + moved + PROBE_FRAMES]
        if fit < 0.999 or not np.array_equal(window, there):
            continue
        # back from the probe to where the match at the new offset begins
        mask = differing(reference, recording, first, probe, moved)
        wrong = np.flatnonzero(mask)
        return moved, first + (int(wrong[-1]) + 1 if len(wrong) else 0)
    return None


def compare(reference: np.ndarray, recording: np.ndarray) -> Comparison:
    loud = first_loud_frame(reference)
    at = min(max(loud - RATE // 10, RATE // 5), max(len(reference) - WINDOW_FRAMES, 0))
    offset, score = find_offset(
        reference, recording, at, 0, at + round(SEARCH_SECONDS * RATE) + WINDOW_FRAMES
    )
    start_offset = offset
    dropouts: list[Dropout] = []
    end = len(reference)
    position = SKIP_FRAMES
    for _ in range(MAX_REALIGNMENTS):
        stop = min(end, len(recording) - offset)
        if stop <= position:
            break
        mask = differing(reference, recording, position, stop, offset)
        runs = dropout_runs(reference, mask, position)
        if runs and resumes(reference, runs[-1][1], stop):
            runs.append((stop, stop))  # the last dropout ended too: nothing left to realign
        dropouts += [Dropout(a, b - a, 0, offset) for a, b in runs[:-1] if b > a]
        if not runs or runs[-1][0] == stop:
            position = stop
            break
        # from `first` on, the recording never gets back in step: find where the sound went on
        first = runs[-1][0]
        found = realign(reference, recording, first, offset)
        if found is None or (found[1] <= first and found[0] == offset):
            dropouts.append(Dropout(first, stop - first, 0, offset))
            position = stop
            break
        moved, resume = found
        dropouts.append(Dropout(first, resume - first, moved - offset, offset))
        position, offset = resume, moved
    else:
        print(f"gave up after {MAX_REALIGNMENTS} realignments", file=sys.stderr)
    compared = max(0, min(end, len(recording) - offset) - SKIP_FRAMES)
    missing = max(0, end - max(len(recording) - offset, 0))
    return Comparison(start_offset, score, compared, dropouts, missing, offset)


# -- report


def report(
    session: Path,
    reference: np.ndarray,
    recording: np.ndarray,
    playback: Playback,
    result: Comparison,
    start_at: str | None = None,
) -> bool:
    length = len(reference) / RATE
    print()
    said = playback.output.strip().splitlines()
    print(f"Player said: {said[-1] if said else '(nothing)'}")
    errors = playback.errors.strip().splitlines()
    for line in dict.fromkeys(errors[:SHOWN]):
        print(f"Player's stderr: {line}")
    if errors:
        underruns = sum("underrun" in line for line in errors)
        print(f"  {len(errors)} lines on stderr, {underruns} of them ALSA underruns")
    part = f" from {start_at}" if start_at else ""
    print(f"Session: {session}{part}: {length:.1f} s of sound ({len(reference)} frames)")
    print(f"Recording: {len(recording) / RATE:.1f} s ({len(recording)} frames)")
    print(
        f"Alignment: export frame 0 at recording frame {result.offset} "
        f"(correlation {result.score:.4f})"
    )
    if result.score < 0.9:
        print("  weak correlation: the recording may not contain the session at all")
    print(
        f"Playback: {playback.wall:.2f} s of wall time for {length:.2f} s of sound, realtime "
        f"factor {playback.wall / length:.4f} (start-up and the final drain included)"
    )
    before, after = playback.cpu_before, playback.cpu_after
    total = after.total - before.total
    print(
        f"Machine while playing: {os.cpu_count()} CPUs "
        f"{(after.busy - before.busy) / max(total, 1e-9):.0%} busy, steal "
        f"{after.steal - before.steal:.2f} s; the player used "
        f"{after.children - before.children:.2f} s of CPU"
    )
    lost = sum(d.affected for d in result.dropouts)
    print(
        f"Compared {result.compared} frames ({result.compared / RATE:.1f} s) sample by sample, "
        f"leaving out the stream's first {SKIP_FRAMES} frames"
    )
    print(f"Dropouts: {len(result.dropouts)}, {lost / RATE * 1000:.1f} ms in all (goal: none)")
    for dropout in result.dropouts[:SHOWN]:
        parts = []
        if dropout.length:
            parts.append(f"{dropout.length} frames wrong ({dropout.length / RATE * 1000:.1f} ms)")
        if dropout.shift > 0:
            parts.append(f"a gap of {dropout.shift / RATE * 1000:.1f} ms delays the rest")
        if dropout.shift < 0:
            parts.append(f"{-dropout.shift / RATE * 1000:.1f} ms of sound skipped")
        line = f"  at {dropout.start / RATE:8.3f} s: " + ", ".join(parts)
        if is_silent(recording, dropout):
            line += " [the recording is silent there]"
        print(line)
    if len(result.dropouts) > SHOWN:
        print(f"  ... and {len(result.dropouts) - SHOWN} more")
    shift = result.final_offset - result.offset
    if shift:
        print(f"Sound at the end is {shift / RATE * 1000:+.1f} ms off where a gapless play puts it")
    missing = result.missing_end
    print(f"Frames missing at the end: {missing} ({missing / RATE * 1000:.1f} ms)")
    ok = not result.dropouts and result.missing_end == 0 and result.score >= 0.9
    print("RESULT:", "gapless" if ok else "NOT gapless")
    return ok


def is_silent(recording: np.ndarray, dropout: Dropout) -> bool:
    """Whether the recording holds digital silence over most of the dropout (an underrun)."""
    start = dropout.start + dropout.offset
    part = recording[max(start, 0) : max(start + dropout.affected, 0)]
    return len(part) > 0 and float(np.mean(np.all(part == 0, axis=1))) > 0.9


def stop_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl-C, so the server, parec and the player are stopped."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background
        signal.signal(signal.SIGINT, interrupt)


def main() -> int:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--session", help="session name or YAML path (default: generated)")
    parser.add_argument("--minutes", type=float, default=2.0, help="length of the generated one")
    parser.add_argument(
        "--from", dest="start_at", metavar="TIME", help="start part-way (meditate play --from)"
    )
    parser.add_argument(
        "--device", choices=("alsa", "simpleaudio"), help="MEDITATE_DEVICE (default: the default)"
    )
    parser.add_argument("--buffer", help="MEDITATE_BUFFER for the alsa device, such as 500ms")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("warning: not root; installing packages and the PulseAudio set-up may fail")
    ensure_packages()
    folder = Path(tempfile.mkdtemp(prefix="gapless-"))
    try:
        if args.session:
            session = resolve_session(args.session)
        else:
            session = generate_session(folder, args.minutes)
            print(f"Generated session: {session}")
        extra = ["--from", args.start_at] if args.start_at else []
        environ = sound_environment(folder)
        if args.device:
            environ["MEDITATE_DEVICE"] = args.device
        if args.buffer:
            environ["MEDITATE_BUFFER"] = args.buffer
        print(
            f"Device: MEDITATE_DEVICE={environ.get('MEDITATE_DEVICE', '')} "
            f"MEDITATE_BUFFER={environ.get('MEDITATE_BUFFER', '')} (empty: the default)"
        )
        capture = folder / "recording.raw"
        export = folder / "export.wav"
        export_wav(session, extra, environ, export)
        with pulse_server(folder, environ):
            playback = play_and_record(session, extra, environ, capture)
        after = folder / "export-after.wav"
        export_wav(session, extra, environ, after)
        if not filecmp.cmp(export, after, shallow=False):
            print(
                "The export changed while the session played: its files or the player's code "
                "were edited meanwhile, so play and export cannot be compared. Run again."
            )
            return 2
        reference = read_wav(export)
        recording = read_raw(capture)
        result = compare(reference, recording)
        ok = report(session, reference, recording, playback, result, args.start_at)
        if args.keep:
            print(f"Kept {folder}: recording.raw (s16le stereo 44.1 kHz), export.wav")
            print(f"  (and export-after.wav, the same export made after playing; {session.name})")
            print(f"  alignment: export frame i is recording frame i + {result.offset}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("gapless: interrupted; everything it started is stopped", file=sys.stderr)
        sys.exit(130)
