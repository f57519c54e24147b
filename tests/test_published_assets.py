"""The publish build ships each theme stylesheet and script once, under its fingerprinted
name, and nothing it ships refers to a file that is not there."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.sitebuild import html_pages, soup

SITEURL = "https://kpstudios.example"  # publishconf.PUBLISH_SITEURL
FINGERPRINTED = re.compile(r"\.[0-9a-f]{10}\.(css|m?js)$")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def local_target(output: Path, base: Path, reference: str) -> Path | None:
    """The file a reference made in ``base`` (a file in ``output``) loads, or None when it
    leaves the site (another host, ``mailto:``, ``data:``) or is a bare fragment."""
    reference = reference.strip()
    if reference.startswith(SITEURL + "/"):
        reference = reference[len(SITEURL) :]
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    target = output / path.lstrip("/") if path[:1] == "/" else (base.parent / path).resolve()
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def test_no_plain_copy_of_a_fingerprinted_stylesheet_or_script_is_shipped(published_site):
    theme = published_site / "theme"
    shipped = [
        path.relative_to(theme).as_posix()
        for path in sorted(theme.rglob("*"))
        if path.suffix in (".css", ".js", ".mjs")
    ]
    assert shipped, "the publish build has no stylesheet or script at all"
    plain = [name for name in shipped if not FINGERPRINTED.search(name)]
    assert plain == [], f"unfingerprinted copies shipped beside the hashed ones: {plain}"


def test_every_page_and_stylesheet_refers_only_to_files_that_exist(published_site):
    missing = []
    checked = 0
    for page in html_pages(published_site):
        html = soup(page)
        for tag in html.find_all(True):
            references = [tag.get(name) for name in ("href", "src", "poster") if tag.get(name)]
            for name in ("srcset", "imagesrcset"):
                references += [item.split()[0] for item in tag.get(name, "").split(",") if item]
            if tag.name == "meta" and tag.get("property") in ("og:image", "og:image:url"):
                references.append(tag.get("content", ""))
            for reference in references:
                target = local_target(published_site, page, reference)
                if target is not None:
                    checked += 1
                    if not target.is_file():
                        missing.append(f"{page.relative_to(published_site)}: {reference}")
    for sheet in sorted(published_site.rglob("*.css")):
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8")):
            reference = match.group(1) or match.group(2)
            target = local_target(published_site, sheet, reference)
            if target is not None:
                checked += 1
                if not target.is_file():
                    missing.append(f"{sheet.relative_to(published_site)}: {reference}")
    assert checked > 100, f"only {checked} references found: is the page parsing broken?"
    assert missing == [], "references to files the publish build does not ship:\n" + "\n".join(
        missing
    )
