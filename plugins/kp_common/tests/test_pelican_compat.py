"""The private Pelican APIs in ``kp_common.pelican_compat``, against the installed Pelican:
each test fails loudly when an upgrade changes what we rely on."""

from __future__ import annotations

import copy
import datetime

from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from kp_common.pelican_compat import forget_rendered, intrasite_links


def article(html: str) -> Article:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    return Article(
        html,
        metadata={"title": "A post", "date": datetime.datetime(2026, 1, 1)},
        settings=settings,
        source_path="/site/content/blog/x.md",
        context={"static_content": {}, "generated_content": {}, "localsiteurl": ""},
    )


def test_intrasite_links_are_the_ones_pelican_replaces():
    post = article(
        '<p><img alt="A face" src="{static}/images/missing.jpg">'
        '<a href="{filename}other.md#part">other</a> <a href="|attach|files/a.pdf">pdf</a>'
        '<a href="https://example.com/{static}">not one</a></p>'
    )
    assert intrasite_links(post) == [
        ("static", "/images/missing.jpg"),
        ("filename", "other.md#part"),
        ("attach", "files/a.pdf"),
    ]


def test_intrasite_links_of_an_empty_post():
    assert intrasite_links(article("")) == []


def test_forget_rendered_drops_the_memoised_html():
    post = article("<p>first</p>")
    assert post.content == "<p>first</p>"
    post._content = "<p>second</p>"
    assert post.content == "<p>first</p>"  # memoised: why forget_rendered exists
    forget_rendered(post)
    assert post.content == "<p>second</p>"
