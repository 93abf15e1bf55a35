"""Sketch guidance module of SkrGAN: a progressive GAN trained on sketches."""
from typing import Dict, List, Optional

import torch
from mmagic.models.editors.pggan import ProgressiveGrowingGAN
from mmagic.models.utils import get_valid_num_batches, set_requires_grad
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine import MessageHub
from mmengine.dist import get_world_size
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from torch import Tensor

from ...utils import check_finite, scheduled_stage


@MODELS.register_module()
class ProgressiveSketchGAN(ProgressiveGrowingGAN):
    """Sketch guidance module G_S / D_S of SkrGAN (paper, Sec. 2.2).

    mmagic's ``ProgressiveGrowingGAN`` (WGAN-GP loss, progressive growing
    with fade-in of the new to-RGB layer) trained on sketch drafts, with:

    * sketches read from ``data_samples.<sketch_key>`` (the ``SketchDraft``
      output, or ``gt_img`` for a folder of precomputed sketches);
    * a generator with sketch channels and the latent code of Eq. (1)
      (:class:`SketchPGGANGenerator`);
    * a resumable schedule: the stage and the fade-in weight are pure
      functions of the images shown (``shown_nkimg``, a saved buffer).
      Upstream keeps the stage start in a Python list that is not saved, so
      after ``--resume`` the fade-in restarts (or fails) unless
      ``prev_stage`` is set by hand. Here stage ``k`` starts at
      ``cum_nkimgs[k-1]`` and ``transition_weight = clip((shown - start) /
      transition_kimgs, 0, 1)``, identical with or without a restart.
    * a check that stops training on a NaN/Inf loss.

    Optimizer wrappers are mmagic's per-scale ones
    (``PGGANOptimWrapperConstructor``: ``generator_{scale}``,
    ``discriminator_{scale}``).

    Args:
        generator (dict): G_S config, usually ``SketchPGGANGenerator``.
        discriminator (dict): D_S config (``PGGANDiscriminator`` with
            ``in_channels`` = sketch channels).
        data_preprocessor (dict): Preprocessor config.
        nkimgs_per_scale (dict): Thousands of images shown per scale, e.g.
            ``{'4': 60, '8': 120, ..., '64': 600}`` (4 up to the sketch size).
        sketch_key (str): Data-sample field holding the real sketches.
            Defaults to ``'gt_sketch'``.
        transition_kimgs (float): Fade-in length in thousands of images.
        **kwargs: ``noise_size``, ``interp_real``, ``ema_config``.
    """

    def __init__(self,
                 generator: dict,
                 discriminator: dict,
                 data_preprocessor: dict,
                 nkimgs_per_scale: dict,
                 sketch_key: str = 'gt_sketch',
                 transition_kimgs: float = 600,
                 **kwargs):
        super().__init__(generator, discriminator, data_preprocessor,
                         nkimgs_per_scale,
                         transition_kimgs=transition_kimgs,
                         **kwargs)
        self.sketch_key = sketch_key
        out_scale = self.scales[-1][0]
        gen_scale = getattr(self.generator, 'out_scale', out_scale)
        if out_scale != gen_scale:
            raise ValueError(
                f'the last scale of nkimgs_per_scale ({out_scale}) must equal '
                f"the generator's out_scale ({gen_scale})")
        # sample at the first scale until training sets the current one
        self._curr_scale_int.fill_(self.scales[0][0])

    # ------------------------------------------------------------------
    # schedule
    # ------------------------------------------------------------------
    def schedule(self, shown_nkimg: float) -> tuple:
        """Stage, scale and fade-in weight after ``shown_nkimg`` kimg.

        Args:
            shown_nkimg (float): Thousands of real images shown so far.

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

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------
    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, float]:
        """One D_S step and one G_S step on a batch of real sketches."""
        data = self.data_preprocessor(data, True)
        samples = data['data_samples']
        if self.sketch_key not in samples:
            raise KeyError(
                f'data samples have no `{self.sketch_key}`: add a '
                "`SketchDraft` transform to the pipeline (and 'gt_sketch' to "
                "the preprocessor's data_keys) or set sketch_key='gt_img' "
                'for a folder of precomputed sketches')
        return self.train_on_sketches(samples.get(self.sketch_key),
                                      optim_wrapper)

    def train_on_sketches(self, real_sketches: Tensor,
                          optim_wrapper: OptimWrapperDict) -> Dict[str, float]:
        """Eq. (1): one D_S update and one G_S update.

        Args:
            real_sketches (Tensor): Preprocessed sketches (N, C, H, W) in
                [-1, 1], at the full sketch resolution or above the current
                scale (they are resized down to it).
            optim_wrapper (OptimWrapperDict): With ``generator_{scale}`` and
                ``discriminator_{scale}``.

        Returns:
            dict[str, float]: Losses, ``shown_nkimg``, ``curr_scale`` and
            ``transition_weight``.
        """
        curr_iter = MessageHub.get_current_instance().get_info('iter', 0)
        shown = self.shown_nkimg.item()
        self.curr_stage, scale, weight = self.schedule(shown)
        self.curr_scale = self.scales[self.curr_stage]
        self._curr_scale_int.fill_(scale)
        self._curr_transition_weight.fill_(weight)

        if tuple(real_sketches.shape[2:]) != self.curr_scale:
            if real_sketches.shape[2] < scale or real_sketches.shape[3] < scale:
                raise RuntimeError(
                    f'real sketches of size {tuple(real_sketches.shape[2:])} '
                    f'are smaller than the current scale {scale}')
            real_sketches = self.interp_real_to(
                real_sketches, size=self.curr_scale)

        disc_wrapper = optim_wrapper[f'discriminator_{scale}']
        gen_wrapper = optim_wrapper[f'generator_{scale}']
        samples = [DataSample()] * real_sketches.shape[0]

        with disc_wrapper.optim_context(self.discriminator):
            log_vars = self.train_discriminator(real_sketches, samples,
                                                disc_wrapper)
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
                        self.train_generator(real_sketches, samples,
                                             gen_wrapper))
            gen_log = self.gather_log_vars(gen_logs)
            gen_log.pop('loss', None)
            set_requires_grad(self.discriminator, True)
            self._update_ema(curr_iter, accu)
            log_vars.update(gen_log)

        log_vars.pop('loss', None)  # the D_S total; its terms are logged
        self.shown_nkimg += real_sketches.shape[0] * get_world_size() / 1000.
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

    # ------------------------------------------------------------------
    # sampling
    # ------------------------------------------------------------------
    def sample_sketches(self,
                        noise: Optional[Tensor] = None,
                        num_batches: int = 1,
                        sample_model: str = 'orig',
                        curr_scale: Optional[int] = None,
                        transition_weight: Optional[float] = None) -> Tensor:
        """Draw sketches from noise.

        Args:
            noise (Tensor, optional): z of shape (N, noise_size).
            num_batches (int): N when ``noise`` is None.
            sample_model (str): ``'orig'`` or ``'ema'``.
            curr_scale (int, optional): Scale; default the training scale.
            transition_weight (float, optional): Default the training one.

        Returns:
            Tensor: (N, C, S, S), clamped to [-1, 1].
        """
        if sample_model not in ('orig', 'ema'):
            raise ValueError(f"sample_model must be 'orig' or 'ema', got "
                             f'{sample_model!r}')
        if sample_model == 'ema' and not self.with_ema_gen:
            raise ValueError(f'{type(self).__name__} has no EMA generator')
        gen = self.generator_ema if sample_model == 'ema' else self.generator
        noise = self.noise_fn(noise, num_batches=num_batches)
        out = gen(
            noise,
            curr_scale=self.current_scale if curr_scale is None else curr_scale,
            transition_weight=(self._curr_transition_weight.item()
                               if transition_weight is None else
                               transition_weight))
        return out.clamp(-1., 1.)

    def forward(self, inputs, data_samples: Optional[list] = None,
                mode: Optional[str] = None) -> List[DataSample]:
        """Sample sketches; returns data samples with ``fake_img``."""
        if isinstance(inputs, Tensor):
            inputs = dict(noise=inputs)
        num_batches = get_valid_num_batches(inputs, data_samples)
        noise = self.noise_fn(inputs.get('noise', None),
                              num_batches=num_batches)
        sample_model = self._get_valid_model(inputs)
        models = ['orig', 'ema'] if sample_model == 'ema/orig' else [
            sample_model
        ]
        outs = {}
        for name in models:
            fake = self.sample_sketches(
                noise,
                sample_model=name,
                curr_scale=inputs.get('curr_scale', None),
                transition_weight=inputs.get('transition_weight', None))
            outs[name] = self.data_preprocessor.destruct(fake, data_samples)
        gen_sample = DataSample()
        if data_samples:
            gen_sample.update(data_samples)
        if len(models) == 1:
            gen_sample.fake_img = outs[models[0]]
        else:
            gen_sample.orig = DataSample(fake_img=outs['orig'])
            gen_sample.ema = DataSample(fake_img=outs['ema'])
        gen_sample.noise = noise
        gen_sample.sample_model = sample_model
        return gen_sample.split(allow_nonseq_value=True)
