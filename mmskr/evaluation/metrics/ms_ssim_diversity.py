"""MS-SSIM diversity of generated images, with real pairs as reference."""
import math
from typing import Dict, Optional

import numpy as np
from mmagic.registry import METRICS

from ..functional.ms_ssim import ms_ssim_diversity
from .base_image_set_metric import ImageSetMetric

MS_SSIM_FAKE_KEY = 'fake'
MS_SSIM_REAL_KEY = 'real'


@METRICS.register_module()
class MSSSIMDiversity(ImageSetMetric):
    """Mean MS-SSIM over random pairs of generated images, and of real ones.

    Keys: ``ms_ssim/fake`` (pairs of generated images) and ``ms_ssim/real``
    (the same measure on pairs of real images, NaN when ``real_nums=0``).
    Lower = more diverse, 1 = collapsed; a good model is close to the real
    value. SkrGAN's Table 1 marks this column "higher is better". Below
    176 px fewer scales are used so that the coarsest keeps an 11x11 window
    (64 px: 3 scales; see ``functional/ms_ssim.py``).

    Args:
        fake_nums (int): Generated images (>= 2).
        num_pairs (int, optional): Pairs per set; None = ``N // 2`` disjoint
            pairs. Defaults to None.
        seed (int): Seed of the pairs. Defaults to 0.
        num_scales (int, optional): MS-SSIM scales; None = from the size.
            Defaults to None.
        **kwargs: ``real_nums`` (default -1 = all), ``fake_key``,
            ``real_key``, ``sample_model``, ``prefix``, ... of
            :class:`ImageSetMetric`.
    """
    name = 'MS-SSIM-diversity'
    default_prefix = 'ms_ssim'
    min_fake_nums = 2  # one pair

    def __init__(self,
                 fake_nums: int,
                 num_pairs: Optional[int] = None,
                 seed: int = 0,
                 num_scales: Optional[int] = None,
                 **kwargs) -> None:
        super().__init__(fake_nums, **kwargs)
        self.num_pairs = num_pairs
        self.seed = seed
        self.num_scales = num_scales
        self._real_value: Optional[float] = None

    def _diversity(self, images: np.ndarray) -> float:
        return ms_ssim_diversity(images, self.num_pairs, self.seed,
                                 self.num_scales)

    def compute_images(self, real: Optional[np.ndarray],
                       fake: np.ndarray) -> Dict[str, float]:
        """Mean MS-SSIM of generated pairs and of real pairs (cached).

        Args:
            real (np.ndarray, optional): (N, C, H, W) uint8 real images.
            fake (np.ndarray): (M, C, H, W) uint8 generated images.

        Returns:
            dict[str, float]: ``{'fake': ..., 'real': ...}``.
        """
        if self._real_value is None:
            self._real_value = (math.nan if real is None
                                else self._diversity(real))
        return {
            MS_SSIM_FAKE_KEY: self._diversity(fake),
            MS_SSIM_REAL_KEY: self._real_value
        }
