"""Encoding one source photo into all its derivatives; a process pool runs many at once.

One :class:`Job` is one source: it is decoded once, at the size the largest derivative
needs (see ``decode``), then resized in a cascade, largest first, each size made from the
one before (every step shrinks by less than 2x, where Lanczos is both sharp and cheap),
and each size is encoded in every format. Files are written into the job's cache folder
by rename, the manifest last, so a folder with a manifest is complete, whatever crashed
or ran beside it.

The pool (:func:`run_all`) has one process per core: AVIF, WebP and JPEG encoders are
single-threaded per image except AVIF's, which is given the cores left over when there
are fewer photos than processes. Workers are forked (POSIX): they start at once, share the
build's memory until they write to it, and never re-import the program that runs the build
(``spawn`` and ``forkserver`` re-run its main module, which a script without a
``__main__`` guard cannot survive). Everything a worker imports is imported before the
fork, so no lock another thread of the build holds can be copied locked.

Peak RSS per worker, measured (benchmarks/README.md): 98 MB for a 50 MP camera JPEG
(48 MB of it Python and Pillow; the picture is DCT-scaled), 291 MB for a 50 MP PNG,
which is decoded whole (TIFF and HEIC alike).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from .decode import ImageProblem, decode, register_heif

EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Job:
    source: str
    folder: str
    # (width, height, formats) for each size, as published (upright)
    sizes: tuple[tuple[int, int, tuple[str, ...]], ...]
    quality: tuple[tuple[str, int], ...]
    avif_speed: int
    max_pixels: int
    keep_icc: bool
    exif: bytes = b""
    xmp: bytes = b""
    iptc: bytes = b""
    name: str = ""
    # A link preview instead of ``sizes``: (width, height, long edge to decode at), a JPEG
    # cropped to exactly that size (see ``crop_name``).
    crop: tuple[int, int, int] = ()


@dataclass(frozen=True)
class Result:
    job: Job
    files: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_kb: int = 0
    problem: ImageProblem | None = None


def peak_kb() -> int:
    """This process's own peak RSS (VmHWM: unlike ru_maxrss, not inherited from the
    process that forked or started it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def file_name(width: int, fmt: str) -> str:
    return f"{width}.{EXTENSION[fmt]}"


def crop_name(width: int, height: int) -> str:
    return f"{width}x{height}.jpg"


# Where the crop is centred: across, the middle; down, a little above it, since a
# portrait's face sits in the upper half (a fixed rule, no face detection at build time).
CROP_CENTRE = (0.5, 0.4)


def encode(job: Job, avif_threads: int = 1) -> Result:
    """Make every file of ``job`` in its folder; a bad source is a Result with a problem."""
    started, cpu = time.perf_counter(), time.process_time()
    folder = Path(job.folder)
    folder.mkdir(parents=True, exist_ok=True)
    if job.crop:
        return _encode_crop(job, folder, started, cpu)
    sizes = sorted(job.sizes, reverse=True)
    try:
        picture, icc = decode(job.source, max(sizes[0][:2]), job.max_pixels, job.keep_icc, job.name)
    except ImageProblem as problem:
        return Result(job, problem=problem)
    quality = dict(job.quality)
    written = 0
    for width, height, formats in sizes:
        if picture.size != (width, height):
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in formats:
            _save(
                picture, folder / file_name(width, fmt), fmt, quality[fmt], job, icc, avif_threads
            )
            written += 1
    manifest = {"sizes": [list(size[:2]) for size in job.sizes], "source": job.name}
    _write(folder / MANIFEST, json.dumps(manifest).encode())
    return Result(
        job,
        files=written,
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu,
        peak_kb=peak_kb(),
    )


def _encode_crop(job: Job, folder: Path, started: float, cpu: float) -> Result:
    """The link preview: scaled to cover ``width`` x ``height``, then cropped to it."""
    width, height, long_edge = job.crop
    try:
        picture, icc = decode(job.source, long_edge, job.max_pixels, job.keep_icc, job.name)
    except ImageProblem as problem:
        return Result(job, problem=problem)
    picture = ImageOps.fit(
        picture, (width, height), Image.Resampling.LANCZOS, centering=CROP_CENTRE
    )
    _save(
        picture, folder / crop_name(width, height), "jpeg", dict(job.quality)["jpeg"], job, icc, 1
    )
    manifest = {"crop": [width, height], "source": job.name}
    _write(folder / MANIFEST, json.dumps(manifest).encode())
    return Result(
        job,
        files=1,
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu,
        peak_kb=peak_kb(),
    )


def _save(picture, path: Path, fmt: str, quality: int, job: Job, icc, avif_threads: int) -> None:
    options: dict = {"quality": quality}
    if icc:
        options["icc_profile"] = icc
    if job.exif:
        options["exif"] = job.exif
    if job.xmp:
        options["xmp"] = job.xmp
    if fmt == "jpeg":
        if picture.mode == "RGBA":  # JPEG has no transparency: on white, as a page shows it
            flat = Image.new("RGB", picture.size, "white")
            flat.paste(picture, mask=picture.getchannel("A"))
            picture = flat
        options.update(optimize=True, progressive=True)
        if job.iptc:
            options["extra"] = job.iptc
    elif fmt == "webp":
        options["method"] = 5
    elif fmt == "avif":
        options.update(speed=job.avif_speed, max_threads=avif_threads)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            picture.save(out, format=fmt.upper(), **options)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def cost(job: Job) -> int:
    """What encoding ``job`` costs, roughly: the pixels it encodes (the encoders take 90 %
    of the time, in proportion to pixels; an upright portrait has twice a landscape's
    pixels at the same widths)."""
    return sum(width * height * len(formats) for width, height, formats in job.sizes)


def run_all(
    jobs: list[Job], workers: int, on_done: Callable[[Result], None] | None = None
) -> Iterable[Result]:
    """Encode ``jobs`` on ``workers`` processes (in this one when there is one job or
    one worker); calls ``on_done`` as each finishes. Yields results in finishing order.

    The costliest jobs go first (longest-processing-time order): the last ones to finish
    are then the cheap ones, so no core waits long on one big photo at the end."""
    if not jobs:
        return []
    jobs = sorted(jobs, key=cost, reverse=True)
    cores = max(1, workers)
    if len(jobs) == 1 or workers == 1:
        results = []
        for job in jobs:
            result = encode(job, avif_threads=cores)
            results.append(result)
            if on_done:
                on_done(result)
        return results
    Image.init()  # every image plugin imported before forking (see the docstring)
    register_heif()
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    results = []
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        queue = list(reversed(jobs))
        running = {}
        # Submit as slots free up, so the last photos (when fewer remain than processes)
        # are given the spare cores for AVIF's own threads.
        while queue or running:
            while queue and len(running) < workers:
                spare = max(1, cores // max(1, min(workers, len(queue) + len(running))))
                job = queue.pop()
                running[pool.submit(encode, job, spare)] = job
            done, _pending = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                result = future.result()
                results.append(result)
                if on_done:
                    on_done(result)
    return results
