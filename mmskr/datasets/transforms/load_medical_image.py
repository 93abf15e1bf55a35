"""Pipeline step that decodes a medical image file (any mode, 16-bit CT)."""
from typing import Optional, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform

from mmagic.registry import TRANSFORMS
from ..io import (DEFAULT_MAX_PIXELS, DEFAULT_WINDOW, normalize_window,
                  read_medical_image)


@TRANSFORMS.register_module()
class LoadMedicalImage(BaseTransform):
    """Load an image with :func:`~mmskr.datasets.io.read_medical_image`.

    A drop-in for mmagic's ``LoadImageFromFile`` that reads by content
    (PNG named ``.jpg``, GIF, RGBA, palette), windows signed 16-bit CT and
    always returns RGB channel order, so mmagic's ``Resize``,
    ``PackInputs`` and ``DataPreprocessor`` treat the output like
    ``LoadImageFromFile(key, channel_order='rgb')`` output. 1-channel images
    stay HxWx1 (mmagic's ``Resize`` keeps the axis, ``PackInputs`` gives a
    1xHxW tensor).

    Required Keys:

    - [KEY]_path

    Added Keys:

    - [KEY]: HxWxC uint8 in [0, 255] (float32 with the same values if
      ``to_float32``), C = ``channels``, RGB order
    - ori_[KEY]_shape: (H, W, C)
    - [KEY]_channel_order: ``'rgb'``
    - [KEY]_color_type: ``'color'`` (C = 3) or ``'grayscale'`` (C = 1)

    Args:
        key (str): Results key; the path is read from ``f'{key}_path'``.
            Defaults to ``'gt'``.
        channels (int): 3 (RGB; gray images are replicated) or 1 (gray; RGB
            images become ITU-R 601 luma). Defaults to 3.
        window (tuple[float, float] | str | None): Window ``(lo, hi)`` for
            signed 16-bit data (CT, Hounsfield-like units) mapped to 0..255;
            None min-max scales it; ``'percentile'`` windows every image of
            more than 8 bits per sample by its own 0.5 / 99.5 percentiles
            (the folder configs). A data set's own window (the data info's
            ``f'{key}_window'``, from ``MedicalImageDataset(window=...)``)
            takes precedence. Defaults to ``(-1000, 400)``.
        max_pixels (int): Largest accepted ``width * height``. Defaults to
            :data:`~mmskr.datasets.io.DEFAULT_MAX_PIXELS` (100 megapixels).
        to_float32 (bool): Return float32 instead of uint8 (values still in
            [0, 255]). Defaults to False.

    Raises:
        FileNotFoundError: the file is missing (when called).
        mmskr.datasets.io.BadImageError: the file cannot be decoded (when
            called).
        ValueError: ``channels`` not 1 or 3, or a bad ``window``.
    """

    def __init__(self,
                 key: str = 'gt',
                 channels: int = 3,
                 window: Union[None, str, Sequence[float]] = DEFAULT_WINDOW,
                 max_pixels: int = DEFAULT_MAX_PIXELS,
                 to_float32: bool = False) -> None:
        if channels not in (1, 3):
            raise ValueError(
                f'LoadMedicalImage channels must be 1 or 3, got {channels!r}')
        self.key = key
        self.channels = channels
        self.window = normalize_window(window)
        self.max_pixels = max_pixels
        self.to_float32 = to_float32

    def transform(self, results: dict) -> dict:
        """Read ``results[f'{key}_path']`` into ``results[key]``.

        Args:
            results (dict): Must hold ``f'{key}_path'`` (str).

        Returns:
            dict: ``results`` with the added keys listed above.
        """
        path_key = f'{self.key}_path'
        if path_key not in results:
            raise KeyError(
                f'LoadMedicalImage(key={self.key!r}) needs results['
                f'{path_key!r}], found keys {sorted(results)}')
        window = results.get(f'{self.key}_window')
        img = read_medical_image(
            str(results[path_key]),
            channels=self.channels,
            window=self.window if window is None else window,
            max_pixels=self.max_pixels)
        if self.to_float32:
            img = img.astype(np.float32)
        results[self.key] = img
        results[f'ori_{self.key}_shape'] = img.shape
        results[f'{self.key}_channel_order'] = 'rgb'
        results[f'{self.key}_color_type'] = ('color' if self.channels == 3
                                             else 'grayscale')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(key={self.key!r}, '
                f'channels={self.channels}, window={self.window}, '
                f'max_pixels={self.max_pixels}, '
                f'to_float32={self.to_float32})')
