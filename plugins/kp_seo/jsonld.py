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

from kp_common.settings import Address, OpeningHours, Studio

CONTEXT = "https://schema.org"


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


def organisation(name: str, site_url: str) -> dict:
    return _drop_empty(
        {
            "@type": "Organization",
            "@id": f"{site_url}/#organization",
            "name": name,
            "url": f"{site_url}/",
        }
    )


def postal_address(address: Address | None) -> dict:
    if address is None:
        return {}
    return _drop_empty(
        {
            "@type": "PostalAddress",
            "streetAddress": address.street,
            "addressLocality": address.locality,
            "addressRegion": address.region,
            "postalCode": address.postal_code,
            "addressCountry": address.country,
        }
    )


def opening_hours(hours: tuple[OpeningHours, ...]) -> list[dict]:
    """The parsed ``STUDIO["opening_hours"]`` as schema.org ``OpeningHoursSpecification``."""
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": list(entry.days),
            "opens": entry.opens,
            "closes": entry.closes,
        }
        for entry in hours
    ]


def professional_service(
    studio: Studio,
    site_url: str,
    offers: list[dict] | None = None,
    rating: dict | None = None,
    image: str | None = None,
) -> dict:
    """The studio (the parsed ``STUDIO``, ``image`` its preview photo's published URL);
    ``offers`` (its packages) and ``rating`` (only from real ratings) come from kp_studio's
    data files (``kp_studio.studio_data.offers``/``aggregate_rating``)."""
    consultation = studio.consultation
    phone = studio.phone or (consultation.phone if consultation else None)
    email = studio.email or (consultation.email if consultation else None)
    return _drop_empty(
        {
            "@context": CONTEXT,
            "@type": "ProfessionalService",
            "@id": f"{site_url}/#studio",
            "name": studio.name,
            "description": studio.tagline,
            "url": f"{site_url}/",
            "image": image,
            "telephone": phone.text if phone else None,
            "email": email.address if email else None,
            "address": postal_address(studio.address),
            "openingHoursSpecification": opening_hours(studio.opening_hours),
            "sameAs": [profile.link.href for profile in studio.social],
            "makesOffer": offers,
            "aggregateRating": rating,
        }
    )


def blog_posting(
    article, headline: str, studio_name: str, site_url: str, canonical: str, image: str | None
) -> dict:
    # A post "by" the studio (or by nobody) is credited to the organisation, not a Person.
    authors = [
        a
        for a in getattr(article, "authors", None) or []
        if str(a).strip() and str(a) != studio_name
    ]
    if authors:
        author = [
            _drop_empty({"@type": "Person", "name": str(a), "url": f"{site_url}/{a.url}"})
            for a in authors
        ]
    else:
        author = organisation(studio_name, site_url)
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
            "publisher": organisation(studio_name, site_url),
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
