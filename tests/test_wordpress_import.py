"""invoke import-wordpress on exports generated here, then the site built from the result.

One import of two exports (the studio-like blog, and the theme unit test's classes of edge
cases, see ``wordpress_export``) into a copy of the real content, one build, then: what the
report lists, what the files say, the quality gates on the imported pages and the redirect
stubs, nginx answering the old addresses with 301s, and Chromium landing on the new page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest
from kp_common import redirects as redirects_data

from sitetools import headers
from sitetools.build import load_settings
from sitetools.chromium import launched
from sitetools.serve import running_server
from sitetools.wordpress import import_wordpress
from tests.servers import free_port, nginx
from tests.sitebuild import ROOT, build_ok
from tests.wordpress_export import LONG_CATEGORY, studio_export, theme_unit_export

SETTINGS = load_settings(ROOT / "pelicanconf.py")


def _fresh_content(folder: Path) -> Path:
    """The real content (so menus and pages exist), as a site that never had redirects."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "data" / "redirects.yaml").unlink()
    return content


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wordpress")
    content = _fresh_content(folder)
    export, uploads = studio_export(folder)
    studio = import_wordpress(export, content, SETTINGS, uploads)
    theme = import_wordpress(theme_unit_export(folder), content, SETTINGS)
    output = folder / "output"
    build_ok("pelicanconf.py", output, PATH=str(content), CACHE_PATH=str(folder / "cache"))
    return {"content": content, "output": output, "studio": studio, "theme": theme,
            "folder": folder, "export": export, "uploads": uploads}  # fmt: skip


def _front(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


def _needs(report) -> set[tuple[str, str]]:
    """(file name, the problem's first words) for everything that keeps a post a draft."""
    return {(Path(path).name, " ".join(problem.split()[:4])) for path, _, problem in
            report.needs_a_human()}  # fmt: skip


def test_report_lists_exactly_what_needs_a_human(imported):
    studio, theme = imported["studio"], imported["theme"]
    long_slug = "team-day-northwind-northwind-northwind-northwind-northwind-northwind-northwind.md"
    assert _needs(studio) == {
        ("where-to-find-us.md", "A script was removed:"),
        ("where-to-find-us.md", "An embedded page (iframe)"),
        (long_slug, "The image images/wordpress/2023/08/no-alt-1024x683.jpg has"),
        (long_slug, "The image 2023/07/gone.jpg is"),
        (long_slug, "The image hotlinked.jpg is"),
        ("half-written-idea.md", "Kept as a draft:"),
        ("private-notes.md", "Kept as a draft:"),
        ("awaiting-review.md", "Kept as a draft:"),
    }
    assert _needs(theme) == {
        ("edge-case-no-content.md", "It was empty in"),
        ("edge-case-no-title.md", "This post had no"),
        ("markup-image-alignment.md", "The image 2013/03/image-alignment-580x300.jpg is"),
        ("template-password-protected.md", "It was password-protected in"),
        ("scheduled.md", "Kept as a draft:"),
    }
    assert len(studio.published) == 3 and len(studio.drafts) == 5
    assert theme.skipped == {"nav_menu_item": 2}
    # Every listed problem points at its line: the line holds the comment or the key.
    for report in (studio, theme):
        for item in report.drafts:
            lines = item.path.read_text(encoding="utf-8").splitlines()
            for issue in item.blocking:
                assert issue.line, issue
                line = lines[issue.line - 1]
                assert issue.marker.strip() in line, (item.path.name, issue.line, line)
    text = studio.render()
    assert "8 imported (7 posts, 1 pages): 3 published, 5 left as drafts." in text
    assert "where-to-find-us.md:" in text and "What to do:" in text


def test_reference_post_becomes_our_markup(imported):
    content = imported["content"]
    post = content / "blog" / "navigating-the-choice.md"
    front = _front(post)
    assert front["Category"] == "Headshots"  # the first; WordPress's "Uncategorized" dropped
    assert front["Tags"] == "AI"  # the other category; "ai"/"headshots" tags are the same slugs
    assert front["Image"] == "images/wordpress/2023/08/studio-lead.jpg"
    assert front["Image_alt"] == "The studio's grey backdrop and two softboxes"
    assert front["Summary"].startswith("In an age where technology")
    assert "Status" not in front
    body = post.read_text(encoding="utf-8")
    assert (
        "/// video | AI-Generated Photoshop Edits\nurl: https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        in body
    )
    assert "<iframe" not in body and "style=" not in body and "class=" not in body
    assert "<figcaption>Dana, halfway through her session</figcaption>" in body
    assert "/// gallery | Gallery" in body and '"Tom in a navy jacket"' in body
    assert "[what to wear]({filename}/blog/what-to-wear.md)" in body
    # The size the post used, made from the original the backup kept (with WordPress's alt).
    from PIL import Image

    with Image.open(content / "images/wordpress/2023/08/dana-session-1024x683.jpg") as image:
        assert image.size == (1024, 683)
    tips = (content / "blog" / "what-to-wear.md").read_text(encoding="utf-8")
    assert _front(content / "blog" / "what-to-wear.md")["Summary"] == (
        "Colours, necklines &amp; fabrics that photograph well."
    )
    assert "url: https://www.youtube.com/watch?v=aqz-KE-bpKQ" in tips
    assert "url: https://vimeo.com/76979871" in tips
    assert (
        "![Inès in the café, smiling]({static}/images/wordpress/2023/09/Caf-Portrait-1.jpg)" in tips
    )


def test_theme_unit_edge_cases_import_safely(imported):
    content = imported["content"]
    many = _front(content / "blog" / "edge-case-many-categories.md")
    assert many["Category"] == "Classic" and "," not in many["Category"]
    assert "Child Category 39" in many["Tags"]
    long = _front(content / "blog" / "edge-case-long-category.md")["Category"]
    assert len(long) <= 60 and LONG_CATEGORY.startswith(long)
    alignment = (content / "blog" / "markup-text-alignment.md").read_text(encoding="utf-8")
    assert "style=" not in alignment and "Centred red." in alignment
    pages = {path.name for path in (content / "pages").glob("*.md")}
    assert {"greek.md", "page-with-comments.md"} <= pages
    assert "Επίπεδο" in (content / "pages" / "epipedo-2.md").read_text(encoding="utf-8") or any(
        "Επίπεδο" in (content / "pages" / name).read_text(encoding="utf-8") for name in pages
    )
    for path in content.rglob("*"):
        assert path.resolve().is_relative_to(content.resolve())
        assert len(path.name.encode()) < 120, path


def test_published_and_held_back_redirects(imported):
    redirects, errors = redirects_data.load(imported["content"] / "data" / "redirects.yaml")
    assert errors == []
    by_source = {r.source: r.target for r in redirects}
    assert by_source["/2023/08/14/navigating-the-choice/"] == "/blog/navigating-the-choice/"
    assert by_source["/?p=101"] == "/blog/navigating-the-choice/"
    assert by_source["/?page_id=108"] == "/studio-policies/"
    assert by_source["/greek/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-2/"].endswith("-2/")
    assert "/2023/10/06/private-notes/" not in by_source  # a draft: held back, commented out
    text = (imported["content"] / "data" / "redirects.yaml").read_text(encoding="utf-8")
    assert '  # - from: "/2023/10/06/private-notes/"' in text


def test_importing_again_changes_nothing(imported, tmp_path):
    before = {p: p.read_bytes() for p in imported["content"].rglob("*") if p.is_file()}
    again = import_wordpress(imported["export"], imported["content"], SETTINGS, imported["uploads"])
    assert again.items == [] and len(again.already_imported) == 8
    after = {p: p.read_bytes() for p in imported["content"].rglob("*") if p.is_file()}
    assert after == before


def test_the_real_site_keeps_its_flagship_redirect(tmp_path):
    """The studio's content already redirects the reference post's old address to our
    rewritten flagship: importing the export does not bring the old post in twice."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    export, uploads = studio_export(tmp_path)
    report = import_wordpress(export, content, SETTINGS, uploads)
    assert report.already_imported == [
        "Navigating the Choice: AI-Generate Headshots vs. Professional Photographer"
    ]
    assert not (content / "blog" / "navigating-the-choice.md").exists()


def test_site_builds_and_stubs_and_published_pages_pass_the_gates(imported):
    from sitetools.check import run_checks

    output = imported["output"]
    redirect = "/2023/08/14/navigating-the-choice/"
    stub = (output / redirect.strip("/") / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/blog/navigating-the-choice/">' in stub
    assert '<link rel="canonical" href="/blog/navigating-the-choice/">' in stub
    assert "<script" not in stub
    lines = (output / "_redirects").read_text(encoding="utf-8").splitlines()
    assert f"{redirect}  /blog/navigating-the-choice/  301!" in lines
    assert f"{redirect}  /blog/navigating-the-choice/  301" in lines
    assert "/  p=101  /blog/navigating-the-choice/  301!" in lines
    assert not (output / "blog" / "private-notes").exists()
    pages = [
        redirect,
        "/blog/navigating-the-choice/",
        "/blog/what-to-wear/",
        "/blog/edge-case-many-categories/",
        "/blog/markup-text-alignment/",
        "/blog/blocks-embeds/",
        "/studio-policies/",
    ]
    report = run_checks(output, pages, None, studio_settings=SETTINGS["STUDIO"])
    assert report.failed == 0, report.render()


@pytest.mark.server
def test_nginx_answers_old_addresses_with_301(imported, tmp_path):
    redirects, _ = redirects_data.load(imported["content"] / "data" / "redirects.yaml")
    port = free_port()
    conf = headers.render_nginx_conf(
        imported["output"], listen=f"127.0.0.1:{port}", redirects=redirects
    )
    with (
        nginx(tmp_path / "nginx", conf, port) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        for old in (
            "/2023/08/14/navigating-the-choice/",
            "/2023/08/14/navigating-the-choice",
            "/?p=101",
            "/?p=101&utm_source=newsletter",
        ):
            response = client.get(old)
            assert response.status_code == 301, old
            assert response.headers["location"] == "/blog/navigating-the-choice/", old
        greek = client.get("/greek/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-2/")
        assert greek.status_code == 301 and greek.headers["location"].endswith("-2/")
        assert client.get("/?page_id=108").headers["location"] == "/studio-policies/"
        assert client.get("/blog/navigating-the-choice/").status_code == 200
        assert client.get("/2023/10/06/private-notes/").status_code == 404  # held back
        assert client.get("/?p=999999").status_code == 200  # the home page, not a redirect
        assert "Content-Security-Policy" in client.get("/?p=101").headers


@pytest.mark.browser
def test_chromium_lands_on_the_new_page_from_a_stub(imported):
    """A host without redirects (GitHub Pages): only the stub page is there."""
    with running_server(imported["output"]) as base, launched() as browser:
        page = browser.new_page()
        page.goto(base + "/2023/08/14/navigating-the-choice/", wait_until="load")
        page.wait_for_url(base + "/blog/navigating-the-choice/", timeout=10_000)
        assert page.locator("h1").inner_text().startswith("Navigating the Choice")
        assert re.search(r"Navigating the Choice", page.title())
