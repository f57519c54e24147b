"""The build reads on several processes (``sitetools.parallel``), kp_validate tokenises
the rendered posts on several (``kp_validate.prepared``), the pages are rendered on several
(``sitetools.parallel_writing``), and it publishes exactly what a serial build publishes;
an author's mistake is reported the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kp_common import forked
from kp_images import images
from kp_validate import prepared

from sitetools import parallel_writing
from sitetools.build import CONTENT_CACHE_FILES, drop_content_cache
from sitetools.parallel import WORKERS_ENV
from tests.sitebuild import (
    build_into,
    content_with_corpus,
    files_of,
    folders_of,
    post,
    problems_about,
    source_line,
)

GENERATED_POSTS = 36


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    return content_with_corpus(tmp_path_factory.mktemp("parallel") / "content", GENERATED_POSTS)


def cold_build(monkeypatch, content: Path, output: Path, cache: Path, workers: int, **settings):
    """A cold build (no content cache, no search index; image derivatives kept)."""
    monkeypatch.setenv(WORKERS_ENV, str(workers))
    drop_content_cache(cache)
    shutil.rmtree(cache / "kp_search", ignore_errors=True)
    return build_into(output, PATH=str(content), CACHE_PATH=str(cache), **settings)


# Relative URLs: each page is rendered with its own SITEURL, which content objects read
# from the context Pelican shares between pages (``pelican_compat.render_held``).
@pytest.mark.parametrize("relative_urls", [False, True], ids=["site-urls", "relative-urls"])
def test_a_parallel_build_publishes_the_same_bytes_as_a_serial_build(
    monkeypatch, content, tmp_path, relative_urls
):
    cache = tmp_path / "cache"
    urls = {"RELATIVE_URLS": relative_urls}
    serial = cold_build(monkeypatch, content, tmp_path / "serial", cache, 1, **urls)
    assert serial.ok, "\n".join(serial.problems)
    assert serial.parallel_reads == 0 and serial.parallel_pages == 0
    assert forked.last_in_workers == 0 and images.last_rewritten_ahead == 0
    monkeypatch.setattr(parallel_writing, "last_made_ahead", 0)
    parallel = cold_build(monkeypatch, content, tmp_path / "parallel", cache, 2, **urls)
    assert parallel.ok, "\n".join(parallel.problems)
    sources = len(list(content.glob("blog/*.md"))) + len(list(content.glob("pages/*.md")))
    assert parallel.parallel_reads == sources, "not every source was read by a worker"
    assert forked.last_in_workers == sources, "not every post was checked by a worker"
    assert images.last_rewritten_ahead > GENERATED_POSTS, "the <picture> rewrite was not forked"
    pages = sum(1 for _ in serial.output.rglob("*.html"))
    assert sources < parallel.parallel_pages <= pages, "the pages were not rendered by workers"

    expected, actual = files_of(serial.output), files_of(parallel.output)
    assert sorted(actual) == sorted(expected), "the two builds wrote different files"
    differing = [name for name in expected if actual[name] != expected[name]]
    assert not differing, f"{len(differing)} file(s) differ, e.g. {differing[:5]}"
    assert len(expected) > 200  # pages, search index, images: the whole site was compared
    # Folders too, empty ones included (the parallel build makes the posts' ahead).
    assert folders_of(parallel.output) == folders_of(serial.output)
    assert parallel_writing.last_made_ahead >= GENERATED_POSTS


def test_a_bad_post_read_in_a_parallel_build_is_reported_with_its_file_and_line(
    monkeypatch, content, tmp_path
):
    bad_content = tmp_path / "content"
    shutil.copytree(content, bad_content)
    bad = bad_content / "blog" / "bad-block.md"
    bad.write_text(
        post(
            "Title: A bad block\nDate: 2024-05-01 10:00\nCategory: Tips\nSlug: bad-block\n"
            "Summary: A compare block left open.\nImage: images/bench/photo-1.jpg\n"
            "Image_alt: A portrait",
            "Some text.\n\n/// compare | Never closed\nbefore: images/bench/photo-1.jpg\n"
            "before_alt: One\nafter: images/bench/photo-2.jpg\nafter_alt: Two\n",
        ),
        encoding="utf-8",
    )
    # A key given twice (Pelican warns as it reads; kp_validate reports it with its line)
    # is reported by a parallel build as by a serial one.
    twice = bad_content / "blog" / "key-twice.md"
    twice.write_text(
        post(
            "Title: Key twice\nDate: 2024-05-02 10:00\nCategory: Tips\nCategory: Guides\n"
            "Slug: key-twice\nSummary: One summary.\n"
            "Image: images/bench/photo-1.jpg\nImage_alt: A portrait"
        ),
        encoding="utf-8",
    )
    # Markup outside the allow-list and a link to nowhere (kp_validate's checks, whose
    # parsing a parallel build does in workers) are reported as by a serial build.
    unsafe = bad_content / "blog" / "unsafe-markup.md"
    unsafe.write_text(
        post(
            "Title: Unsafe markup\nDate: 2024-05-03 10:00\nCategory: Tips\n"
            "Slug: unsafe-markup\nSummary: A handler and a dead link.\n"
            "Image: images/bench/photo-1.jpg\nImage_alt: A portrait",
            'Some text.\n\n<span onclick="alert(1)">Click</span>\n\n'
            "See [the old page](/no-such-page/).\n",
        ),
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    parallel = cold_build(monkeypatch, bad_content, tmp_path / "out-2", cache, 2)
    checked_in_workers = forked.last_in_workers
    serial = cold_build(monkeypatch, bad_content, tmp_path / "out-1", cache, 1)
    assert not parallel.ok and parallel.parallel_reads > GENERATED_POSTS
    assert checked_in_workers > GENERATED_POSTS, "the checks' parsing ran in this process"
    unsafe_found = problems_about(parallel, "blog/unsafe-markup.md")
    unsafe_lines = {int(match.group("line")) for match in unsafe_found if match.group("line")}
    assert source_line(unsafe, "onclick") in unsafe_lines, parallel.problems
    assert source_line(unsafe, "/no-such-page/") in unsafe_lines, parallel.problems
    found = problems_about(parallel, "blog/bad-block.md")
    assert found, "no error names the bad post:\n" + "\n".join(parallel.problems)
    lines = {int(match.group("line")) for match in found if match.group("line")}
    assert source_line(bad, "/// compare") in lines, parallel.problems
    twice_found = problems_about(parallel, "blog/key-twice.md")
    assert twice_found, "no error names the post with a key twice:\n" + "\n".join(parallel.problems)
    assert source_line(twice, "Category: Guides") in {
        int(match.group("line")) for match in twice_found if match.group("line")
    }
    assert sorted(parallel.problems) == sorted(serial.problems)
    assert not (tmp_path / "out-2").exists(), "a failed build published"


def test_a_build_after_an_edit_tokenises_only_the_edited_post_and_still_reports_it(
    monkeypatch, content, tmp_path
):
    assert prepared.CACHE_FILE in CONTENT_CACHE_FILES  # a cold build starts without it
    edited = tmp_path / "content"
    shutil.copytree(content, edited)
    cache, output = tmp_path / "cache", tmp_path / "out"
    first = cold_build(monkeypatch, edited, output, cache, 2)
    assert first.ok, "\n".join(first.problems)
    sources = prepared.last_tokenised
    assert sources > GENERATED_POSTS
    post = sorted(edited.glob("blog/*.md"))[GENERATED_POSTS // 2]

    with post.open("a", encoding="utf-8") as stream:
        stream.write("\nAnother sentence, and [a link home](/).\n")
    second = build_into(output, PATH=str(edited), CACHE_PATH=str(cache))
    assert second.ok and prepared.last_tokenised == 1, second.problems
    cold = cold_build(monkeypatch, edited, tmp_path / "cold", cache, 2)
    assert prepared.last_tokenised == sources
    assert files_of(output) == files_of(cold.output)

    with post.open("a", encoding="utf-8") as stream:
        stream.write("\nSee [the old page](/no-such-page/).\n")
    third = build_into(output, PATH=str(edited), CACHE_PATH=str(cache))
    assert prepared.last_tokenised == 1 and not third.ok
    lines = {
        int(match.group("line"))
        for match in problems_about(third, f"blog/{post.name}")
        if match.group("line")
    }
    assert source_line(post, "/no-such-page/") in lines, third.problems
