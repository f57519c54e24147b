"""The derivative pipeline on real image files, made here (no Pelican run needed)."""

import io
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageOps, ImageStat

from kp_images import ResponsiveImages
from kp_images.encode import CROP_CENTRE
from kp_images.images import ImageError
from kp_images.progress import Progress
from kp_images.tests import camera_files

THEME_TEMPLATES = Path(__file__).resolve().parents[3] / "theme" / "templates"


def little_camera_jpeg(path: Path, size=(1600, 1000), orientation=6, **options) -> Path:
    """A camera JPEG (every private field and the rights) at a size that encodes fast."""
    return camera_files.camera_jpeg(path, size=size, orientation=orientation, **options)


@pytest.fixture
def pipeline(tmp_path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    settings = {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "SITEURL": "",
        "STUDIO": {"name": "kp studios", "url": "https://kp.example"},
        "KP_IMAGES": {"cache_dir": str(tmp_path / "cache"), "avif_speed": 9},
    }
    return settings, content


def made(settings, result):
    return [Path(settings["OUTPUT_PATH"]) / rel for rel in result.files]


def test_derivatives_cover_every_format_and_width_up_to_the_original(pipeline):
    settings, content = pipeline
    little_camera_jpeg(content / "images" / "Portrait 1.jpg")  # 1600x1000, turned: 1000x1600
    images = ResponsiveImages(settings)

    result = images.image_set("images/Portrait 1.jpg", "A portrait")
    assert not any(path.exists() for path in made(settings, result)), "planned, not made yet"
    assert images.flush() == 1

    # Orientation 6 is applied: the derivative is portrait, and widths stop at the original.
    assert (result.width, result.height) == (1000, 1600)
    assert result.widths == (360, 720, 1000)
    assert (result.full_width, result.full_height) == (1000, 1600)
    assert [s.type for s in result.sources] == ["image/avif", "image/webp"]
    for source in (*result.sources, result):
        assert [part.rsplit(" ", 1)[1] for part in source.srcset.split(", ")] == [
            "360w",
            "720w",
            "1000w",
        ]
    assert result.src.endswith("-720.jpg")
    assert result.src.startswith("/images/r/portrait-1-")
    assert images.publish() == 0  # already linked when made: link checks must find them
    for path in made(settings, result):
        with Image.open(path) as derivative:
            expected_width = int(path.name.rsplit("-", 1)[1].split(".")[0])
            assert derivative.size[0] == expected_width
            assert derivative.format in {"AVIF", "WEBP", "JPEG"}


def test_no_derivative_is_longer_than_the_configured_edge(pipeline):
    settings, content = pipeline
    settings["KP_IMAGES"]["max_edge"] = 900
    little_camera_jpeg(content / "images" / "tall.jpg", orientation=8)  # 1000x1600 upright
    little_camera_jpeg(content / "images" / "wide.jpg", orientation=1)  # 1600x1000
    images = ResponsiveImages(settings)
    tall = images.image_set("images/tall.jpg", "")
    wide = images.image_set("images/wide.jpg", "")
    images.flush()

    assert (tall.full_width, tall.full_height) == (562, 900)
    assert (wide.full_width, wide.full_height) == (900, 562)
    assert tall.widths == (360, 562) and wide.widths == (360, 720, 900)
    for path in made(settings, tall) + made(settings, wide):
        with Image.open(path) as derivative:
            assert max(derivative.size) <= 900, path.name


def test_metadata_keeps_the_rights_and_the_profile_and_drops_everything_private(pipeline):
    settings, content = pipeline
    source = little_camera_jpeg(content / "images" / "p.jpg")
    raw_source = source.read_bytes()
    with Image.open(source) as opened:
        profile = opened.info["icc_profile"]
    assert all(secret in raw_source for secret in camera_files.SECRETS)
    images = ResponsiveImages(settings)
    result = images.image_set("images/p.jpg", "")
    images.flush()

    for path in made(settings, result):
        raw = path.read_bytes()
        for secret in camera_files.SECRETS:
            assert secret not in raw, (path.name, secret)
        with Image.open(path) as derivative:
            exif = derivative.getexif()
            assert set(exif) == {ExifTags.Base.Copyright, ExifTags.Base.Artist}, path.name
            assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and not exif.get_ifd(ExifTags.IFD.Exif)
            assert not exif.get_ifd(ExifTags.IFD.IFD1), "no thumbnail"
            assert derivative.info.get("icc_profile") == profile
            xmp = derivative.info["xmp"]
            xmp = xmp.encode() if isinstance(xmp, str) else xmp
            for kept in (camera_files.COPYRIGHT, camera_files.ARTIST, camera_files.CREDIT):
                assert kept.encode() in xmp, (path.name, kept)
            assert camera_files.USAGE_TERMS.encode() in xmp
            assert camera_files.WEB_STATEMENT.encode() in xmp
            if derivative.format == "JPEG":
                from PIL import IptcImagePlugin

                iptc = IptcImagePlugin.getiptcinfo(derivative)
                assert iptc[(2, 116)] == camera_files.COPYRIGHT.encode()
                assert iptc[(2, 110)] == camera_files.CREDIT.encode()
                assert (2, 90) not in iptc, "the city is not kept"
    assert result.rights.copyright == camera_files.COPYRIGHT
    assert result.rights.creators == (camera_files.ARTIST,)


def test_the_studio_copyright_is_written_where_the_source_has_none(pipeline):
    settings, content = pipeline
    little_camera_jpeg(content / "images" / "p.jpg", rights=False)
    images = ResponsiveImages(settings)
    result = images.image_set("images/p.jpg", "")
    images.flush()
    assert result.rights.copyright == "© 2026 kp studios"  # the year the photo was taken
    with Image.open(made(settings, result)[0]) as derivative:
        copyright_tag = derivative.getexif()[ExifTags.Base.Copyright]
        assert copyright_tag.encode("latin-1").decode() == "© 2026 kp studios"
        assert ExifTags.Base.Artist not in derivative.getexif()


def test_the_kept_set_is_configurable(pipeline):
    settings, content = pipeline
    p3 = camera_files.icc_profile("display-p3")
    little_camera_jpeg(content / "images" / "p.jpg", icc=p3)
    settings["KP_IMAGES"]["keep"] = ["copyright"]
    images = ResponsiveImages(settings)
    result = images.image_set("images/p.jpg", "")
    images.flush()
    with Image.open(made(settings, result)[0]) as derivative:
        assert set(derivative.getexif()) == {ExifTags.Base.Copyright}
        xmp = derivative.info["xmp"]
        assert camera_files.CREDIT.encode() not in (xmp if isinstance(xmp, bytes) else xmp.encode())
        # Without "icc" the pixels are converted to sRGB, and no profile is embedded.
        assert "icc_profile" not in derivative.info


def test_every_exif_orientation_is_applied(pipeline):
    settings, content = pipeline
    # A landscape picture with a red top-left corner; stored turned as orientation N says.
    upright = Image.new("RGB", (120, 80), (40, 90, 140))
    upright.paste((220, 30, 30), (0, 0, 30, 30))
    images = ResponsiveImages(settings)
    sets = {}
    for orientation in range(1, 9):
        stored = _stored_for(upright, orientation)
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        stored.save(content / "images" / f"o{orientation}.jpg", exif=exif, quality=95)
        sets[orientation] = images.image_set(f"images/o{orientation}.jpg", "")
    images.flush()
    for orientation, result in sets.items():
        assert (result.width, result.height) == (120, 80), orientation
        with Image.open(Path(settings["OUTPUT_PATH"]) / result.files[-1]) as derivative:
            picture = derivative.convert("RGB")
            assert picture.size == (120, 80), orientation
            assert picture.getpixel((5, 5))[0] > 180, f"orientation {orientation}: corner moved"
            assert picture.getpixel((114, 74))[0] < 100, orientation


def _stored_for(upright: Image.Image, orientation: int) -> Image.Image:
    """What a camera stores so that applying ``orientation`` gives ``upright``."""
    inverse = {
        1: None,
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_270,
    }[orientation]
    return upright.copy() if inverse is None else upright.transpose(inverse)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "AVIF", "TIFF", "HEIF"])
def test_every_input_format_becomes_web_derivatives(pipeline, fmt):
    settings, content = pipeline
    picture = camera_files.portrait_pixels((800, 600), seed=4)
    suffix = {"HEIF": "heic", "TIFF": "tif"}.get(fmt, fmt.lower())
    path = content / "images" / f"p.{suffix}"
    if fmt == "HEIF":
        camera_files.heic(path, size=(800, 600))
    else:
        picture.save(path, fmt, exif=camera_files.camera_exif(6).tobytes())
    images = ResponsiveImages(settings)
    result = images.image_set(f"images/p.{suffix}", "")
    images.flush()
    assert {p.suffix for p in made(settings, result)} == {".avif", ".webp", ".jpg"}
    with Image.open(made(settings, result)[-1]) as derivative:
        assert derivative.format == "JPEG"
        # Every format carries the camera's private EXIF here; none of it is published.
        assert b"SN-4711-BODY" not in made(settings, result)[-1].read_bytes()
        assert max(derivative.size) == 800


@pytest.mark.parametrize(
    "write, expected",
    [
        (
            lambda p: p.write_bytes(b"this is a text file, not a photo"),
            "cannot be read as an image",
        ),
        (lambda p: p.write_bytes(b""), "cannot be read as an image"),
    ],
)
def test_a_file_that_is_not_a_photo_is_an_error_naming_it(pipeline, write, expected):
    settings, content = pipeline
    write(content / "images" / "bad.jpg")
    with pytest.raises(ImageError) as error:
        ResponsiveImages(settings).image_set("images/bad.jpg", "")
    assert "images/bad.jpg" in error.value.problem and expected in error.value.problem


def test_a_photo_beyond_the_decompression_bomb_limit_is_refused_without_decoding(pipeline):
    settings, content = pipeline
    settings["KP_IMAGES"]["max_pixels"] = 1_000_000
    little_camera_jpeg(content / "images" / "big.jpg", size=(1600, 1000))  # 1.6 MP
    with pytest.raises(ImageError) as error:
        ResponsiveImages(settings).image_set("images/big.jpg", "")
    assert "images/big.jpg is 1000 × 1600 pixels" in error.value.problem or (
        "1600 × 1000" in error.value.problem
    )
    assert "decompression-bomb limit" in error.value.problem
    assert 'KP_IMAGES["max_pixels"]' in error.value.fix


def test_a_truncated_photo_is_reported_with_every_file_and_line_that_uses_it(pipeline, caplog):
    settings, content = pipeline
    source = little_camera_jpeg(content / "images" / "cut.jpg", orientation=1)
    source.write_bytes(source.read_bytes()[: len(source.read_bytes()) // 2])
    images = ResponsiveImages(settings)
    result = images.image_set("images/cut.jpg", "", used_by=("content/blog/post.md", 12))
    images.image_set("images/cut.jpg", "", used_by=("content/data/testimonials.yaml", 4))
    with caplog.at_level("ERROR"):
        images.flush()
    messages = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any(
        m.startswith("content/blog/post.md:12: images/cut.jpg is truncated") for m in messages
    )
    assert any(m.startswith("content/data/testimonials.yaml:4:") for m in messages)
    assert not any(path.exists() for path in made(settings, result))


def test_an_unchanged_image_is_not_encoded_again(pipeline):
    settings, content = pipeline
    source = little_camera_jpeg(content / "images" / "p.jpg", size=(800, 500), orientation=1)
    first = ResponsiveImages(settings)
    first.image_set("images/p.jpg", "")
    first.flush()
    assert first.encoded == 9  # 360, 720 and 800 wide, three formats

    again = ResponsiveImages(settings)
    cached = again.image_set("images/p.jpg", "")
    assert again.flush() == 0 and again.encoded == 0
    assert all(path.is_file() for path in made(settings, cached))
    # The source was not read again: its stamp is in the index kept in the cache folder.
    assert again._index.dirty is False and str(source.resolve()) in again._index.entries

    little_camera_jpeg(source, size=(800, 500), orientation=3)  # the photographer re-exported it
    changed = ResponsiveImages(settings)
    edited = changed.image_set("images/p.jpg", "")
    changed.flush()
    assert changed.encoded == 9
    assert edited.src != cached.src  # new bytes, new file names: caches downstream stay right


def test_a_set_asked_for_again_in_a_run_is_the_same_and_a_new_run_sees_a_changed_photo(
    pipeline,
):
    settings, content = pipeline
    source = little_camera_jpeg(content / "images" / "p.jpg", size=(800, 500), orientation=1)
    images = ResponsiveImages(settings)
    card = images.image_set("images/p.jpg", "Maya", sizes="20rem", shown_on="blog/a.md")
    # A listing page and a tag page show the same card: the set is the one made first,
    # and each page that shows it is still told apart (its ImageObject).
    again = images.image_set("images/p.jpg", "Maya", sizes="20rem", used_by=("blog/b.md", 3))
    assert again is card
    assert [s for s, _ in images.shown["blog/a.md"]] == [card]
    assert [s for s, _ in images.shown["blog/b.md"]] == [card]
    assert images._uses[source.resolve()] == [("blog/b.md", 3)]
    other = images.image_set("images/p.jpg", "Maya", sizes="10rem")
    assert other is not card and other.sizes == "10rem" and other.srcset == card.srcset

    little_camera_jpeg(source, size=(800, 500), orientation=3)  # re-exported between runs
    images.forget_run()
    edited = images.image_set("images/p.jpg", "Maya", sizes="20rem")
    assert edited.src != card.src


def test_picture_partial_renders_the_data(pipeline):
    settings, content = pipeline
    little_camera_jpeg(content / "images" / "p.jpg", size=(1500, 1000), orientation=1)
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


def test_a_long_encode_shows_count_rate_and_time_left_then_a_summary():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    progress = Progress(3, stream=terminal, delay=0)
    progress.advance(13)
    assert "kp_images: 1/3 photos" in terminal.getvalue() and "left" in terminal.getvalue()
    progress.advance(13)
    progress.advance(13)
    summary = progress.finish()
    assert "encoded 3 photo(s) into 39 files" in summary and summary in terminal.getvalue()

    log = io.StringIO()  # not a terminal: no carriage returns, only the summary this fast
    quiet = Progress(2, stream=log, interval=60)
    quiet.advance(1)
    quiet.advance(1)
    quiet.finish()
    assert "\r" not in log.getvalue() and log.getvalue().count("\n") == 1


def test_profiles_made_for_the_tests_are_real_profiles():
    for name in ("display-p3", "adobe-rgb"):
        profile = ImageCms.ImageCmsProfile(io.BytesIO(camera_files.icc_profile(name)))
        assert "test" in ImageCms.getProfileDescription(profile)


@pytest.mark.parametrize(("max_edge", "size"), [(2048, (1200, 630)), (900, (900, 472))])
def test_the_link_preview_is_a_crop_of_exactly_its_size_with_the_rights(pipeline, max_edge, size):
    settings, content = pipeline
    settings["KP_IMAGES"].update(max_edge=max_edge, widths=[360, 720])
    little_camera_jpeg(content / "images" / "p.jpg")  # 1600x1000, turned: 1000x1600 upright
    images = ResponsiveImages(settings)
    url, width, height = images.social_image("images/p.jpg")
    assert (width, height) == size and url.endswith(f"-{size[0]}x{size[1]}.jpg")
    assert images.flush() == 1
    path = Path(settings["OUTPUT_PATH"]) / url.lstrip("/")
    raw = path.read_bytes()
    for secret in camera_files.SECRETS:
        assert secret not in raw, secret
    with Image.open(path) as preview:
        assert preview.size == size and preview.format == "JPEG"
        assert set(preview.getexif()) == {ExifTags.Base.Copyright, ExifTags.Base.Artist}
        assert camera_files.COPYRIGHT.encode() in raw  # EXIF, IPTC and XMP, as UTF-8
    # Upright and cropped, not squeezed: it matches the same crop of the upright derivative.
    full = images.image_set("images/p.jpg", "")
    images.flush()
    with Image.open(Path(settings["OUTPUT_PATH"]) / full.full.lstrip("/")) as upright:
        expected = ImageOps.fit(upright.convert("RGB"), size, centering=CROP_CENTRE)
    with Image.open(path) as preview:
        difference = ImageChops.difference(preview.convert("RGB"), expected)
        assert max(ImageStat.Stat(difference).mean) < 8
    # Cached by content: a second pipeline plans the same file and encodes nothing.
    again = ResponsiveImages(settings)
    assert again.social_image("images/p.jpg")[0] == url
    assert again.flush() == 0
