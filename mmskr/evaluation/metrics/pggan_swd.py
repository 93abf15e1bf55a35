"""SWD metric following the PGGAN protocol (see ``functional/swd.py``)."""
from typing import Dict, List, Optional

import numpy as np
from mmagic.registry import METRICS

from ..functional.swd import (swd_descriptors, swd_from_descriptors,
                              swd_resolutions)
from .base_image_set_metric import ImageSetMetric


@METRICS.register_module()
class PGGANSWD(ImageSetMetric):
    """Sliced Wasserstein distance, PGGAN protocol, x 1e3.

    Laplacian pyramid down to 16 px, 128 random 7x7 patches per image and
    level, per-channel normalisation of each descriptor set, 512 random
    directions; every level and the average are reported (keys
    ``swd_pggan/{resolution}`` and ``swd_pggan/avg``). Seeded: the value
    depends only on the two image sets and ``seed``. mmagic's ``SWD`` differs
    (at most 4 levels, zero-padded borders, nearest-neighbour upsampling,
    unseeded): see ``docs/metrics.md``.

    Real images are read once from the evaluation data set (``real_nums``,
    default all) and may be fewer or more than ``fake_nums`` (the paper: 100
    generated images).

    Args:
        fake_nums (int): Generated images (>= 1).
        seed (int): Seed of patches and directions. Defaults to 0.
        **kwargs: ``real_nums``, ``fake_key``, ``real_key``,
            ``channel_order``, ``sample_model``, ``prefix``, ... of
            :class:`ImageSetMetric`.
    """
    name = 'SWD-PGGAN'
    default_prefix = 'swd_pggan'
    compares_with_real = True

    def __init__(self, fake_nums: int, seed: int = 0, **kwargs) -> None:
        super().__init__(fake_nums, **kwargs)
        self.seed = seed
        self._real_descriptors: Optional[List[np.ndarray]] = None

    def compute_images(self, real: Optional[np.ndarray],
                       fake: np.ndarray) -> Dict[str, float]:
        """SWD x 1e3 per level and ``avg`` (real descriptors cached).

        Args:
            real (np.ndarray): (N, C, H, W) uint8 RGB real images.
            fake (np.ndarray): (M, C, H, W) uint8 RGB generated images.

        Returns:
            dict[str, float]: ``{'64': ..., '32': ..., '16': ..., 'avg': ...}``
            for 64 px images.
        """
        if real is None:
            raise RuntimeError('PGGANSWD has no real images: the evaluator '
                               'calls prepare() before evaluating')
        if real.shape[1:] != fake.shape[1:]:
            raise ValueError('PGGANSWD: real and generated images differ in '
                             f'shape (C, H, W): {real.shape[1:]} vs '
                             f'{fake.shape[1:]}')
        if self._real_descriptors is None:
            self._real_descriptors = swd_descriptors(real, self.seed)
        return swd_from_descriptors(self._real_descriptors,
                                    swd_descriptors(fake, self.seed),
                                    swd_resolutions(real.shape[2]),
                                    self.seed)
