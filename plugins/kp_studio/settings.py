"""The studio plugin's settings, read and validated in one place.

Two settings feed the plugin:

* ``STUDIO["consultation"]``: the call to action (URL, label, headline, text, session
  length, optional phone and email). It is shared with the theme, which reads other parts
  of ``STUDIO`` directly.
* ``KP_STUDIO``: options of the plugin itself (diff threshold, blur, cache directory).

A missing or malformed value is reported as an author error naming the setting, and the
build goes on with a safe fallback so that every other error is reported too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from kp_common.errors import report

# Where the parsed settings are kept inside Pelican's settings dict, so that every signal
# handler sees the same object and each settings error is reported once.
_RESOLVED_KEY = "_KP_STUDIO_RESOLVED"


CONSULTATION_REQUIRED = ("url", "label", "headline", "text", "session_length")
CONSULTATION_OPTIONAL = ("phone", "email")

PLUGIN_DEFAULTS: dict[str, Any] = {
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


@dataclass(frozen=True)
class Consultation:
    url: str
    label: str
    headline: str
    text: str
    session_length: str
    phone: str | None = None
    email: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "label": self.label,
            "headline": self.headline,
            "text": self.text,
            "session_length": self.session_length,
            "phone": self.phone,
            "phone_href": tel_href(self.phone) if self.phone else None,
            "email": self.email,
            "email_href": f"mailto:{self.email}" if self.email else None,
        }


@dataclass(frozen=True)
class StudioSettings:
    consultation: Consultation | None
    diff_threshold: int
    diff_blur: float
    diff_max_size: int
    cache_dir: str


def tel_href(phone: str) -> str:
    """``+1 (555) 010-0199`` -> ``tel:+15550100199``."""
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def studio_settings(settings: dict) -> StudioSettings:
    """The validated settings; parsed (and errors reported) once per Pelican settings."""
    resolved = settings.get(_RESOLVED_KEY)
    if resolved is None:
        resolved = parse(settings)
        settings[_RESOLVED_KEY] = resolved
    return resolved


def _setting_error(name: str, problem: str, fix: str) -> None:
    report(None, None, f"{name} {problem}", fix)


def parse(settings: dict) -> StudioSettings:
    return StudioSettings(
        consultation=_parse_consultation(settings.get("STUDIO")),
        **_parse_plugin_options(settings),
    )


def _parse_consultation(studio: Any) -> Consultation | None:
    if not isinstance(studio, dict):
        _setting_error(
            "STUDIO",
            "is missing or is not a dict.",
            'Define STUDIO = {"name": ..., "consultation": {...}} in pelicanconf.py.',
        )
        return None
    raw = studio.get("consultation")
    if not isinstance(raw, dict):
        _setting_error(
            'STUDIO["consultation"]',
            "is missing or is not a dict.",
            'Add "consultation": {"url": "/book-a-consultation/", "label": ..., '
            '"headline": ..., "text": ..., "session_length": ...} to STUDIO.',
        )
        return None
    valid = True
    values: dict[str, str | None] = {}
    for key in CONSULTATION_REQUIRED + CONSULTATION_OPTIONAL:
        name = f'STUDIO["consultation"]["{key}"]'
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if key in CONSULTATION_REQUIRED:
                _setting_error(name, "is missing or empty.", "Set it to a non-empty string.")
                valid = False
            values[key] = None
            continue
        if not isinstance(value, str):
            _setting_error(name, f"must be a string, not {type(value).__name__}.", "Quote it.")
            valid = False
            continue
        values[key] = value.strip()
    unknown = sorted(set(raw) - set(CONSULTATION_REQUIRED + CONSULTATION_OPTIONAL))
    for key in unknown:
        _setting_error(
            f'STUDIO["consultation"]["{key}"]',
            "is not a known consultation setting.",
            "Use only: " + ", ".join(CONSULTATION_REQUIRED + CONSULTATION_OPTIONAL) + ".",
        )
        valid = False
    url = values.get("url")
    # kp_validate holds the one rule for URLs; imported here because it imports our errors.
    from kp_validate.settings_schema import safe_url

    if url and not safe_url(url):
        _setting_error(
            'STUDIO["consultation"]["url"]',
            f"{url!r} is not a site path or an http(s), mailto or tel URL.",
            'Use a path such as "/book-a-consultation/" or a full https:// address.',
        )
        valid = False
    email = values.get("email")
    if email and ("@" not in email or any(c in email for c in " <>\"'")):
        _setting_error(
            'STUDIO["consultation"]["email"]',
            f"{email!r} is not an email address.",
            'Write a plain address such as "hello@example.com".',
        )
        valid = False
    phone = values.get("phone")
    if phone and len(tel_href(phone)) < len("tel:") + 3:
        _setting_error(
            'STUDIO["consultation"]["phone"]',
            f"{phone!r} has no digits to dial.",
            'Write the number with its country code, such as "+1 555 010 0199".',
        )
        valid = False
    return Consultation(**values) if valid else None  # type: ignore[arg-type]


def _parse_plugin_options(settings: dict) -> dict[str, Any]:
    raw = settings.get("KP_STUDIO") or {}
    options = dict(PLUGIN_DEFAULTS)
    if not isinstance(raw, dict):
        _setting_error("KP_STUDIO", "must be a dict.", "Write KP_STUDIO = {...} or remove it.")
        raw = {}
    for key, value in raw.items():
        name = f'KP_STUDIO["{key}"]'
        if key not in PLUGIN_DEFAULTS:
            _setting_error(name, "is not a known option.", "Use: " + ", ".join(PLUGIN_DEFAULTS))
        elif key == "diff_threshold":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 254:
                _setting_error(
                    name,
                    f"must be a whole number from 1 to 254, not {value!r}.",
                    "The default, 24, ignores JPEG noise.",
                )
            else:
                options[key] = value
        elif key == "diff_blur":
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                _setting_error(
                    name, f"must be a number of pixels >= 0, not {value!r}.", "The default is 1.5."
                )
            else:
                options[key] = float(value)
        elif key == "diff_max_size":
            if isinstance(value, bool) or not isinstance(value, int) or value < 16:
                _setting_error(
                    name,
                    f"must be a whole number of pixels >= 16, not {value!r}.",
                    "The default is 1600.",
                )
            else:
                options[key] = value
        elif key == "cache_dir":
            if not isinstance(value, str | os.PathLike) or not os.fspath(value):
                _setting_error(
                    name,
                    f"must be a directory path, not {value!r}.",
                    'Use a path such as "cache/kp_studio".',
                )
            else:
                options[key] = os.fspath(value)
    if not options["cache_dir"]:
        options["cache_dir"] = os.path.join(settings.get("CACHE_PATH") or "cache", "kp_studio")
    options["cache_dir"] = os.path.abspath(options["cache_dir"])
    return options
