"""Time from `meditate play` to the first bytes reaching the ALSA device, and memory while playing.

Run: .venv/bin/python benchmarks/play_start.py [--runs 5] [--listen 40] [--cold]
        [--sessions grounding,s5,s60,user5,user30] [--voice festival [--narrate 90]]

- Start latency: ALSA's file plugin stands in for the card (a temporary HOME with an
  .asoundrc); the script polls the capture file and notes when its first bytes appear.
  Default preroll. Sessions: a bundled one by name (grounding, heart-opening, ...), `sN` a
  generated N-minute session of bundled clips, `userN` a generated N-minute session of a
  user's own clips in several formats (MP3, FLAC, WAV, M4A, Opus, made here from the bundled
  ones), so nothing about them can be known in advance.
  Warm (default): the caches are filled by one run first. Goal: under 0.15 s.
  --cold: every run starts with an empty cache folder (XDG_CACHE_HOME and MEDITATE_CACHE),
  as a new user's first play of the session. Goal: under 0.3 s.
  --voice ENGINE[:VOICE]: every play speaks the narration with that voice, nothing of it
  spoken yet (the voice speaks while it plays): warm, only the cache's spoken lines are
  removed before each run, as when someone tries a new voice; --cold, everything, as a new
  user's first play with it. Goal: the same as without a voice.
- Waiting for the voice: --voice with --narrate SECONDS plays the first session that long
  with an empty cache, stops it as Ctrl-C does, and prints what it said of waiting for the
  voice and how many lines were spoken. ALSA's file plugin takes the first ~18 s of sound at
  once, then paces in real time: a wait right at the start means the voice was slower than
  that burst, not than a listener.
- Memory: the 60-minute session played in real time on MEDITATE_DEVICE=silent for --listen
  seconds, then stopped with Ctrl-C; peak RSS (VmHWM) of the player. Goal: at most the
  session's PCM size plus 100 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import session_text

AUDIO = Path(__file__).resolve().parent.parent / "audio"


def meditate() -> str:
    return shutil.which("meditate", path=str(Path(sys.executable).parent)) or "meditate"


USER_FORMATS = [("mp3", ["-b:a", "128k"]), ("flac", []), ("wav", []), ("m4a", ["-b:a", "96k"]),
                ("opus", ["-b:a", "64k"])]  # fmt: skip


def first_bytes(
    session: str, home: Path, capture: Path, cache: Path | None = None, voice: str | None = None
) -> tuple[float, float]:
    """Seconds until the first bytes reach the device, and the CPU seconds meditate had used
    by then (its own: what a busy machine does not distort)."""
    capture.unlink(missing_ok=True)
    env = player_env(home, cache)
    if voice and cache is None:  # the rest of the cache warm: no line spoken yet
        shutil.rmtree(home / ".cache" / "meditate" / "speech", ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [meditate(), "play", session, "--no-log", *(["--voice", voice] if voice else [])],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen = None
    cpu = 0.0
    while seen is None and process.poll() is None:
        try:
            if capture.stat().st_size > 0:
                seen = time.perf_counter() - started
                cpu = cpu_seconds(process.pid)
        except FileNotFoundError:
            pass
        time.sleep(0.0005)
    process.send_signal(signal.SIGINT)  # as Ctrl-C: a narrator's engine is stopped with it
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if seen is None:
        sys.exit("no bytes reached the device")
    return seen, cpu


def cpu_seconds(pid: int) -> float:
    """User and system time a running process has used (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def player_env(home: Path, cache: Path | None) -> dict[str, str]:
    """HOME with the .asoundrc of the file device; an empty cache folder when given."""
    env = {**os.environ, "HOME": str(home)}
    # the data folder stays the user's: installed voices and the Kokoro model, put together
    # once (`meditate voices --install kokoro`), as a user has them
    env.setdefault("XDG_DATA_HOME", str(Path.home() / ".local" / "share"))
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        env["XDG_CACHE_HOME"] = str(cache)
        env["MEDITATE_CACHE"] = str(cache / "meditate")
    env.pop("MEDITATE_PREROLL", None)
    return env


def narrated(
    session: str, voice: str, seconds: float, home: Path, cache: Path, capture: Path
) -> None:
    """Play `session` with `voice` and an empty cache for `seconds`, then stop it as Ctrl-C
    does: print what it said of waiting for the voice, and when each line was spoken against
    when a listener in real time would hear it (the file device is faster at first)."""
    env = player_env(home, cache)
    capture.unlink(missing_ok=True)
    speech_folder = cache / "meditate" / "speech"
    logs = home / "narrated.out", home / "narrated.err"
    started = time.perf_counter()
    with logs[0].open("w") as out_file, logs[1].open("w") as err_file:
        process = subprocess.Popen(
            [meditate(), "play", session, "--no-log", "--voice", voice], env=env,
            stdin=subprocess.DEVNULL, stdout=out_file, stderr=err_file,
        )  # fmt: skip
        first_sound = None
        ready: dict[str, float] = {}  # each clip, when it was kept
        while process.poll() is None and time.perf_counter() - started < seconds:
            now = time.perf_counter()
            if first_sound is None and capture.exists() and capture.stat().st_size:
                first_sound = now
            if speech_folder.is_dir():
                for clip in speech_folder.glob("*.wav"):
                    ready.setdefault(clip.name, now)
            time.sleep(0.02)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    wall = time.perf_counter() - started
    out, err = logs[0].read_text(), logs[1].read_text()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    shown = subprocess.run(
        [meditate(), "show", session, "--voice", voice, "--json"], env=env,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    import json

    speech = [e for e in json.loads(shown)["events"] if e["kind"] == "narration"]
    heard = sum(1 for e in speech if not e["estimated"])
    print(f"{session} --voice {voice}, empty cache, {wall:.0f} s of playback on the file device:")
    for line in out.splitlines():
        if "wait" in line.lower() or line.startswith(("Stopped", "Finished")):
            print(f"  {line}")
    if "Waited for the voice" not in out:
        print("  no narration had to wait")
    print(f"  {len(ready)} lines spoken and kept, {heard} of the {len(speech)} narration events "
          f"placed by them (meditate and its engines: "
          f"{usage.ru_utime + usage.ru_stime:.1f} s of CPU)")  # fmt: skip
    if first_sound is not None:
        leads = [
            (event["start"] - (ready[Path(event["source"]).name] - first_sound), event["start"])
            for event in speech
            if Path(event["source"]).name in ready
        ]
        late = [start for lead, start in leads if lead < 0]
        lead, at = min(leads) if leads else (0.0, 0.0)
        print(
            f"  heard in real time from its first sound, {len(late)} of {len(leads)} lines would "
            f"wait; the tightest was ready {lead:.1f} s before it is heard (at {at:.0f} s)"
        )
    if err.strip():
        print(f"  stderr: {err.strip()}")


def peak_rss_while_playing(session: Path, seconds: float) -> int:
    env = {**os.environ, "MEDITATE_DEVICE": "silent"}
    process = subprocess.Popen(
        [meditate(), "play", str(session)], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(seconds)
    status = Path(f"/proc/{process.pid}/status").read_text()
    process.send_signal(signal.SIGINT)
    process.wait()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) * 1024


def generated(name: str, folder: Path) -> str:
    """The session to play for `name`: a bundled one's name, or a generated script's path."""
    digits = name.removeprefix("user").removeprefix("s")
    if not digits.isdigit():
        return name
    minutes = int(digits)
    if name.startswith("user"):
        text = user_session(minutes, folder / name)
    else:
        text = session_text(max(minutes, 10))
        if minutes < 10:
            text = text.replace("repeat: 20", f"repeat: {max(1, minutes * 2)}")
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return str(path)


def user_session(minutes: int, folder: Path) -> str:
    """About `minutes` of a user's own clips, every one a different file, in several formats
    (made here from the bundled clips), with a synthesised bed and a bell."""
    folder.mkdir(parents=True, exist_ok=True)
    bundled = sorted(AUDIO.glob("narration/*/*.ogg"))
    lines = [
        f"title: A user's {minutes} minutes",
        "ambient:",
        "  - sound: synth:brown-noise",
        "    volume: -22 dB",
        "    duck: 6 dB",
        "steps:",
        "  - bell: singing-bowl",
    ]
    for index in range(minutes * 2):  # a clip of a few seconds and 20 s of quiet each 30 s
        extension, options = USER_FORMATS[index % len(USER_FORMATS)]
        source = bundled[index % len(bundled)]
        copy = folder / f"{index:03d}-{source.stem}.{extension}"
        if index < len(bundled) * len(USER_FORMATS):
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-i", str(source), *options, str(copy)],
                check=True,
            )  # fmt: skip
        else:
            copy = folder / f"{index % (len(bundled) * len(USER_FORMATS)):03d}-{source.stem}"
            copy = copy.with_suffix(f".{extension}")
        lines += [f"  - narration: {copy}", "    text: A line of guidance.", "  - silence: 20s"]
    lines.append("  - bell: singing-bowl")
    return "\n".join(lines) + "\n"


def compiled() -> None:
    """The package's bytecode written, as `pip install` writes it: a start that compiles the
    modules it imports (PYTHONDONTWRITEBYTECODE set, or a fresh checkout) is slower by a tenth
    of a second than any user's."""
    import compileall

    import player

    compileall.compile_dir(str(Path(player.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--listen", type=float, default=40.0, help="0: no memory measurement")
    parser.add_argument("--cold", action="store_true", help="an empty cache for every run")
    parser.add_argument("--sessions", default="s5,s60")
    parser.add_argument("--voice", help="play with --voice ENGINE[:VOICE] (see meditate voices)")
    parser.add_argument(
        "--narrate", type=float, default=0.0, metavar="SECONDS",
        help="with --voice: play the first session this long, its cache empty, and say "
        "whether any narration had to wait for the voice",
    )  # fmt: skip
    args = parser.parse_args()
    compiled()
    goal = 0.3 if args.cold else 0.15
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        capture = folder / "captured.raw"
        (folder / ".asoundrc").write_text(
            f'pcm.!default {{ type file; slave.pcm "null"; file "{capture}"; format "raw" }}\n'
        )
        cache = folder / "cold-cache" if args.cold else None
        for name in args.sessions.split(","):
            session = generated(name, folder)
            if cache is None:
                first_bytes(session, folder, capture, None, args.voice)  # warm the caches once
            runs = [
                first_bytes(session, folder, capture, cache, args.voice) for _ in range(args.runs)
            ]
            times = [wall for wall, _ in runs]
            cpu = statistics.median(used for _, used in runs)
            voice = f", --voice {args.voice}" if args.voice else ""
            print(
                f"{name} ({'cold' if args.cold else 'warm'}{voice}): first bytes after "
                f"{statistics.median(times):.3f} s median, {min(times):.3f}-{max(times):.3f} s "
                f"over {args.runs} runs (goal < {goal} s); meditate's CPU by then "
                f"{cpu:.3f} s median; load average {os.getloadavg()[0]:.1f}"
            )
        if args.voice and args.narrate > 0:
            first = generated(args.sessions.split(",")[0], folder)
            narrated(first, args.voice, args.narrate, folder, folder / "narrated-cache", capture)
        if args.listen <= 0:
            return
        session = Path(generated("s60", folder))
        pcm = 0
        shown = subprocess.run(
            [meditate(), "show", str(session), "--json"], capture_output=True, text=True, check=True
        ).stdout
        import json

        pcm = round(json.loads(shown)["duration"] * 44100) * 4
        rss = peak_rss_while_playing(session, args.listen)
        print(
            f"60-minute session ({pcm / 2**20:.0f} MB of PCM), {args.listen:.0f} s of real-time "
            f"playback: peak RSS {rss / 2**20:.0f} MB (limit: PCM + 100 MB = "
            f"{pcm / 2**20 + 100:.0f} MB)"
        )


if __name__ == "__main__":
    main()
