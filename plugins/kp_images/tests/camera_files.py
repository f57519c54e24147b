"""Camera-size photos made at test time: what a studio's camera, phone or editor writes.

Shared by the tests and ``benchmarks/images.py`` (never committed: they are made when
needed). A photo here is a smooth subject (a lit backdrop and a head-and-shoulders shape)
under sensor-like noise, so it compresses like a real portrait (8-15 MB at 24 MP), with
the metadata a camera and Lightroom leave: make, model, body and lens serials, owner, GPS,
software, date, copyright and artist in EXIF; edit history, face regions, GPS, rights and
credit in XMP; by-line, copyright, credit and city in IPTC (APP13).
"""

from __future__ import annotations

import io
import random
import re
import struct
from pathlib import Path

from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter

COPYRIGHT = "© 2026 Jane Lens Photography"
ARTIST = "Jane Lens"
CREDIT = "Jane Lens for kp studios"
USAGE_TERMS = "Licensed to kp studios for web use only"
WEB_STATEMENT = "https://kpstudios.example/image-licensing/"
SECRETS = (
    b"SN-4711-BODY",
    b"LENS-0815",
    b"Owner Jane Private",
    b"Capture Studio 16.2",
    b"Lightroom Classic 14.1",
    b"Portland Secret Street",
    b"mwg-rs:Regions",
    b"xmpMM:History",
)

XMP = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
  xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
  xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
  xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
  xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
  xmlns:exif="http://ns.adobe.com/exif/1.0/"
  xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  photoshop:Credit="{CREDIT}" xmpRights:Marked="True"
  xmpRights:WebStatement="{WEB_STATEMENT}" xmp:CreatorTool="Lightroom Classic 14.1"
  aux:SerialNumber="SN-4711-BODY" aux:LensSerialNumber="LENS-0815"
  exif:GPSLatitude="45,31.2N" exif:GPSLongitude="122,40.1W">
 <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{COPYRIGHT}</rdf:li></rdf:Alt></dc:rights>
 <dc:creator><rdf:Seq><rdf:li>{ARTIST}</rdf:li></rdf:Seq></dc:creator>
 <xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">{USAGE_TERMS}</rdf:li></rdf:Alt>
 </xmpRights:UsageTerms>
 <xmpMM:History><rdf:Seq><rdf:li stEvt:action="saved"
   stEvt:softwareAgent="Lightroom Classic 14.1"/></rdf:Seq></xmpMM:History>
 <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag><rdf:li
   rdf:parseType="Resource"><mwg-rs:Name>Client Name</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>
   </rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode()


def xmp_without_rights() -> bytes:
    """The same packet without copyright, creator, credit or usage terms."""
    packet = re.sub(
        rb"<dc:rights>.*?</dc:rights>|<dc:creator>.*?</dc:creator>", b"", XMP, flags=re.S
    )
    packet = re.sub(rb"<xmpRights:UsageTerms>.*?</xmpRights:UsageTerms>", b"", packet, flags=re.S)
    return re.sub(rb'(photoshop:Credit|xmpRights:\w+)="[^"]*"', b"", packet)


def camera_exif(orientation: int = 1, rights: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS R6"  # Model
    exif[0x0112] = orientation
    exif[0x0131] = "Capture Studio 16.2"  # Software
    exif[0x0132] = "2026:03:14 09:30:00"  # DateTime
    if rights:
        exif[0x013B] = ARTIST
        exif[0x8298] = COPYRIGHT.encode()  # UTF-8, as cameras and Lightroom write it
    exif[0xC62F] = "SN-4711-BODY"  # CameraSerialNumber (DNG)
    exif[0x8769] = {
        0x9003: "2026:03:14 09:30:00",  # DateTimeOriginal
        0xA430: "Owner Jane Private",  # CameraOwnerName
        0xA431: "SN-4711-BODY",  # BodySerialNumber
        0xA435: "LENS-0815",  # LensSerialNumber
    }
    exif[0x8825] = {1: "N", 2: (45.0, 31.0, 12.5), 3: "W", 4: (122.0, 40.0, 5.0)}  # GPS
    return exif


def iptc_segment(rights: bool = True) -> bytes:
    """An APP13 "Photoshop 3.0" segment with IPTC-IIM records (Pillow cannot write one)."""
    records = [(2, 90, b"Portland Secret Street")]  # City: location, to be dropped
    if rights:
        records += [(2, 80, ARTIST.encode()), (2, 116, COPYRIGHT.encode())]
        records.append((2, 110, CREDIT.encode()))
    iim = b"".join(
        b"\x1c" + bytes([record, dataset]) + struct.pack(">H", len(value)) + value
        for record, dataset, value in records
    )
    if len(iim) % 2:
        iim += b"\x00"
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    body = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def portrait_pixels(size: tuple[int, int], seed: int = 1, noise: float = 9.0) -> Image.Image:
    """A lit backdrop, a head-and-shoulders shape and sensor noise, at ``size``."""
    rng = random.Random(seed)  # noqa: S311 (test pictures, not secrets)
    width, height = size
    small = (max(16, width // 16), max(16, height // 16))
    hue = [rng.randint(60, 200) for _ in range(3)]
    backdrop = Image.radial_gradient("L").resize(small, Image.Resampling.BILINEAR)
    channels = [backdrop.point(lambda v, h=h: max(0, min(255, h + 60 - v // 2))) for h in hue]
    image = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(image)
    cx, cy = small[0] // 2 + rng.randint(-small[0] // 8, small[0] // 8), small[1] // 2
    skin = (rng.randint(170, 230), rng.randint(120, 170), rng.randint(90, 140))
    head = min(small) // 5
    draw.ellipse((cx - head, cy - head * 1.4, cx + head, cy + head * 0.9), fill=skin)
    draw.rectangle((cx - head * 2.2, cy + head * 1.1, cx + head * 2.2, small[1]), fill=(40, 50, 70))
    image = image.filter(ImageFilter.GaussianBlur(1)).resize(size, Image.Resampling.BICUBIC)
    # Texture at every scale (hair, fabric, skin), so that downscaled copies keep detail
    # and cost what real ones cost to encode.
    for divisor, strength in ((64, 40.0), (16, 24.0), (4, 14.0)):
        coarse = (max(2, width // divisor), max(2, height // divisor))
        texture = Image.effect_noise(coarse, strength).resize(size, Image.Resampling.BICUBIC)
        image = ImageChops.add(image, Image.merge("RGB", [texture] * 3), scale=1.0, offset=-128)
    # Sensor noise, a little stronger in one channel: it is what makes camera files big.
    grain = [Image.effect_noise(size, noise * f) for f in (1.0, 0.8, 1.2)]
    return ImageChops.add(image, Image.merge("RGB", grain), scale=1.0, offset=-128)


def camera_jpeg(
    path: Path,
    size: tuple[int, int] = (6000, 4000),
    orientation: int = 1,
    seed: int = 1,
    rights: bool = True,
    icc: bytes | None = None,
    quality: int = 92,
) -> Path:
    """A JPEG as a camera (and Lightroom) writes it; ``size`` as stored, before rotation."""
    image = portrait_pixels(size, seed)
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        quality=quality,
        exif=camera_exif(orientation, rights),
        xmp=XMP if rights else xmp_without_rights(),
        icc_profile=icc or srgb_profile(),
        extra=iptc_segment(rights),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def heic(path: Path, size: tuple[int, int] = (4032, 3024), seed: int = 3) -> Path:
    """A phone photo in HEIC with camera EXIF (pillow-heif's encoder)."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = portrait_pixels(size, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "HEIF", quality=80, exif=camera_exif(1).tobytes(), xmp=XMP)
    return path


# -- wide-gamut colour profiles -----------------------------------------------------------
# No ICC file ships with Debian's base system or Pillow (ImageCms makes only sRGB), so the
# two wide-gamut profiles photographers export in are written here: ICC v2 matrix/TRC
# display profiles with the published primaries, adapted to D50 (Bradford), as
# Apple's "Display P3" and Adobe's "Adobe RGB (1998)" are.
DISPLAY_P3 = (
    (0.515102, 0.241182, -0.001049),
    (0.291965, 0.692236, 0.041882),
    (0.157153, 0.066582, 0.784378),
)
ADOBE_RGB = (
    (0.609741, 0.311111, 0.019470),
    (0.205276, 0.625671, 0.060867),
    (0.149185, 0.063217, 0.744568),
)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values) -> bytes:
    return b"XYZ \x00\x00\x00\x00" + b"".join(_s15(v) for v in values)


def _srgb_curve() -> bytes:
    points = []
    for i in range(1024):
        v = i / 1023
        linear = v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        points.append(round(linear * 65535))
    return b"curv\x00\x00\x00\x00" + struct.pack(">I", len(points)) + struct.pack(">1024H", *points)


def _gamma_curve(gamma: float) -> bytes:
    return b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, round(gamma * 256)) + b"\x00\x00"


def _desc(text: str) -> bytes:
    ascii_text = text.encode() + b"\x00"
    return (
        b"desc\x00\x00\x00\x00"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + b"\x00" * 8  # no Unicode description
        + b"\x00" * 3  # no ScriptCode description
        + b"\x00" * 67
    )


def icc_profile(name: str) -> bytes:
    """``"display-p3"`` or ``"adobe-rgb"`` as ICC v2 profile bytes."""
    primaries, curve, title = {
        "display-p3": (DISPLAY_P3, _srgb_curve(), "Display P3 (test)"),
        "adobe-rgb": (ADOBE_RGB, _gamma_curve(563 / 256), "Adobe RGB (1998) (test)"),
    }[name]
    tags = [
        (b"desc", _desc(title)),
        (b"cprt", b"text\x00\x00\x00\x00" + b"No copyright, test data\x00"),
        (b"wtpt", _xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", _xyz(primaries[0])),
        (b"gXYZ", _xyz(primaries[1])),
        (b"bXYZ", _xyz(primaries[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + b"\x00" * (-len(body) % 4)
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\x00" * 24
        + struct.pack(">I", 0)  # perceptual
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\x00" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data
