"""Run one benchmark build in this process: ``ours`` or ``vanilla``, for build_speed.py.

build_speed.py starts this in a fresh subprocess per build, so each build pays Python's
and Pelican's start-up like a real ``invoke build`` does, and the child's peak memory is
that build's alone.

* ``ours``: pelicanconf.py (our theme, plugins and settings) through the atomic build
  driver, with PATH pointed at the corpus.
* ``vanilla``: Pelican 4.12's defaults, the default theme, no plugins, no typogrify;
  feeds off because our development build writes none either.

    python benchmarks/run_build.py ours CORPUS OUTPUT CACHE

CACHE is the build's CACHE_PATH: Pelican's content cache (if the settings turn it on) and
plugins' caches (kp_studio's diff images) live there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def vanilla_settings(corpus: Path, output: Path, cache: Path) -> dict:
    from pelican.settings import read_settings

    return read_settings(
        None,
        override={
            "PATH": str(corpus),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(cache),
            "TIMEZONE": "America/Los_Angeles",
            "SITEURL": "",
            "PLUGINS": [],  # None would load every installed namespace plugin
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "TRANSLATION_FEED_ATOM": None,
            "AUTHOR_FEED_ATOM": None,
            "AUTHOR_FEED_RSS": None,
        },
    )


def build(mode: str, corpus: Path, output: Path, cache: Path) -> int:
    if mode == "vanilla":
        from pelican import Pelican

        Pelican(vanilla_settings(corpus, output, cache)).run()
        return 0
    # This checkout's tooling and plugins, not the installed (editable) copy's: a worktree
    # measures its own code.
    sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
    from sitetools.build import build as atomic_build
    from sitetools.build import report

    # Another settings file (an older pelicanconf.py, say) and no content cache measure a
    # baseline; paths in it are taken relative to the repository, as they are for ours.
    settings = Path(os.environ.get("KP_BENCH_SETTINGS", ROOT / "pelicanconf.py"))
    overrides = {"PATH": str(corpus), "THEME": str(ROOT / "theme"), "CACHE_PATH": str(cache)}
    overrides["PLUGIN_PATHS"] = [str(ROOT / "plugins")]
    cache = os.environ.get("KP_BENCH_CACHE", "1") != "0"
    result = atomic_build(settings, output, overrides=overrides, cache=cache)
    return report(result)


if __name__ == "__main__":
    mode, corpus, output, cache = sys.argv[1:5]
    raise SystemExit(build(mode, Path(corpus), Path(output), Path(cache)))
