"""Fixtures for kp_studio: real sites built from test_data/<scenario>/ with our theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitetools.build import BuildResult, build
from sitetools.chromium import launched
from sitetools.serve import running_server

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(__file__).resolve().parent / "test_data"


def build_scenario(scenario: str, workdir: Path, **overrides) -> BuildResult:
    """Build test_data/<scenario>/content with the project's settings and theme."""
    settings = {
        "PATH": str(DATA / scenario / "content"),
        "CACHE_PATH": str(workdir / "cache"),
        **overrides,
    }
    return build(ROOT / "pelicanconf.py", workdir / "output", overrides=settings)


def built(scenario: str, workdir: Path) -> Path:
    result = build_scenario(scenario, workdir)
    assert result.ok, "the build reported problems:\n" + "\n".join(result.problems)
    return result.output


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def source_line(path: Path, text: str) -> int:
    """1-based line of the first line of ``path`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


@pytest.fixture(scope="session")
def valid_site(tmp_path_factory) -> Path:
    return built("valid", tmp_path_factory.mktemp("valid"))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    return built("hostile", tmp_path_factory.mktemp("hostile"))


# The strict policy the quality gates require: any inline script or style would fail.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"


@pytest.fixture(scope="session")
def valid_server(valid_site: Path):
    """The valid site over HTTP with a strict CSP (file:// would hide CSP and MIME issues)."""
    with running_server(valid_site, headers={"Content-Security-Policy": CSP}) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with launched() as chromium:
        yield chromium
