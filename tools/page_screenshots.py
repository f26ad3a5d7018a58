"""Screenshots of the published page as a phone and a desktop show it, for the README:
docs/publish-page-400.png (400 px wide) and docs/publish-page-1280.png (1280 px wide).

    python tools/page_screenshots.py [--site FOLDER] [--out DIR]

Without --site it publishes two bundled sessions (three-breaths, grounding) into a temporary
folder first, with a fixed date, in a fresh cache. Debian's Chromium takes the pictures,
headless, with no network and no profile of the machine's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MEDITATE = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
)  # fmt: skip
SHOTS = {"publish-page-400.png": (400, 1500), "publish-page-1280.png": (1280, 1100)}


def publish(root: Path) -> Path:
    site = root / "site"
    env = {
        **os.environ,
        "HOME": str(root / "home"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "MEDITATE_NOW": "2026-03-01T09:00:00+00:00",
    }
    env.pop("MEDITATE_PATH", None)
    subprocess.run(
        [*MEDITATE, "publish", str(site), "three-breaths", "grounding", "--quiet",
         "--base-url", "https://example.org/meditations/",
         "--title", "Healing After Separation", "--author", "A Teacher",
         "--description", "Guided meditations for the months after a parting: grounding, "
         "breath and rest, a few minutes a day."],
        env=env, check=True, cwd=REPO,
    )  # fmt: skip
    return site


def screenshot(page: Path, target: Path, width: int, height: int, profile: Path) -> None:
    browser = shutil.which("chromium")
    if browser is None:
        sys.exit("chromium is missing: run tools/bootstrap.sh --dev")
    subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
         f"--window-size={width},{height}", f"--screenshot={target}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    print(f"Wrote {target} ({width}x{height})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a folder meditate publish wrote")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        site = args.site or publish(root)
        for name, (width, height) in SHOTS.items():
            screenshot(site / "index.html", args.out / name, width, height, root / "profile")


if __name__ == "__main__":
    main()
