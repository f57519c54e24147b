"""Debian's Chromium, launched the one way this project uses it (checks, tests, benchmarks).

Playwright drives the system browser at /usr/bin/chromium (never a downloaded one). The
flags keep it headless and quiet: without the background-networking ones it tries to
reach Google's services at every start, which a closed network refuses many times over.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def launched() -> Iterator:
    """A started Playwright and a headless Chromium, both closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def cancelled_by_moving_on(request) -> bool:
    """Whether a failed request is one Chromium cancelled itself when the tab moved on.

    Leaving a page (or scrolling past a lazy photo) aborts its image fetches, and the tab's
    icon, which Chromium fetches on its own after ``load`` (Playwright types it "other").
    That is the browser doing the right thing, not a failure of the site; any other
    failure, and any failure but ``ERR_ABORTED``, still counts.
    """
    if request.failure != "net::ERR_ABORTED":
        return False
    if request.resource_type == "image":
        return True
    name = urlsplit(request.url).path.rsplit("/", 1)[-1]
    return request.resource_type == "other" and name.startswith("favicon.")
