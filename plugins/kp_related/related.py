"""Related posts: the articles sharing the most tags, newest first among equals.

Only shared tags count (not the category: every post shares "Blog"), so a post with no tag
in common with any other gets an empty list and the template shows nothing.
"""

from __future__ import annotations

MAX_RELATED = 3


def related_articles(article, articles, limit: int = MAX_RELATED) -> list:
    tags = {tag.slug for tag in getattr(article, "tags", None) or []}
    scored = []
    for other in articles:
        if other is article:
            continue
        shared = len(tags & {tag.slug for tag in getattr(other, "tags", None) or []})
        if shared:
            scored.append((shared, other.date, other))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [other for _, _, other in scored[:limit]]


def add_related(generator) -> None:
    limit = generator.settings.get("KP_RELATED_MAX", MAX_RELATED)
    for article in generator.articles:
        article.related = related_articles(article, generator.articles, limit)
