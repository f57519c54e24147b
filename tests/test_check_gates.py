"""The quality gates catch every fault they exist for, and a clean site passes them all.

Two tiny sites are written into tmp dirs: a clean one, and a broken one with one fault per page
(missing alt, broken link and #anchor, inline script, third-party image, console error, invalid
HTML, sideways scrolling and a mobile-only fault at 320 px, a broken lazy image far down).
Each site is checked once (module-scoped fixtures) because a run starts Java and Chromium.
"""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from sitetools.check import CHECKS, run_checks
from sitetools.check.__main__ import main
from sitetools.check.links import LinkWalker, srcset_urls
from sitetools.check.pages import discover_pages, normalise_page
from sitetools.check.report import Report
from sitetools.check.server import SiteServer
from sitetools.security import content_security_policy, security_headers

# A newsletter the settings layer accepts (an https action and its honeypot): only then is
# its host in the policy's form-action.
STUDIO = {
    "newsletter": {
        "action": "https://kpstudios.us21.list-manage.com/subscribe/post?u=1",
        "honeypot": "b_1_2",
    }
}
SITE_URL = "https://kpstudios.example"

CSS = """
body { font: 1rem/1.5 sans-serif; color: #222; background: #fff; margin: 0 1rem; }
a { color: #0645ad; display: inline-block; min-height: 24px; min-width: 24px; }
img { max-width: 100%; height: auto; }
.spacer { height: 6000px; }
.wide { width: 600px; }
.mobile-only { display: none; }
@media (max-width: 600px) { .mobile-only { display: block; } }
"""


def page_html(title: str, body: str, head: str = "") -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/css/site.css">
{head}
</head>
<body>
<header><nav aria-label="Main"><a href="/">Home</a> <a href="/about/">About</a></nav></header>
<main id="content">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_images(root: Path) -> None:
    (root / "img").mkdir(parents=True, exist_ok=True)
    for name, width in (("portrait-400.png", 40), ("portrait-800.png", 80)):
        Image.new("RGB", (width, width), (120, 90, 60)).save(root / "img" / name)


def build_clean_site(root: Path) -> None:
    write_images(root)
    write(root, "css/site.css", CSS)
    write(root, "js/site.js", "document.documentElement.classList.add('js');\n")
    write(
        root,
        "index.html",
        page_html(
            "kp studios",
            """<p>Portraits in Brooklyn. Read <a href="/about/#team">about the team</a>.</p>
<img src="/img/portrait-400.png" srcset="/img/portrait-400.png 400w, /img/portrait-800.png 800w"
  sizes="100vw" width="400" height="400" alt="A studio portrait against a grey backdrop">
<div class="spacer"></div>
<img src="/img/portrait-800.png" loading="lazy" width="80" height="80" alt="A second portrait">
<script src="/js/site.js" defer></script>""",
            head=f'<link rel="canonical" href="{SITE_URL}/">',
        ),
    )
    write(
        root,
        "about/index.html",
        page_html(
            "About",
            """<h2 id="team">The team</h2><p>Two photographers and a lot of light.</p>
<p><a href="https://www.instagram.com/" rel="noopener noreferrer">Instagram</a></p>""",
        ),
    )
    write(root, "404.html", page_html("Page not found", "<p>Try the home page.</p>"))


BROKEN_PAGES = {
    "missing-alt/index.html": '<img src="/img/portrait-400.png" width="40" height="40">',
    "broken-link/index.html": """<p><a href="/nowhere/">A page that is gone</a></p>
<p><a href="/about/#no-such-anchor">A missing anchor</a></p>""",
    "inline-script/index.html": "<p>Hello.</p><script>document.title = 'changed';</script>",
    "third-party/index.html": '<img src="https://images.example.com/p.jpg" alt="A portrait">',
    "console-error/index.html": '<p>Hello.</p><script src="/js/error.js" defer></script>',
    "invalid-html/index.html": '<p data-ok="1" colour="red">Hello.</p>',
    "wide/index.html": '<p class="wide">This paragraph is 600 px wide.</p>',
    "mobile-only/index.html": '<button class="mobile-only" type="button"></button><p>Hi.</p>',
    "lazy/index.html": """<p>Far below is an image that only loads once scrolled to.</p>
<div class="spacer"></div>
<img src="/img/deleted.png" loading="lazy" width="40" height="40" alt="A deleted portrait">""",
}


def build_broken_site(root: Path) -> None:
    build_clean_site(root)
    write(root, "js/error.js", "console.error('kp-test console error');\nnull.boom();\n")
    for relative, body in BROKEN_PAGES.items():
        write(root, relative, page_html(relative.split("/")[0], body))


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clean") / "output"
    build_clean_site(root)
    return root


@pytest.fixture(scope="module")
def broken_report(tmp_path_factory) -> Report:
    root = tmp_path_factory.mktemp("broken") / "output"
    build_broken_site(root)
    # No screenshots: a full-page screenshot would load lazy images even without scrolling.
    return run_checks(root, screenshots_dir=None, studio_settings=STUDIO)


def details(report: Report, page: str, check: str) -> str:
    return "\n".join(f"{f.element} {f.detail}" for f in report.findings_for(page, check))


def failed_checks(report: Report, page: str) -> set[str]:
    return {check for (failed_page, check) in report.failed_results if failed_page == page}


# --- the single source of the CSP ------------------------------------------------------------


def test_csp_is_strict_and_names_the_newsletter_host():
    policy = content_security_policy(STUDIO)
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert "unsafe-inline" not in policy
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["style-src"] == "'self'"
    assert directives["form-action"] == "'self' https://kpstudios.us21.list-manage.com"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_csp_leaves_out_a_newsletter_action_that_is_not_https():
    insecure = {"newsletter": {"action": "http://lists.example/subscribe"}}
    assert "lists.example" not in content_security_policy(insecure)
    assert content_security_policy(insecure) == content_security_policy(None)


# --- server, pages, report --------------------------------------------------------------------


def test_server_maps_directories_serves_404_page_and_sends_the_csp(clean_site):
    with SiteServer(clean_site, STUDIO) as server:
        with urllib.request.urlopen(f"{server.url}/about/") as response:
            assert response.status == 200
            assert b"The team" in response.read()
            assert response.headers["Content-Security-Policy"] == content_security_policy(STUDIO)
            for name, value in security_headers(STUDIO).items():
                assert response.headers[name] == value
        with urllib.request.urlopen(f"{server.url}/css/site.css") as response:
            assert response.headers.get_content_type() == "text/css"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{server.url}/no/such/page/")
        assert missing.value.code == 404
        assert b"Page not found" in missing.value.read()
        assert "Content-Security-Policy" in missing.value.headers


def test_pages_are_named_by_url_path(clean_site):
    assert discover_pages(clean_site) == ["/", "/404.html", "/about/"]
    assert normalise_page("blog/x") == "/blog/x/"
    assert normalise_page("/404.html") == "/404.html"


def test_links_treat_the_production_origin_as_the_site(clean_site):
    with SiteServer(clean_site) as server:
        walker = LinkWalker(server.url, SITE_URL)
        assert walker.local_url(f"{SITE_URL}/about/?x=1") == f"{server.url}/about/?x=1"
        assert walker.local_url("https://other.example/about/") is None
        report = Report(pages=["/"])
        walker.check_page("/", report)  # its canonical link is absolute, on SITE_URL
        assert report.ok, report.render()
        gone = BeautifulSoup(f'<a href="{SITE_URL}/gone/">x</a>', "html.parser").a
        walker.check_url("/", gone, "href", gone["href"], f"{server.url}/", report)
        assert f"href {SITE_URL}/gone/ answers 404" in report.render()


def test_srcset_urls():
    assert srcset_urls("/a.png 400w, /b.png 800w") == ["/a.png", "/b.png"]
    assert srcset_urls("/a.png") == ["/a.png"]


def test_report_counts_page_check_results_and_ends_with_the_summary():
    report = Report(pages=["/", "/about/"])
    report.add("/", "links", '<a href="/x/">', "href /x/ answers 404")
    report.add("/", "links", '<a href="/y/">', "href /y/ answers 404")
    report.add("/about/", "csp", "<script>", "blocked")
    text = report.render()
    assert text.splitlines()[-1] == f"{2 * len(CHECKS) - 2} passed, 2 failed"
    assert 'FAIL /  [links]  <a href="/x/">: href /x/ answers 404' in text
    assert not report.ok


# --- every gate catches its fault --------------------------------------------------------------


@pytest.mark.browser
def test_axe_reports_missing_alt(broken_report):
    for check in ("a11y", "a11y-320"):
        assert "image-alt" in details(broken_report, "/missing-alt/", check)


@pytest.mark.browser
def test_links_report_broken_link_and_broken_anchor(broken_report):
    found = details(broken_report, "/broken-link/", "links")
    assert "/nowhere/ answers 404" in found
    assert "no element with id='no-such-anchor'" in found
    assert failed_checks(broken_report, "/broken-link/") == {"links"}


@pytest.mark.browser
def test_inline_script_is_a_csp_violation(broken_report):
    found = details(broken_report, "/inline-script/", "csp")
    assert "script-src" in found and "document.title" in found
    assert failed_checks(broken_report, "/inline-script/") == {"csp"}


@pytest.mark.browser
def test_third_party_image_is_reported(broken_report):
    assert "https://images.example.com/p.jpg" in details(
        broken_report, "/third-party/", "third-party"
    )


@pytest.mark.browser
def test_console_error_and_uncaught_exception_are_reported(broken_report):
    found = details(broken_report, "/console-error/", "console")
    assert "kp-test console error" in found
    assert "uncaught exception" in found
    assert failed_checks(broken_report, "/console-error/") == {"console"}


@pytest.mark.browser
def test_validator_reports_invalid_html(broken_report):
    found = details(broken_report, "/invalid-html/", "html")
    assert "colour" in found and "line" in found
    assert failed_checks(broken_report, "/invalid-html/") == {"html"}
    # The missing alt is invalid HTML too, and is found on its own page only.
    assert "alt" in details(broken_report, "/missing-alt/", "html")


@pytest.mark.browser
def test_320px_checks_catch_sideways_scrolling_and_mobile_only_faults(broken_report):
    assert "the page scrolls sideways" in details(broken_report, "/wide/", "reflow-320")
    assert failed_checks(broken_report, "/wide/") == {"reflow-320"}
    # The nameless button is display:none at 1280 px, so only the 320 px axe run sees it.
    assert "button-name" in details(broken_report, "/mobile-only/", "a11y-320")
    assert failed_checks(broken_report, "/mobile-only/") == {"a11y-320"}


@pytest.mark.browser
def test_lazy_image_far_below_is_loaded_by_scrolling(broken_report):
    assert "/img/deleted.png" in details(broken_report, "/lazy/", "requests")


@pytest.mark.browser
def test_broken_report_fails_and_names_page_check_and_element(broken_report):
    text = broken_report.render()
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed", text.splitlines()[-1])
    assert 'FAIL /broken-link/  [links]  <a href="/nowhere/">' in text
    # The pages without faults pass every check.
    for page in ("/", "/about/", "/404.html"):
        assert failed_checks(broken_report, page) == set(), broken_report.render()


# --- a clean site passes -----------------------------------------------------------------------


@pytest.mark.browser
def test_clean_site_passes_every_gate_with_screenshots(clean_site, tmp_path):
    shots = tmp_path / "output-check"
    report = run_checks(
        clean_site, screenshots_dir=shots, studio_settings=STUDIO, site_url=SITE_URL
    )
    assert report.render().splitlines()[-1] == f"{3 * len(CHECKS)} passed, 0 failed", (
        report.render()
    )
    for name in ("home", "about", "404"):
        for width in ("desktop", "mobile"):
            assert (shots / f"{name}--{width}.png").stat().st_size > 1000


@pytest.mark.browser
def test_cli_checks_one_page_and_exits_by_result(clean_site, tmp_path, capsys):
    shots = tmp_path / "shots"
    assert main([str(clean_site), "--page", "/about/", "--screenshots", str(shots)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == f"{len(CHECKS)} passed, 0 failed"
    assert (shots / "report.txt").read_text().splitlines()[-1] == out.splitlines()[-1]
    assert sorted(p.name for p in shots.glob("*.png")) == [
        "about--desktop.png",
        "about--mobile.png",
    ]
    assert main([str(clean_site), "--page", "/no-such-page/", "--screenshots", str(shots)]) == 1
