"""The real site under the setups a real studio has, every page's links and assets checked.

Each setup builds the real content (every block, every page type) with one change a studio
makes: its booking runs on an external scheduler, the site lives under a path (a GitHub
project page), the newsletter is off, there is no phone, email or social profile, or the
pages use relative URLs. Then every URL every page writes is resolved the way a browser
would, against the page's public address, and must:

* be one URL (``https://kpstudios.examplehttps://calendly.com/...`` was a real bug);
* if it is on the site's own origin, stay under the site's path and name a file that exists;
* if it leaves the site, be a link the reader follows (never an image, script, style or
  frame loaded on page view) with ``rel="noopener"``.

The site under a path is also loaded in Chromium from a local server
(``test_setups_browser.py``: its own build, in its own file so pytest-xdist runs it beside
this one): no request may leave the path.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from pelicanconf import STUDIO
from sitetools.check.links import srcset_urls
from sitetools.check.pages import url_path_for
from sitetools.production import production_steps
from tests.sitebuild import build_into

ROOT = Path(__file__).resolve().parent.parent
SCHEDULER = "https://calendly.com/kpstudios/15-minute-consultation"

# Attributes that load something when the page is viewed, by tag; links are followed only
# when the reader asks.
LOADS = {
    "img": ("src",),
    "script": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "audio": ("src",),
}
FOLLOWS = {"a": ("href",), "area": ("href",), "form": ("action",)}
SRCSET = ("img", "source")
# <link rel=canonical|alternate> name our own pages; a stylesheet or icon loads.
META = ("og:image", "og:url", "twitter:image")


def _studio(**changes) -> dict:
    studio = copy.deepcopy(STUDIO)
    for path, value in changes.items():
        *parents, key = path.split(".")
        target = studio
        for parent in parents:
            target = target[parent]
        if value is KeyError:
            target.pop(key, None)
        else:
            target[key] = value
    return studio


NO_CONTACT = _studio(
    contact=KeyError, social=[], **{"consultation.phone": KeyError, "consultation.email": KeyError}
)

SETUPS = {
    "external scheduler": {"STUDIO": _studio(**{"consultation.url": SCHEDULER})},
    "site under a path": {"SITEURL": "https://user.github.io/kp-site"},
    "newsletter off": {"STUDIO": _studio(**{"newsletter.action": ""})},
    "no phone, no email, no social profiles": {"STUDIO": NO_CONTACT},
    "relative URLs": {"RELATIVE_URLS": True},
}


def build_setup(workdir: Path, overrides: dict, caches: dict, settings: str = "pelicanconf.py"):
    steps = production_steps(str(ROOT / settings)) if settings == "publishconf.py" else ()
    result = build_into(
        workdir / "output", settings=settings, after_build=steps, **caches, **overrides
    )
    assert result.ok, "the build reported problems:\n" + "\n".join(result.problems)
    return result.output


def page_address(output: Path, html: Path, base: str) -> str:
    """Where a reader's browser has the page: its clean URL path (as the gates name it),
    under ``base``."""
    return base + url_path_for(output, html)


def urls_of(soup: BeautifulSoup):
    """(tag, attribute, URL, loads on view) for every URL in a page."""
    for tag in soup.find_all(True):
        for attribute in LOADS.get(tag.name, ()):
            if tag.get(attribute):
                yield tag, attribute, tag[attribute], True
        for attribute in FOLLOWS.get(tag.name, ()):
            if tag.get(attribute):
                yield tag, attribute, tag[attribute], False
        if tag.name in SRCSET and tag.get("srcset"):
            for url in srcset_urls(tag["srcset"]):
                yield tag, "srcset", url, True
        if tag.name == "link" and tag.get("href"):
            rel = set(tag.get("rel", []))
            yield tag, "href", tag["href"], bool(rel & {"stylesheet", "icon", "preload"})
        if tag.name == "meta" and tag.get("property", tag.get("name")) in META:
            yield tag, "content", tag["content"], False


def target_file(output: Path, path: str) -> Path:
    candidate = output / unquote(path).lstrip("/")
    return candidate / "index.html" if path.endswith("/") or candidate.is_dir() else candidate


def link_problems(output: Path, base: str) -> list[str]:
    """Every URL of every page checked as the module docstring says; one line per problem."""
    origin = urlsplit(base)
    prefix = origin.path.rstrip("/") + "/"
    problems = []
    for html in sorted(output.rglob("*.html")):
        if html.name == "404.html":  # served at any address: checked by the gates
            continue
        page = page_address(output, html, base)
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute, url, loads in urls_of(soup):
            where = f"{html.relative_to(output)}: <{tag.name} {attribute}={url!r}>"
            if re.search(r"[a-z]://.*[a-z]://", url):
                problems.append(f"{where}: two URLs glued together")
                continue
            resolved = urlsplit(urljoin(page, url))
            if resolved.scheme in ("mailto", "tel"):
                continue
            if (resolved.scheme, resolved.netloc) == (origin.scheme, origin.netloc):
                if not resolved.path.startswith(prefix):
                    problems.append(f"{where}: leaves the site's path {prefix}")
                elif not target_file(output, resolved.path[len(prefix) :]).is_file():
                    problems.append(f"{where}: no such file in the output")
                continue
            if loads:
                problems.append(f"{where}: loads from another host on page view")
            elif tag.name == "a" and "noopener" not in tag.get("rel", []):
                problems.append(f'{where}: an external link without rel="noopener"')
    return problems


def public_base(overrides: dict) -> str:
    siteurl = overrides.get("SITEURL")
    if siteurl:
        return siteurl
    if overrides.get("RELATIVE_URLS"):
        # Relative URLs must work wherever the folder is served: put it somewhere deep.
        return "http://localhost:8000/some/folder/kp"
    return "http://localhost:8000"


@pytest.mark.parametrize("name", SETUPS)
def test_every_link_and_asset_holds_under_the_setup(tmp_path, image_caches, name):
    overrides = SETUPS[name]
    output = build_setup(tmp_path, overrides, image_caches)
    assert link_problems(output, public_base(overrides)) == []
    pages = {p.relative_to(output).as_posix(): p.read_text("utf-8") for p in output.rglob("*.html")}
    everything = "\n".join(pages.values())
    if name == "external scheduler":
        soup = BeautifulSoup(pages["index.html"], "html.parser")
        booking = soup.find_all("a", href=SCHEDULER)
        assert len(booking) >= 2  # the header button and the home page's call to action
        assert all({"noopener", "noreferrer"} <= set(a["rel"]) for a in booking)
        flagship = BeautifulSoup(pages[FLAGSHIP], "html.parser")
        assert flagship.select_one(".cta a.button")["href"] == SCHEDULER
        assert "/book-a-consultation/" not in str(soup.select_one(".site-header"))
    elif name == "newsletter off":
        assert 'class="newsletter"' not in everything
        assert "list-manage.com" not in everything
    elif name == "no phone, no email, no social profiles":
        # What the theme writes from STUDIO (an author may still type a number in a page).
        for html in pages.values():
            page = BeautifulSoup(html, "html.parser")
            for part in page.select(".site-footer, .cta"):
                assert not part.select('a[href^="tel:"], a[href^="mailto:"], a[rel~="me"]')
            assert not page.select(".cta__alternatives")
        assert not BeautifulSoup(pages["index.html"], "html.parser").select("address.contact a")
    elif name == "site under a path":
        assert 'href="/' not in everything and 'src="/' not in everything
    elif name == "relative URLs":
        assert not re.search(r'(?:href|src|srcset)="/(?!/)', everything)


FLAGSHIP = "blog/ai-headshots-vs-professional-photographer/index.html"


def test_the_publish_build_under_a_path(tmp_path, image_caches, monkeypatch):
    """GitHub Pages for a project: publishconf.py, SITEURL with a path, minified output."""
    monkeypatch.setenv("SITEURL", "https://user.github.io/kp-site")
    output = build_setup(tmp_path, {}, image_caches, settings="publishconf.py")
    assert link_problems(output, "https://user.github.io/kp-site") == []
    feed = (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "https://user.github.io/kp-site/blog/" in feed
