"""The home page's portfolio strip: a few photos of the Portfolio page, linking to it.

``STUDIO["portfolio"]`` names the page (``url``) and how many photos (``photos``). They are
the first photos of the first ``/// gallery`` on that page, in the gallery's order, with
the gallery's alt text (its ``gallery.yaml`` for a folder), leaving out the home page's
hero photograph so the home page does not show one photo twice. Each is a kp_images
ImageSet at the strip's sizes (lazy: the strip is below the hero). The strip lands in the
shared template context as ``PORTFOLIO_STRIP`` once the pages are rendered (the home page
is written after every generator has read its content); ``home.html`` renders it.

A ``url`` that names no page, or a page without a gallery, is a settings error naming
``STUDIO["portfolio"]["url"]``.
"""

from __future__ import annotations

from kp_common.contents import all_content
from kp_common.errors import AuthorError, report
from kp_common.settings import site_settings

from . import imagefile

# Four across the 72rem column on a desktop, two across on a phone (home.html, site.css).
STRIP_SIZES = "(min-width: 48rem) 17rem, calc(50vw - 1.5rem)"
NAME = 'STUDIO["portfolio"]["url"]'


def portfolio_strip(generator) -> None:
    studio = site_settings(generator.settings).studio
    portfolio = studio.portfolio if studio else None
    generator.context.pop("PORTFOLIO_STRIP", None)
    if portfolio is None:
        return
    wanted = portfolio.link.href.strip("/")
    pages = all_content([generator])
    page = next((p for p in pages if p.url.removesuffix("index.html").strip("/") == wanted), None)
    galleries = getattr(page, "kp_galleries", None) if page is not None else None
    if not galleries:
        where = "names no page of this site" if page is None else "is a page without a gallery"
        report(
            None,
            None,
            f"{NAME} is {portfolio.link.href!r}, which {where}.",
            "write the address of the page that shows the portfolio's '/// gallery' "
            '(like "/portfolio/"), or leave STUDIO["portfolio"] out.',
        )
        return
    hero = studio.hero.path if studio.hero else None
    photos = []
    for item in galleries[0]["items"]:
        if len(photos) == portfolio.photos:
            break
        if item["path"] == hero:
            continue
        try:
            picture = imagefile.web_image(
                generator.settings,
                imagefile.resolve(generator.path, item["path"]),
                item["path"],
                item["alt"],
                used_by=(page.source_path, None),
                sizes=STRIP_SIZES,
                css_class="strip__photo",
            )
        except AuthorError:
            continue  # the gallery itself reported it, with its line
        if picture is not None:
            photos.append(picture)
    generator.context["PORTFOLIO_STRIP"] = {
        "url": portfolio.link.href,
        "title": page.title,
        "photos": photos,
    }
