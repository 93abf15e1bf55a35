"""mmagic's PGGAN whose samples always have the final resolution."""
from typing import List, Optional

import torch.nn.functional as F
from mmagic.models.editors.pggan import ProgressiveGrowingGAN
from mmagic.registry import MODELS
from mmagic.structures import DataSample

from ...utils import scheduled_stage


@MODELS.register_module()
class FullResolutionPGGAN(ProgressiveGrowingGAN):
    """``ProgressiveGrowingGAN`` (mmagic) with full-size samples.

    Training is mmagic's except where the fade-in starts: upstream keeps
    the start of the current stage in ``_actual_nkimgs``, a Python list that
    no checkpoint holds, so after ``--resume`` in the middle of a fade-in it
    starts the fade-in again from the resumed image count (the resumed run
    differs from an uninterrupted one). Here a stage starts at its
    scheduled boundary (``cum_nkimgs``), the same rule as SkrGAN's sketch
    module; an uninterrupted run differs from upstream's by less than one
    batch of fade-in. Upstream samples at the scale of the
    current stage (4x4 at the start), so mmagic's ``SWD`` metric, which
    asserts a fixed ``image_shape``, fails on any validation before the
    last stage (mmagic's own PGGAN configs switch validation off). Here the
    sampled images (``fake_img``, also under ``orig``/``ema``) are
    nearest-upsampled to the last scale of ``nkimgs_per_scale``, as the
    generator's own fade-in upsamples, so validation works at every stage
    and a benchmark compares images of one size with the other methods.

    Args:
        *args, **kwargs: As for ``ProgressiveGrowingGAN`` (``generator``,
            ``discriminator``, ``data_preprocessor``, ``nkimgs_per_scale``,
            ``noise_size``, ``interp_real``, ``transition_kimgs``,
            ``prev_stage``, ``ema_config``).
    """

    def train_step(self, data: dict, optim_wrapper):
        """mmagic's step, the current stage's start set from the schedule."""
        stage, start = scheduled_stage(self.cum_nkimgs,
                                       self.shown_nkimg.item())
        if stage != self.prev_stage:
            self.prev_stage = stage
            self._actual_nkimgs.append(start)
        return super().train_step(data, optim_wrapper)

    def forward(self,
                inputs,
                data_samples: Optional[list] = None,
                mode: Optional[str] = None) -> List[DataSample]:
        """Sample images; ``fake_img`` is (C, S, S) in [0, 255] per sample,
        S the final scale.

        Args:
            inputs (dict | Tensor): As for ``ProgressiveGrowingGAN.forward``
                (``num_batches``, ``noise``, ``sample_model``, ...).
            data_samples (list, optional): Data samples. Defaults to None.
            mode (str, optional): Unused. Defaults to None.

        Returns:
            list[DataSample]: One sample per image.
        """
        samples = super().forward(inputs, data_samples, mode)
        size = tuple(self.scales[-1])
        for sample in samples:
            for holder in (sample, sample.get('orig'), sample.get('ema')):
                if holder is None or 'fake_img' not in holder:
                    continue
                img = holder.fake_img
                if tuple(img.shape[-2:]) != size:
                    holder.fake_img = F.interpolate(
                        img[None], size=size, mode='nearest')[0]
        return samples
