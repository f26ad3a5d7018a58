"""Names of the built-in sounds, and their lengths, without importing any audio code."""

from __future__ import annotations

SYNTH_PREFIX = "synth:"

#: Built-in bells and how long each rings, in seconds (the step lasts this long).
BELL_SECONDS: dict[str, float] = {
    "singing-bowl": 12.0,
    "bell": 8.0,
    "chime": 5.0,
}

#: Built-in synthesised ambient beds and what each sounds like.
SYNTHS: dict[str, str] = {
    "brown-noise": "deep, soft rumble like distant wind",
    "pink-noise": "even, gentle hiss like steady rain on leaves",
    "white-noise": "bright, flat hiss",
    "ocean": "slow swells of surf, about one every ten seconds",
    "rain": "soft rain with scattered droplets",
    "drone": "a soft sustained tone; set pitch and an optional binaural beat",
}

#: The drone's pitch when a bed gives none.
DRONE_DEFAULT_PITCH_HZ = 136.1

#: The narration engines a session's `voice:` may name (player.sound.engines has each).
ENGINE_NAMES: tuple[str, ...] = ("espeak-ng", "festival", "flite", "piper", "kokoro")
DEFAULT_ENGINE = "espeak-ng"
#: The engines `meditate new --language` speaks a new session's drafts with, the most natural
#: first: the first installed that has a voice for the language.
DRAFT_ENGINES: tuple[str, ...] = ("kokoro", "piper", "festival", "flite", "espeak-ng")
#: Engines that load a voice from a file given as `model:`, and that file's suffix.
MODEL_SUFFIXES: dict[str, str] = {"piper": ".onnx", "flite": ".flitevox"}
