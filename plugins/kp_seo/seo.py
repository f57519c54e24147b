"""What search engines and link previews read: title, description, canonical, Open Graph,
Twitter card and JSON-LD, plus ``robots.txt`` naming the sitemap.

Templates call the Jinja global ``seo()`` (it reads the page's context: ``article``, ``page``,
``output_file``...) and hand the :class:`SeoData` to ``partials/seo.html``; no markup is built
here. Absolute URLs come from ``SITEURL`` when it is absolute, else from ``STUDIO["url"]`` (so a
local build still carries the production canonical URL).

The sitemap itself is pelican-sitemap's job (``pelican.plugins.sitemap``); this module only
writes ``robots.txt`` pointing at it. Feed discovery links are in the theme's
``partials/head_links.html``.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from bs4.builder._htmlparser import BeautifulSoupHTMLParser
from bs4.dammit import EntitySubstitution
from jinja2 import pass_context
from kp_common.pelican_compat import reset_sitemap_state
from kp_common.settings import site_settings
from markupsafe import Markup
from pelican import signals

from . import jsonld

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 160


@dataclass(frozen=True)
class SeoData:
    title: str
    heading: str  # the page's own name as plain text, e.g. the post title
    description: str
    canonical: str
    open_graph: tuple[tuple[str, str], ...] = ()
    twitter: tuple[tuple[str, str], ...] = ()
    json_ld: tuple[Markup, ...] = ()
    noindex: bool = False
    image: str = ""  # the absolute URL of the preview image (og:image), "" if none
    structured: tuple[dict, ...] = field(default=(), compare=False, repr=False)


def site_url(settings: dict) -> str:
    """The absolute address pages are known by: ``SITEURL``, or ``STUDIO["url"]`` when
    ``SITEURL`` is empty (a development build)."""
    parsed = site_settings(settings)
    url = parsed.siteurl
    if not url and parsed.studio is not None:
        url = parsed.studio.url or url
    return url.rstrip("/")


class _TextCollector(HTMLParser):
    """The text BeautifulSoup's ``get_text()`` gives with the ``html.parser`` builder: the
    same tokenizer and the same reading of character references, without building a tree
    (a third of the cost). Comments and declarations are left out, as are the contents of
    script, style and template elements; CDATA is kept."""

    HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    def handle_charref(self, name):
        character, _, following = BeautifulSoupHTMLParser._dereference_numeric_character_reference(
            name
        )
        self.handle_data((character or "") + (following or ""))

    def handle_entityref(self, name):
        character = EntitySubstitution.HTML_ENTITY_TO_CHARACTER.get(name)
        self.handle_data(f"&{name}" if character is None else character)

    def unknown_decl(self, data):
        if data.upper().startswith("CDATA["):
            self.handle_data(data[len("CDATA[") :])


def _text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


# Each post's summary and title are asked for again on every page that shows the post's
# head (and the parse is the costly part of a page's SEO data): remember the answers.
@functools.lru_cache(maxsize=4096)
def plain_text(html: str, limit: int = DESCRIPTION_LENGTH) -> str:
    text = re.sub(r"\s+", " ", _text(html or "")).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"


def _canonical(base: str, url: str) -> str:
    url = (url or "").lstrip("/")
    if url.endswith("index.html"):
        url = url[: -len("index.html")]
    return f"{base}/{url}"


def _image(content, base: str) -> tuple[str | None, str, tuple[int, int] | None]:
    """Absolute URL, alt text and size of the preview image for ``content``."""
    path = content.metadata.get("image") if content is not None else None
    alt = content.metadata.get("image_alt", "") if content is not None else ""
    if not path:
        return None, "", None
    return _preview(content.settings, path, alt, base)


def _preview(settings: dict, path: str, alt: str, base: str):
    """The preview of the photo at ``path``: kp_images' 1200 x 630 crop of it (the shape
    every network shows uncropped; a JPEG, which every link-preview bot reads; free of
    private metadata, with the studio's rights), with its size."""
    try:
        from kp_images.images import pipeline

        derivatives = pipeline(settings)
    except (ImportError, RuntimeError):  # kp_images not loaded (a plugin's own test build)
        return jsonld._absolute(path, base), alt, None
    try:
        url, width, height = derivatives.social_image(path)
    except (OSError, ValueError):  # not a photo we publish: reported with its line already
        return None, "", None
    return jsonld._absolute(url.removeprefix(derivatives.siteurl), base), alt, (width, height)


def _image_objects(content, base: str) -> list[dict]:
    """schema.org ImageObject of each photo the page shows (creator, copyright, licence)."""
    if content is None:
        return []
    try:
        from kp_images.images import image_objects

        return image_objects(content.settings, content, base)
    except (ImportError, RuntimeError):
        return []


def build(context: dict) -> SeoData:
    settings = context
    studio = site_settings(settings).studio
    base = site_url(settings)
    name = (studio.name if studio else "") or settings.get("SITENAME", "")
    tagline = studio.tagline if studio else ""
    article = context.get("article")
    page = context.get("page")
    content = article or page
    output_file = context.get("output_file", "") or ""
    is_home = output_file == "index.html" and content is None

    if content is not None:
        canonical = _canonical(base, content.url)
        summary = content.metadata.get("summary") or getattr(content, "summary", "")
        description = plain_text(summary) or tagline
        heading = plain_text(content.title, 200)  # titles went through typogrify: markup
        title = f"{heading} · {name}"
    else:
        canonical = _canonical(base, output_file)
        description = tagline
        heading = _listing_heading(context) or name
        title = f"{name} · {tagline}" if is_home or not heading else f"{heading} · {name}"

    image, image_alt, image_size = _image(content, base)
    studio_image = None
    if studio is not None and studio.image is not None:
        # STUDIO["image"]: the studio's photo, and the preview of every page without its own.
        studio_image = _preview(settings, studio.image.path, studio.image.alt, base)
    if image is None and studio_image is not None:
        image, image_alt, image_size = studio_image

    open_graph = [
        ("og:type", "article" if article is not None else "website"),
        ("og:site_name", name),
        ("og:title", heading if content is not None else title),
        ("og:description", description),
        ("og:url", canonical),
        ("og:locale", settings.get("OG_LOCALE", "en_US")),
    ]
    if image:
        open_graph += [("og:image", image), ("og:image:alt", image_alt)]
        if image_size:
            open_graph += [("og:image:width", str(image_size[0]))]
            open_graph += [("og:image:height", str(image_size[1]))]
    if article is not None:
        open_graph.append(("article:published_time", article.date.isoformat()))
        modified = getattr(article, "modified", None)
        if modified:
            open_graph.append(("article:modified_time", modified.isoformat()))
        open_graph += [("article:tag", str(tag)) for tag in getattr(article, "tags", [])]
    twitter = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", heading if content is not None else title),
        ("twitter:description", description),
    ]
    if image:
        twitter += [("twitter:image", image), ("twitter:image:alt", image_alt)]

    structured: list[dict] = []
    if article is not None:
        posting = jsonld.blog_posting(article, heading, name, base, canonical, image)
        posting["description"] = description
        structured.append(posting)
    if studio is not None and (is_home or _is_studio_page(page, settings)):
        structured.append(_studio(settings, studio, base, studio_image and studio_image[0]))
    structured += _image_objects(content, base)
    trail = _trail(context, base, canonical, heading, is_home)
    if trail:
        structured.append(jsonld.breadcrumbs(trail))

    return SeoData(
        title=title,
        heading=heading,
        description=description,
        canonical=canonical,
        open_graph=tuple((k, v) for k, v in open_graph if v),
        twitter=tuple((k, v) for k, v in twitter if v),
        json_ld=tuple(Markup(jsonld.dumps_for_script(block)) for block in structured),  # noqa: S704 (escaped by dumps_for_script)
        noindex=output_file in ("404.html", "search/index.html", "search.html"),
        image=image or "",
        structured=tuple(structured),
    )


def _studio(settings: dict, studio, base: str, image: str | None) -> dict:
    """ProfessionalService with the packages as offers and, if clients rated us, the rating."""
    from kp_studio.studio_data import aggregate_rating, offers

    packages_page = f"{base}/headshots/"
    return jsonld.professional_service(
        studio,
        base,
        offers=offers(settings.get("PACKAGES"), packages_page),
        rating=aggregate_rating(settings.get("TESTIMONIALS")),
        image=image,
    )


def _listing_heading(context: dict) -> str:
    for key, label in (("category", "Category"), ("tag", "Tag"), ("author", "Posts by")):
        value = context.get(key)
        if value is not None and hasattr(value, "slug"):
            return f"{label}: {value}"
    page_name = context.get("page_name", "") or ""
    return {
        "blog/index": "Blog",
        "blog/archives/index": "Archives",
        "archives": "Archives",
        "search": "Search",
        "search/index": "Search",
    }.get(page_name, "")


def _is_studio_page(page, settings: dict) -> bool:
    if page is None:
        return False
    parsed = site_settings(settings)
    consultation = parsed.kp_studio.consultation
    booking = consultation.url.rstrip("/") if consultation else None
    return page.slug in parsed.seo_studio_pages or f"/{page.url}".rstrip("/") == booking


def _trail(context, base, canonical, heading, is_home) -> list[tuple[str, str]]:
    if is_home:
        return []
    trail = [("Home", f"{base}/")]
    article = context.get("article")
    if article is not None:
        trail.append(("Blog", f"{base}/blog/"))
        category = getattr(article, "category", None)
        if category is not None:
            trail.append((str(category), _canonical(base, category.url)))
    elif context.get("page") is None and heading != "Blog":
        trail.append(("Blog", f"{base}/blog/"))
    trail.append((heading, canonical))
    return trail


@pass_context
def seo_data(context) -> SeoData:
    return build(dict(context.get_all()))


def robots_txt(settings: dict) -> str:
    base = site_url(settings)
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"


def add_template_helper(generator) -> None:
    generator.env.globals["seo"] = seo_data


def write_robots(pelican) -> None:
    path = Path(pelican.settings["OUTPUT_PATH"]) / "robots.txt"
    path.write_text(robots_txt(pelican.settings), encoding="utf-8")


def reset_sitemap(pelican) -> None:
    """Forget a previous build's sitemap state: a build that stopped early leaves
    pelican-sitemap waiting for it, and every later build in the same process (livereload,
    tests) would silently write no sitemap.xml (see ``pelican_compat.reset_sitemap_state``)."""
    reset_sitemap_state()


def register() -> None:
    signals.initialized.connect(reset_sitemap)
    signals.generator_init.connect(add_template_helper)
    signals.finalized.connect(write_robots)
