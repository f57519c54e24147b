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


def gates_step(settings_file: str = "publishconf.py") -> Step:
    """The quality gates on the staged build: a deploy ships only a site that passed them."""

    def run_gates(output: Path) -> list[str]:
        from sitetools.check import run_checks
        from sitetools.config import studio_and_site_url

        studio, site_url = studio_and_site_url(settings_file)
        report = run_checks(output, None, None, studio_settings=studio, site_url=site_url)
        print(report.render())
        return [f"quality gate: {finding}" for finding in report.findings]

    return run_gates


def production_steps(settings_file: str = "publishconf.py", *, gates: bool = False) -> list[Step]:
    steps = [headers_step(settings_file), optimize_step]
    return [*steps, gates_step(settings_file)] if gates else steps
