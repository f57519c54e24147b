"""Tasks for the kp studios site: ``invoke --list`` shows them, ``invoke TASK --help`` explains one.

The work itself lives in ``plugins/sitetools``; these tasks only parse options and call it.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))
os.chdir(ROOT)

DEV_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
OUTPUT = ROOT / "output"
HOST, PORT = "127.0.0.1", 8000


def _build(settings: str, output: Path = OUTPUT, verbose: bool = False) -> None:
    from sitetools.build import build as run_build
    from sitetools.build import report
    from sitetools.production import production_steps

    steps = production_steps() if settings == PUBLISH_SETTINGS else ()
    status = report(run_build(settings, output, verbose=verbose, after_build=steps))
    if status:
        raise Exit(code=status)


@task(
    help={
        "prod": "Use the production settings (publishconf.py).",
        "verbose": "Show Pelican's progress.",
    }
)
def build(c, prod=False, verbose=False):
    """Build the site into output/ (development settings unless --prod).

    The build is atomic: it is written beside output/ and swapped in only when it finished
    with no error and no warning, so a failed build leaves the last good site untouched.
    """
    _build(PUBLISH_SETTINGS if prod else DEV_SETTINGS, verbose=verbose)


@task
def preview(c):
    """Build the site with the production settings (publishconf.py) into output/: fingerprinted,
    minified and precompressed, with its _headers file, exactly as it will be deployed."""
    _build(PUBLISH_SETTINGS)


@task(help={"port": f"Port to listen on (default {PORT}).", "host": f"Address (default {HOST})."})
def serve(c, port=PORT, host=HOST):
    """Serve output/ at http://127.0.0.1:8000/ (build it first with `invoke build`)."""
    from sitetools.serve import serve_forever

    if not OUTPUT.is_dir():
        raise Exit("output/ does not exist yet: run `invoke build` first.", code=1)
    serve_forever(OUTPUT, host=host, port=int(port))


@task(help={"port": f"Port to listen on (default {PORT})."})
def livereload(c, port=PORT):
    """Build, serve on 127.0.0.1:8000, rebuild on any change to content, theme, plugins or
    settings, and reload the browser."""
    from sitetools.livereload import watch_and_serve

    watch_and_serve(ROOT, DEV_SETTINGS, OUTPUT, host=HOST, port=int(port))


@task(help={"title": "The post's title.", "category": "Its category (default: Journal)."})
def new_post(c, title, category="Journal"):
    """Start a new post: writes content/blog/<slug>.md with full front matter, dated now."""
    if title.startswith("-"):
        # invoke passes `invoke new-post --help` to us as the title: answer it, write nothing.
        print(f'Usage: invoke new-post "Title" [--category NAME]\n\n{new_post.__doc__}')
        return
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    slug = slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    path = ROOT / "content" / "blog" / f"{slug}.md"
    if path.exists():
        raise Exit(f"{path.relative_to(ROOT)} already exists: choose another title.", code=1)
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    path.write_text(
        f"Title: {title}\n"
        f"Date: {now}\n"
        f"Category: {category}\n"
        "Tags: headshots\n"
        f"Slug: {slug}\n"
        "Author: kp studios\n"
        "Summary: One or two sentences that appear in lists, feeds and search results.\n"
        "Image: images/blog/your-image.jpg\n"
        "Image_alt: Describe the picture for someone who cannot see it.\n"
        "Status: draft\n"
        "\n"
        "Write the post here in Markdown. Remove `Status: draft` to publish it.\n",
        encoding="utf-8",
    )
    print(f"Wrote {path.relative_to(ROOT)} (a draft; it is not published until you remove Status).")


@task
def clean(c):
    """Delete the output folders (output/ and its leftovers), and nothing else."""
    for path in [OUTPUT, *ROOT.glob("output.*"), ROOT / "output-check"]:
        if path.is_symlink():  # remove the link itself, never what it points to
            path.unlink()
            continue
        target = path.resolve()
        if target.parent != ROOT or not target.name.startswith("output"):
            raise Exit(f"Refusing to delete {target}: it is not an output folder of this project.")
        if target.is_dir():
            shutil.rmtree(target)
            print(f"Deleted {target.relative_to(ROOT)}/")


@task(help={"args": "Extra arguments for pytest, e.g. -k compare."})
def test(c, args=""):
    """Run the whole test suite: ruff (lint and format), then pytest (unit, site, browser and
    server tests)."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
    c.run(f"{sys.executable} -m pytest {args}")


@task(
    help={
        "target": "rsync, gh-pages or local (default: DEPLOY['target'] or KP_DEPLOY_TARGET).",
        "dry_run": "List what would change and change nothing.",
    }
)
def deploy(c, target=None, dry_run=False):
    """Build with publishconf.py, run the quality checks, and ship output/ to the target.

    Nothing is shipped if the build or any check fails. See the README for the targets.
    """
    from sitetools.deploy import main as deploy_main

    _build(PUBLISH_SETTINGS)
    argv = ["--settings", PUBLISH_SETTINGS, str(OUTPUT)]
    if target:
        argv += ["--target", target]
    if dry_run:
        argv.append("--dry-run")
    status = deploy_main(argv)
    if status:
        raise Exit(code=status)
