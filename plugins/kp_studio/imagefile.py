"""Checks shared by every block that shows an image: it is a photo we publish, how big it is.

:func:`web_image` is the way in: through kp_images, a photo (JPEG, PNG, WebP, AVIF, TIFF,
HEIC) becomes derivatives no longer than ``KP_IMAGES["max_edge"]``, and only the header is
read here (the file is decoded once, with every other photo, by kp_images' pool; a
truncated file is reported then, with the file and line given here as ``used_by``).
Without kp_images (a plugin's own test build), :func:`displayed_size` checks the file the
slow way and the original is shown.

The size is the *displayed* one: an EXIF orientation of 5-8 (a camera held upright)
swaps width and height, and the published copy has that orientation applied, so
``width``/``height`` attributes match what the browser draws.
"""

from __future__ import annotations

import os

from kp_common.errors import AuthorError
from PIL import Image, UnidentifiedImageError
from PIL.Image import DecompressionBombError

WEB_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "AVIF"}
# What a gallery folder may hold: web images, and through kp_images TIFF and HEIC too.
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
IMAGE_SUFFIXES |= {".tif", ".tiff", ".heic", ".heif"}
ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height
# What Pillow raises for a file that is not a (complete, sane) image.
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, DecompressionBombError)


def resolve(content_dir: str, relative: str) -> str:
    """Absolute path of ``relative`` inside ``content_dir``; AuthorError if it is not a file."""
    root = os.path.realpath(content_dir)
    path = os.path.realpath(os.path.join(root, relative))
    if os.path.commonpath([root, path]) != root:
        raise AuthorError(
            f"{relative} leads outside the content folder.",
            "Copy the image into content/images/ and point to that copy.",
        )
    if not os.path.isfile(path):
        folder = os.path.dirname(path)
        nearby = sorted(os.listdir(folder))[:6] if os.path.isdir(folder) else []
        seen = f" Files in that folder: {', '.join(nearby)}." if nearby else ""
        raise AuthorError(
            f"The image {relative} does not exist in the content folder.",
            f"Check the spelling and that the file is in content/{relative}.{seen}",
        )
    return path


def displayed_size(path: str, relative: str) -> tuple[int, int]:
    """Width and height as shown upright; AuthorError if it is not a complete web image."""
    try:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            if image.format not in WEB_FORMATS:
                raise AuthorError(
                    f"The image {relative} is {image.format}, which browsers do not show.",
                    "Export it as JPEG (photos) or PNG.",
                )
            image.load()  # a truncated file fails here, not in the reader's browser
            width, height = image.size
            if image.getexif().get(0x0112) in ROTATED:
                width, height = height, width
            return width, height
    except UNREADABLE as error:
        raise AuthorError(
            f"The image {relative} cannot be read as an image ({error}).",
            "Open it in an image editor and export it again as JPEG or PNG.",
        ) from None


def kp_images_loaded(settings: dict) -> bool:
    """Whether kp_images publishes this build's photos (then any format it reads may be
    shown: HEIC, TIFF, AVIF... become AVIF/WebP/JPEG derivatives)."""
    try:
        from kp_images.images import registered
    except ImportError:
        return False
    return registered(settings)


def photo_size(path: str, max_pixels: int, name: str, *, check_pixels: bool = False):
    """The upright size of any photo kp_images reads (its header only; with
    ``check_pixels``, decoded small too, so a truncated file shows here). Raises
    kp_images' ``ImageProblem`` (a ValueError) in an author's words: not an image, a format
    we do not publish, beyond the decompression-bomb limit, truncated."""
    from kp_images.decode import decode, opened, upright_size

    with opened(path, max_pixels, name) as image:
        size = upright_size(image)
    if check_pixels:
        decode(path, 64, max_pixels, keep_icc=False, name=name)  # a JPEG at 1/8 scale
    return size


def upright_rgb(path: str | os.PathLike, long_edge: int, max_pixels: int) -> Image.Image:
    """A photo decoded by kp_images (HEIC, TIFF, AVIF..., EXIF orientation applied, the
    decompression-bomb limit, at least ``long_edge`` long with JPEG shrink-on-load),
    converted to sRGB and flattened on white: the pixels the reader's browser shows.
    Raises kp_images' ``ImageProblem`` (a ValueError) naming the file."""
    from kp_images.decode import decode

    picture, _ = decode(path, long_edge, max_pixels, keep_icc=False)
    if picture.mode == "RGBA":
        flat = Image.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture, mask=picture)
        return flat
    return picture if picture.mode == "RGB" else picture.convert("RGB")


def web_image(settings: dict, path: str, relative: str, alt: str, used_by, **options):
    """kp_images' ImageSet for ``path``; None without kp_images; AuthorError if it is not a
    photo we can publish. ``used_by`` is (file, line) of the text that shows it."""
    try:
        from kp_images.images import ImageError, pipeline

        images = pipeline(settings)
    except (ImportError, RuntimeError):
        return None
    try:
        return images.image_set(path, alt, used_by=used_by, **options)
    except ImageError as error:
        raise AuthorError(error.problem, error.fix) from None  # it names the file
