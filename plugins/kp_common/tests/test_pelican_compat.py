"""Each Pelican internal ``kp_common.pelican_compat`` relies on, exercised against the
installed Pelican: an upgrade that changes one fails the test that names it.

Every assertion message starts with ``Pelican internal changed:`` and the internal's name,
so the failure says what to look at in ``pelican_compat`` before anything else.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from jinja2 import Template
from pelican import Pelican, signals
from pelican.contents import Article, Content, Static
from pelican.generators import ArticlesGenerator
from pelican.log import LimitFilter, LimitLogger
from pelican.readers import Readers
from pelican.settings import read_settings
from pelican.urlwrappers import Tag
from pelican.writers import Writer

from kp_common import pelican_compat as compat


def changed(internal: str, detail: str) -> str:
    return f"Pelican internal changed: {internal}: {detail}"


def settings_for(tmp_path: Path, **overrides) -> dict:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    return read_settings(
        None,
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "SITEURL": "https://studio.example",
            "PLUGINS": [],
            **overrides,
        },
    )


def context_for(settings: dict) -> dict:
    return {
        **settings,
        "generated_content": {},
        "static_links": set(),
        "static_content": {},
        "localsiteurl": settings["SITEURL"],
    }


def article(settings: dict, html: str, context: dict | None = None, **metadata) -> Article:
    source = os.path.join(settings["PATH"], "post.md")
    metadata = {"title": "Post", "date": datetime(2024, 5, 1), **metadata}
    return Article(html, metadata, settings, source, context or context_for(settings))


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.linked: list[Content | None] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.linked.append(compat.content_being_linked())  # while Pelican is logging


@pytest.fixture
def pelican_log():
    """Every WARNING-or-worse record Pelican's content loggers let through, with no filter
    of ours in the way and Pelican's log limits reset."""
    handler = Records()
    loggers = [logging.getLogger(name) for name in compat.MESSAGE_LOGGERS]
    ours = {}
    for logger in loggers:
        # kp_validate's filter (installed by another test's build) would take the records.
        ours[logger] = [f for f in logger.filters if not isinstance(f, LimitFilter)]
        for filter_ in ours[logger]:
            logger.removeFilter(filter_)
        logger.addHandler(handler)
    compat.let_repeated_warnings_through()
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
        for filter_ in ours[logger]:
            logger.addFilter(filter_)


# -- one Pelican, run again ---------------------------------------------------------------------


def test_a_pelican_runs_with_the_settings_it_is_given_and_its_generators_share_them(tmp_path):
    internal = "Pelican.run hands Pelican.settings (read on each run) to its generators"
    settings = settings_for(tmp_path)
    (Path(settings["PATH"]) / "post.md").write_text(
        "Title: Post\nDate: 2024-05-01\n\nText.\n", encoding="utf-8"
    )
    pelican = Pelican(settings)
    other = {**settings, "KP_COMPAT_PROBE": uuid.uuid4().hex}
    seen = []

    def generator_made(generator):
        seen.append((type(generator).__name__, compat.made_by(generator, pelican)))

    signals.generator_init.connect(generator_made)
    try:
        compat.run_with_settings(pelican, other)
        pelican.run()
    finally:
        signals.generator_init.disconnect(generator_made)
    names = [name for name, _ in seen]
    assert "ArticlesGenerator" in names and "PagesGenerator" in names, changed(internal, names)
    assert all(mine for _, mine in seen), changed(internal, f"not its settings: {seen}")
    assert not compat.made_by(ArticlesGenerator.__new__(ArticlesGenerator), pelican)


# -- memoised HTML -----------------------------------------------------------------------------


def test_the_memo_caches_rendered_html_and_forgetting_clears_it(tmp_path):
    internal = "Content.get_content/get_summary memo (pelican.utils.memoized .cache)"
    post = article(settings_for(tmp_path), "<p>old</p>")
    assert post.get_content("") == "<p>old</p>"
    post._content = "<p>new</p>"
    assert post.get_content("") == "<p>old</p>", changed(internal, "get_content is not memoised")
    compat.forget_rendered(post)
    assert post.get_content("") == "<p>new</p>", changed(internal, "forget_rendered kept it")
    post.get_summary("")
    for name in compat.MEMOISED:
        assert compat._memo(Content, name), changed(internal, f"{name} memo holds nothing")
    compat.forget_all_rendered()
    for name in compat.MEMOISED:
        assert compat._memo(Content, name) == {}, changed(internal, f"{name} not emptied")


def test_the_html_source_is_what_pelican_renders_links_from(tmp_path):
    internal = "Content._content"
    settings = settings_for(tmp_path)
    post = article(settings, '<a href="{index}">home</a>')
    assert compat.html_source(post) == '<a href="{index}">home</a>', changed(internal, "absent")
    assert post.content == '<a href="https://studio.example/index.html">home</a>'
    compat.set_html_source(post, '<a href="{index}">start</a>')
    assert post.content == '<a href="https://studio.example/index.html">start</a>', changed(
        internal, "Content.content does not render from _content"
    )


# -- the log filter ----------------------------------------------------------------------------


def test_the_log_filter_drops_repeats_and_our_reset_lets_them_through(pelican_log):
    internal = "pelican.log.LimitFilter._raised_messages/_group_count"
    logger = logging.getLogger("pelican.contents")
    assert isinstance(logger, LimitLogger), changed(internal, "Pelican's loggers changed class")
    probe = f"kp compat probe {uuid.uuid4().hex}"
    logger.warning(probe)
    logger.warning(probe)
    assert [r.getMessage() for r in pelican_log.records] == [probe], changed(
        internal, "a repeated warning is no longer dropped"
    )
    compat.let_repeated_warnings_through()
    logger.warning(probe)
    assert len(pelican_log.records) == 2, changed(internal, "the reset did not let it through")
    group = {"limit_msg": f"kp compat group {probe}"}
    for number in range(LimitFilter._threshold + 1):
        logger.warning("%s %d", probe, number, extra=group)
    grouped = [r.getMessage() for r in pelican_log.records[2:]]
    assert len(grouped) == LimitFilter._threshold and grouped[-1] == group["limit_msg"], changed(
        internal, f"groups are no longer limited: {grouped}"
    )
    compat.let_repeated_warnings_through()
    logger.warning("%s again", probe, extra=group)
    assert pelican_log.records[-1].getMessage() == f"{probe} again", changed(
        internal, "the group count was not reset"
    )


# -- the readers' cache ------------------------------------------------------------------------


def cached_readers(tmp_path: Path) -> tuple[Readers, dict, Path]:
    settings = settings_for(
        tmp_path,
        CACHE_CONTENT=True,
        LOAD_CONTENT_CACHE=True,
        CONTENT_CACHING_LAYER="reader",
        CHECK_MODIFIED_METHOD="md5",
        GZIP_CACHE=False,
    )
    return Readers(settings, "ArticlesGenerator-Readers"), settings, Path(settings["PATH"])


def read(readers: Readers, settings: dict, name: str) -> str:
    return readers.read_file(
        base_path=settings["PATH"],
        path=name,
        content_class=Article,
        context=context_for(settings),
    ).content


def rewrite_keeping_mtime(path: Path, text: str) -> None:
    status = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def test_the_readers_cache_has_the_shape_we_read_and_moves_to_memory(tmp_path):
    internal = "pelican.cache.FileStampDataCacher._cache/_filestamp_func/save_cache"
    readers, settings, content = cached_readers(tmp_path)
    kept, edited = content / "kept.md", content / "edited.md"
    kept.write_text("Title: Kept\nDate: 2024-05-01\n\nFirst.\n", encoding="utf-8")
    edited.write_text("Title: Edited\nDate: 2024-05-01\n\nFirst.\n", encoding="utf-8")
    assert "First." in read(readers, settings, "kept.md")
    read(readers, settings, "edited.md")
    cache = compat._reader_cache(readers)
    stamp, data = cache[str(kept)]
    assert isinstance(stamp, bytes) and len(stamp) == 16, changed(internal, "not an MD5 stamp")
    assert "First." in data[0] and data[1]["title"] == "Kept", changed(internal, repr(data))
    pickle = Path(settings["CACHE_PATH"]) / "ArticlesGenerator-Readers"
    readers.save_cache()
    assert pickle.is_file(), changed(internal, "save_cache writes no file")
    pickle.unlink()

    edited.write_text("Title: Edited\nDate: 2024-05-01\n\nSecond.\n", encoding="utf-8")
    compat.keep_reads_in_memory(readers)
    assert str(edited) not in compat._reader_cache(readers), "an entry for changed bytes stayed"
    rewrite_keeping_mtime(kept, "Title: Kept\nDate: 2024-05-01\n\nSecond.\n")
    assert "First." in read(readers, settings, "kept.md"), changed(
        internal, "the cache is not checked by the stamp function we set"
    )
    assert "Second." in read(readers, settings, "edited.md")
    readers.save_cache()
    assert not pickle.exists(), changed(internal, "save_cache still writes the cache")

    compat.forget_read(readers, kept)
    assert "Second." in read(readers, settings, "kept.md"), changed(
        internal, "forgetting an entry does not make Pelican read the file again"
    )


@pytest.mark.parametrize("cache", [True, False])
def test_a_read_made_elsewhere_is_what_read_file_uses(tmp_path, cache):
    internal = "Readers.readers/_filter_discardable_metadata, FileStampDataCacher._cache"
    readers, settings, content = cached_readers(tmp_path)
    if not cache:  # the build without the content cache hands reads over too
        readers = Readers({**settings, "CACHE_CONTENT": False}, "ArticlesGenerator-Readers")
    post = content / "post.md"
    post.write_text("Title: Post\nDate: 2024-05-01\n\nFrom *disk*.\n", encoding="utf-8")
    assert not compat.has_fresh_read(readers, post)
    html, metadata = compat.read_for_cache(readers, post)
    assert html == "<p>From <em>disk</em>.</p>", changed(internal, repr(html))
    assert metadata["title"] == "Post" and "date" in metadata, changed(internal, repr(metadata))
    compat.store_read(readers, post, ("<p>Handed over.</p>", metadata))
    assert compat.has_fresh_read(readers, post), changed(internal, "the stored read is stale")
    assert read(readers, settings, "post.md") == "<p>Handed over.</p>", changed(
        internal, "read_file read the file again instead of taking the stored read"
    )
    post.write_text("Title: Post\nDate: 2024-05-01\n\nChanged.\n", encoding="utf-8")
    assert not compat.has_fresh_read(readers, post), changed(internal, "stamp not compared")
    assert "Changed." in read(readers, settings, "post.md")


# -- what readers return -----------------------------------------------------------------------


@pytest.mark.parametrize("instead_of_typogrify", [True, False])
def test_what_readers_return_is_transformed_before_the_cache(tmp_path, instead_of_typogrify):
    internal = "Readers.read_file: readers[ext].read, reader cache, then settings TYPOGRIFY"
    readers, settings, content = cached_readers(tmp_path)
    readers.settings["TYPOGRIFY"] = True
    (content / "post.md").write_text(
        'Title: Post\nDate: 2024-05-01\n\nShe said "yes" -- twice.\n', encoding="utf-8"
    )
    calls = []

    def transform(html, metadata):
        calls.append(metadata["title"])
        return html.replace("twice", "TWICE"), {**metadata, "title": "Changed"}

    assert compat.transform_what_readers_return(
        readers, transform, instead_of_typogrify=instead_of_typogrify
    )
    assert not compat.transform_what_readers_return(
        readers, transform, instead_of_typogrify=instead_of_typogrify
    ), "transformed twice"
    first, again = (
        readers.read_file(
            base_path=settings["PATH"],
            path="post.md",
            content_class=Article,
            context=context_for(settings),
        )
        for _ in range(2)
    )
    assert "TWICE" in first.content and first.title == "Changed", changed(
        internal, "the reader instance's read is no longer what Readers.read_file calls"
    )
    assert calls == ["Post"], changed(internal, f"the cache is not after read: {calls}")
    typogrified = "&#8220;" in again.content
    assert typogrified is not instead_of_typogrify, changed(
        internal, "Readers.settings['TYPOGRIFY'] no longer decides Pelican's own pass"
    )


# -- link replacement --------------------------------------------------------------------------


def test_the_intrasite_link_pattern_has_the_groups_we_read(tmp_path):
    internal = "Content._get_intrasite_link_regex"
    post = article(settings_for(tmp_path), '<img src="{static}../images/a.jpg" alt="A">')
    matches = list(compat.intrasite_link_regex(post).finditer(compat.html_source(post)))
    assert [(m.group("what"), m.group("value")) for m in matches] == [
        ("static", "../images/a.jpg")
    ], changed(internal, "it no longer finds {static} links as before")


def test_unable_to_find_is_logged_from_the_link_replacer_of_the_content(tmp_path, pelican_log):
    post = article(settings_for(tmp_path), '<a href="{filename}missing.md">x</a>')
    post.get_content("")
    found = [
        (compat.recognise(r), linked)
        for r, linked in zip(pelican_log.records, pelican_log.linked, strict=True)
    ]
    assert found == [(("unable_to_find", {"target": "missing.md"}), post)], changed(
        "Content._link_replacer logs 'Unable to find ...'", repr(found)
    )


# -- the writer's pagination -------------------------------------------------------------------

PAGE = Template(
    "{{ output_file }} {{ page_name }} {{ articles|join(',', 'title') }} "
    "{% if articles_page %}{{ articles_page.number }}/{{ articles_paginator.num_pages }}: "
    "{{ articles_page.object_list|join(',', 'title') }} "
    "prev={{ articles_previous_page.number if articles_previous_page }} "
    "next={{ articles_next_page.number if articles_next_page }} "
    "dates={{ dates_page.object_list|join(',', 'title') }}{% endif %}"
)


@pytest.mark.parametrize("template_name", ["index", "tag"])
def test_our_pagination_writes_the_pages_pelicans_writer_writes(tmp_path, template_name):
    internal = "pelican.writers.Writer.write_file pagination"
    settings = settings_for(tmp_path, DEFAULT_PAGINATION=2, PAGINATED_TEMPLATES={"index": None})
    posts = [article(settings, "<p>x</p>", title=f"Post {n}") for n in range(5)]
    call = {"articles": posts, "dates": list(reversed(posts))}
    name, url = "index.html", "index.html"
    pelican_out, our_out = tmp_path / "pelican", tmp_path / "ours"
    Writer(str(pelican_out), settings).write_file(
        name, PAGE, {}, template_name=template_name, url=url, **call
    )
    writer = Writer(str(our_out), settings)
    pagination = compat.pagination_of(writer, template_name, None, call)
    if pagination:
        pages = compat.paginated_pages(writer, name, url, pagination, template_name, call)
        for save_as, kwargs, _ in pages:
            writer.write_file(save_as, PAGE, {}, False, {}, template_name, False, url, **kwargs)
    else:
        writer.write_file(name, PAGE, {}, False, {}, template_name, False, url, **call)

    def written(folder: Path) -> dict:
        return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*"))}

    expected = written(pelican_out)
    assert len(expected) == (3 if template_name == "index" else 1)
    assert written(our_out) == expected, changed(internal, "the pages differ")


# -- the writer's rendering --------------------------------------------------------------------


HELD = Template(
    "{{ SITEURL }}|{{ localsiteurl }}|{{ output_file }}|"
    "{{ articles_page.number if articles_page }}|{{ article.title if article }}"
)


@pytest.mark.parametrize("relative_urls", [False, True])
def test_held_pages_are_the_pages_pelicans_writer_renders(tmp_path, relative_urls):
    internal = "pelican.writers.Writer.write_file rendering"
    settings = settings_for(tmp_path, DEFAULT_PAGINATION=2, PAGINATED_TEMPLATES={"index": None})
    posts = [article(settings, "<p>x</p>", title=f"Post {n}") for n in range(5)]
    calls = [
        ("index.html", {"articles": posts, "dates": posts}, "index"),  # three numbered pages
        ("blog/one/index.html", {"article": posts[0]}, "article"),
    ]
    sent: list[tuple] = []
    root = [tmp_path / "pelican"]

    def note(path, context):
        # Where, and the page's whole context: its keys in order, its text values, the
        # types of the others (each run makes its own paginators).
        values = tuple(
            (key, value if isinstance(value, str | int | None) else type(value).__name__)
            for key, value in context.items()
        )
        sent.append((os.path.relpath(path, root[0]), context["output_file"], values))

    def write_all(write) -> None:
        for name, kwargs, template_name in calls:
            context = {"localsiteurl": ""}
            write(
                name, HELD, context, relative_urls, template_name=template_name, url=name, **kwargs
            )

    signals.content_written.connect(note)
    try:
        write_all(Writer(str(root[0]), settings).write_file)
        expected_signals, sent[:], root[0] = list(sent), [], tmp_path / "ours"
        writer, held = Writer(str(root[0]), settings), []
        write_all(lambda *args, **kwargs: compat.write_file_held(writer, held, *args, **kwargs))
        assert sent == [], changed(internal, "content_written was sent while holding")
        marks = [Path(page.path).read_text() for page in held]
        assert marks == [compat.HELD_MARK % n for n in range(len(held))], changed(
            internal, f"the files hold {marks}"
        )
        for page in held:
            Path(page.path).write_text(compat.render_held(page))
            signals.content_written.send(page.path, context=page.localcontext)
    finally:
        signals.content_written.disconnect(note)

    def written(folder: Path) -> dict:
        return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.html"))}

    expected = written(tmp_path / "pelican")
    assert len(expected) == 4
    assert written(tmp_path / "ours") == expected, changed(internal, "the pages differ")
    assert sent == expected_signals, changed(internal, "content_written differs")


def test_a_held_page_s_mark_follows_pelicans_overwrite_rules(tmp_path, caplog):
    """``open_held`` decides as ``Writer._open_w`` does (overwrite, skip, refuse), and
    keeps in memory what Pelican's writer would have left in the file."""
    internal = "Writer._open_w"
    steps = [
        ("a", False),
        ("a", True),  # overwrites
        ("a", False),  # skipped: the override stays
        ("a", True),  # refused: overwritten a second time
        ("b", False),
        ("b", False),  # refused: written before, no override
        ("c", True),
        ("c", False),  # skipped
    ]
    settings = read_settings(None, override={"PLUGINS": []})
    caplog.set_level(logging.INFO, logger="pelican.writers")

    def run(open_one, root: Path) -> tuple[list, list[str]]:
        caplog.clear()
        outcomes = []
        for number, (name, override) in enumerate(steps):
            try:
                with open_one(str(root / name), override) as stream:
                    stream.write(f"mark {number}")
                outcomes.append(None)
            except Exception as error:
                outcomes.append((type(error), str(error).replace(str(root), "")))
        messages = [r.getMessage().replace(str(root), "") for r in caplog.records]
        return outcomes, messages

    (tmp_path / "pelican").mkdir()
    pelican = Writer(str(tmp_path / "pelican"), settings)
    expected = run(
        lambda path, override: pelican._open_w(path, "utf-8", override), tmp_path / "pelican"
    )
    files = {p.name: p.read_text() for p in (tmp_path / "pelican").iterdir()}
    ours, marks = Writer(str(tmp_path / "ours"), settings), {}
    actual = run(
        lambda path, override: compat.open_held(ours, marks, path, override), tmp_path / "ours"
    )
    assert actual == expected, changed(internal, f"{actual} != {expected}")
    assert {Path(path).name: mark for path, mark in marks.items()} == files
    assert files == {"a": "mark 1", "b": "mark 4", "c": "mark 6"}
    assert not (tmp_path / "ours").exists(), "open_held wrote a file"


def test_a_held_page_says_what_write_file_was_asked_to_show(tmp_path):
    internal = "pelican.writers.Writer.write_file localcontext['<key>_page']"
    settings = settings_for(tmp_path, DEFAULT_PAGINATION=2, PAGINATED_TEMPLATES={"index": None})
    posts = [article(settings, "<p>x</p>", title=f"Post {n}") for n in range(5)]
    writer, held = Writer(str(tmp_path / "out"), settings), []
    listing = {"articles": posts, "dates": list(reversed(posts))}
    compat.write_file_held(
        writer, held, "index.html", HELD, {"localsiteurl": ""}, template_name="index", **listing
    )
    compat.write_file_held(
        writer,
        held,
        "one.html",
        HELD,
        {"localsiteurl": ""},
        template_name="article",
        article=posts[0],
        blog=True,
    )
    assert [page.template_name for page in held] == ["index"] * 3 + ["article"]
    # Each numbered page: the objects on it, of every paginated list, in Pelican's order.
    shown = [[[p.title for p in objects] for objects in page.object_lists] for page in held[:3]]
    assert shown == [
        [["Post 0", "Post 1"], ["Post 4", "Post 3"]],
        [["Post 2", "Post 3"], ["Post 2", "Post 1"]],
        [["Post 4"], ["Post 0"]],
    ], changed(internal, f"the pages show {shown}")
    assert held[0].kwargs == listing
    assert held[3].object_lists is None and held[3].kwargs == {"article": posts[0], "blog": True}


def test_a_held_page_renders_with_its_own_localsiteurl(tmp_path):
    internal = "pelican.writers.Writer.write_file localsiteurl"
    settings = settings_for(tmp_path)
    shared = {"localsiteurl": ""}
    held: list = []
    template = Template("{{ SITEURL }}|{{ shared.localsiteurl }}")
    writer = Writer(str(tmp_path / "out"), settings)
    for name in ("a/b/index.html", "index.html"):
        compat.write_file_held(writer, held, name, template, shared, True, shared=shared)
    rendered = [compat.render_held(page) for page in held]
    assert rendered == ["../..|../..", ".|."], changed(internal, f"rendered {rendered}")


# -- Pelican's log messages --------------------------------------------------------------------

POSTS = {
    "bad-date.md": "Title: Bad date\nDate: the day after\n\nText.\n",
    "no-title.md": "Date: 2024-05-01\n\nText.\n",
    "outside.md": "Title: Outside\nDate: 2024-05-01\nSave_as: ../../outside.html\n\nText.\n",
    "weird-status.md": "Title: Weird\nDate: 2024-05-01\nStatus: weird\n\nText.\n",
    "twice.md": "Title: Twice\nDate: 2024-05-01\nSlug: twice\nSlug: again\n\nText.\n",
    "no-alt.md": "Title: No alt\nDate: 2024-05-01\n\n![](portrait.jpg)\n",
    "same-1.md": "Title: Same\nDate: 2024-05-01\n\nOne.\n",
    "same-2.md": "Title: Same\nDate: 2024-05-02\n\nTwo.\n",
}


@pytest.fixture
def generator_messages(tmp_path, pelican_log):
    """What a real ArticlesGenerator logs about the posts above, recognised."""
    settings = settings_for(tmp_path)
    content = Path(settings["PATH"])
    for name, text in POSTS.items():
        (content / name).write_text(text, encoding="utf-8")
    context = context_for(settings)
    generator = ArticlesGenerator(
        context=context,
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=settings["OUTPUT_PATH"],
    )
    generator.generate_context()
    # {filename} used for a static file, and a tag with nothing to make a slug from.
    static = Static("", {}, settings, str(content / "portrait.jpg"), context)
    context["static_content"]["portrait.jpg"] = static
    article(settings, '<a href="{filename}portrait.jpg">x</a>', context).get_content("")
    assert Tag("!!!", settings).slug == ""
    found: dict[str, list] = {}
    for record in pelican_log.records:
        recognised = compat.recognise(record)
        if recognised:
            found.setdefault(recognised[0], []).append((record.name, recognised[1]))
    return content, found


def expected_messages(content: Path) -> dict[str, dict]:
    same = sorted(str(content / name) for name in ("same-1.md", "same-2.md"))
    return {
        "could_not_process": {"path": os.path.join(".", "bad-date.md")},
        "missing_property": {"path": str(content / "no-title.md"), "property": "title"},
        "outside_output": {"path": str(content / "outside.md"), "save_as": "../../outside.html"},
        "unknown_status": {"path": str(content / "weird-status.md"), "status": "weird"},
        "duplicate_definition": {"key": "slug", "path": str(content / "twice.md")},
        "empty_alt": {"image": "portrait.jpg", "path": str(content / "no-alt.md")},
        "unable_to_find": None,  # test_unable_to_find_is_logged_from_the_link_replacer...
        "filename_for_static": {"target": "portrait.jpg", "path": "post.md"},
        "same_lang": {"paths": same, "lang": "en"},
        "several_originals": {"paths": same},
        "no_slug": {"kind": "Tag", "name": "!!!"},
    }


def test_every_message_we_match_has_a_case_here():
    assert set(expected_messages(Path("/"))) == set(compat.MESSAGES)


@pytest.mark.parametrize(
    "name", [name for name, fields in expected_messages(Path("/")).items() if fields]
)
def test_pelican_still_logs_the_message_we_match(name, generator_messages):
    content, found = generator_messages
    expected = expected_messages(content)[name]
    message = compat.MESSAGES[name]
    internal = f"the log message {message.start!r}... ({message.logger}, MESSAGES[{name!r}])"
    assert name in found, changed(internal, f"not logged; recognised: {sorted(found)}")
    (logger, fields), *_ = found[name]
    assert logger == message.logger, changed(internal, f"now logged by {logger}")
    got = {
        key: sorted(value) if key == "paths" else str(value)
        for key, value in fields.items()
        if key in expected
    }
    assert got == expected, changed(internal, f"the arguments moved: {fields}")


# -- pelican-sitemap ---------------------------------------------------------------------------


def test_the_sitemap_state_we_reset_is_what_stops_a_later_sitemap(tmp_path):
    internal = "pelican.plugins.sitemap.sitemap.generator._main_pelican/page_queue"
    from pelican.plugins.sitemap import sitemap

    settings = settings_for(tmp_path, PLUGINS=["pelican.plugins.sitemap"])
    (Path(settings["PATH"]) / "post.md").write_text(
        "Title: Post\nDate: 2024-05-01\n\nText.\n", encoding="utf-8"
    )
    # Signals are process-wide: if an earlier test loaded kp_seo, its own reset (this very
    # function, on ``initialized``) would unblock the sitemap; take it off for this test.
    from kp_seo.seo import reset_sitemap
    from pelican import signals

    signals.initialized.disconnect(reset_sitemap)
    try:
        compat.reset_sitemap_state()
        sitemap.generator.init(Pelican(dict(settings)))  # a build that never finished
        Pelican(settings).run()
        written = Path(settings["OUTPUT_PATH"]) / "sitemap.xml"
        assert not written.exists(), changed(internal, "an unfinished build no longer blocks it")
        compat.reset_sitemap_state()
        Pelican(settings).run()
    finally:
        signals.initialized.connect(reset_sitemap)
    assert written.is_file(), changed(internal, "the reset did not let the sitemap through")
    assert "https://studio.example/post.html" in written.read_text(encoding="utf-8")


# -- intrasite links (robustness: a missing {static} file is reported with its post) ----------


def _article(html: str):
    import copy
    import datetime

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    return Article(
        html,
        metadata={"title": "A post", "date": datetime.datetime(2026, 1, 1)},
        settings=copy.deepcopy(DEFAULT_CONFIG),
        source_path="/site/content/blog/x.md",
        context={"static_content": {}, "generated_content": {}, "localsiteurl": ""},
    )


def test_intrasite_links_are_the_ones_pelican_replaces():
    from kp_common.pelican_compat import intrasite_links

    post = _article(
        '<p><img alt="A face" src="{static}/images/missing.jpg">'
        '<a href="{filename}other.md#part">other</a> <a href="|attach|files/a.pdf">pdf</a>'
        '<a href="https://example.com/{static}">not one</a></p>'
    )
    assert intrasite_links(post) == [
        ("static", "/images/missing.jpg"),
        ("filename", "other.md#part"),
        ("attach", "files/a.pdf"),
    ]
    assert intrasite_links(_article("")) == []


def test_the_sitemap_pages_we_set_are_what_the_sitemap_lists(tmp_path):
    internal = "pelican.plugins.sitemap.sitemap.generator.page_queue"
    from pelican.plugins.sitemap import sitemap

    settings = settings_for(tmp_path, PLUGINS=["pelican.plugins.sitemap"])
    output = Path(settings["OUTPUT_PATH"])
    output.mkdir()
    compat.reset_sitemap_state()
    pelican = Pelican(settings)
    sitemap.generator.init(pelican)
    compat.set_sitemap_pages([(str(output / "only-this" / "index.html"), None)])
    sitemap.generator.finalize(pelican)
    written = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://studio.example/only-this/" in written, changed(internal, written)
    assert written.count("<url>") == 1, changed(internal, "other pages were listed too")
