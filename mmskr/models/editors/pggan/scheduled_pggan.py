"""mmagic's PGGAN step with a resumable schedule and Karras et al.'s reals:
anti-aliased to the current scale and faded in with the generator."""
from typing import Dict, Optional, Tuple

import torch.nn.functional as F
from mmagic.models.editors.pggan import ProgressiveGrowingGAN
from mmagic.models.utils import set_requires_grad
from mmagic.structures import DataSample
from mmengine import MessageHub
from mmengine.dist import get_world_size
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from torch import Tensor

from ...utils import check_finite, scheduled_stage


class ScheduledPGGAN(ProgressiveGrowingGAN):
    """The progressive GAN step shared by SkrGAN's sketch module
    (:class:`~mmskr.models.ProgressiveSketchGAN`) and the PGGAN baseline
    (:class:`~mmskr.models.FullResolutionPGGAN`), so both train alike.

    mmagic's ``ProgressiveGrowingGAN`` step (WGAN-GP loss, one D step and
    one G step per batch, EMA after the G step) with three changes:

    * A resumable schedule: stage ``k`` starts at ``cum_nkimgs[k-1]`` and
      ``w = clip((shown - start) / transition_kimgs, 0, 1)`` (1 in the
      first stage), a pure function of ``shown_nkimg`` (a saved buffer).
      Upstream keeps the stage start in a list no checkpoint holds, so
      ``--resume`` in a fade-in restarts it.
    * Anti-aliased reals: the batch (N, C, H, W) is shrunk to the current
      scale S by ``interp_real`` (default ``mode='area'``: the mean of each
      (H/S)x(W/S) block, which keeps the image mean and a 1 px stroke as a
      faint line). Upstream's bilinear ``align_corners=True`` point-samples
      it: thin strokes and rings vanish at 4-16 px.
    * Real fade-in (``real_fade_in``, Karras et al. 2018, Sec. A.1): while
      the generator blends its new to-RGB output into the upsampled old
      one, ``G = up(g_{S/2}) + w (g_S - up(g_{S/2}))``, the reals are
      blended the same way, ``x = up(d(x_S)) + w (x_S - up(d(x_S)))``, with
      ``d`` the same shrink to S/2 and ``up`` the generator's nearest x2
      upsampling, so D never compares sharp reals with blurred fakes.
      Upstream skips it.

    Args:
        generator (dict): Generator config (``PGGANGenerator`` or
            :class:`~mmskr.models.SketchPGGANGenerator`).
        discriminator (dict): ``PGGANDiscriminator`` config.
        data_preprocessor (dict): Preprocessor config.
        nkimgs_per_scale (dict): Thousands of images shown per scale,
            e.g. ``{'4': 2, '8': 4, ..., '64': 12}``.
        transition_kimgs (float): Fade-in length in kimg. Default: 600.
        interp_real (dict, optional): ``F.interpolate`` arguments that shrink
            the reals. Default: ``dict(mode='area')``.
        real_fade_in (bool): Fade the reals in with the generator.
            Default: True.
        **kwargs: ``noise_size``, ``ema_config`` (mmagic's).
    """

    def __init__(self,
                 generator: dict,
                 discriminator: dict,
                 data_preprocessor: dict,
                 nkimgs_per_scale: dict,
                 transition_kimgs: float = 600,
                 interp_real: Optional[dict] = None,
                 real_fade_in: bool = True,
                 **kwargs):
        super().__init__(generator, discriminator, data_preprocessor,
                         nkimgs_per_scale,
                         interp_real=interp_real or dict(mode='area'),
                         transition_kimgs=transition_kimgs,
                         **kwargs)
        self.real_fade_in = real_fade_in

    def schedule(self, shown_nkimg: float) -> Tuple[int, int, float]:
        """Stage, scale and fade-in weight after ``shown_nkimg`` kimg.

        Returns:
            tuple: ``(stage, scale, transition_weight)``.
        """
        stage, start = scheduled_stage(self.cum_nkimgs, shown_nkimg)
        if stage == 0:
            weight = 1.
        else:
            weight = (shown_nkimg - start) / self.transition_kimgs \
                if self.transition_kimgs > 0 else 1.
            weight = float(min(max(weight, 0.), 1.))
        return stage, self.scales[stage][0], weight

    @property
    def current_scale(self) -> int:
        """Scale the generator samples at now (saved in the checkpoint)."""
        return int(self._curr_scale_int.item())

    def progressive_reals(self, reals: Tensor, scale: int,
                          weight: float) -> Tensor:
        """The reals D sees at ``scale`` with fade-in weight ``weight``.

        Args:
            reals (Tensor): (N, C, H, W), H and W at least ``scale``.
            scale (int): Current scale S.
            weight (float): The generator's fade-in weight w.

        Returns:
            Tensor: (N, C, S, S): the shrunk reals, blended with their
            half-resolution copy when ``real_fade_in`` and ``w < 1``.
        """
        if reals.shape[2] < scale or reals.shape[3] < scale:
            raise RuntimeError(
                f'real images of size {tuple(reals.shape[2:])} are smaller '
                f'than the current scale {scale}')
        if tuple(reals.shape[2:]) != (scale, scale):
            reals = self.interp_real_to(reals, size=(scale, scale))
        if not self.real_fade_in or weight >= 1.:
            return reals
        coarse = self.interp_real_to(reals, size=(scale // 2, scale // 2))
        coarse = F.interpolate(coarse, scale_factor=2, mode='nearest')
        return coarse + weight * (reals - coarse)

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, float]:
        """One D step and one G step on the batch's ``gt_img``."""
        data = self.data_preprocessor(data, True)
        return self.train_on_reals(data['data_samples'].gt_img,
                                   optim_wrapper)

    def train_on_reals(self, reals: Tensor,
                       optim_wrapper: OptimWrapperDict) -> Dict[str, float]:
        """One D update and (every ``discriminator_steps``) one G update.

        Args:
            reals (Tensor): Preprocessed images (N, C, H, W) in [-1, 1] at
                the final resolution (or any size from the current scale
                up; they are shrunk and faded in by
                :meth:`progressive_reals`).
            optim_wrapper (OptimWrapperDict): With ``generator_{scale}`` and
                ``discriminator_{scale}``.

        Returns:
            dict[str, float]: Losses, ``shown_nkimg``, ``curr_scale`` and
            ``transition_weight``.
        """
        curr_iter = MessageHub.get_current_instance().get_info('iter', 0)
        self.curr_stage, scale, weight = self.schedule(self.shown_nkimg.item())
        self.prev_stage = self.curr_stage
        self.curr_scale = self.scales[self.curr_stage]
        self._curr_scale_int.fill_(scale)
        self._curr_transition_weight.fill_(weight)
        reals = self.progressive_reals(reals, scale, weight)

        disc_wrapper = optim_wrapper[f'discriminator_{scale}']
        gen_wrapper = optim_wrapper[f'generator_{scale}']
        samples = [DataSample()] * reals.shape[0]

        with disc_wrapper.optim_context(self.discriminator):
            log_vars = self.train_discriminator(reals, samples, disc_wrapper)
        accu = disc_wrapper._accumulative_counts
        if (curr_iter + 1) % (self.discriminator_steps * accu) == 0:
            set_requires_grad(self.discriminator, False)
            gen_accu = gen_wrapper._accumulative_counts
            gen_wrapper.initialize_count_status(
                self.generator, 0, self.generator_steps * gen_accu)
            gen_logs = []
            for _ in range(self.generator_steps * gen_accu):
                with gen_wrapper.optim_context(self.generator):
                    gen_logs.append(
                        self.train_generator(reals, samples, gen_wrapper))
            gen_log = self.gather_log_vars(gen_logs)
            gen_log.pop('loss', None)
            set_requires_grad(self.discriminator, True)
            self._update_ema(curr_iter, accu)
            log_vars.update(gen_log)

        log_vars.pop('loss', None)  # the D total; its terms are logged
        self.shown_nkimg += reals.shape[0] * get_world_size() / 1000.
        # the scale of the next step (upstream's resume buffer)
        self._next_scale_int.fill_(self.schedule(self.shown_nkimg.item())[1])
        check_finite(log_vars, type(self).__name__, curr_iter)
        log_vars.update(
            shown_nkimg=self.shown_nkimg.item(),
            curr_scale=float(scale),
            transition_weight=weight)
        return log_vars

    def _update_ema(self, curr_iter: int, disc_accu: int) -> None:
        if not self.with_ema_gen:
            return
        gen = self.generator.module if is_model_wrapper(
            self.generator) else self.generator
        start = self.ema_start * self.discriminator_steps * disc_accu
        if curr_iter + 1 >= start:
            self.generator_ema.update_parameters(gen)
            if not self.generator_ema.update_buffers:
                self.generator_ema.sync_buffers(gen)
        else:
            self.generator_ema.sync_parameters(gen)
