"""The two conversions to uint8 images, by what they are given.

* :func:`tensor_to_uint8`: model outputs and packed samples, float tensors
  in a known value range (``[0, 255]`` or ``[-1, 1]``): rescaled, rounded
  (``torch.round``: halves to even), clipped.
* :func:`array_to_uint8`: decoded image files of any supported dtype
  (uint8, uint16, float): the dtype's natural range mapped onto 0..255.

Intensity windows of medical data (CT in HU, 12-bit MRI) are not a dtype
question: :func:`mmskr.datasets.io.window_to_uint8` and
:func:`~mmskr.datasets.io.minmax_to_uint8` do those.
"""
import math
from typing import Tuple

import cv2
import numpy as np
import torch

__all__ = ['array_to_uint8', 'tensor_to_uint8']


def tensor_to_uint8(images: torch.Tensor,
                    value_range: Tuple[float, float] = (0., 255.)
                    ) -> np.ndarray:
    """Float images in ``value_range`` -> uint8 of the same shape.

    ``out = clip(round((clip(x, lo, hi) - lo) * 255 / (hi - lo)), 0, 255)``;
    for the default ``(0, 255)`` that is ``clip(round(x), 0, 255)``.

    Args:
        images (Tensor): Any shape, e.g. (N, C, H, W), any float dtype, any
            device.
        value_range (tuple[float, float]): ``(lo, hi)``, ``lo < hi``.

    Returns:
        np.ndarray: uint8 on the CPU.
    """
    lo, hi = value_range
    if not hi > lo:
        raise ValueError(f'value_range must be (lo, hi) with lo < hi, got '
                         f'{value_range}')
    x = images.detach().cpu().float()
    if (lo, hi) != (0., 255.):
        x = (x.clamp(lo, hi) - lo) * (255. / (hi - lo))
    return x.round().clamp(0, 255).to(torch.uint8).numpy()


def array_to_uint8(img: np.ndarray) -> np.ndarray:
    """Map an image of a supported dtype to ``uint8`` without other changes.

    * ``uint8``: returned as is (no copy).
    * ``uint16``: divided by 257 and rounded, so the full 16-bit range maps
      onto 0..255 and ``x * 257`` gives back ``x``. Data that use fewer bits
      (12-bit MRI, CT in HU) must be windowed or scaled by the caller.
    * floating point: values all in [0, 1] are multiplied by 255 and
      rounded; otherwise the array is min-max stretched to 0..255 (a
      constant array outside [0, 1] gives zeros).

    Args:
        img (np.ndarray): Image of any shape, dtype ``uint8``, ``uint16`` or
            floating point (finite values).

    Returns:
        np.ndarray: ``uint8`` array of the same shape.

    Raises:
        ValueError: If the dtype is not supported or a float image holds NaN
            or infinity.
    """
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.uint16:
        return cv2.convertScaleAbs(img, alpha=1.0 / 257.0)
    if np.issubdtype(img.dtype, np.floating):
        data = img if img.dtype in (np.float32, np.float64) else \
            img.astype(np.float32)
        lo, hi = float(data.min()), float(data.max())
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError('float image must be finite, '
                             f'found min={lo}, max={hi}')
        if lo >= 0.0 and hi <= 1.0:
            alpha, beta = 255.0, 0.0
        elif hi > lo:
            alpha = 255.0 / (hi - lo)
            beta = -lo * alpha
        else:
            alpha, beta = 0.0, 0.0
        return cv2.convertScaleAbs(data, alpha=alpha, beta=beta)
    hint = ('; window signed data (e.g. CT in HU) to uint8 first'
            if np.issubdtype(img.dtype, np.signedinteger) else '')
    raise ValueError('sketch_draft: expected dtype uint8, uint16 or float, '
                     f'found {img.dtype}{hint}')
