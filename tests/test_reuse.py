"""A build after an edit renders only the pages that show it and takes the others from the
last output (``sitetools.reuse``), and publishes exactly what a cold build of the same
sources publishes; anything it cannot vouch for is rendered again."""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import pytest
from kp_images import images, kept

from sitetools import reuse
from sitetools.build import CONTENT_CACHE_FILES, build_inputs, drop_content_cache, load_settings
from sitetools.parallel import WORKERS_ENV
from tests.sitebuild import (
    ROOT,
    build_into,
    content_with_corpus,
    files_of,
    problems_about,
    source_line,
)

GENERATED_POSTS = 30


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    return content_with_corpus(tmp_path_factory.mktemp("reuse") / "content", GENERATED_POSTS)


@pytest.fixture
def site(monkeypatch, content, tmp_path):
    """A copy of the content to edit, and a build of it into one output with one cache
    (the way ``invoke build`` runs again and again), on two workers."""
    monkeypatch.setenv(WORKERS_ENV, "2")
    edited = tmp_path / "content"
    shutil.copytree(content, edited)
    return edited


def build(site: Path, tmp_path: Path, **settings):
    return build_into(
        tmp_path / "out", PATH=str(site), CACHE_PATH=str(tmp_path / "cache"), **settings
    )


def cold_build(site: Path, tmp_path: Path, name: str, **settings):
    """What a cold build of the same sources publishes: the image derivatives kept (a
    copy of the cache), no content cache, no search index, no earlier output."""
    cache = tmp_path / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copytree(tmp_path / "cache", cache)
    drop_content_cache(cache)
    shutil.rmtree(cache / "kp_search", ignore_errors=True)
    result = build_into(tmp_path / name, PATH=str(site), CACHE_PATH=str(cache), **settings)
    assert result.ok, "\n".join(result.problems)
    assert result.reused_pages == 0
    return result


def assert_same_site(actual: Path, expected: Path) -> None:
    have, want = files_of(actual), files_of(expected)
    assert sorted(have) == sorted(want), f"different files: {sorted(set(have) ^ set(want))}"
    differing = [name for name in want if have[name] != want[name]]
    assert not differing, f"{len(differing)} file(s) differ, e.g. {differing[:5]}"


def a_generated_post(site: Path) -> Path:
    return sorted(site.glob("blog/bench-post-*.md"))[GENERATED_POSTS // 2]


def pages_in(output: Path) -> int:
    return sum(1 for _ in output.rglob("*.html"))


def set_front_matter(post: Path, key: str, value: str) -> None:
    lines = post.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f"{key}: {value}\n" if line.startswith(f"{key}:") else line for line in lines]
    post.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("relative_urls", [False, True], ids=["site-urls", "relative-urls"])
def test_an_edited_post_renders_the_pages_that_show_it_and_publishes_a_cold_builds_bytes(
    site, tmp_path, relative_urls
):
    urls = {"RELATIVE_URLS": relative_urls}
    assert kept.CACHE_FILE in CONTENT_CACHE_FILES  # a cold build starts without it
    first = build(site, tmp_path, **urls)
    assert first.ok, "\n".join(first.problems)
    assert first.reused_pages == 0 and images.last_parsed > GENERATED_POSTS
    pages = pages_in(first.output)

    # A body edit that adds a photo. The derivatives of the photos on reused pages (the
    # real posts' lead images, their link previews) are planned by their recorded calls.
    post = a_generated_post(site)
    with post.open("a", encoding="utf-8") as stream:
        stream.write(
            "\nAn edit -- it's a small one.\n\n"
            "![A new photo in the post](/images/bench/photo-5.jpg)\n"
        )
    second = build(site, tmp_path, **urls)
    assert second.ok, "\n".join(second.problems)
    # The <picture> rewrite parsed the edited post only (kp_images.kept).
    assert images.last_parsed == 1
    # The post, the pages listing it, its neighbours and the direct templates are
    # rendered; every other page comes from the last output.
    assert pages // 2 < second.reused_pages < pages - 3, (second.reused_pages, pages)
    assert_same_site(second.output, cold_build(site, tmp_path, "cold-body", **urls).output)

    # A title shows in listings and in the neighbours' links: still the cold build's site.
    set_front_matter(post, "Title", "A title the author changed")
    third = build(site, tmp_path, **urls)
    assert third.ok and third.reused_pages > pages // 2, third.problems
    assert_same_site(third.output, cold_build(site, tmp_path, "cold-title", **urls).output)


def test_an_edit_that_moves_the_post_between_listings_renders_every_page(site, tmp_path):
    assert build(site, tmp_path).ok
    set_front_matter(a_generated_post(site), "Tags", "a-tag-of-its-own")
    moved = build(site, tmp_path)
    assert moved.ok and moved.reused_pages == 0, moved.problems
    assert_same_site(moved.output, cold_build(site, tmp_path, "cold").output)

    # Nor are pages reused when a file is added, a photo changes, or the output was
    # touched by hand since: each is then a build of every page.
    added = site / "blog" / "a-new-post.md"
    added.write_text(
        a_generated_post(site).read_text(encoding="utf-8").replace("Slug: ", "Slug: new-"),
        encoding="utf-8",
    )
    assert build(site, tmp_path).reused_pages == 0
    photo = site / "images" / "bench" / "photo-1.jpg"
    photo.write_bytes(photo.read_bytes() + b"\0")  # bytes after the JPEG's end
    assert build(site, tmp_path).reused_pages == 0
    touched = tmp_path / "out" / "about" / "index.html"
    touched.write_text("edited by hand", encoding="utf-8")
    with a_generated_post(site).open("a", encoding="utf-8") as stream:
        stream.write("\nOne more sentence.\n")
    after_hand_edit = build(site, tmp_path)
    assert after_hand_edit.ok and after_hand_edit.reused_pages == 0
    assert_same_site(after_hand_edit.output, cold_build(site, tmp_path, "cold-2").output)


def test_a_failed_build_keeps_the_last_output_and_the_next_one_still_reuses_it(site, tmp_path):
    assert build(site, tmp_path).ok
    before = files_of(tmp_path / "out")
    post = a_generated_post(site)
    text = post.read_text(encoding="utf-8")
    with post.open("a", encoding="utf-8") as stream:
        stream.write("\nSee [the old page](/no-such-page/).\n")
    failed = build(site, tmp_path)
    assert not failed.ok
    lines = {
        int(m.group("line")) for m in problems_about(failed, f"blog/{post.name}") if m.group("line")
    }
    assert source_line(post, "/no-such-page/") in lines, failed.problems
    assert files_of(tmp_path / "out") == before, "a failed build changed the output"

    post.write_text(text + "\nA sentence instead of the dead link.\n", encoding="utf-8")
    fixed = build(site, tmp_path)
    assert fixed.ok and fixed.reused_pages > 0, fixed.problems
    assert_same_site(fixed.output, cold_build(site, tmp_path, "cold").output)


def test_the_record_is_per_output_folder_and_a_damaged_record_costs_only_a_full_render(
    site, tmp_path
):
    assert build(site, tmp_path).ok
    record = reuse.record_path(tmp_path / "cache", tmp_path / "out")
    assert record.is_file()
    # A build into another folder with the same cache leaves this output's record alone.
    elsewhere = build_into(
        tmp_path / "elsewhere", PATH=str(site), CACHE_PATH=str(tmp_path / "cache")
    )
    assert elsewhere.ok and record.is_file()
    assert reuse.record_path(tmp_path / "cache", tmp_path / "elsewhere").is_file()

    record.write_bytes(record.read_bytes()[:100])  # cut short
    with a_generated_post(site).open("a", encoding="utf-8") as stream:
        stream.write("\nOne more sentence.\n")
    damaged = build(site, tmp_path)
    assert damaged.ok and damaged.reused_pages == 0, damaged.problems
    assert reuse.load(tmp_path / "cache", tmp_path / "out") is not None  # written afresh


def test_what_a_build_reads_is_the_same_however_often_the_settings_are_loaded(
    monkeypatch, content, tmp_path
):
    """Each run's plugins make new objects in the settings (kp_assets' ``asset`` global:
    default reprs name addresses), and each Pelican run puts PLUGIN_PATHS on sys.path
    again: neither is a change."""
    overrides = {"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache")}
    first = load_settings(ROOT / "pelicanconf.py", overrides)
    second = load_settings(ROOT / "pelicanconf.py", overrides)
    first["JINJA_GLOBALS"] = {"asset": object()}
    second["JINJA_GLOBALS"] = {"asset": object()}
    assert repr(first["JINJA_GLOBALS"]) != repr(second["JINJA_GLOBALS"])
    output = tmp_path / "out"
    before = build_inputs(ROOT / "pelicanconf.py", first, output)
    # Installed packages' folder on sys.path twice: each of its packages found twice.
    monkeypatch.syspath_prepend(str(importlib.metadata.distribution("pelican").locate_file("")))
    assert build_inputs(ROOT / "pelicanconf.py", second, output) == before
