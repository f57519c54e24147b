"""The face analysis on real faces with known edits: identity, reshaping, texture, map.

Every edit is made here (``face_edits``) on a public-domain portrait, with a known
answer, and saved as a JPEG the way an app hands its result back. Tolerances are stated
per test; they hold the measurement to a few points of the truth, well inside the size
of the edits the studio writes about (a 10-30 % change of a feature).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import face_edits as edits
import numpy as np
import pytest
from kp_common.settings import KP_STUDIO_DEFAULTS as PLUGIN_DEFAULTS
from kp_common.settings import StudioSettings
from kp_studio import faces
from PIL import Image

ZOOM = 3.0  # Grace Hopper at 1536x1800: a camera-sized face (eye gap about 250 px)


def settings(tmp_path: Path, **options) -> StudioSettings:
    values = {**PLUGIN_DEFAULTS, "cache_dir": str(tmp_path / "cache"), **options}
    return StudioSettings(consultation=None, **values)


@pytest.fixture(scope="module")
def portrait(tmp_path_factory):
    """The original, its landmarks, and a folder for the edits."""
    folder = tmp_path_factory.mktemp("faces")
    rgb = edits.hopper(ZOOM)
    path = edits.save_jpeg(rgb, folder / "original.jpg", quality=95)
    return rgb, edits.landmarks(rgb), path, folder


@pytest.fixture(scope="module")
def measured(portrait):
    """measured(name, make) -> faces.measure(original, edited), computed once per name."""
    rgb, marks, original, folder = portrait
    seen: dict[str, faces.Measured] = {}

    def run(name, make):
        if name not in seen:
            edited = edits.save_jpeg(make(rgb, marks), folder / f"{name}.jpg")
            seen[name] = faces.measure(original, edited)
            assert isinstance(seen[name], faces.Measured), seen[name]
        return seen[name]

    return run


def bloat(factor):
    def make(rgb, marks):
        centres = [marks.left_eye, marks.right_eye]
        width = marks.eye_width
        return edits.enlarge(rgb, centres, factor, 0.75 * width, 1.5 * width)

    return make


def squeeze(factor):
    def make(rgb, marks):
        gap = marks.eye_gap
        top, full = marks.nose[1] + 0.2 * gap, marks.nose[1] + 0.5 * gap
        return edits.narrow(rgb, marks.nose[0], top, full, factor, 1.3 * gap)

    return make


def plastic(strength):
    def make(rgb, marks):
        mask = edits.skin_mask(rgb, marks)
        return edits.smooth(rgb, mask, strength, 0.06 * marks.eye_gap)

    return make


def untouched(*features, result, floor=faces.RESHAPE_FLOOR):
    changed = {name: result.reshaping[name] for name in features}
    assert all(abs(value) < floor for value in changed.values()), changed


def test_only_the_safe_models_are_loaded(portrait):
    """The 68-point landmark model (training data excludes commercial use) is never used."""
    rgb = portrait[0]
    detector, landmarker, _ = faces.models()
    [box] = detector(rgb, 0)
    assert landmarker(rgb, box).num_parts == 5

    # The files the models come from are shipped by the package, nothing is downloaded.
    assert faces.model_file(faces.LANDMARKS_MODEL).stat().st_size > 1_000_000
    assert faces.model_file(faces.RECOGNITION_MODEL).stat().st_size > 10_000_000
    assert faces.LANDMARKS_MODEL == "shape_predictor_5_face_landmarks.dat"


def test_a_new_backdrop_changes_no_identity_and_no_shape(measured):
    result = measured("backdrop", lambda rgb, marks: edits.swap_backdrop(rgb, marks))
    assert result.distance < 0.2
    untouched(*faces.FEATURES, result=result)
    assert abs(result.texture_lost) < faces.TEXTURE_FLOOR


@pytest.mark.parametrize(("factor", "tolerance"), [(1.15, 4.0), (0.9, 3.0)])
def test_eyes_enlarged_or_shrunk_by_a_known_factor(measured, factor, tolerance):
    """Inside the bloat's flat top every area is multiplied by factor**2."""
    result = measured(f"eyes-{factor}", bloat(factor))
    truth = (factor**2 - 1) * 100  # +32.25 % and -19 %
    assert result.reshaping["eyes"] == pytest.approx(truth, abs=tolerance)
    # The jaw, lips and the face's length are outside the warp.
    untouched("jaw", "lips", "face", result=result)
    assert result.distance < faces.SAME_PERSON


def test_jaw_narrowed_by_a_known_factor(measured):
    result = measured("jaw", squeeze(0.88))
    assert result.reshaping["jaw"] == pytest.approx(-12.0, abs=3.0)
    untouched("eyes", "nose", "face", result=result)
    assert abs(result.texture_lost) < faces.TEXTURE_FLOOR


@pytest.mark.parametrize("strength", [0.6, 0.9])
def test_plastic_skin_loses_the_known_share_of_its_texture(measured, strength):
    result = measured(f"skin-{strength}", plastic(strength))
    # JPEG re-encoding and the mask's feathered edge keep a little detail: 10 points.
    assert result.texture_lost == pytest.approx(strength * 100, abs=10.0)
    untouched(*faces.FEATURES, result=result)


def test_an_unrelated_face_is_beyond_the_same_person_threshold(portrait, tmp_path):
    _, _, original, _ = portrait
    other = edits.save_jpeg(edits.astronaut(ZOOM), tmp_path / "other.jpg")
    result = faces.measure(original, other)
    assert result.distance > faces.SAME_PERSON
    assert "different person" in faces.identity_text(result.distance)


def test_an_after_image_of_another_size_crop_and_rotation_is_aligned(portrait, tmp_path):
    """A zoomed crop of the original, stored on its side with an EXIF orientation: the
    face is the same, so no reshaping; the map is drawn in the before image's box."""
    rgb, _, original, _ = portrait
    height, width = rgb.shape[:2]
    crop = rgb[height // 10 : height - height // 20, width // 8 : width - width // 10]
    bigger = np.asarray(
        Image.fromarray(crop).resize((crop.shape[1] * 5 // 4, crop.shape[0] * 5 // 4))
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: the viewer turns it 90 degrees clockwise
    stored = np.ascontiguousarray(np.rot90(bigger, 1))  # counter-clockwise on disk
    path = edits.save_jpeg(stored, tmp_path / "rotated.jpg", exif=exif)
    result = faces.measure(original, path)
    assert result.distance < 0.2
    untouched(*faces.FEATURES, result=result)
    assert result.before_size == (width, height)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda rgb: edits.crowd(rgb, edits.astronaut(ZOOM)), "shows 2 faces"),
        (lambda rgb: edits.far_away(rgb, 0.17), "too small"),
        (lambda rgb: np.full_like(rgb, 128), "no face was found"),
    ],
)
def test_no_single_usable_face_is_reported_not_measured(portrait, tmp_path, make, reason):
    rgb, _, original, _ = portrait
    after = edits.save_jpeg(make(rgb), tmp_path / "after.jpg")
    result = faces.face_findings(original, after, settings(tmp_path))
    assert isinstance(result, faces.Unmeasured)
    assert reason in result.reason and "after image" in result.reason


def test_findings_are_cached_by_both_files_and_the_settings(portrait, tmp_path, monkeypatch):
    rgb, marks, original, _ = portrait
    after = edits.save_jpeg(bloat(1.15)(rgb, marks), tmp_path / "after.jpg")
    calls = []
    real = faces.measure
    monkeypatch.setattr(faces, "measure", lambda *a: calls.append(a) or real(*a))
    first = faces.face_findings(original, after, settings(tmp_path))
    again = faces.face_findings(original, after, settings(tmp_path))
    assert len(calls) == 1 and again == first
    assert first.face_map.is_file() and first.face_map.parent == tmp_path / "cache/faces"
    faces.face_findings(original, after, settings(tmp_path, diff_max_size=800))
    assert len(calls) == 2, "another map size is another result"
    edits.save_jpeg(bloat(1.1)(rgb, marks), after)
    changed = faces.face_findings(original, after, settings(tmp_path))
    assert len(calls) == 3 and changed.reshaping["eyes"] < first.reshaping["eyes"]


def test_a_cached_pair_is_answered_without_loading_dlib(portrait, tmp_path):
    """A cold build of a site whose comparisons are cached must not pay dlib's 35 MB."""
    rgb, marks, original, _ = portrait
    after = edits.save_jpeg(bloat(1.15)(rgb, marks), tmp_path / "after.jpg")
    first = faces.face_findings(original, after, settings(tmp_path))
    assert isinstance(first, faces.Findings)
    script = (
        "import sys\n"
        "from kp_studio import faces\n"
        "from kp_common.settings import KP_STUDIO_DEFAULTS, StudioSettings\n"
        f"values = {{**KP_STUDIO_DEFAULTS, 'cache_dir': {str(tmp_path / 'cache')!r}}}\n"
        "opts = StudioSettings(consultation=None, **values)\n"
        f"found = faces.face_findings({str(original)!r}, {str(after)!r}, opts)\n"
        "print(found.distance, 'dlib' in sys.modules, 'numpy' in sys.modules)\n"
    )
    plugins = Path(faces.__file__).parent.parent  # this checkout's plugins
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugins), *sys.path])}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert out == [repr(first.distance), "False", "False"]


def test_the_face_map_colours_the_enlarged_eyes_on_the_after_image(portrait, tmp_path):
    rgb, marks, original, _ = portrait
    after = edits.save_jpeg(bloat(1.15)(rgb, marks), tmp_path / "after.jpg")
    found = faces.face_findings(original, after, settings(tmp_path))
    with Image.open(found.face_map) as image:
        assert image.format == "PNG"
        drawn = np.asarray(image.convert("RGBA"))
    height, width = rgb.shape[:2]
    assert found.map_size == (image.width, image.height)
    assert image.width / image.height == pytest.approx(width / height, abs=0.01)
    assert max(image.size) <= faces.MAP_MAX_EDGE
    scale = image.width / width

    def colour_near(point, radius):
        x, y = (point * scale).round().astype(int)
        r = round(radius * scale)
        patch = drawn[y - r : y + r, x - r : x + r].reshape(-1, 4)
        seen = patch[patch[:, 3] > 60]
        return seen[:, :3].mean(0) if len(seen) > len(patch) // 4 else None

    for eye in (marks.left_eye, marks.right_eye):
        red, _, blue = colour_near(eye, 0.3 * marks.eye_width)
        assert red > 150 and blue < 100, "orange: enlarged"
    # Far from the face, nothing is drawn: the map covers the face only.
    assert (drawn[: image.height // 12, :, 3] == 0).all()
    assert Path(found.face_map).stat().st_size < 60_000


def test_words_for_readers():
    assert faces.identity_text(0.304) == (
        "Face-recognition distance 0.30 (0.6 or more = a different person): "
        "the model still takes it for the same person."
    )
    assert "would take this for a different person" in faces.identity_text(0.61)
    changes = {"eyes": 32.4, "nose": -1.0, "lips": 2.9, "jaw": -12.2, "face": 0.0}
    assert faces.reshaping_text(changes) == (
        "Reshaped: eyes 32% larger (area), jaw 12% narrower (width)."
    )
    assert faces.reshaping_text(dict.fromkeys(faces.FEATURES, 0.5)).startswith(
        "Reshaping: none measured"
    )
    assert faces.texture_text(57.6) == (
        "Skin texture: 58% of the fine detail of cheeks and forehead is gone."
    )
    assert faces.texture_text(-4.0) == "Skin texture: kept (within 10%)."


def test_without_the_faces_extra_the_pair_is_unmeasured(portrait, tmp_path, monkeypatch):
    _, _, original, _ = portrait
    monkeypatch.setitem(sys.modules, "dlib", None)  # import dlib now raises ImportError
    faces.models.cache_clear()
    try:
        result = faces.face_findings(original, original, settings(tmp_path))
    finally:
        monkeypatch.undo()
        faces.models.cache_clear()
    assert isinstance(result, faces.Unmeasured) and "'faces' extra" in result.reason
    importlib.import_module("dlib")  # and the real one is back


def test_a_missing_model_file_is_an_error_not_a_silent_skip(portrait, tmp_path, monkeypatch):
    _, _, original, _ = portrait
    monkeypatch.setattr(faces, "LANDMARKS_MODEL", "no_such_model.dat")
    faces.models.cache_clear()
    try:
        with pytest.raises(faces.ModelMissing, match=r"no_such_model\.dat"):
            faces.face_findings(original, original, settings(tmp_path))
    finally:
        monkeypatch.undo()
        faces.models.cache_clear()
