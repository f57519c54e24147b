"""Tasks for the kp studios site: ``invoke --list`` shows them, ``invoke TASK --help`` explains one.

The work itself lives in the ``sitetools`` package; these tasks only parse options and call it.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent

os.chdir(ROOT)

DEV_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
OUTPUT = ROOT / "output"
HOST, PORT = "127.0.0.1", 8000


PUBLISH_OUTPUT = ROOT / "output-publish"
CHECK_OUTPUT = ROOT / "output-check"


def _build(
    settings: str,
    output: Path = OUTPUT,
    verbose: bool = False,
    gates: bool = False,
    cache: bool = True,
) -> None:
    from sitetools.build import build as run_build
    from sitetools.build import report
    from sitetools.production import production_steps

    steps = production_steps(settings, gates=gates) if settings == PUBLISH_SETTINGS else ()
    result = run_build(settings, output, verbose=verbose, after_build=steps, cache=cache)
    status = report(result)
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


@task(
    help={
        "prod": "Use the production settings (publishconf.py).",
        "verbose": "Show Pelican's progress.",
    }
)
def rebuild(c, prod=False, verbose=False):
    """Build the site from scratch: like `invoke build`, without the content cache.

    Pelican's `rebuild` (a build with --delete-output-directory). Ours is as atomic as
    `invoke build`: the new site replaces output/ only once it built without a problem.
    """
    _build(PUBLISH_SETTINGS if prod else DEV_SETTINGS, verbose=verbose, cache=False)


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


@task(help={"port": f"Port to listen on (default {PORT}).", "host": f"Address (default {HOST})."})
def reserve(c, port=PORT, host=HOST):
    """Build the site, then serve it at http://127.0.0.1:8000/ (Pelican's `reserve`)."""
    build(c)
    serve(c, port=port, host=host)


@task(help={"port": f"Port to listen on (default {PORT})."})
def livereload(c, port=PORT):
    """Build, serve on 127.0.0.1:8000, rebuild on any change to content, theme, plugins or
    settings, and reload the browser."""
    from sitetools.livereload import watch_and_serve

    watch_and_serve(ROOT, DEV_SETTINGS, OUTPUT, host=HOST, port=int(port))


@task
def regenerate(c):
    """Build, then rebuild output/ on every change, without a server (Pelican's name).

    Like `invoke livereload` (incremental rebuilds, a restart when settings or plugin code
    change) but serving nothing: Pelican's `regenerate`, `pelican --autoreload`. Ctrl-C
    stops."""
    from sitetools.livereload import watch_and_rebuild

    watch_and_rebuild(ROOT, DEV_SETTINGS, OUTPUT)


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
    # A lead image that exists, so the new draft builds at once (a missing one is an error);
    # the author swaps in the post's own photo.
    photos = sorted((ROOT / "content" / "images" / "blog").glob("*.jpg"))
    image = photos[0].relative_to(ROOT / "content").as_posix() if photos else "images/blog/x.jpg"
    path.write_text(
        f"Title: {title}\n"
        f"Date: {now}\n"
        f"Category: {category}\n"
        "Tags: headshots\n"
        f"Slug: {slug}\n"
        "Author: kp studios\n"
        "Summary: One or two sentences that appear in lists, feeds and search results.\n"
        f"Image: {image}\n"
        "Image_alt: Describe the picture for someone who cannot see it (then use your own).\n"
        "Status: draft\n"
        "\n"
        "Write the post here in Markdown. Remove `Status: draft` to publish it.\n",
        encoding="utf-8",
    )
    print(
        f"Wrote {path.relative_to(ROOT)} (a draft; it is not published until you remove Status). "
        f"Its Image: is {image} for now: put the post's own photo there."
    )


@task(
    help={
        "export": "The WordPress export (Tools > Export > All content), e.g. export.xml.",
        "uploads": "The backup of the old site's wp-content/uploads folder (for the images).",
        "content": "The content folder to import into (default: content).",
        "category": "The category for posts WordPress left uncategorized (default: Journal).",
    }
)
def import_wordpress(c, export, uploads=None, content="content", category="Journal"):
    """Import a WordPress blog: posts and pages into content/, their images from --uploads,
    their old addresses into content/data/redirects.yaml; then print what needs a person."""
    from sitetools.build import load_settings
    from sitetools.wordpress import import_wordpress as run_import

    if not Path(export).is_file():
        raise Exit(f"{export}: no such file (export it in WordPress: Tools > Export).", code=1)
    if uploads and not Path(uploads).is_dir():
        raise Exit(f"--uploads {uploads}: no such folder.", code=1)
    settings = load_settings(ROOT / DEV_SETTINGS)
    try:
        report = run_import(export, Path(content), settings, uploads, default_category=category)
    except (OSError, ValueError, RuntimeError) as error:
        raise Exit(f"import-wordpress: {error}", code=1) from None
    print(report.render())


@task
def clean(c):
    """Delete output/, output-publish/, output-check/ and leftovers, and nothing else.

    Leftovers are the folders an interrupted build leaves beside output/ (output.building-*,
    output.retired-*). A symlink among them is removed itself, never what it points to."""
    for path in [OUTPUT, *sorted(ROOT.glob("output.*")), *sorted(ROOT.glob("output-*"))]:
        if path.is_symlink():  # remove the link itself, never what it points to
            path.unlink()
            continue
        target = path.resolve()
        if target.parent != ROOT or not target.name.startswith("output"):
            raise Exit(f"Refusing to delete {target}: it is not an output folder of this project.")
        if target.is_dir():
            shutil.rmtree(target)
            print(f"Deleted {target.relative_to(ROOT)}/")


@task(
    help={
        "sizes": "Corpus sizes for the build benchmark (default: '100 1000').",
        "runs": "Alternating runs per configuration (default: 5).",
        "no_lighthouse": "Skip Lighthouse (page weight only).",
    }
)
def bench(c, sizes="100 1000", runs=5, no_lighthouse=False):
    """Benchmarks: build speed against vanilla Pelican, the livereload edit loop, page weight
    and Lighthouse; writes benchmarks/results/bench.md (see benchmarks/README.md)."""
    lighthouse = " --no-lighthouse" if no_lighthouse else ""
    c.run(f"{sys.executable} benchmarks/bench.py --sizes '{sizes}' --runs {int(runs)}{lighthouse}")


@task(
    help={
        "args": "Extra arguments for pytest, e.g. -k compare.",
        "gates": "Also run the quality gates on the real site (invoke check); on by default.",
    }
)
def test(c, args="", gates=True):
    """Run the whole test suite: ruff (lint and format), pytest (unit, site, browser and server
    tests), then the quality gates on the real site (invoke check)."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")
    c.run(f"{sys.executable} -m pytest {args}")
    if gates:
        check(c)


@task(
    iterable=["page"],
    help={"page": "Check only this page, by URL path, e.g. /blog/my-post/ (repeatable)."},
)
def check(c, page=None):
    """Build the site with the development and the publish settings, then run the quality gates
    on every page of both: HTML validity, links and anchors, headless Chromium (console errors,
    failed or third-party requests, CSP violations), and axe-core at 1280 and 320 px.
    Screenshots and reports go to output-check/. Any finding fails."""
    from sitetools.check import run_checks
    from sitetools.config import studio_and_site_url

    _build(DEV_SETTINGS)
    _build(PUBLISH_SETTINGS, output=PUBLISH_OUTPUT)
    passed = failed = 0
    for settings, output in [(DEV_SETTINGS, OUTPUT), (PUBLISH_SETTINGS, PUBLISH_OUTPUT)]:
        studio, site_url = studio_and_site_url(settings)
        shots = CHECK_OUTPUT / Path(settings).stem
        report = run_checks(output, page or None, shots, studio_settings=studio, site_url=site_url)
        text = report.render()
        (shots / "report.txt").write_text(text + "\n", encoding="utf-8")
        print(f"\n== {settings}: {output.relative_to(ROOT)}/\n{text}")
        passed, failed = passed + report.passed, failed + report.failed
    print(f"\nAll gates, both builds:\n{passed} passed, {failed} failed")
    if failed:
        raise Exit(code=1)


@task(
    aliases=["publish"],
    help={
        "target": "rsync, gh-pages or local (default: DEPLOY['target'] or KP_DEPLOY_TARGET).",
        "dry_run": "List what would change and change nothing.",
    },
)
def deploy(c, target=None, dry_run=False):
    """Build with publishconf.py, run the quality checks, and ship output/ to the target.

    Nothing is shipped if the build or any check fails. See the README for the targets.
    `invoke publish` is the same task, under the name Pelican's own tasks.py gives it.
    """
    from sitetools.deploy import main as deploy_main

    # The gates run on the staged build; output/ is replaced only if they all pass.
    _build(PUBLISH_SETTINGS, gates=True)
    argv = ["--settings", PUBLISH_SETTINGS, str(OUTPUT)]
    if target:
        argv += ["--target", target]
    if dry_run:
        argv.append("--dry-run")
    status = deploy_main(argv)
    if status:
        raise Exit(code=status)


@task(
    name="gh-pages",
    help={"dry_run": "List what would change and change nothing."},
)
def gh_pages(c, dry_run=False):
    """Deploy to GitHub Pages: `invoke deploy --target gh-pages`, under Pelican's name.

    Builds with publishconf.py, runs the quality checks, and pushes output/ as one commit to
    the gh-pages branch (DEPLOY["gh-pages"] in publishconf.py, or KP_DEPLOY_REMOTE)."""
    deploy(c, target="gh-pages", dry_run=dry_run)
