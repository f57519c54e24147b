"""Quality gates: check every page of a built site the way CI must see it.

    run_checks(output_dir, pages=None, screenshots_dir="output-check") -> Report

serves ``output_dir`` locally with the production security headers and runs every gate on every
page (or on ``pages``, a list of URL paths such as ``/blog/x/``): HTML validity (Nu checker),
links and anchors, and, in headless Chromium, console errors, failed and third-party requests,
CSP violations, axe-core (WCAG 2.2 A/AA) at 1280 px and 320 px, and reflow at 320 px.
``python -m sitetools.check OUTPUT_DIR`` is the command-line form.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .browser import check_in_browser
from .links import check_links
from .pages import discover_pages, file_for, normalise_page
from .report import CHECKS, Finding, Report
from .server import SiteServer
from .validator import validate

__all__ = ["CHECKS", "Finding", "Report", "run_checks"]


def run_checks(
    output_dir: Path | str,
    pages: list[str] | None = None,
    screenshots_dir: Path | str | None = "output-check",
    *,
    studio_settings: dict | None = None,
    site_url: str | None = None,
) -> Report:
    """Check ``pages`` (default: every HTML page) of the built site in ``output_dir``.

    ``studio_settings`` (the STUDIO dict) shapes the CSP the pages are served with;
    ``site_url`` is the production origin when the build writes absolute URLs (publish), so
    those are checked as the site's own. Screenshots go to ``screenshots_dir`` (None: none).
    """
    started = time.perf_counter()
    output_dir = Path(output_dir).resolve()
    if not output_dir.is_dir():
        raise FileNotFoundError(f"{output_dir} is not a directory; build the site first")
    pages = [normalise_page(p) for p in pages] if pages else discover_pages(output_dir)
    report = Report(pages=pages)
    files = {page: file_for(output_dir, page) for page in pages}
    for page, path in files.items():
        if not path.is_file():
            report.add_to_every_page(CHECKS, page, f"no such page in {output_dir}")
            report.seconds = time.perf_counter() - started
            return report
    if screenshots_dir is not None:
        screenshots_dir = Path(screenshots_dir)
        screenshots_dir.mkdir(parents=True, exist_ok=True)

    with SiteServer(output_dir, studio_settings) as server, ThreadPoolExecutor(1) as pool:
        # Java starts slowly: let the validator run while the browser works.
        validation = pool.submit(validate, output_dir, pages, files, report)
        check_links(server.url, pages, report, site_url=site_url)
        check_in_browser(server.url, pages, report, screenshots_dir, site_url=site_url)
        validation.result()
    report.seconds = time.perf_counter() - started
    return report
