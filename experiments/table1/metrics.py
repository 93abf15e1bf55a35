"""The evaluation protocol of Table 1, applied to one cell's images.

SWD on the PGGAN protocol (:func:`mmskr.evaluation.functional.swd.pggan_swd`,
x1e3, seed 0), MS-SSIM diversity over ``num_fake // 2`` disjoint random
pairs (seed 0) with the same measure on as many real pairs as reference,
FID/KID through clean-fid when Inception weights are found (else n/a with
where to put them). See docs/metrics.md.
"""
import math
from typing import Optional

import numpy as np

from mmskr.evaluation.functional.fid import (compute_fid_kid,
                                         find_inception_weights)
from mmskr.evaluation.functional.ms_ssim import ms_ssim_diversity
from mmskr.evaluation.functional.swd import (DIR_REPEATS, DIRS_PER_REPEAT,
                                         MIN_RESOLUTION, NHOOD_SIZE,
                                         NHOODS_PER_IMAGE, pggan_swd)
from .presets import Preset

__all__ = ['METRIC_SEED', 'protocol_dict', 'real_reference', 'table_metrics']

METRIC_SEED = 0


def protocol_dict(preset: Preset,
                  inception_weights: Optional[str] = None) -> dict:
    """Everything that must match for two results to be comparable."""
    lookup = find_inception_weights(inception_weights)
    return dict(
        preset=preset.name,
        configs=preset.config_kind,
        iters='config' if preset.max_iters is None else preset.max_iters,
        num_fake=preset.num_fake,
        seeds=f'{preset.first_seed}..'
        f'{preset.first_seed + preset.num_fake - 1}',
        real='all' if preset.max_real is None else f'first {preset.max_real}',
        swd=dict(protocol='PGGAN', nhood=NHOOD_SIZE,
                 nhoods_per_image=NHOODS_PER_IMAGE,
                 directions=DIR_REPEATS * DIRS_PER_REPEAT,
                 min_resolution=MIN_RESOLUTION, scale=1e3,
                 seed=METRIC_SEED),
        ms_ssim=dict(pairs='num_fake // 2 disjoint random pairs',
                     seed=METRIC_SEED, reference='as many real pairs'),
        fid=dict(backend='clean-fid', weights=lookup.path
                 if lookup.path else None))


def _finite(v: float) -> Optional[float]:
    return None if v is None or not math.isfinite(v) else float(v)


def table_metrics(fake: np.ndarray,
                  real: np.ndarray,
                  preset: Preset,
                  inception_weights: Optional[str] = None) -> dict:
    """Metrics of one cell.

    Args:
        fake (np.ndarray): (N, 3, H, W) uint8 generated images.
        real (np.ndarray): (M, 3, H, W) uint8 real images.
        preset (Preset): The protocol.
        inception_weights (str, optional): For FID/KID.

    Returns:
        dict: ``swd`` (per level and ``avg``), ``ms_ssim``, ``fid``,
        ``kid`` (x1e3) (None when n/a) and ``fid_note`` (why n/a).
    """
    swd = pggan_swd(real, fake, seed=METRIC_SEED)
    ms = ms_ssim_diversity(fake, seed=METRIC_SEED)
    fid = compute_fid_kid(real, fake, weights=inception_weights,
                          seed=METRIC_SEED)
    kid = _finite(fid.kid)
    return dict(
        swd=swd,
        ms_ssim=ms,
        fid=_finite(fid.fid),
        kid=None if kid is None else kid * 1e3,
        fid_note=fid.message or None)


def real_reference(real: np.ndarray, preset: Preset) -> dict:
    """The real-data references of a modality.

    Returns:
        dict: ``ms_ssim_real`` (MS-SSIM over ``num_fake // 2`` random pairs of
        real images) and ``swd_real`` (SWD between the two halves of the real
        set, the floor a perfect generator would reach at that set size).
    """
    n_pairs = max(1, min(preset.num_fake, len(real)) // 2)
    half = len(real) // 2
    return dict(
        ms_ssim_real=ms_ssim_diversity(real, num_pairs=n_pairs,
                                       seed=METRIC_SEED),
        swd_real=pggan_swd(real[:half], real[half:], seed=METRIC_SEED))
