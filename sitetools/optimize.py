"""Production post-processing of a built output folder: minify, then precompress.

Pure functions over a folder, so they run on any output (Pelican's, a test's) in this order:

1. :func:`minify_folder` minifies HTML, CSS and JS with minify-html, keeping the output valid
   HTML (quoted-when-needed attributes, a real doctype), ``<pre>``/``<textarea>`` whitespace
   intact, and nothing inline added, so the strict CSP still holds.
2. :func:`precompress_folder` writes ``file.br`` (brotli, quality 11) and ``file.gz`` (gzip,
   level 9, mtime 0) beside each text file, for nginx ``brotli_static`` / ``gzip_static``.
   A variant that does not save at least :data:`MIN_SAVING` is not written (and a stale one
   is removed).

Why our own precompression instead of pelican-precompress: that plugin runs inside Pelican's
``finalized`` signal, i.e. *before* this minify step, so it would compress unminified files;
and a folder function can be tested and run on any output. The output is deterministic (gzip
mtime 0), so an unchanged page gives byte-identical ``.gz``/``.br`` files and rsync
``--checksum`` uploads nothing for it.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import minify_html
from kp_common.files import replace_file

TEXT_EXTENSIONS = frozenset(
    {
        ".html",
        ".htm",
        ".css",
        ".js",
        ".mjs",
        ".xml",
        ".json",
        ".svg",
        ".txt",
        ".webmanifest",
        ".atom",
        ".rss",
        ".map",
    }
)
MINIFY_EXTENSIONS = frozenset({".html", ".htm", ".css", ".js", ".mjs"})
# Already minified elsewhere (pagefind's bundle, vendored *.min.* files): leave them alone.
MINIFY_SKIP_DIRS = frozenset({"pagefind"})
MIN_SAVING = 0.05  # a compressed variant must be at least 5% smaller than the original

HTML_OPTIONS = {
    "minify_css": True,
    "minify_js": True,
    "keep_closing_tags": False,
    "keep_html_and_head_opening_tags": True,
    "minify_doctype": False,  # `<!doctypehtml>` is smaller but invalid HTML
    "allow_noncompliant_unquoted_attribute_values": False,
    "allow_removing_spaces_between_attributes": False,
    "keep_comments": False,
}


@dataclass
class MinifyReport:
    files: int = 0
    bytes_before: int = 0
    bytes_after: int = 0

    @property
    def saved(self) -> int:
        return self.bytes_before - self.bytes_after


@dataclass
class CompressReport:
    files: int = 0
    original_bytes: int = 0  # of the files that got at least one variant
    brotli_bytes: int = 0
    gzip_bytes: int = 0
    skipped: list[str] = field(default_factory=list)


def _files(output_dir: Path, extensions: frozenset[str]) -> Iterator[Path]:
    for path in sorted(Path(output_dir).rglob("*")):
        if path.is_file() and not path.is_symlink() and path.suffix.lower() in extensions:
            yield path


def minify_html_text(text: str) -> str:
    return minify_html.minify(text, **HTML_OPTIONS)


def minify_css_text(text: str) -> str:
    # minify-html minifies CSS only inside <style>; wrap, minify, unwrap.
    wrapped = minify_html.minify(f"<style>{text}</style>", minify_css=True)
    return wrapped.removeprefix("<style>").removesuffix("</style>")


# The comment block a file starts with. The minifier keeps it (it could be a licence); ours
# explain why the code is as it is, for the repository, and were a fifth of the gzipped
# JavaScript. A ``/*!`` comment (the licence convention) is kept; Pagefind's bundle and
# ``.min.`` files are not minified at all.
LEADING_JS_COMMENTS = re.compile(r"\A(?:\s*//[^\n]*(?:\n|\Z)|\s*/\*(?!!).*?\*/)+", re.S)


def minify_js_text(text: str) -> str:
    wrapped = minify_html.minify(f"<script>{text}</script>", minify_js=True)
    minified = wrapped.removeprefix("<script>").removesuffix("</script>")
    return LEADING_JS_COMMENTS.sub("", minified).lstrip()


_MINIFIERS = {
    ".html": minify_html_text,
    ".htm": minify_html_text,
    ".css": minify_css_text,
    ".js": minify_js_text,
    ".mjs": minify_js_text,
}


def _skip_minify(output_dir: Path, path: Path) -> bool:
    parts = path.relative_to(output_dir).parts
    return bool(MINIFY_SKIP_DIRS.intersection(parts[:-1])) or ".min." in path.name


def minify_folder(output_dir: Path) -> MinifyReport:
    """Minify every HTML, CSS and JS file in place. Never makes a file bigger."""
    output_dir = Path(output_dir)
    report = MinifyReport()
    for path in _files(output_dir, MINIFY_EXTENSIONS):
        if _skip_minify(output_dir, path):
            continue
        original = path.read_bytes()
        text = original.decode("utf-8")
        if path.suffix.lower() in (".js", ".mjs") and "</script" in text.lower():
            continue  # cannot be wrapped in <script> safely; leave it as written
        minified = _MINIFIERS[path.suffix.lower()](text).encode("utf-8")
        report.files += 1
        report.bytes_before += len(original)
        if len(minified) < len(original):
            stat = path.stat()
            replace_file(path, minified)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            report.bytes_after += len(minified)
        else:
            report.bytes_after += len(original)
    return report


def _write_variant(source: Path, suffix: str, data: bytes | None) -> int:
    variant = source.with_name(source.name + suffix)
    if data is None:
        variant.unlink(missing_ok=True)
        return 0
    if not variant.exists() or variant.read_bytes() != data:
        replace_file(variant, data)
    mtime = source.stat().st_mtime_ns
    os.utime(variant, ns=(mtime, mtime))
    return len(data)


def precompress_folder(output_dir: Path) -> CompressReport:
    """Write ``.br`` and ``.gz`` beside every text file where compression helps."""
    report = CompressReport()
    for path in _files(Path(output_dir), TEXT_EXTENSIONS):
        data = path.read_bytes()
        worth = len(data) * (1 - MIN_SAVING)
        br = brotli.compress(data, mode=brotli.MODE_TEXT, quality=11)
        gz = gzip.compress(data, compresslevel=9, mtime=0)
        br_size = _write_variant(path, ".br", br if len(br) < worth else None)
        gz_size = _write_variant(path, ".gz", gz if len(gz) < worth else None)
        if br_size or gz_size:
            report.files += 1
            report.original_bytes += len(data)
            report.brotli_bytes += br_size or len(data)
            report.gzip_bytes += gz_size or len(data)
        else:
            report.skipped.append(path.relative_to(output_dir).as_posix())
    return report


def optimize(output_dir: Path) -> tuple[MinifyReport, CompressReport]:
    """The whole production post-processing of one output folder."""
    return minify_folder(output_dir), precompress_folder(output_dir)


def describe(minified: MinifyReport, compressed: CompressReport) -> str:
    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:.0f}%" if whole else "-"

    return (
        f"minified {minified.files} files: {minified.bytes_before} -> {minified.bytes_after} "
        f"bytes ({pct(minified.saved, minified.bytes_before)} saved); "
        f"precompressed {compressed.files} files of {compressed.original_bytes} bytes: brotli "
        f"to {pct(compressed.brotli_bytes, compressed.original_bytes)}, gzip to "
        f"{pct(compressed.gzip_bytes, compressed.original_bytes)} of their size; "
        f"{len(compressed.skipped)} not worth compressing"
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m sitetools.optimize",
        description="Minify a built site's HTML, CSS and JS in place, then write .br and .gz "
        "copies beside each text file (what `invoke build --prod` does after Pelican).",
    )
    parser.add_argument(
        "folders", nargs="*", type=Path, default=[Path("output")], help="default: output"
    )
    args = parser.parse_args(argv)
    for folder in args.folders:
        if not folder.is_dir():
            parser.error(f"{folder} is not a folder: build the site first (invoke build --prod)")
        print(describe(*optimize(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
