"""What a production build does after Pelican and before the new site is swapped in.

Each step takes the freshly built folder and returns problems; any problem stops the
build (``sitetools.build``), so a site that fails a step is never published.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitetools.build import load_settings

Step = Callable[[Path], list[str]]


def headers_step(settings_file: str = "publishconf.py") -> Step:
    def write_headers(output: Path) -> list[str]:
        from sitetools.headers import write_headers_file

        write_headers_file(output, load_settings(settings_file).get("STUDIO"))
        return []

    return write_headers


def optimize_step(output: Path) -> list[str]:
    from sitetools.optimize import describe, optimize

    print(describe(*optimize(output)))
    return []


def production_steps(settings_file: str = "publishconf.py") -> list[Step]:
    return [headers_step(settings_file), optimize_step]
