"""Fixtures for kp_studio: real sites built from test_data/<scenario>/ with our theme."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitetools.serve import running_server
from tests.sitebuild import CSP, built


@pytest.fixture(scope="session")
def valid_site(tmp_path_factory) -> Path:
    return built("valid", tmp_path_factory.mktemp("valid"))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    return built("hostile", tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def valid_server(valid_site: Path):
    """The valid site over HTTP with a strict CSP (file:// would hide CSP and MIME issues)."""
    with running_server(valid_site, headers={"Content-Security-Policy": CSP}) as url:
        yield url
