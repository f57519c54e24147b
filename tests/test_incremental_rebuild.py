"""An incremental rebuild (sitetools.incremental, used by ``invoke livereload``) leaves
the output exactly as a full build of the same sources would: every page that shows an
edited post is rewritten, and no other page needs to be."""

from __future__ import annotations

import gzip
import os
import re
import shutil
from pathlib import Path

import pytest
from kp_common import memo
from kp_search import search
from pelican import Pelican
from pelican.settings import read_settings
from PIL import Image, ImageOps

from benchmarks.corpus import write_corpus
from sitetools.incremental import SiteSession

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pelicanconf.py"


def full_build(corpus: Path, output: Path) -> None:
    settings = read_settings(str(SETTINGS), override={"PATH": str(corpus),
                                                      "OUTPUT_PATH": str(output)})  # fmt: skip
    Pelican(settings).run()


def html_files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.html"))
    }


def assert_same_site(incremental: Path, fresh: Path) -> None:
    built, expected = html_files(incremental), html_files(fresh)
    assert built.keys() == expected.keys()
    different = [name for name in expected if built[name] != expected[name]]
    assert different == []


def set_meta(post: Path, name: str, value: str) -> None:
    text = post.read_text(encoding="utf-8")
    text, count = re.subn(rf"^{name}: .*$", f"{name}: {value}", text, count=1, flags=re.M)
    assert count == 1
    post.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    corpus = write_corpus(tmp_path_factory.mktemp("site") / "content", posts=36, seed=5)
    output = corpus.parent / "output"
    overrides = {"PATH": str(corpus), "CACHE_PATH": str(corpus.parent / "cache")}
    session = SiteSession(SETTINGS, output, overrides=overrides)
    result = session.build()
    assert result.problems == [] and result.plan.full
    return session


@pytest.fixture
def fresh(session, tmp_path):
    def build() -> Path:
        shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
        full_build(session.content_root, tmp_path / "fresh")
        return tmp_path / "fresh"

    return build


def test_title_edit_rewrites_every_page_that_shows_the_post(session, fresh):
    post = session.content_root / "blog" / "bench-post-0020.md"
    set_meta(post, "Title", "Zanzibar, a title nobody has seen")
    result = session.rebuild([post])
    assert result.problems == []
    assert not result.plan.full  # the fast path was taken
    # Pages that show the post: itself, a blog index page, its category, tag and author
    # pages, the archives (and the home page, which is always rewritten).
    showing = [name for name, html in html_files(session.output).items()
               if "Zanzibar" in html]  # fmt: skip
    assert "blog/bench-post-0020/index.html" in showing
    assert "blog/archives/index.html" in showing
    assert any(name.startswith("blog/category/") for name in showing)
    assert any(name.startswith("blog/tag/") for name in showing)
    assert any(name.startswith("blog/author/") for name in showing)
    assert any(re.match(r"blog/(page/\d+/)?index.html", name) for name in showing)
    # Far fewer pages were written than a full build writes.
    assert len(result.written) < len(html_files(session.output)) / 3
    assert_same_site(session.output, fresh())


def test_summary_and_body_edits_match_a_full_build(session, fresh):
    post = session.content_root / "blog" / "bench-post-0007.md"
    set_meta(post, "Summary", 'A brand-new summary -- with "quotes" and an ellipsis...')
    with post.open("a", encoding="utf-8") as stream:
        stream.write("\nOne more paragraph, it's new.\n")
    result = session.rebuild([post])
    assert result.problems == [] and not result.plan.full
    assert_same_site(session.output, fresh())


def test_date_edit_moves_the_post_everywhere(session, fresh):
    post = session.content_root / "blog" / "bench-post-0003.md"
    set_meta(post, "Date", "2031-05-04 10:00")
    result = session.rebuild([post])
    assert result.problems == [] and result.plan.full
    assert_same_site(session.output, fresh())


def test_category_and_tag_edits_match_a_full_build(session, fresh):
    post = session.content_root / "blog" / "bench-post-0011.md"
    set_meta(post, "Category", "A new category")
    set_meta(post, "Tags", "fresh-tag, headshots")
    result = session.rebuild([post])
    assert result.problems == []
    assert_same_site(session.output, fresh())


def test_added_and_removed_posts_match_a_full_build(session, fresh):
    source = session.content_root / "blog" / "bench-post-0001.md"
    added = session.content_root / "blog" / "an-added-post.md"
    text = source.read_text(encoding="utf-8").replace("bench-post-0001", "an-added-post")
    added.write_text(text, encoding="utf-8")
    result = session.rebuild([added])
    assert result.problems == [] and result.plan.full
    assert_same_site(session.output, fresh())
    added.unlink()
    result = session.rebuild([added])
    assert result.problems == [] and result.plan.full
    assert not (session.output / "blog" / "an-added-post" / "index.html").exists()
    assert_same_site(session.output, fresh())


def test_a_problem_is_reported_on_every_rebuild_until_it_is_fixed(session, fresh):
    post = session.content_root / "blog" / "bench-post-0015.md"
    good = post.read_text(encoding="utf-8")
    post.write_text(good + "\n![](/images/nowhere.jpg)\n", encoding="utf-8")
    first = session.rebuild([post])
    assert any("nowhere.jpg" in problem for problem in first.problems)
    # Saved again, not fixed: the same problems again (nothing remembered it as "done").
    post.write_text(good + "\n![](/images/nowhere.jpg)\n\nMore text.\n", encoding="utf-8")
    second = session.rebuild([post])
    assert [p for p in second.problems if "nowhere" in p] == [
        p for p in first.problems if "nowhere" in p
    ]
    post.write_text(good, encoding="utf-8")
    fixed = session.rebuild([post])
    assert fixed.problems == []
    assert_same_site(session.output, fresh())


def _derivatives(output: Path, stem: str) -> dict[str, bytes]:
    """The published derivatives of one photo (originals are never published)."""
    return {p.name: p.read_bytes() for p in sorted((output / "images" / "r").glob(f"{stem}-*"))}


def test_a_replaced_image_is_published_again_and_pages_match_a_full_build(session, fresh):
    image = session.content_root / "images" / "bench" / "photo-2.jpg"
    before = _derivatives(session.output, "photo-2")
    assert before
    with Image.open(image) as original:
        ImageOps.mirror(original).save(image, quality=70)
    result = session.rebuild([image])
    assert result.problems == [] and result.plan.full
    expected = fresh()
    assert_same_site(session.output, expected)
    fresh_derivatives = _derivatives(expected, "photo-2")
    assert fresh_derivatives.keys().isdisjoint(before.keys()), "new bytes, new names"
    after = _derivatives(session.output, "photo-2")
    assert {name: after.get(name) for name in fresh_derivatives} == fresh_derivatives


def test_removing_a_linked_post_reports_the_links_to_it_in_unchanged_posts(session, fresh):
    linking = {
        path.name: re.findall(r"\{filename\}/blog/(bench-post-\d+\.md)", path.read_text())
        for path in sorted((session.content_root / "blog").glob("bench-post-*.md"))
    }
    source, target = next((name, links[0]) for name, links in linking.items() if links)
    removed = session.content_root / "blog" / target
    text = removed.read_text(encoding="utf-8")
    removed.unlink()
    result = session.rebuild([removed])
    # The post that links to it did not change, but its link now leads nowhere.
    assert any(source in problem and target in problem for problem in result.problems)
    removed.write_text(text, encoding="utf-8")
    result = session.rebuild([removed])
    assert result.problems == []
    assert_same_site(session.output, fresh())


def test_edits_after_memoised_rebuilds_match_a_full_build(session, fresh):
    """The plugins' memos (``kp_common.memo``) fill during rebuilds; edits after several
    memoised rebuilds still give exactly a clean build's pages."""
    first = session.content_root / "blog" / "bench-post-0021.md"
    second = session.content_root / "blog" / "bench-post-0022.md"
    for number, post in enumerate([first, second, first, second]):
        with post.open("a", encoding="utf-8") as stream:
            stream.write(f"\nEdit number {number}, it's saved.\n")
        result = session.rebuild([post])
        assert result.problems == [] and not result.plan.full
    assert any(key[0] == str(first) for key in memo.entries("kp_images.lines"))
    assert memo.kept() is False  # only during the session's own runs
    assert_same_site(session.output, fresh())


def test_blocks_of_unchanged_posts_are_not_rendered_again_and_problems_are(
    session, fresh, monkeypatch
):
    """What a post's ``/// compare`` blocks became is remembered (kp_studio.render): an
    edit renders the edited post's blocks only, a block with a problem is rendered (and
    reported) on every rebuild, and the pages stay those of a full build."""
    from kp_studio.compare import CompareBlock

    blog = session.content_root / "blog"
    with_blocks = [
        p for p in sorted(blog.glob("bench-post-*.md")) if "/// compare" in p.read_text()
    ]
    assert len(with_blocks) >= 3
    edited, broken = with_blocks[0], with_blocks[1]
    rendered: list[str] = []
    real = CompareBlock.prepare.__func__

    def counted(cls, data, ctx):
        rendered.append(Path(ctx.content.source_path).name)
        return real(cls, data, ctx)

    monkeypatch.setattr(CompareBlock, "prepare", classmethod(counted))
    session.rebuild([edited])  # every post's blocks known after this one
    rendered.clear()
    with edited.open("a", encoding="utf-8") as stream:
        stream.write("\nA sentence added after the comparison.\n")
    result = session.rebuild([edited])
    assert result.problems == [] and rendered == [edited.name]

    good = broken.read_text(encoding="utf-8")
    before = re.search(r"^before: (.*)$", good, flags=re.M)
    assert before is not None
    broken.write_text(good.replace(before.group(0), "before: images/nowhere.jpg"), "utf-8")
    first = session.rebuild([broken])
    assert any(broken.name in p and "nowhere.jpg" in p for p in first.problems)
    rendered.clear()
    with edited.open("a", encoding="utf-8") as stream:
        stream.write("\nAnother sentence.\n")
    again = session.rebuild([edited])
    assert sorted(rendered) == sorted([edited.name, broken.name])
    assert [p for p in again.problems if "nowhere" in p] == [
        p for p in first.problems if "nowhere" in p
    ]
    broken.write_text(good, encoding="utf-8")
    assert session.rebuild([broken]).problems == []
    assert_same_site(session.output, fresh())


def test_memos_are_forgotten_when_a_post_an_image_or_a_template_changes(session):
    post = session.content_root / "blog" / "bench-post-0023.md"
    other = session.content_root / "blog" / "bench-post-0024.md"
    image = session.content_root / "images" / "bench" / "photo-1.jpg"
    lines = memo.entries("kp_images.lines")
    stale = {(str(path), ("stale",), False): 99 for path in (post, other)}

    lines.update(stale)
    post.write_text(post.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    assert session.rebuild([post]).problems == []
    assert [key for key in stale if key in lines] == [(str(other), ("stale",), False)]

    lines.update(stale)
    os.utime(image)  # an image: every page may show it, so everything is forgotten
    assert session.rebuild([image]).plan.full
    assert not any(key in lines for key in stale)

    lines.update(stale)
    session.build()  # what livereload runs after a template change
    assert not any(key in lines for key in stale)


def test_a_symlinked_image_is_resolved_again_after_it_changes(session, fresh):
    """A path resolved through a symlink is remembered, and resolved again when the link
    changes: the pages then show the photo it now points to, as a clean build does."""
    image = session.content_root / "images" / "bench" / "photo-3.jpg"
    original = image.read_bytes()
    posts = [p for p in session.content_root.glob("blog/*.md") if "photo-3.jpg" in p.read_text()]
    assert posts
    assert session.rebuild([posts[0]]).problems == []  # photo-3 resolved and remembered
    image.unlink()
    image.symlink_to("photo-2.jpg")
    try:
        result = session.rebuild([image])
        assert result.problems == [] and result.plan.full
        assert_same_site(session.output, fresh())
        page = session.output / Path(posts[0].stem.join(["blog/", "/index.html"]))
        assert "photo-2-" in page.read_text(encoding="utf-8")
    finally:
        image.unlink()
        image.write_bytes(original)
    assert session.rebuild([image]).problems == []
    assert_same_site(session.output, fresh())


def test_site_wide_files_follow_finish_and_match_a_full_build(session, fresh):
    """A ``later`` rebuild writes the pages, then holds the site-wide files (sitemap,
    redirects, robots.txt) until ``finish()``; the sitemap still lists every page."""
    post = session.content_root / "blog" / "bench-post-0025.md"
    sitemap = session.output / "sitemap.xml"
    sitemap.unlink()
    with post.open("a", encoding="utf-8") as stream:
        stream.write("\nZyzzyva, a later edit.\n")
    result = session.rebuild([post], later=True)
    assert result.problems == [] and not result.plan.full
    assert "Zyzzyva" in (session.output / "blog/bench-post-0025/index.html").read_text()
    assert not sitemap.exists()  # held back: the reload comes first
    assert session.finish() == []
    assert session.finish() == []  # done once
    expected = fresh()
    for name in ("sitemap.xml", "robots.txt", "_redirects"):
        if (expected / name).exists():
            assert (session.output / name).read_bytes() == (expected / name).read_bytes(), name
    assert sitemap.read_text().count("<url>") > 36  # every post, not the pages just written
    assert_same_site(session.output, expected)


def test_the_search_index_follows_an_edit_in_the_background(session):
    post = session.content_root / "blog" / "bench-post-0009.md"
    with post.open("a", encoding="utf-8") as stream:
        stream.write("\nA sentence about quokkas, for the search index.\n")
    result = session.rebuild([post])
    assert result.problems == [] and not result.plan.full
    assert search.wait_for_background_index(timeout=120)
    bundle = session.output / search.BUNDLE_DIR
    records = b"".join(gzip.decompress(p.read_bytes()) for p in bundle.glob("fragment/*"))
    assert b"quokkas" in records
    assert not list(session.output.glob(f"{search.STAGING_PREFIX}*"))


def test_a_failed_background_index_keeps_the_last_good_index(session, monkeypatch, caplog):
    """Indexing runs after the rebuild returned: its failure is shown on the console, the
    reader keeps the previous index, and the rebuilds themselves succeed."""
    assert search.wait_for_background_index(timeout=120)
    bundle = session.output / search.BUNDLE_DIR
    before = sorted(p.name for p in bundle.rglob("*"))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/nonexistent/pagefind")
    post = session.content_root / "blog" / "bench-post-0004.md"
    for word in ("wombats", "echidnas"):
        with post.open("a", encoding="utf-8") as stream:
            stream.write(f"\nA sentence about {word}.\n")
        result = session.rebuild([post])
        assert search.wait_for_background_index(timeout=120)
        assert result.problems == []
    failures = [r for r in caplog.records if "could not index" in r.getMessage()]
    assert failures and "search still uses the previous index" in failures[-1].getMessage()
    assert "/nonexistent/pagefind" in failures[-1].getMessage()
    assert sorted(p.name for p in bundle.rglob("*")) == before  # the last good index stays
