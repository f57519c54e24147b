"""Draw the site's sample images: illustrated portraits, blog heroes and AI-edit pairs.

The site needs photographs long before the studio's real work is ready to publish, and
we will not borrow anyone's face for that. So every sample image is drawn here, from
shapes, gradients and seeded grain, with Pillow only: no downloads, no models, no
third-party pictures. The output is deterministic (the same bytes on every run with the
same Pillow), so regenerating the images never produces a spurious diff.

Licence: the images this script generates are our own work and are released under
CC0 1.0 Universal (public-domain dedication),
https://creativecommons.org/publicdomain/zero/1.0/ . See ``content/images/LICENSE.md``.

Run from the repository root::

    PYTHONPATH=plugins python -m sitetools.samples          # writes content/images/
    python sitetools/samples.py --out /tmp/images   # anywhere else

The "AI" versions of the before/after pairs deliberately alter the eyes, the jawline,
the skin texture and part of the background, the way generative retouching does, so the
comparison block has something real to show. Files are written without EXIF or other
metadata (Pillow adds none unless asked).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "content" / "images"

# Drawn at this multiple of the final size and scaled down, for smooth edges.
SUPERSAMPLE = 2
JPEG_OPTIONS = {"quality": 80, "progressive": True, "optimize": True, "subsampling": "4:2:0"}

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Sitter:
    """Everything that makes one illustrated person look like themselves."""

    seed: int
    skin: RGB
    hair: RGB
    clothing: RGB
    collar: RGB
    backdrop: tuple[RGB, RGB]
    hair_style: str = "short"  # short | long | bun | bald
    eye_colour: RGB = (70, 50, 35)
    lips: RGB = (170, 95, 90)
    eye_width: float = 0.15  # fractions of the head width
    eye_height: float = 0.065
    jaw_width: float = 0.62  # width of the chin area relative to the head
    chin_drop: float = 0.0  # extra chin length, fraction of head height
    smooth_skin: bool = False  # AI-style airbrushing: no skin texture
    backdrop_glow: RGB | None = None  # AI-style replaced background patch


# The people in our samples: invented, not modelled on anyone.
DANA = Sitter(
    seed=11,
    skin=(224, 178, 150),
    hair=(92, 58, 38),
    clothing=(40, 58, 84),
    collar=(236, 232, 226),
    backdrop=((120, 128, 138), (58, 62, 70)),
    hair_style="long",
    eye_colour=(88, 110, 70),
)
MARCUS = Sitter(
    seed=23,
    skin=(150, 102, 72),
    hair=(34, 28, 26),
    clothing=(52, 52, 56),
    collar=(200, 214, 230),
    backdrop=((196, 188, 176), (120, 112, 102)),
    hair_style="short",
    eye_colour=(52, 36, 26),
    lips=(130, 76, 68),
    jaw_width=0.7,
)
PORTFOLIO = {
    "amara": Sitter(
        seed=31,
        skin=(118, 78, 58),
        hair=(26, 20, 18),
        clothing=(150, 60, 52),
        collar=(150, 60, 52),
        backdrop=((214, 200, 182), (150, 132, 112)),
        hair_style="bun",
        lips=(120, 64, 60),
    ),
    "jonas": Sitter(
        seed=37,
        skin=(232, 196, 172),
        hair=(196, 160, 104),
        clothing=(70, 86, 70),
        collar=(70, 86, 70),
        backdrop=((88, 104, 112), (36, 44, 50)),
        eye_colour=(70, 100, 130),
    ),
    "mei": Sitter(
        seed=41,
        skin=(236, 200, 166),
        hair=(20, 18, 20),
        clothing=(30, 30, 34),
        collar=(244, 244, 240),
        backdrop=((232, 228, 222), (176, 170, 162)),
        hair_style="long",
        eye_width=0.14,
        eye_height=0.055,
    ),
    "rafael": Sitter(
        seed=43,
        skin=(196, 144, 108),
        hair=(60, 44, 34),
        clothing=(28, 40, 64),
        collar=(236, 236, 240),
        backdrop=((140, 150, 170), (64, 70, 86)),
        hair_style="bald",
        jaw_width=0.72,
    ),
    "ines": Sitter(
        seed=47,
        skin=(212, 160, 128),
        hair=(120, 50, 30),
        clothing=(196, 180, 150),
        collar=(196, 180, 150),
        backdrop=((90, 80, 74), (40, 34, 32)),
        hair_style="long",
        eye_colour=(96, 70, 40),
    ),
    "theo": Sitter(
        seed=53,
        skin=(90, 60, 46),
        hair=(22, 18, 16),
        clothing=(214, 214, 210),
        collar=(214, 214, 210),
        backdrop=((70, 96, 104), (28, 40, 46)),
        eye_colour=(40, 28, 20),
        lips=(110, 60, 56),
        jaw_width=0.68,
    ),
}


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _shade(colour: RGB, factor: float) -> RGB:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)  # type: ignore[return-value]


def backdrop(size: tuple[int, int], light: RGB, dark: RGB, centre=(0.42, 0.38)) -> Image.Image:
    """A painted-canvas style backdrop: a soft pool of light falling off to the edges."""
    w, h = size
    radial = Image.radial_gradient("L")  # 256x256, dark centre, light edges
    side = round(max(w, h) * 1.6)
    radial = radial.resize((side, side), Image.Resampling.BILINEAR)
    left = round(side / 2 - centre[0] * w)
    top = round(side / 2 - centre[1] * h)
    mask = radial.crop((left, top, left + w, top + h))
    return Image.composite(Image.new("RGB", size, dark), Image.new("RGB", size, light), mask)


def grain(size: tuple[int, int], seed: int, strength: float = 1.2) -> Image.Image:
    """Seeded, soft film grain centred on 128 (for ``ImageChops.add`` with offset -128).

    ``strength`` is the standard deviation in 8-bit levels. Grain is what JPEG compresses
    worst, so it stays subtle: just enough that flat areas do not look like vector art.
    """
    rng = random.Random(seed)  # noqa: S311 -- seeded for reproducible art, not security
    noise = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    # Blurring uniform noise with radius 0.8 leaves a standard deviation of about 28.
    noise = noise.filter(ImageFilter.GaussianBlur(0.8))
    lut = [max(0, min(255, round(128 + (v - 128) * strength / 28))) for v in range(256)]
    noise = noise.point(lut)
    return Image.merge("RGB", (noise, noise, noise))


def _soft_ellipse(size, box, blur: float, fill: int = 255) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse(box, fill=fill)
    return mask.filter(ImageFilter.GaussianBlur(blur))


def draw_sitter(canvas: Image.Image, sitter: Sitter, cx: float, top: float, head_w: float) -> None:
    """Draw head and shoulders onto ``canvas``; ``head_w`` is the head width in pixels."""
    size = canvas.size
    hw, hh = head_w, head_w * 1.3
    left, right = cx - hw / 2, cx + hw / 2
    bottom = top + hh * (1 + sitter.chin_drop)
    draw = ImageDraw.Draw(canvas)
    skin_shadow = _shade(sitter.skin, 0.78)

    # Hair behind the head (long hair falls to the shoulders).
    if sitter.hair_style == "long":
        draw.rounded_rectangle(
            (left - hw * 0.14, top - hh * 0.06, right + hw * 0.14, bottom + hh * 0.55),
            radius=hw * 0.45,
            fill=sitter.hair,
        )
    elif sitter.hair_style == "bun":
        r = hw * 0.24
        draw.ellipse((cx - r, top - hh * 0.2 - r, cx + r, top - hh * 0.2 + r), fill=sitter.hair)

    # Shoulders and torso, then the neck on top of them.
    shoulder_top = bottom + hh * 0.22
    draw.ellipse(
        (cx - hw * 1.75, shoulder_top, cx + hw * 1.75, shoulder_top + hh * 2.4),
        fill=sitter.clothing,
    )
    neck_w = hw * 0.42
    draw.rectangle(
        (cx - neck_w / 2, bottom - hh * 0.2, cx + neck_w / 2, shoulder_top + hh * 0.25),
        fill=skin_shadow,
    )
    # Open collar: a V of shirt (or skin, for a crew neck the colours match the jacket).
    v_depth = shoulder_top + hh * 0.55
    draw.polygon(
        [
            (cx - neck_w * 0.9, shoulder_top + hh * 0.02),
            (cx, v_depth),
            (cx + neck_w * 0.9, shoulder_top + hh * 0.02),
        ],
        fill=sitter.collar,
    )
    draw.polygon(
        [
            (cx - neck_w * 0.5, shoulder_top),
            (cx, v_depth - hh * 0.12),
            (cx + neck_w * 0.5, shoulder_top),
        ],
        fill=skin_shadow,
    )

    # Ears, then the face: a skull ellipse joined to a jaw that narrows to the chin.
    ear_w, ear_h = hw * 0.14, hh * 0.2
    ear_y = top + hh * 0.42
    for ex in (left - ear_w * 0.35, right - ear_w * 0.65):
        draw.ellipse((ex, ear_y, ex + ear_w, ear_y + ear_h), fill=skin_shadow)
    face = Image.new("L", size, 0)
    face_draw = ImageDraw.Draw(face)
    face_draw.ellipse((left, top, right, top + hh * 0.8), fill=255)
    jaw = hw * sitter.jaw_width / 2
    chin_r = hw * 0.16
    face_draw.polygon(
        [
            (left, top + hh * 0.4),
            (right, top + hh * 0.4),
            (cx + jaw, bottom - hh * 0.12),
            (cx + chin_r, bottom),
            (cx - chin_r, bottom),
            (cx - jaw, bottom - hh * 0.12),
        ],
        fill=255,
    )
    face_draw.ellipse(
        (cx - chin_r * 1.1, bottom - chin_r * 1.4, cx + chin_r * 1.1, bottom), fill=255
    )
    face = face.filter(ImageFilter.GaussianBlur(hw * 0.006))
    canvas.paste(Image.new("RGB", size, sitter.skin), mask=face)

    # Key light from the left: the far cheek falls into shadow, the brow catches light.
    shadow = _soft_ellipse(
        size, (cx + hw * 0.1, top, right + hw * 0.7, bottom + hh * 0.1), hw * 0.22
    )
    shadow = ImageChops.multiply(shadow, face).point(lambda v: v * 0.45)
    canvas.paste(Image.new("RGB", size, skin_shadow), mask=shadow)
    blush = _soft_ellipse(
        size, (left + hw * 0.1, top + hh * 0.55, cx - hw * 0.1, top + hh * 0.72), hw * 0.05
    )
    canvas.paste(
        Image.new("RGB", size, _mix(sitter.skin, sitter.lips, 0.5)),
        mask=ImageChops.multiply(blush, face).point(lambda v: v * 0.35),
    )

    # Hair on top of the head.
    if sitter.hair_style != "bald":
        hair_box = (left - hw * 0.04, top - hh * 0.07, right + hw * 0.04, top + hh * 0.5)
        draw.chord(hair_box, 180, 360, fill=sitter.hair)
        # A side parting: the fringe sweeps lower on one side.
        draw.pieslice(
            (left - hw * 0.04, top - hh * 0.07, cx + hw * 0.2, top + hh * 0.42),
            90,
            270,
            fill=sitter.hair,
        )
    else:
        draw.arc(
            (left + hw * 0.1, top + hh * 0.02, right - hw * 0.1, top + hh * 0.3),
            200,
            340,
            fill=_shade(sitter.skin, 1.08),
            width=max(1, round(hw * 0.03)),
        )

    # Eyes, brows, nose and mouth.
    eye_y = top + hh * 0.47
    ew, eh = hw * sitter.eye_width, hh * sitter.eye_height
    line = max(1, round(hw * 0.018))
    for ex in (cx - hw * 0.2, cx + hw * 0.2):
        draw.ellipse(
            (ex - ew / 2, eye_y - eh / 2, ex + ew / 2, eye_y + eh / 2), fill=(246, 242, 236)
        )
        ir = min(eh * 0.55, ew * 0.3)
        draw.ellipse((ex - ir, eye_y - ir, ex + ir, eye_y + ir), fill=sitter.eye_colour)
        pr = ir * 0.45
        draw.ellipse((ex - pr, eye_y - pr, ex + pr, eye_y + pr), fill=(18, 14, 12))
        hl = ir * 0.25
        draw.ellipse(
            (ex - ir * 0.5, eye_y - ir * 0.6, ex - ir * 0.5 + hl * 2, eye_y - ir * 0.6 + hl * 2),
            fill=(255, 255, 255),
        )
        draw.arc(
            (ex - ew / 2, eye_y - eh / 2 - eh * 0.1, ex + ew / 2, eye_y + eh / 2),
            190,
            350,
            fill=_shade(sitter.hair, 0.7),
            width=line,
        )
        brow_y = eye_y - eh * 1.6
        draw.arc(
            (ex - ew * 0.65, brow_y, ex + ew * 0.65, brow_y + eh * 1.6),
            200,
            340,
            fill=_shade(sitter.hair, 0.9),
            width=round(line * 1.8),
        )
    nose_y = top + hh * 0.66
    draw.line(
        [(cx - hw * 0.01, eye_y + eh * 0.8), (cx + hw * 0.03, nose_y)],
        fill=_shade(sitter.skin, 0.85),
        width=line,
    )
    draw.arc(
        (cx - hw * 0.07, nose_y - hh * 0.03, cx + hw * 0.07, nose_y + hh * 0.02),
        20,
        160,
        fill=_shade(sitter.skin, 0.7),
        width=line,
    )
    mouth_y = top + hh * 0.78 + hh * sitter.chin_drop * 0.4
    mw = hw * 0.2
    draw.chord(
        (cx - mw, mouth_y - hh * 0.03, cx + mw, mouth_y + hh * 0.05), 0, 180, fill=sitter.lips
    )
    draw.arc(
        (cx - mw, mouth_y - hh * 0.04, cx + mw, mouth_y + hh * 0.03),
        10,
        170,
        fill=_shade(sitter.lips, 0.6),
        width=line,
    )


def _finish(
    image: Image.Image, size: tuple[int, int], seed: int, *, smooth_box=None
) -> Image.Image:
    """Scale down from the supersampled canvas and add grain (except where airbrushed)."""
    image = image.resize(size, Image.Resampling.LANCZOS)
    grained = ImageChops.add(image, grain(size, seed), scale=1.0, offset=-128)
    if smooth_box is None:
        return grained
    # Airbrushing: inside the face the grain is gone and the pores are blurred flat.
    soft = image.filter(ImageFilter.GaussianBlur(2))
    mask = _soft_ellipse(size, smooth_box, 6)
    return Image.composite(soft, grained, mask)


def portrait(sitter: Sitter, size: tuple[int, int]) -> Image.Image:
    """A head-and-shoulders portrait centred in the frame."""
    w, h = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    light, dark = sitter.backdrop
    canvas = backdrop((w, h), light, dark)
    if sitter.backdrop_glow:
        # Generative "background replacement": a bright window of bokeh beside the sitter.
        glow = _soft_ellipse((w, h), (w * 0.5, -h * 0.1, w * 1.25, h * 0.55), w * 0.05)
        canvas.paste(Image.new("RGB", (w, h), sitter.backdrop_glow), mask=glow)
        rng = random.Random(sitter.seed * 7)  # noqa: S311 -- reproducible, not security
        bokeh = ImageDraw.Draw(canvas)
        for _ in range(9):
            bx, by, br = (
                rng.uniform(0.72, 0.98) * w,
                rng.uniform(0.02, 0.34) * h,
                rng.uniform(0.02, 0.05) * w,
            )
            bokeh.ellipse(
                (bx - br, by - br, bx + br, by + br),
                fill=_mix(sitter.backdrop_glow, (255, 250, 235), 0.5),
            )
    head_w = min(w * 0.36, h * 0.26)
    top = h * 0.2
    draw_sitter(canvas, sitter, w / 2, top, head_w)
    face_box = None
    if sitter.smooth_skin:
        s = 1 / SUPERSAMPLE
        hw, hh = head_w * s, head_w * 1.3 * s
        cx = size[0] / 2
        face_box = (cx - hw * 0.5, top * s + hh * 0.2, cx + hw * 0.5, top * s + hh * 1.02)
    return _finish(canvas, size, sitter.seed, smooth_box=face_box)


def ai_edit(sitter: Sitter) -> Sitter:
    """What a generative "enhance" typically does to a face: not quite the same person."""
    return replace(
        sitter,
        eye_width=sitter.eye_width * 1.22,
        eye_height=sitter.eye_height * 1.45,
        jaw_width=sitter.jaw_width * 0.72,
        chin_drop=0.05,
        smooth_skin=True,
        lips=_shade(sitter.lips, 1.12),
        backdrop_glow=(226, 210, 176),
    )


# --- Scenes: heroes, the studio, the video poster -----------------------------------------


def _scene(
    size, light: RGB, dark: RGB, centre=(0.5, 0.4)
) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    canvas = backdrop((size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), light, dark, centre)
    return canvas, ImageDraw.Draw(canvas)


def softbox(draw: ImageDraw.ImageDraw, x: float, y: float, w: float, h: float) -> None:
    """A softbox on a stand: a glowing panel, its housing, and three thin legs."""
    draw.rectangle((x + w * 0.48, y + h, x + w * 0.52, y + h * 2.9), fill=(40, 40, 44))
    for dx in (-0.35, 0.0, 0.35):
        draw.line(
            [(x + w / 2, y + h * 2.6), (x + w / 2 + w * dx, y + h * 3.0)],
            fill=(40, 40, 44),
            width=max(2, round(w * 0.03)),
        )
    draw.rectangle((x - w * 0.04, y - h * 0.04, x + w * 1.04, y + h * 1.04), fill=(30, 30, 34))
    draw.rectangle((x, y, x + w, y + h), fill=(250, 248, 240))


def hero(name: str, size=(1200, 800)) -> Image.Image:
    """The hero image of one blog post, each a small illustrated story of its own."""
    w, h = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    seed = sum(map(ord, name))
    if name == "ai-headshots-vs-professional-photographer":
        # One face, two halves: photographed on the left, "generated" on the right.
        canvas, draw = _scene(size, (170, 176, 186), (70, 74, 84))
        draw_sitter(canvas, DANA, w / 2, h * 0.14, h * 0.3)
        edited = Image.new("RGB", (w, h))
        edited.paste(canvas)
        ai = ai_edit(DANA)
        draw_sitter(edited, ai, w / 2, h * 0.14, h * 0.3)
        right = edited.crop((w // 2, 0, w, h))
        blocky = right.resize((right.width // 28, right.height // 28), Image.Resampling.BILINEAR)
        right = Image.blend(right, blocky.resize(right.size, Image.Resampling.NEAREST), 0.35)
        canvas.paste(right, (w // 2, 0))
        draw.line([(w / 2, 0), (w / 2, h)], fill=(250, 248, 240), width=round(w * 0.004))
    elif name == "preparing-for-your-headshot-session":
        canvas, draw = _scene(size, (222, 214, 200), (150, 140, 126), (0.55, 0.35))
        softbox(draw, w * 0.08, h * 0.12, w * 0.16, h * 0.26)
        # A stool waiting for the sitter, and a checklist clipboard leaning on it.
        draw.ellipse((w * 0.48, h * 0.56, w * 0.64, h * 0.62), fill=(60, 44, 34))
        for lx in (0.5, 0.56, 0.62):
            draw.line(
                [(w * (lx + 0.01), h * 0.6), (w * lx, h * 0.95)],
                fill=(60, 44, 34),
                width=round(w * 0.008),
            )
        draw.rectangle((w * 0.7, h * 0.5, w * 0.84, h * 0.9), fill=(120, 86, 56))
        draw.rectangle((w * 0.715, h * 0.53, w * 0.825, h * 0.88), fill=(246, 244, 238))
        for i in range(5):
            ly = h * (0.58 + i * 0.06)
            draw.rectangle((w * 0.73, ly, w * 0.745, ly + h * 0.02), outline=(40, 58, 84), width=4)
            draw.line(
                [(w * 0.755, ly + h * 0.01), (w * 0.81, ly + h * 0.01)],
                fill=(120, 120, 120),
                width=4,
            )
    elif name == "what-to-wear-for-headshots":
        # A rail of shirts and jackets in solid, quiet colours.
        canvas, draw = _scene(size, (236, 230, 220), (180, 170, 156))
        draw.line(
            [(w * 0.06, h * 0.2), (w * 0.94, h * 0.2)], fill=(60, 60, 64), width=round(h * 0.012)
        )
        colours = [
            (40, 58, 84),
            (236, 232, 226),
            (150, 60, 52),
            (70, 86, 70),
            (52, 52, 56),
            (196, 180, 150),
        ]
        for i, colour in enumerate(colours):
            x = w * (0.14 + i * 0.14)
            draw.arc(
                (x - w * 0.02, h * 0.17, x + w * 0.02, h * 0.24),
                180,
                360,
                fill=(60, 60, 64),
                width=8,
            )
            draw.line([(x, h * 0.24), (x, h * 0.28)], fill=(60, 60, 64), width=8)
            draw.polygon(
                [
                    (x - w * 0.06, h * 0.3),
                    (x, h * 0.27),
                    (x + w * 0.06, h * 0.3),
                    (x + w * 0.065, h * 0.85),
                    (x - w * 0.065, h * 0.85),
                ],
                fill=colour,
            )
            draw.polygon(
                [(x - w * 0.02, h * 0.275), (x, h * 0.4), (x + w * 0.02, h * 0.275)],
                fill=_shade(colour, 0.8),
            )
    elif name == "our-retouching-promise":
        # A portrait under a loupe: we look closely, and we change little.
        canvas, draw = _scene(size, (200, 196, 190), (96, 92, 88), (0.4, 0.4))
        draw_sitter(canvas, MARCUS, w * 0.4, h * 0.15, h * 0.3)
        lx, ly, lr = w * 0.62, h * 0.42, h * 0.16
        # The sitter's eyes sit at 0.15h + 0.47 * 1.3 * 0.3h: centre the loupe's view there.
        eye_y = h * (0.15 + 0.47 * 1.3 * 0.3)
        zoom = canvas.crop(
            (
                round(w * 0.4 - lr / 2),
                round(eye_y - lr / 2),
                round(w * 0.4 + lr / 2),
                round(eye_y + lr / 2),
            )
        )
        zoom = zoom.resize((round(lr * 2), round(lr * 2)), Image.Resampling.BICUBIC)
        circle = Image.new("L", zoom.size, 0)
        ImageDraw.Draw(circle).ellipse((0, 0, zoom.width - 1, zoom.height - 1), fill=255)
        canvas.paste(zoom, (round(lx - lr), round(ly - lr)), circle)
        draw.ellipse(
            (lx - lr, ly - lr, lx + lr, ly + lr), outline=(30, 30, 34), width=round(h * 0.02)
        )
        draw.line(
            [(lx + lr * 0.7, ly + lr * 0.7), (lx + lr * 1.6, ly + lr * 1.6)],
            fill=(30, 30, 34),
            width=round(h * 0.04),
        )
    elif name == "linkedin-and-corporate-headshots":
        # A corporate team: three people in a row, consistent light and backdrop.
        canvas, draw = _scene(size, (176, 190, 204), (78, 92, 110))
        for i, key in enumerate(("rafael", "mei", "theo")):
            draw_sitter(canvas, PORTFOLIO[key], w * (0.2 + i * 0.3), h * 0.2, h * 0.22)
    else:
        raise ValueError(f"no hero drawn for {name!r}")
    return _finish(canvas, size, seed)


def studio(size=(1200, 800)) -> Image.Image:
    """The studio: a paper backdrop on its roll, two softboxes and a stool."""
    w, h = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    canvas, draw = _scene(size, (214, 208, 198), (132, 124, 114), (0.5, 0.3))
    draw.rectangle((0, h * 0.78, w, h), fill=(120, 104, 86))  # wooden floor
    for i in range(0, 12):
        draw.line(
            [(w * i / 11, h * 0.78), (w * (i / 11 - 0.2 + i * 0.04), h)],
            fill=(104, 90, 74),
            width=6,
        )
    paper = (82, 96, 104)
    draw.rectangle((w * 0.3, h * 0.08, w * 0.7, h * 0.8), fill=paper)
    draw.polygon(
        [(w * 0.3, h * 0.8), (w * 0.7, h * 0.8), (w * 0.74, h * 0.9), (w * 0.26, h * 0.9)],
        fill=_shade(paper, 1.1),
    )
    draw.rectangle((w * 0.27, h * 0.06, w * 0.73, h * 0.1), fill=(40, 40, 44))
    softbox(draw, w * 0.08, h * 0.2, w * 0.14, h * 0.22)
    softbox(draw, w * 0.78, h * 0.24, w * 0.12, h * 0.18)
    draw.ellipse((w * 0.44, h * 0.6, w * 0.56, h * 0.64), fill=(50, 36, 28))
    for lx in (0.455, 0.5, 0.545):
        draw.line(
            [(w * lx, h * 0.62), (w * (lx + (lx - 0.5) * 0.4), h * 0.86)],
            fill=(50, 36, 28),
            width=10,
        )
    return _finish(canvas, size, 97)


def video_poster(size=(1280, 720)) -> Image.Image:
    """The poster frame of our AI-edits video: before and after, side by side."""
    w, h = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    canvas, draw = _scene(size, (60, 64, 72), (24, 26, 30))
    for i, sitter in enumerate((DANA, ai_edit(DANA))):
        frame = backdrop((round(w * 0.36), round(h * 0.8)), *sitter.backdrop)
        if sitter.backdrop_glow:
            glow = _soft_ellipse(
                frame.size,
                (frame.width * 0.5, -frame.height * 0.1, frame.width * 1.2, frame.height * 0.5),
                frame.width * 0.05,
            )
            frame.paste(Image.new("RGB", frame.size, sitter.backdrop_glow), mask=glow)
        draw_sitter(frame, sitter, frame.width / 2, frame.height * 0.16, frame.width * 0.34)
        canvas.paste(frame, (round(w * (0.1 + i * 0.44)), round(h * 0.1)))
    # An arrow between the frames: before becomes after.
    draw.polygon(
        [(w * 0.475, h * 0.46), (w * 0.525, h * 0.5), (w * 0.475, h * 0.54)], fill=(236, 232, 226)
    )
    return _finish(canvas, size, 101)


# --- The catalogue: every file and how it is drawn ----------------------------------------

BLOG_SLUGS = (
    "ai-headshots-vs-professional-photographer",
    "preparing-for-your-headshot-session",
    "what-to-wear-for-headshots",
    "our-retouching-promise",
    "linkedin-and-corporate-headshots",
)
PORTRAIT_SIZE = (900, 1125)
HERO_SIZE = (1200, 800)


def catalogue() -> Iterator[tuple[str, Callable[[], Image.Image]]]:
    """(relative path, drawing function) for every sample image, in a fixed order."""
    for slug in BLOG_SLUGS:
        yield f"blog/{slug}.jpg", lambda slug=slug: hero(slug, HERO_SIZE)
    yield "ai-edits/dana-original.jpg", lambda: portrait(DANA, PORTRAIT_SIZE)
    yield "ai-edits/dana-ai.jpg", lambda: portrait(ai_edit(DANA), PORTRAIT_SIZE)
    yield "ai-edits/marcus-original.jpg", lambda: portrait(MARCUS, PORTRAIT_SIZE)
    # The generated version comes back square, as such tools' output often does.
    yield "ai-edits/marcus-ai.jpg", lambda: portrait(ai_edit(MARCUS), (1024, 1024))
    for name, sitter in PORTFOLIO.items():
        yield f"portfolio/{name}.jpg", lambda sitter=sitter: portrait(sitter, PORTRAIT_SIZE)
    yield "pages/studio.jpg", studio
    yield "video/ai-edits-poster.jpg", video_poster


def generate(out: Path = DEFAULT_OUT, only: set[str] | None = None) -> list[Path]:
    """Draw every sample image (or those named in ``only``) into ``out``; return the paths."""
    written = []
    for relative, draw in catalogue():
        if only is not None and relative not in only:
            continue
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        draw().save(path, "JPEG", **JPEG_OPTIONS)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"{path.stat().st_size:>7}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
