"""The sample-image generator: deterministic, the promised sizes, small files, no metadata."""

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from sitetools import samples


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("images")
    samples.generate(out)
    return out


def test_every_catalogued_image_is_written(generated):
    expected = {relative for relative, _ in samples.catalogue()}
    written = {p.relative_to(generated).as_posix() for p in generated.rglob("*.jpg")}
    assert written == expected
    assert {f"blog/{slug}.jpg" for slug in samples.BLOG_SLUGS} <= written
    assert len([p for p in written if p.startswith("portfolio/")]) == 6


def test_generating_twice_gives_identical_bytes(generated, tmp_path):
    # The AI pair exercises every drawing path that portraits use (grain, airbrush, glow).
    subset = {
        "ai-edits/dana-original.jpg",
        "ai-edits/dana-ai.jpg",
        "blog/our-retouching-promise.jpg",
    }
    for path in samples.generate(tmp_path, only=subset):
        relative = path.relative_to(tmp_path)
        assert path.read_bytes() == (generated / relative).read_bytes(), relative


@pytest.mark.parametrize(
    ("relative", "size"),
    [
        ("blog/ai-headshots-vs-professional-photographer.jpg", (1200, 800)),
        ("ai-edits/dana-original.jpg", (900, 1125)),
        ("ai-edits/dana-ai.jpg", (900, 1125)),
        ("ai-edits/marcus-original.jpg", (900, 1125)),
        ("ai-edits/marcus-ai.jpg", (1024, 1024)),
        ("portfolio/amara.jpg", (900, 1125)),
        ("pages/studio.jpg", (1200, 800)),
        ("video/ai-edits-poster.jpg", (1280, 720)),
    ],
)
def test_sizes(generated, relative, size):
    with Image.open(generated / relative) as image:
        assert image.size == size
        assert image.format == "JPEG"
        assert image.info.get("progressive") == 1
        assert not image.getexif(), "generated images must carry no EXIF"


def test_files_stay_small(generated):
    too_big = {
        p.relative_to(generated).as_posix(): p.stat().st_size
        for p in generated.rglob("*.jpg")
        if p.stat().st_size >= 60_000
    }
    assert not too_big


def test_ai_version_changes_a_localized_part_of_the_portrait(generated):
    with (
        Image.open(generated / "ai-edits/dana-original.jpg") as before,
        Image.open(generated / "ai-edits/dana-ai.jpg") as after,
    ):
        diff = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).convert("L")
        changed = diff.point(lambda v: 255 if v > 24 else 0).histogram()[255]
        share = changed / (before.width * before.height)
    assert 0.15 <= share <= 0.35, share


def test_committed_images_match_the_catalogue():
    committed = {
        p.relative_to(samples.DEFAULT_OUT).as_posix() for p in samples.DEFAULT_OUT.rglob("*.jpg")
    }
    assert {relative for relative, _ in samples.catalogue()} <= committed
