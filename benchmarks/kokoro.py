"""Kokoro's cost on this machine: loading the model, and CPU per second of speech.

    python benchmarks/kokoro.py [--voice af_heart] [--phrases 24] [--repeat 3]

Runs the engine as meditate does (espeak-ng reading the text, then one worker process for the
batch) and reads the CPU time of those processes from the kernel (RUSAGE_CHILDREN), so a busy
machine slows the wall time without changing much of the CPU time. `load` is a batch of one
word, almost all model loading; `speech` is the batch of the first N bundled narration
phrases, its load subtracted. Peak memory is the worker's (ru_maxrss of the children).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from voice import bundled_texts  # noqa: E402

from player.sound import pacing  # noqa: E402
from player.sound.engines import ENGINES  # noqa: E402


def timed_batch(phrases: list[str], voice_name: str, speed: float) -> dict[str, float]:
    engine = ENGINES["kokoro"]
    voice = engine.resolve(voice_name, None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        wavs = engine.speak(phrases, voice, speed, None, Path(work))
        audio = sum(len(pacing.read_wav(wav)[0]) / 24000 for wav in wavs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu": cpu, "wall": time.perf_counter() - started, "audio": audio,
            "maxrss_mb": after.ru_maxrss / 1024}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--phrases", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--speed", type=float, default=0.72)
    args = parser.parse_args(argv)
    phrases = [phrase.text for _, text in bundled_texts() for phrase in pacing.paced_phrases(text)][
        : args.phrases
    ]
    loads, speech = [], []
    for _ in range(args.repeat):
        loads.append(timed_batch(["Rest."], args.voice, args.speed))
        speech.append(timed_batch(phrases, args.voice, args.speed))
    load_cpu = min(run["cpu"] for run in loads)
    best = min(speech, key=lambda run: run["cpu"])
    print(json.dumps({
        "voice": args.voice, "speed": args.speed, "phrases": len(phrases),
        "load_cpu_s": round(load_cpu, 2), "load_wall_s": round(min(r["wall"] for r in loads), 2),
        "speech_s": round(best["audio"], 1),
        "cpu_per_speech_s": round((best["cpu"] - load_cpu) / best["audio"], 3),
        "wall_per_speech_s": round(best["wall"] / best["audio"], 3),
        "worker_peak_mb": round(max(r["maxrss_mb"] for r in speech)),
        "load_average": os.getloadavg()[0], "cores": os.cpu_count(),
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
