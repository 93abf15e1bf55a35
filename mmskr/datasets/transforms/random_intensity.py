"""Pipeline step: random brightness, contrast and gamma of an image."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmagic.registry import TRANSFORMS


def adjust_intensity(img: np.ndarray, brightness: float = 1.0,
                     contrast: float = 1.0, gamma: float = 1.0) -> np.ndarray:
    """Gamma, then contrast about the mean, then brightness.

    With ``x = img / 255``: ``y = ((x ** gamma - m) * contrast + m) *
    brightness``, ``m`` the mean of ``x ** gamma`` over all pixels and
    channels; clipped to [0, 1] and rounded back to uint8.

    Args:
        img (np.ndarray): HxWxC uint8 in [0, 255].
        brightness (float): Multiplier (> 0). Defaults to 1.0 (unchanged).
        contrast (float): Multiplier of the deviation from the mean (>= 0).
            Defaults to 1.0.
        gamma (float): Exponent (> 0). Defaults to 1.0.

    Returns:
        np.ndarray: HxWxC uint8; all three at 1.0 return the input values.
    """
    x = (img.astype(np.float32) / 255.0)**gamma
    m = x.mean()
    y = ((x - m) * contrast + m) * brightness
    return np.clip(y * 255.0 + 0.5, 0, 255).astype(np.uint8)


@TRANSFORMS.register_module()
class RandomIntensity(BaseTransform):
    """Classic photometric augmentation of a fundus image.

    Draws ``brightness`` from ``[1 - b, 1 + b]``, ``contrast`` from
    ``[1 - c, 1 + c]`` and ``gamma`` from ``[1 - g, 1 + g]`` (uniform, from
    numpy's global generator, which the Runner seeds) and calls
    :func:`adjust_intensity`. Labels and masks are not touched.

    Required Keys:

    - [KEY]: HxWxC uint8

    Modified Keys:

    - [KEY]

    Args:
        key (str): The image. Defaults to ``'img'``.
        brightness (float): ``b`` in [0, 1). Defaults to 0.2.
        contrast (float): ``c`` in [0, 1). Defaults to 0.2.
        gamma (float): ``g`` in [0, 1). Defaults to 0.2.
    """

    def __init__(self, key: str = 'img', brightness: float = 0.2,
                 contrast: float = 0.2, gamma: float = 0.2) -> None:
        for name, v in (('brightness', brightness), ('contrast', contrast),
                        ('gamma', gamma)):
            if not 0 <= v < 1:
                raise ValueError(f'RandomIntensity {name} must be in [0, 1), '
                                 f'got {v!r}')
        self.key = key
        self.brightness = brightness
        self.contrast = contrast
        self.gamma = gamma

    def transform(self, results: dict) -> dict:
        b, c, g = np.random.uniform(-1, 1, 3) * (self.brightness,
                                                 self.contrast, self.gamma)
        results[self.key] = adjust_intensity(results[self.key], 1 + b, 1 + c,
                                             1 + g)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(key={self.key!r}, '
                f'brightness={self.brightness}, contrast={self.contrast}, '
                f'gamma={self.gamma})')
