"""Site search: index the built site with Pagefind at the end of every build.

The ``pagefind[bin]`` wheel ships the Pagefind binary, so indexing needs no download and the
search bundle (``/pagefind/``: JS, WebAssembly, index fragments) is served from our own
folder: a search makes no third-party request. Only elements marked ``data-pagefind-body``
(the post's ``<article>``) are indexed, so menus, footers and listings do not pollute results.

Our own ``search.html`` + ``js/search.js`` use Pagefind's JS API; Pagefind's Default UI is not
used because it injects inline styles, which our ``style-src 'self'`` CSP forbids.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from pelican import signals

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"


def index_site(output: str | Path) -> subprocess.CompletedProcess:
    """Run Pagefind over ``output``; the bundle goes to ``output/pagefind``."""
    return subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(output), "--output-subdir", BUNDLE_DIR],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def build_index(pelican) -> None:
    output = Path(pelican.settings["OUTPUT_PATH"])
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
    logger.info("kp_search: %s", done.stdout.strip().splitlines()[-1] if done.stdout else "done")


def register() -> None:
    signals.finalized.connect(build_index)
