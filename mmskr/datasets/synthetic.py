"""A procedural fundus-like image set: the demo's embedded default data.

No download: images are drawn from a seed. Each image is a dark background
with a lit circular field of view, an optic disc and a branching vessel tree,
so the sketch draft has real structure to find.
"""
import os
import os.path as osp
from typing import List

import cv2
import numpy as np


def synthetic_fundus(size: int, rng: np.random.Generator) -> np.ndarray:
    """One procedural fundus-like image.

    Args:
        size (int): Height and width in pixels (>= 16).
        rng (np.random.Generator): Source of randomness.

    Returns:
        np.ndarray: (size, size, 3) uint8 RGB.
    """
    if size < 16:
        raise ValueError(f'size must be >= 16, got {size}')
    img = np.zeros((size, size, 3), np.float32)
    yy, xx = np.mgrid[:size, :size].astype(np.float32) / size - 0.5
    r = np.sqrt(xx**2 + yy**2)
    base = np.array([200, 90, 40], np.float32) * rng.uniform(0.8, 1.1)
    fov = (r < 0.47).astype(np.float32)
    img += fov[..., None] * base * (1.0 - 0.8 * r[..., None])
    # optic disc
    cx, cy = rng.uniform(0.3, 0.7) * size, rng.uniform(0.35, 0.65) * size
    cv2.circle(img, (int(cx), int(cy)), max(2, size // 12), (250, 220, 150),
               -1)
    # vessel tree: random branching walks from the disc
    vessels = np.zeros((size, size), np.float32)
    stack = [(cx, cy, rng.uniform(0, 2 * np.pi), max(1., size / 40), 0)]
    while stack:
        x, y, angle, width, depth = stack.pop()
        for _ in range(int(size * 0.35)):
            nx = x + np.cos(angle) * size / 64
            ny = y + np.sin(angle) * size / 64
            cv2.line(vessels, (int(x), int(y)), (int(nx), int(ny)), 1.0,
                     max(1, int(round(width))))
            x, y = nx, ny
            angle += rng.normal(0, 0.15)
            if depth < 3 and rng.random() < 0.04:
                stack.append((x, y, angle + rng.choice([-0.6, 0.6]),
                              width * 0.7, depth + 1))
    img *= 1 - 0.55 * (vessels * fov)[..., None]
    img = cv2.GaussianBlur(img, (3, 3), 0)
    noise = rng.normal(0, 3, img.shape).astype(np.float32)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


def write_synthetic_fundus_set(out_dir: str,
                               num: int = 64,
                               size: int = 64,
                               seed: int = 0) -> List[str]:
    """Write ``num`` procedural fundus PNGs to ``out_dir`` (idempotent).

    Returns:
        list[str]: The image paths.
    """
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(num):
        path = osp.join(out_dir, f'synthetic_{i:04d}.png')
        img = synthetic_fundus(size, rng)
        if not osp.isfile(path):
            cv2.imwrite(path, cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        paths.append(path)
    return paths
