"""Debian's Chromium, launched the one way this project uses it (checks, tests, benchmarks).

Playwright drives the system browser at /usr/bin/chromium (never a downloaded one). The
flags keep it headless and quiet: without the background-networking ones it tries to
reach Google's services at every start, which a closed network refuses many times over.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
