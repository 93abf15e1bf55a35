"""Input checks shared by the image-set metrics (SWD, MS-SSIM, FID)."""
from typing import Sequence, Union

import numpy as np
import torch

__all__ = ['ImageArray', 'check_images']

ImageArray = Union[np.ndarray, torch.Tensor]


def check_images(images: ImageArray,
                 channels: Sequence[int] = (1, 3),
                 name: str = 'images') -> np.ndarray:
    """Check a batch of images and return it as a numpy array.

    Args:
        images (np.ndarray | torch.Tensor): (N, C, H, W), uint8 or float
            with values in [0, 255].
        channels (Sequence[int]): Accepted values of C. Defaults to (1, 3).
        name (str): Name used in error messages.

    Returns:
        np.ndarray: The same (N, C, H, W) values and dtype (no copy for a
        numpy input).
    """
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu().numpy()
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[1] not in channels:
        raise ValueError(f'{name} must be (N, C, H, W) with C in '
                         f'{tuple(channels)}, found shape {images.shape}')
    if images.shape[0] == 0:
        raise ValueError(f'{name} is empty')
    low, high = float(images.min()), float(images.max())
    if low < 0 or high > 255:
        raise ValueError(f'{name} must have values in [0, 255], found '
                         f'[{low:.3g}, {high:.3g}]')
    return images
