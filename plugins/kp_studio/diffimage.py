"""What the AI changed: a build-time pixel difference of a before/after pair.

The after image is first fitted into the before image's box exactly as the browser shows
it (``object-fit: cover``, centred; ``fit_to``), so the overlay lines up with what the
reader sees. Both images are scaled to at most ``diff_max_size`` pixels and blurred a
little, so JPEG noise and resampling do not count as changes; a pixel is "changed" when
its largest channel difference exceeds ``diff_threshold``. The result is the changed
share of the photo and an overlay PNG: changed pixels magenta, the rest transparent.

Results are cached in ``cache_dir`` under a key made of both files' content hashes and
the options, so an unchanged pair is never recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kp_common.settings import StudioSettings
from PIL import Image, ImageChops, ImageFilter, ImageOps

from .imagefile import upright_rgb

# Bump when the computation changes, so old cached results are not reused.
ALGORITHM = "kp-diff-2"  # 2: decoded by kp_images (sRGB, shrink-on-load)
OVERLAY_RGBA = (255, 0, 255, 170)


@dataclass(frozen=True)
class DiffResult:
    changed_percent: float
    overlay: Path  # the cached overlay PNG
    key: str
    width: int
    height: int


def fit_to(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` scaled to cover ``size`` and centre-cropped, as CSS ``object-fit: cover``."""
    if image.size == size:
        return image
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def load_rgb(path: str | os.PathLike, long_edge: int, max_pixels: int) -> Image.Image:
    """Upright RGB as the browser shows it, at least ``long_edge`` long, decoded by kp_images
    (every format it reads, EXIF orientation, the decompression-bomb limit)."""
    return upright_rgb(path, long_edge, max_pixels)


def compute_diff(
    before_path: str | os.PathLike,
    after_path: str | os.PathLike,
    threshold: int,
    blur: float,
    max_size: int,
    max_pixels: int = 150_000_000,
) -> tuple[float, Image.Image]:
    """Changed percentage and overlay of ``after`` against ``before``."""
    before = load_rgb(before_path, max_size, max_pixels)
    after = fit_to(load_rgb(after_path, max(before.size), max_pixels), before.size)
    scale = min(1.0, max_size / max(before.size))
    if scale < 1.0:
        size = (max(1, round(before.width * scale)), max(1, round(before.height * scale)))
        before = before.resize(size, Image.Resampling.LANCZOS)
        after = after.resize(size, Image.Resampling.LANCZOS)
    if blur > 0:
        before = before.filter(ImageFilter.GaussianBlur(blur))
        after = after.filter(ImageFilter.GaussianBlur(blur))
    red, green, blue = ImageChops.difference(before, after).split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = largest.point([255 if value > threshold else 0 for value in range(256)])
    changed = mask.histogram()[255]
    percent = 100.0 * changed / (mask.width * mask.height)
    overlay = Image.new("RGBA", mask.size, OVERLAY_RGBA)
    overlay.putalpha(mask.point([OVERLAY_RGBA[3] if v else 0 for v in range(256)]))
    return percent, overlay


def file_hash(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_key(before: str | os.PathLike, after: str | os.PathLike, opts: StudioSettings) -> str:
    parts = [
        ALGORITHM,
        str(opts.diff_threshold),
        repr(opts.diff_blur),
        str(opts.diff_max_size),
        file_hash(before),
        file_hash(after),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def _write_atomically(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def diff_overlay(
    before: str | os.PathLike, after: str | os.PathLike, opts: StudioSettings
) -> DiffResult:
    """The (cached) difference of a before/after pair."""
    key = cache_key(before, after, opts)
    folder = Path(opts.cache_dir) / "diffs"
    overlay_path = folder / f"{key}.png"
    meta_path = folder / f"{key}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if overlay_path.is_file():
            return DiffResult(meta["changed_percent"], overlay_path, key, *meta["size"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not cached yet, or a damaged entry: compute it again
    percent, overlay = compute_diff(
        before, after, opts.diff_threshold, opts.diff_blur, opts.diff_max_size, opts.max_pixels
    )
    _write_atomically(overlay_path, lambda p: overlay.save(p, format="PNG", optimize=True))
    meta = {"changed_percent": percent, "size": list(overlay.size)}
    _write_atomically(meta_path, lambda p: Path(p).write_text(json.dumps(meta), "utf-8"))
    return DiffResult(percent, overlay_path, key, *overlay.size)


def percent_text(percent: float) -> str:
    """``23%``; never rounds a real change down to 0% or up to 100%."""
    if percent <= 0:
        return "0%"
    if percent < 1:
        return "less than 1%"
    if 99 < percent < 100:
        return "more than 99%"
    return f"{round(percent)}%"
