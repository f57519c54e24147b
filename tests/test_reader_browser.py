"""Reader features in real headless Chromium, against the built reader test site."""

from __future__ import annotations

import shutil
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from kp_search import search

from sitetools.serve import running_server
from tests.reader_site import FLAGSHIP_URL

pytestmark = pytest.mark.browser

CANONICAL = "https://kpstudios.example" + FLAGSHIP_URL


def external(page, server):
    return [url for url in page.requests if not url.startswith((server, "data:"))]


def test_post_makes_no_third_party_request_and_share_links_carry_the_url(page, server):
    page.goto(server + FLAGSHIP_URL, wait_until="networkidle")
    page.mouse.wheel(0, 5000)  # bring lazy images in
    page.wait_for_load_state("networkidle")
    assert external(page, server) == []
    linkedin = page.get_by_role("link", name="Share on LinkedIn").get_attribute("href")
    assert parse_qs(urlparse(linkedin).query)["url"] == [CANONICAL]
    facebook = page.get_by_role("link", name="Share on Facebook").get_attribute("href")
    assert parse_qs(urlparse(facebook).query)["u"] == [CANONICAL]


def test_a_phone_downloads_small_modern_images(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    images = []
    page.on("response", lambda r: images.append(r.url) if "/images/" in r.url else None)
    page.goto(server + FLAGSHIP_URL, wait_until="networkidle")
    context.close()
    assert images, "the hero image should load"
    for url in images:
        assert url.endswith((".avif",)), url  # Chromium takes the first type it supports
        width = int(url.rsplit("-", 1)[1].split(".")[0])
        assert width <= 720, url  # 360 CSS px at DPR 2


def test_copy_link_copies_the_canonical_url(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + FLAGSHIP_URL)
    button = page.get_by_role("button", name="Copy link")
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == CANONICAL
    assert page.locator("[data-share-status]").text_content() == "Link copied."
    context.close()


def test_share_buttons_stay_hidden_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + FLAGSHIP_URL)
    assert page.get_by_role("button", name="Copy link").count() == 0
    assert page.get_by_role("link", name="Share on LinkedIn").is_visible()
    assert page.get_by_text("needs JavaScript").count() == 0  # that is the search page only
    page.goto(server + "/search/")
    assert page.get_by_text("needs JavaScript").is_visible()
    assert page.get_by_role("link", name="every post in the archives").is_visible()
    context.close()


def test_newsletter_form_posts_email_to_the_configured_action(browser, server):
    context = browser.new_context(java_script_enabled=False)  # it must work without JS
    page = context.new_page()
    posted = []

    def mailchimp(route):
        posted.append((route.request.url, route.request.method, route.request.post_data))
        route.fulfill(status=200, content_type="text/html", body="<p>Thanks</p>")

    page.route("https://kpstudios.us21.list-manage.com/**", mailchimp)
    page.goto(server + FLAGSHIP_URL)
    page.get_by_label("Email address").fill("reader@example.com")
    page.get_by_label("First name").fill("Ada")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_load_state()
    context.close()
    assert len(posted) == 1
    url, method, body = posted[0]
    assert method == "POST"
    assert url.startswith("https://kpstudios.us21.list-manage.com/subscribe/post?u=")
    fields = parse_qs(body, keep_blank_values=True)
    assert fields["EMAIL"] == ["reader@example.com"] and fields["FNAME"] == ["Ada"]
    assert fields["b_0a1b2c3d4e5f_6a7b8c9d0e"] == [""]


def test_search_finds_the_flagship_post_by_a_word_from_its_body(page, server):
    page.goto(server + "/search/")
    page.get_by_label("Search for").fill("uncanny")
    page.get_by_role("button", name="Search").click()
    result = page.locator("[data-search-results] a").first
    result.wait_for()
    assert result.get_attribute("href") == FLAGSHIP_URL
    assert page.locator("[data-search-status]").text_content() == "1 post matches “uncanny”."
    highlighted = page.locator("[data-search-results] mark").first.text_content()
    assert highlighted.lower().startswith("uncanny")
    assert external(page, server) == []
    page.goto(server + "/search/?q=uncanny")  # a shared search link works too
    page.locator("[data-search-results] a").first.wait_for()


@pytest.fixture(scope="module")
def split_site(reader_site, tmp_path_factory):
    """The reader site indexed one page per part: how a site past the limit is searched."""
    output = tmp_path_factory.mktemp("split") / "output"
    shutil.copytree(reader_site, output, ignore=shutil.ignore_patterns(search.BUNDLE_DIR))
    settings = {"OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / "cache")}
    search.build_index(SimpleNamespace(settings={**settings, "KP_SEARCH_PAGES_PER_BUNDLE": 1}))
    return output


def search_results(page, url: str) -> tuple[str, list[str]]:
    page.goto(url)
    status = page.locator("[data-search-status]")
    status.filter(has_text="match").wait_for()
    links = page.locator("[data-search-results] h2 a")
    return status.text_content(), sorted(
        links.nth(i).get_attribute("href") for i in range(links.count())
    )


def test_an_index_in_parts_finds_what_one_bundle_finds(browser, server, split_site):
    """The merged search of a split index must equal the single bundle's."""
    parts = search.parts_of(split_site / search.BUNDLE_DIR)
    assert len(parts) >= 1  # the first part plus at least one merged in
    searchable = {
        "/" + page.removesuffix("index.html")
        for part in search.plan(split_site, 1)
        for page in part.pages
    }
    context = browser.new_context()
    page = context.new_page()
    problems, requests = [], []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(urlparse(r.url).path))
    found = set()
    with running_server(split_site) as split:
        for query in ("uncanny", "studio", "headshot", "wear"):
            whole = search_results(page, f"{server}/search/?q={query}")
            merged = search_results(page, f"{split}/search/?q={query}")
            assert merged == whole, query
            found.update(whole[1])
    context.close()
    assert not problems, problems
    assert found == searchable  # so results came from every part
    # Every part's index was read; the program (JS, WebAssembly) only from the first part.
    for part in parts:
        assert f"/pagefind/{part}pagefind-entry.json" in requests
    programs = [path for path in requests if path.endswith((".js", ".pagefind"))]
    assert not [path for path in programs if "/part-" in path], programs
