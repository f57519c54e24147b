"""A ``Status: hidden`` post is a real page (linked from a newsletter, say): every plugin must
treat it like a published one. One list of where Pelican keeps content
(``kp_common.contents``) holds that; a copy without ``hidden_articles`` once left a hidden
post's images as plain, full-size ``<img>`` tags."""

from __future__ import annotations

from tests.sitebuild import build_site, post, soup

HIDDEN = post(
    "Title: A hidden post\nDate: 2026-04-01\nCategory: Headshots\nSlug: hidden-post\n"
    "Status: hidden\nSummary: Only for people with the link.\n"
    "Image: images/blog/portrait.jpg\nImage_alt: A woman in a navy blazer",
    "![Two blazers on a rail]({static}../images/blog/portrait.jpg)",
)


def test_a_hidden_posts_images_are_responsive_like_a_published_posts(tmp_path):
    result = build_site(tmp_path, {"blog/hidden.md": HIDDEN})
    assert result.ok, result.problems
    page = soup(result.output / "blog" / "hidden-post" / "index.html")
    body = page.find(attrs={"data-pagefind-body": True}) or page
    picture = body.find("img", alt="Two blazers on a rail").find_parent("picture")
    assert picture is not None, "the hidden post's image was not made responsive"
    assert picture.find("source", type="image/avif")["srcset"]
