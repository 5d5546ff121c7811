"""Driving the playground in headless Chromium through Playwright, for the browser tests and for
the README's screenshot (`python tests/page_driver.py` remakes docs/screenshots/playground.png).

Chromium is Debian's (`apt-get install chromium`); Playwright's own browser download is not used.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# As root in a container Chromium needs --no-sandbox; the others keep it off a closed network.
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
FIT_SECONDS = 180  # the longest a fit in these tests may take before the page is given up on


def launch(playwright: Any, executable: str) -> Any:
    return playwright.chromium.launch(executable_path=executable, args=ARGUMENTS)


def open_page(browser: Any, url: str) -> Any:
    """A new page on the playground at `url`, once its form is built; page errors are kept in
    `page.errors`."""
    page = browser.new_page(viewport=VIEWPORT)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return page


def fit_formula(page: Any, formula: str, ranges: dict[str, tuple[str, str]]) -> None:
    """Type `formula`, fill its domain fields and press Fit (returns at once)."""
    page.fill("#target", formula)
    for name, (lo, hi) in ranges.items():
        row = f"#domain-fields tr[data-input={name}]"
        page.wait_for_selector(row)
        page.fill(f"{row} .lo", lo)
        page.fill(f"{row} .hi", hi)
    page.click("#fit")


def set_field(page: Any, name: str, value: str) -> None:
    """Set a recipe field of the form (opening the form if it is folded)."""
    page.evaluate("document.querySelector('#recipe').open = true")
    page.fill(f"#field-{name}", value)


def finished(page: Any, ended_before: int) -> dict[str, float]:
    """Wait for the fit started after `ended_before` fits had ended to end and its result to show;
    its metrics by set."""
    page.wait_for_function(
        f"window.nnfitLive.ended > {ended_before} && window.nnfitLive.shown === window.nnfitLive.lastRun",
        timeout=FIT_SECONDS * 1000,
    )
    return metrics(page)


def ended(page: Any) -> int:
    """How many fits the page has seen end."""
    return int(page.evaluate("window.nnfitLive.ended"))


def metrics(page: Any) -> dict[str, float]:
    """The result's metrics table: rRMSE by set name ("test", "1-1.5x", ...)."""
    rows = page.eval_on_selector_all(
        "#metrics tr", "rows => rows.slice(1).map(r => [...r.cells].map(c => c.textContent))"
    )
    return {row[0].split(" ")[0]: float(row[1]) for row in rows}


def variance(page: Any, selector: str) -> float:
    """The pixel variance (0-1 channels) of a Plotly plot's data area: 0 where nothing is drawn."""
    import matplotlib.image

    area = page.locator(f"{selector} .nsewdrag").first
    pixels = matplotlib.image.imread(io.BytesIO(area.screenshot()), format="png")
    return float(pixels[..., :3].var())


def main(out: str) -> None:
    """Fit x**2 + x on the page and save a screenshot of it to `out`."""
    from playwright.sync_api import sync_playwright

    from nnfit.web import running

    with tempfile.TemporaryDirectory() as folder, running(Path(folder)) as url, sync_playwright() as playwright:
        browser = launch(playwright, shutil.which("chromium") or "chromium")
        page = open_page(browser, url)
        fit_formula(page, "x**2 + x", {"x": ("1", "1000")})
        finished(page, 0)
        page.fill("#new-point", "1500")
        page.click("#add-point")
        page.wait_for_timeout(500)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=out, full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/playground.png")
