"""Build small real sites into tmp_path for the robustness tests.

A scenario starts from ``tests/test_data/good_site`` (two posts, a page, an image: it
builds without a single warning) and adds or replaces files, so each test shows exactly
the mistake it is about.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sitetools.build import BuildResult, build

ROOT = Path(__file__).resolve().parent.parent
GOOD_SITE = ROOT / "tests" / "test_data" / "good_site"
DEV_SETTINGS = ROOT / "pelicanconf.py"

# error: <file>:<line>: <problem>\n    How to fix: <fix>
AUTHOR_ERROR = re.compile(
    r"^error: (?P<where>\S+?)(?::(?P<line>\d+))?: (?P<problem>.+)\n    How to fix: \S.*$", re.S
)


def make_content(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    content = tmp_path / "content"
    shutil.copytree(GOOD_SITE, content)
    for relative, text in (files or {}).items():
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
    return content


def build_site(
    tmp_path: Path,
    files: dict[str, str | bytes] | None = None,
    *,
    settings: Path = DEV_SETTINGS,
    output: Path | None = None,
    content: Path | None = None,
    **overrides,
) -> BuildResult:
    content = content or make_content(tmp_path, files)
    return build(
        settings,
        output or tmp_path / "output",
        overrides={"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache"), **overrides},
    )


def problems_about(result: BuildResult, relative_source: str) -> list[re.Match]:
    """The author errors that name ``relative_source`` (e.g. ``blog/x.md``)."""
    found = []
    for problem in result.problems:
        match = AUTHOR_ERROR.match(problem)
        if match and match.group("where").replace("\\", "/").endswith(relative_source):
            found.append(match)
    return found


def post(front_matter: str, body: str = "Some text about headshots.") -> str:
    return f"{front_matter.strip()}\n\n{body}\n"
