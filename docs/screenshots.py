"""Screenshots of the built site, from headless Chromium: its front page and one tutorial.

    mkdocs build --site-dir /tmp/site && python docs/screenshots.py /tmp/site

Writes docs/screenshots/*.png (1280 px wide, the top of each page). Needs Playwright's Python
package and Debian's chromium (Playwright's own browser download is not needed).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {"front-page.png": "", "tutorial.png": "tutorials/good-inside-bad-outside/"}
OUT = Path(__file__).resolve().parent / "screenshots"


def main(site: str) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # loopback, any free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    OUT.mkdir(exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for name, path in PAGES.items():
                page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
                page.screenshot(path=OUT / name)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "site")
