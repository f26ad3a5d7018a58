"""Readers nobody here wrote, run on what meditate makes: feed parsers (lxml, feedparser,
gPodder's podcastparser, podcast-partytime under Node), the Nu HTML checker (Java), and tag
readers (exiftool, mediainfo, eyeD3, id3lib's id3info). Each returns plain data to compare.

The tests use them, and so does benchmarks/clients.py, which tabulates what each shows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parent / "node"
VNU_JAR = NODE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL = (
    "run `make test` (it installs the readers: tools/bootstrap.sh --dev, npm ci in tests/node)"
)


def _program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is missing: {INSTALL}"
    return found


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), capture_output=True, text=True, timeout=timeout, check=False
    )  # fmt: skip


def lxml_errors(feed: Path) -> list[str]:
    """What libxml2 says of the feed, read strictly (no recovery); empty when well-formed."""
    from lxml import etree

    try:
        etree.parse(str(feed), etree.XMLParser(recover=False, resolve_entities=False))
    except etree.XMLSyntaxError as error:
        return [str(error)]
    return []


def podcastparser_view(feed: Path, url: str = "https://example.org/feed.xml") -> dict[str, Any]:
    """gPodder's reading of the feed; raises what podcastparser raises."""
    import podcastparser

    with feed.open("rb") as stream:
        return podcastparser.parse(url, stream)


def partytime_view(feed: Path) -> dict[str, Any] | None:
    """podcast-partytime's reading (Node): title, description, author, owner, items."""
    script = NODE_DIR / "partytime.js"
    assert (NODE_DIR / "node_modules" / "podcast-partytime").is_dir(), f"partytime: {INSTALL}"
    done = _run(_program("node"), str(script), str(feed))
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def nu_messages(page: Path) -> list[dict[str, Any]]:
    """The Nu HTML checker's errors and warnings for the page (offline, Java 17)."""
    assert VNU_JAR.is_file(), f"the Nu HTML checker: {INSTALL}"
    done = _run(_program("java"), "-jar", str(VNU_JAR), "--format", "json", "--stdout", str(page))
    return list(json.loads(done.stdout or "{}").get("messages", []))


def exiftool_tags(audio: Path) -> dict[str, Any]:
    done = _run(_program("exiftool"), "-json", "-charset", "utf8", "-ID3:all", str(audio))
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout)[0])


def mediainfo_general(audio: Path) -> dict[str, Any]:
    done = _run(_program("mediainfo"), "--Output=JSON", str(audio))
    assert done.returncode == 0, done.stderr
    tracks = json.loads(done.stdout)["media"]["track"]
    return next(dict(track) for track in tracks if track["@type"] == "General")


def eyed3_text(audio: Path) -> str:
    """eyeD3's listing (GPL-3.0: run as a program, never imported)."""
    done = _run(_program("eyeD3"), "--no-color", str(audio))
    assert done.returncode == 0, done.stderr
    return done.stdout


def id3info_text(audio: Path) -> str:
    done = _run(_program("id3info"), str(audio))
    return done.stdout
