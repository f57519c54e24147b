"""Fixtures shared by every test folder (``tests/`` and each plugin's ``tests/``).

One headless Chromium per test module (Debian's, driven by Playwright; see
``sitetools.chromium``): a missing browser fails the tests that need it, never skips them.
Module scope, not session: Playwright's sync API runs an event loop while it is open, and
the quality gates (``sitetools.check``) start a Playwright of their own.
"""

from __future__ import annotations

import pytest

from sitetools.chromium import launched


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium
