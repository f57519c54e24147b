"""Site search: index the built site with Pagefind at the end of every build.

The ``pagefind[bin]`` wheel ships the Pagefind binary, so indexing needs no download and the
search bundle (``/pagefind/``: JS, WebAssembly, index fragments) is served from our own
folder: a search makes no third-party request. Only elements marked ``data-pagefind-body``
(the post's ``<article>``) are indexed, so menus, footers and listings do not pollute results.

Our own ``search.html`` + ``js/search.js`` use Pagefind's JS API; Pagefind's Default UI is not
used because it injects inline styles, which our ``style-src 'self'`` CSP forbids.

Indexing is a third of a warm 1,000-post build, and its result depends only on the HTML it
reads: the bundle is kept in ``CACHE_PATH/kp_search`` under a hash of every HTML file's path
and bytes (and Pagefind's version and arguments), and a build whose HTML hashes the same
links that bundle into the output instead of indexing again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pelican import signals

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"


CACHE_DIR = "kp_search"


def pagefind_arguments(output: str | Path) -> list[str]:
    return ["--site", str(output), "--output-subdir", BUNDLE_DIR]


def index_site(output: str | Path) -> subprocess.CompletedProcess:
    """Run Pagefind over ``output``; the bundle goes to ``output/pagefind``."""
    return subprocess.run(
        [sys.executable, "-m", "pagefind", *pagefind_arguments(output)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def html_digest(output: Path) -> str:
    """What Pagefind's result depends on: its version, its arguments and every HTML file."""
    try:
        version = importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256(f"pagefind {version} {BUNDLE_DIR}\0".encode())
    for path in sorted(output.rglob("*.html")):
        relative = path.relative_to(output)
        if relative.parts[0] == BUNDLE_DIR:
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def reuse_bundle(cache: Path, output: Path) -> bool:
    if not (cache / "pagefind.js").is_file():
        return False
    shutil.rmtree(output / BUNDLE_DIR, ignore_errors=True)
    # Copies, not links: production steps may rewrite output files in place.
    shutil.copytree(cache, output / BUNDLE_DIR)
    return True


def keep_bundle(output: Path, cache_root: Path, key: str) -> None:
    """Store the fresh bundle as the only cached one."""
    shutil.rmtree(cache_root, ignore_errors=True)
    cache_root.mkdir(parents=True, exist_ok=True)
    staging = cache_root / f".{key}.tmp"
    shutil.copytree(output / BUNDLE_DIR, staging)
    os.rename(staging, cache_root / key)


def build_index(pelican) -> None:
    output = Path(pelican.settings["OUTPUT_PATH"])
    cache_root = Path(pelican.settings.get("CACHE_PATH") or "cache") / CACHE_DIR
    key = html_digest(output)
    if reuse_bundle(cache_root / key, output):
        logger.info("kp_search: the site's HTML is unchanged; reused the search index")
        return
    done = index_site(output)
    if done.returncode != 0 or not (output / BUNDLE_DIR / "pagefind.js").is_file():
        logger.error(
            "kp_search: Pagefind could not index %s (exit %s):\n%s",
            output,
            done.returncode,
            (done.stderr or done.stdout).strip(),
        )
        return
    # Pagefind's Default UI needs inline styles (blocked by our CSP) and we do not use it.
    for unused in (
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
    ):
        (output / BUNDLE_DIR / unused).unlink(missing_ok=True)
    try:
        keep_bundle(output, cache_root, key)
    except OSError as error:  # a cache that cannot be written only costs the next build time
        logger.info("kp_search: could not keep the index for the next build (%s)", error)
    logger.info("kp_search: %s", done.stdout.strip().splitlines()[-1] if done.stdout else "done")


def register() -> None:
    signals.finalized.connect(build_index)
