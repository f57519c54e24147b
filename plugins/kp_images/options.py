"""What kp_images reads from the settings layer: ``KP_IMAGES`` and who the studio is.

``KP_IMAGES`` is parsed and checked once, with the other settings, by
``kp_common.settings`` (``ImageSettings``, its defaults in ``KP_IMAGES_DEFAULTS``); this
module only names the two views the pipeline needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from kp_common.settings import ImageSettings, site_settings
from kp_common.urls import site_url


def image_options(settings: dict) -> ImageSettings:
    """``KP_IMAGES`` over its defaults, every key checked (by the settings layer)."""
    return site_settings(settings).images


@dataclass(frozen=True)
class StudioRights:
    """What the studio's images say about who made and owns them, from ``STUDIO``."""

    name: str
    url: str
    consultation: str


def studio_rights(settings: dict) -> StudioRights:
    """Who the studio is, for its images, from the settings layer (``kp_common.settings``)."""
    parsed = site_settings(settings)
    studio = parsed.studio
    name = (studio.name if studio else "") or str(settings.get("SITENAME") or "").strip()
    url = ((studio.url if studio else "") or parsed.siteurl).rstrip("/")
    booking = studio.consultation.url if studio and studio.consultation else ""
    return StudioRights(name=name, url=url, consultation=site_url(url, booking) if booking else "")
