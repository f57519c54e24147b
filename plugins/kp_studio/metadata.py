"""Published images leak nothing: no GPS position, camera serial, owner or edit history.

Studio portraits come straight from a camera or an editor, and their metadata can say
where a client lives (GPS), whose camera it was (serial numbers, owner name), who is in
the picture (face regions) and how the photo was edited (software, XMP history).

Photos are published only as kp_images derivatives, written with nothing of the source
but the studio's rights (copyright, creator, credit, usage terms) and the colour profile
(see ``kp_images.rights``). This module is the safety net for every *other* image that
lands in the output folder (comparison overlays, theme art, a GIF): after Pelican has
written the output (``finalized``) each is cleaned of all metadata but its ICC profile,
and :func:`leaks` is what the tests use to prove that no published image says anything
private.

* JPEG, PNG and WebP are cleaned *losslessly*, in their containers: the metadata segments
  or chunks are dropped (JPEG APP1 Exif/XMP, APP3-APP13 incl. IPTC/Photoshop, APP15,
  comments, non-ICC APP2 such as MPF, bytes after the end of the image; PNG eXIf, tEXt,
  zTXt, iTXt, tIME; WebP EXIF and XMP chunks) and the pixels are not re-encoded. The ICC
  colour profile is kept.
* An image whose EXIF orientation is not "upright" (2-8) is turned upright with Pillow
  (JPEG: saved with the original's quantisation tables and subsampling, so it looks the
  same) and saved without the tag, so no browser can turn it twice.
* AVIF with metadata is re-encoded by Pillow without it (the container is not parsed here).

Files in ``content/`` are never touched: cleaned copies replace the output files by
rename (a new file), so even a hard-linked static file keeps its source intact.

A source image with a GPS position gets a build WARNING naming it, on
``static_generator_finalized``: the published copy is clean, but the author should know
the file in the repository still says where it was taken. The build driver lets this
one warning through (``sitetools.build.IGNORED_WARNINGS``, with the reason) and still
prints it.
"""

from __future__ import annotations

import io
import logging
import os
import struct
from pathlib import Path

from kp_common.files import replace_file, stamp
from PIL import Image, ImageOps, JpegImagePlugin

from .imagefile import UNREADABLE

logger = logging.getLogger("kp_studio")

# The start of the warning; sitetools.build.IGNORED_WARNINGS lets it through.
GPS_WARNING = "carries a GPS position in its metadata"

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112
# Tags a test looks for (``leaks``); cleaning drops all metadata, not just these. Artist
# and Copyright are not leaks: the studio's photos keep them (kp_images.rights).
IFD0_LEAKS = {
    0x0131: "Software",
    0xC62F: "CameraSerialNumber",
    0x010F: "Make",
    0x0110: "Model",
    0x0132: "DateTime",
}
EXIF_LEAKS = {0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber", 0xA435: "LensSerialNumber"}
IFD1 = 0x0001  # Pillow's key for the thumbnail's IFD
# XMP properties that say where, with what, by whom or how (the rights fields are kept).
XMP_LEAKS = {
    b"xmpMM:": "XMP edit history",
    b"mwg-rs:": "face regions",
    b"MPRI:": "face regions",
    b"MP:RegionInfo": "face regions",
    b"GPS": "GPS position",
    b"SerialNumber": "serial number",
    b"CreatorTool": "software",
    b"OwnerName": "owner",
    b"photoshop:City": "location",
    b"Iptc4xmpCore:Location": "location",
}
# IPTC datasets a published photo may carry: character set, record version, by-line,
# credit, copyright notice.
IPTC_KEPT = {(1, 90), (2, 0), (2, 80), (2, 110), (2, 116)}

JPEG_KEEP_APP = {0xE0, 0xEE}  # JFIF, Adobe (colour transform); ICC APP2 is checked apart
ICC_SIGNATURE = b"ICC_PROFILE\x00"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
WEBP_DROP = {b"EXIF", b"XMP "}


# -- what an image says -------------------------------------------------------------------


def leaks(path: str | os.PathLike) -> list[str]:
    """What ``path`` reveals: GPS, serials, owner, software, XMP, orientation; [] if none."""
    found = []
    with Image.open(path) as image:
        exif = image.getexif()
        if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
            found.append("GPS position")
        found += [name for tag, name in IFD0_LEAKS.items() if tag in exif]
        details = exif.get_ifd(EXIF_IFD)
        found += [name for tag, name in EXIF_LEAKS.items() if tag in details]
        if exif.get(ORIENTATION, 1) != 1:
            found.append(f"orientation tag {exif[ORIENTATION]}")
        if exif.get_ifd(IFD1):
            found.append("EXIF thumbnail")
        if image.info.get("mp") or image.format == "MPO":
            found.append("MPF preview images")
        info = image.info
        xmp = _bytes(info.get("xmp") or info.get("XML:com.adobe.xmp") or b"")
        found += sorted({name for needle, name in XMP_LEAKS.items() if needle in xmp})
        found += [f"IPTC {r}:{d}" for r, d in sorted(_iptc_keys(image) - IPTC_KEPT)]
        for key in ("comment", "Software", "Author", "Comment"):
            if info.get(key):
                found.append(f"{key} ({str(info[key])[:40]!r})")
    return found


def _iptc_keys(image) -> set[tuple[int, int]]:
    from PIL import IptcImagePlugin

    try:
        return set(IptcImagePlugin.getiptcinfo(image) or {})
    except (OSError, SyntaxError, ValueError, IndexError, struct.error):
        return {(0, 0)}  # unreadable IPTC is not IPTC we wrote


def has_gps(path: str | os.PathLike) -> bool:
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
                return True
            xmp = _bytes(image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b"")
            return b"GPSLatitude" in xmp
    except UNREADABLE:
        return False


def _bytes(value) -> bytes:
    return value.encode("utf-8", "replace") if isinstance(value, str) else bytes(value)


# -- cleaning -----------------------------------------------------------------------------


def clean_bytes(data: bytes) -> bytes | None:
    """The image without metadata; None if there was nothing to remove (or not an image)."""
    orientation = _orientation(data)
    if orientation not in (None, 1):
        return _upright(data)
    if data[:2] == b"\xff\xd8":
        cleaned = _clean_jpeg(data)
    elif data[:8] == PNG_SIGNATURE:
        cleaned = _clean_png(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        cleaned = _clean_webp(data)
    elif data[4:12] in (b"ftypavif", b"ftypavis"):
        cleaned = _clean_with_pillow(data)
    else:
        return None
    return cleaned if cleaned is not None and cleaned != data else None


# Where a PNG can say how it is turned: an eXIf chunk, EXIF in a text chunk ("Raw profile
# type exif"), or XMP. Pillow decodes the whole image to look for them (they may follow the
# pixels); a PNG whose bytes contain none of these names cannot be turned.
PNG_ORIENTATION_SOURCES = (b"eXIf", b"exif", b"XML:com.adobe.xmp")


def _orientation(data: bytes) -> int | None:
    if data[:8] == PNG_SIGNATURE and not any(name in data for name in PNG_ORIENTATION_SOURCES):
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.getexif().get(ORIENTATION)
    except UNREADABLE:
        return None


def _clean_jpeg(data: bytes) -> bytes | None:
    out = [b"\xff\xd8"]
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None  # not a marker where one must be: leave the file alone
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: image data up to the end-of-image marker
            end = data.find(b"\xff\xd9", i)
            out.append(data[i:] if end < 0 else data[i : end + 2])
            return b"".join(out)
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        segment = data[i : i + 2 + length]
        is_app = 0xE0 <= marker <= 0xEF
        keep = not is_app or marker in JPEG_KEEP_APP
        if marker == 0xE2:
            keep = segment[4:16] == ICC_SIGNATURE
        if marker == 0xFE:  # comment
            keep = False
        if keep:
            out.append(segment)
        i += 2 + length
    return None


def _clean_png(data: bytes) -> bytes | None:
    out = [PNG_SIGNATURE]
    i = 8
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i : i + 8])
        chunk = data[i : i + 12 + length]
        if kind not in PNG_DROP:
            out.append(chunk)
        i += 12 + length
        if kind == b"IEND":
            break
    return b"".join(out)


def _clean_webp(data: bytes) -> bytes | None:
    chunks = []
    i = 12
    while i + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[i : i + 8])
        padded = size + (size & 1)
        chunk = bytearray(data[i : i + 8 + padded])
        if kind == b"VP8X":
            chunk[8] &= ~(0x08 | 0x04) & 0xFF  # flags: no EXIF, no XMP
        if kind not in WEBP_DROP:
            chunks.append(bytes(chunk))
        i += 8 + padded
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _clean_with_pillow(data: bytes) -> bytes | None:
    with Image.open(io.BytesIO(data)) as image:
        if not (image.info.get("exif") or image.info.get("xmp")):
            return None
        return _save(image, image.format, image.info.get("icc_profile"))


def _upright(data: bytes) -> bytes | None:
    """Apply the EXIF orientation to the pixels and save without any metadata."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            icc = image.info.get("icc_profile")
            options = {}
            if image_format == "JPEG":
                options = {
                    "qtables": image.quantization,
                    "subsampling": JpegImagePlugin.get_sampling(image),
                    "progressive": bool(image.info.get("progressive")),
                }
            upright = ImageOps.exif_transpose(image)
            return _save(upright, image_format, icc, **options)
    except UNREADABLE:
        return None


def _save(image: Image.Image, image_format: str, icc: bytes | None, **options) -> bytes:
    image.info = {}
    buffer = io.BytesIO()
    if icc:
        options["icc_profile"] = icc
    if image_format == "WEBP":
        options.setdefault("lossless", False)
        options.setdefault("quality", 90)
    elif image_format == "AVIF":
        options.setdefault("quality", 80)
    elif image_format == "JPEG" and "qtables" in options and options["subsampling"] == -1:
        del options["subsampling"]
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def clean_file(path: Path) -> bool:
    """Clean one published image in place (by rename); True if it changed."""
    try:
        data = path.read_bytes()
        cleaned = clean_bytes(data)
    except (OSError, *UNREADABLE):
        return False
    if cleaned is None:
        return False
    replace_file(path, cleaned)  # a new file: never write through a link into content/
    return True


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"}
SOURCE_ONLY = {".tif", ".tiff", ".heic", ".heif"}  # read, never published as they are


# Output image -> its stamp when last found or made clean, for as long as one Pelican
# object runs (reset at ``initialized``): a long-lived Pelican (livereload) reads again
# only the images that were written since.
_known_clean: dict[Path, tuple[int, int, int]] = {}


def forget_clean_images(_pelican=None) -> None:
    _known_clean.clear()


def _derivatives(settings: dict) -> set[str]:
    """kp_images' files (already written to the policy, with the rights kept): not ours."""
    try:
        from kp_images.images import pipeline

        return set(pipeline(settings).published)
    except (ImportError, RuntimeError):
        return set()


def clean_output(pelican) -> None:
    """``finalized`` handler: clean every other image in the output folder."""
    output = Path(pelican.settings["OUTPUT_PATH"])
    derivatives = _derivatives(pelican.settings)
    cleaned = 0
    for path in sorted(output.rglob("*")):
        if path.suffix.lower() not in IMAGE_SUFFIXES or path.is_symlink() or not path.is_file():
            continue
        if path.relative_to(output).as_posix() in derivatives:
            continue
        if _known_clean.get(path) == stamp(path):
            continue
        cleaned += clean_file(path)
        _known_clean[path] = stamp(path)
    logger.info("kp_studio: removed metadata from %d published image(s)", cleaned)


def warn_about_gps(generator) -> None:
    """``static_generator_finalized`` handler: name every source image that has a GPS position."""
    for static in getattr(generator, "staticfiles", []):
        source = getattr(static, "source_path", None)
        is_image = source and Path(source).suffix.lower() in IMAGE_SUFFIXES | SOURCE_ONLY
        if is_image and has_gps(source):
            logger.warning(
                "%s %s. The published copy is stripped of it, but the file in the "
                "repository still says where it was taken.\n    How to fix: export the "
                "photo again without location data (or run 'exiftool -gps:all= FILE').",
                os.path.relpath(source),
                GPS_WARNING,
            )
