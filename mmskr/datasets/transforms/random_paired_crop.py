"""Pipeline step: one random patch, at the same place in several arrays."""
from typing import Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmagic.registry import TRANSFORMS


def paired_crop(arrays: Sequence[np.ndarray], top: int, left: int,
                size: int) -> list:
    """``a[top:top + size, left:left + size]`` of each array (HxW[xC])."""
    return [a[top:top + size, left:left + size] for a in arrays]


@TRANSFORMS.register_module()
class RandomPairedCrop(BaseTransform):
    """Crop a random ``crop_size`` square patch at the same place in
    every key (mmagic's ``Crop`` draws a separate place per key).

    Required Keys:

    - [KEYS]: HxW[xC] arrays of the same H and W

    Modified Keys:

    - [KEYS]: crop_size x crop_size[xC]

    Added Keys:

    - crop_bbox: ``[left, top, crop_size, crop_size]``

    Args:
        keys (Sequence[str]): Arrays to crop. Defaults to
            ``('img', 'vessel', 'fov')``.
        crop_size (int): Patch side in pixels; arrays that are not larger
            are left unchanged.
        centre_key (str, optional): An HxW mask (e.g. ``'fov'``): the
            patch's centre pixel ``(top + size // 2, left + size // 2)`` is
            drawn uniformly among its nonzero pixels whose patch fits in the
            image, so patches of a fundus photograph lie on the field of
            view rather than on its black border. None (default): the
            patch's place is uniform over the image.
    """

    def __init__(self,
                 crop_size: int,
                 keys: Sequence[str] = ('img', 'vessel', 'fov'),
                 centre_key: Optional[str] = None) -> None:
        if not isinstance(crop_size, int) or crop_size < 1:
            raise ValueError(
                f'crop_size must be a positive int, got {crop_size!r}')
        self.keys = tuple(keys)
        self.crop_size = crop_size
        self.centre_key = centre_key

    def _place(self, results: dict, h: int, w: int, size: int) -> tuple:
        """(top, left) of the patch."""
        if self.centre_key is None:
            return (np.random.randint(0, h - size + 1),
                    np.random.randint(0, w - size + 1))
        half = size // 2
        # centres whose patch fits: rows half..h-size+half, likewise cols
        mask = np.asarray(results[self.centre_key]).reshape(h, w)  # HxW[x1]
        allowed = mask[half:h - size + half + 1, half:w - size + half + 1]
        ys, xs = np.nonzero(allowed)
        if not len(ys):
            raise ValueError(f'RandomPairedCrop: {self.centre_key!r} has no '
                             f'pixel where a {size} px patch fits (image '
                             f'{h}x{w}); check the mask or the crop_size')
        i = np.random.randint(len(ys))
        return int(ys[i]), int(xs[i])

    def transform(self, results: dict) -> dict:
        shapes = {k: results[k].shape[:2] for k in self.keys}
        if len(set(shapes.values())) != 1:
            raise ValueError(f'RandomPairedCrop: keys differ in size: '
                             f'{shapes}')
        h, w = shapes[self.keys[0]]
        size = min(self.crop_size, h, w)
        top, left = self._place(results, h, w, size)
        cropped = paired_crop([results[k] for k in self.keys], top, left,
                              size)
        results.update(zip(self.keys, cropped))
        results['crop_bbox'] = [left, top, size, size]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(crop_size={self.crop_size}, '
                f'keys={self.keys}, centre_key={self.centre_key!r})')
