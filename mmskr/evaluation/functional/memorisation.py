"""Memorisation: how close generated images lie to the training images.

A GAN trained on 20-250 images can score well on distribution metrics by
copying them. For each generated image ``f_i`` we take its distance to the
nearest training image, and compare it with the same nearest-neighbour
distance of the training images among themselves (leave one out)::

    d_fake(i) = min_j || f_i - t_j ||_2 / sqrt(D)
    d_real(j) = min_{k != j} || t_j - t_k ||_2 / sqrt(D)

over pixels in [0, 1] (``D = C * H * W``, so a distance is the RMS pixel
difference). Two numbers summarise a cell:

* ``nn_ratio = median(d_fake) / median(d_real)``: about 1 when generated
  images are as far from the training set as its images are from each
  other; near 0 for copies; above 1 for images unlike any training image;
* ``copy_rate``: the share of generated images closer to a training image
  than the ``copy_percentile``-th percentile (default 5) of ``d_real``, i.e.
  closer than all but the 5 % closest pairs of distinct real images.
"""
from typing import Dict

import numpy as np
import torch

__all__ = ['COPY_PERCENTILE', 'memorisation', 'nearest_distances']

COPY_PERCENTILE = 5.0


def _flat(images: np.ndarray) -> torch.Tensor:
    """(N, C, H, W) uint8 -> (N, C*H*W) float64 in [0, 1]."""
    a = np.asarray(images)
    if a.ndim != 4 or a.dtype != np.uint8:
        raise ValueError(f'expected (N, C, H, W) uint8 images, got '
                         f'{a.dtype} {a.shape}')
    return torch.from_numpy(a.reshape(len(a), -1)).double() / 255.


def nearest_distances(queries: np.ndarray,
                      reference: np.ndarray,
                      leave_one_out: bool = False,
                      chunk: int = 256) -> np.ndarray:
    """RMS pixel distance of each query to its nearest reference image.

    Args:
        queries (np.ndarray): (N, C, H, W) uint8.
        reference (np.ndarray): (M, C, H, W) uint8, same C, H, W.
        leave_one_out (bool): ``queries`` is ``reference``: skip each
            image's distance to itself.
        chunk (int): Queries per distance matrix (memory bound).

    Returns:
        np.ndarray: (N,) float64 in [0, 1].
    """
    q, r = _flat(queries), _flat(reference)
    if q.shape[1] != r.shape[1]:
        raise ValueError(f'queries {queries.shape[1:]} and reference '
                         f'{reference.shape[1:]} differ in size')
    if leave_one_out and (len(r) < 2 or q.shape != r.shape):
        raise ValueError('leave_one_out needs queries == reference with at '
                         'least 2 images')
    out = []
    for start in range(0, len(q), chunk):
        d = torch.cdist(q[start:start + chunk], r,  # (n, M) L2, exact
                        compute_mode='donot_use_mm_for_euclid_dist')
        if leave_one_out:
            idx = torch.arange(start, start + len(d))
            d[torch.arange(len(d)), idx] = float('inf')
        out.append(d.min(dim=1).values)
    return (torch.cat(out) / q.shape[1]**0.5).numpy()


def memorisation(fake: np.ndarray,
                 train: np.ndarray,
                 copy_percentile: float = COPY_PERCENTILE) -> Dict[str, float]:
    """Nearest-training-image statistics of a generated set.

    Args:
        fake (np.ndarray): (N, C, H, W) uint8 generated images.
        train (np.ndarray): (M, C, H, W) uint8 training images at the same
            size, M >= 2.
        copy_percentile (float): Percentile of the real-real distances
            below which a generated image counts as a copy.

    Returns:
        dict: ``nn_ratio``, ``copy_rate`` (in [0, 1]), ``nn_fake_median``,
        ``nn_real_median`` and ``copy_threshold`` (RMS pixel distances in
        [0, 1]).
    """
    if not 0 < copy_percentile < 100:
        raise ValueError(f'copy_percentile must be in (0, 100), got '
                         f'{copy_percentile}')
    d_fake = nearest_distances(fake, train)
    d_real = nearest_distances(train, train, leave_one_out=True)
    threshold = float(np.percentile(d_real, copy_percentile))
    real_median = float(np.median(d_real))
    return dict(
        nn_ratio=float(np.median(d_fake)) / real_median
        if real_median > 0 else float('nan'),
        copy_rate=float(np.mean(d_fake < threshold)),
        nn_fake_median=float(np.median(d_fake)),
        nn_real_median=real_median,
        copy_threshold=threshold)
