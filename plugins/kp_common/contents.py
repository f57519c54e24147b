"""Every post and page of a build, each once: the one list of where Pelican keeps them.

Pelican's generators keep content in several attributes (published, hidden, draft, and the
translations of each). A plugin that walks only some of them misses content: images in
``Status: hidden`` posts never became responsive when one copy of this list lacked
``hidden_articles``. So every plugin asks :func:`all_content`.
"""

from __future__ import annotations

# The ArticlesGenerator's and PagesGenerator's lists (a generator has only its own).
CONTENT_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


def all_content(generators) -> list:
    """Every post and page the ``generators`` read, any status, each once, in order."""
    seen: dict[int, object] = {}
    for generator in generators:
        for name in CONTENT_LISTS:
            for content in getattr(generator, name, None) or []:
                seen.setdefault(id(content), content)
    return list(seen.values())
