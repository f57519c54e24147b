"""A comparison of phone and editor files: HEIC, TIFF and AVIF decode through kp_images.

The content is written at test time: a real portrait and the same with enlarged eyes as
HEIC (pillow-heif's encoder), the original stored on its side with an EXIF orientation as
a phone does; and a TIFF against an AVIF. The build must show both comparisons from
kp_images' derivatives (never the original files), and the face analysis must find the
face, which it can only do on upright pixels.
"""

from __future__ import annotations

from pathlib import Path

import face_edits as edits
import numpy as np
import pytest
from kp_images.decode import register_heif
from PIL import Image

from tests.sitebuild import build_scenario, soup

POST_SOURCE = """Title: Phone files
Date: 2026-01-04 10:00
Category: Tests
Slug: phone-files
Summary: A comparison of HEIC photos, and of a TIFF and an AVIF.

/// compare | The eyes, enlarged, shot on a phone
before: images/original.heic
before_alt: The original portrait from the phone
after: images/eyes.heic
after_alt: The portrait with enlarged eyes
///

/// compare | A scan against an AVIF export
before: images/wall.tif
before_alt: A grey wall, scanned
after: images/wall.avif
after_alt: The grey wall with a dark square
faces: false
///
"""
POST = "blog/phone-files/index.html"


def save(rgb: np.ndarray, path: Path, fmt: str, orientation: int = 1) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    options = {"quality": 92} if fmt in ("HEIF", "AVIF") else {}
    Image.fromarray(rgb).save(path, fmt, exif=exif.tobytes(), **options)


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory):
    register_heif()
    work = tmp_path_factory.mktemp("phone-files")
    images = work / "content/images"
    images.mkdir(parents=True)
    rgb = edits.hopper(2.5)
    marks = edits.landmarks(rgb)
    bigger = edits.enlarge(
        rgb, [marks.left_eye, marks.right_eye], 1.15, 0.75 * marks.eye_width, 1.5 * marks.eye_width
    )
    # Stored on its side (the sensor's rows), orientation 6: turn 90 degrees clockwise.
    save(np.ascontiguousarray(np.rot90(rgb, 1)), images / "original.heic", "HEIF", 6)
    save(bigger, images / "eyes.heic", "HEIF")
    wall = np.full((300, 400, 3), 150, np.uint8)
    save(wall, images / "wall.tif", "TIFF")
    wall[100:150, 150:200] = 40
    save(wall, images / "wall.avif", "AVIF")
    (work / "content/blog").mkdir()
    (work / "content/blog/phone-files.md").write_text(POST_SOURCE, encoding="utf-8")
    result = build_scenario("valid", work, PATH=str(work / "content"))
    assert result.ok, "\n".join(result.problems)
    return result.output, rgb.shape


def test_heic_comparison_is_shown_from_derivatives_in_the_upright_box(phone_site):
    site, (height, width, _) = phone_site
    heic, scan = soup(site / POST).select("figure.kp-compare")
    for figure in (heic, scan):
        for picture in figure.select(".kp-compare__pane picture"):
            img = picture.select_one("img.kp-compare__img")
            assert img["src"].endswith(".jpg") and "/images/r/" in img["src"]
            assert [s["type"] for s in picture.select("source")] == ["image/avif", "image/webp"]
            assert (site / img["src"].lstrip("/")).is_file()
    before, after = heic.select(".kp-compare__pane img.kp-compare__img")
    # The phone stored the original on its side; the box is the upright portrait's.
    assert (int(before["width"]), int(before["height"])) == (width, height)
    assert (int(after["width"]), int(after["height"])) == (width, height)
    # No original is published: no HEIC or TIFF at all, and not the AVIF source.
    suffixes = {path.suffix.lower() for path in site.rglob("*") if path.is_file()}
    assert not suffixes & {".heic", ".heif", ".tif", ".tiff"}
    assert not list(site.rglob("wall.avif"))


def test_the_face_analysis_sees_the_heic_face_upright(phone_site):
    site, _ = phone_site
    heic = soup(site / POST).select("figure.kp-compare")[0]
    findings = [li.get_text() for li in heic.select(".kp-compare__findings li")]
    assert findings, "no face found: the sideways HEIC was not turned upright"
    identity, shape, _ = findings
    assert "the model still takes it" in identity  # the same person
    # The eyes were enlarged by 15 % (linear): about 32 % of area.
    assert shape.startswith("Reshaped: eyes ")
    assert 26 <= int(shape.split("eyes ")[1].split("%")[0]) <= 38
    assert heic.select_one("img.kp-compare__facemap")


def test_tiff_against_avif_measures_the_changed_square(phone_site):
    site, _ = phone_site
    scan = soup(site / POST).select("figure.kp-compare")[1]
    # A 50x50 square in a 400x300 picture: 2 %, give or take the blur at its edges.
    assert scan.select_one(".kp-compare__measure").get_text() in {
        "2% of this photo was changed.",
        "3% of this photo was changed.",
    }
    before, _ = scan.select(".kp-compare__pane img.kp-compare__img")
    assert (int(before["width"]), int(before["height"])) == (400, 300)
