"""The web player in a real browser: Debian's headless Chromium, driven by Playwright's driver
(no browser of Playwright's own), against the real server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from serving import Site, running

CHROMIUM = "/usr/bin/chromium"
MEDITATE = [sys.executable, "-m", "player"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--autoplay-policy=no-user-gesture-required", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def _page(browser: object, site: Site, requested: list[str], *, policy: bool = False) -> object:
    """A new page at phone width. The server's content security policy forbids evaluating
    script text, which is how the tests watch the page: only with `policy` is it kept."""
    page = browser.new_page(  # type: ignore[attr-defined]
        viewport={"width": 400, "height": 800}, bypass_csp=not policy
    )
    page.on("request", lambda request: requested.append(request.url))
    page.set_default_timeout(180_000)
    return page


def test_a_session_plays_seeks_by_chapter_and_shows_its_words(browser) -> None:
    requested: list[str] = []
    with running() as site:
        page = _page(browser, site, requested)
        page.goto(f"http://127.0.0.1:{site.port}/")
        page.get_by_role("link", name="Three Breaths").click()
        page.wait_for_function("() => { const a = document.getElementById('audio');"
                               " return a && a.readyState === 4; }")  # fmt: skip
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_function("document.getElementById('audio').currentTime > 0.5")
        assert page.get_by_role("button", name="Pause", exact=True).is_visible()
        page.locator(".chapters button", has_text="Three breaths").click()
        page.wait_for_function("document.getElementById('audio').currentTime >= 17.2")
        page.wait_for_function(
            "document.getElementById('chapter-now').textContent === 'Three breaths'"
        )
        page.get_by_role("button", name="Next chapter").click()
        page.wait_for_function("document.getElementById('audio').currentTime >= 55")
        page.wait_for_function(  # the words follow at the next timeupdate, after the seek
            "document.getElementById('words').textContent.startsWith('Notice')", timeout=30_000
        )
        words = page.locator("#words").text_content()
        current = page.locator(".transcript li[aria-current=true] span").text_content()
        chapter = page.locator("#chapter-now").text_content()
        page.close()
        strict = _page(browser, site, requested, policy=True)  # as a listener's browser has it
        refusals: list[str] = []
        strict.on("console", lambda message: refusals.append(message.text))
        strict.goto(f"http://127.0.0.1:{site.port}/sessions/three-breaths")
        strict.get_by_role("button", name="Play", exact=True).click()
        strict.get_by_role("button", name="Pause", exact=True).wait_for()  # player.js runs
        strict.close()
    assert not [text for text in refusals if "Content Security Policy" in text]
    assert chapter == "Returning"
    assert words == current == "Notice how you feel now. Carry this quiet with you."
    origin = f"http://127.0.0.1:{site.port}/"
    assert requested and [url for url in requested if not url.startswith(origin)] == []


def test_a_sitting_finished_in_the_browser_is_in_meditate_history(browser) -> None:
    requested: list[str] = []
    with running() as site:
        page = _page(browser, site, requested)
        page.goto(f"http://127.0.0.1:{site.port}/timer")
        page.get_by_label("Length (minutes)").fill("0.1")
        page.get_by_label("Bell", exact=True).select_option("chime")
        page.get_by_role("button", name="Sit").click()
        page.wait_for_function("() => { const a = document.getElementById('audio');"
                               " return a && a.readyState === 4; }")  # fmt: skip
        page.evaluate("document.getElementById('audio').playbackRate = 4")  # a quick sitting
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_function("document.getElementById('logged').textContent !== ''")
        logged = page.locator("#logged").text_content()
        page.close()
    assert logged.startswith("Logged in your practice: 0:06 of Timer 0:06, completed")
    history = subprocess.run(
        [*MEDITATE, "history"], capture_output=True, text=True, check=True
    ).stdout
    assert "Timer 0:06" in history and "completed" in history
    assert "Total: 0 minutes in 1 sitting, 1 completed." in history


def test_every_page_fits_a_320_px_screen_without_sideways_scrolling(browser) -> None:
    requested: list[str] = []
    with running() as site:
        page = _page(browser, site, requested)
        page.set_viewport_size({"width": 320, "height": 640})
        widths = {}
        for path in ("/", "/sessions/heart-opening?set=1&length=1m", "/timer", "/history", "/nope"):
            page.goto(f"http://127.0.0.1:{site.port}{path}")
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
        page.close()
    assert widths == dict.fromkeys(widths, 320)
