"""What readers nobody here wrote show of what meditate publishes and exports, before and after.

Run: .venv/bin/python benchmarks/clients.py [--before /work/main] [--after .] [--keep DIR]

For each checkout given (its `player` package runs `meditate`, the readers are this one's:
tests/readers.py, installed by `make test`), in a fresh folder and cache:
- publishes a small library: a session titled "Notes in C:\\audio\\breath" in YAML's double
  quotes (a BEL and a BS), one whose description is hostile markup, one whose description is
  'Rest & restore: <10 minutes a day', with that podcast description too, at an IDN address;
- publishes a session named with 60 x U+1F9D8 (245 bytes with .yaml) on its own;
- exports a session titled with an emoji as MP3 (ID3v2.3 asked, the default) and its
  captions as SubRip, one caption line being '00:00:00.000 --> 00:00:09.000';
and prints a Markdown table of what lxml, feedparser, podcastparser, podcast-partytime, the
Nu HTML checker, exiftool, mediainfo, eyeD3, id3info and ffmpeg's SubRip reader show.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import readers  # noqa: E402

PLAIN = "Rest & restore: <10 minutes a day"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
TIMING = "00:00:00.000 --> 00:00:09.000"
LONG_NAME = "\U0001f9d8" * 60
JOINER = "\u2060"


def meditate(checkout: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = "import sys; from player.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", command, *args], env={**env, "PYTHONPATH": str(checkout)},
        capture_output=True, text=True, check=False, cwd=env["HOME"],
    )  # fmt: skip


def library(folder: Path) -> None:
    folder.mkdir(parents=True)
    silence = "steps:\n  - silence: 1s\n"
    (folder / "notes.yaml").write_text('title: "Notes in C:\\audio\\breath"\n' + silence)
    (folder / "hostile.yaml").write_text(f"title: Hostile\ndescription: '{HOSTILE}'\n" + silence)
    (folder / "plain.yaml").write_text(f"title: Plain\ndescription: '{PLAIN}'\n" + silence)
    (folder / "emoji.yaml").write_text(
        "title: Calm \U0001f9d8 breath\nauthor: Ana \U0001f33f\nsteps:\n"
        f"  - narration: clip.wav\n    text: '{TIMING}'\n  - silence: 1s\n"
    )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=220:d=2,volume=0.3", "-ac", "1",
         str(folder / "clip.wav")],
        check=True,
    )  # fmt: skip
    long_folder = folder.parent / "long"
    long_folder.mkdir()
    (long_folder / f"{LONG_NAME}.yaml").write_text("title: Long\n" + silence)


class Markup(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.words: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def shown(text: str | None) -> str:
    """A reader's text as a table shows it: markup it would make, else its words."""
    if text is None:
        return "(none)"
    markup = Markup(text)
    live = f" **live <{'>, <'.join(markup.elements)}>**" if markup.elements else ""
    words = text.replace(JOINER, "").replace("|", "\\|")
    return f"`{words}`{live}"


def attempt(read: Callable[[], str]) -> str:
    try:
        return read()
    except Exception as error:  # a reader's own failure is what the table shows
        return f"fails: {type(error).__name__}: {str(error).splitlines()[0][:80]}"


def nu_errors(page: Path) -> str:
    errors = [m for m in readers.nu_messages(page) if m["type"] == "error"]
    first = f": {errors[0]['message'][:60]}" if errors else ""
    return f"{len(errors)} errors{first}"


def views(checkout: Path, root: Path) -> dict[str, str]:
    env = {
        **os.environ, "HOME": str(root / "home"), "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "cache"), "MEDITATE_NOW": "2026-03-01T09:00:00+00:00",
        "MEDITATE_PATH": str(root / "lib"),
    }  # fmt: skip
    (root / "home").mkdir(parents=True)
    library(root / "lib")
    found: dict[str, str] = {}
    controls = root / "controls"
    done = meditate(checkout, env, "publish", str(controls), "notes", "plain", "-q",
                    "--base-url", "https://example.org/")  # fmt: skip
    found["publish notes, plain: exit status"] = str(done.returncode)
    feed = controls / "feed.xml"
    found["lxml: feed with notes"] = attempt(
        lambda: "; ".join(readers.lxml_errors(feed))[:90] or "reads it"
    )
    found["podcastparser: feed with notes"] = attempt(
        lambda: f"{len(readers.podcastparser_view(feed)['episodes'])} episodes"
    )
    found["partytime: feed with notes"] = attempt(
        lambda: f"{len((readers.partytime_view(feed) or {}).get('items', []))} episodes"
    )
    found["Nu checker: page with notes"] = attempt(lambda: nu_errors(controls / "index.html"))
    site = root / "site"
    done = meditate(
        checkout, env, "publish", str(site), "hostile", "plain", "-q", "-j", "2",
        "--base-url", "https://bücher.example/calm/", "--description", PLAIN,
    )  # fmt: skip
    feed, page = site / "feed.xml", site / "index.html"
    found["publish hostile, plain: exit status"] = str(done.returncode)
    found["lxml: feed"] = attempt(lambda: "; ".join(readers.lxml_errors(feed))[:90] or "reads it")

    def feedparser_view() -> str:
        import feedparser

        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo:
            return f"bozo: {str(parsed.bozo_exception)[:70]}"
        items = {e.title: e.get("summary") for e in parsed.entries}
        found["feedparser: hostile description"] = shown(items.get("Hostile"))
        found["feedparser: podcast description"] = shown(parsed.feed.get("subtitle"))
        return f"{len(parsed.entries)} episodes; link {parsed.feed.get('link')}"

    found["feedparser: feed"] = attempt(feedparser_view)

    def podcastparser_view() -> str:
        parsed = readers.podcastparser_view(feed)
        items = {e["title"]: e for e in parsed["episodes"]}
        found["podcastparser: podcast description"] = shown(parsed.get("description"))
        found["podcastparser: episode description"] = shown(items["Plain"]["description"])
        hostile = items["Hostile"]
        found["podcastparser: hostile description (html)"] = shown(hostile.get("description_html"))
        return f"{len(parsed['episodes'])} episodes"

    found["podcastparser: feed"] = attempt(podcastparser_view)

    def partytime_view() -> str:
        parsed = readers.partytime_view(feed)
        if parsed is None:
            return "no feed"
        items = {item["title"]: item for item in parsed["items"]}
        found["partytime: podcast description"] = shown(parsed.get("description"))
        found["partytime: hostile description"] = shown(items["Hostile"]["description"])
        return f"{len(parsed['items'])} episodes"

    found["partytime: feed"] = attempt(partytime_view)
    found["Nu checker: page"] = attempt(lambda: nu_errors(page))
    long_site = root / "long-site"
    long_env = {**env, "MEDITATE_PATH": str(root / "long")}
    done = meditate(checkout, long_env, "publish", str(long_site), LONG_NAME, "-q",
                    "--base-url", "https://example.org/")  # fmt: skip
    last = (done.stderr.strip().splitlines() or [""])[-1][:90]
    found["publish: 245-byte session name"] = f"exit {done.returncode}: `{last}`"
    audio = root / "home" / "emoji.mp3"
    done = meditate(checkout, env, "export", "emoji", "-o", str(audio), "--captions", "srt")
    found["export: emoji title"] = f"exit {done.returncode}: `{done.stderr.strip()[:90]}`"
    found["exiftool: title"] = attempt(lambda: readers.exiftool_tags(audio)["Title"])
    found["mediainfo: title"] = attempt(lambda: readers.mediainfo_general(audio)["Title"])
    found["eyeD3: title"] = attempt(
        lambda: next(line for line in readers.eyed3_text(audio).splitlines() if "title" in line)
    )
    found["id3info: title"] = attempt(
        lambda: next((line.split(": ", 1)[1] for line in readers.id3info_text(audio).splitlines()
                      if line.startswith("=== TIT2")), "(nothing)")
    )  # fmt: skip

    def srt_view() -> str:
        done = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(audio.with_suffix(".srt")), "-f", "webvtt", "-"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        cues = [b.splitlines() for b in done.stdout.split("\n\n")[1:] if b.strip()]
        shown = [f"{c[0]} `{' '.join(c[1:]).replace(JOINER, '')}`" for c in cues]
        return "; ".join(shown) or "(no cue)"

    found["ffmpeg: SubRip cues"] = attempt(srt_view)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, default=Path("/work/main"))
    parser.add_argument("--after", type=Path, default=REPO)
    parser.add_argument("--keep", type=Path, help="keep the folders made here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = args.keep or Path(temporary)
        before = views(args.before.resolve(), work / "before")
        after = views(args.after.resolve(), work / "after")
    print(f"| reader: what | before ({args.before}) | after ({args.after}) |")
    print("| --- | --- | --- |")
    for key in dict.fromkeys([*before, *after]):
        print(f"| {key} | {before.get(key, '')} | {after.get(key, '')} |")


if __name__ == "__main__":
    main()
