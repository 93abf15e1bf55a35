"""mmagic's PGGAN, trained as SkrGAN's sketch module, whose samples always
have the final resolution."""
from typing import List, Optional

import torch.nn.functional as F
from mmagic.registry import MODELS
from mmagic.structures import DataSample

from .scheduled_pggan import ScheduledPGGAN


@MODELS.register_module()
class FullResolutionPGGAN(ScheduledPGGAN):
    """``ProgressiveGrowingGAN`` (mmagic) with full-size samples.

    Trained by :class:`ScheduledPGGAN`'s step, the one of SkrGAN's sketch
    module: a resumable schedule, anti-aliased reals faded in with the
    generator (upstream restarts a fade-in after ``--resume``, point-samples
    the reals and does not fade them in). Upstream samples at the scale of
    the current stage (4x4 at the start), so mmagic's ``SWD`` metric, which
    asserts a fixed ``image_shape``, fails on any validation before the
    last stage (mmagic's own PGGAN configs switch validation off). Here the
    sampled images (``fake_img``, also under ``orig``/``ema``) are
    nearest-upsampled to the last scale of ``nkimgs_per_scale``, as the
    generator's own fade-in upsamples, so validation works at every stage
    and a benchmark compares images of one size with the other methods.

    Args:
        *args, **kwargs: As for :class:`ScheduledPGGAN` (``generator``,
            ``discriminator``, ``data_preprocessor``, ``nkimgs_per_scale``,
            ``transition_kimgs``, ``interp_real``, ``real_fade_in``,
            ``noise_size``, ``ema_config``).
    """

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
