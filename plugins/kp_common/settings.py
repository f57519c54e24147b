"""The one settings layer: ``STUDIO``, the menu, ``SITEURL`` and our ``KP_*`` settings, parsed
and validated once per build into typed, frozen values.

Every plugin and the theme read settings through :func:`site_settings`; nothing else looks
into the raw dicts (``KP_IMAGES`` and ``KP_REDIRECTS_FILE`` included; the tooling, reading a
settings file outside a build, asks :func:`newsletter` for the signup form's origin). Each
kind of value (text, site link, absolute URL, email, phone, time, day, colour, path, a file
in the content folder, a folder of the output, number) has one rule in ``RULES`` and one
fix message, so a URL is judged
the same way wherever it appears. A mistake is reported once, by the setting's full name
(``STUDIO["consultation"]["url"]``), and the build goes on with a safe fallback (an invalid
consultation becomes "no call to action", never a broken link) so every other mistake is
reported too; the build driver then refuses to publish.

Computed values live here, not in templates: a link's ``href`` and whether it leaves the
site (``external``), ``tel:`` and ``mailto:`` forms, whether the newsletter is on. Turning
something off is always spelt the same way: leave the key out, or set it to ``None`` or ``""``
(the newsletter's ``action``, the contact ``phone``, ``email``, ``social``).
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kp_common.errors import report

logger = logging.getLogger(__name__)

# Where the parsed settings are kept inside Pelican's settings dict, so every signal handler
# sees the same object and each mistake is reported once.
_PARSED_KEY = "_KP_SITE_SETTINGS"

# --- one rule per kind of value -------------------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop tabs and newlines inside URLs ("java\tscript:"), so any whitespace, control
# character or backslash makes a URL unsafe to judge: refuse it.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,}[0-9]$")
_TIME = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_IMAGE = re.compile(r"^[^/\\\s][^\\]*\.(?:jpe?g|png|webp|avif|tiff?|heic|heif)$", re.IGNORECASE)
_HONEYPOT = re.compile(r"^b_[A-Za-z0-9]+_[A-Za-z0-9]+$")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def safe_url(value: Any, *, allow_relative: bool = True) -> bool:
    """Whether ``value`` is a URL the site may link to.

    Allowed: ``https://host/...``, ``http://host/...``, ``mailto:someone@host``,
    ``tel:+15035550142``, and (with ``allow_relative``) a site path ``/like/this/`` or an
    in-page ``#anchor``. Refused: every other scheme (``javascript:``, ``data:``,
    ``vbscript:``), protocol-relative ``//host``, whitespace, control characters and
    backslashes anywhere.
    """
    if not isinstance(value, str) or not value or _UNSAFE_CHARACTERS.search(value):
        return False
    if value.startswith("//"):
        return False
    if value.startswith(("/", "#")):
        return allow_relative
    scheme = _SCHEME.match(value)
    if not scheme:
        return False
    name, rest = scheme.group(1).lower(), value[scheme.end() :]
    if name in ("http", "https"):
        host = urlsplit(value).netloc.rsplit("@", 1)[-1]
        return rest.startswith("//") and bool(_HOST.match(host)) and "." in host
    if name == "mailto":
        return bool(_EMAIL.match(rest.split("?", 1)[0]))
    if name == "tel":
        return bool(re.fullmatch(r"\+?[0-9().-]{5,}", rest))
    return False


def is_external(href: str) -> bool:
    """Whether a safe link leaves the site: anything but a site path or an in-page anchor."""
    return not href.startswith(("/", "#"))


def tel_href(phone: str) -> str:
    """``+1 (555) 010-0199`` -> ``tel:+15550100199``."""
    return "tel:" + re.sub(r"[^\d+]", "", phone)


@dataclass(frozen=True)
class Rule:
    check: Callable[[str], bool]
    what: str  # "is 'x', which {what}."
    fix: str


RULES: dict[str, Rule] = {
    "text": Rule(lambda v: bool(v.strip()), "is empty", "write it as text in quotes."),
    "url": Rule(
        safe_url,
        "is not a safe link",
        'use an https:// address, a page of this site starting with "/" '
        '(e.g. "/book-a-consultation/"), a mailto: or a tel: link.',
    ),
    "absolute_url": Rule(
        lambda v: safe_url(v, allow_relative=False) and v.lower().startswith("http"),
        "is not a safe link",
        "use a full address starting with https://.",
    ),
    "https_url": Rule(
        lambda v: safe_url(v, allow_relative=False) and v.lower().startswith("https://"),
        "is not a safe link (an https:// address)",
        "copy the full https:// address.",
    ),
    "email": Rule(
        lambda v: bool(_EMAIL.match(v)),
        "is not a valid email",
        'write an e-mail address like "hello@kpstudios.example".',
    ),
    "phone": Rule(
        lambda v: bool(_PHONE.match(v)) and len(tel_href(v)) >= len("tel:") + 3,
        "is not a valid phone number",
        'write the number with its country code, like "+1 503 555 0142".',
    ),
    "time": Rule(
        lambda v: bool(_TIME.match(v)),
        "is not a valid time",
        'write the time as HH:MM on a 24-hour clock, like "09:00" or "18:30".',
    ),
    "day": Rule(lambda v: v in DAYS, "is not a valid day", f"use one of {', '.join(DAYS)}."),
    "colour": Rule(
        lambda v: bool(_COLOUR.match(v)),
        "is not a valid colour",
        'write a hex colour like "#1f2a44".',
    ),
    "path": Rule(
        lambda v: bool(v.strip()) and "\0" not in v,
        "is not a valid path",
        'write a folder path such as "cache/kp_studio".',
    ),
    "image": Rule(
        lambda v: bool(_IMAGE.match(v.strip())) and ".." not in v.split("/"),
        "is not a photo in the content folder",
        'write its path inside the content folder, like "images/portfolio/mei.jpg" '
        "(a .jpg, .jpeg, .png, .webp, .avif, .tif or .heic file).",
    ),
    "content_file": Rule(
        lambda v: (
            bool(v.strip())
            and not os.path.isabs(v)
            and not v.startswith(("/", "\\"))
            and ".." not in re.split(r"[/\\]", v)
        ),
        "is not a path inside the content folder",
        'write its path inside the content folder, like "data/redirects.yaml".',
    ),
    "output_folder": Rule(
        lambda v: bool(v.strip("/ ")) and ".." not in v.split("/") and "\0" not in v,
        "is not a folder of the output",
        'write a folder inside the output, like "images/r".',
    ),
    "honeypot": Rule(
        lambda v: bool(_HONEYPOT.match(v)),
        "is not like b_<u>_<id>",
        "copy the name of the hidden field (it starts with b_) from Mailchimp's embedded form "
        "code (Audience > Signup forms > Embedded forms).",
    ),
}


# --- typed values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A safe link: a site path (``/privacy/``) or an absolute URL. Templates write
    ``href | url`` (which adds ``SITEURL`` to site paths) and ``rel="noopener"`` when
    ``external``."""

    href: str

    @property
    def external(self) -> bool:
        return is_external(self.href)


@dataclass(frozen=True)
class Phone:
    text: str

    @property
    def href(self) -> str:
        return tel_href(self.text)


@dataclass(frozen=True)
class Email:
    address: str

    @property
    def href(self) -> str:
        return f"mailto:{self.address}"


@dataclass(frozen=True)
class Consultation:
    link: Link
    label: str
    headline: str
    text: str
    session_length: str
    phone: Phone | None = None
    email: Email | None = None

    @property
    def url(self) -> str:
        return self.link.href

    def as_dict(self) -> dict[str, Any]:
        """The call to action as the consultation partial reads it (blocks override keys)."""
        return {
            "url": self.link.href,
            "external": self.link.external,
            "label": self.label,
            "headline": self.headline,
            "text": self.text,
            "session_length": self.session_length,
            "phone": self.phone.text if self.phone else None,
            "phone_href": self.phone.href if self.phone else None,
            "email": self.email.address if self.email else None,
            "email_href": self.email.href if self.email else None,
        }


@dataclass(frozen=True)
class Newsletter:
    """Mailchimp's embedded-form contract: POST to ``action``, a honeypot field."""

    action: str
    honeypot: str
    privacy: Link
    heading: str
    text: str

    @property
    def origin(self) -> str:
        parts = urlsplit(self.action)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Address:
    street: str
    locality: str
    region: str
    postal_code: str
    country: str


@dataclass(frozen=True)
class OpeningHours:
    label: str
    days: tuple[str, ...]
    opens: str
    closes: str


@dataclass(frozen=True)
class Profile:
    name: str
    link: Link


@dataclass(frozen=True)
class Service:
    name: str
    text: str


@dataclass(frozen=True)
class Photo:
    """A photo named in the settings (the home page's hero, the default preview image):
    ``path`` inside the content folder, always with its alt text. Templates and kp_seo hand
    it to kp_images, so only its derivatives are published."""

    path: str
    alt: str


@dataclass(frozen=True)
class Portfolio:
    """The home page's portfolio strip: the first ``photos`` photos of the first gallery on
    the page at ``link`` (the Portfolio), linking to it."""

    link: Link
    photos: int = 4


@dataclass(frozen=True)
class Studio:
    name: str
    tagline: str
    promise: str | None
    url: str
    consultation: Consultation | None
    newsletter: Newsletter | None
    phone: Phone | None
    email: Email | None
    address: Address | None
    opening_hours: tuple[OpeningHours, ...] = ()
    social: tuple[Profile, ...] = ()
    services: tuple[Service, ...] = ()
    # The home page's hero photograph (STUDIO["hero"]) and the preview image of every page
    # without its own Image (STUDIO["image"], STUDIO["image_alt"]).
    hero: Photo | None = None
    image: Photo | None = None
    portfolio: Portfolio | None = None


@dataclass(frozen=True)
class MenuItem:
    title: str
    link: Link


@dataclass(frozen=True)
class StudioSettings:
    """``KP_STUDIO`` (the blocks' options) with the call to action the blocks render."""

    consultation: Consultation | None
    diff_threshold: int = 24
    diff_blur: float = 1.5
    diff_max_size: int = 1600
    cache_dir: str = ""
    # KP_IMAGES["max_pixels"]: the blocks decode photos through kp_images with its limit.
    max_pixels: int = 150_000_000


@dataclass(frozen=True)
class ImageSettings:
    """``KP_IMAGES``: what kp_images makes of each photo (see ``KP_IMAGES_DEFAULTS``)."""

    widths: tuple[int, ...]
    sizes: str
    cache_dir: str | None
    output_dir: str
    formats: tuple[str, ...]
    quality: tuple[tuple[str, int], ...]  # (format, quality) for every format we encode
    avif_speed: int
    fallback_width: int
    max_edge: int
    max_pixels: int
    keep: frozenset[str]
    copyright: str | None
    license: str | None
    acquire_license_page: str | None
    workers: int


@dataclass(frozen=True)
class SiteSettings:
    studio: Studio | None
    menu: tuple[MenuItem, ...]
    kp_studio: StudioSettings
    siteurl: str
    publishing: bool
    search_pages_per_bundle: int | None
    reading_wpm: int
    related_max: int
    seo_studio_pages: tuple[str, ...]
    images: ImageSettings
    # KP_REDIRECTS_FILE: the redirects file, inside the content folder (kp_common.redirects).
    redirects_file: str
    # KP_SEARCH_BACKGROUND: index search after the build returns (livereload sets it).
    search_background: bool
    # KP_VALIDATE_ACTIVE_FILES: content paths that may be published though active (HTML...).
    active_files: frozenset[str] = frozenset()
    problems: int = field(default=0, compare=False)


KP_STUDIO_DEFAULTS: dict[str, Any] = {
    # Per-pixel difference (0-255, largest channel) above which a pixel counts as changed.
    # JPEG noise after the blur stays well below 24; a retouched feature is far above it.
    "diff_threshold": 24,
    # Gaussian blur radius (pixels) applied to both images before comparing, so that
    # compression noise and sub-pixel resampling do not count as changes.
    "diff_blur": 1.5,
    # Longest edge of the overlay image; it is scaled by the browser anyway.
    "diff_max_size": 1600,
    # None: ``<CACHE_PATH>/kp_studio``.
    "cache_dir": None,
}
# What published images may keep of a source's metadata. Everything else (GPS, serial
# numbers, owner, software and XMP history, face regions, thumbnails, comments, maker notes)
# is never written, whatever KP_IMAGES["keep"] says.
IMAGE_KEEPABLE = {
    "copyright": "EXIF Copyright, XMP dc:rights, IPTC Copyright Notice",
    "creator": "EXIF Artist, XMP dc:creator, IPTC By-line",
    "credit": "XMP photoshop:Credit, IPTC Credit",
    "rights": "XMP xmpRights (usage terms, web statement, marked)",
    "icc": "the colour profile (without it, pixels are converted to sRGB)",
}
IMAGE_FORMATS = ("avif", "webp", "jpeg")
KP_IMAGES_DEFAULTS: dict[str, Any] = {
    "widths": (360, 720, 1080, 1440),
    # The content column is at most 720 CSS px wide; below that the image spans the viewport.
    "sizes": "(min-width: 760px) 720px, 100vw",
    "cache_dir": None,  # default: <CACHE_PATH>/kp_images
    "output_dir": "images/r",
    "formats": IMAGE_FORMATS,
    "quality": {"avif": 55, "webp": 75, "jpeg": 80},
    "avif_speed": 8,  # libaom: a third less time than 7, files 2% smaller, -0.13 dB PSNR
    "fallback_width": 720,
    "max_edge": 2048,  # no published image is longer than this, on either side
    "max_pixels": 150_000_000,  # beyond this a file is refused as a decompression bomb
    "keep": tuple(IMAGE_KEEPABLE),
    "copyright": None,  # default: "© <year taken> <STUDIO name>" where a source has none
    "license": None,  # schema.org ImageObject "license": a page saying how images may be used
    "acquire_license_page": None,  # default: the consultation page (STUDIO["consultation"])
    "workers": None,  # encoding processes; default: the cores this process may use
}
REDIRECTS_FILE = "data/redirects.yaml"
CONSULTATION_REQUIRED = ("url", "label", "headline", "text", "session_length")
CONSULTATION_OPTIONAL = ("phone", "email")
STUDIO_KEYS = (
    "name",
    "tagline",
    "promise",
    "url",
    "consultation",
    "newsletter",
    "contact",
    "address",
    "opening_hours",
    "social",
    "services",
    "hero",
    "image",
    "image_alt",
    "portfolio",
)
ADDRESS_KEYS = ("street", "locality", "region", "postal_code", "country")
PAGES_PER_BUNDLE = 250
READING_WPM = 230
RELATED_MAX = 3
SEO_STUDIO_PAGES = ("contact", "book-a-consultation", "headshots")


# --- parsing --------------------------------------------------------------------------------


class _Parser:
    """Reads values by kind, reporting each mistake once with the setting's name."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.problems = 0
        self.quiet = quiet  # count mistakes without reporting them (the build reports them)

    def error(self, name: str, problem: str, fix: str) -> None:
        self.problems += 1
        if not self.quiet:
            report(None, None, f"{name} {problem}", fix)

    def value(self, raw: Any, key: str, name: str, kind: str, *, required: bool = True):
        """``raw[key]`` if it passes ``kind``'s rule; None (reported if required) if absent."""
        full = f'{name}["{key}"]'
        value = raw.get(key) if isinstance(raw, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(full, "is missing.", f'add "{key}" to {name} in pelicanconf.py.')
            return None
        return self.check(value, full, kind)

    def check(self, value: Any, name: str, kind: str):
        rule = RULES[kind]
        if not isinstance(value, str):
            self.error(name, f"is {value!r}, which is not text.", "quote it.")
            return None
        if not rule.check(value):
            self.error(name, f"is {value!r}, which {rule.what}.", rule.fix)
            return None
        return value.strip()

    def group(self, raw: Any, name: str, *, required: bool = True) -> dict | None:
        if raw is None:
            if required:
                self.error(name, "is missing.", f"add {name} to pelicanconf.py.")
            return None
        if not isinstance(raw, dict):
            self.error(name, f"should be a dict of settings, not {raw!r}.", "see pelicanconf.py.")
            return None
        return raw

    def items(self, raw: Any, name: str) -> list:
        if raw in (None, "", ()):
            return []
        if not isinstance(raw, list | tuple):
            self.error(name, f"should be a list, not {raw!r}.", "write it in [square brackets].")
            return []
        return list(raw)

    def typos(self, raw: dict, known: tuple[str, ...], name: str) -> None:
        for key in raw:
            if key in known or not isinstance(key, str):
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
            if close:
                self.error(
                    f'{name}["{key}"]',
                    f'is not a setting we know; did you mean "{close[0]}"?',
                    f'rename it to "{close[0]}".',
                )

    def number(
        self, value: Any, name: str, low: float, kind=int, fix: str = "", high: float | None = None
    ):
        """A whole number (``kind=int``) or a number (``float``) from ``low`` (to ``high``);
        None if not."""
        ok = not isinstance(value, bool) and isinstance(value, int if kind is int else int | float)
        if not ok or value < low or (high is not None and value > high):
            noun = "a whole number" if kind is int else "a number"
            # Big whole bounds as Python writes them in pelicanconf.py (1_000_000, not 1e+06).
            low_text, high_text = (
                f"{b:g}" if isinstance(b, float) or b < 100_000 else f"{b:_}"
                for b in (low, high or 0)
            )
            span = f">= {low_text}" if high is None else f"from {low_text} to {high_text}"
            self.error(name, f"must be {noun} {span}, not {value!r}.", fix)
            return None
        return kind(value)


def _consultation(parser: _Parser, raw: Any) -> Consultation | None:
    name = 'STUDIO["consultation"]'
    if not isinstance(raw, dict):
        parser.error(
            name,
            "is missing or is not a dict.",
            'Add "consultation": {"url": "/book-a-consultation/", "label": ..., '
            '"headline": ..., "text": ..., "session_length": ...} to STUDIO.',
        )
        return None
    before = parser.problems
    values: dict[str, str | None] = {}
    for key in CONSULTATION_REQUIRED + CONSULTATION_OPTIONAL:
        full = f'{name}["{key}"]'
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if key in CONSULTATION_REQUIRED:
                parser.error(full, "is missing or empty.", "Set it to a non-empty string.")
            values[key] = None
            continue
        if not isinstance(value, str):
            parser.error(full, f"must be a string, not {type(value).__name__}.", "Quote it.")
            continue
        values[key] = value.strip()
    for key in sorted(set(raw) - set(CONSULTATION_REQUIRED + CONSULTATION_OPTIONAL)):
        parser.error(
            f'{name}["{key}"]',
            "is not a known consultation setting.",
            "Use only: " + ", ".join(CONSULTATION_REQUIRED + CONSULTATION_OPTIONAL) + ".",
        )
    url = values.get("url")
    if url and not safe_url(url):
        parser.error(
            f'{name}["url"]',
            f"{url!r} is not a site path or an http(s), mailto or tel URL.",
            'Use a path such as "/book-a-consultation/" or a full https:// address such as '
            "your scheduler's booking link.",
        )
    for key, kind in (("email", "email"), ("phone", "phone")):
        if values.get(key):
            values[key] = parser.check(values[key], f'{name}["{key}"]', kind)
    if parser.problems > before:
        return None
    return Consultation(
        link=Link(values["url"]),
        label=values["label"],
        headline=values["headline"],
        text=values["text"],
        session_length=values["session_length"],
        phone=Phone(values["phone"]) if values.get("phone") else None,
        email=Email(values["email"]) if values.get("email") else None,
    )


def _newsletter(parser: _Parser, raw: Any) -> Newsletter | None:
    """Off when the group or its ``action`` is missing or empty; checked only when on."""
    name = 'STUDIO["newsletter"]'
    raw = parser.group({} if raw in (None, "") else raw, name)
    if raw is None or not (raw.get("action") or "").strip():
        if parser.quiet:
            return None
        logger.info(
            'STUDIO["newsletter"]["action"] is not set, so no signup form is shown. Set it to '
            "the Mailchimp embedded-form action URL to turn the signup on."
        )
        return None
    before = parser.problems
    action = parser.value(raw, "action", name, "https_url")
    honeypot = parser.value(raw, "honeypot", name, "honeypot")
    privacy = parser.value(raw, "privacy_url", name, "url", required=False) or "/privacy/"
    parser.typos(raw, ("action", "honeypot", "privacy_url", "heading", "text"), name)
    if parser.problems > before:
        return None
    return Newsletter(
        action=action,
        honeypot=honeypot,
        privacy=Link(privacy),
        heading=parser.value(raw, "heading", name, "text", required=False) or "Stay connected",
        text=parser.value(raw, "text", name, "text", required=False)
        or "Helpful tips on portraits and headshots, about once a month. No spam, ever.",
    )


def newsletter(studio: Any) -> Newsletter | None:
    """The newsletter of a ``STUDIO`` dict by the same rules, without reporting mistakes: for
    the tooling that reads a settings file outside a build (the security headers), where an
    invalid or missing newsletter simply means no signup form."""
    raw = studio.get("newsletter") if isinstance(studio, dict) else None
    return _newsletter(_Parser(quiet=True), raw)


def _photo(
    parser: _Parser, raw: Any, name: str, alt: Any, alt_name: str, content: str | None
) -> Photo | None:
    """A settings photo: a content-relative image path that exists, and its alt text."""
    if raw in (None, ""):
        return None
    path = parser.check(raw, name, "image")
    alt = parser.check(alt, alt_name, "text") if alt not in (None, "") else None
    if alt is None:
        parser.error(alt_name, "is missing.", "describe the photo for people who cannot see it.")
    if path and content and not os.path.isfile(os.path.join(content, path)):
        parser.error(
            name,
            f"is {path!r}, which names no file in the content folder ({content}).",
            f"put the photo at content/{path}, correct the path (it starts inside content/, "
            f'like "images/portfolio/mei.jpg"), or leave {name} out.',
        )
        return None
    return Photo(path, alt) if path and alt else None


def _studio(parser: _Parser, raw: Any, content: str | None = None) -> Studio | None:
    if raw is None:
        parser.error(
            "STUDIO",
            "is missing from the settings.",
            "define the STUDIO dict in pelicanconf.py (see the README's settings reference).",
        )
        return None
    raw = parser.group(raw, "STUDIO")
    if raw is None:
        return None
    parser.typos(raw, STUDIO_KEYS, "STUDIO")
    contact = parser.group(raw.get("contact") or {}, 'STUDIO["contact"]', required=False) or {}
    phone = parser.value(contact, "phone", 'STUDIO["contact"]', "phone", required=False)
    email = parser.value(contact, "email", 'STUDIO["contact"]', "email", required=False)
    address = parser.group(raw.get("address"), 'STUDIO["address"]', required=False)
    if address is not None:
        fields = [parser.value(address, key, 'STUDIO["address"]', "text") for key in ADDRESS_KEYS]
        address = Address(*fields) if all(fields) else None
    hours = []
    for index, item in enumerate(parser.items(raw.get("opening_hours"), 'STUDIO["opening_hours"]')):
        name = f'STUDIO["opening_hours"][{index}]'
        if parser.group(item, name) is None:
            continue
        days_name = f'{name}["days"]'
        days = parser.items(item.get("days"), days_name)
        if not days:
            parser.error(days_name, "is missing.", f'add "days" to {name} in pelicanconf.py.')
        days = [parser.check(day, f"{days_name}[{i}]", "day") for i, day in enumerate(days)]
        kinds = (("label", "text"), ("opens", "time"), ("closes", "time"))
        values = [parser.value(item, key, name, kind) for key, kind in kinds]
        if all(values) and days and all(days):
            hours.append(OpeningHours(values[0], tuple(days), values[1], values[2]))
    social = []
    for index, item in enumerate(parser.items(raw.get("social"), 'STUDIO["social"]')):
        name = f'STUDIO["social"][{index}]'
        if parser.group(item, name) is None:
            continue
        label = parser.value(item, "name", name, "text")
        url = parser.value(item, "url", name, "absolute_url")
        if label and url:
            social.append(Profile(label, Link(url)))
    services = []
    for index, item in enumerate(parser.items(raw.get("services"), 'STUDIO["services"]')):
        name = f'STUDIO["services"][{index}]'
        if parser.group(item, name) is None:
            continue
        label = parser.value(item, "name", name, "text")
        text = parser.value(item, "text", name, "text")
        if label and text:
            services.append(Service(label, text))
    return Studio(
        name=parser.value(raw, "name", "STUDIO", "text") or "",
        tagline=parser.value(raw, "tagline", "STUDIO", "text") or "",
        promise=parser.value(raw, "promise", "STUDIO", "text", required=False),
        url=parser.value(raw, "url", "STUDIO", "absolute_url") or "",
        consultation=_consultation(parser, raw.get("consultation")),
        newsletter=_newsletter(parser, raw.get("newsletter")),
        phone=Phone(phone) if phone else None,
        email=Email(email) if email else None,
        address=address,
        opening_hours=tuple(hours),
        social=tuple(social),
        services=tuple(services),
        hero=_hero(parser, raw.get("hero"), content),
        image=_photo(
            parser,
            raw.get("image"),
            'STUDIO["image"]',
            raw.get("image_alt"),
            'STUDIO["image_alt"]',
            content,
        ),
        portfolio=_portfolio(parser, raw.get("portfolio")),
    )


def _portfolio(parser: _Parser, raw: Any) -> Portfolio | None:
    """The portfolio strip: off when left out; ``url`` is a page of this site."""
    name = 'STUDIO["portfolio"]'
    raw = parser.group(raw, name, required=False)
    if not raw:
        return None
    parser.typos(raw, ("url", "photos"), name)
    url = parser.value(raw, "url", name, "url")
    if url and not url.startswith("/"):
        parser.error(
            f'{name}["url"]',
            f"is {url!r}, which is not a page of this site.",
            'write the Portfolio page\'s address, like "/portfolio/".',
        )
        return None
    photos = raw.get("photos", 4)
    photos = parser.number(photos, f'{name}["photos"]', 1, int, "a small number, such as 4.")
    return Portfolio(Link(url), photos) if url and photos else None


def _hero(parser: _Parser, raw: Any, content: str | None) -> Photo | None:
    name = 'STUDIO["hero"]'
    raw = parser.group(raw, name, required=False)
    if not raw:
        return None
    parser.typos(raw, ("image", "alt"), name)
    if not raw.get("image"):
        parser.error(f'{name}["image"]', "is missing.", RULES["image"].fix)
        return None
    image, alt = f'{name}["image"]', f'{name}["alt"]'
    return _photo(parser, raw["image"], image, raw.get("alt"), alt, content)


def _menu(parser: _Parser, raw: Any) -> tuple[MenuItem, ...]:
    menu = []
    for index, item in enumerate(parser.items(raw, "MENU_ITEMS")):
        pair = isinstance(item, list | tuple) and len(item) == 2
        title, link = item if pair else (None, None)
        if not safe_url(link):
            problem = f"has the link {link!r}, which is not a safe link."
            parser.error(f"MENU_ITEMS[{index}]", problem, RULES["url"].fix)
        elif not isinstance(title, str) or not title.strip():
            parser.error(f"MENU_ITEMS[{index}]", "has no title.", 'write ("Title", "/path/").')
        else:
            menu.append(MenuItem(title, Link(link)))
    return tuple(menu)


def _siteurl(parser: _Parser, settings: dict, publishing: bool) -> str:
    siteurl = settings.get("SITEURL", "") or ""
    if siteurl and not RULES["absolute_url"].check(siteurl):
        parser.error(
            "SITEURL",
            f"is {siteurl!r}, which is not an http(s) address.",
            'set it to the site\'s address, like "https://kpstudios.example" or '
            '"https://user.github.io/site" (no slash at the end).',
        )
    elif siteurl.endswith("/"):
        parser.error("SITEURL", f"is {siteurl!r}: it ends with a slash.", "remove the final '/'.")
    elif publishing and not siteurl:
        parser.error(
            "SITEURL",
            "is missing in a publish build, so feeds, canonical and share links would be wrong.",
            "set PUBLISH_SITEURL in publishconf.py or export SITEURL=https://your-domain.",
        )
    return siteurl


def _kp_studio(
    parser: _Parser, settings: dict, consultation, images: ImageSettings
) -> StudioSettings:
    raw = settings.get("KP_STUDIO") or {}
    options = dict(KP_STUDIO_DEFAULTS)
    if not isinstance(raw, dict):
        parser.error("KP_STUDIO", "must be a dict.", "Write KP_STUDIO = {...} or remove it.")
        raw = {}
    for key, value in raw.items():
        name = f'KP_STUDIO["{key}"]'
        if key not in KP_STUDIO_DEFAULTS:
            parser.error(name, "is not a known option.", "Use: " + ", ".join(KP_STUDIO_DEFAULTS))
        elif key == "diff_threshold":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 254:
                parser.error(
                    name,
                    f"must be a whole number from 1 to 254, not {value!r}.",
                    "The default, 24, ignores JPEG noise.",
                )
            else:
                options[key] = value
        elif key == "diff_blur":
            value = parser.number(value, name, 0, float, "The default is 1.5.")
            options[key] = options[key] if value is None else value
        elif key == "diff_max_size":
            value = parser.number(value, name, 16, int, "The default is 1600.")
            options[key] = options[key] if value is None else value
        elif key == "cache_dir":
            value = os.fspath(value) if isinstance(value, os.PathLike) else value
            options[key] = parser.check(value, name, "path") or options[key]
    if not options["cache_dir"]:
        options["cache_dir"] = os.path.join(settings.get("CACHE_PATH") or "cache", "kp_studio")
    options["cache_dir"] = os.path.abspath(options["cache_dir"])
    return StudioSettings(consultation=consultation, max_pixels=images.max_pixels, **options)


def _optional_number(parser: _Parser, settings: dict, key: str, default: int, fix: str) -> int:
    if key not in settings:
        return default
    value = parser.number(settings[key], key, 1, int, fix)
    return default if value is None else value


def _active_files(parser: _Parser, settings: dict) -> frozenset[str]:
    value = settings.get("KP_VALIDATE_ACTIVE_FILES") or []
    if isinstance(value, list | tuple | set) and all(isinstance(item, str) for item in value):
        return frozenset(os.path.normpath(item.strip().lstrip("/")) for item in value)
    parser.error(
        "KP_VALIDATE_ACTIVE_FILES",
        f"must be a list of paths in the content folder, not {value!r}.",
        'write e.g. KP_VALIDATE_ACTIVE_FILES = ["extra/google1234.html"] in pelicanconf.py.',
    )
    return frozenset()


def _kp_images(parser: _Parser, settings: dict) -> ImageSettings:
    """``KP_IMAGES`` over ``KP_IMAGES_DEFAULTS``; a bad key is named and its default kept."""
    raw = parser.group(settings.get("KP_IMAGES") or {}, "KP_IMAGES") or {}
    for key in raw:
        if key not in KP_IMAGES_DEFAULTS:
            close = difflib.get_close_matches(str(key), KP_IMAGES_DEFAULTS, n=1, cutoff=0.8)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            parser.error(
                f'KP_IMAGES["{key}"]',
                "is not a setting of kp_images.",
                f"{hint}use one of {', '.join(KP_IMAGES_DEFAULTS)}.",
            )
    given = {key: value for key, value in raw.items() if key in KP_IMAGES_DEFAULTS}
    values = {**KP_IMAGES_DEFAULTS, **given}

    def name(key: str) -> str:
        return f'KP_IMAGES["{key}"]'

    def whole(key: str, low: int, high: int) -> int:
        default = KP_IMAGES_DEFAULTS[key]
        fix = f"the default is {default}." if default is not None else "or leave it out."
        number = parser.number(values[key], name(key), low, int, fix, high)
        return default if number is None else number

    def text(key: str, kind: str) -> str | None:
        value = values[key]
        if value is None:
            return None
        value = os.fspath(value) if isinstance(value, os.PathLike) else value
        return parser.check(value, name(key), kind)

    max_edge = whole("max_edge", 64, 8192)
    widths = values["widths"]
    if (
        not isinstance(widths, list | tuple)
        or not widths
        or not all(
            isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= max_edge for w in widths
        )
    ):
        parser.error(
            name("widths"),
            f"is {widths!r}; it must list widths in pixels from 16 to max_edge ({max_edge}).",
            "write for example [360, 720, 1080, 1440].",
        )
        widths = KP_IMAGES_DEFAULTS["widths"]
    formats = tuple(values["formats"]) if isinstance(values["formats"], list | tuple) else ()
    if "jpeg" not in formats or not set(formats) <= set(IMAGE_FORMATS):
        parser.error(
            name("formats"),
            f"is {values['formats']!r}; it must include 'jpeg' (every browser and link "
            "preview reads it) and only 'avif', 'webp' and 'jpeg'.",
            "write for example ['avif', 'webp', 'jpeg'].",
        )
        formats = IMAGE_FORMATS
    quality = values["quality"]
    if not isinstance(quality, dict):
        parser.error(name("quality"), f"is {quality!r}, not a dict.", 'write {"avif": 55, ...}.')
        quality = {}
    for fmt in sorted(set(quality) - set(IMAGE_FORMATS), key=str):
        parser.error(f'{name("quality")}["{fmt}"]', "is not a format we encode.", "remove it.")
    qualities = []
    for fmt in IMAGE_FORMATS:
        default = KP_IMAGES_DEFAULTS["quality"][fmt]
        label = f'{name("quality")}["{fmt}"]'
        value = parser.number(quality.get(fmt, default), label, 1, int, f"e.g. {default}.", 100)
        qualities.append((fmt, default if value is None else value))
    keep = values["keep"]
    listed = isinstance(keep, list | tuple | set | frozenset)
    if not listed or not set(keep) <= set(IMAGE_KEEPABLE):
        unknown = sorted(set(keep) - set(IMAGE_KEEPABLE), key=str) if listed else keep
        parser.error(
            name("keep"),
            f"has {unknown!r}, which is not metadata a published image may keep.",
            "list only: " + "; ".join(f"'{k}' ({v})" for k, v in IMAGE_KEEPABLE.items()) + ".",
        )
        keep = KP_IMAGES_DEFAULTS["keep"]
    sizes = values["sizes"]
    sizes = parser.check(sizes, name("sizes"), "text") or KP_IMAGES_DEFAULTS["sizes"]
    output_dir = text("output_dir", "output_folder") or KP_IMAGES_DEFAULTS["output_dir"]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = (values["workers"] is not None and whole("workers", 1, 256)) or cores or 1
    return ImageSettings(
        widths=tuple(sorted(set(widths))),
        sizes=sizes,
        cache_dir=text("cache_dir", "path"),
        output_dir=output_dir.strip("/ "),
        formats=formats,
        quality=tuple(qualities),
        avif_speed=whole("avif_speed", 0, 10),
        fallback_width=whole("fallback_width", 16, 8192),
        max_edge=max_edge,
        max_pixels=whole("max_pixels", 1_000_000, 1_000_000_000),
        keep=frozenset(keep),
        copyright=text("copyright", "text"),
        license=text("license", "url"),
        acquire_license_page=text("acquire_license_page", "url"),
        workers=workers,
    )


def _redirects_file(parser: _Parser, settings: dict) -> str:
    """``KP_REDIRECTS_FILE``: a file inside the content folder (the default if it is not)."""
    value = settings.get("KP_REDIRECTS_FILE", REDIRECTS_FILE)
    value = os.fspath(value) if isinstance(value, os.PathLike) else value
    return parser.check(value, "KP_REDIRECTS_FILE", "content_file") or REDIRECTS_FILE


def parse(settings: dict) -> SiteSettings:
    """Parse and check every setting of ours; mistakes are logged as author errors."""
    parser = _Parser()
    publishing = bool(settings.get("KP_PUBLISH", bool(settings.get("FEED_ALL_ATOM"))))
    studio = _studio(parser, settings.get("STUDIO"), settings.get("PATH"))
    consultation = studio.consultation if studio else None
    search_fix = f"set it to a whole number of pages, at least 1 (default {PAGES_PER_BUNDLE})."
    pages = settings.get("KP_SEARCH_PAGES_PER_BUNDLE", PAGES_PER_BUNDLE)
    pages = parser.number(pages, "KP_SEARCH_PAGES_PER_BUNDLE", 1, int, search_fix)
    seo = settings.get("KP_SEO") or {}
    seo_pages = seo.get("studio_pages", SEO_STUDIO_PAGES) if isinstance(seo, dict) else ()
    images = _kp_images(parser, settings)
    return SiteSettings(
        studio=studio,
        menu=_menu(parser, settings.get("MENU_ITEMS")),
        kp_studio=_kp_studio(parser, settings, consultation, images),
        siteurl=_siteurl(parser, settings, publishing),
        publishing=publishing,
        search_pages_per_bundle=pages,
        reading_wpm=_optional_number(parser, settings, "KP_READING_WPM", READING_WPM, "about 230."),
        related_max=_optional_number(parser, settings, "KP_RELATED_MAX", RELATED_MAX, "e.g. 3."),
        seo_studio_pages=tuple(seo_pages),
        images=images,
        redirects_file=_redirects_file(parser, settings),
        search_background=bool(settings.get("KP_SEARCH_BACKGROUND", False)),
        active_files=_active_files(parser, settings),
        problems=parser.problems,
    )


def site_settings(settings: dict) -> SiteSettings:
    """The parsed settings; parsed (and mistakes reported) once per Pelican settings dict."""
    parsed = settings.get(_PARSED_KEY)
    if parsed is None:
        parsed = parse(settings)
        settings[_PARSED_KEY] = parsed
    return parsed


def studio_settings(settings: dict) -> StudioSettings:
    """The blocks' options (``KP_STUDIO``) and the call to action they render."""
    return site_settings(settings).kp_studio
