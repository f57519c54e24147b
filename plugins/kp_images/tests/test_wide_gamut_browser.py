"""A wide-gamut photo looks in Chromium as it does in the photographer's editor.

A saturated patch is exported in Display P3 and in Adobe RGB (the profiles photographers
export in), the pipeline makes its AVIF, WebP and JPEG derivatives, and headless Chromium
renders each one; the pixel read back from a screenshot (Chromium told to draw for an sRGB
screen) must be the patch's colour converted to sRGB by littleCMS, which differs clearly
from the same numbers read as sRGB (what a browser shows when the profile is lost).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from kp_images import ResponsiveImages
from kp_images.tests import camera_files
from sitetools.chromium import CHROMIUM, CHROMIUM_ARGS

PATCH = (200, 60, 50)  # a saturated red, still inside sRGB once converted (no clipping)
TOLERANCE = 6  # lossy encoders on a flat patch


def expected_srgb(profile: bytes) -> tuple[int, int, int]:
    source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    transform = ImageCms.buildTransform(source, ImageCms.createProfile("sRGB"), "RGB", "RGB")
    return ImageCms.applyTransform(Image.new("RGB", (1, 1), PATCH), transform).getpixel((0, 0))


@pytest.mark.browser
def test_a_wide_gamut_patch_keeps_its_colour_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    settings = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "SITEURL": "",
        "STUDIO": {"name": "kp studios"},
        "KP_IMAGES": {"cache_dir": str(tmp_path / "cache"), "avif_speed": 9},
    }
    images = ResponsiveImages(settings)
    cases = []
    for name in ("display-p3", "adobe-rgb"):
        profile = camera_files.icc_profile(name)
        Image.new("RGB", (1200, 800), PATCH).save(
            content / "images" / f"{name}.jpg", quality=95, icc_profile=profile
        )
        result = images.image_set(f"images/{name}.jpg", "")
        expected = expected_srgb(profile)
        assert max(abs(a - b) for a, b in zip(expected, PATCH, strict=True)) >= 15, (
            "the patch must look different without its profile, or the test proves nothing"
        )
        for rel in result.files:
            if "-360." in rel:
                cases.append((name, rel, expected))
    images.flush()
    assert {Path(rel).suffix for _n, rel, _e in cases} == {".avif", ".webp", ".jpg"}

    output = Path(settings["OUTPUT_PATH"])
    tags = "".join(
        f'<img src="{rel}" width="120" height="80" style="display:block;margin:0">'
        for _name, rel, _expected in cases
    )
    (output / "index.html").write_text(f"<!doctype html><body style='margin:0'>{tags}</body>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--force-color-profile=srgb"]
        )
        try:
            page = browser.new_page(viewport={"width": 200, "height": 80 * len(cases)})
            page.goto((output / "index.html").as_uri())
            page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth)")
            shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        finally:
            browser.close()
    for index, (name, rel, expected) in enumerate(cases):
        seen = shot.getpixel((60, 80 * index + 40))
        difference = max(abs(a - b) for a, b in zip(seen, expected, strict=True))
        assert difference <= TOLERANCE, f"{name} {rel}: Chromium drew {seen}, expected {expected}"
