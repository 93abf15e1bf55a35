"""MS-SSIM between pairs of images of one set: a diversity measure.

MS-SSIM (Wang et al. 2003) of two images is 1 when they are identical and
falls towards 0 as they differ in structure. Averaged over random pairs of
*generated* images (Odena et al. 2017, the PGGAN code), it measures how alike
the samples are: lower = more diverse, 1 = collapsed. The same measure over
pairs of *real* images is the reference a model should approach.

The per-scale maths is mmagic's ``_ssim_for_multi_scale`` and
``_hox_downsample`` (ports of the PGGAN reference ``metrics/ms_ssim.py``,
which matches Wang's MATLAB code): 11x11 Gaussian window (sigma 1.5),
K1 = 0.01, K2 = 0.03, 2x2 average downsampling, SSIM per channel averaged,
weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333), contrast-structure terms
of the first scales times the SSIM of the last, negative terms clipped to 0.
The combination is written out here because mmagic's ``ms_ssim`` also
downsamples after the last scale: it fails on sizes not divisible by 2**5
(e.g. 176 px) although the last downsampled image is never used.

Small images: five scales need at least 176 px (11 px window at the fifth
scale, 176 / 2**4 = 11). Below that mmagic shrinks the window and its sigma
at the coarse scales (at 64 px the last two scales are 8 and 4 px images
compared with 8x8 and 4x4 windows, i.e. one global statistic each, which
carry 37 % of the weight). Here the number of scales is reduced instead, so
the coarsest scale still holds a full 11x11 window:

    num_scales = min(5, 1 + floor(log2(min(H, W) / 11)))

(512 and 176 px: 5 scales, 64 px: 3, 32 px: 2, 16 px: 1 = plain SSIM) and
the first ``num_scales`` weights are rescaled to the total of the five
(1.0001), so 5 scales give exactly mmagic's / PGGAN's value.
"""
import math
from typing import Optional

import numpy as np
from mmagic.evaluation.metrics.ms_ssim import (_hox_downsample,
                                               _ssim_for_multi_scale)

from .image_checks import ImageArray, check_images

MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
FILTER_SIZE = 11
FILTER_SIGMA = 1.5


def ms_ssim_num_scales(height: int,
                       width: int,
                       filter_size: int = FILTER_SIZE,
                       max_scales: int = len(MS_SSIM_WEIGHTS)) -> int:
    """Number of scales whose coarsest image still holds a full window.

    Args:
        height (int): Image height in pixels.
        width (int): Image width in pixels.
        filter_size (int): Gaussian window size. Defaults to 11.
        max_scales (int): Upper bound. Defaults to 5.

    Returns:
        int: ``min(max_scales, 1 + floor(log2(min(H, W) / filter_size)))``.
    """
    size = min(height, width)
    if size < filter_size:
        raise ValueError(f'MS-SSIM needs images of at least {filter_size} px'
                         f' (one {filter_size}x{filter_size} window), found '
                         f'{height}x{width}')
    return min(max_scales, 1 + int(math.floor(math.log2(size / filter_size))))


def ms_ssim_weights(num_scales: int) -> np.ndarray:
    """Weights of the first ``num_scales`` scales.

    Args:
        num_scales (int): 1 to 5.

    Returns:
        np.ndarray: (num_scales,) the standard weights, rescaled to sum to
        the total of all five (so 5 scales give the standard weights).
    """
    if not 1 <= num_scales <= len(MS_SSIM_WEIGHTS):
        raise ValueError(f'num_scales must be in [1, {len(MS_SSIM_WEIGHTS)}]'
                         f', found {num_scales}')
    weights = np.array(MS_SSIM_WEIGHTS[:num_scales])
    return weights * (sum(MS_SSIM_WEIGHTS) / weights.sum())


def ms_ssim_pairs(images: ImageArray,
                  pairs: np.ndarray,
                  num_scales: Optional[int] = None,
                  batch_size: int = 64) -> np.ndarray:
    """MS-SSIM of the pairs ``(images[i], images[j])`` for ``(i, j)`` in
    ``pairs``.

    Args:
        images (np.ndarray | torch.Tensor): (N, C, H, W), C = 1 or 3, uint8
            or float in [0, 255].
        pairs (np.ndarray): (P, 2) integer indices into ``images``.
        num_scales (int, optional): Scales; None picks
            :func:`ms_ssim_num_scales` (5 from 176 px up). Defaults to None.
        batch_size (int): Pairs per call (memory only; the result does not
            depend on it). Defaults to 64.

    Returns:
        np.ndarray: (P,) float64 in [0, 1]; 1 for identical images.
    """
    images = check_images(images)
    pairs = np.asarray(pairs)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f'pairs must be (P, 2), found {pairs.shape}')
    height, width = images.shape[2:]
    if num_scales is None:
        num_scales = ms_ssim_num_scales(height, width)
    factor = 2**(num_scales - 1)
    if height % factor or width % factor:
        raise ValueError(f'MS-SSIM with {num_scales} scales halves the '
                         f'images {num_scales - 1} times: {height}x{width} '
                         f'must be divisible by {factor}')
    weights = ms_ssim_weights(num_scales)
    scores = []
    for start in range(0, pairs.shape[0], batch_size):
        chunk = pairs[start:start + batch_size]
        # mmagic's functions take NHWC float
        a, b = (np.float32(images[chunk[:, k]]).transpose(0, 2, 3, 1)
                for k in (0, 1))
        scores.append(_ms_ssim_nhwc(a, b, weights))
    return np.concatenate(scores)


def _ms_ssim_nhwc(a: np.ndarray, b: np.ndarray,
                  weights: np.ndarray) -> np.ndarray:
    """MS-SSIM of (P, H, W, C) float32 pairs, one scale per weight."""
    ssim, cs = [], []
    for scale in range(len(weights)):
        if scale:
            a, b = _hox_downsample(a), _hox_downsample(b)
        s, c = _ssim_for_multi_scale(
            a,
            b,
            max_val=255,
            filter_size=FILTER_SIZE,
            filter_sigma=FILTER_SIGMA)
        ssim.append(s)
        cs.append(c)
    ssim = np.clip(np.asarray(ssim, np.float64), 0, None)  # (scales, P)
    cs = np.clip(np.asarray(cs, np.float64), 0, None)
    # Wang et al. (2003) Eq. (7): prod_j cs_j^w_j (j < M) * ssim_M^w_M
    return np.prod(cs[:-1]**weights[:-1, None], axis=0) * \
        ssim[-1]**weights[-1]


def random_pairs(num_images: int,
                 num_pairs: Optional[int] = None,
                 seed: int = 0) -> np.ndarray:
    """Seeded random pairs of distinct images.

    Each round shuffles the indices with ``default_rng(seed)`` and pairs
    neighbours (0-1, 2-3, ...): one round gives ``num_images // 2`` disjoint
    pairs (every image used once, as the consecutive pairs of the PGGAN and
    mmagic code, but in random order); more pairs take more rounds.

    Args:
        num_images (int): Size of the set (>= 2).
        num_pairs (int, optional): Pairs wanted; None = one round
            (``num_images // 2``). Defaults to None.
        seed (int): Seed. Defaults to 0.

    Returns:
        np.ndarray: (num_pairs, 2) int64 indices, never ``i == j``.
    """
    if num_images < 2:
        raise ValueError(f'pairs need at least 2 images, found {num_images}')
    per_round = num_images // 2
    if num_pairs is None:
        num_pairs = per_round
    if num_pairs < 1:
        raise ValueError(f'num_pairs must be >= 1, found {num_pairs}')
    rng = np.random.default_rng(seed)
    rounds = [
        rng.permutation(num_images)[:2 * per_round].reshape(per_round, 2)
        for _ in range(math.ceil(num_pairs / per_round))
    ]
    return np.concatenate(rounds)[:num_pairs]


def ms_ssim_diversity(images: ImageArray,
                      num_pairs: Optional[int] = None,
                      seed: int = 0,
                      num_scales: Optional[int] = None) -> float:
    """Mean MS-SSIM over random pairs of one image set.

    Args:
        images (np.ndarray | torch.Tensor): (N, C, H, W), N >= 2, C = 1 or
            3, uint8 or float in [0, 255].
        num_pairs (int, optional): See :func:`random_pairs`; None =
            ``N // 2`` disjoint pairs. Defaults to None.
        seed (int): Seed of the pairs. Defaults to 0.
        num_scales (int, optional): See :func:`ms_ssim_pairs`.

    Returns:
        float: Mean MS-SSIM in [0, 1]. Lower = more diverse; 1 = all pairs
        identical. Compare a model's value with the same measure on real
        images.
    """
    images = check_images(images)
    pairs = random_pairs(images.shape[0], num_pairs, seed)
    return float(ms_ssim_pairs(images, pairs, num_scales).mean())
