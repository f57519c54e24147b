"""Gzipped size of the comparison's JavaScript and CSS against their budgets.

Run: ``python benchmarks/component_size.py``. Prints one line per file: the source as
written and as shipped (minified by the production build, ``sitetools.optimize``), both
gzipped, with the ratio; exits 1 if a shipped file is over its budget (the issue sets
1.5 kB for the JS and 1 kB for the CSS).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from sitetools.optimize import minify_css_text, minify_js_text  # noqa: E402

BUDGETS = {
    "theme/static/js/compare.js": 1536,
    "theme/static/css/compare.css": 1024,
}
MINIFIERS = {".js": minify_js_text, ".css": minify_css_text}


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def shipped_bytes(path: Path) -> bytes:
    """The file as the production build writes it."""
    return MINIFIERS[path.suffix](path.read_text(encoding="utf-8")).encode()


def main() -> int:
    over = 0
    for relative, budget in BUDGETS.items():
        path = ROOT / relative
        source, shipped = gzipped(path.read_bytes()), gzipped(shipped_bytes(path))
        status = "ok" if shipped <= budget else "OVER BUDGET"
        over += shipped > budget
        print(
            f"{relative}: source {source} B gzipped, shipped {shipped} B gzipped "
            f"({shipped / budget:.2f} of the {budget} B budget): {status}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
