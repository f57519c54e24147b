"""Bytes a phone-width reader downloads for the flagship post, by resource type.

Builds the real site (development settings) into a temporary folder, serves it locally, and
reads the flagship post in headless Chromium at a 360 px wide viewport, with device pixel
ratio 2 (most phones) and 1, scrolling to the end so every lazy image loads. The baseline is
the same page with every ``<picture>`` replaced by an ``<img>`` of the original JPEG the author
added (what the site would send without kp_images), measured in the same run.

    /work/main/.venv/bin/python benchmarks/page_bytes_mobile.py
"""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from bs4 import BeautifulSoup  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from sitetools.build import build  # noqa: E402
from sitetools.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FLAGSHIP = "/blog/ai-headshots-vs-professional-photographer/"
BASELINE = "/blog/ai-headshots-vs-professional-photographer/jpeg-originals.html"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def write_baseline(output: Path) -> None:
    """The flagship page with the author's original JPEGs instead of the derivatives."""
    from kp_images.images import pipeline

    images = pipeline()
    original_of = {}
    for source, (_stem, _w, _h, variants) in images._sets.items():
        original = "/" + source.relative_to(images.content_path.resolve()).as_posix()
        for fmt_variants in variants.values():
            for _width, rel in fmt_variants:
                original_of["/" + rel] = original
    page = output / FLAGSHIP.strip("/") / "index.html"
    soup = BeautifulSoup(page.read_text(), "html.parser")
    for picture in soup.find_all("picture"):
        img = picture.img
        img["src"] = original_of[img["src"]]
        for attr in ("srcset", "sizes"):
            del img[attr]
        picture.replace_with(img)
    (output / BASELINE.lstrip("/")).write_text(str(soup))


def measure(browser, base: str, path: str, dpr: int) -> tuple[dict, int]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=dpr)
    page = context.new_page()
    sizes: dict[str, int] = defaultdict(int)
    widest = [0]

    def on_response(response):
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            return
        sizes[response.request.resource_type] += len(body)

    page.on("response", on_response)
    page.goto(base + path, wait_until="networkidle")
    for _ in range(30):  # read to the end, like a reader would
        page.mouse.wheel(0, 700)
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    # The pixel width of each downloaded file (naturalWidth is divided by srcset's density).
    widest[0] = page.evaluate(
        """Promise.all([...document.images].filter(i => i.currentSrc).map(i => {
             const probe = new Image(); probe.src = i.currentSrc;
             return probe.decode().then(() => probe.naturalWidth, () => 0);
           })).then(widths => Math.max(0, ...widths))"""
    )
    context.close()
    return dict(sizes), widest[0]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        result = build(
            ROOT / "pelicanconf.py", output, overrides={"CACHE_PATH": str(ROOT / "cache")}
        )
        if not result.ok:
            raise SystemExit("build failed:\n" + "\n".join(result.problems))
        write_baseline(output)
        handler = functools.partial(Quiet, directory=str(output))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"Flagship post {FLAGSHIP} read to the end at 360 CSS px wide")
            for dpr in (2, 1):
                ours, widest = measure(browser, base, FLAGSHIP, dpr)
                baseline, base_widest = measure(browser, base, BASELINE, dpr)
                print(f"\nDPR {dpr} (image slots up to {360 * dpr} device px):")
                print(f"  {'type':<12}{'kp_images':>12}{'JPEG originals':>16}")
                for kind in sorted(set(ours) | set(baseline)):
                    print(f"  {kind:<12}{ours.get(kind, 0):>12,}{baseline.get(kind, 0):>16,}")
                saved = 1 - ours.get("image", 0) / max(1, baseline.get("image", 0))
                print(
                    f"  images: {ours.get('image', 0):,} bytes vs {baseline.get('image', 0):,}"
                    f" ({saved:.0%} less); widest image file {widest} px"
                    f" vs {base_widest} px"
                )
            browser.close()
        httpd.shutdown()


if __name__ == "__main__":
    main()
