"""A canvas drawing -> the image a digit model was trained on.

MNIST (LeCun et al.): each digit was scaled to fit a 20x20 box keeping its aspect
ratio (anti-aliased, so grey levels appear), then placed in a 28x28 field so that
its centre of mass sits at the centre. scikit-learn's 8x8 `digits` (UCI optdigits)
were 32x32 black-and-white bitmaps cut into 4x4 blocks, each block counting its
"on" pixels (0-16). Doing the same to a sketch is what lets a model trained on
those sets read a mouse drawing.

Everything returns values in *model units* (what `data.prepare` feeds the network:
raw pixels / pixel_max, so 0-1) plus nothing else; `None` means an empty canvas.
"""
from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

INK = 0.2          # a canvas pixel brighter than this counts as part of a stroke
MNIST_BOX = 20     # the digit's longer side in the 28x28 field
DIGITS_BOX = 32    # optdigits bitmaps before 4x4 block counting
SHAPES = ((28, 28), (8, 8))
# raw units per image shape, as the datasets store them (mnist 0-255, digits 0-16)
PIXEL_MAX = {(28, 28): 255.0, (8, 8): 16.0}


def to_gray(rgba: np.ndarray) -> np.ndarray:
    """(H, W, 4|3) uint8 canvas image, light strokes on a dark or transparent
    background -> (H, W) float32 ink in 0-1 (transparent pixels are no ink)."""
    a = np.asarray(rgba)
    if a.ndim == 2:
        return a.astype(np.float32) / (255.0 if a.dtype == np.uint8 else 1.0)
    # brightest channel, kept in uint8: 20x faster than a.max(axis=2) on the strided array
    ink = np.maximum(np.maximum(a[..., 0], a[..., 1]), a[..., 2])
    if a.shape[2] == 4:
        alpha = a[..., 3]
        if alpha.min() < 255:                      # the canvas paints its background opaque
            return ink.astype(np.float32) * alpha.astype(np.float32) / (255.0 * 255.0)
    return np.multiply(ink, 1 / 255.0, dtype=np.float32)


def _crop(gray: np.ndarray) -> np.ndarray | None:
    """The strokes' bounding box, or None when nothing was drawn."""
    rows = np.flatnonzero((gray > INK).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((gray > INK).any(axis=0))
    return gray[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _fit(img: np.ndarray, box: int) -> np.ndarray:
    """Scale so the longer side is `box` pixels, keeping the aspect ratio.
    PIL's Lanczos filter widens with the scale factor, i.e. it anti-aliases."""
    h, w = img.shape
    s = box / max(h, w)
    size = (max(1, round(w * s)), max(1, round(h * s)))          # PIL wants (w, h)
    out = np.asarray(Image.fromarray(img.astype(np.float32), mode="F").resize(size, Image.LANCZOS))
    return np.clip(out, 0.0, 1.0)


def mnist_style(gray: np.ndarray) -> np.ndarray | None:
    """(H, W) ink 0-1 -> (28, 28) float32 0-1 as MNIST made its digits; None if empty."""
    crop = _crop(gray)
    if crop is None:
        return None
    digit = _fit(crop, MNIST_BOX)                                  # (<=20, <=20)
    if digit.max() > 0:
        digit = digit / digit.max()        # thin strokes lose their peak when shrunk; MNIST peaks at 1
    cy, cx = ndimage.center_of_mass(digit)
    # top-left corner so the centre of mass lands on (14, 14), measured on MNIST: 13.97, 14.01
    top, left = int(round(14 - cy)), int(round(14 - cx))
    out = np.zeros((28, 28), np.float32)
    h, w = digit.shape
    # paste with clipping (a very lopsided digit may be pushed partly out of the field)
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + h, 28), min(left + w, 28)
    out[r0:r1, c0:c1] = digit[r0 - top:r1 - top, c0 - left:c1 - left]
    return out


def digits_counts(gray: np.ndarray) -> np.ndarray | None:
    """(H, W) ink 0-1 -> (8, 8) float32 counts 0-16 as in sklearn's `digits`; None if empty."""
    crop = _crop(gray)
    if crop is None:
        return None
    digit = _fit(crop, DIGITS_BOX) > 0.5                            # (<=32, <=32) bitmap
    h, w = digit.shape
    field = np.zeros((DIGITS_BOX, DIGITS_BOX), bool)
    top, left = (DIGITS_BOX - h) // 2, (DIGITS_BOX - w) // 2     # centred box, as optdigits
    field[top:top + h, left:left + w] = digit
    # (32, 32) -> (8, 4, 8, 4) -> count each 4x4 block -> (8, 8)
    return field.reshape(8, 4, 8, 4).sum(axis=(1, 3)).astype(np.float32)


def preprocess(rgba: np.ndarray | None, image_shape=(28, 28)) -> np.ndarray | None:
    """Canvas RGBA -> (h, w) float32 in model units (0-1), or None for an empty canvas.

    28x28: MNIST's own recipe. 8x8: sklearn digits' counts 0-16, divided by 16 as
    `data.prepare` divides the dataset by its pixel_max."""
    if rgba is None:
        return None
    shape = tuple(image_shape)
    gray = to_gray(rgba)
    if shape == (28, 28):
        return mnist_style(gray)
    if shape == (8, 8):
        counts = digits_counts(gray)
        return None if counts is None else counts / 16.0
    raise ValueError(f"no sketch preprocessing for images of shape {shape}")


def as_canvas(image: np.ndarray, size: int = 280, scale: float = 1.0, offset=(0, 0)) -> np.ndarray:
    """A dataset digit (h, w) 0-1 drawn as the canvas would return it: (size, size, 4)
    uint8, solid white strokes with soft edges on opaque black. `scale` < 1 draws it
    smaller, `offset` (dy, dx) in canvas pixels moves it. For tests and benchmarks."""
    img = np.asarray(image, np.float32)
    side = max(1, round(size * scale))
    big = np.asarray(Image.fromarray(img, mode="F").resize((side, side), Image.BICUBIC))
    big = ndimage.gaussian_filter(big, side / 90)          # round the pixel steps off, as a pen would
    ink = np.clip((big - 0.35) / 0.15, 0, 1)               # a pen: full white inside, soft edge
    canvas = np.zeros((size, size), np.float32)
    top, left = (size - side) // 2 + offset[0], (size - side) // 2 + offset[1]
    r0, c0, r1, c1 = max(top, 0), max(left, 0), min(top + side, size), min(left + side, size)
    canvas[r0:r1, c0:c1] = ink[r0 - top:r1 - top, c0 - left:c1 - left]
    rgba = np.empty((size, size, 4), np.uint8)
    rgba[..., :3] = (canvas * 255).round().astype(np.uint8)[..., None]
    rgba[..., 3] = 255
    return rgba
