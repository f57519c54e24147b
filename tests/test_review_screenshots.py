"""The review screenshots (issue #16): home, the flagship post, the journal and the
portfolio at 320, 768 and 1280 px in output-check/, every photo in them loaded, the
testimonial photos included (small derivatives, explicitly sized)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from pelicanconf import STUDIO
from sitetools.check import run_checks
from sitetools.check.browser import (
    DESKTOP,
    LOAD_EVERY_IMAGE,
    MOBILE,
    REVIEW_PAGES,
    TABLET,
    screenshot_name,
)
from sitetools.serve import running_server

pytestmark = pytest.mark.browser


def test_the_review_pages_are_shot_at_three_widths_and_pass_the_gates(site: Path, tmp_path):
    shots = tmp_path / "output-check"
    report = run_checks(
        site, pages=list(REVIEW_PAGES), screenshots_dir=shots, studio_settings=STUDIO
    )
    assert report.render().splitlines()[-1].endswith(" 0 failed"), report.render()
    for page in REVIEW_PAGES:
        for viewport in (MOBILE, TABLET, DESKTOP):
            with Image.open(shots / screenshot_name(page, viewport)) as shot:
                assert shot.width == viewport.width
                assert shot.height > viewport.height  # the full page, not the first screen
    assert len(list(shots.glob("*--tablet.png"))) == len(REVIEW_PAGES)


def test_testimonial_photos_are_small_sized_derivatives_and_show_in_a_full_page_shot(
    browser, site: Path
):
    with running_server(site) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url + "/")
        photos = page.locator("img.testimonial__photo")
        assert photos.count() >= 1
        for index in range(photos.count()):
            photo = photos.nth(index)
            assert photo.get_attribute("width") and photo.get_attribute("height")
            assert photo.get_attribute("loading") == "lazy"  # far below the first screen
            widths = [part.rsplit(" ", 1)[1] for part in photo.get_attribute("srcset").split(", ")]
            assert widths == ["56w", "112w", "168w"]  # never the 900 px source
        # No scrolling, as a full-page screenshot takes it: the gates' helper loads them.
        assert page.evaluate(LOAD_EVERY_IMAGE) == []
        shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
        for index in range(photos.count()):
            box = photos.nth(index).evaluate(
                "img => { const r = img.getBoundingClientRect();"
                " return [r.x + scrollX, r.y + scrollY, r.width, r.height]; }"
            )
            assert box[2] == 56 and box[3] == 56
            chosen = photos.nth(index).evaluate("img => img.naturalWidth")
            assert chosen <= 168
            x, y, w, h = (round(v) for v in box)
            # The photo's pixels, not an empty gap: they vary (a flat fill would not).
            inner = shot.crop((x + w // 4, y + h // 4, x + 3 * w // 4, y + 3 * h // 4))
            assert max(ImageStat.Stat(inner).stddev) > 3
        page.close()
