"""Every photo that cannot be published stops the build with the file and line that use it.

One build, every kind of bad file, each used from a line we know: a text file named .jpg
(an unknown format), a file cut in half (truncated: found only when decoded, in the
pool), a picture beyond the decompression-bomb limit, and a truncated photo used by a
gallery and by a testimonial (the data file's line).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kp_images.tests import camera_files
from tests.sitebuild import build_into

ROOT = Path(__file__).resolve().parents[3]
MARKETING = ROOT / "plugins/kp_studio/tests/test_data/marketing/content"
POST = """Title: Bad photos
Date: 2026-03-14 09:30
Category: Sessions
Slug: bad-photos
Summary: Every kind of broken file.
Image: images/bad/not-a-photo.jpg
Image_alt: A file that is not a photo

Intro.

![Cut in half]({static}/images/bad/cut.jpg)

![Too many pixels]({static}/images/bad/huge.jpg)

/// gallery | Broken
images:
  - src: images/bad/fine.jpg
    alt: A fine photo
  - src: images/bad/cut-too.jpg
    alt: Also cut in half
///
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_bad_photo_is_named_with_the_file_and_line_that_uses_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MARKETING, content)
    bad = content / "images" / "bad"
    bad.mkdir()
    (bad / "not-a-photo.jpg").write_text("Hello, I am a text file.\n")
    for name in ("cut.jpg", "cut-too.jpg"):
        whole = camera_files.camera_jpeg(bad / name, size=(800, 500), seed=5).read_bytes()
        (bad / name).write_bytes(whole[: len(whole) // 2])
    camera_files.camera_jpeg(bad / "huge.jpg", size=(1600, 1000), seed=6)  # 1.6 MP
    camera_files.camera_jpeg(bad / "fine.jpg", size=(800, 500), seed=7)
    testimonials = content / "data" / "testimonials.yaml"
    data = testimonials.read_text().replace("images/people/face.jpg", "images/bad/cut-too.jpg")
    testimonials.write_text(data)
    post = content / "blog" / "bad-photos.md"
    post.parent.mkdir()
    post.write_text(POST, encoding="utf-8")
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the last good site")

    result = build_into(
        output,
        PATH=str(content),
        CACHE_PATH=str(tmp_path / "cache"),
        # A limit of 1 MP makes a small photo a "bomb", as 150 MP makes a real one.
        KP_IMAGES={"max_pixels": 1_000_000},
    )

    assert not result.ok
    assert (output / "index.html").read_text() == "the last good site", "nothing published"
    problems = "\n".join(result.problems)

    def reported(path: Path, line: int, *words: str) -> bool:
        start = f"error: {os.path.relpath(path)}:{line}: "
        return any(p.startswith(start) and all(w in p for w in words) for p in result.problems)

    text = POST
    assert "leads nowhere" not in problems, "one message per bad photo, not a second one"
    assert reported(
        post, line_of(text, "Image: "), "not-a-photo.jpg", "cannot be read as an image"
    ), problems
    assert reported(post, line_of(text, "cut.jpg)"), "images/bad/cut.jpg is truncated"), problems
    assert reported(post, line_of(text, "huge.jpg"), "decompression-bomb limit", "1600 × 1000"), (
        problems
    )
    gallery_line = line_of(text, "src: images/bad/cut-too.jpg")
    assert reported(post, gallery_line, "images/bad/cut-too.jpg is truncated"), problems
    assert reported(testimonials, line_of(data, "cut-too.jpg"), "cut-too.jpg is truncated"), (
        problems
    )
