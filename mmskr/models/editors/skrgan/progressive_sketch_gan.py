"""Sketch guidance module of SkrGAN: a progressive GAN trained on sketches."""
from typing import Dict, List, Optional

from mmagic.models.utils import get_valid_num_batches
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.optim import OptimWrapperDict
from torch import Tensor

from ..pggan import ScheduledPGGAN


@MODELS.register_module()
class ProgressiveSketchGAN(ScheduledPGGAN):
    """Sketch guidance module G_S / D_S of SkrGAN (paper, Sec. 2.2).

    mmagic's ``ProgressiveGrowingGAN`` (WGAN-GP loss, progressive growing
    with fade-in of the new to-RGB layer) trained on sketch drafts by the
    PGGAN baseline's step (:class:`~mmskr.models.ScheduledPGGAN`: a
    resumable schedule, anti-aliased reals faded in with the generator, a
    check that stops training on a NaN/Inf loss), with:

    * sketches read from ``data_samples.<sketch_key>`` (the ``SketchDraft``
      output, or ``gt_img`` for a folder of precomputed sketches);
    * a generator with sketch channels and the latent code of Eq. (1)
      (:class:`SketchPGGANGenerator`).

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
        **kwargs: ``interp_real``, ``real_fade_in`` (:class:`ScheduledPGGAN`),
            ``noise_size``, ``ema_config``.
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
        return self.train_on_reals(samples.get(self.sketch_key),
                                   optim_wrapper)

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
