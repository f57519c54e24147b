"""The one way tests build a site: ``build_into``, always into a temporary output and cache.

Every test folder builds through it (``tests/conftest.py``'s fixtures, the reader site, the
kp_studio scenarios, the setups matrix): it runs the real build driver
(``sitetools.build``), puts the content cache beside the output unless told otherwise, and
refuses an output or cache inside the checkout, so no test writes into the repository.

For the robustness tests, ``build_site`` starts from ``tests/test_data/good_site`` (two
posts, a page, an image: it builds without a single warning) and adds or replaces files,
so each test shows exactly the mistake it is about.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from benchmarks.corpus import write_corpus
from sitetools.build import BuildResult, build

ROOT = Path(__file__).resolve().parent.parent
GOOD_SITE = ROOT / "tests" / "test_data" / "good_site"
DEV_SETTINGS = ROOT / "pelicanconf.py"
FLAGSHIP = "blog/ai-headshots-vs-professional-photographer/index.html"
# The strict policy the quality gates require: any inline script or style would fail.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"
# The kp_studio plugin's scenarios: plugins/kp_studio/tests/test_data/<scenario>/content.
SCENARIOS = ROOT / "plugins" / "kp_studio" / "tests" / "test_data"

# error: <file>:<line>: <problem>\n    How to fix: <fix>
AUTHOR_ERROR = re.compile(
    r"^error: (?P<where>\S+?)(?::(?P<line>\d+))?: (?P<problem>.+)\n    How to fix: \S.*$", re.S
)


def build_into(
    output: Path,
    *,
    settings: str | Path = DEV_SETTINGS,
    after_build=(),
    **overrides,
) -> BuildResult:
    """Build with the project's settings (plus ``overrides``) into ``output``."""
    overrides.setdefault("CACHE_PATH", str(Path(output).parent / "cache"))
    if "PATH" in overrides:
        overrides["STUDIO"] = studio_for(Path(overrides["PATH"]), overrides.get("STUDIO"))
    for where in (Path(output), Path(overrides["CACHE_PATH"])):
        if where.resolve().is_relative_to(ROOT):
            raise AssertionError(f"a test may not build into the checkout: {where}")
    return build(ROOT / settings, output, overrides=overrides, after_build=after_build)


def studio_for(content: Path, studio: dict | None = None) -> dict:
    """``studio`` (default: the project's ``STUDIO``) for a test site in ``content``, without
    the project's own photos where that site lacks them (a hero or preview image naming no
    file is a build error) and without the project's portfolio strip when it has no
    Portfolio page: a small synthetic site builds as the real one would with those settings
    left out. A photo or strip a test sets itself is kept, whatever it names."""
    from pelicanconf import STUDIO

    studio = dict(STUDIO if studio is None else studio)
    hero = studio.get("hero") or {}
    if hero and hero == STUDIO.get("hero") and not (content / hero["image"]).is_file():
        del studio["hero"]
    image = studio.get("image")
    if image and image == STUDIO.get("image") and not (content / image).is_file():
        studio.pop("image")
        studio.pop("image_alt", None)
    portfolio = studio.get("portfolio")
    pages = content / "pages" / "portfolio.md"
    if portfolio and portfolio == STUDIO.get("portfolio") and not pages.is_file():
        del studio["portfolio"]
    return studio


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
    overrides = {"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache"), **overrides}
    return build_into(output or tmp_path / "output", settings=settings, **overrides)


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


def build_ok(settings: str, output: Path, after_build=(), **overrides) -> BuildResult:
    """``build_into``, failing the test with every problem if any."""
    result = build_into(output, settings=settings, after_build=after_build, **overrides)
    assert result.ok, "the build reported problems:\n" + "\n".join(result.problems)
    return result


def build_scenario(scenario: str, workdir: Path, **overrides) -> BuildResult:
    """Build a kp_studio scenario's content with the project's settings and theme."""
    overrides = {"PATH": str(SCENARIOS / scenario / "content"), **overrides}
    return build_into(workdir / "output", **overrides)


def built(scenario: str, workdir: Path) -> Path:
    result = build_scenario(scenario, workdir)
    assert result.ok, "the build reported problems:\n" + "\n".join(result.problems)
    return result.output


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def source_line(path: Path, text: str) -> int:
    """1-based line of the first line of ``path`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def content_with_corpus(folder: Path, posts: int) -> Path:
    """The real content plus ``posts`` generated posts shaped like ours (blocks, links,
    typography, lead images: ``benchmarks/corpus.py``), in one content folder ``folder``."""
    shutil.copytree(ROOT / "content", folder)
    corpus = write_corpus(folder.parent / f"{folder.name}-corpus", posts=posts)
    for source in (corpus / "blog").glob("*.md"):
        shutil.copy(source, folder / "blog" / source.name)
    shutil.copytree(corpus / "images" / "bench", folder / "images" / "bench")
    return folder


def folders_of(root: Path) -> set[str]:
    """Every folder under ``root``, empty or not."""
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_dir()}


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` and its bytes: two sites compared whole."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
