"""Arrays shipped with the bundled audio (audio/measured-sounds.json, written with
audio/measurements.json by tools/ship_measurements.py): the loudness measurement of every
bundled clip and bell, and the tick energies a picture of each bundled session needs, so that
`show --plot` of a bundled session measures nothing. They are stored as base64 text in shipped
tables of their own file (read only when one is asked for: playing a bundled session needs
none), under the keys the code looks them up by (which name the code and, for files, their
content)."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from player.common.cache import shipped_value
from player.sound.meter import Measurement

FILE = "measured-sounds.json"
MEASUREMENTS = "sound-measurements"  # a sound's Measurement, by the sound's identity
TICKS = "ticks"  # tick or hop energies of a bed or of a limited source (foresee.py)


def encoded(array: np.ndarray) -> dict[str, str]:
    """An array as shipped: its dtype and its little-endian bytes in base64."""
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return {"dtype": little.dtype.str, "data": base64.b64encode(little.tobytes()).decode()}


def decoded(value: Any) -> np.ndarray | None:
    """The array a shipped value holds, or None if it holds none."""
    try:
        raw = base64.b64decode(value["data"], validate=True)
        return np.frombuffer(raw, dtype=np.dtype(value["dtype"])).copy()
    except (KeyError, TypeError, ValueError):
        return None


def measurement_entry(measured: Measurement) -> dict[str, Any]:
    return {"ticks": encoded(measured.ticks), "peak": measured.peak, "frames": measured.frames}


def shipped_measurement(version: str, identity: str) -> Measurement | None:
    """The shipped measurement of the sound named `identity`, if there is one."""
    value = shipped_value(MEASUREMENTS, version, identity, FILE)
    if not isinstance(value, dict):
        return None
    ticks = decoded(value.get("ticks"))
    if ticks is None:
        return None
    try:
        return Measurement(ticks, float(value["peak"]), int(value["frames"]))
    except (KeyError, TypeError, ValueError):
        return None


def shipped_ticks(version: str, key: str) -> np.ndarray | None:
    return decoded(shipped_value(TICKS, version, key, FILE))
