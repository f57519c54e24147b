"""A longer run of the hostile-post fuzzer (tests/test_fuzz_hostile.py), with fresh seeds.

CI runs a handful of seeded examples; this runs ``--examples`` per seed for each of
``--seeds`` seeds (default: three random ones), each through real builds and, where the
build publishes, Chromium under the production headers. It prints, per seed, whether every
example kept the contract (refused with the file named, or harmless in the browser), how
many examples were refused and published, and the wall time. A failing seed is printed with
Hypothesis's minimal example; rerun it with ``KP_FUZZ_SEED=<seed>``.

    python benchmarks/fuzz_hostile.py --examples 100 --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(seed: int, examples: int) -> tuple[bool, str, float]:
    env = {**os.environ, "KP_FUZZ_SEED": str(seed), "KP_FUZZ_HOSTILE_EXAMPLES": str(examples)}
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "-s", "-x",
         "tests/test_fuzz_hostile.py", "-k", "generated"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    outcome = re.search(r"hostile posts: (\{.*?\})", finished.stdout)
    summary = outcome.group(1) if outcome else finished.stdout[-2000:]
    return finished.returncode == 0, summary, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60, help="examples per seed")
    parser.add_argument("--seeds", type=int, nargs="*", default=None)
    args = parser.parse_args(argv)
    seeds = args.seeds or [random.randrange(1_000_000) for _ in range(3)]  # noqa: S311
    failed = 0
    print("| seed | examples | kept the contract | outcomes | wall (s) |")
    print("|---:|---:|---|---|---:|")
    for seed in seeds:
        ok, summary, seconds = run(seed, args.examples)
        failed += not ok
        print(
            f"| {seed} | {args.examples} | {'yes' if ok else 'NO'} | {summary if ok else ''} "
            f"| {seconds:.1f} |"
        )
        if not ok:
            print(summary, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
