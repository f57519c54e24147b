"""Build the same synthetic corpus with our settings, with vanilla Pelican and with Hugo; compare.

For each corpus size, and for each of ``--runs`` rounds, the three configurations take
turns (ours, vanilla, Hugo, ours, ...) so that a busy machine slows them alike. Hugo builds
the same posts as a Hugo site with a minimal theme (``hugo.py``; Debian's ``hugo``, which
must be installed). Each round measures three builds per configuration, each in a fresh
process:

* cold: no output folder, no content cache, no search index (image caches kept, as the
  issue asks: one untimed build of ours makes them before the first round);
* warm: the same build again, nothing changed;
* edit: one post's text changed, then built again.

Reported: the median wall time and the median peak memory (the child's maximum resident
set size, from ``os.wait4``: the largest of the build and the worker processes it
waited for) per configuration, ours ÷ vanilla and ours ÷ Hugo. The CPU time (user +
system, also from ``os.wait4``) is reported beside the wall time: on a shared machine it
is the steadier of the two. The table goes to
stdout and to ``benchmarks/results/build_speed.md``.

    python benchmarks/build_speed.py --sizes 100 1000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
MODES = ("ours", "vanilla", "hugo")
SCENARIOS = ("cold", "warm", "edit")

sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402
from hugo import cold_build_command, require_hugo, write_hugo_site  # noqa: E402

sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]  # this checkout's, not the installed
from sitetools.build import drop_content_cache  # noqa: E402


@dataclass
class Sample:
    seconds: float
    cpu_seconds: float
    peak_mb: float


def run_build(mode: str, corpus: Path, output: Path, cache: Path) -> Sample:
    """One build in a fresh subprocess; its wall time and its own peak RSS. For Hugo,
    ``corpus`` is the Hugo site."""
    command = [sys.executable, str(HERE / "run_build.py"), mode, str(corpus), str(output)]
    command.append(str(cache))
    if mode == "hugo":
        command = cold_build_command(corpus, output)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{mode} build failed ({process.returncode}):\n{errors[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, cpu, usage.ru_maxrss / 1024)  # Linux reports kilobytes


def edit_post(corpus: Path, round_number: int) -> Path:
    """Change one post's text (a new sentence each round) the way an author would."""
    posts = sorted(p for p in (corpus / "blog").glob("*.md") if p.name != "_index.md")
    post = posts[len(posts) // 2]
    with post.open("a", encoding="utf-8") as stream:
        stream.write(f"\nAn edit made in round {round_number} -- it's a small one.\n")
    return post


def measure(size: int, runs: int, workdir: Path) -> dict[tuple[str, str], list[Sample]]:
    corpus = write_corpus(workdir / f"corpus-{size}", posts=size)
    sources = {"ours": corpus, "vanilla": corpus}
    sources["hugo"] = write_hugo_site(corpus, workdir / f"hugo-{size}")
    samples: dict[tuple[str, str], list[Sample]] = {
        (mode, scenario): [] for mode in MODES for scenario in SCENARIOS
    }
    # One untimed build first makes the image derivatives, which every cold build may keep
    # (otherwise the first round's "cold" would time image encoding, the others not).
    run_build("ours", corpus, workdir / "out-ours", workdir / "cache-ours")
    for round_number in range(runs):
        for mode in MODES:
            output, cache = workdir / f"out-{mode}", workdir / f"cache-{mode}"
            # Cold: no output, no content cache and no search index to reuse; image caches
            # (derivatives, kp_studio's diffs) are kept, as the issue asks: they are keyed by
            # the images' hashes and stay valid between real builds.
            shutil.rmtree(output, ignore_errors=True)
            shutil.rmtree(cache / "kp_search", ignore_errors=True)
            drop_content_cache(cache)
            source = sources[mode]
            samples[mode, "cold"].append(run_build(mode, source, output, cache))
            samples[mode, "warm"].append(run_build(mode, source, output, cache))
            posts = source / "content" if mode == "hugo" else source
            edit_post(posts, round_number * len(MODES) + MODES.index(mode))
            samples[mode, "edit"].append(run_build(mode, source, output, cache))
            print(
                f"  N={size} round {round_number + 1}/{runs} {mode}: "
                + ", ".join(
                    f"{s} {samples[mode, s][-1].seconds:.2f} s "
                    f"({samples[mode, s][-1].cpu_seconds:.2f} s CPU)"
                    for s in SCENARIOS
                ),
                file=sys.stderr,
            )
    return samples


def table(results: dict[int, dict[tuple[str, str], list[Sample]]], runs: int, hugo: str) -> str:
    def median(values: list[Sample], attribute: str) -> float:
        return statistics.median(getattr(sample, attribute) for sample in values)

    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        f"Build speed, median of {runs} alternating runs; "
        f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Hugo {hugo}; load average at the end {load}.",
        "",
        "| posts | build | ours (s) | vanilla (s) | Hugo (s) | ours ÷ vanilla "
        "| ours ÷ vanilla cold | ours ÷ Hugo | CPU ours (s) | CPU vanilla (s) | CPU ÷ vanilla "
        "| ours peak (MB) | vanilla peak (MB) | memory ratio |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, samples in results.items():
        vanilla_cold = median(samples["vanilla", "cold"], "seconds")
        for scenario in SCENARIOS:
            ours_s = median(samples["ours", scenario], "seconds")
            vanilla_s = median(samples["vanilla", scenario], "seconds")
            hugo_s = median(samples["hugo", scenario], "seconds")
            ours_cpu = median(samples["ours", scenario], "cpu_seconds")
            vanilla_cpu = median(samples["vanilla", scenario], "cpu_seconds")
            ours_mb = median(samples["ours", scenario], "peak_mb")
            vanilla_mb = median(samples["vanilla", scenario], "peak_mb")
            lines.append(
                f"| {size} | {scenario} | {ours_s:.2f} | {vanilla_s:.2f} | {hugo_s:.2f} "
                f"| {ours_s / vanilla_s:.2f}× | {ours_s / vanilla_cold:.2f}× "
                f"| {ours_s / hugo_s:.1f}× "
                f"| {ours_cpu:.2f} | {vanilla_cpu:.2f} | {ours_cpu / vanilla_cpu:.2f}× "
                f"| {ours_mb:.0f} | {vanilla_mb:.0f} | {ours_mb / vanilla_mb:.2f}× |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "build_speed.md")
    parser.add_argument(
        "--ours-settings",
        type=Path,
        help="settings file for 'ours' (e.g. an older pelicanconf.py, for a before figure)",
    )
    parser.add_argument(
        "--ours-no-cache", action="store_true", help="build 'ours' without the content cache"
    )
    args = parser.parse_args(argv)
    if args.ours_settings:
        os.environ["KP_BENCH_SETTINGS"] = str(args.ours_settings.resolve())
    if args.ours_no_cache:
        os.environ["KP_BENCH_CACHE"] = "0"
    hugo = require_hugo()
    with tempfile.TemporaryDirectory(prefix="kp-bench-") as tmp:
        results = {size: measure(size, args.runs, Path(tmp)) for size in args.sizes}
    markdown = table(results, args.runs, hugo)
    print(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
