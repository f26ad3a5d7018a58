"""A JSON Schema of session format version 1, built from the same key table the loader uses."""

from __future__ import annotations

from typing import Any

from player.session import catalog
from player.session.format import (
    AMBIENT_FIELDS,
    FORMAT_VERSION,
    INTERVAL_BELL_FIELDS,
    MAX_RATE,
    MAX_REPEAT,
    MAX_STRIKES,
    MIN_RATE,
    SESSION_FIELDS,
    STEP_FIELDS,
    VOICE_FIELDS,
    Field,
    Kind,
)

SCHEMA_ID = "https://meditate.invalid/schema/session-v1.json"
# BCP 47's shape (language, script, region, variants): the loader checks the language too
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{4,8})*$"

_DURATION = {
    "description": "20s, 2m, 1m30s, 1h, 500ms, 1:30, or seconds",
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {
            "type": "string",
            "pattern": r"^\s*(\d+(\.\d*)?|\.\d+|(\d+:)?\d+:\d{2}(\.\d*)?|"
            r"((\d+(\.\d*)?|\.\d+)\s*[a-zA-Z]+\s*)+)\s*$",
        },
    ],
}
_DECIBELS = {
    "description": "decibels, e.g. -24 dB",
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*([dD][bB])?\s*$"},
    ],
}


def _value_schema(field: Field) -> dict[str, Any]:
    kind = field.kind
    if kind in (Kind.TEXT, Kind.CHAPTER_REF, Kind.CLIP, Kind.IMAGE, Kind.MODEL):
        return {"type": "string", "minLength": 1}
    if kind is Kind.TEXT_LIST:
        return {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
    if kind is Kind.DURATION:
        return dict(_DURATION)
    if kind is Kind.DECIBELS:
        return dict(_DECIBELS)
    if kind is Kind.BOOL:
        return {"type": "boolean"}
    if kind is Kind.COUNT:
        return {"type": "integer", "minimum": 1, "maximum": MAX_REPEAT}
    if kind is Kind.HERTZ:
        return {"type": "number", "exclusiveMinimum": 0, "maximum": 4000}
    if kind is Kind.VERSION:
        return {"const": FORMAT_VERSION}
    if kind is Kind.SPEED:
        return {"type": "integer", "minimum": MIN_RATE, "maximum": MAX_RATE}
    if kind is Kind.ENGINE:
        return {"enum": list(catalog.ENGINE_NAMES)}
    if kind is Kind.PITCH:
        return {"type": "integer", "minimum": 0, "maximum": 99}
    if kind is Kind.VOICE:
        return {"$ref": "#/$defs/voice"}
    if kind is Kind.SOUND:
        synths = [catalog.SYNTH_PREFIX + name for name in catalog.SYNTHS]
        return {
            "type": "string",
            "minLength": 1,
            "examples": synths,
            "anyOf": [{"enum": synths}, {"pattern": "^(?!synth:)"}],
        }
    if kind is Kind.BELL:
        return {"type": "string", "minLength": 1, "examples": list(catalog.BELL_SECONDS)}
    if kind is Kind.STRIKES:
        return {"type": "integer", "minimum": 1, "maximum": MAX_STRIKES}
    if kind is Kind.DURATION_LIST:
        offset = {**_DURATION, "anyOf": [{"type": "number", "minimum": 0}, _DURATION["anyOf"][1]]}
        return {"anyOf": [{"type": "array", "items": offset}, offset]}
    if kind is Kind.LANGUAGE:
        return {"type": "string", "pattern": LANGUAGE_PATTERN, "examples": ["en", "es", "en-GB"]}
    if kind is Kind.INTERVAL_BELLS:
        return {"$ref": "#/$defs/interval_bells"}
    if kind is Kind.STEPS:
        return {"$ref": "#/$defs/steps"}
    if kind is Kind.AMBIENT:
        return {"type": "array", "items": {"$ref": "#/$defs/ambient"}}
    raise AssertionError(kind)


def _object(fields: dict[str, Field], description: str) -> dict[str, Any]:
    properties = {}
    for key, field in fields.items():
        schema = _value_schema(field)
        text = field.help + (f" Default: {field.default}." if field.default else "")
        properties[key] = {**schema, "description": text}
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [key for key, field in fields.items() if field.required],
        "additionalProperties": False,
    }


def session_schema() -> dict[str, Any]:
    steps = {kind: _object(fields, f"A {kind} step.") for kind, fields in STEP_FIELDS.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "meditate session",
        **_object(SESSION_FIELDS, f"A guided meditation session, format version {FORMAT_VERSION}."),
        "$defs": {
            "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
            "step": {"oneOf": [{"$ref": f"#/$defs/{kind}"} for kind in STEP_FIELDS]},
            "ambient": _object(AMBIENT_FIELDS, "An ambient bed."),
            "voice": _object(VOICE_FIELDS, "Who speaks narration drafted in text, and how."),
            "interval_bells": {
                **_object(INTERVAL_BELL_FIELDS, "Bells rung during a silence."),
                "oneOf": [{"required": ["every"]}, {"required": ["at"]}],
            },
            **steps,
        },
    }
