"""The whole site, built from the real content: page types, typography, links, feeds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.sitebuild import FLAGSHIP, ROOT, html_pages, soup

PAGE_TYPES = {
    "home": "index.html",
    "blog index": "blog/index.html",
    "article": FLAGSHIP,
    "page": "about/index.html",
    "category": "blog/category/ai-photography/index.html",
    "tag": "blog/tag/headshots/index.html",
    "author": "blog/author/kp-studios/index.html",
    "archives": "blog/archives/index.html",
    "categories index": "blog/categories/index.html",
    "tags index": "blog/tags/index.html",
    "authors index": "blog/authors/index.html",
    "404": "404.html",
}

REQUIRED_PAGES = ["about", "headshots", "book-a-consultation", "privacy"]


@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_every_page_type_is_written_with_landmarks(site: Path, kind: str):
    page = site / PAGE_TYPES[kind]
    assert page.is_file(), f"{kind}: {PAGE_TYPES[kind]} was not written"
    html = soup(page)
    assert html.find("main", id="main"), f"{kind}: no <main id=main>"
    assert html.select_one("a.skip-link[href='#main']"), f"{kind}: no skip link"
    assert html.find("header") and html.find("footer") and html.find("nav")
    assert html.find("h1"), f"{kind}: no <h1>"
    assert html.title and html.title.string.strip()


@pytest.mark.parametrize("slug", REQUIRED_PAGES)
def test_studio_pages_exist(site: Path, slug: str):
    assert (site / slug / "index.html").is_file()


def test_site_has_several_posts_with_images_categories_and_tags(site: Path):
    posts = [
        p for p in (site / "blog").glob("*/index.html") if soup(p).find("article", class_="post")
    ]
    assert len(posts) >= 5
    for post in posts:
        html = soup(post)
        assert html.select(".post__meta a[href*='/blog/category/']"), post
        assert html.select("a[rel=tag]"), post
        lead = html.select_one(".post__header img")
        assert lead is not None and lead.get("alt"), f"{post}: no lead image with alt text"


def test_home_has_promise_consultation_services_and_latest_posts(site: Path):
    html = soup(site / "index.html")
    hero = html.select_one(".hero")
    assert hero.find("h1")
    assert hero.find("a", href="/book-a-consultation/")
    assert len(html.select(".services__item")) >= 3
    assert len(html.select(".card-list .card")) == 3


def test_header_links_to_booking(site: Path):
    for page in [site / "index.html", site / FLAGSHIP, site / "404.html"]:
        link = soup(page).select_one("header a[href='/book-a-consultation/']")
        assert link is not None and "consultation" in link.get_text().lower()


def test_flagship_post_keeps_the_briefs_shape(site: Path):
    html = soup(site / FLAGSHIP)
    headings = [h.get_text(" ", strip=True).lower() for h in html.select(".prose h2, .prose h3")]
    text = " | ".join(headings)
    for needed in ["pros", "cons", "photographer", "consider", "choice"]:
        assert needed in text, f"no heading about {needed!r} in {headings}"
    lists = html.select(".prose ol, .prose ul")
    assert len(lists) >= 4, "pros, cons, advantages and considerations are lists"
    body = html.select_one(".prose").get_text(" ", strip=True).lower()
    for topic in ["investment", "time", "compatibility", "privacy", "15-minute consultation"]:
        assert topic in body, topic


def test_flagship_post_carries_the_comparison_and_our_own_video(site: Path):
    html = soup(site / FLAGSHIP)
    assert html.select_one(".prose figure input[type=range]"), "no before/after comparison"
    video = html.select_one(".prose video[controls][preload=none][poster]")
    assert video is not None, "no self-hosted video"
    source = video.find("source", type="video/mp4")["src"]
    track = video.find("track", kind="captions")["src"]
    for url in (source, track, video["poster"]):
        assert (site / url.lstrip("/")).is_file(), url
    assert not html.find("iframe"), "nothing third-party may load before the reader asks"


def test_typography_is_applied(site: Path):
    text = soup(site / FLAGSHIP).select_one(".prose").get_text()
    assert "\u201c" in text or "\u2019" in text, "no curly quotes in the flagship post"
    assert not re.search(r"\w'\w", text), "a straight apostrophe survived typography"
    title = soup(site / FLAGSHIP).title.string
    assert "&#" not in title and "&amp;" not in title


def _internal_targets(page: Path, site: Path):
    html = soup(page)
    for tag, attribute in [
        ("a", "href"),
        ("link", "href"),
        ("img", "src"),
        ("script", "src"),
        ("source", "srcset"),
        ("img", "srcset"),
        ("video", "poster"),
    ]:
        for element in html.find_all(tag):
            value = element.get(attribute)
            if not value:
                continue
            candidates = (
                [part.strip().split(" ")[0] for part in value.split(",")]
                if "srcset" in attribute
                else [value]
            )
            for url in candidates:
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or url.startswith(("mailto:", "tel:")):
                    continue
                yield element, url, parts


def test_every_internal_link_resolves_to_a_file(site: Path):
    broken = []
    for page in html_pages(site):
        for element, url, parts in _internal_targets(page, site):
            if not parts.path:  # a fragment on the same page
                target, fragment = page, parts.fragment
            else:
                base = site if parts.path.startswith("/") else page.parent
                target = (base / unquote(parts.path).lstrip("/")).resolve()
                if target.is_dir() or parts.path.endswith("/"):
                    target = target / "index.html"
                fragment = parts.fragment
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: <{element.name}> {url}")
            elif fragment and target.suffix == ".html" and not soup(target).find(id=fragment):
                broken.append(f"{page.relative_to(site)}: <{element.name}> {url} (no #{fragment})")
    assert not broken, "\n".join(broken)


ATOM = "{http://www.w3.org/2005/Atom}"


def test_publish_build_writes_valid_atom_and_rss(published_site: Path):
    atom = ET.parse(published_site / "feeds" / "all.atom.xml").getroot()
    assert atom.tag == f"{ATOM}feed"
    entries = atom.findall(f"{ATOM}entry")
    assert len(entries) >= 5
    for entry in entries:
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}link").get("href").startswith("https://")
        assert entry.find(f"{ATOM}updated").text
    rss = ET.parse(published_site / "feeds" / "all.rss.xml").getroot()
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    items = rss.findall("channel/item")
    assert len(items) == len(entries)
    assert all(item.findtext("link").startswith("https://") for item in items)
    head = soup(published_site / "index.html").head
    assert head.find("link", rel="alternate", type="application/atom+xml")


def test_publish_build_fingerprints_assets(published_site: Path):
    stylesheet = soup(published_site / "index.html").find("link", rel="stylesheet")["href"]
    assert re.search(r"/theme/css/site\.[0-9a-f]{10}\.css$", stylesheet), stylesheet
    assert (published_site / urlsplit(stylesheet).path.lstrip("/")).is_file()


def test_publish_build_is_minified_precompressed_and_has_headers(published_site: Path):
    home = published_site / "index.html"
    assert (published_site / "index.html.br").is_file()
    assert (published_site / "index.html.gz").is_file()
    assert "\n\n" not in home.read_text(encoding="utf-8"), "the HTML was not minified"
    headers = (published_site / "_headers").read_text(encoding="utf-8")
    assert "Content-Security-Policy:" in headers and "unsafe-inline" not in headers


def test_stylesheets_nest_rules_only_inside_at_rules():
    """A lost closing brace still parses (as CSS nesting) and silently swallows every rule
    after it; our hand-written CSS nests only inside @media and friends."""
    for stylesheet in sorted((ROOT / "theme" / "static" / "css").glob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", stylesheet.read_text(encoding="utf-8"), flags=re.S)
        stack: list[str] = []
        selector = ""
        for character in text:
            if character == "{":
                assert all(s.startswith("@") for s in stack), (
                    f"{stylesheet.name}: rule {selector.strip()!r} is nested in {stack[-1]!r}"
                )
                stack.append(selector.strip())
                selector = ""
            elif character == "}":
                assert stack, f"{stylesheet.name}: a closing brace without an opening one"
                stack.pop()
                selector = ""
            elif character == ";":
                selector = ""
            else:
                selector += character
        assert not stack, f"{stylesheet.name}: {stack[-1]!r} is never closed"


def test_no_inline_scripts_or_styles(site: Path):
    for page in html_pages(site):
        html = soup(page)
        assert not html.find_all(style=True), f"{page}: style= attribute"
        assert not html.find_all("style"), f"{page}: <style> element"
        for script in html.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (
                f"{page}: inline script"
            )


def test_external_links_do_not_leak_the_opener(site: Path):
    for page in html_pages(site):
        for link in soup(page).find_all("a", href=re.compile(r"^https?://")):
            assert "noopener" in (link.get("rel") or []), f"{page}: {link}"
