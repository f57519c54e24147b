"""schema.org ``ImageObject`` for each photo a page shows, so search engines credit the studio.

Google's image metadata (the "Licensable" badge in image search) reads ``contentUrl`` and
at least one of ``creator``, ``creditText``, ``copyrightNotice`` and ``license``;
``acquireLicensePage`` says where to ask. The values are the ones written into the files
themselves (``rights``): the photo's own creator and notice when it has them, else the
studio's. Data only: ``kp_seo`` puts the dicts in the page's JSON-LD.
"""

from __future__ import annotations


def _absolute(url: str, siteurl: str, base: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{base}/{url.removeprefix(siteurl).lstrip('/')}"


def image_object(images, caption: str, pipeline, base: str) -> dict:
    """The ImageObject of one ``ImageSet`` (``pipeline`` gives the site and studio)."""
    rights = images.rights
    studio = pipeline.studio
    if rights.creators:
        creator = [{"@type": "Person", "name": name} for name in rights.creators]
        creator = creator[0] if len(creator) == 1 else creator
    else:
        creator = {"@type": "Organization", "name": studio.name, "url": f"{studio.url}/"}
    license_page = pipeline.options.license
    acquire = pipeline.options.acquire_license_page or studio.consultation
    data = {
        "@context": "https://schema.org",
        "@type": "ImageObject",
        "contentUrl": _absolute(images.full, pipeline.siteurl, base),
        "width": images.full_width,
        "height": images.full_height,
        "description": images.alt,
        "caption": caption,
        "creator": creator,
        "creditText": rights.credit or ", ".join(rights.creators) or studio.name,
        "copyrightNotice": rights.copyright,
        "license": _absolute(license_page, "", base) if license_page else None,
        "acquireLicensePage": _absolute(acquire, "", base) if acquire else None,
    }
    return {key: value for key, value in data.items() if value not in (None, "")}
