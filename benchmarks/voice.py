"""Voice benchmark: how well each candidate voice speaks the bundled narration.

Run with the bench extra (`pip install -e '.[bench]'`; `make test` does not install it):

    python benchmarks/voice.py --bundled                     # the bundled clips as they are
    python benchmarks/voice.py --voice festival --voice flite:rms --voice piper:joe
    python benchmarks/voice.py --voice espeak-ng --every 4   # every 4th text only
    python benchmarks/voice.py --calibrate --voice festival  # the engine's own pace
    python benchmarks/voice.py --draft-session               # piper: a 10-line draft session
    python benchmarks/voice.py --voice kokoro:af_heart --unshaped --symbols ipa --every 12

Every narration step with `text:` in sessions/*.yaml is one clip (148 today). A candidate
`ENGINE[:VOICE]` speaks each text as a draft is spoken (paced, through the processing
chain) and is encoded as the bundled clips are (tools/make_narration.py), then scored:

- wer: word error rate of pocketsphinx (its wheel's US English model) against the text,
  all word edits over all reference words, after lower-casing and dropping punctuation;
- p808, ovrl: DNSMOS predicted opinion scores (speechmos's bundled ONNX models), P.808 and
  P.835 overall, over all clips joined with 0.5 s gaps at 16 kHz (9 s windows, 1 s hop;
  P.835 on every 9th window, since its model takes about a second a window here);
- wpm: words over the clips' total length, pauses and edges included;
- speed: seconds of audio made per second of CPU (the engines' processes included);
- bw99: the frequency below which 99% of the voice's energy lies, at the clips' own rate
  (the recogniser and DNSMOS hear only up to 8 kHz, so this is the one measure of band).

`--unshaped` leaves out the processing chain's filters (the level is still set), and
`--symbols misaki|ipa` chooses how Kokoro is given espeak-ng's phonemes (kokoro_phonemes.py).

Results go to benchmarks/results/voice-NAME.json (`--out` for another folder), and a
Markdown table of everything there is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tools")]

from player.session.loader import load_session  # noqa: E402
from player.session.model import Narration, flatten  # noqa: E402

ASR_RATE = 16000
GAP_SECONDS = 0.5
P835_EVERY = 9
RESULTS = REPO / "benchmarks" / "results"


def bundled_texts(root: Path = REPO) -> list[tuple[str, str]]:
    """(clip path under audio/, its text) for every narration step with text, once each."""
    seen: dict[str, str] = {}
    for path in sorted((root / "sessions").glob("*.yaml")):
        for step in flatten(load_session(path).steps):
            if isinstance(step, Narration) and step.clip is not None and step.text:
                seen.setdefault(step.clip.written, " ".join(step.text.split()))
    return list(seen.items())


def parse_voice(spec: str, rate: int):  # -> speech.Voice
    from player.sound.speech import Voice

    engine, _, name = spec.partition(":")
    model = Path(name) if name.endswith((".onnx", ".flitevox")) else None
    return Voice(engine=engine, name=None if model or not name else name, model=model,
                 rate_wpm=rate)  # fmt: skip


# -- rendering


def render(spec: str, texts: list[tuple[str, str]], out: Path, rate: int, batch: int,
           shaped: bool = True) -> dict:  # fmt: skip
    """Speak every text as the bundled clips are made; encode each; time it on the CPU."""
    from make_narration import encode_clip

    from player.sound import pacing
    from player.sound.speech import prepare_voice, speak_clips

    voice = parse_voice(spec, rate)
    ready = prepare_voice(voice)
    type(ready.engine).shaped = shaped
    out.mkdir(parents=True, exist_ok=True)
    pairs, audio, cpu = [], 0.0, 0.0
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        before = _cpu()
        clips = speak_clips(ready, [pacing.paced_phrases(text) for _, text in chunk])
        cpu += _cpu() - before
        for (clip, text), (samples, sample_rate) in zip(chunk, clips, strict=True):
            target = out / (clip.replace("/", "__").removesuffix(".ogg") + ".ogg")
            encode_clip(samples.astype(np.float32) / 32768, sample_rate, target)
            audio += len(samples) / sample_rate
            pairs.append({"audio": str(target), "text": text, "id": clip})
        print(f"  {spec}: {len(pairs)}/{len(texts)} clips", file=sys.stderr, flush=True)
    return {"pairs": pairs, "audio_seconds": audio, "cpu_seconds": cpu,
            "version": ready.engine.version(), "voice": ready.found.name,
            "engine_speed": round(ready.speed, 3)}  # fmt: skip


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


# -- scoring


def load(path: str, rate: int | None = ASR_RATE) -> np.ndarray:
    """Mono float samples, decoded (and resampled to `rate`, unless None) by ffmpeg."""
    resample = ["-ar", str(rate)] if rate else []
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-ac", "1", *resample, "-f", "f32le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, dtype="<f4").copy()


def native_rate(path: str) -> int:
    shown = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=sample_rate", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return int(shown.split()[0])


_DROP = re.compile(r"[^a-z0-9' ]+")


def normalise(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("-", " ").replace("\u2014", " ")
    return [w.strip("'") for w in _DROP.sub(" ", text).split() if w.strip("'")]


_decoder = None


def recognise(path: str) -> str:
    global _decoder
    if _decoder is None:
        from pocketsphinx import Decoder

        _decoder = Decoder(samprate=ASR_RATE, loglevel="FATAL")
    pcm = (np.clip(load(path), -1, 1) * 32767).astype("<i2").tobytes()
    _decoder.start_utt()
    _decoder.process_raw(pcm, full_utt=True)
    _decoder.end_utt()
    hypothesis = _decoder.hyp()
    return hypothesis.hypstr if hypothesis else ""


def word_errors(reference: list[str], hypothesis: list[str]) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, word in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, heard in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != heard))
    return row[-1]


def dnsmos(audio: np.ndarray) -> dict[str, float]:
    """speechmos's DNSMOS loop, with P.835 on every P835_EVERY-th window only."""
    from speechmos import dnsmos as model_module

    if model_module.dnsmos is None:
        model_module.run(np.zeros(ASR_RATE, dtype=np.float32), ASR_RATE)  # loads the models
    model = model_module.dnsmos
    length = int(model_module.INPUT_LENGTH * ASR_RATE)
    while len(audio) < length:
        audio = np.append(audio, audio)
    hops = int(np.floor(len(audio) / ASR_RATE) - model_module.INPUT_LENGTH) + 1
    p808, overall = [], []
    for index in range(hops):
        window = audio[index * ASR_RATE : index * ASR_RATE + length].astype(np.float32)
        if len(window) < length:
            continue
        mel = np.asarray(model.audio_melspec(audio=window[:-160]), dtype=np.float32)[None]
        p808.append(model.p808_onnx_sess.run(None, {"input_1": mel})[0][0][0])
        if index % P835_EVERY == 0:
            raw = model.onnx_sess.run(None, {"input_1": window[None]})[0][0]
            overall.append(model.get_polyfit_val(*raw, False)[2])
    return {"p808": float(np.mean(p808)), "ovrl": float(np.mean(overall))}


def bandwidth(paths: list[str], share: float = 0.99) -> float:
    """The frequency (Hz) under which `share` of the clips' energy lies, at their own rate."""
    rate = native_rate(paths[0])
    power = np.zeros(1025)
    for path in paths:
        audio = load(path, rate if native_rate(path) == rate else None)
        frames = len(audio) // 2048
        if frames:
            blocks = audio[: frames * 2048].reshape(frames, 2048) * np.hanning(2048)
            power += np.sum(np.abs(np.fft.rfft(blocks, axis=1)) ** 2, axis=0)
    cumulative = np.cumsum(power) / np.sum(power)
    return float(np.searchsorted(cumulative, share) * rate / 2048)


def score(pairs: list[dict], jobs: int) -> dict:
    paths = [pair["audio"] for pair in pairs]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        heard = list(pool.map(recognise, paths, chunksize=4))
    edits = words = 0
    for pair, hypothesis in zip(pairs, heard, strict=True):
        reference = normalise(pair["text"])
        pair["heard"] = " ".join(normalise(hypothesis))
        edits += word_errors(reference, normalise(hypothesis))
        words += len(reference)
    clips = [load(path) for path in paths]
    gap = np.zeros(int(GAP_SECONDS * ASR_RATE), dtype=np.float32)
    joined = np.concatenate([part for clip in clips for part in (clip, gap)][:-1])
    seconds = sum(len(clip) for clip in clips) / ASR_RATE
    return {"clips": len(pairs), "words": words, "wer": edits / words,
            **dnsmos(np.clip(joined, -1, 1)), "wpm": words / seconds * 60,
            "bw99": bandwidth(paths), "audio_seconds": seconds}  # fmt: skip


# -- calibration


def calibrate(spec: str, texts: list[tuple[str, str]]) -> dict:
    """The voice's own pace (seconds per word of trimmed speech at speed 1), and the pauses
    pacing adds per word: the two numbers a rate in words per minute is turned into a speed."""
    from player.sound import pacing
    from player.sound.speech import prepare_voice

    ready = prepare_voice(parse_voice(spec, 120))
    paced = [pacing.paced_phrases(text) for _, text in texts]
    phrases = [phrase.text for clip in paced for phrase in clip]
    with tempfile.TemporaryDirectory() as work:
        wavs = ready.engine.speak(phrases, ready.found, 1.0, None, Path(work))
        speech = sum(len(pacing.trim(*pacing.read_wav(w))) / pacing.read_wav(w)[1] for w in wavs)
    words = sum(len(text.split()) for _, text in texts)
    return {
        "voice": spec,
        "seconds_per_word": round(speech / words, 4),
        "pause_seconds_per_word": round(sum(map(pacing.pause_seconds, paced)) / words, 4),
    }


# -- a draft session with piper


def draft_session_seconds(spec: str) -> dict:
    """Wall time to prepare a 10-line session of drafts from a cold cache, then a warm one."""
    lines = [text for _, text in bundled_texts()][:10]
    engine, _, name = spec.partition(":")
    voice = f"voice: {{engine: {engine}" + (f", name: {name}" if name else "") + "}"
    steps = "".join(f"  - text: {json.dumps(text)}\n  - silence: 2s\n" for text in lines)
    with tempfile.TemporaryDirectory() as folder:
        session = Path(folder) / "draft.yaml"
        session.write_text(f"title: Ten lines\n{voice}\nsteps:\n{steps}", encoding="utf-8")
        env = {**os.environ, "MEDITATE_CACHE": str(Path(folder) / "cache"), "PYTHONPATH": str(REPO)}
        times = []
        for _ in range(2):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "player", "check", str(session)], env=env,
                           check=True, capture_output=True)  # fmt: skip
            times.append(time.perf_counter() - started)
    words = sum(len(line.split()) for line in lines)
    return {"voice": spec, "lines": 10, "words": words, "cold_seconds": round(times[0], 2),
            "cached_seconds": round(times[1], 2)}  # fmt: skip


# -- report


def table(folder: Path) -> str:
    rows = ["| candidate | clips | WER | P.808 | P.835 OVRL | wpm | audio s per CPU s | bw99 kHz |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for path in sorted(folder.glob("voice-*.json")):
        r = json.loads(path.read_text())
        speed = f"{r['speed']:.1f}" if r.get("speed") else "-"
        rows.append(
            f"| {r['label']} | {r['clips']} | {r['wer']:.3f} | {r['p808']:.3f} | "
            f"{r['ovrl']:.3f} | {r['wpm']:.1f} | {speed} | {r['bw99'] / 1000:.1f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundled", action="store_true", help="score the bundled clips")
    parser.add_argument("--root", type=Path, default=REPO, help="--bundled: another checkout")
    parser.add_argument("--label", default="", help="a name for this run in the table")
    parser.add_argument("--voice", action="append", default=[], help="ENGINE[:VOICE or FILE]")
    parser.add_argument("--rate", type=int, default=120, help="words per minute (default 120)")
    parser.add_argument("--every", type=int, default=1, help="only every Nth text")
    parser.add_argument("--batch", type=int, default=12, help="texts spoken per engine run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--calibrate", action="store_true", help="measure the voice's own pace")
    parser.add_argument("--draft-session", action="store_true", help="time a 10-line draft")
    parser.add_argument("--unshaped", action="store_true", help="without the chain's filters")
    parser.add_argument("--symbols", choices=["misaki", "ipa"], help="kokoro: phoneme symbols")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--keep", type=Path, help="keep the rendered clips in this folder")
    args = parser.parse_args(argv)
    texts = bundled_texts(args.root if args.bundled else REPO)[:: args.every]
    if args.symbols:
        from player.sound.engines import kokoro_phonemes

        kokoro_phonemes.SYMBOLS = args.symbols
    args.out.mkdir(parents=True, exist_ok=True)
    if args.calibrate or args.draft_session:
        for spec in args.voice or ["piper:joe"]:
            measure = calibrate(spec, texts) if args.calibrate else draft_session_seconds(spec)
            print(json.dumps(measure))
        return 0
    subset = f" (every {args.every})" if args.every > 1 else ""
    if args.bundled:
        pairs = [{"audio": str(args.root / "audio" / c), "text": t, "id": c} for c, t in texts]
        label = args.label or "bundled clips"
        result = {"label": f"{label}{subset}", **score(pairs, args.jobs), "per_clip": pairs}
        _save(args.out, label.replace(" ", "-"), result)
    for spec in args.voice:
        setting = "".join([f" rate {args.rate}" if args.rate != 120 else "",
                           " unshaped" if args.unshaped else "",
                           f" {args.symbols}" if args.symbols else ""])  # fmt: skip
        with tempfile.TemporaryDirectory() as scratch:
            folder = args.keep / spec.replace(":", "-") if args.keep else Path(scratch)
            made = render(spec, texts, folder, args.rate, args.batch, not args.unshaped)
            result = {"label": f"{spec}{setting} ({made['voice']}, {made['version']}){subset}",
                      **score(made["pairs"], args.jobs),
                      "speed": made["audio_seconds"] / made["cpu_seconds"],
                      "engine_speed": made["engine_speed"], "per_clip": made["pairs"]}  # fmt: skip
        name = (spec + setting).replace(":", "-").replace("/", "_").replace(" ", "-")
        _save(args.out, name + (f"-every{args.every}" if args.every > 1 else ""), result)
    print(table(args.out))
    return 0


def _save(folder: Path, name: str, result: dict) -> None:
    (folder / f"voice-{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    summary = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()
               if k != "per_clip"}  # fmt: skip
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    sys.exit(main())
