"""Writes audio/measurements.json: what the bundled sessions need measured before their first
sound, so that a new user's first play does not wait for it (see player/common/cache.py).

It holds the loudness of every synthesised bed (seeds 0-2, default pitch and beat), the peak
of every built-in bell and its levelling gain in every bundled session, at the default options. Each
value is keyed by the version of the code that makes it, so changed code never uses a stale
one; tests/test_shipped.py recomputes them and fails until this is run again:

    python tools/ship_measurements.py [--output audio/measurements.json]
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
TABLES = ("measurements", "bell-gains", "bell-peaks")


def measure(cache_folder: Path) -> dict[str, Any]:
    """Every shipped value, worked out afresh in `cache_folder` (empty), as shipped tables."""
    os.environ["MEDITATE_CACHE"] = str(cache_folder)
    os.environ["MEDITATE_SHIPPED"] = "0"  # work everything out, whatever is shipped now
    sys.path.insert(0, str(REPO))
    from player.common.cache import save_all
    from player.prepare.session import load_prepared
    from player.session.catalog import SYNTHS
    from player.session.library import discover
    from player.session.timeline import compile_timeline
    from player.sound.bells import BELL_MODELS
    from player.sound.render import Renderer
    from player.sound.sources import bell_sound, synth_bed

    template = None
    for entry in discover():
        if not entry.path.is_relative_to(REPO / "sessions"):
            continue
        timeline = compile_timeline(load_prepared(entry.path))
        renderer = Renderer(timeline)
        for event in (*timeline.events, *timeline.rings):
            if event.bell is not None:
                renderer.event_gain_db(event)
        for index, span in enumerate(timeline.beds):
            renderer.bed_source(index, span)
            if span.bed.synth is not None:
                template = span.bed
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
        tables[name] = {"version": document["version"], "entries": document["entries"]}
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=REPO / "audio" / "measurements.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tables = measure(Path(folder))
    from player.common.files import write_file

    write_file(args.output, json.dumps(tables, indent=1, sort_keys=True) + "\n", force=True)
    count = sum(len(table["entries"]) for table in tables.values())
    print(f"{args.output}: {count} values")


if __name__ == "__main__":
    main()
