"""FID and KID on clean-fid's Inception; NaN (not an error) without it."""
import logging
from typing import Dict, Optional

import numpy as np
import torch.nn as nn
from mmagic.registry import METRICS
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from ..functional.fid import (CleanInception, FIDResult,
                              fid_kid_from_features, find_inception_weights,
                              load_clean_inception)
from .base_image_set_metric import ImageSetMetric


@METRICS.register_module()
class CleanFID(ImageSetMetric):
    """FID and KID between generated and real images (clean-fid features).

    Keys: ``clean_fid/fid``, ``clean_fid/kid``, ``clean_fid/kid_std``.
    The Inception weights (``inception-2015-12-05.pt``) are read from
    ``inception_path``, ``$MMSKR_INCEPTION_WEIGHTS``, clean-fid's cache
    (``/tmp``) or mmagic's cache (``~/.cache/openmmlab/mmagic``) and never
    downloaded. Without them the metric logs where to put the file and
    returns NaN values: a training run is not interrupted.

    Args:
        fake_nums (int): Generated images (>= 2).
        inception_path (str, optional): The weights file or its folder.
            Defaults to None.
        seed (int): Seed of the KID subsets. Defaults to 0.
        **kwargs: ``real_nums`` (default -1 = all), ``fake_key``,
            ``real_key``, ``channel_order``, ``sample_model``, ``prefix``,
            ... of :class:`ImageSetMetric`.
    """
    name = 'CleanFID'
    default_prefix = 'clean_fid'
    min_fake_nums = 2
    compares_with_real = True

    def __init__(self,
                 fake_nums: int,
                 inception_path: Optional[str] = None,
                 seed: int = 0,
                 **kwargs) -> None:
        super().__init__(fake_nums, **kwargs)
        self.inception_path = inception_path
        self.seed = seed
        self.message = find_inception_weights(inception_path).message
        if self.message:
            print_log(self.message, 'current', logging.WARNING)
        self.inception: Optional[CleanInception] = None
        self._real_features: Optional[np.ndarray] = None

    @property
    def needs_real_images(self) -> bool:
        """Real images are read only when the Inception is available."""
        return self.real_nums != 0 and not self.message

    def prepare(self, module: nn.Module, dataloader: DataLoader) -> None:
        """Load the Inception on the model's device, then read the reals.

        Args:
            module (nn.Module): The model to evaluate.
            dataloader (DataLoader): The evaluation data (real images).
        """
        if not self.message and self.inception is None:
            device = str(module.data_preprocessor.device)
            self.inception, self.message = load_clean_inception(
                self.inception_path, device)
            if self.message:
                print_log(self.message, 'current', logging.WARNING)
        super().prepare(module, dataloader)

    def compute_images(self, real: Optional[np.ndarray],
                       fake: np.ndarray) -> Dict[str, float]:
        """FID, KID and its standard deviation; NaN with a logged message
        when the Inception is not available.

        Args:
            real (np.ndarray): (N, C, H, W) uint8 RGB real images.
            fake (np.ndarray): (M, C, H, W) uint8 RGB generated images.

        Returns:
            dict[str, float]: ``{'fid': ..., 'kid': ..., 'kid_std': ...}``.
        """
        if self.inception is None:
            message = self.message or 'CleanFID.prepare() was not called'
            print_log(message, 'current', logging.WARNING)
            return FIDResult.not_available(message).as_dict()
        if self._real_features is None:
            self._real_features = self.inception(real)
        return fid_kid_from_features(self._real_features,
                                     self.inception(fake),
                                     self.seed).as_dict()
