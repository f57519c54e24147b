"""Published images leak nothing: built from sources that carry every field we strip.

The source images are made here with Pillow, with a GPS position, camera and body serial
numbers, the owner's name, the artist, the editing software, an XMP edit history, a
comment, an ICC profile and (for some) a rotated EXIF orientation, so the test proves the
stripping rather than trusting clean samples. The artist and the copyright are the
studio's, and are kept (kp_images.rights); no original is published at all.
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
from pathlib import Path

import pytest
from kp_studio import metadata
from PIL import Image, ImageChops, ImageCms, ImageOps, PngImagePlugin

from tests.sitebuild import SCENARIOS as DATA
from tests.sitebuild import build_into, soup

ROOT = Path(__file__).resolve().parents[3]
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:exif="http://ns.adobe.com/exif/1.0/">'
    b"<xmpMM:History>saved by Photo Editor 9</xmpMM:History>"
    b"<exif:GPSLatitude>45,31.2N</exif:GPSLatitude></rdf:Description></rdf:RDF></x:xmpmeta>"
)
EXPECTED_SOURCE_LEAKS = {
    "GPS position",
    "Software",
    "CameraSerialNumber",
    "CameraOwnerName",
    "BodySerialNumber",
}


def leaky_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Jane Owner"  # Artist
    exif[0x0131] = "Photo Editor 9"  # Software
    exif[0xC62F] = "CAM-0042"  # CameraSerialNumber
    exif[0x8825] = {1: "N", 2: (45.0, 31.0, 12.5), 3: "W", 4: (122.0, 40.0, 5.0)}  # GPS
    exif[0x8769] = {0xA430: "Jane Owner", 0xA431: "BODY-123"}  # owner, body serial
    return exif


def portrait() -> Image.Image:
    """80x100 with a red top-left corner, so the orientation can be checked in pixels."""
    image = Image.new("RGB", (80, 100), (40, 90, 140))
    image.paste((220, 30, 30), (0, 0, 20, 20))
    return image


def write_sources(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True)
    paths = {name: folder / name for name in ("rotated.jpg", "upright.jpg", "flat.png", "web.webp")}
    image = portrait()
    image.save(paths["rotated.jpg"], exif=leaky_exif(6), icc_profile=ICC, xmp=XMP, comment=b"x")
    image.save(paths["upright.jpg"], exif=leaky_exif(1), icc_profile=ICC, xmp=XMP, quality=90)
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "Photo Editor 9")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    image.save(paths["flat.png"], exif=leaky_exif(1), icc_profile=ICC, pnginfo=info)
    image.save(paths["web.webp"], exif=leaky_exif(1), icc_profile=ICC, xmp=XMP, lossless=True)
    return paths


@pytest.fixture(scope="module")
def leaky_build(tmp_path_factory):
    """The marketing test site plus leaky photos used by a gallery and a comparison."""
    work = tmp_path_factory.mktemp("leaky")
    content = work / "content"
    shutil.copytree(DATA / "marketing/content", content)
    sources = write_sources(content / "images/leaky")
    (content / "blog").mkdir()
    (content / "blog/leaky.md").write_text(
        "Title: Leaky\nDate: 2024-01-01\n\n"
        "/// gallery | Leaky\nimages:\n"
        "  - src: images/leaky/rotated.jpg\n    alt: Rotated\n"
        "  - src: images/leaky/flat.png\n    alt: Flat\n"
        "///\n\n"
        "/// compare | Leaky comparison\nbefore: images/leaky/upright.jpg\nbefore_alt: Before\n"
        "after: images/leaky/web.webp\nafter_alt: After\n///\n",
        encoding="utf-8",
    )
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in sources.values()}
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        result = build_into(work / "output", PATH=str(content))
    finally:
        logging.getLogger().removeHandler(handler)
    return result, sources, digests, [r.getMessage() for r in records]


def test_the_sources_really_carry_every_field(leaky_build):
    _result, sources, _digests, _warnings = leaky_build
    for path in sources.values():
        found = set(metadata.leaks(path))
        assert found >= EXPECTED_SOURCE_LEAKS, (path.name, found)
    assert "XMP edit history" in metadata.leaks(sources["rotated.jpg"])


def test_a_gps_source_is_named_in_a_warning_and_the_build_still_publishes(leaky_build):
    result, sources, _digests, warnings = leaky_build
    assert result.ok, result.problems
    for path in sources.values():
        named = [w for w in warnings if f"leaky/{path.name} {metadata.GPS_WARNING}" in w]
        assert len(named) == 1, (path.name, warnings)
        assert "How to fix:" in named[0]


def test_no_published_image_carries_any_of_it(leaky_build):
    result, _sources, _digests, _warnings = leaky_build
    images = [p for p in result.output.rglob("*") if p.suffix.lower() in metadata.IMAGE_SUFFIXES]
    assert len(images) >= 10 and any(p.name.endswith(".diff.png") for p in images)
    for path in images:
        assert metadata.leaks(path) == [], path
        with Image.open(path) as image:
            # Only the studio's rights are left: the artist and a copyright notice.
            assert set(image.getexif()) <= {0x013B, 0x8298}, path
            assert not {"comment", "XML:com.adobe.xmp"} & set(image.info), path
        raw = path.read_bytes()
        for secret in (b"CAM-0042", b"BODY-123", b"Photo Editor 9", b"31.2N"):
            assert secret not in raw, (path, secret)


def test_no_original_is_published_and_derivatives_keep_the_profile(leaky_build):
    result, sources, _digests, _warnings = leaky_build
    # Only the comparison's overlay (made by the build) is next to where the photos were.
    assert [p.name for p in (result.output / "images/leaky").iterdir()] == [
        p.name for p in (result.output / "images/leaky").glob("web.*.diff.png")
    ]
    published = {p.read_bytes() for p in result.output.rglob("*") if p.is_file()}
    for path in sources.values():
        assert path.read_bytes() not in published, path.name
    stems = {"rotated", "upright", "flat", "web"}
    derivatives = [
        p for p in (result.output / "images/r").glob("*") if p.name.split("-")[0] in stems
    ]
    assert {p.name.split("-")[0] for p in derivatives} == stems
    for path in derivatives:
        with Image.open(path) as image:
            assert image.info.get("icc_profile") == ICC, path.name


def test_orientation_is_applied_then_dropped(leaky_build):
    result, sources, _digests, _warnings = leaky_build
    with Image.open(sources["rotated.jpg"]) as source:
        upright = ImageOps.exif_transpose(source).convert("RGB")
    link = soup(result.output / "blog/leaky/index.html").select_one("a.kp-gallery__link")
    with Image.open(result.output / link["href"].lstrip("/")) as published:
        assert published.size == (100, 80) == upright.size
        assert published.getexif().get(0x0112) is None
        difference = ImageChops.difference(published.convert("RGB"), upright).getextrema()
        assert max(high for _low, high in difference) < 40, "the same picture, turned upright"
        # The red corner moved where orientation 6 puts it: the top right.
        assert published.convert("RGB").getpixel((95, 5))[0] > 180
    # The gallery's sizes are the upright ones.
    assert (link["data-width"], link["data-height"]) == ("100", "80")


def test_other_images_are_cleaned_without_touching_a_pixel(tmp_path):
    """Images that are not photos (overlays, theme art) keep their pixels byte for byte."""
    sources = write_sources(tmp_path / "sources")
    for name in ("upright.jpg", "flat.png", "web.webp"):
        cleaned = metadata.clean_bytes(sources[name].read_bytes())
        assert cleaned is not None, name
        with Image.open(sources[name]) as source, Image.open(io.BytesIO(cleaned)) as published:
            assert published.tobytes() == source.tobytes(), name
            assert metadata.leaks(io.BytesIO(cleaned)) == [], name
    # JPEG: the very same compressed image data, only the metadata segments are gone.
    source_bytes = sources["upright.jpg"].read_bytes()
    cleaned = metadata.clean_bytes(source_bytes)
    scan = source_bytes.index(b"\xff\xda")
    assert cleaned.endswith(source_bytes[scan:])
    assert len(cleaned) < len(source_bytes)


def test_sources_in_content_are_never_modified(leaky_build):
    _result, sources, digests, _warnings = leaky_build
    for path in sources.values():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digests[path], path


def test_clean_bytes_leaves_clean_images_and_non_images_alone():
    buffer = io.BytesIO()
    portrait().save(buffer, "PNG")
    assert metadata.clean_bytes(buffer.getvalue()) is None
    assert metadata.clean_bytes(b"GIF89a not ours") is None


@pytest.mark.parametrize("where", ["eXIf chunk", "XMP"])
def test_a_turned_png_is_published_upright(where):
    buffer = io.BytesIO()
    if where == "eXIf chunk":
        portrait().save(buffer, "PNG", exif=leaky_exif(6))
    else:
        info = PngImagePlugin.PngInfo()
        xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>'  # noqa: E501
        info.add_itxt("XML:com.adobe.xmp", xmp)
        portrait().save(buffer, "PNG", pnginfo=info)
    cleaned = metadata.clean_bytes(buffer.getvalue())
    assert cleaned is not None
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (100, 80)  # turned a quarter: 80x100 became 100x80
        assert image.getexif().get(0x0112) in (None, 1)


def test_a_png_that_says_nothing_about_its_orientation_is_left_alone():
    buffer = io.BytesIO()
    portrait().save(buffer, "PNG")
    assert metadata.clean_bytes(buffer.getvalue()) is None
