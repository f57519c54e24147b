"""Opening a source photo safely, and decoding it no bigger than needed.

Any other plugin that reads a photo (the comparison block) can use the same two calls:
:func:`opened` (the format, the decompression-bomb limit and unreadable files become one
:class:`ImageProblem` with an author's wording) and :func:`decode` (upright, RGB or RGBA,
at least ``long_edge`` long).

Speed and memory on camera files: a JPEG is decoded by libjpeg at 1/2, 1/4 or 1/8 scale
(Pillow's ``draft``: DCT scaling, the decoder never builds the full-size picture), so a
24-50 MP camera JPEG costs 6-9 MB of pixels instead of 72-150 MB. Other formats (PNG, TIFF,
WebP, AVIF, HEIC) are decoded whole, then box-reduced by a whole factor before the
high-quality resize (the first step of the resize cascade), so only the decoded picture
itself is ever full size: 150 MB for a 50 MP RGB file. Orientation is applied after the
reduction, on the small copy.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageCms, UnidentifiedImageError
from PIL.Image import DecompressionBombError, DecompressionBombWarning

# Photos: never published as they are, only as derivatives. A GIF (maybe animated) in a
# post is published as it is; asked for by a block (a gallery), its first frame is read.
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".tif", ".tiff", ".heic", ".heif"}
FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "AVIF", "TIFF", "HEIF", "GIF"}
ORIENTATION = 0x0112
ROTATED = {5, 6, 7, 8}  # orientations that swap width and height
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
EXPORT_FIX = "Open it in your photo editor and export it again as JPEG."
_SRGB = None


class ImageProblem(ValueError):
    """A source photo the site cannot publish, in an author's words."""

    def __init__(self, problem: str, fix: str = EXPORT_FIX):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def register_heif() -> None:
    """Let Pillow open HEIC/HEIF (phone photos) through pillow-heif, once per process."""
    import pillow_heif

    if not getattr(register_heif, "done", False):
        pillow_heif.register_heif_opener()
        register_heif.done = True


@contextmanager
def opened(path: str | Path, max_pixels: int, name: str | None = None) -> Iterator[Image.Image]:
    """The image at ``path``, its header read; ImageProblem if it is not one we publish."""
    name = name or Path(path).name
    register_heif()
    try:
        with warnings.catch_warnings():
            # Our own limit, below, decides; Pillow's warning would only be noise.
            warnings.simplefilter("ignore", DecompressionBombWarning)
            image = Image.open(path)
    except DecompressionBombError:
        raise _bomb(name, None, max_pixels) from None
    except UnidentifiedImageError:
        raise ImageProblem(
            f"{name} cannot be read as an image: it is not JPEG, PNG, WebP, AVIF, TIFF or HEIC.",
            "Check that the file is really a photo (open it in a viewer), then export it "
            "again as JPEG.",
        ) from None
    except OSError as error:
        raise ImageProblem(
            f"{name} cannot be read ({error.strerror or error}).",
            "Check that the file exists and that you may read it, then build again.",
        ) from None
    with image:
        if image.format not in FORMATS:
            raise ImageProblem(f"{name} is a {image.format} file, which we do not publish.")
        if image.width * image.height > max_pixels:
            raise _bomb(name, image.size, max_pixels)
        yield image


def _bomb(name: str, size: tuple[int, int] | None, max_pixels: int) -> ImageProblem:
    found = f" is {size[0]} × {size[1]} pixels ({size[0] * size[1] / 1e6:.0f} MP)," if size else ""
    return ImageProblem(
        f"{name}{found} beyond the decompression-bomb limit of {max_pixels / 1e6:.0f} "
        "megapixels: a small file can unpack into a picture that fills the memory.",
        "Export the photo smaller (the site publishes at most 2048 px), or, if it is a "
        'real photo this big, raise KP_IMAGES["max_pixels"].',
    )


def orientation(image: Image.Image) -> int:
    value = image.getexif().get(ORIENTATION, 1)
    return value if value in TRANSPOSE else 1


def upright_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    return (height, width) if orientation(image) in ROTATED else (width, height)


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def decode(
    path: str | Path,
    long_edge: int,
    max_pixels: int,
    keep_icc: bool = True,
    name: str | None = None,
) -> tuple[Image.Image, bytes | None]:
    """(upright RGB/RGBA picture at least ``long_edge`` long, ICC profile to embed).

    Without ``keep_icc`` (or for CMYK and greyscale), pixels are converted to sRGB and
    no profile is returned, so the colours stay what the photographer saw.
    """
    with opened(path, max_pixels, name) as image:
        turn = orientation(image)
        alpha = has_alpha(image)
        icc = image.info.get("icc_profile")
        scale = long_edge / max(image.size)
        if scale < 1 and image.format in ("JPEG", "MPO"):
            # DCT scaling: the decoder itself makes the picture 2, 4 or 8 times smaller,
            # never smaller than asked.
            image.draft(
                image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale))
            )
        try:
            image.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageProblem(
                f"{name or Path(path).name} is truncated or damaged ({error}).",
                "Copy the original again from the camera or editor (the copy in content/ "
                "is incomplete), or export it again as JPEG.",
            ) from None
        picture = image
        # The cascade's first step: an exact box reduction by a whole factor, leaving at
        # least twice the size for the high-quality resize that follows.
        factor = int(max(picture.size) / long_edge / 2)
        if factor >= 2:
            picture = picture.reduce(factor)
        picture, icc = _colour(picture, icc, alpha, keep_icc)
    if turn != 1:
        picture = picture.transpose(TRANSPOSE[turn])
    picture.info = {}
    return picture, icc


GREY_16 = ("I;16", "I;16B", "I;16L", "I;16N", "I")


def _colour(
    image: Image.Image, icc: bytes | None, alpha: bool, keep_icc: bool
) -> tuple[Image.Image, bytes | None]:
    """(RGB or RGBA picture, the RGB profile to embed); converted to sRGB with littleCMS
    when the profile cannot be kept (not wanted, CMYK, greyscale)."""
    if image.mode in GREY_16:
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    elif image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        image = image.convert("RGBA" if alpha else "RGB")
    rgb_profile = bool(icc) and _is_rgb_profile(icc)
    if rgb_profile and keep_icc and image.mode in ("RGB", "RGBA"):
        return image, icc
    if icc and not (image.mode == "L" and rgb_profile):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            return ImageCms.profileToProfile(image, profile, _srgb(), outputMode=mode), None
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the plain conversion below
    target = "RGBA" if alpha else "RGB"
    return (image if image.mode == target else image.convert(target)), None


def _is_rgb_profile(icc: bytes) -> bool:
    return len(icc) >= 20 and icc[16:20] == b"RGB "


def _srgb():
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.createProfile("sRGB")
    return _SRGB
