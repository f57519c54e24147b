"""Testimonials and session packages, each kept in one YAML file in ``content/data/``.

::

    # content/data/testimonials.yaml
    testimonials:
      - quote: The session felt like a conversation, not a photo shoot.
        name: Jordan Example
        role: Architect
        photo: images/portfolio/mei.jpg   # optional, a file in content/
        rating: 5                         # optional, 1-5

    # content/data/packages.yaml
    currency: USD
    packages:
      - name: Essential headshot
        price: 195
        included: [30-minute session, 2 retouched images]
        turnaround: Retouched images within 5 working days

The files are read once per build (on Pelican's ``initialized`` signal), validated with
``file:line`` errors, and handed to templates as ``TESTIMONIALS`` (a list) and
``PACKAGES`` (``{"currency", "items"}``); the ``/// testimonials`` and ``/// packages``
blocks (``data_blocks.py``) render them inside a page. ``content/data`` is in no
``*_PATHS`` setting, so Pelican neither reads it as content nor publishes it.

:func:`offers` and :func:`aggregate_rating` are the schema.org pieces of the studio's
JSON-LD; the rating exists only when at least one testimonial has a real ``rating``.
"""

from __future__ import annotations

import difflib
import os
import re
from typing import Any

from kp_common.errors import AuthorError, report

from . import datafile, imagefile
from .blocks import content_path
from .render import typography

TESTIMONIALS_FILE = "data/testimonials.yaml"
PACKAGES_FILE = "data/packages.yaml"
_LOADED_KEY = "_KP_STUDIO_DATA_LOADED"

TESTIMONIAL_FIELDS = {"quote": True, "name": True, "role": True, "photo": False, "rating": False}
REQUIRED_TEXT = ("quote", "name", "role")
PACKAGE_FIELDS = {"name": True, "price": True, "included": True, "turnaround": True}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


class _Problems:
    """Collects the errors of one data file, with its path, for one report each."""

    def __init__(self, path: str):
        self.path = path
        self.count = 0

    def add(self, line: int | None, problem: str, fix: str) -> None:
        report(self.path, line, problem, fix)
        self.count += 1


def load_studio_data(pelican) -> None:
    """``initialized`` handler: put TESTIMONIALS and PACKAGES in the settings (and context)."""
    settings = pelican.settings
    if settings.get(_LOADED_KEY):
        return
    content_dir = settings["PATH"]
    settings["TESTIMONIALS"] = load_testimonials(content_dir, settings)
    settings["PACKAGES"] = load_packages(content_dir, settings)
    settings[_LOADED_KEY] = True


def _read(content_dir: str, relative: str, key: str, problems: _Problems):
    """(the file's data, the list under ``key``); None for a missing file or after an error."""
    path = os.path.join(content_dir, relative)
    if not os.path.isfile(path):
        return None, None
    try:
        data = datafile.load(path)
    except AuthorError as error:
        problems.add(error.line, f"{relative} {error.problem}", error.fix)
        return None, None
    if not isinstance(data, dict) or key not in data:
        problems.add(
            1,
            f"{relative} must start with '{key}:' followed by a list of entries.",
            f"Write '{key}:' on the first line and each entry below it, starting with '- '.",
        )
        return None, None
    entries = data[key]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.add(
            data.line_of(key),
            f"'{key}' must be a list of entries, each with 'name: value' lines.",
            "Start each entry with '- ' and indent its lines by two more spaces.",
        )
        return data, None
    return data, entries


def _check_fields(entry: datafile.Located, fields: dict[str, bool], kind: str, problems) -> bool:
    valid = True
    for key in entry:
        if key not in fields:
            close = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            problems.add(
                entry.line_of(str(key)),
                f"'{key}' is not a field of a {kind}.",
                f"{hint}Known fields: {', '.join(fields)}.",
            )
            valid = False
    for key, required in fields.items():
        if required and key not in entry:
            problems.add(
                entry.line,
                f"This {kind} has no '{key}'.",
                f"Add a '{key}:' line to the entry.",
            )
            valid = False
    return valid


def _text(entry: datafile.Located, key: str, kind: str, problems) -> str | None:
    value = entry.get(key)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        value = str(value).strip()
        if value:
            return value
    problems.add(
        entry.line_of(key),
        f"The '{key}' of this {kind} is empty or not text.",
        f"Write the {key} after 'key:', in double quotes if it contains ':' or '#'.",
    )
    return None


def load_testimonials(content_dir: str, settings: dict) -> list[dict[str, Any]]:
    path = os.path.join(content_dir, TESTIMONIALS_FILE)
    problems = _Problems(path)
    _data, entries = _read(content_dir, TESTIMONIALS_FILE, "testimonials", problems)
    result = []
    for entry in entries or []:
        if not _check_fields(entry, TESTIMONIAL_FIELDS, "testimonial", problems):
            continue
        before = problems.count
        quote, name, role = (_text(entry, k, "testimonial", problems) for k in REQUIRED_TEXT)
        rating = entry.get("rating")
        if "rating" in entry and (
            isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
        ):
            problems.add(
                entry.line_of("rating"),
                f"The rating {rating!r} is not a whole number from 1 to 5.",
                "Write the client's rating as 1, 2, 3, 4 or 5, or remove the line.",
            )
        photo = None
        if entry.get("photo") is not None:
            photo = _photo(content_dir, entry, problems, settings)
        if problems.count > before:
            continue
        result.append(
            {
                "quote": typography(quote, settings),
                "name": name,
                "role": typography(role, settings),
                "photo": photo,
                "rating": rating,
                "line": entry.line,
            }
        )
    return result


# The photo is shown 3.5rem (56 CSS px) wide: derivatives for 1x, 2x and 3x screens,
# never the original (a camera file would be 10 MB for a 56 px circle).
AVATAR_WIDTHS = (56, 112, 168)
AVATAR_SIZES = "3.5rem"


def _photo(content_dir: str, entry, problems, settings) -> dict[str, Any] | None:
    """The client's photo as small kp_images derivatives (``picture``); without kp_images,
    the original file with its size."""
    line = entry.line_of("photo")
    try:
        relative = content_path(entry["photo"])
        path = imagefile.resolve(content_dir, relative)
        picture = imagefile.web_image(
            settings,
            path,
            relative,
            "",
            used_by=(problems.path, line),
            sizes=AVATAR_SIZES,
            widths=AVATAR_WIDTHS,
            css_class="testimonial__photo",
            decorative=True,
        )
        if picture is None:
            width, height = imagefile.displayed_size(path, relative)
    except AuthorError as error:
        problems.add(line, f"The testimonial's photo: {error.problem}", error.fix)
        return None
    if picture is not None:
        return {"path": relative, "picture": picture}
    return {
        "path": relative,
        "src": f"{settings.get('SITEURL', '')}/{relative}",
        "width": width,
        "height": height,
    }


def _price(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d{1,2})?\s*", value):
        value = float(value)
    if isinstance(value, int | float) and value > 0:
        return int(value) if float(value).is_integer() else round(float(value), 2)
    return None


def load_packages(content_dir: str, settings: dict) -> dict[str, Any]:
    path = os.path.join(content_dir, PACKAGES_FILE)
    problems = _Problems(path)
    data, entries = _read(content_dir, PACKAGES_FILE, "packages", problems)
    currency = "USD"
    if data is not None:
        currency = data.get("currency", "USD")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            problems.add(
                data.line_of("currency"),
                f"The currency {currency!r} is not a three-letter ISO 4217 code.",
                "Write it as 'currency: USD' (or EUR, GBP, ...).",
            )
            currency = "USD"
    items = []
    for entry in entries or []:
        if not _check_fields(entry, PACKAGE_FIELDS, "package", problems):
            continue
        before = problems.count
        name = _text(entry, "name", "package", problems)
        turnaround = _text(entry, "turnaround", "package", problems)
        price = _price(entry.get("price"))
        if price is None:
            problems.add(
                entry.line_of("price"),
                f"The price {entry.get('price')!r} is not an amount greater than zero.",
                "Write the number only, without the currency sign: 'price: 195'.",
            )
        included = entry.get("included")
        if (
            not isinstance(included, list)
            or not included
            or not all(isinstance(i, str) and i.strip() for i in included)
        ):
            problems.add(
                entry.line_of("included"),
                "'included' must be a list of what the package includes.",
                "Write one item per line under 'included:', each starting with '- '.",
            )
        if problems.count > before:
            continue
        items.append(
            {
                "name": typography(name, settings),
                "price": price,
                "price_text": price_text(price, currency),
                "included": [typography(i.strip(), settings) for i in included],
                "turnaround": typography(turnaround, settings),
                "line": entry.line,
            }
        )
    return {"currency": currency, "items": items}


def price_text(price: float | int, currency: str) -> str:
    amount = f"{price:,}" if isinstance(price, int) else f"{price:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


# -- schema.org ---------------------------------------------------------------------------


def offers(packages: dict[str, Any] | None, page_url: str) -> list[dict[str, Any]]:
    """One schema.org ``Offer`` per package (``makesOffer`` of the studio)."""
    if not packages:
        return []
    return [
        {
            "@type": "Offer",
            "name": item["name"],
            "price": str(item["price"]),
            "priceCurrency": packages["currency"],
            "url": page_url,
            "itemOffered": {
                "@type": "Service",
                "name": item["name"],
                "description": "; ".join(item["included"]) + f". {item['turnaround']}.",
            },
        }
        for item in packages.get("items", [])
    ]


def aggregate_rating(testimonials: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The average of the ratings clients gave; None unless at least one rating exists."""
    ratings = [t["rating"] for t in testimonials or [] if t.get("rating") is not None]
    if not ratings:
        return None
    return {
        "@type": "AggregateRating",
        "ratingValue": f"{sum(ratings) / len(ratings):.1f}",
        "ratingCount": len(ratings),
        "bestRating": 5,
        "worstRating": 1,
    }
