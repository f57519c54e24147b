"""Minify and precompress a built output folder (sitetools.optimize)."""

from __future__ import annotations

import gzip
import subprocess

import brotli
from bs4 import BeautifulSoup

from sitetools import optimize
from tests.servers import tree, write_sample_site

PAGE = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Studio   notes</title>
    <link rel="stylesheet" href="/theme/css/site.css">
    <script src="/theme/js/site.js" defer></script>
  <script type="application/ld+json">{"@context": "https://schema.org", "@type": "Blog"}</script>
  </head>
  <body>
    <!-- a comment the reader never needs -->
    <p class="lead">Light   that <em>flatters</em> <a href="/about/">every face</a> .</p>
    <pre><code>def portrait():
    return   "kept  as   written"
</code></pre>
    <textarea name="note">  two  spaces  </textarea>
  </body>
</html>
"""


def test_minified_html_keeps_meaning_and_stays_csp_safe(tmp_path):
    (tmp_path / "index.html").write_text(PAGE)
    report = optimize.minify_folder(tmp_path)
    minified = (tmp_path / "index.html").read_text()
    assert report.files == 1
    assert report.bytes_after == len(minified.encode()) < len(PAGE.encode())
    before, after = BeautifulSoup(PAGE, "html.parser"), BeautifulSoup(minified, "html.parser")
    assert after.pre.get_text() == before.pre.get_text()
    assert after.textarea.get_text() == before.textarea.get_text()
    assert after.find("a")["href"] == "/about/"
    assert "a comment" not in minified
    assert minified.lower().startswith("<!doctype html>")
    # Nothing inline appears: same scripts, no style attributes or elements.
    assert [s.get("src") for s in after.find_all("script")] == [
        s.get("src") for s in before.find_all("script")
    ]
    assert not after.find_all(style=True)
    assert not after.find_all("style")
    assert after.find("script", type="application/ld+json").string == (
        before.find("script", type="application/ld+json").string
    )


def test_minified_js_still_parses_and_css_keeps_custom_properties(tmp_path):
    write_sample_site(tmp_path, "v1")
    js = next(tmp_path.glob("theme/js/*.js"))
    css = next(tmp_path.glob("theme/css/*.css"))
    js_before, css_before = js.read_text(), css.read_text()
    optimize.minify_folder(tmp_path)
    assert len(js.read_text()) < len(js_before)
    subprocess.run(["node", "--check", str(js)], check=True)
    assert len(css.read_text()) < len(css_before)
    assert "--ink:#1d1d1f" in css.read_text()
    assert "color:var(--ink)" in css.read_text()


def test_minify_leaves_pagefind_and_min_files_alone(tmp_path):
    (tmp_path / "pagefind").mkdir()
    bundled = "function  a ( ) {  return 1 }\n"
    (tmp_path / "pagefind/pagefind-ui.js").write_text(bundled)
    (tmp_path / "vendor.min.css").write_text(".a {  color : red }\n")
    assert optimize.minify_folder(tmp_path).files == 0
    assert (tmp_path / "pagefind/pagefind-ui.js").read_text() == bundled


def test_precompressed_files_decode_to_the_original(tmp_path):
    write_sample_site(tmp_path, "v1")
    (tmp_path / "photo.jpg").write_bytes(bytes(range(256)) * 40)
    report = optimize.precompress_folder(tmp_path)
    texts = [p for p in tmp_path.rglob("*") if p.suffix in (".html", ".css", ".js")]
    assert texts
    for path in texts:
        original = path.read_bytes()
        br = path.with_name(path.name + ".br").read_bytes()
        gz = path.with_name(path.name + ".gz").read_bytes()
        assert brotli.decompress(br) == original
        assert gzip.decompress(gz) == original
        assert len(br) < len(original)
    assert not list(tmp_path.glob("photo.jpg.*")), "binary files are not precompressed"
    assert report.brotli_bytes < report.gzip_bytes < report.original_bytes


def test_precompress_skips_files_it_cannot_shrink_and_removes_stale_variants(tmp_path):
    (tmp_path / "robots.txt").write_text("x")
    (tmp_path / "robots.txt.gz").write_bytes(gzip.compress(b"an older, longer robots.txt"))
    report = optimize.precompress_folder(tmp_path)
    assert report.skipped == ["robots.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["robots.txt"]


def test_optimize_is_deterministic(tmp_path):
    """Same input, same bytes: rsync --checksum then uploads nothing for an unchanged site."""
    first, second = tmp_path / "a", tmp_path / "b"
    write_sample_site(first, "v1")
    write_sample_site(second, "v1")
    optimize.optimize(first)
    optimize.optimize(second)
    assert tree(first) == tree(second)
    again = tree(first)
    optimize.optimize(first)  # running twice changes nothing either
    assert tree(first) == again


def test_optimize_never_writes_through_a_hard_link(tmp_path):
    """Output files may be hard links into a cache (search bundle, image derivatives):
    minifying and compressing replace them, and the cached file keeps its bytes."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_sample_site(site, "v1")
    cache.mkdir()
    links = {}  # output file -> its cached twin
    for number, path in enumerate(sorted(site.rglob("*"))):
        if path.suffix in (".css", ".js", ".html") and path.is_file():
            kept = cache / f"{number}{path.suffix}"
            path.rename(kept)
            path.hardlink_to(kept)
            links[path] = kept
    before = {kept: kept.read_bytes() for kept in links.values()}
    optimize.optimize(site)
    assert {kept: kept.read_bytes() for kept in links.values()} == before
    assert [path for path, kept in links.items() if path.read_bytes() != before[kept]]
