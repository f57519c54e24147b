"""How fast livereload's file watcher sees a saved post, and what watching costs while idle.

Compares, on one generated corpus in the same run, ``sitetools.livereload.watch_batches``
(watchfiles: the kernel's change notifications) with the watcher it replaced: a 10 Hz poll
that walks every watched file's modification time (``POLL_SECONDS = 0.1``), rebuilt here as
the baseline. For each edit it times from the end of the write to the moment the watcher
hands the changed path over (no rebuild: only the watching is measured), and it measures the
CPU either watcher burns over a quiet interval.

    python benchmarks/watch_latency.py --posts 1000 --edits 20
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This checkout's own tooling, not whichever one the venv has installed.
sys.path[:0] = [str(HERE), str(HERE.parent)]
from corpus import write_corpus  # noqa: E402

POLL_SECONDS = 0.1  # the replaced watcher's interval


def polling(paths: list[Path], found: queue.Queue, stop: threading.Event) -> None:
    """The baseline: every POLL_SECONDS, stat every file and report what changed."""
    from sitetools.sources import is_ignored

    def snapshot() -> dict[str, float]:
        stamps = {}
        for root in paths:
            for folder, _dirs, files in os.walk(root):
                for name in files:
                    path = os.path.join(folder, name)
                    if not is_ignored(path, root):
                        stamps[path] = os.stat(path).st_mtime_ns
        return stamps

    before = snapshot()
    while not stop.wait(POLL_SECONDS):
        after = snapshot()
        changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
        before = after
        if changed:
            found.put((time.perf_counter(), changed))


def notified(paths: list[Path], found: queue.Queue, stop: threading.Event) -> None:
    from sitetools.livereload import watch_batches

    for batch in watch_batches(paths, stop):
        found.put((time.perf_counter(), batch))


def measure(watcher, corpus: Path, edits: int, idle_seconds: float) -> dict:
    found: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watcher, args=([corpus], found, stop), daemon=True)
    thread.start()
    time.sleep(1.0)  # the watcher's first snapshot / its notifications are set up
    cpu = time.process_time()
    time.sleep(idle_seconds)
    idle = (time.process_time() - cpu) / idle_seconds
    posts = sorted((corpus / "blog").glob("*.md"))
    latencies = []
    for number in range(edits):
        post = posts[(number * 37) % len(posts)]
        with post.open("a", encoding="utf-8") as stream:
            stream.write(f"\nEdit {number}.\n")
        saved = time.perf_counter()
        while True:
            seen, changed = found.get(timeout=30)
            if str(post) in changed:
                latencies.append(seen - saved)
                break
        time.sleep(0.25)
    stop.set()
    thread.join(5)
    return {"median": statistics.median(latencies), "worst": max(latencies), "idle": idle}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of quiet measured")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kp-watch-") as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", posts=args.posts)
        base = measure(polling, corpus, args.edits, args.idle)
        ours = measure(notified, corpus, args.edits, args.idle)
    print(
        f"Watching {args.posts} posts, {args.edits} edits, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}.\n\n"
        "| watcher | save seen after, median (ms) | worst (ms) | idle CPU (% of a core) |\n"
        "|---|---:|---:|---:|"
    )
    for name, row in (("10 Hz mtime poll (before)", base), ("watchfiles (after)", ours)):
        print(
            f"| {name} | {1000 * row['median']:.0f} | {1000 * row['worst']:.0f} "
            f"| {100 * row['idle']:.1f} |"
        )
    print(
        f"\nwatchfiles / poll: latency {ours['median'] / base['median']:.2f}x, "
        f"idle CPU {ours['idle'] / base['idle']:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
