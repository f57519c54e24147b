"""Shared fixtures: real sites built from the real content, once per test process.

Helpers that build or read sites live in ``tests/sitebuild.py`` (import them from there).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitetools.production import production_steps
from sitetools.serve import running_server
from tests.sitebuild import ROOT, build_ok


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The development build of the real site."""
    output = tmp_path_factory.mktemp("site") / "output"
    build_ok("pelicanconf.py", output)
    return output


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """The production build (publishconf.py) of the real site, as `invoke preview` makes it."""
    output = tmp_path_factory.mktemp("published") / "output"
    build_ok("publishconf.py", output, production_steps(str(ROOT / "publishconf.py")))
    return output


@pytest.fixture(scope="session")
def reader_site(tmp_path_factory) -> Path:
    """The small reader-features site (tests/test_data/reader_site), built once."""
    from tests.reader_site import build_site as build_reader_site

    output, result = build_reader_site(tmp_path_factory.mktemp("reader"))
    assert result.ok, "the build reported problems:\n" + "\n".join(result.problems)
    return output


@pytest.fixture(scope="session")
def image_caches(tmp_path_factory) -> dict:
    """Image derivatives and diffs are keyed by content: one cache serves every setup, and
    every test process of this run (under pytest-xdist, the run's folder its workers share):
    the files are written by rename, each set's manifest last, so two builds may fill it at
    once, and the setups split over several files encode each photo once."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "image-caches"
    return {
        "KP_IMAGES": {"cache_dir": str(folder / "kp_images")},
        "KP_STUDIO": {"cache_dir": str(folder / "kp_studio")},
    }


@pytest.fixture(scope="module")
def server(reader_site):
    """The reader site over HTTP on 127.0.0.1."""
    with running_server(reader_site) as url:
        yield url


@pytest.fixture
def page(browser, server):
    """A page whose every request is recorded; anything leaving our server is blocked."""
    context = browser.new_context()
    page = context.new_page()
    page.requests = []

    def guard(route):
        page.requests.append(route.request.url)
        if route.request.url.startswith(server):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()
