"""Run every benchmark and gather their tables into ``benchmarks/results/bench.md``.

``invoke bench`` calls this. Each benchmark runs in its own process and writes its own
table too (build_speed.md, edit_loop.md, page_weight.md in ``benchmarks/results/``). The
build and edit-loop benchmarks measure Hugo in the same run; without Debian's ``hugo``
this stops at once and says how to install it.
Benchmarks print figures; they never pass or fail on a time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

sys.path.insert(0, str(HERE))
from hugo import require_hugo  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100 1000", help="corpus sizes, e.g. '100 1000'")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    require_hugo()
    sizes = args.sizes.split()
    runs = {
        "build_speed": ["--sizes", *sizes, "--runs", str(args.runs)],
        "edit_loop": ["--posts", sizes[-1], "--edits", str(args.edits)],
        "page_weight": ["--no-lighthouse"] if args.no_lighthouse else [],
    }
    sections = [f"# Benchmarks, {datetime.now():%Y-%m-%d %H:%M}", ""]
    for name, options in runs.items():
        print(f"== {name} {' '.join(options)}", file=sys.stderr, flush=True)
        out = RESULTS / f"{name}.md"
        subprocess.run(
            [sys.executable, str(HERE / f"{name}.py"), *options, "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        sections += [f"## {name.replace('_', ' ').capitalize()}", "", out.read_text(), ""]
    report = "\n".join(sections)
    (RESULTS / "bench.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
