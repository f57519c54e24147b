"""Page weight and Lighthouse scores of the production build, for three pages.

Builds the site with publishconf.py and the production steps (minify, headers), serves it
locally (``sitetools.serve.running_server``) and, for the home page, the flagship post and
a post with a before/after comparison:

* loads the page in headless Chromium at a phone's viewport and records every response;
  each body is compressed here with gzip (level 9) and brotli (quality 11), as the
  production server sends them precompressed; bytes are summed per kind: HTML, CSS, JS,
  fonts, images (content images, under ``/images/``, apart from the theme's);
* runs Lighthouse (the npm package pinned in package.json) with its mobile defaults and
  reports the four category scores, the LCP element (and whether it is the hero photo) and
  the cumulative layout shift.

Also reported (issue #16): the home page's bytes on the wire at a 360 px phone viewport
(device pixel ratio 2), images included (HTML, CSS and JS brotli-compressed as the server
sends them, images as they are; the budget is 120 kB), with the largest images it loads;
and every script in the theme together, gzipped (the budget is 3 kB). The portfolio is
measured beside the home page and the flagship post.

    python benchmarks/page_weight.py [--no-lighthouse]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import brotli

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
FLAGSHIP = "/blog/ai-headshots-vs-professional-photographer/"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
KINDS = ("html", "css", "js", "font", "theme image", "content image", "other")

sys.path.insert(0, str(ROOT / "plugins"))
from sitetools.chromium import CHROMIUM  # noqa: E402
from sitetools.chromium import CHROMIUM_ARGS as CHROME_FLAGS  # noqa: E402


def build_production(output: Path) -> None:
    from sitetools.build import build, report
    from sitetools.production import production_steps

    settings = ROOT / "publishconf.py"
    result = build(settings, output, after_build=production_steps(str(settings)))
    if report(result):
        raise SystemExit("the production build failed")


def comparison_post(content: Path = ROOT / "content") -> str:
    """A post other than the flagship whose source holds a comparison (else the flagship)."""
    for source in sorted((content / "blog").glob("*.md")):
        url = f"/blog/{source.stem}/"
        if url != FLAGSHIP and "/// compare" in source.read_text(encoding="utf-8"):
            return url
    return FLAGSHIP


def kind_of(url: str, resource_type: str, content_type: str) -> str:
    path = url.split("?")[0]
    if resource_type == "document":
        return "html"
    if resource_type == "stylesheet" or path.endswith(".css"):
        return "css"
    if resource_type == "script" or path.endswith(".js"):
        return "js"
    if resource_type == "font" or content_type.startswith("font/"):
        return "font"
    if resource_type == "image" or content_type.startswith("image/"):
        return "content image" if "/images/" in path and "/theme/" not in path else "theme image"
    return "other"


def weigh(base: str, path: str) -> dict[str, dict[str, int]]:
    """Bytes per kind (raw, gzip, brotli) that a phone loads for one page."""
    from playwright.sync_api import sync_playwright

    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"raw": 0, "gzip": 0, "br": 0})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        context = browser.new_context(**p.devices["Moto G4"])
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(base + path, wait_until="load")
        page.wait_for_timeout(300)
        for response in responses:
            if response.status != 200:
                continue
            body = response.body()
            kind = kind_of(
                response.url,
                response.request.resource_type,
                response.headers.get("content-type", ""),
            )
            totals[kind]["raw"] += len(body)
            totals[kind]["gzip"] += len(gzip.compress(body, 9))
            totals[kind]["br"] += len(brotli.compress(body, quality=11))
        browser.close()
    return totals


PHONE_360 = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2,
             "is_mobile": True, "has_touch": True}  # fmt: skip


# The LCP element and the layout shift as Chromium reports them to the page (Lighthouse
# 12.2.3's "largest-contentful-paint-element" audit fails with Debian's Chromium: "TraceElements
# gatherer ... reading 'frame_sequence'"), observed from before the page's first byte.
OBSERVE = """
window.__lcp = null; window.__cls = 0;
new PerformanceObserver((list) => { const last = list.getEntries().pop();
  if (last && last.element) window.__lcp = last.element; })
  .observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver((list) => list.getEntries().forEach((e) => {
  if (!e.hadRecentInput) window.__cls += e.value; }))
  .observe({type: 'layout-shift', buffered: true});
"""
LCP_ELEMENT = """() => { const el = window.__lcp; if (!el) return ['', false];
  const classes = el.className ? '.' + el.className.split(' ').join('.') : '';
  const name = el.tagName.toLowerCase() + classes;
  const src = el.currentSrc ? ' ' + el.currentSrc.split('/').pop() : '';
  return [name + src, el.tagName === 'IMG' && el.getAttribute('fetchpriority') === 'high']; }"""


def phone_360(base: str, path: str) -> dict:
    """At 360 px (DPR 2) until load: bytes transferred (text brotli-compressed, images as
    served), the images largest first, the LCP element (and whether it is the page's eager,
    high-priority photo: the hero or lead image) and the layout shift after scrolling."""
    from playwright.sync_api import sync_playwright

    total, images = 0, []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS)
        context = browser.new_context(**PHONE_360)
        context.add_init_script(OBSERVE)
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(base + path, wait_until="load")
        page.wait_for_timeout(300)
        lcp, hero = page.evaluate(LCP_ELEMENT)
        page.mouse.wheel(0, 3000)  # the input ends LCP; the shift is what scrolling causes
        page.wait_for_timeout(500)
        cls = page.evaluate("window.__cls")
        for response in responses:
            if response.status != 200:
                continue
            body = response.body()
            if response.request.resource_type == "image":
                total += len(body)
                images.append((len(body), response.url.removeprefix(base)))
            else:
                total += len(brotli.compress(body, quality=11))
        browser.close()
    return {
        "bytes": total,
        "images": sorted(images, reverse=True),
        "lcp": lcp,
        "lcp_is_photo": hero,
        "cls": cls,
    }


def lighthouse(url: str) -> dict:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` in the repository first.")
    with tempfile.TemporaryDirectory(prefix="kp-lighthouse-") as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance,accessibility,best-practices,seo",
                f"--chrome-flags={' '.join(CHROME_FLAGS)}",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            timeout=300,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round(category["score"] * 100) for name, category in data["categories"].items()}
    audits = data["audits"]
    scores["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    scores["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["lcp_element"] = _lcp_snippet(audits.get("largest-contentful-paint-element", {}))
    return scores


def _lcp_snippet(audit: dict) -> str:
    """The LCP element's HTML as Lighthouse saw it (its details nest a table in a list)."""
    stack = [audit.get("details", {})]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            node = item.get("node")
            if isinstance(node, dict) and node.get("snippet"):
                return node["snippet"]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return ""


def theme_js_gzip(
    theme: Path = ROOT / "theme" / "static" / "js", output: Path | None = None
) -> int:
    """Every theme script as the build ships it (minified), each counted once."""
    total = 0
    for source in sorted(theme.rglob("*.js")):
        shipped = output / "theme" / "js" / source.relative_to(theme) if output else source
        candidates = sorted(shipped.parent.glob(f"{source.stem}.*js")) if output else []
        path = next((c for c in candidates if c.name != source.name), shipped)
        total += len(gzip.compress(path.read_bytes(), 9))
    return total


def table(rows: list[tuple[str, str, dict, dict | None]], js_gzip: int, phones: dict) -> str:
    lines = [
        "Page weight of the production build at a phone's viewport (Moto G4), compressed "
        "here with gzip -9 and brotli -q 11; bytes.",
        "",
        "| page | " + " | ".join(f"{kind} (gz/br)" for kind in KINDS[:-1])
        + " | total without content images (gz/br) |",
        "|---|" + "---:|" * len(KINDS),
    ]  # fmt: skip
    for name, _, weights, _ in rows:
        cells = []
        for kind in KINDS[:-1]:
            w = weights.get(kind, {"gzip": 0, "br": 0})
            cells.append(f"{w['gzip']:,} / {w['br']:,}")
        shell = [w for k, w in weights.items() if k != "content image"]
        cells.append(f"{sum(w['gzip'] for w in shell):,} / {sum(w['br'] for w in shell):,}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"All theme JavaScript together, gzipped: {js_gzip:,} bytes (budget 3,000).", ""]
    lines += [
        "At a 360 px phone viewport (DPR 2), until load; LCP element and layout shift from "
        "Chromium's own observers (after scrolling 3,000 px):",
        "",
        "| page | on the wire, images included | images | LCP element | eager high-priority "
        "photo | CLS |",
        "|---|---:|---:|---|---|---:|",
    ]
    for name, measured in phones.items():
        images = sum(size for size, _ in measured["images"])
        lines.append(
            f"| {name} | {measured['bytes']:,} | {images:,} ({len(measured['images'])}) "
            f"| `{measured['lcp']}` | {'yes' if measured['lcp_is_photo'] else 'no'} "
            f"| {measured['cls']:.3f} |"
        )
    home = next(iter(phones.values()))
    lines += [
        "",
        f"Home page budget: {home['bytes']:,} of 120,000 bytes; its images: "
        + ", ".join(f"`{url.rsplit('/', 1)[-1]}` {size:,}" for size, url in home["images"]),
        "",
    ]
    if any(scores for *_, scores in rows):
        lines += [
            "Lighthouse 12.2.3, mobile defaults:",
            "",
            "| page | performance | accessibility | best practices | SEO | LCP | CLS "
            "| LCP element (Lighthouse) |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for name, _, _, scores in rows:
            element = (
                f"`{scores['lcp_element'][:90]}`" if scores["lcp_element"] else "(audit failed)"
            )
            lines.append(
                f"| {name} | {scores['performance']} | {scores['accessibility']} "
                f"| {scores['best-practices']} | {scores['seo']} | {scores['lcp_ms']:,} ms "
                f"| {scores['cls']:.3f} | {element} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from sitetools.serve import running_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS / "page_weight.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kp-weight-") as tmp:
        output = Path(tmp) / "output"
        output.mkdir()
        # Production pages use absolute URLs: point them at the local server.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        os.environ["SITEURL"] = f"http://127.0.0.1:{port}"
        build_production(output)
        pages = [
            ("home", "/"),
            ("flagship", FLAGSHIP),
            ("portfolio", "/portfolio/"),
            ("comparison", comparison_post()),
        ]
        rows = []
        with running_server(output, port=port) as base:
            for name, path in pages:
                scores = None if args.no_lighthouse else lighthouse(base + path)
                rows.append((f"{name} (`{path}`)", path, weigh(base, path), scores))
            phones = {name: phone_360(base, path) for name, path in pages[:3]}
        markdown = table(rows, theme_js_gzip(output=output), phones)
    print(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
