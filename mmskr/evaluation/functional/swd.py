"""Sliced Wasserstein distance (SWD) following the PGGAN protocol.

Karras et al., "Progressive Growing of GANs", ICLR 2018, Sec. 5 and App. D;
reference code ``metrics/sliced_wasserstein.py`` in
tkarras/progressive_growing_of_gans. The protocol, step by step:

1. Images (uint8 RGB, grayscale tiled to 3 channels) become a Laplacian
   pyramid from the full resolution down to 16 px (``pyr_down``/``pyr_up``
   of a 5x5 binomial kernel with mirrored borders, as ``cv2.pyrDown``).
2. Each level of each image gives 128 random 7x7 patches (descriptors of
   3 x 7 x 7 = 147 values).
3. Per level, each *set* of descriptors is normalised per channel by its
   own mean and standard deviation (so a global per-channel offset or gain
   of a whole set does not change the result).
4. The sliced Wasserstein distance between the real and fake descriptor sets
   is averaged over 4 x 128 = 512 random unit directions, multiplied by 1e3,
   and reported per level and as the average over the levels.

What this implementation fixes that the reference leaves to a global
``np.random`` state (the results stay the protocol's in distribution):

- Patch positions of image ``i`` at level ``l`` come from
  ``np.random.default_rng([seed, 0, l, i])``, directions of level ``l`` from
  ``np.random.default_rng([seed, 1, l])``. The value is therefore a function
  of (images, seed) only: it does not depend on the batch size or on the
  order of calls, and two identical sets give exactly 0.
- Sets of different sizes are compared through their quantile functions
  (the exact 1-D Wasserstein-1 distance); with equal sizes this is the
  reference's ``mean(|sort(a) - sort(b)|)``.
- A channel with zero variance over a whole descriptor set is left at 0
  instead of being divided by 0.
"""
from typing import Dict, List, Sequence

import numpy as np
import scipy.ndimage

from .image_checks import ImageArray, check_images

NHOOD_SIZE = 7  # height and width of a patch
NHOODS_PER_IMAGE = 128  # patches per image and level
DIR_REPEATS = 4  # rounds of random directions
DIRS_PER_REPEAT = 128  # directions per round (4 x 128 = 512 in all)
MIN_RESOLUTION = 16  # the coarsest pyramid level
SWD_SCALE = 1e3  # values are reported x 1e3, as in the PGGAN paper
SWD_AVG_KEY = 'avg'  # result key of the average over levels

_PATCH_STREAM = 0
_DIRECTION_STREAM = 1

# 5x5 binomial kernel of cv2.pyrDown / the PGGAN reference
_GAUSS_5X5 = np.float32([[1, 4, 6, 4, 1], [4, 16, 24, 16, 4],
                         [6, 24, 36, 24, 6], [4, 16, 24, 16, 4],
                         [1, 4, 6, 4, 1]]) / 256.0



def swd_resolutions(size: int,
                    min_resolution: int = MIN_RESOLUTION) -> List[int]:
    """Pyramid level resolutions of the protocol for square images.

    Args:
        size (int): Image height (= width) in pixels.
        min_resolution (int): The coarsest level. Defaults to 16.

    Returns:
        list[int]: ``[size, size // 2, ...]`` down to ``min_resolution``,
        e.g. ``[64, 32, 16]`` for 64 px and six levels for 512 px.
    """
    if size < min_resolution:
        raise ValueError(f'SWD needs images of at least {min_resolution} px '
                         f'(the coarsest pyramid level), found {size} px')
    resolutions = []
    res = size
    while res >= min_resolution:
        resolutions.append(res)
        res //= 2
    odd = [r for r in resolutions[:-1] if r % 2]
    if odd:
        raise ValueError(f'SWD halves {size} px images down to '
                         f'{resolutions[-1]} px; level {odd[0]} px is odd, '
                         'so the Laplacian pyramid is undefined. Resize the '
                         'images to a size like 64, 128 or 512 px.')
    return resolutions


def pyr_down(images: np.ndarray) -> np.ndarray:
    """Blur with the 5x5 binomial kernel and drop every other pixel.

    Matches ``cv2.pyrDown`` (mirrored borders without edge repeat).

    Args:
        images (np.ndarray): (N, C, H, W) float32, H and W even.

    Returns:
        np.ndarray: (N, C, H / 2, W / 2) float32.
    """
    kernel = _GAUSS_5X5[np.newaxis, np.newaxis]
    blurred = scipy.ndimage.convolve(images, kernel, mode='mirror')
    return blurred[:, :, ::2, ::2]


def pyr_up(images: np.ndarray) -> np.ndarray:
    """Insert zeros between pixels and blur with 4x the 5x5 kernel.

    Matches ``cv2.pyrUp``.

    Args:
        images (np.ndarray): (N, C, H, W) float32.

    Returns:
        np.ndarray: (N, C, 2H, 2W) float32.
    """
    n, c, h, w = images.shape
    up = np.zeros((n, c, 2 * h, 2 * w), images.dtype)
    up[:, :, ::2, ::2] = images
    kernel = _GAUSS_5X5[np.newaxis, np.newaxis] * 4.0
    return scipy.ndimage.convolve(up, kernel, mode='mirror')


def laplacian_pyramid(images: np.ndarray, num_levels: int) -> List[np.ndarray]:
    """Laplacian pyramid: band-pass levels, the last one a low-pass image.

    Args:
        images (np.ndarray): (N, C, H, W) float32 in [0, 255].
        num_levels (int): Number of levels (>= 1).

    Returns:
        list[np.ndarray]: ``num_levels`` arrays, level ``l`` of shape
        (N, C, H / 2**l, W / 2**l); they sum back to the images through
        ``pyr_up``.
    """
    pyramid = [np.float32(images)]
    for _ in range(1, num_levels):
        pyramid.append(pyr_down(pyramid[-1]))
        pyramid[-2] = pyramid[-2] - pyr_up(pyramid[-1])
    return pyramid


def patch_descriptors(level: np.ndarray,
                      lod: int,
                      first_index: int,
                      seed: int,
                      nhood_size: int = NHOOD_SIZE,
                      nhoods_per_image: int = NHOODS_PER_IMAGE) -> np.ndarray:
    """Random square patches of one pyramid level.

    Image ``k`` of the batch is image ``first_index + k`` of its set; its
    patch centres come from ``default_rng([seed, 0, lod, first_index + k])``
    (x then y, uniform in ``[r, size - r)`` with ``r = nhood_size // 2``, as
    the reference's ``np.random.randint``).

    Args:
        level (np.ndarray): (N, C, H, W) one pyramid level.
        lod (int): Level index (0 = full resolution).
        first_index (int): Index in the set of the first image of the batch.
        seed (int): Seed of the protocol.
        nhood_size (int): Patch size. Defaults to 7.
        nhoods_per_image (int): Patches per image. Defaults to 128.

    Returns:
        np.ndarray: (N * nhoods_per_image, C, nhood_size, nhood_size).
    """
    n, channels, height, width = level.shape
    r = nhood_size // 2
    offsets = np.arange(-r, r + 1)
    # per-image streams keep the patches independent of the batch size;
    # drawing 2 x 128 integers per image is all the loop does
    xs = np.empty((n, nhoods_per_image), dtype=np.int64)
    ys = np.empty((n, nhoods_per_image), dtype=np.int64)
    for k in range(n):
        rng = np.random.default_rng(
            [seed, _PATCH_STREAM, lod, first_index + k])
        xs[k] = rng.integers(r, width - r, size=nhoods_per_image)
        ys[k] = rng.integers(r, height - r, size=nhoods_per_image)
    rows = (ys[:, :, None] + offsets)[:, :, :, None]  # (N, P, S, 1)
    cols = (xs[:, :, None] + offsets)[:, :, None, :]  # (N, P, 1, S)
    index = np.arange(n)[:, None, None, None]
    # one gather: (N, P, S, S, C) -> (N * P, C, S, S)
    patches = level[index, :, rows, cols]
    return patches.transpose(0, 1, 4, 2, 3).reshape(
        n * nhoods_per_image, channels, nhood_size, nhood_size)


def normalize_descriptors(desc: np.ndarray) -> np.ndarray:
    """Normalise a descriptor set per channel and flatten it.

    Args:
        desc (np.ndarray): (M, C, S, S) all descriptors of one set and level.

    Returns:
        np.ndarray: (M, C * S * S) float32, zero mean and unit standard
        deviation per channel over the whole set.
    """
    desc = desc.astype(np.float32)
    mean = desc.mean(axis=(0, 2, 3), keepdims=True)
    std = desc.std(axis=(0, 2, 3), keepdims=True)
    std = np.where(std > 0, std, np.float32(1))
    return ((desc - mean) / std).reshape(desc.shape[0], -1)


def wasserstein1d_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact 1-D Wasserstein-1 distances between sorted samples.

    Args:
        a (np.ndarray): (n, D) samples sorted along axis 0.
        b (np.ndarray): (m, D) samples sorted along axis 0.

    Returns:
        np.ndarray: (D,) the integral over t in [0, 1] of
        ``|Qa(t) - Qb(t)|`` (Q: empirical quantile function), i.e.
        ``mean(|a - b|, axis=0)`` when n == m.
    """
    n, m = a.shape[0], b.shape[0]
    if n == m:
        return np.abs(a - b).mean(axis=0)
    # Both quantile functions are steps with jumps at i/n and j/m.
    edges = np.union1d(np.arange(1, n + 1) / n, np.arange(1, m + 1) / m)
    widths = np.diff(edges, prepend=0.0)
    mids = edges - widths / 2
    ia = np.minimum((mids * n).astype(np.int64), n - 1)
    ib = np.minimum((mids * m).astype(np.int64), m - 1)
    return (np.abs(a[ia] - b[ib]) * widths[:, None]).sum(axis=0)


def sliced_wasserstein(a: np.ndarray,
                       b: np.ndarray,
                       rng: np.random.Generator,
                       dir_repeats: int = DIR_REPEATS,
                       dirs_per_repeat: int = DIRS_PER_REPEAT) -> float:
    """Sliced Wasserstein distance of two descriptor sets.

    Args:
        a (np.ndarray): (n, D) normalised descriptors.
        b (np.ndarray): (m, D) normalised descriptors.
        rng (np.random.Generator): Source of the random directions.
        dir_repeats (int): Rounds of directions. Defaults to 4.
        dirs_per_repeat (int): Directions per round. Defaults to 128.

    Returns:
        float: Mean over the ``dir_repeats * dirs_per_repeat`` unit
        directions of the 1-D Wasserstein-1 distance of the projections
        (not scaled).
    """
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError('descriptor sets must be (n, D) and (m, D), found '
                         f'{a.shape} and {b.shape}')
    results = []
    for _ in range(dir_repeats):
        dirs = rng.standard_normal((a.shape[1], dirs_per_repeat))
        dirs /= np.sqrt(np.sum(np.square(dirs), axis=0, keepdims=True))
        dirs = dirs.astype(np.float32)  # (D, directions), unit columns
        proj_a = np.sort(a @ dirs, axis=0)  # (n, directions)
        proj_b = np.sort(b @ dirs, axis=0)
        results.append(wasserstein1d_sorted(proj_a, proj_b).mean())
    return float(np.mean(results))


def swd_descriptors(images: ImageArray,
                    seed: int = 0,
                    first_index: int = 0,
                    batch_size: int = 64) -> List[np.ndarray]:
    """Raw (not yet normalised) patch descriptors of a set, per level.

    Args:
        images (np.ndarray | torch.Tensor): (N, C, H, W) RGB (C = 3) or
            grayscale (C = 1, tiled to RGB as the reference does), uint8 or
            float in [0, 255], square, e.g. 64 or 512 px.
        seed (int): Seed of the protocol. Defaults to 0.
        first_index (int): Index of ``images[0]`` in its set, so that a set
            fed in several calls gets the same patches. Defaults to 0.
        batch_size (int): Images per pyramid computation (memory only; the
            result does not depend on it). Defaults to 64.

    Returns:
        list[np.ndarray]: One (N * 128, 3, 7, 7) float32 array per level of
        :func:`swd_resolutions`.
    """
    images = check_images(images)
    if images.shape[2] != images.shape[3]:
        raise ValueError('SWD needs square images, found '
                         f'{images.shape[2]}x{images.shape[3]}')
    num_levels = len(swd_resolutions(images.shape[2]))
    per_level: List[List[np.ndarray]] = [[] for _ in range(num_levels)]
    for start in range(0, images.shape[0], batch_size):
        batch = np.float32(images[start:start + batch_size])
        if batch.shape[1] == 1:
            batch = np.repeat(batch, 3, axis=1)  # grayscale -> RGB
        for lod, level in enumerate(laplacian_pyramid(batch, num_levels)):
            per_level[lod].append(
                patch_descriptors(level, lod, first_index + start, seed))
    return [np.concatenate(d, axis=0) for d in per_level]


def swd_from_descriptors(real: Sequence[np.ndarray],
                         fake: Sequence[np.ndarray],
                         resolutions: Sequence[int],
                         seed: int = 0) -> Dict[str, float]:
    """SWD x 1e3 per level and on average from raw descriptor sets.

    Args:
        real (Sequence[np.ndarray]): Per level (M, 3, 7, 7) descriptors.
        fake (Sequence[np.ndarray]): Per level (M', 3, 7, 7) descriptors.
        resolutions (Sequence[int]): Level resolutions, for the keys.
        seed (int): Seed of the protocol. Defaults to 0.

    Returns:
        dict[str, float]: ``{'64': ..., '32': ..., '16': ..., 'avg': ...}``
        (keys: level resolution in pixels, and :data:`SWD_AVG_KEY`).
    """
    if not len(real) == len(fake) == len(resolutions):
        raise ValueError(f'expected {len(resolutions)} levels for both '
                         f'sets, found {len(real)} and {len(fake)}')
    result = {}
    for lod, (res, d_real, d_fake) in enumerate(zip(resolutions, real, fake)):
        rng = np.random.default_rng([seed, _DIRECTION_STREAM, lod])
        dist = sliced_wasserstein(
            normalize_descriptors(d_real), normalize_descriptors(d_fake), rng)
        result[str(res)] = dist * SWD_SCALE
    result[SWD_AVG_KEY] = float(np.mean(list(result.values())))
    return result


def pggan_swd(real: ImageArray,
              fake: ImageArray,
              seed: int = 0,
              batch_size: int = 64) -> Dict[str, float]:
    """SWD between two image sets, PGGAN protocol, values x 1e3.

    Args:
        real (np.ndarray | torch.Tensor): (N, C, H, W) reference images, RGB
            (C = 3) or grayscale (C = 1), uint8 or float in [0, 255].
        fake (np.ndarray | torch.Tensor): (M, C, H, W) images of the same
            size and channel order; M may differ from N.
        seed (int): Seed of patches and directions. Defaults to 0.
        batch_size (int): Images per pyramid computation (memory only).
            Defaults to 64.

    Returns:
        dict[str, float]: SWD x 1e3 per level resolution (``'64'``, ``'32'``,
        ``'16'`` for 64 px images) and their mean under ``'avg'``; lower is
        closer, 0 for identical sets.
    """
    if tuple(real.shape[1:]) != tuple(fake.shape[1:]):
        raise ValueError('real and fake images must have the same (C, H, W),'
                         f' found {tuple(real.shape[1:])} and '
                         f'{tuple(fake.shape[1:])}')
    resolutions = swd_resolutions(real.shape[2])
    d_real = swd_descriptors(real, seed, batch_size=batch_size)
    d_fake = swd_descriptors(fake, seed, batch_size=batch_size)
    return swd_from_descriptors(d_real, d_fake, resolutions, seed)
