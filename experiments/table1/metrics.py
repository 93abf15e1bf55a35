"""The evaluation protocol of Table 1, applied to one cell's images.

Per cell (one method, modality and training seed), ``num_fake`` seeded
images against the modality's real images (the training set, all of it):

* SWD on the PGGAN protocol (:func:`mmskr.evaluation.functional.pggan_swd`,
  x1e3, seed 0), per pyramid level and averaged;
* MS-SSIM diversity over ``num_fake // 2`` disjoint random pairs (seed 0);
* FRD v1 (2D) (:func:`mmskr.evaluation.functional.compute_frd`), real set
  first, at equal counts (the larger set cut to the smaller one's size);
* FID/KID through clean-fid when Inception weights are found (else n/a);
* memorisation (:func:`mmskr.evaluation.functional.memorisation`): nearest
  training image of each generated one against the real-real leave-one-out
  distances (``nn_ratio``, ``copy_rate`` at the 5th percentile).

The ``real`` reference of a modality comes from ``reference_splits``
seeded random splits of the real set (in an order given by the images'
content, so it does not depend on file order): a part A of
``min(num_fake, M // 2)`` images plays the generated set against the rest
B; mean +- sd over the splits. See docs/metrics.md.
"""
import hashlib
import math
from typing import Dict, List, Optional, Tuple

import numpy as np

from mmskr.evaluation.functional import (COPY_PERCENTILE, FRD_LABEL,
                                         FRDResult, compute_fid_kid,
                                         compute_frd,
                                         find_inception_weights, memorisation,
                                         ms_ssim_diversity, pggan_swd)
from mmskr.evaluation.functional.swd import (DIR_REPEATS, DIRS_PER_REPEAT,
                                             MIN_RESOLUTION, NHOOD_SIZE,
                                             NHOODS_PER_IMAGE)
from .presets import Preset

__all__ = [
    'BEST_RULE', 'METRIC_SEED', 'PROTOCOL_VERSION', 'canonical_order',
    'protocol_dict', 'real_reference', 'reference_splits', 'table_metrics'
]

METRIC_SEED = 0
#: 1: one training seed, real halves in file order; 2: training seeds 0-2,
#: seeded real splits, per-level SWD, FRD, memorisation; 3: version 2's
#: evaluation of the issue-26 training recipe (the CPU configs' DiffAugment
#: in every discriminator, anti-aliased reals faded in, renderer pair
#: augmentation, one-channel grey modalities)
PROTOCOL_VERSION = 3
BEST_RULE = ('a method is marked best only when it beats the runner-up by '
             'more than their combined spread (sum of their sd over training '
             'seeds); methods within that margin of the best are marked '
             'together')


def protocol_dict(preset: Preset,
                  inception_weights: Optional[str] = None) -> dict:
    """Everything that must match for two results to be comparable."""
    lookup = find_inception_weights(inception_weights)
    extra = dict(overrides=preset.overrides) if preset.overrides else {}
    return dict(
        **extra,
        version=PROTOCOL_VERSION,
        preset=preset.name,
        configs=preset.config_kind,
        iters='config' if preset.max_iters is None else preset.max_iters,
        num_fake=preset.num_fake,
        seeds=f'{preset.first_seed}..'
        f'{preset.first_seed + preset.num_fake - 1}',
        real='all' if preset.max_real is None else f'first {preset.max_real}',
        sampling='the EMA generator of every method (the configs give each '
        'one an ema_config)',
        reference=f'{preset.reference_splits} seeded random splits of the '
        'real set (content order): min(num_fake, M // 2) images against the '
        'rest; mean +- sd',
        best=BEST_RULE,
        swd=dict(protocol='PGGAN', nhood=NHOOD_SIZE,
                 nhoods_per_image=NHOODS_PER_IMAGE,
                 directions=DIR_REPEATS * DIRS_PER_REPEAT,
                 min_resolution=MIN_RESOLUTION, scale=1e3,
                 seed=METRIC_SEED),
        ms_ssim=dict(pairs='num_fake // 2 disjoint random pairs',
                     seed=METRIC_SEED, reference='as many real pairs'),
        frd=dict(label=FRD_LABEL, package='frd-score 1.0.1', order='real '
                 'first', counts='equal (larger set cut)') if preset.frd
        else None,
        memorisation=dict(distance='RMS pixel difference at the evaluation '
                          'size', reference='real-real leave-one-out',
                          copy_percentile=COPY_PERCENTILE),
        fid=dict(backend='clean-fid', weights=lookup.path
                 if lookup.path else None))


_NO_FRD = FRDResult(None, 'FRD n/a: not computed by this preset (frd=False)')


def _finite(v: Optional[float]) -> Optional[float]:
    return None if v is None or not math.isfinite(v) else float(v)


def _equal_counts(a: np.ndarray,
                  b: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    n = min(len(a), len(b))
    return a[:n], b[:n]


def table_metrics(fake: np.ndarray,
                  real: np.ndarray,
                  preset: Preset,
                  inception_weights: Optional[str] = None) -> dict:
    """Metrics of one cell.

    Args:
        fake (np.ndarray): (N, 3, H, W) uint8 generated images.
        real (np.ndarray): (M, 3, H, W) uint8 real (training) images.
        preset (Preset): The protocol.
        inception_weights (str, optional): For FID/KID.

    Returns:
        dict: ``swd`` (per level and ``avg``), ``ms_ssim``, ``frd``,
        ``fid``, ``kid`` (x1e3) (None when n/a), the memorisation values
        (``nn_ratio``, ``copy_rate``, ...) and ``fid_note`` / ``frd_note``
        (why n/a).
    """
    swd = pggan_swd(real, fake, seed=METRIC_SEED)
    ms = ms_ssim_diversity(fake, seed=METRIC_SEED)
    frd = compute_frd(*_equal_counts(canonical_order(real), fake)) \
        if preset.frd else _NO_FRD
    fid = compute_fid_kid(real, fake, weights=inception_weights,
                          seed=METRIC_SEED)
    kid = _finite(fid.kid)
    return dict(
        swd=swd,
        ms_ssim=ms,
        frd=frd.value,
        frd_note=frd.message or None,
        fid=_finite(fid.fid),
        kid=None if kid is None else kid * 1e3,
        fid_note=fid.message or None,
        **memorisation(fake, real))


def canonical_order(images: np.ndarray) -> np.ndarray:
    """``images`` sorted by the SHA-1 of their bytes: an order given by the
    content alone, not by the file order."""
    keys = [hashlib.sha1(np.ascontiguousarray(x).tobytes()).hexdigest()
            for x in images]
    return images[np.argsort(keys, kind='stable')]


def reference_splits(real: np.ndarray, num_fake: int, splits: int,
                     seed: int = METRIC_SEED) -> List[Tuple[np.ndarray,
                                                            np.ndarray]]:
    """``splits`` seeded random ``(A, B)`` splits of the real set.

    A has ``min(num_fake, M // 2)`` images (the part that plays the
    generated set), B the rest; split ``k`` permutes the content order with
    ``np.random.default_rng([seed, k])``.
    """
    return _splits(canonical_order(real), num_fake, splits, seed)


def _splits(canon: np.ndarray, num_fake: int, splits: int,
            seed: int) -> List[Tuple[np.ndarray, np.ndarray]]:
    """:func:`reference_splits` of a set already in content order."""
    if len(canon) < 4:
        raise ValueError(f'the real reference needs >= 4 images, got '
                         f'{len(canon)}')
    n = max(2, min(num_fake, len(canon) // 2))
    out = []
    for k in range(splits):
        perm = np.random.default_rng([seed, k]).permutation(len(canon))
        out.append((canon[perm[:n]], canon[perm[n:]]))
    return out


def _mean_sd(values: List[float]) -> Tuple[Optional[float],
                                           Optional[float]]:
    v = [x for x in values if x is not None]
    if not v:
        return None, None
    sd = float(np.std(v, ddof=1)) if len(v) > 1 else None
    return float(np.mean(v)), sd


def real_reference(real: np.ndarray, preset: Preset) -> Dict[str, object]:
    """The real-data references of a modality (mean +- sd over splits).

    Returns:
        dict: ``swd_real`` / ``swd_real_sd`` (per level and ``avg``: SWD of
        A against B), ``ms_ssim_real`` / ``_sd`` (MS-SSIM over
        ``min(num_fake, M) // 2`` random pairs of all real images, a pair
        draw per split), ``frd_real`` / ``_sd`` (FRD of B against A at equal
        counts; None when n/a) and ``reference_note``.
    """
    canon = canonical_order(real)
    splits = _splits(canon, preset.num_fake, preset.reference_splits,
                     METRIC_SEED)
    n_pairs = max(1, min(preset.num_fake, len(real)) // 2)
    swd, ms, frd = [], [], []
    for k, (a, b) in enumerate(splits):
        swd.append(pggan_swd(b, a, seed=METRIC_SEED))
        ms.append(ms_ssim_diversity(canon, num_pairs=n_pairs, seed=k))
        frd.append(compute_frd(*_equal_counts(b, a)).value
                   if preset.frd else None)
    swd_mean, swd_sd = {}, {}
    for key in swd[0]:
        swd_mean[key], swd_sd[key] = _mean_sd([s[key] for s in swd])
    ms_mean, ms_sd = _mean_sd(ms)
    frd_mean, frd_sd = _mean_sd(frd)
    a, b = splits[0]
    return dict(
        swd_real=swd_mean, swd_real_sd=swd_sd, ms_ssim_real=ms_mean,
        ms_ssim_real_sd=ms_sd, frd_real=frd_mean, frd_real_sd=frd_sd,
        reference_note=f'{len(splits)} random splits of the {len(real)} '
        f'real images: {len(a)} against {len(b)}')
