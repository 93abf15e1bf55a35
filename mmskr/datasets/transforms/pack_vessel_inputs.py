"""Pipeline step: (image, vessel label, FOV mask) arrays -> model input."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmagic.registry import TRANSFORMS


def to_chw_float(a: np.ndarray, scale: float) -> torch.Tensor:
    """HxW or HxWxC array -> (C, H, W) float32 tensor, divided by scale."""
    a = np.ascontiguousarray(a.reshape(a.shape[:2] + (-1, )))
    return torch.from_numpy(a).permute(2, 0, 1).float().div_(scale)


def image_to_input(img: np.ndarray) -> torch.Tensor:
    """HxWx3 uint8 RGB -> (3, H, W) float32 in [-1, 1]: ``img / 127.5 - 1``.
    """
    return to_chw_float(img, 127.5).sub_(1.0)


@TRANSFORMS.register_module()
class PackVesselInputs(BaseTransform):
    """Pack a triple for :class:`~mmskr.models.VesselSegmentor`.

    Collated with ``default_collate`` the batch is
    ``dict(inputs=(N, 3, H, W), data_samples=dict(gt_vessel=(N, 1, H, W),
    fov=(N, 1, H, W)))``.

    Required Keys:

    - img: HxWx3 uint8 RGB in [0, 255]
    - vessel: HxW[x1] uint8 in {0, 1}
    - fov: HxW[x1] uint8 in {0, 1}

    Added Keys:

    - inputs: (3, H, W) float32 in [-1, 1] (``img / 127.5 - 1``)
    - data_samples: dict with ``gt_vessel`` and ``fov``, (1, H, W) float32
      in {0, 1}
    """

    def transform(self, results: dict) -> dict:
        for key in ('img', 'vessel', 'fov'):
            if key not in results:
                raise KeyError(f'PackVesselInputs needs results[{key!r}], '
                               f'found keys {sorted(results)}')
        inputs = image_to_input(results['img'])
        samples = dict(gt_vessel=to_chw_float(results['vessel'], 1.0),
                       fov=to_chw_float(results['fov'], 1.0))
        return dict(inputs=inputs, data_samples=samples)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}()'
