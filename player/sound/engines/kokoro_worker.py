"""The Kokoro model run as a program of ours, as the other engines run theirs:

    python -m player.sound.engines.kokoro_worker MEDITATE_PID < job.json

The job names the model file, the voice's style file (510 rows of 256 float32), the speed
and, for each phrase, its token runs and the WAV to write. The model is loaded once for the
whole job, and each phrase is written as 16-bit mono at 24 kHz. Run apart from meditate, its
memory is given back when it ends, it may use the other cores, and a hang is stopped with its
process group (base.run_program).

How the model is fed (tokens between two 0 pads, the style row chosen by token count, speed
as a float) follows kokoro-onnx 0.6.1 (MIT, thewh1teagle), which is not imported: it loads
espeak-ng into its process.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np

SAMPLE_RATE = 24000
STYLE_WIDTH = 256
MAX_THREADS = 4


def main() -> int:
    parent = int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid()
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    job = json.load(sys.stdin)
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = min(MAX_THREADS, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    # waiting threads sleep instead of spinning: the CPU goes to the player beside us
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(
        job["model"], sess_options=options, providers=["CPUExecutionProvider"]
    )
    styles = np.fromfile(job["voice"], dtype="<f4").reshape(-1, STYLE_WIDTH)
    speed = np.array([job["speed"]], dtype=np.float32)
    for phrase in job["phrases"]:
        parts = [speak(session, run, styles, speed) for run in phrase["runs"]]
        write_wav(Path(phrase["wav"]), np.concatenate(parts) if parts else np.zeros(0))
    return 0


def _end_with(parent: int) -> None:
    """Ends this process once meditate is gone (killed outright, nothing of ours ran): nobody
    waits for the rest, and a model run may last many seconds."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def speak(session, tokens: list[int], styles: np.ndarray, speed: np.ndarray) -> np.ndarray:
    style = styles[min(len(tokens), len(styles)) - 1][None, :]
    audio = session.run(
        None,
        {"tokens": np.array([[0, *tokens, 0]], dtype=np.int64), "style": style, "speed": speed},
    )[0]
    return np.asarray(audio, dtype=np.float32).ravel()


def write_wav(path: Path, audio: np.ndarray) -> None:
    pcm = np.round(np.clip(audio, -1.0, 32767 / 32768) * 32768).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


if __name__ == "__main__":
    sys.exit(main())
