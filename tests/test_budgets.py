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

ALL_JS_BUDGET = 3 * 1024


@pytest.mark.parametrize("relative", sorted(BUDGETS))
def test_component_ships_within_its_budget(relative: str):
    size = gzipped(shipped_bytes(ROOT / relative))
    assert 0 < size <= BUDGETS[relative], f"{relative}: {size} B gzipped"


def test_every_page_loads_at_most_3_kb_of_javascript(published_site: Path):
    """All the JavaScript one page loads, as shipped (minified), gzipped file by file."""
    from bs4 import BeautifulSoup

    heaviest = (0, "")
    for page in published_site.rglob("*.html"):
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        sources = [script["src"] for script in html.find_all("script", src=True)]
        files = [published_site / urlsplit(src).path.lstrip("/") for src in sources]
        total = sum(gzipped(file.read_bytes()) for file in files)
        heaviest = max(heaviest, (total, str(page.relative_to(published_site))))
    assert 0 < heaviest[0] <= ALL_JS_BUDGET, heaviest
