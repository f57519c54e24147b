"""The shape of the ``STUDIO`` settings dict, checked when the build starts.

Templates read ``STUDIO`` directly, so a missing key would silently print nothing and a
mistyped URL would publish a broken (or dangerous) link. ``check_settings`` (on
``initialized``) reports each problem with the setting's full name, e.g.
``STUDIO["consultation"]["url"]``, and the build goes on to report every other problem.

``safe_url`` is the one rule for URLs that come from authors or settings: http(s),
mailto and tel, plus site paths starting with ``/`` where a link is expected.
Block authors use it for their own URL options.

Unknown keys are allowed (other plugins add their own parts of ``STUDIO``) unless they
look like a typo of a known key.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kp_common.errors import report

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop tabs and newlines inside URLs ("java\tscript:"), so any whitespace,
# control character or backslash makes a URL unsafe to judge: refuse it.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,}[0-9]$")
_TIME = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")
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


# --- the schema -------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    kind: str  # text, url, absolute_url, email, phone, time, day
    required: bool = True


@dataclass(frozen=True)
class Group:
    fields: dict[str, Any]
    required: bool = True


@dataclass(frozen=True)
class ListOf:
    item: Any
    required: bool = True


def text(required: bool = True) -> Field:
    return Field("text", required)


STUDIO_SCHEMA = Group(
    {
        "name": text(),
        "tagline": text(),
        "promise": text(required=False),
        "url": Field("absolute_url"),
        # Its keys are checked by their owner, kp_studio.settings (one message per mistake);
        # listed here so a misspelt "consultaton" is still caught.
        "consultation": Group({}, required=False),
        "newsletter": Group({"action": Field("absolute_url"), "honeypot": text()}, required=False),
        "contact": Group({"phone": Field("phone"), "email": Field("email")}),
        "address": Group(
            {
                "street": text(),
                "locality": text(),
                "region": text(),
                "postal_code": text(),
                "country": text(),
            }
        ),
        "opening_hours": ListOf(
            Group(
                {
                    "label": text(),
                    "days": ListOf(Field("day")),
                    "opens": Field("time"),
                    "closes": Field("time"),
                }
            ),
            required=False,
        ),
        "social": ListOf(Group({"name": text(), "url": Field("absolute_url")}), required=False),
        "services": ListOf(Group({"name": text(), "text": text()}), required=False),
    }
)

FIXES = {
    "text": "write it as text in quotes.",
    "url": 'use an https:// address, a page of this site starting with "/" '
    '(e.g. "/book-a-consultation/"), a mailto: or a tel: link.',
    "absolute_url": "use a full address starting with https://.",
    "email": 'write an e-mail address like "hello@kpstudios.example".',
    "phone": 'write the number with its country code, like "+1 503 555 0142".',
    "time": 'write the time as HH:MM on a 24-hour clock, like "09:00" or "18:30".',
    "day": f"use one of {', '.join(DAYS)}.",
}


def _valid(kind: str, value: Any) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    if kind == "url":
        return safe_url(value, allow_relative=True)
    if kind == "absolute_url":
        return safe_url(value, allow_relative=False) and value.lower().startswith("http")
    if kind == "email":
        return bool(_EMAIL.match(value))
    if kind == "phone":
        return bool(_PHONE.match(value))
    if kind == "time":
        return bool(_TIME.match(value))
    if kind == "day":
        return value in DAYS
    return True


def _problem(name: str, problem: str, fix: str) -> None:
    report(None, None, f"{name} {problem}", fix)


def validate(value: Any, schema: Any, name: str) -> None:
    """Report every problem of ``value`` against ``schema``; ``name`` is its setting name."""
    if isinstance(schema, Group):
        if not isinstance(value, dict):
            _problem(name, f"should be a dict of settings, not {value!r}.", "see pelicanconf.py.")
            return
        for key, part in schema.fields.items():
            if key not in value or value[key] is None:
                if part.required:
                    _problem(
                        f'{name}["{key}"]',
                        "is missing.",
                        f'add "{key}" to {name} in pelicanconf.py.',
                    )
                continue
            validate(value[key], part, f'{name}["{key}"]')
        for key in value:
            if key in schema.fields or not isinstance(key, str):
                continue
            close = difflib.get_close_matches(key, schema.fields, n=1, cutoff=0.8)
            if close:
                _problem(
                    f'{name}["{key}"]',
                    f'is not a setting we know; did you mean "{close[0]}"?',
                    f'rename it to "{close[0]}".',
                )
    elif isinstance(schema, ListOf):
        if not isinstance(value, (list, tuple)):
            _problem(name, f"should be a list, not {value!r}.", "write it in [square brackets].")
            return
        for index, item in enumerate(value):
            validate(item, schema.item, f"{name}[{index}]")
    elif not _valid(schema.kind, value):
        what = "is empty" if value in ("", None) else f"is {value!r}, which"
        if schema.kind in ("url", "absolute_url"):
            detail = f"{what} is not a safe link" if what != "is empty" else what
        else:
            detail = f"{what} is not a valid {schema.kind}" if what != "is empty" else what
        _problem(name, f"{detail}.", FIXES[schema.kind])


def check_settings(pelican) -> None:
    """``initialized``: STUDIO, SITEURL and the menu links."""
    settings = pelican.settings
    if "STUDIO" not in settings:
        _problem(
            "STUDIO",
            "is missing from the settings.",
            "define the STUDIO dict in pelicanconf.py (see the team brief for its keys).",
        )
    else:
        validate(settings["STUDIO"], STUDIO_SCHEMA, "STUDIO")
    siteurl = settings.get("SITEURL", "")
    publishing = settings.get("KP_PUBLISH", bool(settings.get("FEED_ALL_ATOM")))
    if siteurl and not (safe_url(siteurl, allow_relative=False) and siteurl.startswith("http")):
        _problem(
            "SITEURL",
            f"is {siteurl!r}, which is not an http(s) address.",
            'set it to the site\'s address, like "https://kpstudios.example" (no slash at '
            "the end).",
        )
    elif siteurl.endswith("/"):
        _problem("SITEURL", f"is {siteurl!r}: it ends with a slash.", "remove the final '/'.")
    elif publishing and not siteurl:
        _problem(
            "SITEURL",
            "is missing in a publish build, so feeds, canonical and share links would be wrong.",
            "set PUBLISH_SITEURL in publishconf.py or export SITEURL=https://your-domain.",
        )
    for index, item in enumerate(settings.get("MENU_ITEMS", ()) or ()):
        link = item[1] if isinstance(item, (list, tuple)) and len(item) == 2 else None
        if not safe_url(link):
            _problem(
                f"MENU_ITEMS[{index}]",
                f"has the link {link!r}, which is not a safe link.",
                FIXES["url"],
            )
