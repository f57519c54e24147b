"""The search index: made by Pagefind from the finished site, reused when every page is byte
for byte the same, made in the background on request, and reported when Pagefind cannot run."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from benchmarks.corpus import write_corpus
from kp_search import search
from pelicanconf import STUDIO

ROOT = Path(__file__).resolve().parents[3]

PAGE = (
    "<!doctype html><html lang='en'><head><title>{title}</title></head>"
    "<body><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article></body></html>"
)


def write_site(output, text="Soft window light for headshots."):
    for slug, title in (("light", "Light"), ("wardrobe", "Wardrobe")):
        page = output / "blog" / slug / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(title=title, text=f"{title}: {text}"), encoding="utf-8")


def bundle(output):
    folder = output / search.BUNDLE_DIR
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fragments(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's record of each page (URL, text, meta), named by its content's hash."""
    return {
        name: gzip.decompress(data) for name, data in files.items() if name.startswith("fragment/")
    }


def entry(files: dict[str, bytes]) -> dict:
    """pagefind-entry.json without the word index's content hash."""
    languages = json.loads(files["pagefind-entry.json"])["languages"]
    return {name: {**language, "hash": None} for name, language in languages.items()}


def program(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's JS and WebAssembly: the same for any index."""
    return {name: data for name, data in files.items() if name.endswith((".js", ".pagefind"))}


def site(output, cache, **settings):
    return SimpleNamespace(
        # STUDIO: the settings layer checks every setting of ours, this plugin's among them.
        settings={
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(cache),
            "STUDIO": STUDIO,
            **settings,
        }
    )


def messages(caplog):
    return [record.getMessage() for record in caplog.records if record.name == search.__name__]


def no_staging_left(output):
    return not [p for p in output.iterdir() if p.name.startswith(search.STAGING_PREFIX)]


def test_unchanged_html_reuses_the_index_and_changed_html_indexes_again(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=search.__name__)
    output, cache = tmp_path / "output", tmp_path / "cache"
    write_site(output)

    search.build_index(site(output, cache))
    first = bundle(output)
    assert "pagefind.js" in first and "pagefind-ui.js" not in first
    assert messages(caplog)[-1] == f"kp_search: indexed 2 pages ({output})"

    # A fresh output folder with the same HTML (the atomic build's case): no indexing,
    # and the very same bundle.
    second_output = tmp_path / "output2"
    write_site(second_output)
    search.build_index(site(second_output, cache))
    assert "reused the search index" in messages(caplog)[-1]
    assert bundle(second_output) == first

    # One changed sentence: Pagefind runs again and the bundle changes.
    output = tmp_path / "output3"
    write_site(output, text="Bring three shirts to the studio.")
    search.build_index(site(output, cache))
    assert messages(caplog)[-1] == f"kp_search: indexed 2 pages ({output})"
    assert bundle(output) != first
    assert b"three shirts" in b"".join(fragments(bundle(output)).values())
    kept = [p for p in (cache / search.CACHE_DIR).iterdir() if p.is_dir()]
    assert len(kept) == 2 and not [p for p in kept if p.name.startswith(".")]
    assert no_staging_left(output)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"), posts=12, seed=7)


def pelican_build(corpus: Path, output: Path, cache: Path) -> None:
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(corpus),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(cache),
            "PLUGINS": ["kp_theme", "kp_assets", "kp_studio", "kp_search"],
        },
    )
    Pelican(settings).run()


def test_a_build_indexes_every_post_once_and_an_identical_build_reuses_it(corpus, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=search.__name__)
    output = tmp_path / "output"
    pelican_build(corpus, output, tmp_path / "cache")
    first = bundle(output)
    pages = list(output.rglob("*.html"))
    searchable = [p for p in pages if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert len(searchable) >= 12  # every post, at least
    assert messages(caplog)[-1] == f"kp_search: indexed {len(searchable)} pages ({output})"
    assert len(fragments(first)) == len(searchable)  # listings and menus are left out
    assert (output / search.BUNDLE_DIR).stat().st_mode & 0o755 == 0o755  # served as is

    # The same site built again into a fresh folder: Pagefind does not run.
    caplog.clear()
    pelican_build(corpus, tmp_path / "again", tmp_path / "cache")
    assert "reused the search index" in messages(caplog)[-1]
    assert bundle(tmp_path / "again") == first


def test_background_index_returns_at_once_and_publishes_a_complete_bundle(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=search.__name__)
    output, cache = tmp_path / "output", tmp_path / "cache"
    write_site(output, text="First draft about backdrops.")
    background = site(output, cache, KP_SEARCH_BACKGROUND=True)

    # While the bundle may not be moved into place, the build still returns: indexing
    # does not hold it up, and output/pagefind never holds a partial bundle.
    with search._publishing:
        search.build_index(background)
        assert not search.wait_for_background_index(timeout=0)
        assert not (output / search.BUNDLE_DIR).exists()
        # A newer build supersedes the running one: one writer, the newest text.
        write_site(output, text="Final text about lighting ratios.")
        search.build_index(background)
    assert search.wait_for_background_index(timeout=120)
    text = b"".join(fragments(bundle(output)).values())
    assert b"lighting ratios" in text and b"backdrops" not in text
    assert "pagefind.js" in bundle(output) and "pagefind-ui.js" not in bundle(output)
    assert no_staging_left(output)
    assert not [m for m in messages(caplog) if "could not index" in m]

    # A later background build replaces the published bundle in one step.
    write_site(output, text="Third version about reflectors.")
    search.build_index(background)
    assert search.wait_for_background_index(timeout=120)
    assert b"reflectors" in b"".join(fragments(bundle(output)).values())
    assert no_staging_left(output)


def test_pagefind_failing_is_an_error_and_leaves_no_partial_bundle(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    output = tmp_path / "output"
    write_site(output)
    search.build_index(site(output, tmp_path / "cache"))
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "Pagefind could not index" in errors[0].getMessage()
    assert "no-such-pagefind" in errors[0].getMessage()
    assert not (output / search.BUNDLE_DIR).exists()
    assert no_staging_left(output)


def test_without_any_data_pagefind_body_every_page_is_indexed(tmp_path):
    """A site with no page marked for search is indexed whole (Pagefind's rule)."""
    output = tmp_path / "output"
    for slug in ("one", "two", "three"):
        page = output / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f"<!doctype html><html lang='en'><head><title>{slug}</title></head>"
            f"<body><h1>{slug}</h1><p>Portrait session {slug}.</p></body></html>",
            encoding="utf-8",
        )
    search.build_index(site(output, tmp_path / "cache"))
    assert entry(bundle(output))["en"]["page_count"] == 3
    assert len(fragments(bundle(output))) == 3


def write_pages(output, paths):
    for number, relative in enumerate(paths):
        page = output / relative
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(title=f"Post {number}", text=f"Word{number} studio"), "utf-8")


def part_folders(output):
    folder = output / search.BUNDLE_DIR
    return [folder, *(folder / part for part in search.parts_of(folder))]


def parts(output) -> list[dict[str, bytes]]:
    """Each part's files (the first part's without the other parts nested in it)."""
    return [
        {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*")
            if path.is_file() and not path.relative_to(folder).parts[0].startswith("part-")
        }
        for folder in part_folders(output)
    ]


def urls(files: dict[str, bytes]) -> list[str]:
    return [
        json.loads(record.removeprefix(b"pagefind_dcd"))["url"]
        for record in fragments(files).values()
    ]


# Paths with the glob syntax's special characters must still match only themselves.
SPLIT_PAGES = [
    "blog/a/index.html",
    "blog/b,c/index.html",
    "blog/{d}/index.html",
    "blog/e[1]/index.html",
    "blog/f*/index.html",
    "blog/g/index.html",
    "blog/h/index.html",
]


def write_split_site(output):
    write_pages(output, SPLIT_PAGES)
    # Not marked for search, though its text names the attribute (as a post about it would).
    listing = "<html><body><p>About the data-pagefind-body attribute</p></body></html>"
    (output / "index.html").write_text(listing, "utf-8")


def test_past_the_limit_the_index_comes_in_parts_that_share_one_program(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=search.__name__)
    output = tmp_path / "output"
    write_split_site(output)
    search.build_index(site(output, tmp_path / "cache", KP_SEARCH_PAGES_PER_BUNDLE=2))

    found = parts(output)
    assert len(found) >= 2
    assert messages(caplog)[-1] == f"kp_search: indexed 7 pages in {len(found)} parts ({output})"
    assert "pagefind.js" in found[0] and "wasm.en.pagefind" in found[0]
    for files in found[1:]:  # index only: the browser runs the first part's program
        assert not program(files) and "pagefind-entry.json" in files
    # Every marked page in exactly one part; the listing in none.
    every = [url for files in found for url in urls(files)]
    assert sorted(every) == sorted(f"/{p.removesuffix('index.html')}" for p in SPLIT_PAGES)
    assert [entry(files)["en"]["page_count"] for files in found] == [
        len(urls(files)) for files in found
    ]


def test_an_edit_indexes_again_only_the_part_holding_the_page(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=search.__name__)
    cache = tmp_path / "cache"
    first_output = tmp_path / "first"
    write_split_site(first_output)
    search.build_index(site(first_output, cache, KP_SEARCH_PAGES_PER_BUNDLE=2))
    before = parts(first_output)

    output = tmp_path / "second"  # the atomic build's fresh folder, the same cache
    write_split_site(output)
    edited = output / "blog/g/index.html"
    edited.write_text(PAGE.format(title="Post 5", text="Tethered capture"), "utf-8")
    search.build_index(site(output, cache, KP_SEARCH_PAGES_PER_BUNDLE=2))
    after = parts(output)

    changed = [files for files in after if files not in before]
    assert len(changed) == 1 and "/blog/g/" in urls(changed[0])
    assert b"Tethered capture" in b"".join(fragments(changed[0]).values())
    assert len(after) == len(before) >= 2
    assert messages(caplog)[-1] == (
        f"kp_search: indexed {len(urls(changed[0]))} pages in 1 of {len(after)} parts ({output})"
    )


def test_parts_are_indexed_side_by_side_and_each_kept_alone(tmp_path, monkeypatch):
    """With two workers two Pagefind runs overlap; the cache keeps each part by itself
    (the first part's entry without the others nested in it), and the bundle holds no
    folder a run was made in."""
    running, most = [], [0]
    real_popen = search.subprocess.Popen

    class Watched(real_popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            running.append(self)
            most[0] = max(most[0], sum(process.poll() is None for process in running))

    monkeypatch.setattr(search.subprocess, "Popen", Watched)
    monkeypatch.setenv("KP_BUILD_WORKERS", "2")
    output, cache = tmp_path / "output", tmp_path / "cache"
    write_split_site(output)
    search.build_index(site(output, cache, KP_SEARCH_PAGES_PER_BUNDLE=2))

    found = parts(output)
    assert len(running) == len(found) >= 3
    assert most[0] == 2
    entries = {path.name: path for path in (cache / search.CACHE_DIR).iterdir()}
    assert len(entries) == len(found)
    for folder in entries.values():
        assert not [p for p in folder.iterdir() if p.name.startswith(("part-", ".index-"))]
    assert not list((output / search.BUNDLE_DIR).glob(".index-*"))
    # What the next build copies from the cache is what this one published.
    again = tmp_path / "again"
    write_split_site(again)
    search.build_index(site(again, cache, KP_SEARCH_PAGES_PER_BUNDLE=2))
    assert len(running) == len(found)  # no new run
    assert parts(again) == found


def test_within_the_limit_there_is_one_bundle_and_no_parts(tmp_path):
    output = tmp_path / "output"
    write_pages(output, ["blog/a/index.html", "blog/b/index.html"])
    search.build_index(site(output, tmp_path / "cache"))
    assert part_folders(output) == [output / search.BUNDLE_DIR]
    assert not list((output / search.BUNDLE_DIR).glob("part-*"))


@pytest.mark.parametrize("value", [0, -3, "250", 2.5, True])
def test_a_bad_pages_per_bundle_setting_is_an_error_naming_it(tmp_path, caplog, value):
    output = tmp_path / "output"
    write_pages(output, ["blog/a/index.html"])
    search.build_index(site(output, tmp_path / "cache", KP_SEARCH_PAGES_PER_BUNDLE=value))
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "KP_SEARCH_PAGES_PER_BUNDLE" in errors[0]
    assert "whole number" in errors[0]
    assert not (output / search.BUNDLE_DIR).exists()


def test_a_background_failure_is_not_the_running_builds_problem(tmp_path, caplog, monkeypatch):
    """Under livereload indexing ends after its build returned, often during the next one:
    its failure goes to the console, not into that unrelated build's problems. A failure in
    the build's own indexing is the build's problem."""
    from sitetools.build import ProblemCollector

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    output = tmp_path / "output"
    write_site(output)
    collected = []
    for background in (True, False):
        collector = ProblemCollector()
        logging.getLogger().addHandler(collector)
        try:
            search.build_index(site(output, tmp_path / "cache", KP_SEARCH_BACKGROUND=background))
            assert search.wait_for_background_index(timeout=60)
        finally:
            logging.getLogger().removeHandler(collector)
        collected.append(collector.problems)
    in_background, in_the_build = collected
    assert in_background == []
    assert len(in_the_build) == 1 and "no search index" in in_the_build[0]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "search still uses the previous index" in errors[0]
    assert "no-such-pagefind" in errors[0]
