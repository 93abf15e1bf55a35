"""FRD v1 (2D), the Frechet Radiomics Distance, through ``frd-score``.

Konz, Osuala et al., "FRD: a metric designed for medical image distribution
comparison", Medical Image Analysis 2026 (arXiv 2412.01496): Gaussians
fitted to standardised PyRadiomics features of two image sets, and the
Frechet distance between them (v1 reports ``log(d^2)``). It needs no
network weights, so unlike FID it runs offline. It is not FID: it weighs
texture more than content (``../shared/notes/frd-field-notes.md``).

What this wrapper fixes (``frd-score`` 1.0.1 pitfalls):

* both sets become 8-bit luminance ``0.2125 R + 0.7154 G + 0.0721 B``
  here, the same way (the package converts RGB silently and gets RGBA
  wrong);
* v1 normalises the features against the *first* set: the real set is
  always passed first;
* one constant image makes v1 fail for the whole set: such images are
  refused with the result n/a and a message naming them;
* sets must share one resolution (the covariances are rank-deficient for
  20-100 images, so compare at equal counts where the data allow).
"""
import contextlib
import io
import os
import os.path as osp
import tempfile
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

__all__ = ['FRD_KEY', 'FRD_LABEL', 'FRDResult', 'compute_frd', 'luminance']

FRD_KEY = 'frd'
FRD_LABEL = 'FRD v1 (2D)'
_LUMA = np.array([0.2125, 0.7154, 0.0721])


@dataclass
class FRDResult:
    """``value`` (None when n/a) and ``message`` (why n/a, else '')."""
    value: Optional[float]
    message: str = ''


def luminance(images: np.ndarray) -> np.ndarray:
    """(N, C, H, W) uint8 with C in {1, 3} -> (N, H, W) uint8 luminance."""
    a = np.asarray(images)
    if a.ndim != 4 or a.dtype != np.uint8 or a.shape[1] not in (1, 3):
        raise ValueError(f'expected (N, 1 or 3, H, W) uint8 images, got '
                         f'{a.dtype} {a.shape}')
    if a.shape[1] == 1:
        return a[:, 0].copy()
    y = np.tensordot(_LUMA, a.astype(np.float64), axes=([0], [1]))
    return np.clip(np.rint(y), 0, 255).astype(np.uint8)


def _constant(images: np.ndarray) -> list:
    flat = images.reshape(len(images), -1)
    return np.flatnonzero(flat.min(1) == flat.max(1)).tolist()


def compute_frd(real: np.ndarray,
                fake: np.ndarray,
                num_workers: int = 1) -> FRDResult:
    """FRD v1 (2D) of ``fake`` against ``real`` (real first).

    Args:
        real (np.ndarray): (M, C, H, W) uint8, C in {1, 3}.
        fake (np.ndarray): (N, C, H, W) uint8, same H and W.
        num_workers (int): Feature extraction processes.

    Returns:
        FRDResult: the value (``log(d^2)``; lower is closer), or None with
        a message when the package is missing or a set holds a constant
        image.
    """
    if real.shape[2:] != fake.shape[2:]:
        raise ValueError(f'FRD compares sets at one resolution, got real '
                         f'{real.shape[2:]} and fake {fake.shape[2:]}')
    try:
        from frd_score import frd
    except ImportError as e:
        return FRDResult(None, f'FRD n/a: frd-score is not installed ({e}); '
                         'make install installs it')
    real_y, fake_y = luminance(real), luminance(fake)
    for name, images in (('real', real_y), ('generated', fake_y)):
        blank = _constant(images)
        if blank:
            return FRDResult(
                None, f'FRD n/a: {len(blank)} {name} image(s) are constant '
                f'(indices {blank[:5]}), which FRD v1 cannot measure')
    with tempfile.TemporaryDirectory(prefix='mmskr-frd-') as tmp:
        dirs = []
        for name, images in (('real', real_y), ('fake', fake_y)):
            d = osp.join(tmp, name)
            dirs.append(d)
            os.makedirs(d)
            for i, img in enumerate(images):
                cv2.imwrite(osp.join(d, f'{i:05d}.png'), img)
        with contextlib.redirect_stdout(io.StringIO()):  # prints its value
            value = frd.compute_frd(dirs, frd_version='v1',
                                    num_workers=num_workers, verbose=False)
    return FRDResult(float(value))
