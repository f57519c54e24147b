"""Size budgets for what every reader downloads: bytes, not seconds, so a test can hold them.

The comparison's script and stylesheet (issue 4: 1.5 kB and 1 kB gzipped) and all the
JavaScript one page loads (issue 7: 3 kB gzipped), measured as the production build ships
them (minified by ``sitetools.optimize``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from component_size import BUDGETS, gzipped, shipped_bytes  # noqa: E402

ALL_JS_BUDGET = 3_000  # "3 kB": kilo as in SI, the stricter reading


@pytest.mark.parametrize("relative", sorted(BUDGETS))
def test_component_ships_within_its_budget(relative: str):
    size = gzipped(shipped_bytes(ROOT / relative))
    assert 0 < size <= BUDGETS[relative], f"{relative}: {size} B gzipped"


def scripts_by_page(site: Path) -> dict[str, set[Path]]:
    """The script files each page loads (``<script src>``), as shipped."""
    from bs4 import BeautifulSoup

    loaded = {}
    for page in site.rglob("*.html"):
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        sources = [script["src"] for script in html.find_all("script", src=True)]
        loaded[str(page.relative_to(site))] = {
            site / urlsplit(src).path.lstrip("/") for src in sources
        }
    return loaded


def test_every_page_loads_at_most_3_kb_of_javascript(published_site: Path):
    """All the JavaScript one page loads, as shipped (minified), gzipped file by file."""
    heaviest = max(
        (sum(gzipped(file.read_bytes()) for file in files), page)
        for page, files in scripts_by_page(published_site).items()
    )
    assert 0 < heaviest[0] <= ALL_JS_BUDGET, heaviest


def test_all_the_sites_javascript_together_is_at_most_3_kb(published_site: Path):
    """Every script any page loads, counted once, gzipped file by file. (Pagefind's own
    bundle is loaded by our search script only when someone searches.)"""
    scripts = set().union(*scripts_by_page(published_site).values())
    total = sum(gzipped(path.read_bytes()) for path in scripts)
    assert len(scripts) >= 5 and 0 < total <= ALL_JS_BUDGET, (total, sorted(scripts))


def test_shipped_javascript_keeps_licence_comments_and_code_only():
    from sitetools.optimize import minify_js_text

    shipped = minify_js_text("// why we do this\n// more why\n/*! MIT licence */\nlet a = 1;\n")
    assert shipped.startswith("/*! MIT licence */") and "why" not in shipped
    assert minify_js_text("/* plain */ let b = `// not a comment`;").endswith("`// not a comment`;")
