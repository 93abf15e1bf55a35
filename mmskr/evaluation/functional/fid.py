"""FID and KID on clean-fid's Inception features, offline only.

Features: clean-fid's "clean" mode (Parmar et al., CVPR 2022): each image,
quantised to uint8 as an image file would be, is resized to 299x299 with
PIL bicubic on float32 channels, then fed to the TorchScript Inception-v3 of
the TF FID code (``inception-2015-12-05.pt``, the file StyleGAN2-ADA, clean-fid
and mmagic share); the 2048-d pool features are used.

Weights are looked up, in this order, and never downloaded:

1. the ``path`` argument (the file, or a folder holding it),
2. the environment variable ``MMSKR_INCEPTION_WEIGHTS`` (same),
3. clean-fid's cache, ``/tmp/inception-2015-12-05.pt`` (where
   ``cleanfid.features.feature_extractor`` downloads it on Linux),
4. mmagic's cache, ``~/.cache/openmmlab/mmagic/inception-2015-12-05.pt``.

A given path (1 or 2) that does not exist is reported, not skipped. Without
weights every function here returns a :class:`FIDResult` whose values are NaN
and whose ``message`` says where to put the file; the network is never tried
(clean-fid's ``InceptionV3W`` is built with ``download=False``).

FID is the Frechet distance between Gaussians fitted to the two feature sets;
with fewer images than feature dimensions (2048) the covariances are rank
deficient and FID is biased upwards (compare values only at equal image
counts). KID (Binkowski et al. 2018) is the unbiased MMD^2 with the cubic
polynomial kernel ``k(x, y) = (x.y / d + 1)^3``, averaged over random
subsets; it has no such bias and suits small sets.
"""
import math
import os
import os.path as osp
import platform
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np
import torch
from mmagic.utils import MMAGIC_CACHE_DIR

from .image_checks import ImageArray, check_images

INCEPTION_FILENAME = 'inception-2015-12-05.pt'
INCEPTION_URL = ('https://nvlabs-fi-cdn.nvidia.com/stylegan2-ada-pytorch/'
                 'pretrained/metrics/inception-2015-12-05.pt')
INCEPTION_ENV = 'MMSKR_INCEPTION_WEIGHTS'
# where cleanfid.features.feature_extractor keeps (downloads) the file
CLEANFID_CACHE_DIR = './' if platform.system() == 'Windows' else '/tmp'
MMAGIC_INCEPTION_DIR = MMAGIC_CACHE_DIR
INCEPTION_SIZE = 299  # clean-fid's input size
FEATURE_DIM = 2048

FID_KEY = 'fid'
KID_KEY = 'kid'
KID_STD_KEY = 'kid_std'
NA = 'n/a'  # what a table shows for a value that could not be computed


@dataclass(frozen=True)
class InceptionLookup:
    """Outcome of the search for the Inception weights.

    Attributes:
        path (str, optional): The weights file found, or None.
        searched (tuple[str, ...]): The files looked at, in order.
        message (str): Empty when found; otherwise why not and where to put
            the file.
    """
    path: Optional[str]
    searched: Tuple[str, ...]
    message: str


@dataclass(frozen=True)
class FIDResult:
    """FID and KID of two image sets; NaN with a message when n/a.

    Attributes:
        fid (float): Frechet Inception distance (lower is better).
        kid (float): Kernel Inception distance, mean over subsets.
        kid_std (float): Standard deviation of KID over subsets.
        num_real (int): Real images used.
        num_fake (int): Generated images used.
        message (str): Empty when computed; otherwise why the values are
            NaN (e.g. where to put the Inception weights).
    """
    fid: float
    kid: float
    kid_std: float
    num_real: int = 0
    num_fake: int = 0
    message: str = ''

    @property
    def available(self) -> bool:
        """Whether the values were computed."""
        return not self.message

    def as_dict(self) -> Dict[str, float]:
        """The values under :data:`FID_KEY`, :data:`KID_KEY`,
        :data:`KID_STD_KEY`."""
        return {
            FID_KEY: self.fid,
            KID_KEY: self.kid,
            KID_STD_KEY: self.kid_std
        }

    @classmethod
    def not_available(cls, message: str) -> 'FIDResult':
        """A result with NaN values and the reason."""
        return cls(math.nan, math.nan, math.nan, message=message)


def format_value(value: float, digits: int = 2) -> str:
    """A table cell: the value with ``digits`` decimals, or ``'n/a'``.

    Args:
        value (float): The value; NaN/inf/None mean not available.
        digits (int): Decimals. Defaults to 2.

    Returns:
        str: e.g. ``'27.59'`` or :data:`NA`.
    """
    if value is None or not math.isfinite(value):
        return NA
    return f'{value:.{digits}f}'


def inception_weights_help(searched: Tuple[str, ...] = ()) -> str:
    """Where to put the Inception weights, as one message.

    Args:
        searched (tuple[str, ...]): Files looked at, listed in the message.

    Returns:
        str: The message (names the file, the folders and the variable).
    """
    looked = ', '.join(searched) if searched else 'nowhere'
    return (f'FID/KID are n/a: Inception weights {INCEPTION_FILENAME} not '
            f'found (looked at: {looked}). Download {INCEPTION_URL} on a '
            'machine with internet and put it at '
            f'{osp.join(CLEANFID_CACHE_DIR, INCEPTION_FILENAME)} '
            '(clean-fid\'s cache) or '
            f'{osp.join(MMAGIC_INCEPTION_DIR, INCEPTION_FILENAME)} '
            '(mmagic\'s cache), or anywhere with '
            f'{INCEPTION_ENV}=/path/to/{INCEPTION_FILENAME}. mmskr never '
            'downloads it.')


def _as_weights_file(path: str) -> str:
    """A folder means the weights file inside it."""
    path = osp.expanduser(path)
    return osp.join(path, INCEPTION_FILENAME) if osp.isdir(path) else path


def find_inception_weights(path: Optional[str] = None) -> InceptionLookup:
    """Look for ``inception-2015-12-05.pt`` without any network access.

    Args:
        path (str, optional): The file or its folder. When given (here or in
            ``$MMSKR_INCEPTION_WEIGHTS``) it is the only place looked at.
            Defaults to None.

    Returns:
        InceptionLookup: The file found, or None with the message.
    """
    given = path if path is not None else os.environ.get(INCEPTION_ENV)
    if given:
        candidates = (_as_weights_file(given), )
    else:
        candidates = (osp.join(CLEANFID_CACHE_DIR, INCEPTION_FILENAME),
                      osp.join(MMAGIC_INCEPTION_DIR, INCEPTION_FILENAME))
    for candidate in candidates:
        if osp.isfile(candidate):
            if osp.basename(candidate) != INCEPTION_FILENAME:
                return InceptionLookup(
                    None, candidates,
                    f'FID/KID are n/a: {candidate} must be named '
                    f'{INCEPTION_FILENAME} (clean-fid loads it by name).')
            return InceptionLookup(candidate, candidates, '')
    return InceptionLookup(None, candidates,
                           inception_weights_help(candidates))


class CleanInception:
    """clean-fid's Inception feature extractor, loaded from a local file.

    Args:
        weights_path (str): Path of ``inception-2015-12-05.pt``.
        device (str): Torch device. Defaults to 'cpu'.
        batch_size (int): Images per forward pass. Defaults to 32.
    """

    def __init__(self,
                 weights_path: str,
                 device: str = 'cpu',
                 batch_size: int = 32) -> None:
        from cleanfid.inception_torchscript import InceptionV3W
        from cleanfid.resize import build_resizer

        # download=False: clean-fid only loads <folder>/INCEPTION_FILENAME
        self.model = InceptionV3W(
            osp.dirname(osp.abspath(weights_path)),
            download=False,
            resize_inside=False).to(device).eval()
        self.resize = build_resizer('clean')
        self.device = device
        self.batch_size = batch_size

    @torch.no_grad()
    def __call__(self, images: ImageArray) -> np.ndarray:
        """Inception features of a batch of images.

        Args:
            images (np.ndarray | torch.Tensor): (N, C, H, W) RGB (C = 3) or
                grayscale (C = 1, tiled to RGB), uint8 or float in [0, 255]
                (rounded to uint8 first).

        Returns:
            np.ndarray: (N, 2048) float64 features.
        """
        images = check_images(images)
        images = np.clip(np.rint(images), 0, 255).astype(np.uint8)
        feats = []
        for start in range(0, images.shape[0], self.batch_size):
            batch = images[start:start + self.batch_size]
            if batch.shape[1] == 1:
                batch = np.repeat(batch, 3, axis=1)
            # clean resize: (H, W, 3) uint8 -> (299, 299, 3) float32 [0, 255]
            resized = np.stack(
                [self.resize(img.transpose(1, 2, 0)) for img in batch])
            x = torch.from_numpy(resized.transpose(0, 3, 1, 2)).to(
                self.device)
            feats.append(self.model(x).cpu().numpy().astype(np.float64))
        return np.concatenate(feats)


def load_clean_inception(
        path: Optional[str] = None,
        device: str = 'cpu') -> Tuple[Optional[CleanInception], str]:
    """Find and load the Inception, or say why not.

    Args:
        path (str, optional): See :func:`find_inception_weights`.
        device (str): Torch device. Defaults to 'cpu'.

    Returns:
        tuple: ``(extractor, '')``, or ``(None, message)`` when the weights
        are missing or cannot be loaded.
    """
    lookup = find_inception_weights(path)
    if lookup.path is None:
        return None, lookup.message
    try:
        return CleanInception(lookup.path, device), ''
    except (RuntimeError, ValueError, OSError) as err:
        return None, (f'FID/KID are n/a: {lookup.path} could not be loaded '
                      f'as the TorchScript Inception ({err}). '
                      f'{inception_weights_help(lookup.searched)}')


def feature_statistics(
        features: np.ndarray,
        covariance: bool = True) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Mean and covariance of a feature set.

    Args:
        features (np.ndarray): (N, D), N >= 2.
        covariance (bool): Whether to compute the covariance. Defaults to
            True.

    Returns:
        tuple[np.ndarray, np.ndarray | None]: (D,) mean and (D, D)
        covariance (unbiased, as ``np.cov``; None if not asked for).
    """
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or features.shape[0] < 2:
        raise ValueError('features must be (N, D) with N >= 2, found '
                         f'{features.shape}')
    cov = np.cov(features, rowvar=False) if covariance else None
    return features.mean(axis=0), cov


def _frechet(diff: np.ndarray, tr1: float, tr2: float,
             tr_covmean: float) -> float:
    """``|mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr (S1 S2)^(1/2)``."""
    return float(diff @ diff + tr1 + tr2 - 2 * tr_covmean)


def _sqrtm_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix."""
    eigval, eigvec = np.linalg.eigh((matrix + matrix.T) / 2)
    return (eigvec * np.sqrt(np.clip(eigval, 0, None))) @ eigvec.T


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray,
                     sigma2: np.ndarray) -> float:
    """Frechet distance between N(mu1, sigma1) and N(mu2, sigma2).

    ``d^2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2))`` (Dowson and
    Landau 1982). ``tr (S1 S2)^(1/2)`` is computed as the sum of the square
    roots of the eigenvalues of the symmetric PSD matrix
    ``S1^(1/2) S2 S1^(1/2)`` (same spectrum as ``S1 S2``), so it stays real
    and finite for rank-deficient covariances, where ``scipy.linalg.sqrtm``
    returns complex values.

    Args:
        mu1 (np.ndarray): (D,) mean of the first Gaussian.
        sigma1 (np.ndarray): (D, D) covariance of the first Gaussian.
        mu2 (np.ndarray): (D,) mean of the second Gaussian.
        sigma2 (np.ndarray): (D, D) covariance of the second Gaussian.

    Returns:
        float: The squared Frechet distance (what FID reports), >= 0 up to
        rounding.
    """
    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    sigma1, sigma2 = np.atleast_2d(sigma1), np.atleast_2d(sigma2)
    dim = mu1.shape[0]
    if (mu2.shape != (dim, ) or sigma1.shape != (dim, dim)
            or sigma2.shape != (dim, dim)):
        raise ValueError('Frechet distance needs means (D,) and covariances '
                         f'(D, D); found {mu1.shape}, {sigma1.shape}, '
                         f'{mu2.shape}, {sigma2.shape}')
    root1 = _sqrtm_psd(sigma1)
    middle = root1 @ sigma2 @ root1
    eigval = np.linalg.eigvalsh((middle + middle.T) / 2)
    tr_covmean = np.sqrt(np.clip(eigval, 0, None)).sum()
    return _frechet(mu1 - mu2, np.trace(sigma1), np.trace(sigma2),
                    tr_covmean)


def kernel_inception_distance(feats1: np.ndarray,
                              feats2: np.ndarray,
                              num_subsets: int = 100,
                              max_subset_size: int = 1000,
                              seed: int = 0) -> Tuple[float, float]:
    """KID: unbiased MMD^2, cubic polynomial kernel, over random subsets.

    The subsets and the formula are clean-fid's ``kernel_distance`` (which
    draws from the global ``np.random``; here ``RandomState(seed)``, so
    ``np.random.seed(seed)`` before clean-fid gives the same value).

    Args:
        feats1 (np.ndarray): (N, D) features of one set, e.g. real.
        feats2 (np.ndarray): (M, D) features of the other set.
        num_subsets (int): Subsets averaged. Defaults to 100.
        max_subset_size (int): Subset size cap; the size is
            ``min(N, M, max_subset_size)`` (>= 2). Defaults to 1000.
        seed (int): Seed of the subsets. Defaults to 0.

    Returns:
        tuple[float, float]: Mean and standard deviation over subsets.
    """
    feats1, feats2 = np.asarray(feats1), np.asarray(feats2)
    dim = feats1.shape[1]
    m = min(feats1.shape[0], feats2.shape[0], max_subset_size)
    if m < 2:
        raise ValueError(f'KID needs at least 2 images per set, found '
                         f'{feats1.shape[0]} and {feats2.shape[0]}')
    rng = np.random.RandomState(seed)
    values = []
    for _ in range(num_subsets):
        x = feats2[rng.choice(feats2.shape[0], m, replace=False)]
        y = feats1[rng.choice(feats1.shape[0], m, replace=False)]
        a = (x @ x.T / dim + 1)**3 + (y @ y.T / dim + 1)**3
        b = (x @ y.T / dim + 1)**3
        # mean_{i!=j} [k(x_i, x_j) + k(y_i, y_j)] - 2 mean_{i,j} k(x_i, y_j)
        values.append(((a.sum() - np.diag(a).sum()) / (m - 1) -
                       b.sum() * 2 / m) / m)
    return float(np.mean(values)), float(np.std(values))


def frechet_distance_from_features(feats1: np.ndarray,
                                   feats2: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two feature sets.

    Equal to ``frechet_distance(*feature_statistics(feats1),
    *feature_statistics(feats2))``. When both sets have fewer samples than
    dimensions (FID of a few hundred images: N < 2048) it avoids the D x D
    matrices: with centred features A1 (N1, D) and A2 (N2, D),
    ``S1 S2 = A1^T (A1 A2^T A2) / k`` has the nonzero eigenvalues of
    ``C C^T / k``, ``C = A1 A2^T`` and ``k = (N1 - 1)(N2 - 1)``, so
    ``tr (S1 S2)^(1/2) = ||C||_* / sqrt(k)`` (nuclear norm).

    Args:
        feats1 (np.ndarray): (N1, D) features, N1 >= 2.
        feats2 (np.ndarray): (N2, D) features, N2 >= 2.

    Returns:
        float: The squared Frechet distance.
    """
    mu1, mu2 = (feature_statistics(f, covariance=False)[0]
                for f in (feats1, feats2))
    n1, n2, dim = len(feats1), len(feats2), mu1.shape[0]
    if max(n1, n2) >= dim:
        return frechet_distance(*feature_statistics(feats1),
                                *feature_statistics(feats2))
    a1 = np.asarray(feats1, np.float64) - mu1  # (N1, D) centred
    a2 = np.asarray(feats2, np.float64) - mu2  # (N2, D)
    k1, k2 = n1 - 1, n2 - 1
    tr_covmean = np.linalg.svd(a1 @ a2.T, compute_uv=False).sum() / \
        math.sqrt(k1 * k2)
    return _frechet(mu1 - mu2, (a1**2).sum() / k1, (a2**2).sum() / k2,
                    tr_covmean)


def fid_kid_from_features(real: np.ndarray,
                          fake: np.ndarray,
                          seed: int = 0) -> FIDResult:
    """FID and KID from two feature sets.

    Args:
        real (np.ndarray): (N, D) features of the real images, N >= 2.
        fake (np.ndarray): (M, D) features of the generated images, M >= 2.
        seed (int): Seed of the KID subsets. Defaults to 0.

    Returns:
        FIDResult: The values, with the image counts.
    """
    fid = frechet_distance_from_features(real, fake)
    kid, kid_std = kernel_inception_distance(real, fake, seed=seed)
    return FIDResult(fid, kid, kid_std, len(real), len(fake))


def compute_fid_kid(real: ImageArray,
                    fake: ImageArray,
                    weights: Optional[str] = None,
                    device: str = 'cpu',
                    seed: int = 0) -> FIDResult:
    """FID and KID between two image sets, or n/a without weights.

    Args:
        real (np.ndarray | torch.Tensor): (N, C, H, W) real images, RGB
            (C = 3) or grayscale (C = 1), uint8 or float in [0, 255].
        fake (np.ndarray | torch.Tensor): (M, C, H, W) generated images.
        weights (str, optional): Inception weights file or folder; see
            :func:`find_inception_weights`. Defaults to None.
        device (str): Torch device. Defaults to 'cpu'.
        seed (int): Seed of the KID subsets. Defaults to 0.

    Returns:
        FIDResult: Values, or NaN with ``message`` when the weights are
        missing (never raises for missing weights, never downloads).
    """
    real, fake = check_images(real, name='real'), check_images(
        fake, name='fake')
    extractor, message = load_clean_inception(weights, device)
    if extractor is None:
        return FIDResult.not_available(message)
    return fid_kid_from_features(extractor(real), extractor(fake), seed)
