"""Edit a post while ``invoke livereload`` runs; time until its page is rewritten and
until the browser is told to reload. The same edits, in the same run, with ``hugo server``
(fast render, and ``--disableFastRender``) and vanilla Pelican's autoreload as yardsticks.

Starts ``sitetools.livereload.watch_and_serve`` (what ``invoke livereload`` runs) on a
generated corpus in a subprocess, connects to it as a browser does (the livereload
websocket protocol: ``hello``, then ``info`` with the page's URL), then edits posts:
their title (every listing that shows the post must change too) and their body. For each
edit it records two times from the moment the file is saved: the edited post's page on
disk holding the new text, and the ``reload`` command arriving on the websocket.

Hugo is timed the same way: ``hugo server --renderToDisk`` on the same corpus as a Hugo
site (``hugo.py``), the same websocket protocol (Hugo speaks it too), the page on disk and
the ``reload``. Its fast render re-renders only pages a browser has visited, so the edited
post is requested once before each edit, as the author's browser would show it. Vanilla
Pelican (its own autoreload loop: watchfiles, then a whole ``Pelican.run()``; it has no
live reload) is timed to the page on disk. Ratios are ours ÷ peer, reload against reload
(page against page for vanilla Pelican).

    python benchmarks/edit_loop.py --posts 1000 --edits 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402
from hugo import require_hugo, server_command, set_hugo_title, write_hugo_site  # noqa: E402

SERVER = """
import sys
sys.path[:0] = [{root!r}, {plugins!r}]  # this checkout's tooling, not the installed
from pathlib import Path
from sitetools.livereload import watch_and_serve
watch_and_serve(Path({root!r}), "pelicanconf.py", Path({output!r}), "127.0.0.1", {port},
                overrides={{"PATH": {corpus!r}, "CACHE_PATH": {cache!r}}},
                watched=[Path({corpus!r})])
"""

# Vanilla Pelican's autoreload (``pelican -r``): a whole run after every batch of changes.
VANILLA = """
import sys
sys.path.insert(0, {benchmarks!r})
from pathlib import Path
import watchfiles
from pelican import Pelican
from run_build import vanilla_settings
pelican = Pelican(vanilla_settings(Path({corpus!r}), Path({output!r}), Path({cache!r})))
pelican.run()
print("ready", flush=True)
for _ in watchfiles.watch({corpus!r}, step=20):
    pelican.run()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("livereload exited before serving")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (localhost)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def set_title(post: Path, title: str) -> None:
    text = re.sub(
        r"^Title: .*$", f"Title: {title}", post.read_text(encoding="utf-8"), count=1, flags=re.M
    )
    post.write_text(text, encoding="utf-8")


async def wait_for_text(page: Path, marker: str, started: float) -> float:
    while True:
        try:
            if marker in page.read_text(encoding="utf-8"):
                return time.perf_counter() - started
        except (FileNotFoundError, UnicodeDecodeError):  # mid-write
            pass
        await asyncio.sleep(0.002)


async def drain(connection) -> None:
    """Read what the server sent since the last edit (Hugo sometimes sends a second
    ``reload`` for one change, which would otherwise be taken for the next edit's)."""
    while True:
        try:
            if await asyncio.wait_for(connection.read_message(), 0.05) is None:
                return
        except TimeoutError:
            return


async def measure(
    base: str | None,
    posts_folder: Path,
    page_of,
    edits: int,
    retitle=set_title,
    visit: bool = False,
    tag: str = "ours",
) -> list[dict]:
    """Edit posts in ``posts_folder``; time each edit's page (``page_of(post)`` on disk)
    and, with a live-reload server at ``base``, the ``reload`` command. ``visit`` requests
    the post's page before the edit (Hugo's fast render renders only visited pages)."""
    from tornado.websocket import websocket_connect

    connection = None
    if base is not None:
        socket_url = base.replace("http://", "ws://") + "/livereload"
        connection = await websocket_connect(socket_url)
        # Compact JSON: Hugo looks for the exact bytes '"command":"hello"'.
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        connection.write_message(json.dumps(hello, separators=(",", ":")))
        hello = json.loads(await asyncio.wait_for(connection.read_message(), 10))
        assert hello["command"] == "hello"
        info = {"command": "info", "url": base + "/blog/"}
        connection.write_message(json.dumps(info, separators=(",", ":")))
        await asyncio.sleep(0.5)  # let the server register us as a waiting browser

    posts = sorted(p for p in posts_folder.glob("*.md") if p.name != "_index.md")
    samples = []
    for number in range(edits):
        for kind in ("title", "body"):
            post = posts[(len(posts) // 3 + number * 7) % len(posts)]
            page = page_of(post)
            if visit:
                with urllib.request.urlopen(f"{base}/blog/{post.stem}/", timeout=10) as seen:  # noqa: S310 (localhost)
                    seen.read()
                await asyncio.sleep(0.2)
            if connection is not None:
                await drain(connection)
            marker = f"Edited{tag}{kind}{number}x{os.getpid()}"
            if kind == "title":
                started = time.perf_counter()
                retitle(post, f"{marker} is the new title")
            else:
                started = time.perf_counter()
                with post.open("a", encoding="utf-8") as stream:
                    stream.write(f"\n{marker} ends the post now.\n")
            page_task = asyncio.ensure_future(wait_for_text(page, marker, started))
            reload_seconds = float("nan")
            while connection is not None:
                message = json.loads(await asyncio.wait_for(connection.read_message(), 60))
                if message.get("command") == "reload":
                    reload_seconds = time.perf_counter() - started
                    break
            page_seconds = await asyncio.wait_for(page_task, 120)
            # A browser told to reload before the page is new would show the old one: the
            # reload counts from when both are there.
            reload_seconds = max(reload_seconds, page_seconds)
            samples.append({"kind": kind, "page": page_seconds, "reload": reload_seconds})
            print(f"  {kind} edit {number + 1}: page {page_seconds:.3f} s, "
                  f"reload {reload_seconds:.3f} s", file=sys.stderr)  # fmt: skip
            await asyncio.sleep(0.4 if connection is not None else 1.0)
    if connection is not None:
        connection.close()
    return samples


def rebuild_cpu_seconds(log: str) -> list[float]:
    """The CPU time of each rebuild after the first, from livereload's own report."""
    seconds = [float(s) for s in re.findall(r"Rebuilt .* ([\d.]+) s CPU", log)]
    return seconds[1:]


def _median(samples: list[dict], kind: str, what: str) -> float:
    values = [s[what] for s in samples if s["kind"] == kind]
    return statistics.median(values) if values else float("nan")


def table(runs: dict[str, list[dict]], posts: int, cpu: list[float], hugo: str) -> str:
    """The edit loop, ours against each peer measured in this run."""
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    ours = runs["ours"]
    lines = [
        f"Edit loop (`invoke livereload`), {posts} posts, median of "
        f"{len(ours) // 2} edits each; {os.cpu_count()} cores, Hugo {hugo}; "
        f"load average at the end {load}.",
        "",
        "| edit | ours: page rewritten (s) | ours: browser told to reload (s) | worst reload (s) "
        "| rebuild CPU (s) | Hugo fast render: reload (s) | Hugo full render: reload (s) "
        "| vanilla Pelican: page (s) | ours ÷ Hugo fast | ours ÷ Hugo full "
        "| ours ÷ vanilla |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for index, kind in enumerate(("title", "body")):
        kind_cpu = cpu[index::2]
        reload = _median(ours, kind, "reload")
        fast = _median(runs["hugo fast"], kind, "reload")
        full = _median(runs["hugo full"], kind, "reload")
        vanilla = _median(runs["vanilla"], kind, "page")
        lines.append(
            f"| {kind} | {_median(ours, kind, 'page'):.3f} | {reload:.3f} "
            f"| {max(s['reload'] for s in ours if s['kind'] == kind):.3f} "
            f"| {statistics.median(kind_cpu) if kind_cpu else float('nan'):.3f} "
            f"| {fast:.3f} | {full:.3f} | {vanilla:.3f} "
            f"| {reload / fast:.2f}× | {reload / full:.2f}× "
            f"| {_median(ours, kind, 'page') / vanilla:.2f}× |"
        )
    return "\n".join(lines) + "\n"


def _stop(process: subprocess.Popen, log, log_path: Path) -> str:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()
    return log_path.read_text()


def run_ours(tmp: Path, corpus: Path, edits: int) -> tuple[list[dict], list[float]]:
    output = tmp / "output"
    port = free_port()
    code = SERVER.format(
        plugins=str(ROOT / "plugins"),
        root=str(ROOT),
        port=port,
        output=str(output),
        corpus=str(corpus),
        cache=str(tmp / "cache"),
    )
    log_path = tmp / "livereload.log"
    log = log_path.open("w")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)  # fmt: skip
    log_text = ""
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/blog/", process)
        page_of = lambda post: output / "blog" / post.stem / "index.html"  # noqa: E731
        samples = asyncio.run(measure(base, corpus / "blog", page_of, edits))
    finally:
        log_text = _stop(process, log, log_path)
        print(log_text[-1500:], file=sys.stderr)
    return samples, rebuild_cpu_seconds(log_text)


def run_hugo(tmp: Path, site: Path, edits: int, fast: bool) -> list[dict]:
    output = tmp / f"hugo-output-{'fast' if fast else 'full'}"
    port = free_port()
    log_path = tmp / f"hugo-{fast}.log"
    log = log_path.open("w")
    command = server_command(site, output, port, fast_render=fast)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/blog/", process)
        page_of = lambda post: output / "blog" / post.stem / "index.html"  # noqa: E731
        tag = "hugofast" if fast else "hugofull"
        return asyncio.run(
            measure(base, site / "content" / "blog", page_of, edits, set_hugo_title, fast, tag)
        )
    finally:
        print(_stop(process, log, log_path)[-800:], file=sys.stderr)


def run_vanilla(tmp: Path, corpus: Path, edits: int) -> list[dict]:
    output = tmp / "vanilla-output"
    code = VANILLA.format(
        benchmarks=str(HERE), corpus=str(corpus), output=str(output), cache=str(tmp / "vc")
    )
    log_path = tmp / "vanilla.log"
    log = log_path.open("w")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while "ready" not in log_path.read_text() and time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("vanilla Pelican exited:\n" + log_path.read_text()[-2000:])
            time.sleep(0.2)
        time.sleep(0.5)  # watchfiles' watches in place
        page_of = lambda post: output / f"{post.stem}.html"  # noqa: E731
        return asyncio.run(measure(None, corpus / "blog", page_of, edits, tag="vanilla"))
    finally:
        print(_stop(process, log, log_path)[-800:], file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "edit_loop.md")
    args = parser.parse_args(argv)
    hugo = require_hugo()
    with tempfile.TemporaryDirectory(prefix="kp-edit-loop-") as tmp:
        tmp = Path(tmp)
        corpus = write_corpus(tmp / "corpus", posts=args.posts)
        vanilla_corpus = write_corpus(tmp / "corpus-vanilla", posts=args.posts)
        site = write_hugo_site(corpus, tmp / "hugo")
        runs: dict[str, list[dict]] = {}
        runs["ours"], cpu = run_ours(tmp, corpus, args.edits)
        runs["hugo fast"] = run_hugo(tmp, site, args.edits, fast=True)
        runs["hugo full"] = run_hugo(tmp, site, args.edits, fast=False)
        runs["vanilla"] = run_vanilla(tmp, vanilla_corpus, args.edits)
    markdown = table(runs, args.posts, cpu, hugo)
    print(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
