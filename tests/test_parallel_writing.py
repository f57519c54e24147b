"""The held-page writer (``sitetools.parallel_writing``) on its own: pages rendered by
forked workers come out as Pelican's writer writes them, in its order, with the calls
templates made for their effects made again here, and a page whose rendering logs or
fails is rendered again here, so its message is the build's own."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from jinja2 import Environment
from kp_common import forked
from kp_common.pelican_compat import let_repeated_warnings_through
from pelican import signals
from pelican.settings import read_settings
from pelican.writers import Writer

from sitetools.parallel_writing import MIN_PAGES, FoldersAhead, HoldingWriter

PAGES = MIN_PAGES + 6
logger = logging.getLogger("tests.parallel_writing")


class Photos:
    """A template global with an idempotent effect (as kp_images plans a derivative)."""

    def __init__(self) -> None:
        self.planned: list[str] = []
        forked.replay_target(self)

    @forked.replayed
    def __call__(self, name: str) -> str:
        if name not in self.planned:
            self.planned.append(name)
        return f"/images/{name}.jpg"


def warn(number: int) -> str:
    logger.warning("page %d has a problem", number)
    return ""


def fail(number: int) -> str:
    raise RuntimeError(f"page {number} cannot be rendered")


def environment(photos: Photos):
    env = Environment(autoescape=True)
    env.globals.update(photo=photos, warn=warn, fail=fail)
    return env.from_string(
        "<h1>{{ title }}</h1><img src='{{ photo(photo_name) }}'>"
        "{% if number == 7 %}{{ warn(number) }}{% endif %}"
        "{% if number == 9 and failing %}{{ fail(number) }}{% endif %}"
    )


def write_site(writer: Writer, template, failing: bool = False) -> None:
    for number in range(PAGES):
        writer.write_file(
            f"posts/{number}/index.html",
            template,
            {"localsiteurl": ""},
            title=f"Post {number}",
            photo_name=f"photo-{number % 5}",
            number=number,
            failing=failing,
        )
    # A page written twice, the second time with override_output (Pelican keeps it).
    writer.write_file("about/index.html", template, {}, title="First", photo_name="a", number=-1)
    writer.write_file(
        "about/index.html",
        template,
        {},
        override_output=True,
        title="Kept",
        photo_name="b",
        number=-2,
    )


@pytest.fixture
def written(caplog):
    """content_written as it is sent: the relative paths, in order."""
    sent: list[str] = []

    def note(path, context):
        sent.append(context["output_file"])

    signals.content_written.connect(note)
    yield sent
    signals.content_written.disconnect(note)


def files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.html"))}


def test_pages_rendered_by_workers_are_pelicans_pages_in_pelicans_order(tmp_path, written, caplog):
    settings = read_settings(None, override={"PLUGINS": []})
    serial_photos = Photos()
    write_site(Writer(str(tmp_path / "serial"), settings), environment(serial_photos))
    serial_sent, written[:] = list(written), []
    serial_warnings = [r.getMessage() for r in caplog.records if r.name == logger.name]
    caplog.clear()
    let_repeated_warnings_through()  # Pelican's log filter drops a message seen before

    photos = Photos()
    writer = HoldingWriter(str(tmp_path / "held"), settings)
    write_site(writer, environment(photos))
    assert written == [] and photos.planned == [], "rendered before write_held"
    in_workers = writer.write_held(workers=2)

    assert files(tmp_path / "held") == files(tmp_path / "serial")
    assert "Kept" in (tmp_path / "held" / "about" / "index.html").read_text()
    assert written == serial_sent
    assert photos.planned == serial_photos.planned  # replayed here, in Pelican's order
    # The page that logs is rendered again here: its warning once, as a serial build logs it.
    warnings = [r.getMessage() for r in caplog.records if r.name == logger.name]
    assert warnings == serial_warnings == ["page 7 has a problem"]
    assert in_workers == PAGES + 2 - 1


def test_a_page_that_fails_stops_the_run_here_with_its_error(tmp_path, written):
    settings = read_settings(None, override={"PLUGINS": []})
    writer = HoldingWriter(str(tmp_path / "held"), settings)
    write_site(writer, environment(Photos()), failing=True)
    with pytest.raises(RuntimeError, match="page 9 cannot be rendered"):
        writer.write_held(workers=2)
    # Pelican stops at the failing page: the pages before it were announced, none after.
    assert written == [f"posts/{n}/index.html" for n in range(9)]


def test_folders_made_ahead_are_pelicans_and_those_no_page_used_are_removed(tmp_path):
    output = tmp_path / "output"
    (output / "blog" / "kept").mkdir(parents=True)
    (output / "blog" / "kept" / "photo.jpg").write_bytes(b"not ours")

    class Post:
        def __init__(self, save_as: str) -> None:
            self.save_as = save_as

    posts = [Post(f"blog/{name}/index.html") for name in ("a", "b", "kept")]
    posts += [Post("drafts/deep/er/c/index.html"), Post(""), Post("../outside/index.html")]
    folders = FoldersAhead()
    folders.start(str(output), posts)
    folders.wait()
    assert {str(Path(f).relative_to(output)) for f in folders.made} == {
        "blog/a",
        "blog/b",
        "drafts",
        "drafts/deep",
        "drafts/deep/er",
        "drafts/deep/er/c",
    }, "the folders of every post, parents too, and never one outside the output"
    assert not (tmp_path / "outside").exists()

    # Pelican wrote blog/a's page; blog/b's post was not written after all.
    (output / "blog" / "a" / "index.html").write_text("<p>a</p>")
    folders.settle({str(output / "blog" / "a" / "index.html")})
    assert sorted(str(p.relative_to(output)) for p in output.rglob("*")) == [
        "blog",
        "blog/a",
        "blog/a/index.html",
        "blog/kept",
        "blog/kept/photo.jpg",
    ]
