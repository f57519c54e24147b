"""Pelican's memo of each post's HTML, and how to forget it.

``Content.get_content`` and ``get_summary`` are memoised on the class (``pelican.utils.
memoized``), keyed by the object. A plugin that changes ``_content`` after something has
read the HTML must drop that object's entries, or the old HTML is written; and a
long-lived Pelican (livereload) must empty the memo between runs, or it holds every post
of every run.
"""

from __future__ import annotations

import inspect

from pelican.contents import Content

MEMOISED = ("get_content", "get_summary")


def forget_rendered(content) -> None:
    """Drop the memoised HTML of one content object (after changing its ``_content``)."""
    for name in MEMOISED:
        cache = inspect.getattr_static(type(content), name).cache
        for key in [key for key in cache if key and key[0] is content]:
            del cache[key]


def forget_all_rendered() -> None:
    """Empty the memo of every content object (between runs of a long-lived Pelican)."""
    for name in MEMOISED:
        inspect.getattr_static(Content, name).cache.clear()


def intrasite_links(content) -> list[tuple[str, str]]:
    """``(what, value)`` of every ``{filename}``/``{static}``/``{attach}``... link written in a
    content object's HTML (``("static", "/images/x.jpg")``), found with Pelican's own pattern
    (``Content._get_intrasite_link_regex``, private), so we see exactly the links it replaces."""
    raw = getattr(content, "_content", None) or ""
    return [
        (match.group("what"), match.group("value"))
        for match in content._get_intrasite_link_regex().finditer(raw)
    ]
