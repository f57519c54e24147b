"""The build driver: run Pelican so that a bad build never replaces a good one.

Pelican logs an error and goes on (a bad date skips the post, a broken link is a
warning), and it writes straight into the output folder. This driver:

* builds into a fresh folder beside the output (``output.building-<pid>``);
* collects every warning and error logged during the build, ours and Pelican's;
* on any, prints them all together, deletes the half-built folder and fails, leaving
  the previous output byte for byte as it was;
* otherwise swaps the new folder into place.

Warnings that are known and harmless may be listed, with the reason, in
``IGNORED_WARNINGS``, with the reason; they are still printed.

Parsed content is cached between builds (Pelican's reader-level content cache in
CACHE_PATH, checked by each file's MD5). A key stored beside it hashes everything else that
shapes what a reader returns: the settings file's name, the content folder, the settings
files, the plugins' code and the versions of Pelican, Markdown and the typography
libraries; a different key drops the content cache (and nothing else in CACHE_PATH). A
build that logs a problem drops it too, so the next build reads and reports every file.

Posts and pages are read and rendered on every core (``sitetools.parallel``,
``sitetools.parallel_writing``; ``KP_BUILD_WORKERS=1`` does both serially). A development
build after posts or pages were edited renders only the pages that show them and takes the
others from the output the last build left (``sitetools.reuse``).

A build with nothing to do does nothing: after a successful development build (no
``after_build`` steps) the driver records a fingerprint of everything the build reads (the
loaded settings, the settings files and plugins' code, every file's path and bytes under
the content folder and the theme, and every installed package's version) in CACHE_PATH.
The next build with the same fingerprint into the same output folder (the very folder that
build swapped into place, with every file as it left it) returns at once: the output is
what it would write again. Any change to any of those runs a real build.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitetools.config import read_settings_file

logger = logging.getLogger(__name__)

# Substrings of log messages that may be logged without failing the build, with why.
IGNORED_WARNINGS: dict[str, str] = {
    # kp_studio.metadata.GPS_WARNING: a source photo has a GPS position. The published copy
    # is already stripped of it (kp_studio.metadata), so publishing is safe; the warning
    # is printed so the author can clean the file in the repository too.
    "carries a GPS position in its metadata": "the published copy is stripped; see kp_studio",
}


@dataclass
class BuildResult:
    output: Path
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    parallel_reads: int = 0  # sources read by worker processes (sitetools.parallel)
    parallel_pages: int = 0  # pages rendered by worker processes (sitetools.parallel_writing)
    reused_pages: int = 0  # pages taken from the last build's output (sitetools.reuse)

    @property
    def ok(self) -> bool:
        return not self.problems


OUTPUT_FINGERPRINT_FILE = "output-fingerprint"


def _file_digests(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path, in order) and the SHA-256 of its bytes."""
    # File contents, not modification times: an edit within the same clock tick as the
    # last build, keeping the size, must still count (a few MB per 1,000 posts: ~50 ms).
    digests = {}
    for folder, folders, files in os.walk(root):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                content = hashlib.file_digest(handle, "sha256").hexdigest()
            digests[os.path.relpath(path, root)] = content
    return digests


# Plugins put objects into the settings (kp_assets' ``asset`` in JINJA_GLOBALS, Markdown
# extensions), and a later loading in the same process sees them; a default repr names the
# object's address (``<Assets object at 0x7f...>``), different in each run. What such
# objects hold follows from the settings files' and plugins' code, which the content-cache
# key hashes.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable_repr(value) -> str:
    return _ADDRESS.sub("", repr(value))


@dataclass(frozen=True)
class BuildInputs:
    """Everything a development build reads: the content folder file by file (what a
    build after an edit compares, ``sitetools.reuse``) and a digest of all the rest."""

    others: str
    sources: dict[str, str]

    @property
    def fingerprint(self) -> str:
        """Same fingerprint, same output."""
        digest = hashlib.sha256(self.others.encode())
        for path, content in self.sources.items():
            digest.update(f"{path}\0{content}\n".encode())
        return digest.hexdigest()


def build_inputs(settings_file: str | os.PathLike, settings: dict, output: Path) -> BuildInputs:
    """What a development build into ``output`` reads (see ``BuildInputs``)."""
    digest = hashlib.sha256(f"{output}\0".encode())
    digest.update(content_cache_key(settings_file, settings["PATH"]).encode())
    digest.update(_stable_repr(sorted(settings.items(), key=lambda item: item[0])).encode())
    digest.update(f"{settings['THEME']}\0".encode())
    for path, content in _file_digests(Path(settings["THEME"])).items():
        digest.update(f"{path}\0{content}\n".encode())
    # A set: a folder put on sys.path twice (Pelican adds PLUGIN_PATHS on every run) lists
    # its packages twice.
    packages = sorted(
        {f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()}
    )
    digest.update("\n".join(packages).encode())
    digest.update(f"{settings['PATH']}\0".encode())
    return BuildInputs(digest.hexdigest(), _file_digests(Path(settings["PATH"])))


def _folder_identity(folder: Path) -> str:
    """The output folder as this build left it: a file changed, added or removed by hand,
    or another build swapped into place (a production build, a build without the cache),
    and it no longer matches, so a recorded fingerprint no longer vouches for it."""
    stat = folder.stat()
    digest = hashlib.sha256(f"{stat.st_dev}:{stat.st_ino}:{stat.st_ctime_ns}".encode())
    for parent, folders, files in os.walk(folder):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(parent, name)
            stat = os.lstat(path)
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def output_identity(folder: Path) -> str | None:
    """``_folder_identity``, or None when there is no such folder."""
    return _folder_identity(folder) if folder.is_dir() else None


def _unchanged(cache_path: Path, fingerprint: str, identity: str | None) -> bool:
    record = cache_path / OUTPUT_FINGERPRINT_FILE
    try:
        return record.read_text(encoding="utf-8") == f"{fingerprint} {identity}"
    except OSError:
        return False


def _record_fingerprint(cache_path: Path, fingerprint: str | None, identity: str | None) -> None:
    record = cache_path / OUTPUT_FINGERPRINT_FILE
    if fingerprint is None:
        record.unlink(missing_ok=True)
    else:
        record.write_text(f"{fingerprint} {identity}", encoding="utf-8")


class ProblemCollector(logging.Handler):
    """Keeps every WARNING-or-worse record logged while it is installed (one build)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.problems: list[str] = []
        # Pelican's log filter drops a warning it has logged before in this process: a
        # second build in the same process (livereload, the tests) would not see it.
        from kp_common.pelican_compat import let_repeated_warnings_through  # imports Pelican

        let_repeated_warnings_through()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if getattr(record, "after_build", False):
            return
        if any(ignored in message for ignored in IGNORED_WARNINGS):
            return
        self.problems.append(f"{record.levelname.lower()}: {message}")


class _ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{record.levelname}: {message}"
        return message


def _install_logging(verbose: bool) -> list[logging.Handler]:
    """A collector for problems and a console for people; returns both, collector first."""
    root = logging.getLogger()
    collector = ProblemCollector()
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(_ConsoleFormatter())
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    root.addHandler(collector)
    root.addHandler(console)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    return [collector, console]


# Pelican's settings with our overrides; a settings file may stop with SystemExit.
load_settings = read_settings_file


# Packages whose version changes what a reader returns for the same file.
CACHE_KEY_PACKAGES = ("pelican", "markdown", "pymdown-extensions", "typogrify", "smartypants")


def content_cache_key(settings_file: str | os.PathLike, content_path: str) -> str:
    """A hash of everything besides the file itself that shapes a reader's output."""
    from sitetools.sources import code_files

    root = Path(settings_file).resolve().parent
    digest = hashlib.sha256(f"{Path(settings_file).name}\0{Path(content_path).resolve()}".encode())
    # The settings files and the plugins (kp_common included) shape what a reader returns;
    # the tooling (sitetools, tasks.py), tests and editors' temporary files do not, so
    # editing them keeps the cache (the rule is sitetools.sources, shared with livereload).
    for path in code_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for package in CACHE_KEY_PACKAGES:
        try:
            digest.update(f"{package}=={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    return digest.hexdigest()[:16]


# Pelican's content cache files in CACHE_PATH (reader and generator layers), and what
# plugins made of the posts it holds: the checks' results (kp_validate.prepared.CACHE_FILE)
# and the <picture> rewrites (kp_images.kept.CACHE_FILE).
CONTENT_CACHE_FILES = (
    "ArticlesGenerator-Readers",
    "PagesGenerator-Readers",
    "ArticlesGenerator",
    "PagesGenerator",
    "kp_validate-prepared",
    "kp_images-rewritten",
)
CONTENT_CACHE_KEY_FILE = "content-cache.key"


def drop_content_cache(cache_path: str | os.PathLike) -> None:
    """Delete Pelican's content cache, and only it: plugins' caches (image derivatives,
    diffs) are keyed by content hashes and stay valid."""
    for name in (*CONTENT_CACHE_FILES, CONTENT_CACHE_KEY_FILE):
        (Path(cache_path) / name).unlink(missing_ok=True)


def content_cache_settings(settings_file: str | os.PathLike, settings: dict) -> dict:
    """Settings that turn the content cache on in ``settings["CACHE_PATH"]``, dropping a
    cache made with another key first."""
    cache_path = Path(settings["CACHE_PATH"])
    key = content_cache_key(settings_file, settings["PATH"])
    key_file = cache_path / CONTENT_CACHE_KEY_FILE
    if not key_file.is_file() or key_file.read_text(encoding="utf-8") != key:
        drop_content_cache(cache_path)
        cache_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key, encoding="utf-8")
    return {
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CONTENT_CACHING_LAYER": "reader",
        "CHECK_MODIFIED_METHOD": "md5",
        # Gzipping the pickle cost ~1 s of every 1,000-post build (it is written on every
        # build, warm or cold); the cache folder is local and never published.
        "GZIP_CACHE": False,
    }


def _swap_into_place(new: Path, final: Path) -> None:
    """Replace ``final`` with ``new`` using renames only, so there is no half-copied state."""
    if final.exists() or final.is_symlink():
        retired = final.with_name(f"{final.name}.retired-{os.getpid()}")
        os.rename(final, retired)
        os.rename(new, final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(new, final)


def build(
    settings_file: str | os.PathLike = "pelicanconf.py",
    output: str | os.PathLike | None = None,
    *,
    overrides: dict | None = None,
    verbose: bool = False,
    after_build: Iterable[Callable[[Path], list[str]]] = (),
    cache: bool = True,
) -> BuildResult:
    """Build the site atomically into ``output`` (default: the settings' OUTPUT_PATH).

    ``after_build`` callables get the freshly built folder before it is swapped in and
    return a list of problems; any problem fails the build the same way a logged error
    does (the production build uses this to minify and check before publishing).
    ``cache=False`` builds without reading or writing the content cache.
    """
    from kp_common import memo
    from pelican import Pelican

    from sitetools import reuse
    from sitetools.parallel import ParallelReading  # imports Pelican and kp_common
    from sitetools.parallel_writing import ParallelWriting

    started = time.perf_counter()
    handlers = _install_logging(verbose)
    collector = handlers[0]
    overrides = dict(overrides or {})
    staging: Path | None = None
    try:
        try:
            settings = load_settings(settings_file, overrides)
        except SystemExit as stop:
            return BuildResult(Path(output or "output"), [f"error: {stop}"])
        final = Path(output or settings["OUTPUT_PATH"]).resolve()
        staging = final.with_name(f"{final.name}.building-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        overrides.update(OUTPUT_PATH=str(staging), DELETE_OUTPUT_DIRECTORY=False)
        # One run reads each template once: Jinja's auto_reload would look at a template's
        # file every time a page includes it (37,000 stats at 1,000 posts). A livereload
        # session, which renders after edits, keeps it.
        overrides["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"], "auto_reload": False}
        cache_path = None
        if cache:
            overrides = {**content_cache_settings(settings_file, settings), **overrides}
            cache_path = settings["CACHE_PATH"]
        settings = load_settings(settings_file, overrides)
        inputs = changed = None
        if cache and not after_build:
            # The staging folder's name holds the process id: leave it out.
            stable = {**settings, "OUTPUT_PATH": str(final)}
            inputs = build_inputs(settings_file, stable, final)
            identity = output_identity(final)
            if _unchanged(Path(cache_path), inputs.fingerprint, identity):
                staging = None
                return BuildResult(final, seconds=time.perf_counter() - started)
            # Until this build succeeds, the recorded output is not trusted.
            _record_fingerprint(Path(cache_path), None, None)
            last = reuse.load(cache_path, final)
            changed, why = reuse.changed_sources(last, inputs.others, inputs.sources, identity)
            if not changed:
                logger.info("every page is rendered: %s", why)
        result = BuildResult(final)
        pages = None
        try:
            pelican = Pelican(settings)
            reading = ParallelReading(pelican)
            if inputs is not None:
                pages = reuse.PageReuse(pelican, final, last, changed)
            writing = ParallelWriting(pelican, reuse=pages)
            try:
                with memo.paths_remembered():
                    pelican.run()
            finally:
                writing.folders.wait()  # none is made once the run is over (or failed)
            result.parallel_reads = reading.handed_over
            result.parallel_pages = writing.rendered_in_workers
            result.reused_pages = pages.reused if pages is not None else 0
            if changed:
                logger.info("%d pages taken from the last output", result.reused_pages)
        except Exception as error:  # Pelican's own failures: report, never publish
            logging.getLogger(__name__).error("the build stopped: %s", error, exc_info=verbose)
        if not collector.problems:
            for step in after_build:
                collector.problems.extend(step(staging))
        result.problems = list(collector.problems)
        if not result.ok and cache_path is not None:
            drop_content_cache(cache_path)
        if result.ok:
            _swap_into_place(staging, final)
            staging = None
            if inputs is not None:
                identity = output_identity(final)
                _record_fingerprint(Path(cache_path), inputs.fingerprint, identity)
                if pages is not None:
                    pages.save(cache_path, inputs.others, inputs.sources, identity)
        result.seconds = time.perf_counter() - started
        return result
    finally:
        for handler in handlers:
            logging.getLogger().removeHandler(handler)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def report(result: BuildResult, stream=sys.stderr) -> int:
    """Print the outcome; the exit status for a command line."""
    if result.ok:
        print(f"Built {result.output} in {result.seconds:.1f} s.", file=stream)
        return 0
    print(
        f"\nThe build found {len(result.problems)} problem(s); nothing was published and "
        f"{result.output} is unchanged:\n",
        file=stream,
    )
    for problem in result.problems:
        print(f"  {problem}", file=stream)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitetools.build", description=__doc__)
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--output", default=None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    return report(build(args.settings, args.output, verbose=args.verbose))


if __name__ == "__main__":
    raise SystemExit(main())
