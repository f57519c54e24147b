"""Hostile strings in every author-supplied field come out as text, never as markup.

One site is built with a post per hostile string, that string in every field a template
shows (title, summary, tags, category, author, lead image alt, page title and summary,
the call to action's Cta_* overrides, the comparison's caption, alts and labels, the
inline consultation block, and the studio's own texts in the settings). Then:

* every page is parsed: no inline script, no ``on...=`` attribute, no ``javascript:``
  URL, no injected ``<img src=x>``, and the hostile text is still there, as text;
* every page is opened in headless Chromium with the production security headers: no
  dialog opens, no injected code runs and no Content-Security-Policy violation is
  reported.
"""

from __future__ import annotations

import copy
import json

import pytest
from bs4 import BeautifulSoup

from pelicanconf import STUDIO
from sitetools.chromium import launched
from sitetools.headers import security_headers
from sitetools.serve import running_server
from tests.sitebuild import build_site

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)<b>",
    "</script><script>alert(1)</script>",
    "' onmouseover='alert(1)' x='",
]
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "srcset")


def hostile_post(number: int, value: str) -> str:
    # Categories, tags and authors need a word to get a web address (else: an author
    # error), so the hostile string follows one.
    return (
        f"Title: Post {number} {value}\n"
        f"Date: 2026-01-0{number}\n"
        f"Category: Evil {value}\n"
        f"Tags: Evil {value}, safe tag\n"
        f"Author: Evil {value}\n"
        f"Slug: hostile-{number}\n"
        f"Summary: {value}\n"
        "Image: images/blog/portrait.jpg\n"
        f"Image_alt: {value}\n"
        f"Cta_headline: {value}\n"
        f"Cta_text: {value}\n"
        f"Cta_label: {value}\n"
        "\n"
        "An ordinary paragraph written by an ordinary author.\n"
        "\n"
        # JSON strings are YAML strings: the block bodies get the exact hostile text.
        f"/// compare | Caption {value}\n"
        "before: images/blog/portrait.jpg\n"
        f"before_alt: {json.dumps(value)}\n"
        "after: images/blog/portrait-edited.jpg\n"
        f"after_alt: {json.dumps('After ' + value)}\n"
        f"labels: [{json.dumps('Before ' + value)}, {json.dumps('After ' + value)}]\n"
        "diff: false\n"
        "///\n"
        "\n"
        "/// consultation\n"
        f"headline: {json.dumps('Inline ' + value)}\n"
        f"text: {json.dumps(value)}\n"
        f"label: {json.dumps(value)}\n"
        "///\n"
    )


def hostile_studio() -> dict:
    studio = copy.deepcopy(STUDIO)
    value = HOSTILE[1]
    studio["tagline"] = value
    studio["promise"] = HOSTILE[0]
    studio["consultation"]["label"] = HOSTILE[3]
    studio["consultation"]["headline"] = value
    studio["consultation"]["text"] = HOSTILE[4]
    studio["address"]["street"] = HOSTILE[0]
    studio["services"][0]["name"] = value
    studio["social"][0]["name"] = HOSTILE[3]
    return studio


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("xss")
    files = {f"blog/hostile-{n}.md": hostile_post(n, v) for n, v in enumerate(HOSTILE, 1)}
    files["pages/hostile-page.md"] = (
        f"Title: Page {HOSTILE[3]}\nSlug: hostile-page\nSummary: {HOSTILE[1]}\n\nText.\n"
    )
    result = build_site(tmp_path, files, STUDIO=hostile_studio(), SITENAME=HOSTILE[1])
    assert result.ok, "hostile text must be escaped, not refused:\n" + "\n".join(result.problems)
    return result.output


def plain(text: str) -> str:
    """Undo typography: curly quotes and no-break spaces back to plain ones."""
    return text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\xa0": " "}))


def pages(root):
    return sorted(root.rglob("*.html"))


def test_the_hostile_site_has_a_page_for_every_field(hostile_site):
    names = {str(p.relative_to(hostile_site)) for p in pages(hostile_site)}
    for number in range(1, len(HOSTILE) + 1):
        assert f"blog/hostile-{number}/index.html" in names
    assert any(name.startswith("blog/tag/") for name in names)
    assert any(name.startswith("blog/category/") for name in names)
    assert any(name.startswith("blog/author/") for name in names)


def test_no_page_contains_markup_from_a_hostile_string(hostile_site):
    for page in pages(hostile_site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        where = page.relative_to(hostile_site)
        for script in soup.find_all("script"):
            if script.get("type") in ("application/ld+json", "application/json"):
                json.loads(script.string)  # data, and still valid JSON
                continue
            assert script.get("src"), f"inline script in {where}: {script}"
        for element in soup.find_all(True):
            for attribute, value in element.attrs.items():
                assert not attribute.lower().startswith("on"), f"{where}: {element}"
                if attribute in URL_ATTRIBUTES:
                    text = " ".join(value) if isinstance(value, list) else value
                    assert not text.strip().lower().startswith("javascript:"), f"{where}"
        assert not soup.find("img", src="x"), f"{where}: an injected <img> survived"


@pytest.mark.parametrize("number", range(1, len(HOSTILE) + 1))
def test_hostile_values_are_shown_as_text(hostile_site, number):
    value = HOSTILE[number - 1]
    page = hostile_site / f"blog/hostile-{number}/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    # Attributes keep the author's exact text; the parser undoes the escaping.
    assert soup.find("img", class_="lead-image")["alt"] == value
    assert f"Evil {value}" in [a.get_text() for a in soup.select("a[rel~=tag]")]
    assert soup.select_one(".post__meta a").get_text() == f"Evil {value}"
    # Titles are text (tags stripped from Pelican's HTML title), so nothing to run.
    assert soup.find("h1").get_text().replace("\xa0", " ").startswith(f"Post {number}")
    # The studio blocks and the call to action (kp_studio).
    figure = soup.select_one("figure.kp-compare")
    assert figure.figcaption.get_text(" ", strip=True).replace("\xa0", " ").startswith("Caption")
    before, after = figure.select("img.kp-compare__img")
    assert (before["alt"], after["alt"]) == (value, f"After {value}")
    # Labels get typography (curly quotes), like every piece of author prose.
    labels = [plain(label.get_text()) for label in figure.select(".kp-compare__label")]
    assert labels == [f"Before {value}", f"After {value}"]
    inline = soup.select_one(".cta--inline")
    assert inline.select_one(".cta__headline").get_text().replace("\xa0", " ").startswith("Inline")
    assert inline.select_one(".cta__text").get_text(strip=True) != ""
    closing = soup.select_one("section.cta")
    assert closing is not None and closing.select_one(".cta__headline").get_text(strip=True)
    # Nowhere in the file, not even in a <title> or JSON-LD, does the raw string appear.
    assert value not in page.read_text(encoding="utf-8")


def test_hostile_summaries_are_text_in_lists_and_meta(hostile_site):
    index = BeautifulSoup((hostile_site / "blog/index.html").read_text(), "html.parser")
    summaries = index.select(".card__summary")
    assert len(summaries) >= len(HOSTILE)
    for summary in summaries:
        assert summary.find(True) is None, f"markup inside a summary: {summary}"


def test_a_browser_runs_nothing_and_reports_no_csp_violation(hostile_site):
    headers = security_headers(STUDIO)
    urls = ["/", "/blog/", "/hostile-page/"] + [
        "/" + str(p.relative_to(hostile_site).parent) + "/"
        for p in pages(hostile_site)
        if p.name == "index.html" and p.parent != hostile_site
    ]
    dialogs: list[str] = []
    problems: list[str] = []
    with running_server(hostile_site, headers=headers) as base, launched() as browser:
        page = browser.new_page()
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for url in sorted(set(urls)):
            response = page.goto(base + url, wait_until="load")
            assert response.status == 200, url
            page.wait_for_timeout(50)
            state = page.evaluate(
                """() => ({
                  violations: window.__violations,
                  inline: [...document.scripts].filter(s => !s.src &&
                      !/json/.test(s.type)).length,
                  handlers: [...document.querySelectorAll('*')].flatMap(e =>
                      [...e.attributes].filter(a => /^on/i.test(a.name)).map(a => a.name)),
                  injected: document.querySelectorAll('img[src="x"]').length,
                })"""
            )
            if state["violations"] or state["inline"] or state["handlers"] or state["injected"]:
                problems.append(f"{url}: {state}")
    assert len(urls) > 10
    assert dialogs == []
    assert problems == []
