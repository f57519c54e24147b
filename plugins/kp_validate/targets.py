"""Everything the build will write, known before anything is written.

A root-relative link in a post (``/blog/what-to-wear/``, ``/images/x.jpg``) is only good if
the build writes something there. When every generator has read its content
(``all_generators_finalized``), this module lists the output paths: posts and pages (all
statuses, so a link to a draft is caught by the draft check, not here), static files, the
theme's static folder, direct templates, tag/category/author pages with their
pagination, feeds, and ``KP_VALIDATE_EXTRA_OUTPUTS`` for files other plugins write
(a sitemap, a search index). A file a plugin has already written into the output folder
(the comparison overlays) counts too.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from urllib.parse import unquote

from kp_common.contents import all_content
from pelican.paginator import Paginator

from .state import STATE

FEEDS = (
    "FEED_ATOM",
    "FEED_RSS",
    "FEED_ALL_ATOM",
    "FEED_ALL_RSS",
    "CATEGORY_FEED_ATOM",
    "CATEGORY_FEED_RSS",
    "AUTHOR_FEED_ATOM",
    "AUTHOR_FEED_RSS",
    "TAG_FEED_ATOM",
    "TAG_FEED_RSS",
    "TRANSLATION_FEED_ATOM",
    "TRANSLATION_FEED_RSS",
)


class Outputs:
    def __init__(self, output_path: str = "") -> None:
        # Plugins may already have written files (the comparison overlays); the build
        # driver builds into a fresh folder, so whatever is there belongs to this build.
        self.output_path = output_path
        self.files: set[str] = set()
        self.prefixes: set[str] = set()  # e.g. per-category feeds: "feeds/"
        # Pages the theme generates (blog index, tag pages...): what each one is.
        self.generated: dict[str, str] = {}
        # Site paths that come from the settings, not from authors (see links.py).
        self.trusted: set[str] = set()
        # Paths ``has`` found only on disk (see ``_already_written``).
        self.found_on_disk: set[str] = set()

    def digest(self) -> bytes:
        """Changes whenever what ``has`` answers from the build's own lists can change."""
        digest = hashlib.blake2b(digest_size=16)
        for name in ("files", "prefixes", "trusted"):
            digest.update(name.encode() + b"\0")
            digest.update("\0".join(sorted(getattr(self, name))).encode() + b"\0")
        digest.update(self.output_path.encode())
        return digest.digest()

    def add(self, save_as: str | None, generated_by: str | None = None) -> None:
        if save_as and save_as.endswith("*"):
            self.prefixes.add(save_as[:-1].lstrip("/"))
        elif save_as:
            normal = posixpath.normpath(save_as.replace(os.sep, "/")).lstrip("/")
            self.files.add(normal)
            if generated_by:
                self.generated.setdefault(normal, generated_by)

    def has(self, url_path: str) -> bool:
        """Whether ``/some/path`` (URL path, site-relative) is served by the build."""
        path = posixpath.normpath(unquote(url_path)).lstrip("/")
        if path in ("", "."):
            return "index.html" in self.files
        return (
            path in self.files
            or f"{path}/index.html" in self.files
            or f"{path}.html" in self.files
            or any(path.startswith(prefix) for prefix in self.prefixes if prefix)
            or self._already_written(path)
        )

    def _already_written(self, path: str) -> bool:
        if not self.output_path or path.startswith(("../", "/")):
            return False
        found = self.still_on_disk(path)
        if found:
            self.found_on_disk.add(path)
        return found

    def still_on_disk(self, path: str) -> bool:
        written = os.path.join(self.output_path, path)
        return os.path.isfile(written) or os.path.isfile(os.path.join(written, "index.html"))


def _paginated(outputs: Outputs, settings, save_as: str, url: str, items: list, name: str):
    per_page = None
    if name in settings.get("PAGINATED_TEMPLATES", {}):
        per_page = settings["PAGINATED_TEMPLATES"][name] or settings.get("DEFAULT_PAGINATION")
    what = f"the {name} page"
    outputs.add(save_as, what)
    if not per_page or not items:
        return
    paginator = Paginator(save_as, url, items, settings, per_page)
    for number in paginator.page_range:
        outputs.add(paginator.page(number).save_as, what)


def collect(generators) -> Outputs:
    settings = generators[0].settings
    outputs = Outputs(settings.get("OUTPUT_PATH", ""))
    articles: list = []
    for generator in generators:
        articles += getattr(generator, "articles", None) or []
        for static in getattr(generator, "staticfiles", None) or []:
            outputs.add(static.save_as)
        for tag, tagged in (getattr(generator, "tags", None) or {}).items():
            _paginated(outputs, settings, tag.save_as, tag.url, tagged, "tag")
        for category, listed in getattr(generator, "categories", None) or []:
            _paginated(outputs, settings, category.save_as, category.url, listed, "category")
        for author, listed in getattr(generator, "authors", None) or []:
            _paginated(outputs, settings, author.save_as, author.url, listed, "author")
    for content in all_content(generators):
        outputs.add(content.save_as)
    for template in settings.get("DIRECT_TEMPLATES", []):
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        url = settings.get(f"{template.upper()}_URL", f"{template}.html")
        if save_as:
            _paginated(outputs, settings, save_as, url, articles, template)
    for save_as in (settings.get("TEMPLATE_PAGES") or {}).values():
        outputs.add(save_as)
    for feed in FEEDS:
        value = settings.get(feed)
        if value and "{" not in value:
            outputs.add(value)
        elif value:  # one feed per category/tag/author: the folder is enough to know it
            outputs.add(value.split("{", 1)[0] + "*")
    theme_static = os.path.join(settings["THEME"], "static")
    for root, _dirs, files in os.walk(theme_static):
        for name in files:
            relative = os.path.relpath(os.path.join(root, name), theme_static)
            outputs.add(posixpath.join(settings["THEME_STATIC_DIR"], relative))
    for extra in settings.get("KP_VALIDATE_EXTRA_OUTPUTS", []):
        outputs.add(extra)
    for refused in STATE.refused_outputs:  # reported by ``published``; never copied
        outputs.add(refused)
    return outputs
