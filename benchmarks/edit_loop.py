"""Edit a post while ``invoke livereload`` runs; time until its page is rewritten and
until the browser is told to reload.

Starts ``sitetools.livereload.watch_and_serve`` (what ``invoke livereload`` runs) on a
generated corpus in a subprocess, connects to it as a browser does (the livereload
websocket protocol: ``hello``, then ``info`` with the page's URL), then edits posts:
their title (every listing that shows the post must change too) and their body. For each
edit it records two times from the moment the file is saved: the edited post's page on
disk holding the new text, and the ``reload`` command arriving on the websocket.

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

SERVER = """
import sys
sys.path.insert(0, {plugins!r})
from pathlib import Path
from sitetools.livereload import watch_and_serve
watch_and_serve(Path({root!r}), "pelicanconf.py", Path({output!r}), "127.0.0.1", {port},
                overrides={{"PATH": {corpus!r}, "CACHE_PATH": {cache!r}}},
                watched=[Path({corpus!r})])
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


async def measure(base: str, corpus: Path, output: Path, edits: int) -> list[dict]:
    from tornado.websocket import websocket_connect

    socket_url = base.replace("http://", "ws://") + "/livereload"
    connection = await websocket_connect(socket_url)
    connection.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]}))  # fmt: skip
    hello = json.loads(await connection.read_message())
    assert hello["command"] == "hello"
    connection.write_message(json.dumps({"command": "info", "url": base + "/blog/"}))
    await asyncio.sleep(0.5)  # let the server register us as a waiting browser

    posts = sorted((corpus / "blog").glob("*.md"))
    samples = []
    for number in range(edits):
        for kind in ("title", "body"):
            post = posts[(len(posts) // 3 + number * 7) % len(posts)]
            page = output / "blog" / post.stem / "index.html"
            marker = f"Edited{kind}{number}x{os.getpid()}"
            if kind == "title":
                started = time.perf_counter()
                set_title(post, f"{marker} is the new title")
            else:
                started = time.perf_counter()
                with post.open("a", encoding="utf-8") as stream:
                    stream.write(f"\n{marker} ends the post now.\n")
            page_task = asyncio.ensure_future(wait_for_text(page, marker, started))
            while True:
                message = json.loads(await asyncio.wait_for(connection.read_message(), 60))
                if message.get("command") == "reload":
                    reload_seconds = time.perf_counter() - started
                    break
            page_seconds = await asyncio.wait_for(page_task, 60)
            samples.append({"kind": kind, "page": page_seconds, "reload": reload_seconds})
            print(f"  {kind} edit {number + 1}: page {page_seconds:.3f} s, "
                  f"reload {reload_seconds:.3f} s", file=sys.stderr)  # fmt: skip
            await asyncio.sleep(0.4)
    connection.close()
    return samples


def rebuild_cpu_seconds(log: str) -> list[float]:
    """The CPU time of each rebuild after the first, from livereload's own report."""
    seconds = [float(s) for s in re.findall(r"Rebuilt .* ([\d.]+) s CPU", log)]
    return seconds[1:]


def table(samples: list[dict], posts: int, cpu: list[float]) -> str:
    lines = [
        f"Edit loop (`invoke livereload`), {posts} posts, median of "
        f"{len(samples) // 2} edits each; {os.cpu_count()} cores.",
        "",
        "| edit | page rewritten (s) | browser told to reload (s) | worst reload (s) "
        "| rebuild CPU (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for index, kind in enumerate(("title", "body")):
        rows = [s for s in samples if s["kind"] == kind]
        kind_cpu = cpu[index::2]
        lines.append(
            f"| {kind} | {statistics.median(s['page'] for s in rows):.3f} "
            f"| {statistics.median(s['reload'] for s in rows):.3f} "
            f"| {max(s['reload'] for s in rows):.3f} "
            f"| {statistics.median(kind_cpu) if kind_cpu else float('nan'):.3f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "edit_loop.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kp-edit-loop-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", posts=args.posts)
        output = Path(tmp) / "output"
        port = free_port()
        code = SERVER.format(
            plugins=str(ROOT / "plugins"),
            root=str(ROOT),
            port=port,
            output=str(output),
            corpus=str(corpus),
            cache=str(Path(tmp) / "cache"),
        )
        log = (Path(tmp) / "livereload.log").open("w")
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/blog/", process)
            samples = asyncio.run(measure(base, corpus, output, args.edits))
        finally:
            process.terminate()
            process.wait(10)
            log.close()
            log_text = (Path(tmp) / "livereload.log").read_text()
            print(log_text[-1500:], file=sys.stderr)
    markdown = table(samples, args.posts, rebuild_cpu_seconds(log_text))
    print(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
