"""Real faces and known edits of them, made at test time, for the face analysis.

The portraits are photographs shipped inside packages the test extra installs, both in
the public domain (works of the US federal government):

* ``hopper()``: Rear Admiral Grace Hopper's official US Navy portrait, shipped by
  matplotlib as ``mpl-data/sample_data/grace_hopper.jpg``;
* ``astronaut()``: NASA's portrait of the astronaut Eileen Collins, shipped by
  scikit-image as ``skimage/data/astronaut.png``.

They are read from the installed distributions' files (``importlib.metadata``), so
neither library is imported. Each edit is what an "enhance" app does, done here with a
known answer: a liquify "bloat" of the eyes by a known linear factor, a horizontal squeeze
of the jaw, skin smoothing of a known strength, a new backdrop. The truth is in the
construction: inside the bloat's flat top the area grows by exactly ``factor ** 2``;
inside the squeeze's plateau the width shrinks by exactly ``factor``; a blend of a blur
that leaves no fine detail removes the share ``strength`` of it.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image


def _shipped(distribution: str, path: str) -> Path:
    located = Path(importlib.metadata.distribution(distribution).locate_file(path))
    assert located.is_file(), f"{distribution} does not ship {path}: install the test extra"
    return located


def hopper(zoom: float = 3.0) -> np.ndarray:
    """Grace Hopper (512x600), enlarged to a camera-like size, RGB."""
    return _enlarged(
        _shipped("matplotlib", "matplotlib/mpl-data/sample_data/grace_hopper.jpg"), zoom
    )


def astronaut(zoom: float = 3.0) -> np.ndarray:
    """Eileen Collins (512x512), enlarged like ``hopper``, RGB."""
    return _enlarged(_shipped("scikit-image", "skimage/data/astronaut.png"), zoom)


def _enlarged(path: Path, zoom: float) -> np.ndarray:
    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB"))
    return cv2.resize(rgb, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)


def save_jpeg(rgb: np.ndarray, path: Path, quality: int = 90, exif: Image.Exif | None = None):
    """A camera-style JPEG (what an app hands back), optionally with EXIF."""
    options = {"quality": quality}
    if exif is not None:
        options["exif"] = exif
    Image.fromarray(rgb).save(path, "JPEG", **options)
    return path


@dataclass(frozen=True)
class Landmarks:
    """Where the features are, from dlib's 5 points (in the image's pixels)."""

    left_eye: np.ndarray  # image-left eye centre
    right_eye: np.ndarray
    nose: np.ndarray  # base of the nose
    eye_width: float  # corner to corner, mean of both eyes

    @property
    def eye_gap(self) -> float:
        return float(np.linalg.norm(self.right_eye - self.left_eye))


def landmarks(rgb: np.ndarray) -> Landmarks:
    """The face's 5 points, found with the module under test's own models."""
    from kp_studio import faces

    detector, landmarker, _ = faces.models()
    [box] = detector(rgb, 0)
    shape = landmarker(rgb, box)
    points = np.array([(p.x, p.y) for p in shape.parts()], float)
    width = (np.linalg.norm(points[0] - points[1]) + np.linalg.norm(points[2] - points[3])) / 2
    return Landmarks(
        (points[2] + points[3]) / 2, (points[0] + points[1]) / 2, points[4], float(width)
    )


def _remap(rgb: np.ndarray, source_x: np.ndarray, source_y: np.ndarray) -> np.ndarray:
    return cv2.remap(
        rgb,
        source_x.astype(np.float32),
        source_y.astype(np.float32),
        cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REFLECT,
    )


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0, 1)
    return t * t * (3 - 2 * t)


def enlarge(rgb, centres, factor: float, inner: float, outer: float) -> np.ndarray:
    """Liquify "bloat": scale each disc of radius ``inner`` about its centre by ``factor``
    (linear), blending back to no change at ``outer`` (source radii)."""
    height, width = rgb.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(float)
    source_x, source_y = xx.copy(), yy.copy()
    radius = np.linspace(0, outer * 1.5, 4000)
    weight = 1 - _smoothstep((radius - inner) / (outer - inner))
    moved = radius * (1 + (factor - 1) * weight)  # forward map of the radius
    assert np.all(np.diff(moved) > 0), "the warp must not fold"
    for cx, cy in centres:
        out = np.hypot(xx - cx, yy - cy)
        near = out < moved[-1]
        back = np.interp(out[near], moved, radius) / np.maximum(out[near], 1e-9)
        source_x[near] = cx + (xx[near] - cx) * back
        source_y[near] = cy + (yy[near] - cy) * back
    return _remap(rgb, source_x, source_y)


def narrow(rgb, centre_x: float, top: float, full: float, factor: float, half_width: float):
    """Squeeze horizontally towards ``centre_x`` by ``factor`` below ``full``, ramping in
    from ``top``, over ``half_width`` either side, fading out over as much again."""
    height, width = rgb.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(float)
    offset = xx - centre_x
    fade = 1 - _smoothstep((np.abs(offset) - half_width * factor) / (half_width * factor))
    scale = 1 + (1 / factor - 1) * _smoothstep((yy - top) / (full - top)) * fade
    return _remap(rgb, centre_x + offset * scale, yy)


def ellipse_mask(shape, centre, radii, feather: float) -> np.ndarray:
    height, width = shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(float)
    inside = (((xx - centre[0]) / radii[0]) ** 2 + ((yy - centre[1]) / radii[1]) ** 2 <= 1) * 1.0
    return cv2.GaussianBlur(inside, (0, 0), feather) if feather else inside


def skin_mask(rgb, marks: Landmarks) -> np.ndarray:
    """Cheeks and forehead, feathered: where a "smooth skin" filter works (eyes, brows,
    nose and lips are left sharp, as the apps do)."""
    gap = marks.eye_gap
    cheeks = [
        ellipse_mask(
            rgb.shape, (eye[0] + side * 0.1 * gap, eye[1] + 0.6 * gap), (0.3 * gap, 0.25 * gap), 0
        )
        for eye, side in ((marks.left_eye, -1), (marks.right_eye, 1))
    ]
    middle = (marks.left_eye + marks.right_eye) / 2
    forehead = ellipse_mask(
        rgb.shape, (middle[0], middle[1] - 0.5 * gap), (0.6 * gap, 0.2 * gap), 0
    )
    return cv2.GaussianBlur(np.clip(cheeks[0] + cheeks[1] + forehead, 0, 1), (0, 0), 0.04 * gap)


def smooth(rgb, mask, strength: float, sigma: float) -> np.ndarray:
    """Blend a strong blur into ``mask`` by ``strength``: "plastic skin"."""
    blurred = cv2.GaussianBlur(rgb, (0, 0), sigma).astype(float)
    share = (mask * strength)[..., None]
    return (rgb * (1 - share) + blurred * share).round().clip(0, 255).astype(np.uint8)


def swap_backdrop(rgb, marks: Landmarks) -> np.ndarray:
    """A new studio-grey backdrop around the head and above the shoulders (the chin and
    the neck are kept: the row band of the shoulders starts just below the mouth)."""
    gap = marks.eye_gap
    middle = (marks.left_eye + marks.right_eye) / 2
    head = ellipse_mask(rgb.shape, (middle[0], middle[1] - 0.1 * gap), (1.25 * gap, 1.7 * gap), 0)
    height, width = rgb.shape[:2]
    shoulders = (np.arange(height)[:, None] > marks.nose[1] + 0.6 * gap) * np.ones((1, width))
    person = cv2.GaussianBlur(np.clip(head + shoulders, 0, 1), (0, 0), 0.03 * gap)[..., None]
    ramp = np.linspace(200, 120, width)[None, :, None]
    backdrop = np.broadcast_to(ramp * np.array([0.92, 0.95, 1.0]), rgb.shape)
    return (rgb * person + backdrop * (1 - person)).round().clip(0, 255).astype(np.uint8)


def crowd(rgb: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Two portraits side by side: a photo with two faces."""
    height = min(rgb.shape[0], other.shape[0])
    return np.hstack([rgb[:height], other[:height]])


def far_away(rgb: np.ndarray, share: float) -> np.ndarray:
    """The portrait shrunk to ``share`` of a plain canvas's width: a face too small."""
    small = cv2.resize(rgb, None, fx=share, fy=share, interpolation=cv2.INTER_AREA)
    canvas = np.full_like(rgb, 180)
    top, left = (rgb.shape[0] - small.shape[0]) // 2, (rgb.shape[1] - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return canvas
