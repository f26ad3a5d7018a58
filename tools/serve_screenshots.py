"""Screenshots of `meditate serve` for the README: a session playing, its words shown, at a
phone's width (400 px, light) and a desktop's (1280 px, the dark look a browser shows at
night), in Debian's headless Chromium driven by Playwright.

    .venv/bin/python tools/serve_screenshots.py [--out docs]

The server runs here on a loopback port, over the bundled library alone, with an empty
practice log; renders go to the user cache as usual, so a second run is quick.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SESSION = "/sessions/three-breaths"
SHOTS = (("serve-400.png", 400, "light"), ("serve-1280.png", 1280, "dark"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_DATA_HOME"] = str(Path(home) / "data")
        os.environ["MEDITATE_PATH"] = ""
        from playwright.sync_api import sync_playwright

        from player.common.cache import user_cache
        from player.web.server import prepare_server

        serving = prepare_server(user_cache(), port=0, lan=False)
        thread = threading.Thread(
            target=serving.server.run, kwargs={"sockets": [serving.sock]}, daemon=True
        )
        thread.start()
        while not serving.server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{serving.sock.getsockname()[1]}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"]
                )
                for name, width, scheme in SHOTS:
                    page = browser.new_page(
                        viewport={"width": width, "height": 900},
                        color_scheme=scheme,
                        bypass_csp=True,  # to watch the page; the page itself needs no exception
                    )
                    page.set_default_timeout(600_000)
                    page.goto(base + SESSION)
                    page.wait_for_function(
                        "() => { const a = document.getElementById('audio');"
                        " return a && a.readyState === 4; }"
                    )
                    page.locator(".transcript button").nth(1).click()  # 'Breathe in slowly.'
                    page.wait_for_function("document.getElementById('words').textContent")
                    page.evaluate("document.getElementById('audio').pause()")
                    page.evaluate("document.activeElement.blur()")
                    target = args.out / name
                    page.screenshot(path=str(target), full_page=True)
                    print(f"Wrote {target}")
                    page.close()
                browser.close()
        finally:
            serving.server.should_exit = True
            thread.join(30)


if __name__ == "__main__":
    main()
