"""Build the small reader-features site once per test session (shared by site and browser tests)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from PIL import Image, ImageFilter

from tests.sitebuild import build_into

ROOT = Path(__file__).resolve().parents[1]
TEST_SITE = ROOT / "tests" / "test_data" / "reader_site"
FLAGSHIP_URL = "/blog/ai-headshots-vs-photographer/"
# The real site's flagship post (content/), for tests on the `site`/`published_site` builds.
REAL_FLAGSHIP = "blog/ai-headshots-vs-professional-photographer/index.html"
IMAGES = {
    "images/blog/flagship-hero.jpg": (2400, 1600),
    "images/blog/before.jpg": (1800, 1200),
    "images/blog/after.jpg": (1800, 1200),
    "images/video/poster.jpg": (1280, 720),
}


_PHOTOS: dict[tuple, bytes] = {}


def photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """A photo-like JPEG: smooth shapes plus fine noise, so encoders see realistic work.

    Made once per session (Pillow's noise is not seeded), so rebuilds see the same bytes.
    """
    if (size, seed) in _PHOTOS:
        path.write_bytes(_PHOTOS[size, seed])
        return
    rng = random.Random(seed)  # noqa: S311 (test pixels, not secrets)
    small = Image.new("RGB", (size[0] // 16, size[1] // 16))
    small.putdata(
        [tuple(rng.randrange(60, 220) for _ in range(3)) for _ in range(small.width * small.height)]
    )
    image = small.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise(size, 18).convert("RGB")
    Image.blend(image, noise, 0.12).save(path, quality=90)
    _PHOTOS[size, seed] = path.read_bytes()


def make_content(target: Path) -> Path:
    shutil.copytree(TEST_SITE, target)
    for seed, (relative, size) in enumerate(IMAGES.items()):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)  # git keeps no empty dirs
        photo(target / relative, size, seed)
    return target


def build_site(tmp: Path, **overrides) -> tuple[Path, object]:
    content = make_content(tmp / "content")
    output = tmp / "output"
    settings = {
        "PATH": str(content),
        "CACHE_PATH": str(tmp / "cache"),
        "KP_IMAGES": {"avif_speed": 9},
        **overrides,
    }
    result = build_into(output, **settings)
    return output, result


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
