"""Command line: ``python -m sitetools.check OUTPUT_DIR [--page /blog/x/]...``.

Prints one line per finding and a final ``N passed, N failed`` line; exits 1 if anything failed.
The report is also written to ``<screenshots dir>/report.txt``.
"""

import argparse
import sys
from pathlib import Path

from sitetools.config import studio_and_site_url

from . import run_checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sitetools.check", description="Run the quality gates on a built site."
    )
    parser.add_argument("output_dir", help="the built site, e.g. output/")
    parser.add_argument(
        "--page",
        action="append",
        dest="pages",
        metavar="URLPATH",
        help="check only this page, e.g. /blog/x/ (repeatable)",
    )
    parser.add_argument(
        "--screenshots",
        default="output-check",
        metavar="DIR",
        help="where screenshots and report.txt go (default: output-check)",
    )
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="Pelican settings file (e.g. publishconf.py): its STUDIO dict shapes the CSP and an "
        "absolute SITEURL is taken as --site-url",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="production origin, when the build writes absolute URLs (overrides SITEURL)",
    )
    args = parser.parse_args(argv)
    studio_settings, settings_site_url = studio_and_site_url(args.settings)
    report = run_checks(
        args.output_dir,
        args.pages,
        args.screenshots,
        studio_settings=studio_settings,
        site_url=args.site_url or settings_site_url,
    )
    text = report.render()
    Path(args.screenshots).mkdir(parents=True, exist_ok=True)
    (Path(args.screenshots) / "report.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
