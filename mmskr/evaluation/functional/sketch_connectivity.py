"""How connected the strokes of a set of sketches are: a vessel tree drawn
as one piece, or as scattered dashes.

For each sketch ``s`` (H, W), the strokes are ``S = {p : s(p) >= t}`` and
``C_1, ..., C_k`` are the 8-connected components of ``S`` with at least
``min_pixels`` pixels (smaller specks are noise at this size). Per image:

- ``components``: ``k``;
- ``largest``: ``|C_max| / sum_i |C_i|``, the share of the stroke pixels in
  the largest component (1 for one connected tree);
- ``strokes``: ``sum_i |C_i| / (H W)``, the inked fraction.

The set's values are the means over its images. Generated sketches are
judged against the sketch drafts of the real images at the same threshold.
"""
from typing import Dict

import cv2
import numpy as np

__all__ = ['sketch_connectivity']


def sketch_connectivity(sketches: np.ndarray,
                        threshold: int = 64,
                        min_pixels: int = 3) -> Dict[str, float]:
    """Mean connected-component statistics of uint8 sketches.

    Args:
        sketches (np.ndarray): (N, 1, H, W) or (N, H, W) uint8, strokes
            bright (SketchDraft's convention).
        threshold (int): A pixel is a stroke when ``>= threshold``.
            Default 64: at 64 px the area-downsampled 1 px vessels of a
            512 px draft are grey strokes, not white ones.
        min_pixels (int): Components smaller than this are ignored.

    Returns:
        dict: ``components``, ``largest``, ``strokes`` (means over the
        images; ``largest`` is 0 for an image without strokes) and ``num``.

    Raises:
        ValueError: not uint8, not one channel, or no images.
    """
    if sketches.ndim == 4:
        if sketches.shape[1] != 1:
            raise ValueError('sketches must have one channel, got shape '
                             f'{sketches.shape}')
        sketches = sketches[:, 0]
    if sketches.dtype != np.uint8 or sketches.ndim != 3 or not len(sketches):
        raise ValueError('sketches must be a non-empty uint8 array (N, H, W)'
                         f' or (N, 1, H, W), got {sketches.dtype} '
                         f'{sketches.shape}')
    rows = []
    for sketch in sketches:
        mask = (sketch >= threshold).astype(np.uint8)
        _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        sizes = stats[1:, cv2.CC_STAT_AREA]  # label 0 is the background
        sizes = sizes[sizes >= min_pixels]
        total = int(sizes.sum())
        rows.append((len(sizes), sizes.max() / total if total else 0.,
                     total / sketch.size))
    components, largest, strokes = np.mean(rows, axis=0)
    return dict(components=float(components), largest=float(largest),
                strokes=float(strokes), num=len(sketches))
