"""Reading aids on posts: reading time, previous/next post, related posts from shared tags.

Each concern is one small module; :func:`register` connects them to the article generator, so
templates read plain attributes: ``article.reading_time`` (minutes, at least 1),
``article.newer`` / ``article.older`` (or None), ``article.related`` (a list of articles).
"""

from pelican import signals

from .neighbours import link_neighbours
from .reading_time import add_reading_times, reading_minutes
from .related import add_related, related_articles


def annotate(generator) -> None:
    add_reading_times(generator)
    link_neighbours(generator)
    add_related(generator)


def register() -> None:
    signals.article_generator_finalized.connect(annotate)


__all__ = ["reading_minutes", "register", "related_articles"]
