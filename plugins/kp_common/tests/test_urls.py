"""The one URL helper: what a page writes for a link, under every SITEURL."""

from __future__ import annotations

import jinja2
import pytest
from kp_common.urls import relativize, site_url, url_filter


@pytest.mark.parametrize(
    ("siteurl", "target", "expected"),
    [
        ("", "/privacy/", "/privacy/"),
        ("", "blog/x/", "/blog/x/"),
        ("", "/", "/"),
        ("https://kpstudios.example", "/privacy/", "https://kpstudios.example/privacy/"),
        ("https://user.github.io/site", "/privacy/", "https://user.github.io/site/privacy/"),
        ("https://user.github.io/site", "blog/x/", "https://user.github.io/site/blog/x/"),
        ("https://user.github.io/site", "/", "https://user.github.io/site/"),
        ("..", "/privacy/", "../privacy/"),
        (".", "theme/css/site.css", "./theme/css/site.css"),
        # Absolute URLs and anchors are never put under SITEURL.
        (
            "https://kpstudios.example",
            "https://calendly.com/kp/15min",
            "https://calendly.com/kp/15min",
        ),
        ("https://kpstudios.example", "mailto:hello@kp.example", "mailto:hello@kp.example"),
        ("https://kpstudios.example", "tel:+15035550142", "tel:+15035550142"),
        ("https://kpstudios.example", "#pricing", "#pricing"),
    ],
)
def test_site_url(siteurl, target, expected):
    assert site_url(siteurl, target) == expected


def test_the_filter_reads_the_pages_own_siteurl():
    env = jinja2.Environment(autoescape=True)
    env.filters["url"] = url_filter
    template = env.from_string('<a href="{{ "/privacy/" | url }}">')
    assert template.render(SITEURL="..") == '<a href="../privacy/">'
    assert template.render(SITEURL="https://u.github.io/site") == (
        '<a href="https://u.github.io/site/privacy/">'
    )
    assert template.render() == '<a href="/privacy/">'


def test_relativize_makes_root_relative_urls_page_relative():
    html = (
        '<a href="/privacy/">p</a><img src="/images/a-360.jpg" '
        'srcset="/images/a-360.jpg 360w, /images/a-720.jpg 720w">'
        '<a href="https://x.example/">x</a><a href="//cdn.example/x">y</a><a href="#top">t</a>'
        '<div data-srcset="/images/b-360.jpg 360w"></div><p>a / b</p>'
    )
    assert relativize(html, "../..") == (
        '<a href="../../privacy/">p</a><img src="../../images/a-360.jpg" '
        'srcset="../../images/a-360.jpg 360w, ../../images/a-720.jpg 720w">'
        '<a href="https://x.example/">x</a><a href="//cdn.example/x">y</a><a href="#top">t</a>'
        '<div data-srcset="../../images/b-360.jpg 360w"></div><p>a / b</p>'
    )
    assert relativize('<a href="/">home</a>', ".") == '<a href="./">home</a>'
