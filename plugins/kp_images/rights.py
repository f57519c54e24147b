"""What a published photo says about who made and owns it, and nothing else.

A camera or editor file carries far more than the studio should publish: the GPS position,
body and lens serial numbers, the owner's name, the software and XMP edit history, face
regions with names, embedded thumbnails, maker notes. Derivatives are written with *no*
metadata copied from the source; instead this module reads the few fields that protect
the studio and writes them afresh, in every format:

* copyright: EXIF ``Copyright``, XMP ``dc:rights``, IPTC 2:116 Copyright Notice;
* creator: EXIF ``Artist``, XMP ``dc:creator``, IPTC 2:80 By-line;
* credit: XMP ``photoshop:Credit``, IPTC 2:110 Credit;
* rights: XMP ``xmpRights:UsageTerms``, ``xmpRights:WebStatement``, ``xmpRights:Marked``.

(The colour profile is kept too; see ``decode``.) Reading prefers XMP, then IPTC, then
EXIF, as the Metadata Working Group's guidelines do. ``KP_IMAGES["keep"]`` narrows the
set; where the published copy would have no copyright, the studio's is written.

XMP is parsed with the standard library's expat parser; a packet with a DOCTYPE (which no
XMP writer emits, and which is how entity-expansion attacks start) is ignored.
"""

from __future__ import annotations

import contextlib
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, replace
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, IptcImagePlugin

COPYRIGHT_TAG, ARTIST_TAG = 0x8298, 0x013B
EXIF_IFD, DATE_ORIGINAL, DATE_TIME = 0x8769, 0x9003, 0x0132
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
IPTC = {"copyright": (2, 116), "creator": (2, 80), "credit": (2, 110)}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LONGEST = 1000  # characters kept of any one field


@dataclass(frozen=True)
class Rights:
    copyright: str = ""
    creators: tuple[str, ...] = ()
    credit: str = ""
    usage_terms: str = ""
    web_statement: str = ""
    marked: bool | None = None
    year: str = ""  # when the photo was taken (EXIF), for the studio's notice

    def kept(self, keep: frozenset[str]) -> Rights:
        """Only the groups named in ``keep``."""
        return Rights(
            copyright=self.copyright if "copyright" in keep else "",
            creators=self.creators if "creator" in keep else (),
            credit=self.credit if "credit" in keep else "",
            usage_terms=self.usage_terms if "rights" in keep else "",
            web_statement=self.web_statement if "rights" in keep else "",
            marked=self.marked if "rights" in keep else None,
            year=self.year,
        )

    def with_copyright(self, notice: str) -> Rights:
        return self if self.copyright else replace(self, copyright=notice)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Rights:
        return cls(**{**data, "creators": tuple(data.get("creators", ()))})


def _clean(value) -> str:
    if isinstance(value, bytes):
        value = value.split(b"\x00")[0].decode("utf-8", "replace")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
        return _clean(value)
    value = str(value or "")
    # Pillow reads EXIF text as Latin-1; editors write UTF-8 there.
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    return CONTROL.sub("", value.split("\x00")[0]).strip()[:LONGEST]


# -- reading ------------------------------------------------------------------------------


def xmp_of(image: Image.Image) -> bytes:
    for key in ("xmp", "XML:com.adobe.xmp"):
        value = image.info.get(key)
        if value:
            return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    tags = getattr(image, "tag_v2", None)
    value = tags.get(700) if tags is not None else None  # TIFF XMLPacket
    return bytes(value) if isinstance(value, bytes | bytearray) else b""


def read(image: Image.Image) -> Rights:
    """The rights fields of an opened source photo (nothing is decoded)."""
    exif = image.getexif()
    details = exif.get_ifd(EXIF_IFD)
    taken = _clean(details.get(DATE_ORIGINAL) or exif.get(DATE_TIME))
    year = taken[:4] if re.fullmatch(r"\d{4}", taken[:4]) else ""
    xmp = _read_xmp(xmp_of(image))
    iptc = _read_iptc(image)
    artist = _clean(exif.get(ARTIST_TAG))
    creators = xmp.get("creators") or iptc.get("creators") or ((artist,) if artist else ())
    return Rights(
        copyright=xmp.get("copyright") or iptc.get("copyright") or _clean(exif.get(COPYRIGHT_TAG)),
        creators=tuple(c for c in creators if c)[:10],
        credit=xmp.get("credit") or iptc.get("credit") or "",
        usage_terms=xmp.get("usage_terms", ""),
        web_statement=xmp.get("web_statement", ""),
        marked=xmp.get("marked"),
        year=year,
    )


def _read_iptc(image: Image.Image) -> dict:
    try:
        records = IptcImagePlugin.getiptcinfo(image) or {}
    except (OSError, SyntaxError, ValueError, IndexError, struct.error):
        return {}
    found: dict = {}
    for name, key in IPTC.items():
        value = records.get(key)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        texts = [_clean(v) for v in values if _clean(v)]
        if texts:
            found[name if name != "creator" else "creators"] = (
                tuple(texts) if name == "creator" else texts[0]
            )
    return found


def _read_xmp(packet: bytes) -> dict:
    if not packet or b"<!DOCTYPE" in packet.upper():
        return {}
    try:
        # No DOCTYPE (refused above), so no entities to expand: expat is safe here.
        root = ET.fromstring(packet.strip(b"\x00 \r\n\t"))  # noqa: S314
    except ET.ParseError:
        return {}
    found: dict = {}
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        _property(found, "copyright", description, "dc", "rights")
        _property(found, "credit", description, "photoshop", "Credit")
        _property(found, "usage_terms", description, "xmpRights", "UsageTerms")
        _property(found, "web_statement", description, "xmpRights", "WebStatement")
        _property(found, "marked", description, "xmpRights", "Marked")
        creator = description.find(f"{{{NS['dc']}}}creator")
        if creator is not None and "creators" not in found:
            names = [_clean(li.text) for li in creator.iter(f"{{{NS['rdf']}}}li")]
            found["creators"] = tuple(n for n in names if n)
    if "marked" in found:
        found["marked"] = found["marked"].lower() == "true"
    return found


def _property(found: dict, name: str, description, prefix: str, local: str) -> None:
    if found.get(name):
        return
    qualified = f"{{{NS[prefix]}}}{local}"
    value = description.get(qualified)
    element = description.find(qualified)
    if value is None and element is not None:
        items = list(element.iter(f"{{{NS['rdf']}}}li"))
        default = [li for li in items if li.get(f"{{{NS['xml']}}}lang") == "x-default"]
        chosen = (default or items or [element])[0]
        value = chosen.text or chosen.get(f"{{{NS['rdf']}}}resource")
    value = _clean(value)
    if value:
        found[name] = value


# -- writing ------------------------------------------------------------------------------


def exif_bytes(rights: Rights) -> bytes:
    """A minimal EXIF block: Copyright and Artist only (UTF-8, as editors write them)."""
    exif = Image.Exif()
    if rights.copyright:
        exif[COPYRIGHT_TAG] = rights.copyright.encode()
    if rights.creators:
        exif[ARTIST_TAG] = "; ".join(rights.creators).encode()
    return exif.tobytes() if len(exif) else b""


def xmp_packet(rights: Rights) -> bytes:
    """An XMP packet with the kept fields only (IPTC Core's names for them)."""
    attributes, elements = [], []
    if rights.credit:
        attributes.append(f"photoshop:Credit={quoteattr(rights.credit)}")
    if rights.web_statement:
        attributes.append(f"xmpRights:WebStatement={quoteattr(rights.web_statement)}")
    if rights.marked is not None:
        attributes.append(f'xmpRights:Marked="{"True" if rights.marked else "False"}"')
    texts = (("dc:rights", rights.copyright), ("xmpRights:UsageTerms", rights.usage_terms))
    for tag, text in texts:
        if text:
            elements.append(
                f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li>'
                f"</rdf:Alt></{tag}>"
            )
    if rights.creators:
        names = "".join(f"<rdf:li>{escape(name)}</rdf:li>" for name in rights.creators)
        elements.append(f"<dc:creator><rdf:Seq>{names}</rdf:Seq></dc:creator>")
    if not attributes and not elements:
        return b""
    namespaces = " ".join(
        f'xmlns:{prefix}="{NS[prefix]}"' for prefix in ("dc", "photoshop", "xmpRights")
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f'<rdf:RDF xmlns:rdf="{NS["rdf"]}"><rdf:Description rdf:about="" {namespaces} '
        + " ".join(attributes)
        + ">"
        + "".join(elements)
        + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>'
    ).encode("utf-8")


def iptc_segment(rights: Rights) -> bytes:
    """A JPEG APP13 segment with the IPTC-IIM records (UTF-8 declared): Pillow writes none."""
    records = [(1, 90, b"\x1b%G"), (2, 0, b"\x00\x04")]  # UTF-8; record version 4
    records += [(2, 80, name.encode()[:64]) for name in rights.creators]
    if rights.copyright:
        records.append((2, 116, rights.copyright.encode()[:128]))
    if rights.credit:
        records.append((2, 110, rights.credit.encode()[:32]))
    if len(records) == 2:
        return b""
    iim = b"".join(
        b"\x1c" + bytes([record, dataset]) + struct.pack(">H", len(value)) + value
        for record, dataset, value in records
    )
    iim += b"\x00" * (len(iim) % 2)
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iim)) + iim
    body = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body
