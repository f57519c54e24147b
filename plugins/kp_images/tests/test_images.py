"""The derivative pipeline on real image files (no Pelican run needed)."""

from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup
from PIL import ExifTags, Image, ImageCms

from kp_images import ResponsiveImages

THEME_TEMPLATES = Path(__file__).resolve().parents[3] / "theme" / "templates"


def camera_jpeg(path: Path, size=(1600, 1000), orientation=6) -> Path:
    """A JPEG like one straight from a studio camera: rotated, with private EXIF and an ICC."""
    image = Image.new("RGB", size, (180, 120, 90))
    for x in range(0, size[0], 40):  # some detail so encoders have work to do
        image.paste((30, 60, 90), (x, 0, x + 10, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Software] = "StudioCam 1.0"
    exif[ExifTags.Base.Artist] = "Owner Name"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N"}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(path, exif=exif, icc_profile=icc, quality=95)
    return path


@pytest.fixture
def pipeline(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    settings = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "SITEURL": "",
        "KP_IMAGES": {"cache_dir": str(tmp_path / "cache"), "avif_speed": 9},
    }
    return settings, content


def test_derivatives_cover_every_format_and_width_up_to_the_original(pipeline):
    settings, content = pipeline
    camera_jpeg(content / "images" / "Portrait 1.jpg")  # 1600x1000, rotated to 1000x1600
    images = ResponsiveImages(settings)

    result = images.image_set("images/Portrait 1.jpg", "A portrait")

    # Orientation 6 is applied: the derivative is portrait, and widths stop at the original.
    assert (result.width, result.height) == (1000, 1600)
    assert result.widths == (360, 720, 1000)
    assert [s.type for s in result.sources] == ["image/avif", "image/webp"]
    for source in (*result.sources, result):
        assert [part.rsplit(" ", 1)[1] for part in source.srcset.split(", ")] == [
            "360w",
            "720w",
            "1000w",
        ]
    assert result.src.endswith("-720.jpg")
    assert result.src.startswith("/images/r/portrait-1-")
    assert images.publish() == 0  # already copied when made: link checks must find them
    for rel in result.files:
        produced = Path(settings["OUTPUT_PATH"]) / rel
        with Image.open(produced) as derivative:
            expected_width = int(rel.rsplit("-", 1)[1].split(".")[0])
            assert derivative.size[0] == expected_width
            assert derivative.format in {"AVIF", "WEBP", "JPEG"}


def test_derivatives_keep_the_colour_profile_and_drop_private_metadata(pipeline):
    settings, content = pipeline
    source = camera_jpeg(content / "images" / "p.jpg")
    with Image.open(source) as original:
        assert original.getexif()[ExifTags.Base.BodySerialNumber] == "SN-123456"
    images = ResponsiveImages(settings)
    result = images.image_set("images/p.jpg", "")
    images.publish()

    for rel in result.files:
        raw = (Path(settings["OUTPUT_PATH"]) / rel).read_bytes()
        for secret in (b"SN-123456", b"Owner Name", b"StudioCam"):
            assert secret not in raw, rel
        with Image.open(Path(settings["OUTPUT_PATH"]) / rel) as derivative:
            assert not derivative.getexif(), rel
            assert derivative.info.get("icc_profile"), rel


def test_an_unchanged_image_is_not_encoded_again(pipeline):
    settings, content = pipeline
    source = camera_jpeg(content / "images" / "p.jpg", size=(800, 500), orientation=1)
    first = ResponsiveImages(settings)
    first.image_set("images/p.jpg", "")
    assert first.encoded == 9  # 360, 720 and 800 wide, three formats

    again = ResponsiveImages(settings)
    cached = again.image_set("images/p.jpg", "")
    assert again.encoded == 0
    assert again.publish() == 0  # copied from the cache when used
    assert all((Path(settings["OUTPUT_PATH"]) / rel).is_file() for rel in cached.files)

    camera_jpeg(source, size=(800, 500), orientation=3)  # the photographer re-exported it
    changed = ResponsiveImages(settings)
    edited = changed.image_set("images/p.jpg", "")
    assert changed.encoded == 9
    assert edited.src != cached.src  # new bytes, new file names: caches downstream stay right


def test_picture_partial_renders_the_data(pipeline):
    settings, content = pipeline
    camera_jpeg(content / "images" / "p.jpg", size=(1500, 1000), orientation=1)
    images = ResponsiveImages(settings)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(THEME_TEMPLATES), autoescape=True)
    template = env.get_template("partials/picture.html")

    lazy = BeautifulSoup(
        template.render(image=images.image_set("images/p.jpg", 'Kim "KP" smiling')), "html.parser"
    )
    eager = BeautifulSoup(
        template.render(image=images.image_set("images/p.jpg", "x", eager=True)), "html.parser"
    )

    img = lazy.picture.img
    assert img["alt"] == 'Kim "KP" smiling'
    assert (img["width"], img["height"]) == ("1500", "1000")
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert "fetchpriority" not in img.attrs
    assert [s["type"] for s in lazy.find_all("source")] == ["image/avif", "image/webp"]
    assert all(s["sizes"] == img["sizes"] for s in lazy.find_all("source"))
    assert "1440w" in img["srcset"] and "1500w" not in img["srcset"]
    assert eager.img["fetchpriority"] == "high" and "loading" not in eager.img.attrs
