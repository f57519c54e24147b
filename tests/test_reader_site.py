"""Markup of what readers get on every post (issue #5), on the small reader test site."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import pytest
from bs4 import BeautifulSoup
from kp_seo import dumps_for_script

from tests.reader_site import FLAGSHIP_URL, REAL_FLAGSHIP, soup

FLAGSHIP = FLAGSHIP_URL.strip("/") + "/index.html"
CANONICAL = "https://kpstudios.example" + FLAGSHIP_URL


def json_ld(page) -> dict[str, dict]:
    blocks = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    return {block["@type"]: block for block in blocks}


# -- responsive images ---------------------------------------------------------------------------


def test_every_content_image_is_a_picture_with_modern_formats_and_sizes(reader_site):
    page = soup(reader_site / FLAGSHIP)
    images = page.find("article").find_all("img")
    assert len(images) == 4  # hero, before, the video's poster, after
    for img in images:
        picture = img.find_parent("picture")
        assert picture is not None, img
        assert [s["type"] for s in picture.find_all("source")] == ["image/avif", "image/webp"]
        assert int(img["width"]) > 0 and int(img["height"]) > 0
        assert img["sizes"] and "alt" in img.attrs  # the poster's is empty: the button names it
        widths = [int(part.split()[-1].rstrip("w")) for part in img["srcset"].split(",")]
        assert widths == sorted(widths) and widths[0] == 360
        for source in picture.find_all("source"):
            for candidate in source["srcset"].split(", "):
                assert (reader_site / candidate.split()[0].lstrip("/")).is_file()


def test_only_the_first_image_is_eager(reader_site):
    images = soup(reader_site / FLAGSHIP).find("article").find_all("img")
    hero, *rest = images
    assert hero["fetchpriority"] == "high" and "loading" not in hero.attrs
    assert all(img["loading"] == "lazy" and img["decoding"] == "async" for img in rest)
    assert all("fetchpriority" not in img.attrs for img in rest)


def test_derivatives_come_from_the_cache_on_the_next_build(tmp_path):
    from tests.reader_site import build_site

    cache = tmp_path / "shared-cache"

    def encoded() -> dict[str, int]:
        return {
            str(path.relative_to(cache)): path.stat().st_mtime_ns
            for path in (cache / "kp_images").rglob("*")
            # sources.json maps each source's path to its hash: a new folder, new paths
            if path.is_file() and path.name != "sources.json"
        }

    first, result = build_site(tmp_path / "one", CACHE_PATH=str(cache))
    assert result.ok and encoded()
    before = encoded()
    second, result = build_site(tmp_path / "two", CACHE_PATH=str(cache))
    assert result.ok
    assert encoded() == before  # same bytes: nothing encoded or written again
    assert sorted(p.name for p in (second / "images" / "r").iterdir()) == sorted(
        p.name for p in (first / "images" / "r").iterdir()
    )


# -- SEO -----------------------------------------------------------------------------------------


def test_post_head_has_title_description_canonical_and_cards(reader_site):
    page = soup(reader_site / FLAGSHIP)
    assert page.title.string.startswith("AI headshots or a photographer")
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description.startswith("We tried the AI edit tools") and "<" not in description
    assert page.find("link", rel="canonical")["href"] == CANONICAL
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:type"] == "article" and og["og:url"] == CANONICAL
    assert og["og:image"].startswith("https://kpstudios.example/images/r/flagship-hero-")
    assert og["og:image"].endswith(".jpg") and og["og:image:alt"]
    twitter = {m["name"]: m["content"] for m in page.find_all("meta", attrs={"name": True})}
    assert twitter["twitter:card"] == "summary_large_image"
    assert twitter["twitter:image"] == og["og:image"]


def test_blog_posting_and_breadcrumbs_json_ld(reader_site):
    blocks = json_ld(soup(reader_site / FLAGSHIP))
    post = blocks["BlogPosting"]
    for required in ("headline", "image", "datePublished", "dateModified", "author", "publisher"):
        assert post[required], required
    assert post["@context"] == "https://schema.org"
    assert post["mainEntityOfPage"]["@id"] == CANONICAL
    assert post["datePublished"].startswith("2026-03-02")
    assert post["dateModified"].startswith("2026-03-10")
    crumbs = blocks["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
    assert crumbs[-1]["item"] == CANONICAL and crumbs[0]["name"] == "Home"
    assert all(c["name"] and c["item"].startswith("https://") for c in crumbs)


@pytest.mark.parametrize("path", ["index.html", "book-a-consultation/index.html"])
def test_studio_json_ld_on_home_and_contact(reader_site, path):
    studio = json_ld(soup(reader_site / path))["ProfessionalService"]
    assert studio["name"] == "kp studios"
    assert studio["address"]["@type"] == "PostalAddress"
    assert studio["address"]["streetAddress"] and studio["address"]["postalCode"]
    assert studio["telephone"].startswith("+1")
    hours = studio["openingHoursSpecification"]
    assert hours[0]["dayOfWeek"][0] == "Monday" and hours[0]["opens"] == "09:00"
    assert all(url.startswith("https://") for url in studio["sameAs"])


def test_studio_json_ld_is_not_on_other_pages(reader_site):
    assert "ProfessionalService" not in json_ld(soup(reader_site / "privacy/index.html"))
    assert "ProfessionalService" not in json_ld(soup(reader_site / FLAGSHIP))


def test_json_ld_cannot_close_its_script_element():
    hostile = "</script><script>alert(1)</script> & ' onmouseover='x"
    text = dumps_for_script({"headline": hostile})
    assert not set("<>&'") & set(text)
    assert json.loads(text)["headline"] == hostile
    page = BeautifulSoup(f'<script type="application/ld+json">{text}</script>', "html.parser")
    assert len(page.find_all("script")) == 1


def test_sitemap_and_robots(reader_site):
    robots = (reader_site / "robots.txt").read_text()
    assert "Sitemap: https://kpstudios.example/sitemap.xml" in robots
    urls = [
        loc.text
        for loc in ET.parse(reader_site / "sitemap.xml").iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    assert any(url.endswith(FLAGSHIP_URL) for url in urls)
    assert not any("/search/" in url for url in urls)


def test_published_build_has_feeds_discovery_and_absolute_sitemap(published_site):
    head = soup(published_site / REAL_FLAGSHIP).head
    feeds = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert feeds["application/atom+xml"] == "https://kpstudios.example/feeds/all.atom.xml"
    assert feeds["application/rss+xml"] == "https://kpstudios.example/feeds/all.rss.xml"
    assert (published_site / "feeds" / "all.atom.xml").is_file()
    assert (published_site / "feeds" / "all.rss.xml").is_file()
    sitemap = (published_site / "sitemap.xml").read_text()
    assert (
        "<loc>https://kpstudios.example/blog/ai-headshots-vs-professional-photographer/" in sitemap
    )
    assert (
        "Sitemap: https://kpstudios.example/sitemap.xml"
        in (published_site / "robots.txt").read_text()
    )


# -- share, newsletter, reading aids ------------------------------------------------------------


def test_share_links_carry_the_canonical_url_and_title(reader_site):
    share = soup(reader_site / FLAGSHIP).find("section", class_="share")
    links = {a.get_text().split()[-1]: a["href"] for a in share.find_all("a")}
    assert set(links) == {"LinkedIn", "Facebook", "X", "Pinterest", "Email"}
    assert parse_qs(urlparse(links["LinkedIn"]).query)["url"] == [CANONICAL]
    # Pinterest pins the post's own lead image (its preview derivative), not the default.
    pin = parse_qs(urlparse(links["Pinterest"]).query)
    og_image = soup(reader_site / FLAGSHIP).find("meta", property="og:image")["content"]
    assert pin["url"] == [CANONICAL] and pin["media"] == [og_image]
    assert "/images/r/flagship-hero-" in og_image
    assert parse_qs(urlparse(links["Facebook"]).query)["u"] == [CANONICAL]
    x = parse_qs(urlparse(links["X"]).query)
    assert x["url"] == [CANONICAL] and x["text"][0].startswith("AI headshots")
    assert links["Email"].startswith("mailto:?subject=")
    mail = parse_qs(urlparse(links["Email"]).query)
    assert mail["body"] == [CANONICAL]
    for a in share.find_all("a", href=lambda h: h.startswith("https://")):
        assert set(a["rel"]) == {"noopener", "noreferrer"} and "target" not in a.attrs
    buttons = share.find_all("button")
    assert len(buttons) == 2 and all(b.has_attr("hidden") for b in buttons)


def test_newsletter_form_follows_the_mailchimp_contract(reader_site):
    for path in (FLAGSHIP, "index.html"):
        form = soup(reader_site / path).find("section", class_="newsletter").form
        assert form["method"] == "post"
        assert form["action"].startswith("https://kpstudios.us21.list-manage.com/subscribe/post")
        email = form.find("input", attrs={"name": "EMAIL"})
        assert email["type"] == "email" and email.has_attr("required")
        assert form.find("label", attrs={"for": email["id"]})
        assert not form.find("input", attrs={"name": "FNAME"}).has_attr("required")
        assert "indicates required" in form.get_text()
        assert form.find("a", href="/privacy/")
        trap = form.find("input", attrs={"name": "b_0a1b2c3d4e5f_6a7b8c9d0e"})
        assert trap["tabindex"] == "-1" and not trap.has_attr("style")
        assert trap.find_parent(attrs={"aria-hidden": "true"})["class"] == ["visually-hidden"]
        assert form.find("button", type="submit")


def test_reading_time_neighbours_and_related_posts(reader_site):
    page = soup(reader_site / FLAGSHIP)
    assert page.find(class_="post__reading-time").string == "1 min read"
    nav = page.find("nav", class_="post-nav")
    assert nav.find("a", rel="prev")["href"] == "/blog/what-to-wear/"
    assert nav.find("a", rel="next") is None  # the newest post
    related = [a["href"] for a in page.find("section", class_="related").find_all("a")]
    assert related == ["/blog/what-to-wear/"]  # shares "headshots"; studio-news shares nothing
    oldest = soup(reader_site / "blog/studio-news/index.html")
    assert oldest.find("section", class_="related") is None
    assert oldest.find("a", rel="next")["href"] == "/blog/what-to-wear/"


# -- search --------------------------------------------------------------------------------------


def test_search_page_and_bundle_are_self_hosted(reader_site):
    page = soup(reader_site / "search/index.html")
    root = page.find(attrs={"data-search": True})
    assert root["data-search-bundle"] == "/pagefind/pagefind.js"
    assert root.find(attrs={"data-search-nojs": True}).find("a", href="/blog/archives/")
    assert root.find("form").has_attr("hidden")
    assert (reader_site / "pagefind" / "pagefind.js").is_file()
    assert not (reader_site / "pagefind" / "pagefind-ui.js").exists()
    article = soup(reader_site / FLAGSHIP).find("article")
    assert article.has_attr("data-pagefind-body")
    assert article.find("section", class_="share").has_attr("data-pagefind-ignore")


def test_comparison_images_of_the_real_flagship_go_through_the_pipeline(site):
    figures = soup(site / REAL_FLAGSHIP).select("figure.kp-compare")
    assert figures
    for img in (img for figure in figures for img in figure.select("img.kp-compare__img")):
        picture = img.find_parent("picture")
        assert [s["type"] for s in picture.find_all("source")] == ["image/avif", "image/webp"]
        assert img["src"].startswith("/images/r/") and "360w" in img["srcset"]
