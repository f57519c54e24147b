"""Fixtures shared by every test folder (``tests/`` and each plugin's ``tests/``).

One headless Chromium per test module (Debian's, driven by Playwright; see
``sitetools.chromium``): a missing browser fails the tests that need it, never skips them.
Module scope, not session: Playwright's sync API runs an event loop while it is open, and
the quality gates (``sitetools.check``) start a Playwright of their own.

The heaviest test files are collected first (``HEAVY_FIRST``), so pytest-xdist's workers
finish together. Inside an xdist worker each build reads and checks in this one process
(``KP_BUILD_WORKERS=1``, unless set): the workers already keep every core busy, and a
build's own pool on top of them would fight them for the cores and pay its start-up for
every small test site. ``tests/test_parallel_build.py`` sets its own count.
"""

from __future__ import annotations

import os

import pytest

from sitetools.chromium import launched


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


# The files that take longest (their tests' seconds summed, from ``--junitxml`` of a whole
# run: 2026-12-01, 2 shared cores), longest first. pytest-xdist deals out one file at a time
# (``--dist loadfile``) in collection order (``--no-loadscope-reorder``; its default order,
# most tests first, left files of a few slow tests, such as one camera-size build, for the
# end, where one worker ran them while the other had finished). Dealt out first, they run
# while the many quick files fill in beside them. Refresh the list when a file grows.
HEAVY_FIRST = (
    "tests/test_readme_commands.py",  # 133 s: one project copy, 40 commands
    "plugins/kp_images/tests/test_camera_site.py",  # 80 s: one camera-size site
    "tests/test_wordpress_import.py",  # 63 s
    "tests/test_reuse.py",  # 60 s (added later, timed alone: each build on two workers)
    "tests/test_livereload.py",  # 59 s
    "tests/test_check_gates.py",  # 51 s
    "tests/test_setups_browser.py",  # 46 s
    "tests/test_parallel_build.py",  # 45 s (added later, timed alone, as test_reuse.py)
    "tests/test_site.py",  # 39 s
    "tests/test_incremental_rebuild.py",  # 38 s
    "tests/test_validate_content.py",  # 37 s
    "plugins/kp_studio/tests/test_faces.py",  # 30 s
    "tests/test_build.py",  # 27 s
    "tests/test_allowlist.py",  # 26 s
)


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ.setdefault("KP_BUILD_WORKERS", "1")


def pytest_collection_modifyitems(config, items):
    """The heavy files first (``HEAVY_FIRST``), the others in their usual order; a stable
    sort, so every file's tests stay together and in order (module fixtures are shared)."""
    rank = {name: index for index, name in enumerate(HEAVY_FIRST)}

    def order(item) -> int:
        try:
            name = item.path.relative_to(config.rootpath).as_posix()
        except ValueError:
            return len(rank)
        return rank.get(name, len(rank))

    items.sort(key=order)
