"""The published page in a real browser (Debian's headless Chromium), and Ctrl-C mid-publish."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from publishing import MEDITATE, Site, assert_valid_publication, environment, make_library

from player.common.images import image_info
from player.output.captions import Cue
from player.output.publish.model import Channel, Episode
from player.output.publish.page import index_html
from player.output.tags import ChapterTag

# No network, no updates, no profile of the machine's: the flags the brief for tests gives.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("page")
    library = make_library(root / "lib")
    published = Site(root / "site", library, environment(root, library))
    done = published.publish(
        "calm", "draft", "plain", "--base-url", "https://example.org/calm/", "-j", "2"
    )
    assert done.returncode == 0, done.stderr
    return published


def chromium(profile: Path, page: Path, *args: str) -> str:
    browser = shutil.which("chromium")
    assert browser, "chromium is missing: run tools/bootstrap.sh --dev"
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Elements(HTMLParser):
    """Every element of a page, as (tag, attributes), in document order."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {key: value or "" for key, value in attrs}))

    def all(self, tag: str, attribute: str | None = None) -> list[dict[str, str]]:
        return [a for t, a in self.found if t == tag and (attribute is None or attribute in a)]


def manifest(folder: Path) -> dict:
    document = json.loads((folder / "publish-manifest.json").read_text())
    return {episode["name"]: episode for episode in document["episodes"]}


def test_the_page_has_a_player_per_episode_chapter_links_and_transcripts(site, tmp_path):
    dom = Elements(chromium(tmp_path / "profile", site.folder / "index.html", "--dump-dom"))
    episodes = manifest(site.folder)
    players = dom.all("audio")
    assert sorted(p["src"] for p in players) == sorted(e["audio"] for e in episodes.values())
    assert all("controls" in p and p["aria-label"].startswith("Play ") for p in players)
    seeks = dom.all("a", "data-seek")
    for name, episode in episodes.items():
        mine = [a for a in seeks if a["data-player"] == f"{name}-player"]
        starts = [c[1] / 1000 for c in episode["chapters"]] + [c[0] / 1000 for c in episode["cues"]]
        assert [float(a["data-seek"]) for a in mine] == pytest.approx(starts)
        assert all(a["href"] == f"{episode['audio']}#t={a['data-seek']}" for a in mine)
    tracks = dom.all("track")
    assert sorted(t["src"] for t in tracks) == sorted(
        e["transcript_file"] for e in episodes.values() if e["transcript_file"]
    )
    subscribe = [a for a in dom.all("a", "href") if a["href"].endswith("feed.xml")]
    assert [a["href"] for a in subscribe] == ["https://example.org/calm/feed.xml"]


def test_the_page_asks_nothing_of_any_other_place(site, tmp_path) -> None:
    dom = Elements(chromium(tmp_path / "profile", site.folder / "index.html", "--dump-dom"))
    fetched = [a["src"] for _, a in dom.found if "src" in a]
    fetched += [a["href"] for t, a in dom.found if t == "link"]
    assert fetched and all(not urlsplit(address).scheme for address in fetched)
    for address in fetched:
        assert (site.folder / unquote(urlsplit(address).path)).is_file(), address
    assert not dom.all("script", "src")  # the one script is inline, and small
    assert not dom.all("iframe") and not dom.all("object")


def test_a_screenshot_shows_the_page(site, tmp_path) -> None:
    shot = tmp_path / "page.png"
    chromium(
        tmp_path / "profile", site.folder / "index.html", f"--screenshot={shot}",
        "--window-size=900,1400", "--hide-scrollbars",
    )  # fmt: skip
    info = image_info(shot.read_bytes())
    assert (info.mime, info.width, info.height) == ("image/png", 900, 1400)
    from PIL import Image, ImageStat

    with Image.open(shot) as image:
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
    assert spread > 10  # text, players and the cover, not a blank page


def test_starting_one_player_pauses_the_one_that_plays(site, tmp_path) -> None:
    folder = shutil.copytree(site.folder, tmp_path / "site")
    probe = """<script>
    window.addEventListener("load", function () {
      document.querySelector("#calm ol.chapters a[data-seek]").click();
      setTimeout(function () {
        var calm = document.getElementById("calm-player");
        var playing = !calm.paused;
        document.querySelector("#draft ol.transcript a[data-seek]").click();
        setTimeout(function () {
          var draft = document.getElementById("draft-player");
          document.body.setAttribute("data-probe", [playing, calm.paused, draft.paused].join());
        }, 1000);
      }, 1000);
    });
    </script></body>"""
    page = (folder / "index.html").read_text().replace("</body>", probe)
    (folder / "probe.html").write_text(page)
    dom = Elements(
        chromium(
            tmp_path / "profile", folder / "probe.html", "--dump-dom",
            "--autoplay-policy=no-user-gesture-required", "--virtual-time-budget=5000",
        )
    )  # fmt: skip
    (body,) = dom.all("body")
    # calm played from its chapter; once draft's transcript link started draft, calm paused
    assert body["data-probe"] == "true,true,false"


LONG_WORD = "Breathe" * 715  # 5,005 characters, no space
LONG_URL = "https://example.org/" + "a-very-long-path/" * 30 + "?with=a&query=too"


def long_texts_page(folder: Path) -> Path:
    """A page whose every text is one long word or a long address."""
    channel = Channel(
        base_url="https://example.org/calm/",
        title=LONG_WORD,
        description=f"{LONG_WORD} {LONG_URL}",
        language="en",
        explicit=False,
        image="cover.jpg",
        podcast_guid="g",
        author=LONG_WORD,
    )
    episode = Episode(
        name="long",
        guid="long",
        published=datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc),
        digest="0" * 64,
        title=LONG_WORD,
        description=f"{LONG_URL} {LONG_WORD}",
        author=None,
        seconds=60,
        audio="long-00000000.mp3",
        audio_bytes=1,
        chapters_file=None,
        transcript_file=None,
        image=None,
        chapters=(ChapterTag(LONG_WORD, 0, 60_000),),
        cues=(Cue(0, 5000, f"{LONG_WORD} {LONG_URL}"),),
    )
    folder.mkdir()
    (folder / "index.html").write_text(index_html(channel, [episode]))
    return folder / "index.html"


@pytest.mark.parametrize("width", [320, 400])
def test_a_phone_never_scrolls_sideways_whatever_the_text(tmp_path, width) -> None:
    page = long_texts_page(tmp_path / "site")
    # headless Chromium keeps its window at least 500 pixels wide: the page is shown in a
    # frame of the phone's width instead, as a narrow window would show it
    frame = page.parent / "frame.html"
    frame.write_text(f"""<!DOCTYPE html><html><body style="margin:0">
    <iframe id="phone" src="index.html" style="width:{width}px;height:900px;border:0"></iframe>
    <script>
    document.getElementById("phone").addEventListener("load", function () {{
      var page = this.contentWindow.document;
      var widths = [page.scrollingElement.scrollWidth, page.documentElement.clientWidth];
      document.body.setAttribute("data-widths", widths.join());
    }});
    </script></body></html>""")
    dom = Elements(
        chromium(
            tmp_path / "profile", frame, "--dump-dom", "--allow-file-access-from-files",
            "--window-size=800,1000", "--virtual-time-budget=3000",
        )
    )  # fmt: skip
    (body,) = dom.all("body")
    scroll_width, viewport = (int(n) for n in body["data-widths"].split(","))
    assert viewport > width - 20  # the frame's width, less a scroll bar
    assert scroll_width <= viewport


def test_a_chapter_link_seeks_its_player_without_leaving_the_page(site, tmp_path) -> None:
    folder = shutil.copytree(site.folder, tmp_path / "site")
    probe = """<script>
    window.addEventListener("load", function () {
      var link = document.querySelectorAll("#calm ol.chapters a[data-seek]")[2];
      link.click();
      var player = document.getElementById("calm-player");
      document.body.setAttribute("data-probe", player.currentTime + "@" + location.pathname);
    });
    </script></body>"""
    page = (folder / "index.html").read_text().replace("</body>", probe)
    (folder / "probe.html").write_text(page)
    dom = Elements(chromium(tmp_path / "profile", folder / "probe.html", "--dump-dom"))
    (body,) = dom.all("body")
    seconds, path = body["data-probe"].split("@")
    chapters = manifest(folder)["calm"]["chapters"]
    assert float(seconds) == pytest.approx(chapters[2][1] / 1000)  # 'Breathing'
    assert path.endswith("/probe.html")  # the page stayed; the file did not open instead


@pytest.mark.parametrize("jobs", ["1", "2"])  # with 2, one worker is idle at the Ctrl-C
def test_ctrl_c_mid_publish_keeps_the_previous_feed_and_the_next_run_finishes(
    site, tmp_path, jobs
) -> None:
    copy = site.copy(tmp_path)
    feed_before = (copy.folder / "feed.xml").read_bytes()
    old_calm = manifest(copy.folder)["calm"]["audio"]
    calm = copy.library / "calm.yaml"
    calm.write_text(calm.read_text().replace("- silence: 2s", "- silence: 3s"))
    (copy.library / "long.yaml").write_text(
        "title: Long\nambient:\n  - sound: synth:rain\nsteps:\n  - silence: 20m\n"
    )
    process = subprocess.Popen(
        [*MEDITATE, "publish", str(copy.folder), "calm", "draft", "plain", "long", "-j", jobs],
        env=copy.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # the new calm finished, and long under way
        names = [p.name for p in copy.folder.iterdir()]
        new_calm = [n for n in names if n.startswith("calm-") and n.endswith(".mp3")]
        writing_long = [n for n in names if n.startswith(".long-") and "partial" in n]
        if len(new_calm) == 2 and writing_long:
            break
        time.sleep(0.05)
    else:
        process.kill()
        raise AssertionError("the publication never got under way")
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C reaches the whole group
    _, stderr = process.communicate(timeout=300)  # only a hang takes this long
    assert process.returncode == 130, stderr
    assert "publish interrupted" in stderr and "Traceback" not in stderr
    assert (copy.folder / "feed.xml").read_bytes() == feed_before
    assert_valid_publication(copy.folder)
    assert (copy.folder / old_calm).exists()  # what the feed names is all still there
    done = copy.publish("calm", "draft", "plain")
    assert done.returncode == 0, done.stderr
    assert not [line for line in done.stdout.splitlines() if line.startswith("Exported")]
    assert "1 finished earlier" in done.stdout  # calm, exported before the interruption
    parsed = assert_valid_publication(copy.folder)
    assert len(parsed.entries) == 3
    assert not (copy.folder / old_calm).exists()
    assert not [p for p in copy.folder.iterdir() if p.name.startswith(("long", ".long"))]
