"""Previous/next links: ``article.older`` and ``article.newer`` in publication order."""

from __future__ import annotations


def link_neighbours(generator) -> None:
    ordered = sorted(generator.articles, key=lambda a: (a.date, a.slug))
    for index, article in enumerate(ordered):
        article.older = ordered[index - 1] if index > 0 else None
        article.newer = ordered[index + 1] if index + 1 < len(ordered) else None
