"""``KP_IMAGES`` and the studio's rights, read and checked once per Pelican run.

Every mistake is reported with the setting's name (``KP_IMAGES["max_edge"]``) and the
default is used in its place, so one build lists every problem. ``studio_rights`` is the
one place that reads ``STUDIO`` (the lead folds both into ``kp_common.settings`` later).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kp_common.errors import report
from kp_common.settings import site_settings
from kp_common.urls import site_url

# What the published files may keep of a source's metadata. Everything else (GPS,
# serial numbers, owner, software and XMP history, face regions, thumbnails, comments,
# maker notes) is never written, whatever this setting says.
KEEPABLE = {
    "copyright": "EXIF Copyright, XMP dc:rights, IPTC Copyright Notice",
    "creator": "EXIF Artist, XMP dc:creator, IPTC By-line",
    "credit": "XMP photoshop:Credit, IPTC Credit",
    "rights": "XMP xmpRights (usage terms, web statement, marked)",
    "icc": "the colour profile (without it, pixels are converted to sRGB)",
}
FORMATS = ("avif", "webp", "jpeg")

DEFAULTS = {
    "widths": (360, 720, 1080, 1440),
    # The content column is at most 720 CSS px wide; below that the image spans the viewport.
    "sizes": "(min-width: 760px) 720px, 100vw",
    "cache_dir": None,  # default: <CACHE_PATH>/kp_images
    "output_dir": "images/r",
    "formats": FORMATS,
    "quality": {"avif": 55, "webp": 75, "jpeg": 80},
    "avif_speed": 7,
    "fallback_width": 720,
    "max_edge": 2048,  # no published image is longer than this, on either side
    "max_pixels": 150_000_000,  # beyond this a file is refused as a decompression bomb
    "keep": tuple(KEEPABLE),
    "copyright": None,  # default: "© <year taken> <STUDIO name>" where a source has none
    "license": None,  # schema.org ImageObject "license": a page saying how images may be used
    "acquire_license_page": None,  # default: the consultation page (STUDIO["consultation"])
    "workers": None,  # encoding processes; default: the cores this process may use
}


@dataclass(frozen=True)
class Options:
    widths: tuple[int, ...]
    sizes: str
    cache_dir: str | None
    output_dir: str
    formats: tuple[str, ...]
    quality: dict[str, int] = field(hash=False)
    avif_speed: int
    fallback_width: int
    max_edge: int
    max_pixels: int
    keep: frozenset[str]
    copyright: str | None
    license: str | None
    acquire_license_page: str | None
    workers: int


def _problem(key: str, problem: str, fix: str) -> None:
    report(None, None, f'KP_IMAGES["{key}"] {problem}', fix)


def _whole(value, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _problem(key, f"is {value!r}, not a whole number from {low} to {high}.", "fix it.")
        return DEFAULTS[key]
    return value


def image_options(settings: dict) -> Options:
    """``KP_IMAGES`` merged over the defaults, every key checked."""
    given = settings.get("KP_IMAGES") or {}
    if not isinstance(given, dict):
        report(None, None, f"KP_IMAGES should be a dict, not {given!r}.", "see pelicanconf.py.")
        given = {}
    for key in given:
        if key not in DEFAULTS:
            _problem(key, "is not a setting of kp_images.", f"use one of {', '.join(DEFAULTS)}.")
    values = {**DEFAULTS, **{k: v for k, v in given.items() if k in DEFAULTS}}

    max_edge = _whole(values["max_edge"], "max_edge", 64, 8192)
    widths = values["widths"]
    if (
        not isinstance(widths, list | tuple)
        or not widths
        or not all(
            isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= max_edge for w in widths
        )
    ):
        _problem(
            "widths",
            f"is {widths!r}; it must list widths in pixels from 16 to max_edge ({max_edge}).",
            "write for example [360, 720, 1080, 1440].",
        )
        widths = DEFAULTS["widths"]
    formats = tuple(values["formats"]) if isinstance(values["formats"], list | tuple) else ()
    if "jpeg" not in formats or not set(formats) <= set(FORMATS):
        _problem(
            "formats",
            f"is {values['formats']!r}; it must include 'jpeg' (every browser and link "
            "preview reads it) and only 'avif', 'webp' and 'jpeg'.",
            "write for example ['avif', 'webp', 'jpeg'].",
        )
        formats = FORMATS
    quality = values["quality"] if isinstance(values["quality"], dict) else {}
    quality = {
        fmt: _whole(quality.get(fmt, DEFAULTS["quality"][fmt]), "quality", 1, 100)
        for fmt in FORMATS
    }
    keep = values["keep"]
    if not isinstance(keep, list | tuple | set | frozenset) or not set(keep) <= set(KEEPABLE):
        unknown = sorted(set(keep) - set(KEEPABLE)) if isinstance(keep, list | tuple) else keep
        _problem(
            "keep",
            f"has {unknown!r}, which is not metadata a published image may keep.",
            "list only: " + "; ".join(f"'{k}' ({v})" for k, v in KEEPABLE.items()) + ".",
        )
        keep = DEFAULTS["keep"]
    texts = {}
    for key in ("copyright", "license", "acquire_license_page", "cache_dir"):
        value = values[key]
        if value is not None and (not isinstance(value, str) or not value.strip()):
            _problem(key, f"is {value!r}; write it as text, or leave it out.", "fix it.")
            value = None
        texts[key] = value
    output_dir = values["output_dir"]
    if not isinstance(output_dir, str) or not output_dir.strip("/"):
        _problem("output_dir", f"is {output_dir!r}, not a folder name.", 'write "images/r".')
        output_dir = DEFAULTS["output_dir"]
    workers = values["workers"]
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    workers = _whole(workers, "workers", 1, 256) if values["workers"] is not None else workers
    return Options(
        widths=tuple(sorted(set(widths))),
        sizes=str(values["sizes"]),
        cache_dir=texts["cache_dir"],
        output_dir=output_dir.strip("/"),
        formats=formats,
        quality=quality,
        avif_speed=_whole(values["avif_speed"], "avif_speed", 0, 10),
        fallback_width=_whole(values["fallback_width"], "fallback_width", 16, 8192),
        max_edge=max_edge,
        max_pixels=_whole(values["max_pixels"], "max_pixels", 1_000_000, 1_000_000_000),
        keep=frozenset(keep),
        copyright=texts["copyright"],
        license=texts["license"],
        acquire_license_page=texts["acquire_license_page"],
        workers=workers,
    )


@dataclass(frozen=True)
class StudioRights:
    """What the studio's images say about who made and owns them, from ``STUDIO``."""

    name: str
    url: str
    consultation: str


def studio_rights(settings: dict) -> StudioRights:
    """Who the studio is, for its images, from the settings layer (``kp_common.settings``)."""
    studio = site_settings(settings).studio
    name = (studio.name if studio else "") or str(settings.get("SITENAME") or "").strip()
    url = ((studio.url if studio else "") or str(settings.get("SITEURL") or "")).rstrip("/")
    booking = studio.consultation.url if studio and studio.consultation else ""
    return StudioRights(name=name, url=url, consultation=site_url(url, booking) if booking else "")
