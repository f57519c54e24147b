"""schema.org JSON-LD for posts, the studio and breadcrumbs, as plain dicts.

Python builds the data; ``partials/seo.html`` puts each block in a
``<script type="application/ld+json">`` (a data block: browsers never execute it, so the
``script-src 'self'`` CSP holds). :func:`dumps_for_script` escapes ``<``, ``>``, ``&`` and
``'`` so a title containing ``</script>`` cannot end the element early.

Field choice follows Google's structured-data docs: ``LocalBusiness`` (we use its subtype
``ProfessionalService``) requires ``name`` and ``address``; ``Article``/``BlogPosting`` has only
recommended fields, which we all fill (``headline``, ``image``, ``datePublished``,
``dateModified``, ``author``); ``BreadcrumbList`` needs ``itemListElement`` with ``position``,
``name`` and ``item``. Unlike pelican-seo (its issue #60), a post without an author does not
crash: the studio itself is named as the author.
"""

from __future__ import annotations

import json
from datetime import datetime

CONTEXT = "https://schema.org"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def dumps_for_script(data: dict) -> str:
    """JSON that is safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text


def _iso(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if value else None


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def organisation(studio: dict, site_url: str) -> dict:
    return _drop_empty(
        {
            "@type": "Organization",
            "@id": f"{site_url}/#organization",
            "name": studio.get("name"),
            "url": f"{site_url}/",
            "logo": _absolute(studio.get("logo"), site_url),
        }
    )


def postal_address(address: dict) -> dict:
    return _drop_empty(
        {
            "@type": "PostalAddress",
            "streetAddress": address.get("street") or address.get("streetAddress"),
            "addressLocality": address.get("locality") or address.get("city"),
            "addressRegion": address.get("region") or address.get("state"),
            "postalCode": address.get("postal_code") or address.get("postalCode"),
            "addressCountry": address.get("country") or address.get("addressCountry"),
        }
    )


def opening_hours(hours: list) -> list[dict]:
    """``[{"days": ["Monday", ...], "opens": "09:00", "closes": "17:00"}, ...]`` to schema.org."""
    result = []
    for entry in hours or []:
        days = entry.get("days") or entry.get("dayOfWeek") or []
        if isinstance(days, str):
            days = [days]
        result.append(
            _drop_empty(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": [d for d in days if d in DAYS] or list(days),
                    "opens": entry.get("opens"),
                    "closes": entry.get("closes"),
                }
            )
        )
    return result


def professional_service(
    studio: dict,
    site_url: str,
    offers: list[dict] | None = None,
    rating: dict | None = None,
) -> dict:
    """The studio; ``offers`` (its packages) and ``rating`` (only from real ratings) come
    from kp_studio's data files (``kp_studio.studio_data.offers``/``aggregate_rating``)."""
    contact = studio.get("contact", {})
    consultation = studio.get("consultation", {})
    return _drop_empty(
        {
            "@context": CONTEXT,
            "@type": "ProfessionalService",
            "@id": f"{site_url}/#studio",
            "name": studio.get("name"),
            "description": studio.get("tagline"),
            "url": f"{site_url}/",
            "image": _absolute(studio.get("image") or studio.get("logo"), site_url),
            "telephone": contact.get("phone") or consultation.get("phone"),
            "email": contact.get("email") or consultation.get("email"),
            "address": postal_address(studio.get("address", {})),
            "openingHoursSpecification": opening_hours(studio.get("opening_hours", [])),
            "sameAs": [s["url"] for s in studio.get("social", []) if s.get("url")],
            "priceRange": studio.get("price_range"),
            "makesOffer": offers,
            "aggregateRating": rating,
        }
    )


def blog_posting(
    article, headline: str, studio: dict, site_url: str, canonical: str, image: str | None
) -> dict:
    # A post "by" the studio (or by nobody) is credited to the organisation, not a Person.
    authors = [
        a
        for a in getattr(article, "authors", None) or []
        if str(a).strip() and str(a) != studio.get("name")
    ]
    if authors:
        author = [
            _drop_empty({"@type": "Person", "name": str(a), "url": f"{site_url}/{a.url}"})
            for a in authors
        ]
    else:
        author = organisation(studio, site_url)
    published = _iso(getattr(article, "date", None))
    return _drop_empty(
        {
            "@context": CONTEXT,
            "@type": "BlogPosting",
            "headline": headline[:110],
            "description": None,  # filled by the caller from the plain-text summary
            "image": [image] if image else None,
            "datePublished": published,
            "dateModified": _iso(getattr(article, "modified", None)) or published,
            "author": author,
            "publisher": organisation(studio, site_url),
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "url": canonical,
            "keywords": [str(t) for t in getattr(article, "tags", None) or []],
            "articleSection": str(article.category) if getattr(article, "category", None) else None,
        }
    )


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """``trail`` is ``[(name, absolute_url), ...]`` from the home page down to this page."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": url}
            for number, (name, url) in enumerate(trail, 1)
        ],
    }


def _absolute(path: str | None, site_url: str) -> str | None:
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    return f"{site_url}/{path.lstrip('/')}"
