"""In a real browser: headless Debian Chromium, driven by Playwright, loads every page.

Each page is loaded at desktop width (1280 px) and at 320 px, scrolled to the bottom so lazy
images load, and watched for console errors and uncaught exceptions, failed requests, requests
to any host but the site's own, and Content-Security-Policy violations. Then axe-core runs on
it, the 320 px load is checked for horizontal scrolling, and a full-page screenshot is kept
(every image loaded first, see ``LOAD_EVERY_IMAGE``); the review pages (``REVIEW_PAGES``)
are also shot at 768 px.

Third-party requests are recorded, then blocked (CSP blocks most; the route blocks the rest),
so a check never leaves the machine. CSP violations are caught by a ``securitypolicyviolation``
listener added with ``add_init_script``: the harness injects it, the site is not changed.

One browser serves all pages, with one context per viewport, to stay cheap on two cores.

A redirect page (an old address, see kp_redirects) sends the browser on with a zero-second
``<meta http-equiv="refresh">`` once it has loaded, which would pull the page away from under
the checks. So once a page with a refresh has been served, the next navigation (the refresh)
is answered with ``204 No Content``, which a browser treats as "stay where you are": the
checks, axe's own ``meta-refresh`` rule included, see the redirect page as readers' browsers
get it. Where the refresh leads is checked by the links gate (the page links to it too).
"""

import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from sitetools.chromium import CHROMIUM, CHROMIUM_ARGS

from .a11y import axe_violations
from .report import Report

BROWSER_CHECKS = ("console", "requests", "third-party", "csp", "a11y", "a11y-320", "reflow-320")
OTHER_VIEWPORT_CHECKS = {
    "desktop": ("a11y-320", "reflow-320"),
    "mobile": ("a11y",),
    "tablet": ("a11y", "a11y-320", "reflow-320"),
}


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    a11y_check: str | None


DESKTOP = Viewport("desktop", 1280, 800, "a11y")
MOBILE = Viewport("mobile", 320, 640, "a11y-320")
# Only for the review screenshots of REVIEW_PAGES (axe and reflow run at 1280 and 320 px).
TABLET = Viewport("tablet", 768, 1024, None)
# The pages a reviewer looks at in three widths: home, the flagship post, the journal and
# the portfolio (issue #16). Every page gets the 1280 and 320 px screenshots.
REVIEW_PAGES = (
    "/",
    "/blog/ai-headshots-vs-professional-photographer/",
    "/blog/",
    "/portfolio/",
)

CSP_LISTENER = """
window.__sitetoolsCspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const element = event.target instanceof Element ? event.target.outerHTML.slice(0, 300) : '';
  window.__sitetoolsCspViolations.push({
    directive: event.effectiveDirective, blocked: event.blockedURI,
    line: event.lineNumber, element: element,
  });
}, true);
"""

SCROLL_TO_BOTTOM = """
async () => {
  // Two animation frames: long enough for IntersectionObserver (lazy images) to see the move.
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const settle = async () => { await frame(); await frame(); };
  const step = window.innerHeight;
  for (let y = 0, i = 0; y < document.documentElement.scrollHeight && i < 300; y += step, i++) {
    window.scrollTo(0, y);
    await settle();
  }
  window.scrollTo(0, document.documentElement.scrollHeight);
  await settle();
  window.scrollTo(0, 0);
  // Every lazy image has now been asked for; wait (at most 10 s) until each has loaded or failed.
  const loading = Array.from(document.images).filter((img) => !img.complete);
  const done = (img) => new Promise((resolve) => {
    img.addEventListener('load', resolve, { once: true });
    img.addEventListener('error', resolve, { once: true });
  });
  await Promise.race([
    Promise.all(loading.map(done)),
    new Promise((resolve) => setTimeout(resolve, 10000)),
  ]);
}
"""

# Before a full-page screenshot: Chromium's screenshot of a tall page does not scroll, so a
# lazy image the scroll above left unloaded (a small testimonial photo far below the fold
# loads only once it nears the viewport) would show as an empty gap. Every image is made
# eager and awaited (at most 10 s): the screenshot shows the page as a reader scrolling
# through it sees it. The site itself is not changed.
LOAD_EVERY_IMAGE = """
async () => {
  const images = Array.from(document.images);
  images.forEach((img) => { if (img.loading === 'lazy') img.loading = 'eager'; });
  await Promise.race([
    Promise.all(images.map((img) => img.decode().catch(() => null))),
    new Promise((resolve) => setTimeout(resolve, 10000)),
  ]);
  return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src);
}
"""

# Elements whose right edge passes the viewport while none of their children's does: the ones
# that actually cause horizontal scrolling.
WIDE_ELEMENTS = """
() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const overflows = (el) => el.getBoundingClientRect().right > width + 1;
  const wide = Array.from(document.body.querySelectorAll('*'))
    .filter((el) => overflows(el) && !Array.from(el.children).some(overflows))
    .slice(0, 5)
    .map((el) => [el.outerHTML.slice(0, 200), Math.round(el.getBoundingClientRect().right)]);
  return wide.length ? wide : [['<html>', document.documentElement.scrollWidth]];
}
"""

# Console messages that another check reports more precisely, or that the harness caused.
CONSOLE_REPORTED_ELSEWHERE = (
    "Content Security Policy",
    "Failed to load resource",
)
META_REFRESH = re.compile(rb"<meta\s[^>]*http-equiv=[\"']?refresh", re.IGNORECASE)


def screenshot_name(page: str, viewport: Viewport) -> str:
    stem = page.strip("/").removesuffix(".html").replace("/", "__") or "home"
    return f"{stem}--{viewport.name}.png"


class BrowserChecker:
    def __init__(
        self,
        server_url: str,
        report: Report,
        screenshots_dir: Path | None,
        site_url: str | None = None,
    ):
        self.server_url = server_url.rstrip("/")
        # With a production site_url the pages are opened at that origin and answered from the
        # local server, so absolute URLs and 'self' mean what they mean in production.
        self.origin = (site_url or server_url).rstrip("/")
        self.site_url = site_url
        self.report = report
        self.screenshots_dir = screenshots_dir
        self.seconds_per_page: dict[str, float] = {}

    def is_own(self, url: str) -> bool:
        parts, own = urlsplit(url), urlsplit(self.origin)
        if parts.scheme not in ("http", "https", "ws", "wss"):
            return True  # data:, blob:, about: never leave the machine
        return (parts.scheme, parts.netloc) == (own.scheme, own.netloc)

    def short(self, url: str) -> str:
        """The site's own URLs as paths, so the report does not change with the port."""
        return url[len(self.origin) :] if url.startswith(self.origin + "/") else url

    def run(self, pages: list[str]) -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                viewports = (DESKTOP, MOBILE, TABLET) if self.screenshots_dir else (DESKTOP, MOBILE)
                contexts = {
                    viewport: browser.new_context(
                        viewport={"width": viewport.width, "height": viewport.height},
                        service_workers="block",
                    )
                    for viewport in viewports
                }
                for context in contexts.values():
                    context.add_init_script(CSP_LISTENER)
                for page in pages:
                    started = time.perf_counter()
                    for viewport, context in contexts.items():
                        if viewport is TABLET and page not in REVIEW_PAGES:
                            continue
                        self.check_page(context, page, viewport)
                    self.seconds_per_page[page] = time.perf_counter() - started
            finally:
                browser.close()

    def check_page(self, context, page: str, viewport: Viewport) -> None:
        report = self.report
        tab = context.new_page()
        third_party: set[str] = set()

        def on_request(request):
            if not self.is_own(request.url):
                third_party.add(request.url)
                report.add(page, "third-party", request.url, f"request for {request.resource_type}")

        def on_request_failed(request):
            failure = request.failure or ""
            if request.url in third_party or failure == "csp":
                return  # reported by the third-party and csp checks
            if request.is_navigation_request() and request.url in held_navigations:
                return  # the redirect page's refresh, held back on purpose (see above)
            if shooting and failure == "net::ERR_ABORTED":
                # Chromium cancels an image fetch when LOAD_EVERY_IMAGE or the full-page
                # screenshot makes it choose again; the page was checked before that, and an
                # image that then fails to show is reported as "image did not load".
                return
            report.add(page, "requests", self.short(request.url), f"failed: {failure}")

        def on_response(response):
            if response.status >= 400:
                report.add(page, "requests", self.short(response.url), f"HTTP {response.status}")

        def on_console(message):
            if message.type != "error":
                return
            if any(marker in message.text for marker in CONSOLE_REPORTED_ELSEWHERE):
                return
            location = message.location or {}
            # Playwright counts lines from 0; editors and the validator count from 1.
            where = f"{self.short(location.get('url', ''))}:{location.get('lineNumber', -1) + 1}"
            report.add(page, "console", where, f"console error: {message.text}")

        def on_page_error(error):
            report.add(page, "console", "uncaught exception", str(error).splitlines()[0])

        def route(route):
            request_url = route.request.url
            if not self.is_own(request_url):
                route.abort()
            elif self.site_url:
                local = self.server_url + request_url[len(self.origin) :]
                route.fulfill(response=route.fetch(url=local, max_redirects=0))
            else:
                route.continue_()

        in_flight: set = set()
        shooting = False  # True once the page is checked and only the screenshot is left
        tab.on("request", lambda request: in_flight.add(request))
        tab.on("requestfinished", lambda request: in_flight.discard(request))
        tab.on("requestfailed", lambda request: in_flight.discard(request))
        tab.on("request", on_request)
        tab.on("requestfailed", on_request_failed)
        tab.on("response", on_response)
        tab.on("console", on_console)
        tab.on("pageerror", on_page_error)
        if self.site_url:
            tab.route("**/*", route)
        else:
            tab.route(lambda url: not self.is_own(url), route)

        refresh_held: list[str] = []
        held_navigations: set[str] = set()  # answered 204, so Chromium reports them aborted

        def hold_refresh(route):
            request = route.request
            if not request.is_navigation_request():
                route.fallback()
            elif refresh_held:
                held_navigations.add(request.url)
                route.fulfill(status=204)  # the page's own meta refresh: stay on the page
            else:
                local = self.server_url + request.url[len(self.origin) :]
                response = route.fetch(url=local, max_redirects=0)
                if META_REFRESH.search(response.body()):
                    refresh_held.append(request.url)
                route.fulfill(response=response)

        tab.route("**/*", hold_refresh)  # added last, so it sees every request first
        try:
            tab.goto(self.origin + page, wait_until="load", timeout=30_000)
            tab.evaluate(SCROLL_TO_BOTTOM)
            # Cheaper than Playwright's "networkidle", which always waits 500 ms more.
            deadline = time.perf_counter() + 10
            while in_flight and time.perf_counter() < deadline:
                tab.wait_for_timeout(25)
            for request in in_flight:
                report.add(page, "requests", self.short(request.url), "still loading after 10 s")
            for violation in tab.evaluate("window.__sitetoolsCspViolations || []"):
                element = violation["element"] or violation["blocked"]
                detail = (
                    f"line {violation['line']}: {violation['directive']} blocked "
                    f"{violation['blocked']}"
                )
                report.add(page, "csp", element, detail)
            if self.screenshots_dir:
                shooting = True
                for src in tab.evaluate(LOAD_EVERY_IMAGE):
                    report.add(page, "requests", self.short(src), "image did not load")
                path = self.screenshots_dir / screenshot_name(page, viewport)
                path.parent.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(path), full_page=True)
            if viewport is MOBILE:
                for element, right in tab.evaluate(WIDE_ELEMENTS):
                    report.add(
                        page,
                        "reflow-320",
                        element,
                        f"reaches {right} px in a {viewport.width} px viewport: "
                        "the page scrolls sideways",
                    )
            if viewport.a11y_check:
                for element, detail in axe_violations(tab):
                    report.add(page, viewport.a11y_check, element, detail)
        except PlaywrightError as error:
            unchecked = [c for c in BROWSER_CHECKS if c not in OTHER_VIEWPORT_CHECKS[viewport.name]]
            for check in unchecked:
                report.add(page, check, page, f"could not check at {viewport.name} width: {error}")
        finally:
            tab.close()


def check_in_browser(server_url, pages, report, screenshots_dir=None, site_url=None):
    checker = BrowserChecker(server_url, report, screenshots_dir, site_url)
    try:
        checker.run(pages)
    except PlaywrightError as error:
        report.add_to_every_page(BROWSER_CHECKS, "chromium", f"browser could not run: {error}")
    return checker.seconds_per_page
