"""``invoke livereload`` watches files through watchfiles: an edit rebuilds and reloads the
browser, editors' temporary files and tooling code are ignored, plugin code restarts it, and
changes saved together go to one rebuild. ``invoke regenerate`` rebuilds without a server.

The real thing runs in a subprocess on a copy of the project (so the checkout is never
written) with a small generated corpus, and the test talks to it as a browser does (the
livereload websocket protocol).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from checkout import copy_project, environment
from servers import free_port

from benchmarks.corpus import write_corpus
from sitetools.build import content_cache_key
from sitetools.sources import is_ignored

SERVE = """
from pathlib import Path
from sitetools.livereload import watch_and_serve
watch_and_serve(Path({root!r}), "pelicanconf.py", Path({output!r}), "127.0.0.1", {port},
                overrides={{"PATH": {corpus!r}, "CACHE_PATH": {cache!r}}})
"""
REGENERATE = """
from pathlib import Path
from sitetools.livereload import watch_and_rebuild
watch_and_rebuild(Path({root!r}), "pelicanconf.py", Path({output!r}),
                  overrides={{"PATH": {corpus!r}, "CACHE_PATH": {cache!r}}})
"""
TEMPORARY_FILES = [".#{name}", "{name}.swp", "{name}~", "4913", "#{name}#", "{name}.tmp"]
TIMEOUT = 120


class Running:
    """A livereload or regenerate process, its log, and the pages it writes."""

    def __init__(self, tmp_path: Path, script: str):
        self.root = copy_project(tmp_path / "project")
        self.corpus = write_corpus(tmp_path / "corpus", posts=8, seed=3)
        self.output = tmp_path / "output"
        self.port = free_port()
        self.log_path = tmp_path / "livereload.log"
        code = script.format(
            root=str(self.root),
            output=str(self.output),
            port=self.port,
            corpus=str(self.corpus),
            cache=str(tmp_path / "cache"),
        )
        # A script file, not ``python -c``: a restart re-runs sys.argv, which keeps no code.
        script_file = tmp_path / "run_livereload.py"
        script_file.write_text(code, encoding="utf-8")
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(script_file)],
                cwd=self.root,
                env=environment(self.root),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def rebuilds(self) -> list[str]:
        return re.findall(r"^Rebuilt .*$", self.log, flags=re.M)

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"livereload exited ({self.process.returncode}):\n{self.log}")
            if time.monotonic() > deadline:
                pytest.fail(f"gave up waiting for {what}:\n{self.log[-3000:]}")
            time.sleep(0.05)

    def post(self, number: int) -> Path:
        return sorted((self.corpus / "blog").glob("*.md"))[number]

    def page(self, post: Path) -> Path:
        return self.output / "blog" / post.stem / "index.html"

    def page_says(self, post: Path, marker: str) -> bool:
        try:
            return marker in self.page(post).read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):  # not yet written, or mid-write
            return False

    def edit(self, post: Path, marker: str) -> None:
        with post.open("a", encoding="utf-8") as stream:
            stream.write(f"\n{marker} ends the post now.\n")

    def edit_and_wait(self, post: Path, marker: str) -> None:
        before = len(self.rebuilds())
        self.edit(post, marker)
        self.wait_for(lambda: self.page_says(post, marker), f"{marker} on {post.stem}")
        self.wait_for(lambda: len(self.rebuilds()) > before, "the rebuild's report")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def livereload(tmp_path):
    running = Running(tmp_path, SERVE)
    try:
        running.wait_for(lambda: len(running.rebuilds()) >= 1, "the first build")
        running.wait_for(lambda: _get(f"http://127.0.0.1:{running.port}/") == 200, "serving")
        yield running
    finally:
        running.stop()


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


async def _reload_after(running: Running, action) -> dict:
    """Connect as a browser, run ``action``, return the ``reload`` message it causes."""
    from tornado.websocket import websocket_connect

    base = f"http://127.0.0.1:{running.port}"
    connection = await websocket_connect(base.replace("http", "ws") + "/livereload")
    connection.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]}))  # fmt: skip
    assert json.loads(await connection.read_message())["command"] == "hello"
    connection.write_message(json.dumps({"command": "info", "url": base + "/blog/"}))
    await asyncio.sleep(0.3)  # the server registers the browser as a waiter
    await asyncio.get_running_loop().run_in_executor(None, action)
    while True:
        message = json.loads(await asyncio.wait_for(connection.read_message(), TIMEOUT))
        if message.get("command") == "reload":
            connection.close()
            return message


def test_an_edit_rebuilds_the_page_and_reloads_the_browser(livereload):
    post = livereload.post(2)
    message = asyncio.run(_reload_after(livereload, lambda: livereload.edit(post, "Edited1")))
    livereload.wait_for(lambda: livereload.page_says(post, "Edited1"), "the edited page")
    assert message["path"] == str(post)
    assert "page(s)" in livereload.rebuilds()[-1], "an edited post took a full rebuild"


def test_temporary_files_and_tooling_code_neither_rebuild_nor_restart(livereload):
    post = livereload.post(3)
    before = len(livereload.rebuilds())
    for pattern in TEMPORARY_FILES:
        (post.parent / pattern.format(name=post.name)).write_text("scratch", encoding="utf-8")
    (livereload.root / "plugins" / "kp_assets" / "assets.py.swp").write_text("swap")
    (livereload.root / "plugins" / "kp_assets" / "tests" / "test_new.py").write_text("# new\n")
    for tooling in ("sitetools/build.py", "sitetools/livereload.py", "tasks.py"):
        with (livereload.root / tooling).open("a", encoding="utf-8") as stream:
            stream.write("\n# edited while livereload runs\n")
    time.sleep(1)  # far longer than the watcher's batching (STEP_MS): a wrong rebuild shows
    assert len(livereload.rebuilds()) == before, livereload.log
    # Still watching, in the same process, and still incremental:
    livereload.edit_and_wait(post, "Edited2")
    assert len(livereload.rebuilds()) == before + 1, livereload.log
    assert "restarting" not in livereload.log
    assert "page(s)" in livereload.rebuilds()[-1]


def test_plugin_code_restarts_in_the_same_process(livereload):
    pid = livereload.process.pid
    builds = len(livereload.rebuilds())
    with (livereload.root / "plugins" / "kp_assets" / "assets.py").open("a") as stream:
        stream.write("\n# edited while livereload runs\n")
    livereload.wait_for(lambda: "restarting" in livereload.log, "the restart")
    livereload.wait_for(lambda: len(livereload.rebuilds()) > builds, "the build after it")
    assert "Rebuilt everything" in livereload.rebuilds()[-1]
    assert livereload.process.pid == pid and livereload.process.poll() is None
    livereload.wait_for(lambda: _get(f"http://127.0.0.1:{livereload.port}/") == 200, "serving")
    livereload.edit_and_wait(livereload.post(4), "Edited3")  # watching again


def test_changes_saved_together_go_to_one_rebuild(livereload):
    before = len(livereload.rebuilds())
    posts = [livereload.post(number) for number in (1, 5, 6)]
    # Saved while livereload is paused (as a busy machine might stall it), so on a machine of
    # any speed the kernel holds all three changes when it wakes up: one batch, one rebuild.
    os.kill(livereload.process.pid, signal.SIGSTOP)
    try:
        for post in posts:
            livereload.edit(post, "Together")
    finally:
        os.kill(livereload.process.pid, signal.SIGCONT)
    for post in posts:
        livereload.wait_for(lambda post=post: livereload.page_says(post, "Together"), post.stem)
    livereload.wait_for(lambda: len(livereload.rebuilds()) > before, "the rebuild's report")
    time.sleep(1)  # a second rebuild for the same batch would have reported by now
    assert len(livereload.rebuilds()) == before + 1, livereload.log


def test_regenerate_rebuilds_on_change_without_a_server(tmp_path):
    running = Running(tmp_path, REGENERATE)
    try:
        running.wait_for(lambda: "Watching" in running.log, "the first build")
        assert _get(f"http://127.0.0.1:{running.port}/") is None
        running.edit_and_wait(running.post(2), "Regenerated")
        assert "page(s)" in running.rebuilds()[-1]
    finally:
        running.stop()


def test_tooling_and_temporary_files_keep_the_content_cache_key(tmp_path):
    root = copy_project(tmp_path / "project")
    settings, content = root / "pelicanconf.py", str(root / "content")
    key = content_cache_key(settings, content)
    for tooling in ("sitetools/build.py", "tasks.py", "plugins/kp_assets/tests/__init__.py"):
        with (root / tooling).open("a", encoding="utf-8") as stream:
            stream.write("\n# edited\n")
    for pattern in TEMPORARY_FILES:
        (root / "plugins" / "kp_assets" / pattern.format(name="assets.py")).write_text("x")
    assert content_cache_key(settings, content) == key
    plugin = root / "plugins" / "kp_assets" / "assets.py"
    code = plugin.read_text(encoding="utf-8")
    plugin.write_text(code + "\n# edited\n", encoding="utf-8")
    assert content_cache_key(settings, content) != key
    plugin.write_text(code, encoding="utf-8")
    assert content_cache_key(settings, content) == key
    with (root / "publishconf.py").open("a", encoding="utf-8") as stream:
        stream.write("\n# edited\n")
    assert content_cache_key(settings, content) != key


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("content/blog/post.md", False),
        ("content/blog/.#post.md", True),
        ("content/blog/post.md.swp", True),
        ("content/blog/post.md~", True),
        ("content/blog/4913", True),
        ("content/blog/#post.md#", True),
        ("content/blog/.~lock.post.md#", True),
        ("plugins/kp_assets/tests/test_assets.py", True),
        ("plugins/kp_assets/__pycache__/assets.cpython-311.pyc", True),
        ("plugins/kp_assets/assets.py", False),
        ("theme/static/css/site.css", False),
    ],
)
def test_which_files_count(path: str, ignored: bool, tmp_path: Path):
    # Judged below the project: a checkout under a folder named "tests" is still watched.
    project = tmp_path / "tests" / "site"
    assert is_ignored(project / path, project) is ignored


def test_change_feed_is_watching_once_made_and_keeps_changes_until_taken(tmp_path: Path):
    from sitetools.livereload import ChangeFeed

    (tmp_path / "blog").mkdir()
    feed = ChangeFeed([tmp_path])
    try:
        assert feed.ready.is_set()
        first, second = tmp_path / "blog" / "a.md", tmp_path / "blog" / "b.md"
        first.write_text("saved right after the watcher started")  # e.g. during the build
        deadline = time.monotonic() + TIMEOUT
        while not feed.pending and time.monotonic() < deadline:
            time.sleep(0.01)
        second.write_text("saved while the first change waits for a rebuild")
        (tmp_path / "blog" / "b.md.swp").write_text("an editor's swap file")
        changed: set[str] = set()
        while {str(first), str(second)} - changed and time.monotonic() < deadline:
            changed |= set(feed.take(timeout=1))
        assert changed == {str(first), str(second)}
        assert feed.take() == []
    finally:
        feed.stop.set()
