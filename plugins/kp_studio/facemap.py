"""The face map: what the edit did to the face's geometry, drawn over the after image.

A transparent PNG in the *before* image's box (the box the comparison shows both images
in), laid over the after image like the "what changed" overlay. Inside the face, colour
shows the local change of area that ``faces`` measured (the determinant of the flow's
Jacobian): orange where the edit enlarged the face, blue where it shrank it (Okabe-Ito
colours, told apart with every common colour-vision deficiency); white arrows show how
far and where each part moved, three times longer than the move. The picture only
illustrates: the findings are text in the caption.
"""

from __future__ import annotations

import math

from PIL import Image

from .faces import CHIP, EYE_GAP, EYE_LINE, Measured, area_ratio, homogeneous

ENLARGED = (230, 159, 0)
SHRUNK = (0, 114, 178)
OPACITY = 180  # at a change of area of 25 % or more
NOISE = 0.03  # changes of area below 3 % are not coloured
ARROW, OUTLINE = (255, 255, 255, 255), (20, 20, 20, 200)  # white, outlined: seen on any skin
ARROW_GAIN = 3.0
ARROW_STEP = 14  # chip pixels between arrows
ARROW_MIN = 0.6  # chip pixels: smaller moves get no arrow
COLOURS = 48  # palette size of the PNG: the map is smooth, a palette keeps it small


def chip_to_map(measured: Measured, edge: int):
    """3x3 matrix from face-map pixels to the canonical chip, and the map's size."""
    import numpy as np

    box_w, box_h = measured.before_size
    zoom = min(1.0, edge / max(box_w, box_h))
    size = (max(1, round(box_w * zoom)), max(1, round(box_h * zoom)))
    after_w, after_h = measured.after.size
    # object-fit: cover, centred (as ``diffimage.fit_to`` and the browser do).
    cover = max(box_w / after_w, box_h / after_h)
    offset_x, offset_y = (box_w - after_w * cover) / 2, (box_h - after_h * cover) / 2
    map_to_box = np.diag([1 / zoom, 1 / zoom, 1.0])
    box_to_after = np.array(
        [[1 / cover, 0, -offset_x / cover], [0, 1 / cover, -offset_y / cover], [0, 0, 1]]
    )
    after_to_working = np.diag([measured.after.scale, measured.after.scale, 1.0])
    matrix = homogeneous(measured.to_chip) @ after_to_working @ box_to_after @ map_to_box
    return matrix, size


def draw(measured: Measured, edge: int) -> Image.Image:
    """The face map (palette PNG with transparency) of one measured pair."""
    import cv2
    import numpy as np

    field = measured.field
    yy, xx = np.mgrid[0:CHIP, 0:CHIP].astype(np.float32)
    across, down = (
        (xx - CHIP / 2) / (1.05 * EYE_GAP),
        (yy - EYE_LINE - 0.45 * EYE_GAP) / (1.45 * EYE_GAP),
    )
    face = across**2 + down**2  # the face ellipse of ``faces.regions``: 1 on its edge
    inside = np.clip((1.08 - face) / 0.16, 0, 1)  # feathered edge
    # Colours are measured on the before face; show them where the after face is.
    back_x, back_y = xx - field[..., 0], yy - field[..., 1]
    change = cv2.GaussianBlur(area_ratio(field).astype(np.float32), (0, 0), 3)  # no speckle
    change = cv2.remap(change, back_x, back_y, cv2.INTER_LINEAR)
    inside = cv2.remap(inside.astype(np.float32), back_x, back_y, cv2.INTER_LINEAR)
    strength = np.clip((np.abs(change - 1) - NOISE) / (0.25 - NOISE), 0, 1) * inside
    chip = np.zeros((CHIP, CHIP, 4), np.float32)
    chip[..., :3] = np.where((change > 1)[..., None], ENLARGED, SHRUNK)
    chip[..., 3] = strength * OPACITY

    matrix, size = chip_to_map(measured, edge)
    picture = cv2.warpAffine(
        chip,
        matrix[:2],
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    picture = np.ascontiguousarray(picture.round().clip(0, 255).astype(np.uint8))

    to_map = np.linalg.inv(matrix)
    thickness = max(1, round(math.sqrt(size[0] * size[1]) / 500))
    for y in range(ARROW_STEP // 2, CHIP, ARROW_STEP):
        for x in range(ARROW_STEP // 2, CHIP, ARROW_STEP):
            dx, dy = (float(v) for v in field[y, x])
            if face[y, x] > 1 or math.hypot(dx, dy) < ARROW_MIN:
                continue
            head = to_map @ (x + dx, y + dy, 1.0)
            tail = to_map @ (x + dx - ARROW_GAIN * dx, y + dy - ARROW_GAIN * dy, 1.0)
            ends = (round(tail[0]), round(tail[1])), (round(head[0]), round(head[1]))
            for colour, width in ((OUTLINE, thickness + 2), (ARROW, thickness)):
                cv2.arrowedLine(picture, *ends, colour, width, cv2.LINE_AA, tipLength=0.35)
    image = Image.fromarray(picture, "RGBA")
    return image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE)
