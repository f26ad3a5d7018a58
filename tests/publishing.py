"""Helpers for the publish tests: a small library of sessions, running `meditate publish` in
a real process, and the checks a podcast app and a web server would make of the folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser

MEDITATE = [sys.executable, "-c", "import sys; from player.cli import main; sys.exit(main())"]
BASE_URL = "https://example.org/calm/"
NOW = "2026-03-01T09:00:00+00:00"
SPEECH_LIKE = "sine=f=220:d={seconds},volume=0.3,tremolo=f=4:d=0.9"


@dataclass(frozen=True)
class Site:
    """A published folder, the library it was published from, and the environment to run in."""

    folder: Path
    library: Path
    env: dict[str, str]

    def publish(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*MEDITATE, "publish", str(self.folder), *args], env=self.env,
            capture_output=True, text=True, check=False, timeout=timeout,
        )  # fmt: skip

    def copy(self, root: Path) -> Site:
        """The same site and library in `root`, to change without disturbing the original."""
        library = shutil.copytree(self.library, root / "lib")
        folder = shutil.copytree(self.folder, root / "site")
        return Site(folder, library, {**self.env, "MEDITATE_PATH": str(library)})


def environment(root: Path, library: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MEDITATE_PATH": str(library),
        "HOME": str(root / "home"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "MEDITATE_NOW": NOW,
    }


def speech_clip(path: Path, seconds: float) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", SPEECH_LIKE.format(seconds=seconds),
         "-ac", "1", str(path)],
        check=True,
    )  # fmt: skip
    return path


def make_library(folder: Path) -> Path:
    """Three sessions: `calm` (clips with text, chapters, a repeat), `draft` (narration from
    text alone and a cover of its own, 800x600) and `plain` (no chapters, nothing said)."""
    folder.mkdir(parents=True)
    speech_clip(folder / "arrive.wav", 3.0)
    speech_clip(folder / "breathe.wav", 1.5)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=0x336677:s=800x600",
         "-frames:v", "1", str(folder / "art.png")],
        check=True,
    )  # fmt: skip
    (folder / "calm.yaml").write_text(
        """\
title: Calm & Quiet
description: A short practice <for the tests> & nothing more.
author: A Teacher
steps:
  - bell: chime
  - chapter: Arriving
  - narration: arrive.wav
    text: Arrive here, & let the day go.
  - silence: 2s
  - chapter: Breathing
  - repeat: 2
    steps:
      - narration: breathe.wav
        text: Breathe.
      - silence: 1s
"""
    )
    (folder / "draft.yaml").write_text(
        """\
title: A Draft
cover: art.png
steps:
  - chapter: Welcome
  - text: Welcome. Let your eyes close.
  - silence: 2s
"""
    )
    (folder / "plain.yaml").write_text("title: Plain\nsteps:\n  - silence: 3s\n  - bell: chime\n")
    return folder


def feed_addresses(folder: Path) -> list[tuple[str, int | None]]:
    """Every address the feed gives, with the length it states (enclosures)."""
    root = ET.parse(folder / "feed.xml").getroot()
    found: list[tuple[str, int | None]] = []
    for element in root.iter():
        for attribute in ("url", "href"):
            if attribute in element.attrib:
                length = element.attrib.get("length")
                found.append((element.attrib[attribute], int(length) if length else None))
        if element.tag in ("link", "url") and element.text:
            found.append((element.text, None))
    return found


def file_of(folder: Path, url: str, base_url: str = BASE_URL) -> Path:
    """The file a web server serving `folder` at `base_url` answers `url` with."""
    assert url.startswith(base_url), url
    path = unquote(urlsplit(url).path)[len(urlsplit(base_url).path) :]
    return folder / (path or "index.html")


def assert_valid_publication(folder: Path) -> feedparser.FeedParserDict:
    """The feed parses cleanly, and every address in it names a file there of its length."""
    parsed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    for url, length in feed_addresses(folder):
        file = file_of(folder, url)
        assert file.is_file(), f"{url}: no such file in the folder"
        if length is not None:
            assert file.stat().st_size == length, url
    assert not [p.name for p in folder.iterdir() if "meditate-partial" in p.name]
    return parsed


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Each file's modification time and content."""
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir())}
