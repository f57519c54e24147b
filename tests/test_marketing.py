"""The real site's marketing pages: portfolio, packages, testimonials, FAQ, clean photos."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kp_studio import metadata
from PIL import Image

from tests.sitebuild import soup

ROOT = Path(__file__).resolve().parent.parent


def test_portfolio_is_in_the_menu_and_shows_every_portfolio_photo(site: Path):
    menu = [a.get_text() for a in soup(site / "index.html").select("nav.site-nav a")]
    assert "Portfolio" in menu
    gallery = soup(site / "portfolio/index.html").select_one("section.kp-gallery")
    links = gallery.select("a.kp-gallery__link")
    photos = sorted(p.name for p in (ROOT / "content/images/portfolio").glob("*.jpg"))
    # Each links to its full image: a derivative named after the photo, never the original.
    stems = sorted(a["href"].rsplit("/", 1)[1].split("-")[0] + ".jpg" for a in links)
    assert stems == photos
    for link in links:
        assert link.img["alt"].strip() and link.img["width"] and link.img["height"]
        assert link["href"].startswith("/images/r/")
        assert (site / link["href"].lstrip("/")).is_file()
    assert not (site / "images" / "portfolio").exists()


def test_headshots_page_has_packages_testimonials_and_the_faq(site: Path):
    page = soup(site / "headshots/index.html")
    cards = page.select("section.packages li.package")
    assert len(cards) >= 2
    for card in cards:
        assert card.select_one(".package__price").get_text().startswith("$")
        assert card.select(".package__included li")
        assert card.select_one("a.button")["href"] == "/book-a-consultation/"
    assert len(page.select("section.testimonials li.testimonial")) >= 2
    questions = [s.get_text() for s in page.select("details.faq__item > summary")]
    for topic in ("wear", "how long", "when", "my photos"):
        assert any(topic in q.lower() for q in questions), topic
    ld = [json.loads(s.string) for s in page.select('script[type="application/ld+json"]')]
    faq = next(block for block in ld if block.get("@type") == "FAQPage")
    assert [q["name"] for q in faq["mainEntity"]] == questions
    assert all(q["acceptedAnswer"]["text"] for q in faq["mainEntity"])


def test_studio_json_ld_carries_the_packages_as_offers_and_no_invented_rating(site: Path):
    page = soup(site / "headshots/index.html")
    ld = [json.loads(s.string) for s in page.select('script[type="application/ld+json"]')]
    studio = next(block for block in ld if block.get("@type") == "ProfessionalService")
    names = [card.select_one("h3, h2").get_text(strip=True) for card in page.select("li.package")]
    offered = [offer["itemOffered"]["name"] for offer in studio["makesOffer"]]
    assert offered == names
    assert all(
        float(offer["price"]) > 0 and offer["priceCurrency"] for offer in studio["makesOffer"]
    )
    # The sample testimonials carry no ratings, so no rating may be claimed.
    assert "aggregateRating" not in studio


def test_home_page_shows_testimonials(site: Path):
    assert soup(site / "index.html").select("section.testimonials li.testimonial")


def test_every_published_image_is_free_of_revealing_metadata(site: Path):
    images = [p for p in site.rglob("*") if p.suffix.lower() in metadata.IMAGE_SUFFIXES]
    assert len(images) >= 15
    for path in images:
        assert metadata.leaks(path) == [], path
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif.get_ifd(0x8825) and 0x8825 not in exif, path


def test_data_files_are_not_published(site: Path):
    assert not (site / "data").exists()
    assert not list(site.rglob("*.yaml"))


# -- photo-led: the hero, the cards' lead images, previews, Pinterest (issue 16) -------------


def test_the_home_page_leads_with_the_hero_photograph(site: Path):
    from pelicanconf import STUDIO

    hero = soup(site / "index.html").select_one("section.hero")
    picture = hero.select_one("picture")
    img = picture.select_one("img.hero__photo")
    assert img["alt"] == STUDIO["hero"]["alt"]
    assert img["fetchpriority"] == "high" and "loading" not in img.attrs
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    sources = [s["type"] for s in picture.select("source")]
    assert sources[0] == "image/avif"
    # The derivative of the configured portrait is published, the original is not.
    stem = Path(STUDIO["hero"]["image"]).stem
    assert img["src"].rsplit("/", 1)[-1].startswith(stem + "-")
    assert (site / img["src"].lstrip("/")).is_file()
    assert not (site / STUDIO["hero"]["image"]).exists()
    # The promise and the call to action sit beside it in the same hero.
    assert hero.select_one(".hero__promise") and hero.select_one(".hero__actions a.button")
    # It is the only image of the page with high priority.
    assert len(soup(site / "index.html").select('img[fetchpriority="high"]')) == 1


def cards_have_their_lead_images(page: Path, *, first_eager: bool) -> None:
    cards = soup(page).select(".card-list article.card")
    assert cards, page
    for index, card in enumerate(cards):
        img = card.select_one("picture img.card__image")
        assert img is not None, card.select_one(".card__title").get_text()
        assert int(img["width"]) > 0 and int(img["height"]) > 0 and img["alt"]
        if index == 0 and first_eager:  # a list's LCP image: its first card's photo
            assert img["fetchpriority"] == "high" and "loading" not in img.attrs
        else:
            assert img["loading"] == "lazy" and "fetchpriority" not in img.attrs
    assert len(soup(page).select('img[fetchpriority="high"]')) == 1, page


def test_post_cards_show_each_posts_lead_image(site: Path):
    cards_have_their_lead_images(site / "index.html", first_eager=False)  # the hero is LCP
    pages = [site / "blog/index.html"]
    for kind in ("category", "tag", "author"):
        pages += sorted((site / "blog" / kind).glob("*/index.html"))[:1]
    assert len(pages) == 4, pages
    for page in pages:
        cards_have_their_lead_images(page, first_eager=True)


def test_pages_without_their_own_image_share_the_default_preview(site: Path):
    from pelicanconf import STUDIO

    head = soup(site / "index.html").head
    meta = {m["property"]: m["content"] for m in head.select("meta[property^='og:']")}
    assert meta["og:image"].endswith(".jpg") and "/images/r/amara-" in meta["og:image"]
    assert meta["og:image:alt"] == STUDIO["image_alt"]
    published = site / urlsplit(meta["og:image"]).path.lstrip("/")
    with Image.open(published) as image:
        assert (str(image.width), str(image.height)) == (
            meta["og:image:width"],
            meta["og:image:height"],
        )
    twitter = head.select_one("meta[name='twitter:image']")
    assert twitter["content"] == meta["og:image"]
    # The same preview on every studio page and list without an Image of its own.
    for page in ("portfolio", "about", "book-a-consultation", "blog"):
        other = soup(site / page / "index.html").head.select_one("meta[property='og:image']")
        assert other["content"] == meta["og:image"], page


def test_pinterest_share_link_carries_the_canonical_url_and_the_photo(site: Path):
    page = soup(site / "blog/our-retouching-promise/index.html")
    canonical = page.select_one("link[rel=canonical]")["href"]
    og_image = page.select_one("meta[property='og:image']")["content"]
    links = [a for a in page.select(".share a") if "pinterest.com" in a["href"]]
    assert len(links) == 1
    link = urlsplit(links[0]["href"])
    assert link.scheme == "https" and link.path == "/pin/create/button/"
    query = parse_qs(link.query)
    assert query["url"] == [canonical] and query["media"] == [og_image]
    assert query["description"][0]
    assert "noopener" in links[0]["rel"]
