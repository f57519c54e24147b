"""Which failed requests the browser tests forgive (``sitetools.chromium``), in Chromium."""

from __future__ import annotations

import pytest

from sitetools.chromium import cancelled_by_moving_on

PAGE = (
    '<!doctype html><html lang="en"><head><title>t</title>'
    '<link rel="icon" href="/theme/img/favicon.svg" type="image/svg+xml">'
    '<script src="/app.js"></script></head>'
    '<body><img src="/photo.jpg" alt=""><img src="/broken.jpg" alt=""></body></html>'
)


@pytest.mark.browser
def test_only_aborted_images_and_the_tab_icon_are_forgiven(browser):
    page = browser.new_page()
    failed: dict[str, bool] = {}
    page.on(
        "requestfailed",
        lambda r: failed.__setitem__(r.url.rsplit("/", 1)[-1], cancelled_by_moving_on(r)),
    )
    page.route(
        "http://site.test/", lambda route: route.fulfill(body=PAGE, content_type="text/html")
    )
    # What moving on does to these fetches, and what a real failure looks like.
    for name in ("favicon.svg", "app.js", "photo.jpg"):
        page.route(f"http://site.test/**/{name}", lambda route: route.abort("aborted"))
    page.route("http://site.test/broken.jpg", lambda route: route.abort("failed"))
    page.goto("http://site.test/")
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(300)  # the icon is fetched after load
    page.close()
    assert failed == {
        "favicon.svg": True,
        "photo.jpg": True,
        "app.js": False,  # a script the page needs: a failure even when aborted
        "broken.jpg": False,  # a photo that did not load for another reason
    }
