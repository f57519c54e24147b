"""Related posts: the articles sharing the most tags, newest first among equals.

Only shared tags count (not the category: every post shares "Blog"), so a post with no tag
in common with any other gets an empty list and the template shows nothing.

The shared tags are counted through an index from tag to posts, so a post is compared only
with the posts it shares a tag with (comparing every pair cost 5 s at 1,000 posts).

The lists depend only on each post's tags and date, so the last answer is kept: a
long-lived Pelican (livereload) whose edit changed no tag or date reuses it.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from kp_common.settings import RELATED_MAX, site_settings

MAX_RELATED = RELATED_MAX  # KP_RELATED_MAX's default


def _tag_slugs(article) -> set[str]:
    return {tag.slug for tag in getattr(article, "tags", None) or []}


def _tag_index(articles) -> dict[str, list[int]]:
    """Tag slug -> positions (in ``articles``) of the posts carrying it."""
    index: dict[str, list[int]] = defaultdict(list)
    for position, article in enumerate(articles):
        for slug in _tag_slugs(article):
            index[slug].append(position)
    return index


def related_articles(article, articles, limit: int = MAX_RELATED, index=None) -> list:
    index = _tag_index(articles) if index is None else index
    shared = Counter(position for slug in _tag_slugs(article) for position in index.get(slug, ()))
    # Most shared tags, then newest; among equals the earlier in the list, as a stable
    # sort of the whole list would give. Only the top few are kept, not every candidate.
    best = heapq.nlargest(
        limit,
        (
            (count, articles[position].date, -position)
            for position, count in shared.items()
            if articles[position] is not article
        ),
    )
    return [articles[-negative] for _, _, negative in best]


_last: dict[str, object] = {"inputs": None, "positions": None}


def add_related(generator) -> None:
    articles = generator.articles
    limit = site_settings(generator.settings).related_max
    inputs = (limit, tuple((article.date, frozenset(_tag_slugs(article))) for article in articles))
    if _last["inputs"] != inputs:
        index = _tag_index(articles)
        position = {id(article): number for number, article in enumerate(articles)}
        _last["positions"] = [
            [position[id(other)] for other in related_articles(article, articles, limit, index)]
            for article in articles
        ]
        _last["inputs"] = inputs
    for article, positions in zip(articles, _last["positions"], strict=True):
        article.related = [articles[number] for number in positions]
