"""A whole site built from a studio's real kind of files: 24 MP camera JPEGs (upright and
turned), a phone's HEIC, a Display P3 export, a client's camera photo as a testimonial.

The files are made at test time (``camera_files``), few and big: what is proven is that
no original and nothing larger than ``max_edge`` is published, that no private metadata
is, and that the studio's rights are, in the files and in the page's JSON-LD.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from kp_images.decode import register_heif
from kp_images.tests import camera_files
from tests.sitebuild import build_into

ROOT = Path(__file__).resolve().parents[3]
MARKETING = ROOT / "plugins/kp_studio/tests/test_data/marketing/content"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".tif", ".tiff", ".heic"}
POST = """Title: A session in the studio
Date: 2026-03-14 09:30
Category: Sessions
Slug: a-session
Summary: Camera files in, web files out.
Image: images/camera/hero.jpg
Image_alt: Dana in front of the grey backdrop

The portrait straight from the camera, held upright:

![Dana, held upright]({static}/images/camera/upright.jpg)

[The full-size portrait]({static}/images/camera/upright.jpg)

![A Display P3 export]({static}/images/camera/wide-gamut.jpg)

/// gallery | The session
images:
  - src: images/camera/turned.jpg
    alt: Dana laughing, the camera turned the other way
    caption: Turned left
  - src: images/camera/phone.heic
    alt: The set, from a phone
///
"""


@pytest.fixture(scope="module")
def camera_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("camera")
    content = work / "content"
    shutil.copytree(MARKETING, content)
    folder = content / "images" / "camera"
    camera_files.camera_jpeg(folder / "hero.jpg", orientation=1, seed=1)  # 6000 x 4000
    camera_files.camera_jpeg(folder / "upright.jpg", orientation=6, seed=2)
    camera_files.camera_jpeg(folder / "turned.jpg", orientation=8, seed=3, rights=False)
    camera_files.heic(folder / "phone.heic")  # 4032 x 3024
    camera_files.camera_jpeg(
        folder / "wide-gamut.jpg",
        size=(1800, 1200),
        icc=camera_files.icc_profile("display-p3"),
        seed=4,
    )
    testimonials = content / "data" / "testimonials.yaml"
    testimonials.write_text(
        testimonials.read_text().replace("images/people/face.jpg", "images/camera/hero.jpg")
    )
    (content / "blog").mkdir()
    (content / "blog" / "a-session.md").write_text(POST, encoding="utf-8")
    sources = {
        hashlib.sha256(p.read_bytes()).hexdigest(): p for p in content.rglob("*") if p.is_file()
    }
    result = build_into(work / "output", PATH=str(content), CACHE_PATH=str(work / "cache"))
    assert result.ok, "\n".join(result.problems)
    return result.output, content, sources


def published_images(output: Path) -> list[Path]:
    return [p for p in output.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_no_file_is_an_original_or_above_the_limit(camera_site):
    output, _content, sources = camera_site
    register_heif()
    images = published_images(output)
    assert len(images) > 40
    for path in images:
        with Image.open(path) as image:
            assert max(image.size) <= 2048, (path, image.size)
    for path in output.rglob("*"):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert digest not in sources or sources[digest].suffix in {".yaml", ".md"}, (
                f"{path} is a copy of {sources.get(digest)}"
            )
    assert not (output / "images" / "camera").exists()
    assert not list(output.rglob("*.heic"))


def test_every_link_and_preview_is_a_derivative(camera_site):
    output, _content, _sources = camera_site
    page = soup(output / "blog/a-session/index.html")
    links = page.select("a.kp-gallery__link")
    lightbox = page.select_one("img.kp-lightbox__img")
    full_link = next(a for a in page.select("a") if "full-size" in a.get_text())
    urls = [a["href"] for a in links] + [full_link["href"], lightbox["src"]]
    urls += [entry.rsplit(" ", 1)[0] for a in links for entry in a["data-srcset"].split(", ")]
    for name in ("og:image",):
        urls.append(page.find("meta", property=name)["content"].split("kpstudios.example", 1)[1])
    urls.append(page.find("meta", attrs={"name": "twitter:image"})["content"].split(".example")[1])
    for url in urls:
        assert url.startswith("/images/r/"), url
        with Image.open(output / url.lstrip("/")) as image:
            assert max(image.size) <= 2048, url
    # The gallery's full image of a 24 MP photo is as big as the limit allows.
    with Image.open(output / links[0]["href"].lstrip("/")) as turned:
        assert turned.size == (1365, 2048)  # orientation 8: 6000 x 4000 stored, upright 4000 x 6000
    assert (links[0]["data-width"], links[0]["data-height"]) == ("1365", "2048")


def test_testimonial_avatars_are_small_derivatives(camera_site):
    output, _content, _sources = camera_site
    photo = soup(output / "index.html").select_one("img.testimonial__photo")
    assert photo is not None and photo["sizes"] == "3.5rem"
    widths = [int(e.rsplit(" ", 1)[1].rstrip("w")) for e in photo["srcset"].split(", ")]
    assert widths == [56, 112, 168]
    with Image.open(output / photo["src"].lstrip("/")) as image:
        assert max(image.size) <= 168 * 1.5 + 1


def test_no_private_metadata_and_the_rights_are_kept(camera_site):
    output, _content, _sources = camera_site
    for path in [*published_images(output), *output.rglob("*.html")]:
        raw = path.read_bytes()
        for secret in camera_files.SECRETS:
            assert secret not in raw, (path, secret)
    hero = sorted((output / "images/r").glob("hero-*-1440.jpg"))
    turned = sorted((output / "images/r").glob("turned-*-1080.avif"))
    assert hero and turned
    with Image.open(hero[0]) as image:
        assert camera_files.COPYRIGHT.encode() in image.info["xmp"]
        assert camera_files.CREDIT.encode() in image.info["xmp"]
    with Image.open(turned[0]) as image:  # no rights in the source: the studio's
        assert "© 2026 kp studios".encode() in image.info["xmp"]
    with Image.open(sorted((output / "images/r").glob("wide-gamut-*-1080.webp"))[0]) as image:
        assert image.info["icc_profile"] == camera_files.icc_profile("display-p3")


def test_content_and_gallery_images_are_image_objects(camera_site):
    output, _content, _sources = camera_site
    page = soup(output / "blog/a-session/index.html")
    blocks = [json.loads(s.string) for s in page.select('script[type="application/ld+json"]')]
    objects = [b for b in blocks if b.get("@type") == "ImageObject"]
    by_name = {o["contentUrl"].rsplit("/", 1)[1].split("-")[0]: o for o in objects}
    assert set(by_name) == {"hero", "upright", "wide", "turned", "phone"}
    hero = by_name["hero"]
    assert hero["copyrightNotice"] == camera_files.COPYRIGHT
    assert hero["creator"] == {"@type": "Person", "name": camera_files.ARTIST}
    assert hero["creditText"] == camera_files.CREDIT
    assert hero["acquireLicensePage"] == "https://kpstudios.example/book-a-consultation/"
    assert hero["contentUrl"].startswith("https://kpstudios.example/images/r/")
    turned = by_name["turned"]
    assert turned["copyrightNotice"] == "© 2026 kp studios"
    assert turned["creator"]["@type"] == "Organization" and turned["caption"] == "Turned left"
