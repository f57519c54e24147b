"""The studio's own photos on a built site: the link previews kp_images crops to 1200 x 630,
the home page's portfolio strip, and a settings photo that names no file (a build error)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PIL import ExifTags, Image

from pelicanconf import STUDIO
from tests.sitebuild import FLAGSHIP, ROOT, build_site, soup

PREVIEWED = ["index.html", FLAGSHIP, "portfolio/index.html", "about/index.html", "blog/index.html"]


def meta(page, key: str) -> str:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    assert tag is not None, key
    return tag["content"]


@pytest.mark.parametrize("path", PREVIEWED)
def test_every_preview_is_a_1200_by_630_crop_with_the_studio_rights(site: Path, path: str):
    page = soup(site / path)
    url = meta(page, "og:image")
    assert meta(page, "twitter:image") == url
    assert url.startswith(STUDIO["url"] + "/images/r/") and url.endswith("-1200x630.jpg")
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:image:alt") and meta(page, "og:image:alt") == meta(
        page, "twitter:image:alt"
    )
    file = site / url.removeprefix(STUDIO["url"] + "/")
    with Image.open(file) as preview:
        assert preview.format == "JPEG" and preview.size == (1200, 630)
        assert preview.getexif().get(ExifTags.Base.Copyright)  # like every derivative
        assert b"dc:rights" in (preview.info.get("xmp") or b"")
        assert not preview.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert file.stat().st_size < 200_000


def test_a_post_previews_its_own_image_and_a_page_without_one_the_studio_image(site: Path):
    post = meta(soup(site / FLAGSHIP), "og:image").rsplit("/", 1)[1]
    assert post.startswith("ai-headshots-vs-professional-photographer-")
    for path in ("index.html", "portfolio/index.html"):
        page = soup(site / path)
        assert meta(page, "og:image").rsplit("/", 1)[1].startswith("amara-")
        assert meta(page, "og:image:alt") == STUDIO["image_alt"]


def test_the_home_page_shows_a_strip_of_portfolio_photos_linking_to_the_portfolio(site: Path):
    page = soup(site / "index.html")
    strip = page.select_one("section.strip")
    assert strip is not None
    gallery = yaml.safe_load(
        (ROOT / "content" / "images" / "portfolio" / "gallery.yaml").read_text(encoding="utf-8")
    )["images"]
    hero = Path(STUDIO["hero"]["image"]).name
    expected = [entry for entry in gallery if entry["src"] != hero][: STUDIO["portfolio"]["photos"]]
    images = strip.select("img.strip__photo")
    assert [img["alt"] for img in images] == [entry["alt"] for entry in expected]
    for img in images:
        assert img["loading"] == "lazy" and int(img["width"]) > 0 and int(img["height"]) > 0
        assert img["src"].startswith("/images/r/") and "srcset" in img.attrs
        assert img.find_parent("picture").select('source[type="image/avif"]')
        # A derivative, never the source file.
        assert not img["src"].endswith(tuple(entry["src"] for entry in gallery))
    assert strip.select_one('a[href="/portfolio/"]') is not None


@pytest.mark.parametrize(
    ("studio", "name"),
    [
        (
            {"hero": {"image": "images/portfolio/nobody.jpg", "alt": "Nobody"}},
            'STUDIO["hero"]["image"]',
        ),
        ({"image": "images/nobody.jpg", "image_alt": "Nobody"}, 'STUDIO["image"]'),
        ({"portfolio": {"url": "/no-such-page/"}}, 'STUDIO["portfolio"]["url"]'),
    ],
)
def test_a_studio_photo_or_page_naming_nothing_stops_the_build(tmp_path: Path, studio, name):
    output = tmp_path / "output"
    result = build_site(tmp_path, STUDIO={**STUDIO, **studio}, output=output)
    assert not result.ok
    said = [p for p in result.problems if name in p]
    assert said and "How to fix:" in said[0], result.problems
    assert not output.exists(), "nothing is published"
