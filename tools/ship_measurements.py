"""Writes audio/measurements.json, what the bundled sessions need measured before their first
sound, and audio/measured-sounds.json, what a picture of each (`show --plot`) needs, so that
a new user waits for neither (see player/common/cache.py and player/sound/shipped.py).

It holds the loudness of every synthesised bed (seeds 0-2, default pitch and beat), the peak
of every built-in bell and its levelling gain in every bundled session, at the default
options; that every bundled sound file decodes whole (so `check` need not decode them);
and for the picture of every bundled session at its own length: the loudness
measurement and levelling gain of each clip and bell it plays, what the limiter leaves of
those levelled into it, and each bed's energy over its span. Each value is keyed by the
version of the code that makes it and, for a clip, by the clip's content, so changed code or
a changed clip never uses a stale one: re-run it whenever the clips in audio/ change.
tests/test_shipped.py recomputes a session's and fails until this is run again:

    python tools/ship_measurements.py [--output audio/measurements.json] [--sessions a,b]

(measured-sounds.json is written beside --output.)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEEDS = range(3)
TABLES = ("measurements", "bell-gains", "bell-peaks", "sound-gains")


def measure(
    cache_folder: Path, only: set[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every shipped value, worked out afresh in `cache_folder` (empty), as shipped tables:
    those of measurements.json, and those of measured-sounds.json; with `only`, for those
    bundled sessions alone."""
    os.environ["MEDITATE_CACHE"] = str(cache_folder)
    os.environ["MEDITATE_SHIPPED"] = "0"  # work everything out, whatever is shipped now
    sys.path.insert(0, str(REPO))
    from player.common.cache import save_all
    from player.common.paths import bundled_digest
    from player.prepare.session import load_prepared
    from player.prepare.verify import sound_problems
    from player.session.catalog import SYNTHS
    from player.session.library import discover
    from player.session.timeline import compile_timeline
    from player.sound.bells import BELL_MODELS
    from player.sound.foresee import momentary_loudness
    from player.sound.render import Renderer
    from player.sound.sources import bell_sound, synth_bed

    template = None
    for entry in discover():
        if not entry.path.is_relative_to(REPO / "sessions"):
            continue
        if only is not None and entry.path.stem not in only:
            continue
        session = load_prepared(entry.path)
        problems = sound_problems(session)
        assert not problems, problems
        timeline = compile_timeline(session)
        renderer = Renderer(timeline)
        for event in (*timeline.events, *timeline.rings):
            if event.bell is not None:
                renderer.event_gain_db(event)
        for index, span in enumerate(timeline.beds):
            renderer.bed_source(index, span)
            if span.bed.synth is not None:
                template = span.bed
        momentary_loudness(Renderer(timeline))
    assert template is not None, "no bundled session has a synthesised bed"
    for synth in SYNTHS:
        bed = dataclasses.replace(template, synth=synth, pitch_hz=None, beat_hz=None)
        for seed in SEEDS:
            synth_bed(bed, seed)
    for name in BELL_MODELS:
        bell_sound(name)
    save_all()
    tables = {}
    for name in TABLES:
        document = json.loads((cache_folder / f"{name}.json").read_text(encoding="utf-8"))
        known = {key: value for key, value in document["entries"].items() if value is not None}
        tables[name] = {"version": document["version"], "entries": known}
    found = json.loads((cache_folder / "sound-files.json").read_text(encoding="utf-8"))
    sound = {bundled_digest(Path(path)): True for path in found["entries"]}
    tables["sound-files"] = {"version": found["version"], "entries": sound}
    return tables, arrays(cache_folder)


def arrays(cache_folder: Path) -> dict[str, Any]:
    """The measurements and tick energies the cache keeps in files, as shipped tables."""
    import numpy as np

    from player.sound.foresee import ticks_version
    from player.sound.meter import Measurement
    from player.sound.shipped import MEASUREMENTS, TICKS, encoded, measurement_entry
    from player.sound.sources import measure_version

    measured = {}
    for path in sorted((cache_folder / MEASUREMENTS).glob("*.npz")):
        with np.load(path) as stored:
            found = Measurement(stored["ticks"], float(stored["peak"]), int(stored["frames"]))
        measured[path.stem] = measurement_entry(found)
    ticks = {
        path.stem: encoded(np.load(path, allow_pickle=False))
        for path in sorted((cache_folder / TICKS).glob("*.npy"))
    }
    return {
        MEASUREMENTS: {"version": measure_version(), "entries": measured},
        TICKS: {"version": ticks_version(), "entries": ticks},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=REPO / "audio" / "measurements.json")
    parser.add_argument("--sessions", help="only these bundled sessions (comma-separated)")
    args = parser.parse_args()
    only = set(args.sessions.split(",")) if args.sessions else None
    with tempfile.TemporaryDirectory() as folder:
        written = measure(Path(folder), only)
    from player.common.files import write_file
    from player.sound.shipped import FILE

    for path, tables in zip((args.output, args.output.with_name(FILE)), written, strict=True):
        write_file(path, json.dumps(tables, indent=1, sort_keys=True) + "\n", force=True)
        count = sum(len(table["entries"]) for table in tables.values())
        print(f"{path}: {count} values")


if __name__ == "__main__":
    main()
