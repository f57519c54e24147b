"""Cost of the comparison's face analysis per pair of 24-MP photos (issue 17: under 3 s).

Run: ``python benchmarks/faces.py [--runs 3]``. Makes a 24-MP (4000x6000) camera-style
JPEG pair at run time (Grace Hopper's public-domain portrait, with the eyes enlarged by
15 % in the after image: see ``plugins/kp_studio/tests/face_edits.py``), then times, as
medians of ``--runs`` runs:

* ``faces.measure``: detection, landmarks, recognition, alignment, flow and texture;
* ``faces.face_findings`` on an empty cache: the above plus the face map and its PNG;
* ``faces.face_findings`` again: the cached answer (hashing both files);
* the baseline, ``diffimage.compute_diff`` on the same pair: the pixel difference the
  comparison already computed before this analysis existed.

It prints each median, its ratio to the baseline, and the machine's load average before
and after (the machine is shared: a busy one makes every figure larger, the ratios less).
Exits 1 if the cold ``face_findings`` median is 3 s or more.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "plugins/kp_studio/tests")]

import face_edits as edits  # noqa: E402
from kp_common.settings import KP_STUDIO_DEFAULTS as PLUGIN_DEFAULTS  # noqa: E402
from kp_common.settings import StudioSettings  # noqa: E402
from kp_studio import diffimage, faces  # noqa: E402

BUDGET = 3.0  # seconds per pair
SIZE = (4000, 6000)  # 24 MP, portrait


def make_pair(folder: Path) -> tuple[Path, Path]:
    import cv2
    import numpy as np

    rgb = edits.hopper(1.0)
    height, width = rgb.shape[:2]
    crop_width = height * SIZE[0] // SIZE[1]  # 2:3, centred
    left = (width - crop_width) // 2
    rgb = np.ascontiguousarray(rgb[:, left : left + crop_width])
    marks = edits.landmarks(rgb)
    centres, eye = [marks.left_eye, marks.right_eye], marks.eye_width
    edited = edits.enlarge(rgb, centres, 1.15, 0.75 * eye, 1.5 * eye)
    paths = []
    for name, image in (("before", rgb), ("after", edited)):
        big = cv2.resize(image, SIZE, interpolation=cv2.INTER_CUBIC)
        paths.append(edits.save_jpeg(big, folder / f"{name}.jpg", quality=92))
    return paths[0], paths[1]


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        before, after = make_pair(folder)
        faces.models()  # loading the models once per build is not a per-pair cost

        def settings(name: str) -> StudioSettings:
            values = {**PLUGIN_DEFAULTS, "cache_dir": str(folder / name)}
            return StudioSettings(consultation=None, **values)

        base = PLUGIN_DEFAULTS
        baseline, _ = timed(
            lambda: diffimage.compute_diff(
                before, after, base["diff_threshold"], base["diff_blur"], base["diff_max_size"]
            ),
            args.runs,
        )
        measure, result = timed(lambda: faces.measure(before, after), args.runs)
        fresh = iter(range(args.runs))
        cold, found = timed(
            lambda: faces.face_findings(before, after, settings(f"cold{next(fresh)}")), args.runs
        )
        warm, _ = timed(lambda: faces.face_findings(before, after, settings("cold0")), args.runs)
        map_bytes = found.face_map.stat().st_size
    load_after = os.getloadavg()
    print(f"24-MP JPEG pair {SIZE[0]}x{SIZE[1]}, median of {args.runs} runs")
    eyes = result.reshaping["eyes"]
    print(f"  measured: distance {result.distance:.2f}, eyes {eyes:+.1f}% area (truth +32.2%)")
    for label, seconds in (
        ("pixel difference (baseline)", baseline),
        ("faces.measure", measure),
        ("face_findings, empty cache", cold),
        ("face_findings, cached", warm),
    ):
        print(f"  {label:30} {seconds:6.2f} s  {seconds / baseline:5.2f} x baseline")
    print(f"  face map PNG: {map_bytes} B")
    print(f"  load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (2 cores)")
    verdict = "ok" if cold < BUDGET else "OVER BUDGET"
    print(f"  per pair {cold:.2f} s against the {BUDGET:.0f} s budget: {verdict}")
    return 0 if cold < BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
