"""Draw the flagship post's example video from our own sample portraits.

The studio's post embeds a screen recording of AI edits. We have no such recording we may
publish, so this script makes one from the sample images (``sitetools.samples``): Dana's
original, a wipe to the AI edit, the measured difference in magenta, and the figure. Frames
are drawn with Pillow and encoded by ffmpeg (Debian's ``ffmpeg``; only needed to remake the
file, not to build the site). The MP4 and its WebVTT captions are released under CC0 1.0,
like the images.

    PYTHONPATH=plugins python -m sitetools.sample_video    # writes content/video/
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "content" / "images" / "ai-edits"
SIZE = (1280, 720)
FPS = 24
BACKGROUND = (29, 26, 24)
MAGENTA = (255, 0, 200)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

# (start, end, caption): one line of the WebVTT file per scene.
SCENES = [
    (0.0, 3.0, "Dana's studio portrait, as photographed and retouched by hand."),
    (3.0, 7.0, "The same photo after an AI headshot app: watch the eyes, the jaw, the skin."),
    (7.0, 10.0, "In magenta, every part of the photo the app changed."),
    (10.0, 13.0, "About a quarter of the picture is no longer Dana."),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def _fit_height(image: Image.Image, height: int) -> Image.Image:
    width = round(image.width * height / image.height)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _changed_mask(before: Image.Image, after: Image.Image) -> Image.Image:
    from kp_studio.diffimage import compute_diff

    _, overlay = compute_diff(
        IMAGES / "dana-original.jpg", IMAGES / "dana-ai.jpg", threshold=24, blur=1.5, max_size=2000
    )
    return overlay.resize(before.size).getchannel("A")


def _frame(before: Image.Image, after: Image.Image, mask: Image.Image, t: float) -> Image.Image:
    frame = Image.new("RGB", SIZE, BACKGROUND)
    x = (SIZE[0] - before.width) // 2
    if t < 3.0:
        portrait = before
    elif t < 7.0:
        # A divider sweeps right to left, uncovering the AI edit.
        reveal = min(1.0, (t - 3.0) / 3.0)
        split = round(before.width * (1 - reveal))
        portrait = after.copy()
        portrait.paste(before.crop((0, 0, split, before.height)), (0, 0))
        if 0 < split < before.width:
            ImageDraw.Draw(portrait).line([(split, 0), (split, before.height)], "white", 4)
    else:
        portrait = after.copy()
        if t < 10.0 or int(t * 2) % 2 == 0:
            tint = Image.new("RGB", before.size, MAGENTA)
            portrait.paste(tint, (0, 0), mask.point(lambda v: v * 170 // 255))
    frame.paste(portrait, (x, 0))
    draw = ImageDraw.Draw(frame)
    label = "Original" if t < 3.0 else "AI edit"
    draw.rounded_rectangle([x + 16, 16, x + 176, 64], 10, fill=(0, 0, 0))
    draw.text((x + 30, 24), label, font=_font(28), fill="white")
    if t >= 10.0:
        draw.rounded_rectangle([140, 560, 1140, 680], 16, fill=(0, 0, 0))
        draw.text((170, 590), "25% of this photo was changed.", font=_font(48), fill="white")
    return frame


def captions() -> str:
    def stamp(seconds: float) -> str:
        return f"00:{int(seconds):02d}.{int(seconds * 1000) % 1000:03d}"

    cues = [f"{stamp(a)} --> {stamp(b)}\n{text}" for a, b, text in SCENES]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def write(out_dir: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        raise SystemExit("ffmpeg is needed to remake the video: apt-get install ffmpeg")
    before = _fit_height(Image.open(IMAGES / "dana-original.jpg").convert("RGB"), SIZE[1])
    after = _fit_height(Image.open(IMAGES / "dana-ai.jpg").convert("RGB"), SIZE[1])
    mask = _changed_mask(before, after)
    out_dir.mkdir(parents=True, exist_ok=True)
    encoder = subprocess.Popen(
        [ffmpeg, "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
         "-s", f"{SIZE[0]}x{SIZE[1]}", "-r", str(FPS), "-i", "-",
         "-c:v", "libx264", "-preset", "slow", "-crf", "30", "-pix_fmt", "yuv420p",
         "-movflags", "+faststart", "-map_metadata", "-1", "-an",
         str(out_dir / "ai-edits.mp4")],
        stdin=subprocess.PIPE,
    )  # fmt: skip
    frames = round(SCENES[-1][1] * FPS)
    for number in range(frames):
        encoder.stdin.write(_frame(before, after, mask, number / FPS).tobytes())
    encoder.stdin.close()
    if encoder.wait():
        raise SystemExit("ffmpeg failed")
    (out_dir / "ai-edits.en.vtt").write_text(captions(), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "content" / "video")
    write(parser.parse_args(argv).out)


if __name__ == "__main__":
    main()
