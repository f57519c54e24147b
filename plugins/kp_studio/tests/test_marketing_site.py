"""Sites built with the real theme: gallery, packages, testimonials, FAQ and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kp_studio import studio_data
from PIL import Image

from tests.sitebuild import SCENARIOS as DATA
from tests.sitebuild import build_scenario, built, soup, source_line

PORTFOLIO = "portfolio/index.html"
HEADSHOTS = "headshots/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built("marketing", tmp_path_factory.mktemp("marketing"))


def test_folder_gallery_follows_the_sidecar_with_sizes_alt_and_links(site: Path):
    gallery = soup(site / PORTFOLIO).select_one("section.kp-gallery")
    assert gallery["aria-label"] == "Test portfolio"
    links = gallery.select("a.kp-gallery__link")
    # Each links to its full image: a derivative (never the original), in the sidecar's order.
    assert [a["href"].split("/")[-1].split("-")[0] for a in links] == ["two", "one", "three"]
    assert all(a["href"].startswith("/images/r/") for a in links)
    assert not (site / "images/folder").exists()
    for number, link in enumerate(links):
        thumb = link.img
        with Image.open(site / link["href"].lstrip("/")) as image:
            assert (int(thumb["width"]), int(thumb["height"])) == image.size
        assert (link["data-width"], link["data-height"]) == (thumb["width"], thumb["height"])
        assert thumb["alt"].startswith("The ")
        # The page has no lead image, so its first photo is the LCP element: eager, high
        # priority; the others wait until they are scrolled near.
        if number == 0:
            assert thumb.get("fetchpriority") == "high" and not thumb.has_attr("loading")
        else:
            assert thumb["loading"] == "lazy" and not thumb.has_attr("fetchpriority")
    captions = [f.get_text() for f in gallery.select("figcaption.kp-gallery__caption")]
    assert captions == ["Blue — second", "Green"]  # smartypants: -- is an em dash, as in the prose
    assert links[0]["data-caption"] == "Blue — second" and not links[1].has_attr("data-caption")
    dialog = gallery.select_one("dialog.kp-lightbox")
    assert not dialog.has_attr("open"), "the lightbox is never shown without JavaScript"
    status = dialog.select_one(".kp-lightbox__status")
    assert dialog["aria-describedby"] == status["id"] and status["aria-live"] == "polite"
    assert [b.get_text(" ", strip=True) for b in dialog.select("button")] == [
        "← Previous",
        "Next →",
        "Close",
    ]


def test_gallery_assets_load_only_on_pages_with_a_gallery(site: Path):
    def assets(page: str) -> list[str]:
        html = soup(site / page)
        tags = html.select("link[rel=stylesheet], script[src]")
        return [t.get("href") or t.get("src") for t in tags]

    assert "/theme/css/gallery.css" in assets(PORTFOLIO)
    assert "/theme/js/lightbox.js" in assets(PORTFOLIO)
    about = assets("about/index.html")
    assert not any("gallery" in a or "lightbox" in a for a in about)


def test_listed_gallery_escapes_alt_text(site: Path):
    raw = (site / HEADSHOTS).read_text(encoding="utf-8")
    gallery = soup(site / HEADSHOTS).select_one("section.kp-gallery")
    first = gallery.select("a.kp-gallery__link img")[0]
    assert first["alt"] == 'A wide "test" <portrait> & more'
    assert "&lt;portrait&gt;" in raw and "<portrait>" not in raw
    assert gallery["aria-label"] == "Gallery"
    assert (first["width"], first["height"]) == ("120", "80")


def test_packages_are_cards_with_price_included_turnaround_and_consultation(site: Path):
    section = soup(site / HEADSHOTS).select_one("section.packages")
    assert section.h2.get_text() == "Packages and prices"
    cards = section.select("li.package")
    assert [c.h3.get_text() for c in cards] == ["Small", "Large"]
    assert [c.select_one(".package__price").get_text() for c in cards] == ["€100", "€249.50"]
    assert [li.get_text() for li in cards[1].select(".package__included li")] == [
        "Three looks",
        "Six images",
    ]
    assert "2 working days" in cards[1].select_one(".package__turnaround").get_text()
    for card in cards:
        button = card.select_one("a.button")
        assert button["href"] == "/book-a-consultation/"
        assert button.get_text() == "Schedule a free consultation"
        # Its accessible name: the label, then which package it is about.
        assert button["aria-labelledby"].split() == [button["id"], card.h3["id"]]


def test_testimonials_block_limit_rating_photo_and_typography(site: Path):
    section = soup(site / HEADSHOTS).select_one("section.testimonials")
    items = section.select("li.testimonial")
    assert len(items) == 2, "limit: 2"
    first = items[0]
    assert first.blockquote.get_text(strip=True) == "The first quote, with “quotes” — and a dash."
    assert first.select_one(".testimonial__name").get_text() == "Test Person One"
    assert first.select_one(".visually-hidden").get_text() == "Rated 5 out of 5"
    photo = first.select_one("img.testimonial__photo")
    assert photo["alt"] == "" and (photo["width"], photo["height"]) == ("60", "60")
    assert (site / photo["src"].lstrip("/")).is_file()
    assert items[1].select_one(".visually-hidden").get_text() == "Rated 4 out of 5"


def test_home_page_shows_the_testimonials(site: Path):
    section = soup(site / "index.html").select_one("section.testimonials")
    assert section.h2.get_text() == "What clients say"
    names = [n.get_text() for n in section.select(".testimonial__name")]
    assert names == ["Test Person One", "Test Person Two", "Test Person Three"]
    assert section["aria-labelledby"] == section.h2["id"]


def test_faq_is_details_with_answers_and_escaped_faqpage_json_ld(site: Path):
    html = soup(site / HEADSHOTS)
    details = html.select("div.faq > details.faq__item")
    assert [d.summary.get_text() for d in details][:1] == ["What should I wear?"]
    assert not any(d.has_attr("open") for d in details)
    answer = details[0].select_one(".faq__answer")
    assert answer.a["href"] == "/about/", "{filename} links in answers are resolved"
    assert len(answer.select("p")) == 2
    scripts = html.select('script[type="application/ld+json"]')
    faq_scripts = [s for s in scripts if '"FAQPage"' in s.string]
    assert len(faq_scripts) == 1
    raw = faq_scripts[0].string
    # No markup can end the data block early.
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003c/script\\u003e" in raw
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    questions = data["mainEntity"]
    assert [q["@type"] for q in questions] == ["Question", "Question"]
    assert questions[0]["name"] == "What should I wear?"
    assert questions[0]["acceptedAnswer"]["@type"] == "Answer"
    assert questions[0]["acceptedAnswer"]["text"].startswith("Solid colours. See the about page.")
    assert questions[1]["name"] == "Is </script><script>alert(1)</script> escaped?"
    # The hostile question is text in the page, not markup.
    assert "<script>alert(1)</script>" not in str(html.select_one("div.faq"))


def test_no_inline_style_or_executable_script(site: Path):
    for page in (PORTFOLIO, HEADSHOTS, "index.html"):
        html = soup(site / page)
        assert not html.select("[style]"), page
        for script in html.select("script"):
            assert script.has_attr("src") or script["type"] == "application/ld+json", page


def test_data_files_are_never_published(site: Path):
    assert not (site / "data").exists()
    assert not list(site.rglob("*.yaml")) and not list(site.rglob("*.yml"))


def test_offers_and_rating_from_the_data_files():
    settings = {"TYPOGRIFY": False, "SITEURL": ""}
    content = str(DATA / "marketing/content")
    packages = studio_data.load_packages(content, settings)
    offers = studio_data.offers(packages, "https://example.test/headshots/")
    assert [(o["name"], o["price"], o["priceCurrency"]) for o in offers] == [
        ("Small", "100", "EUR"),
        ("Large", "249.5", "EUR"),
    ]
    assert offers[0]["itemOffered"]["@type"] == "Service"
    testimonials = studio_data.load_testimonials(content, settings)
    rating = studio_data.aggregate_rating(testimonials)
    assert rating == {
        "@type": "AggregateRating",
        "ratingValue": "4.5",
        "ratingCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    unrated = [{**t, "rating": None} for t in testimonials]
    assert studio_data.aggregate_rating(unrated) is None, "no rating without real ratings"


def test_every_marketing_error_is_reported_with_file_line_and_fix(tmp_path: Path):
    result = build_scenario("market_errors", tmp_path)
    assert not result.ok and not (tmp_path / "output").exists(), "nothing may be published"
    content = DATA / "market_errors/content"
    page = content / "pages/broken.md"
    sidecar = content / "images/folder/gallery.yaml"
    testimonials = content / "data/testimonials.yaml"
    packages = content / "data/packages.yaml"
    expected = [
        (page, "colums: 3", "'colums' is not an option of the 'gallery' block"),
        (page, "caption: No alt on this one", "(images/real.jpg) has no alt text", -1),
        (page, "src: images/no-such-photo.jpg", "does not exist"),
        (page, "src: images/not-an-image.jpg", "cannot be read as an image"),
        (page, "/// gallery | Nothing at all", "neither 'folder' nor 'images'"),
        (page, "question: Where is the answer?", "has no answer"),
        (sidecar, "src: three.jpg", "images/folder/three.jpg does not exist"),
        (sidecar, "images:", "images/folder/two.jpg has no alt text"),
        (testimonials, "rating: 6", "not a whole number from 1 to 5"),
        (testimonials, "ratings: 5", "'ratings' is not a field of a testimonial"),
        (testimonials, "quote: No role.", "has no 'role'"),
        (testimonials, "photo: images/nobody.jpg", "does not exist"),
        (packages, "price: free", "not an amount greater than zero"),
        (packages, "included: []", "'included' must be a list"),
    ]
    for path, marker, problem, *shift in expected:
        line = source_line(path, marker) + (shift[0] if shift else 0)
        location = f"{path.relative_to(content).as_posix()}:{line}: "
        matching = [p for p in result.problems if location in p and problem in p]
        assert matching, f"no {problem!r} at {location}:\n" + "\n".join(result.problems)
        assert all("How to fix: " in p for p in matching)
    ours = [p for p in result.problems if "market_errors" in p]
    assert len(ours) == len(expected), "\n".join(ours)
