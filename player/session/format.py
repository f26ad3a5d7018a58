"""The keys of session format version 1: one table that the loader, the JSON Schema and the
README's reference all follow."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

FORMAT_VERSION = 1
MAX_SESSION_SECONDS = 24 * 3600
MAX_REPEAT = 1000
MAX_EXPANDED_STEPS = 200_000
MAX_FILE_BYTES = 1_000_000
MAX_CLIP_SECONDS = MAX_SESSION_SECONDS  # long files are streamed, not held in memory
MIN_RATE, MAX_RATE = 60, 240  # a voice's pace in words per minute, pauses included


class Kind(Enum):
    TEXT = "text"
    TEXT_LIST = "list of text"
    DURATION = "duration"
    DECIBELS = "decibels"
    BOOL = "true or false"
    COUNT = "whole number"
    HERTZ = "frequency in Hz"
    CLIP = "audio file"
    IMAGE = "image file"
    SOUND = "synth:NAME or an audio file"
    BELL = "built-in bell name or an audio file"
    CHAPTER_REF = "chapter title"
    STEPS = "list of steps"
    AMBIENT = "list of ambient beds"
    VERSION = "format version"
    VOICE = "voice settings"
    ENGINE = "speech engine"
    MODEL = "voice file"
    SPEED = "words per minute"
    PITCH = "0 to 99"
    STRIKES = "1 to 9"
    DURATION_LIST = "list of durations"
    INTERVAL_BELLS = "interval bells"
    LANGUAGE = "language tag (BCP 47)"


@dataclass(frozen=True)
class Field:
    kind: Kind
    help: str
    required: bool = False
    default: str | None = None


SESSION_FIELDS: dict[str, Field] = {
    "version": Field(Kind.VERSION, "Format version of this file; only 1 exists.", default="1"),
    "title": Field(Kind.TEXT, "The session's name as listeners see it.", required=True),
    "description": Field(Kind.TEXT, "One or two sentences on what the practice is for."),
    "author": Field(Kind.TEXT, "Who wrote or voices the session; the MP3's artist."),
    "tags": Field(Kind.TEXT_LIST, "Words to find it by, e.g. [grounding, beginner]."),
    "language": Field(
        Kind.LANGUAGE,
        "What it is spoken in: en, es, fr, en-GB, ...; picks the voice's language and goes "
        "into tags, feeds and captions.",
        default="en",
    ),
    "cover": Field(Kind.IMAGE, "PNG or JPEG cover art for exports; a default is used if absent."),
    "voice": Field(Kind.VOICE, "Who speaks narration drafted in text, and how."),
    "ambient": Field(Kind.AMBIENT, "Beds of sound under the narration; all play together."),
    "steps": Field(Kind.STEPS, "What happens, in order.", required=True),
}

AMBIENT_FIELDS: dict[str, Field] = {
    "sound": Field(Kind.SOUND, "synth:brown-noise, synth:ocean, ... or a file, looped.", True),
    "volume": Field(Kind.DECIBELS, "Level relative to the narration.", default="-20 dB"),
    "fade_in": Field(Kind.DURATION, "Fade at the bed's start.", default="5s"),
    "fade_out": Field(Kind.DURATION, "Fade at the bed's end.", default="8s"),
    "duck": Field(
        Kind.DECIBELS, "How far the bed is lowered while narration speaks.", default="0 dB"
    ),
    "from": Field(Kind.CHAPTER_REF, "Start at this chapter instead of the session's start."),
    "until": Field(Kind.CHAPTER_REF, "Stop at the end of this chapter instead of the session's."),
    "pitch": Field(Kind.HERTZ, "synth:drone only: the tone's pitch.", default="136.1"),
    "beat": Field(Kind.HERTZ, "synth:drone only: a binaural beat (right ear detuned by it)."),
}

NARRATION_FIELDS: dict[str, Field] = {
    "narration": Field(Kind.CLIP, "The spoken clip; leave it out to have the text spoken."),
    "text": Field(Kind.TEXT, "What is said: the caption, the lyrics, and the draft's words."),
    "volume": Field(Kind.DECIBELS, "Gain on top of the automatic level.", default="0 dB"),
    "fade_in": Field(Kind.DURATION, "Fade at the clip's start.", default="0s"),
    "fade_out": Field(Kind.DURATION, "Fade at the clip's end.", default="0s"),
}

SILENCE_FIELDS: dict[str, Field] = {
    "silence": Field(Kind.DURATION, "How long to rest in silence (the beds play on).", True),
    "flex": Field(
        Kind.BOOL, "May stretch or shrink when another length is asked for.", default="false"
    ),
    "min": Field(Kind.DURATION, "flex only: the shortest it may become.", default="0s"),
    "max": Field(Kind.DURATION, "flex only: the longest it may become.", default="no limit"),
    "bells": Field(
        Kind.INTERVAL_BELLS, "Soft bells rung during the silence: every: 5m, or at: [2m, 10m]."
    ),
}

BELL_FIELDS: dict[str, Field] = {
    "bell": Field(
        Kind.BELL, "singing-bowl, bell, chime, or a sound file; rings out in full.", True
    ),
    "volume": Field(Kind.DECIBELS, "Level relative to the narration.", default="-3 dB"),
    "strikes": Field(
        Kind.STRIKES,
        "How many times it is struck, 4 seconds apart; the last rings out.",
        default="1",
    ),
}

INTERVAL_BELL_FIELDS: dict[str, Field] = {
    "every": Field(
        Kind.DURATION,
        "A bell this often through the silence (not at its start); --length keeps the spacing.",
    ),
    "at": Field(
        Kind.DURATION_LIST,
        "Bells at these times from the silence's start; --length stretches them with it.",
    ),
    "sound": Field(
        Kind.BELL, "singing-bowl, bell, chime, or a sound file.", default="singing-bowl"
    ),
    "volume": Field(Kind.DECIBELS, "Level relative to the narration.", default="-12 dB"),
}

CHAPTER_FIELDS: dict[str, Field] = {
    "chapter": Field(Kind.TEXT, "Starts a chapter with this title.", required=True),
}

REPEAT_FIELDS: dict[str, Field] = {
    "repeat": Field(Kind.COUNT, f"How many times, 1 to {MAX_REPEAT}.", required=True),
    "steps": Field(Kind.STEPS, "The steps to repeat.", required=True),
}

VOICE_FIELDS: dict[str, Field] = {
    "engine": Field(
        Kind.ENGINE,
        "Who speaks drafts: espeak-ng, festival, flite, piper or kokoro (`meditate voices` "
        "lists them).",
        default="espeak-ng",
    ),
    "name": Field(
        Kind.TEXT,
        "One of the engine's voices, e.g. en-us+f5 (espeak-ng), cmu_us_slt_arctic_hts "
        "(festival), rms (flite), joe (piper), af_heart (kokoro).",
        default="the engine's own",
    ),
    "model": Field(
        Kind.MODEL,
        "piper or flite: a voice file (.onnx with its .onnx.json, or .flitevox) to speak with.",
    ),
    "rate": Field(
        Kind.SPEED,
        f"Pace of the narration with its pauses, {MIN_RATE} to {MAX_RATE}.",
        default="120",
    ),
    "pitch": Field(Kind.PITCH, "espeak-ng only: its pitch.", default="28"),
}

STEP_FIELDS: dict[str, dict[str, Field]] = {
    "narration": NARRATION_FIELDS,
    "silence": SILENCE_FIELDS,
    "bell": BELL_FIELDS,
    "chapter": CHAPTER_FIELDS,
    "repeat": REPEAT_FIELDS,
}

DEFAULT_AMBIENT_VOLUME_DB = -20.0
DEFAULT_AMBIENT_FADE_IN = 5.0
DEFAULT_AMBIENT_FADE_OUT = 8.0
DEFAULT_BELL_VOLUME_DB = -3.0
DEFAULT_INTERVAL_BELL = "singing-bowl"
DEFAULT_INTERVAL_VOLUME_DB = -12.0
STRIKE_SECONDS = 4.0  # between the strikes of one bell step
MAX_STRIKES = 9
AUDIO_SUFFIXES = (".wav", ".mp3", ".ogg", ".oga", ".flac", ".m4a", ".aac", ".opus", ".aif", ".aiff")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
