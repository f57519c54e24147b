"""Shared fixtures: real sites built from the real content, once per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from sitetools.build import build  # noqa: E402
from sitetools.production import production_steps  # noqa: E402

FLAGSHIP = "blog/ai-headshots-vs-professional-photographer/index.html"


def build_site(settings: str, output: Path, after_build=(), **overrides):
    """Build with the project's settings, failing the test with every problem if any."""
    result = build(ROOT / settings, output, overrides=overrides, after_build=after_build)
    assert result.ok, "the build reported problems:\n" + "\n".join(result.problems)
    return result


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The development build of the real site."""
    output = tmp_path_factory.mktemp("site") / "output"
    build_site("pelicanconf.py", output, CACHE_PATH=str(output.parent / "cache"))
    return output


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """The production build (publishconf.py) of the real site, as `invoke preview` makes it."""
    output = tmp_path_factory.mktemp("published") / "output"
    steps = production_steps(str(ROOT / "publishconf.py"))
    build_site("publishconf.py", output, steps, CACHE_PATH=str(output.parent / "cache"))
    return output


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))
