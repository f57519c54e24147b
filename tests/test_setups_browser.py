"""The site under a path (a GitHub project page) in Chromium: no request leaves the path.

The setups matrix (``test_setups.py``) checks every URL of every page statically; this loads
every page from a local server under ``/kp-site/`` with the production headers, scrolled so
lazy images load, and fails on any request outside the path or any failed one.
"""

from __future__ import annotations

import os

import pytest
from test_setups import build_setup, page_address

from pelicanconf import STUDIO
from sitetools.check.browser import SCROLL_TO_BOTTOM
from sitetools.chromium import cancelled_by_moving_on
from sitetools.security import security_headers
from sitetools.serve import running_server
from tests.servers import free_port


@pytest.mark.browser
def test_a_site_under_a_path_makes_no_request_outside_it(tmp_path, image_caches, browser):
    port = free_port()
    base = f"http://127.0.0.1:{port}/kp-site"
    output = build_setup(tmp_path / "build", {"SITEURL": base}, image_caches)
    served = tmp_path / "www"
    served.mkdir()
    os.symlink(output, served / "kp-site")
    # Every page but the redirect stubs at old addresses (they send the browser on at once;
    # the static check above covers where they lead).
    pages = sorted(
        page_address(output, p, "")
        for p in output.rglob("index.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    )
    outside, failed = [], []
    headers = security_headers(STUDIO)
    with running_server(served, port=port, headers=headers):
        page = browser.new_page()
        page.on(
            "request", lambda r: None if r.url.startswith(base + "/") else outside.append(r.url)
        )
        page.on("requestfailed", lambda r: cancelled_by_moving_on(r) or failed.append(r.url))
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        for path in pages:
            page.goto(base + path, wait_until="load")
            page.evaluate(SCROLL_TO_BOTTOM)
        page.close()
    assert len(pages) >= 15
    assert outside == [] and failed == []
