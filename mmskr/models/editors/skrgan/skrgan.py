"""SkrGAN: sketch guidance + colour render mapping, trained as one model."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn.functional as F
from mmagic.models.utils import get_valid_num_batches
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict
from torch import Tensor

SKETCH_PREFIX = 'sketch_'
RENDER_PREFIX = 'render_'


def sub_wrappers(optim_wrapper: OptimWrapperDict,
                 prefix: str) -> OptimWrapperDict:
    """The wrappers whose key starts with ``prefix``, prefix removed."""
    picked = {
        k[len(prefix):]: v
        for k, v in optim_wrapper.items() if k.startswith(prefix)
    }
    if not picked:
        raise KeyError(
            f'no optimizer wrapper named {prefix}*; SkrGAN needs '
            "optim_wrapper=dict(constructor='SkrGANOptimWrapperConstructor', "
            'sketch=..., render=...), found keys '
            f'{sorted(optim_wrapper.keys())}')
    return OptimWrapperDict(**picked)


@MODELS.register_module()
class SkrGAN(BaseModel):
    """Sketching-rendering unconditional GAN (Zhang et al., MICCAI 2019).

    ``noise -> G_S -> sketch -> G_P -> image``. Training optimises the sum in
    Eq. (3): every iteration runs one step of the sketch guidance module
    (:class:`ProgressiveSketchGAN`, Eq. 1) on the batch's sketch drafts and
    one step of the colour render mapping (:class:`SketchRenderer`, Eq. 2) on
    the batch's (image, sketch draft) pairs. The two games share no
    parameters, so one iteration of the sum is one iteration of each.

    Sampling draws a sketch with G_S at its current progressive scale,
    resizes it to the render resolution when growing has not reached it yet,
    and renders it with G_P. Outputs follow mmagic's generative interface:
    ``fake_img`` (the image, what SWD / MS-SSIM / FID and the visualization
    hook read) plus ``fake_sketch`` and ``noise``.

    Logged keys carry the module as prefix: ``sketch_loss_gen``,
    ``sketch_loss_disc_fake``, ..., ``render_loss_pixel``, ...

    Args:
        sketch_gan (dict): :class:`ProgressiveSketchGAN` config.
        renderer (dict): :class:`SketchRenderer` config.
        data_preprocessor (dict): Preprocessor for the batch; its
            ``data_keys`` must list the image and sketch keys.
        sketch_key (str): Data-sample field with sketch drafts.
        image_key (str): Data-sample field with images.
    """

    def __init__(self,
                 sketch_gan: dict,
                 renderer: dict,
                 data_preprocessor: Optional[dict] = None,
                 sketch_key: str = 'gt_sketch',
                 image_key: str = 'gt_img'):
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='DataPreprocessor', data_keys=[image_key, sketch_key])
        super().__init__(data_preprocessor=data_preprocessor)
        self.sketch_gan = MODELS.build(sketch_gan)
        self.renderer = MODELS.build(renderer)
        self.sketch_key = sketch_key
        self.image_key = image_key
        gen = self.sketch_gan.generator
        unet_in = self._unet_in_channels()
        if unet_in is not None and unet_in != gen.out_channels:
            raise ValueError(
                f'G_S draws {gen.out_channels}-channel sketches but G_P '
                f'takes {unet_in} input channels: set the same sketch '
                'channels in both')

    def _unet_in_channels(self) -> Optional[int]:
        first = next(
            (m for m in self.renderer.generators['image'].modules()
             if isinstance(m, torch.nn.Conv2d)), None)
        return None if first is None else first.in_channels

    def init_weights(self) -> None:
        """Initialise both modules with their own (mmagic) schemes."""
        self.sketch_gan.init_weights()
        self.renderer.init_weights()

    @property
    def noise_size(self) -> int:
        """Length of z, as mmagic's ``BaseGAN.noise_size``."""
        return self.sketch_gan.noise_size

    @property
    def out_scale(self) -> int:
        """Resolution of the final sketches and images."""
        return self.sketch_gan.scales[-1][0]

    # ------------------------------------------------------------------
    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, float]:
        """One iteration of Eq. (3): a sketch step and a render step."""
        data = self.data_preprocessor(data, True)
        samples = data['data_samples']
        for key in (self.sketch_key, self.image_key):
            if key not in samples:
                raise KeyError(
                    f'data samples have no `{key}`: the SkrGAN pipeline '
                    'needs LoadMedicalImage -> Resize -> SketchDraft -> '
                    "PackInputs(data_keys=['gt_sketch']) and the "
                    "preprocessor's data_keys=['gt_img', 'gt_sketch']")
        sketches = samples.get(self.sketch_key)
        images = samples.get(self.image_key)
        if sketches.shape[-2:] != (self.out_scale, self.out_scale):
            raise ValueError(
                f'training images are {tuple(sketches.shape[-2:])} but the '
                f'model is built for {self.out_scale}x{self.out_scale}: make '
                "the pipeline's Resize scale match the last key of "
                'nkimgs_per_scale')
        log_vars = {}
        sketch_logs = self.sketch_gan.train_on_reals(
            sketches, sub_wrappers(optim_wrapper, SKETCH_PREFIX))
        for k, v in sketch_logs.items():
            name = k if k in ('shown_nkimg', 'curr_scale',
                              'transition_weight') else SKETCH_PREFIX + k
            log_vars[name] = v
        render_logs = self.renderer.train_on_pairs(
            sketches, images, sub_wrappers(optim_wrapper, RENDER_PREFIX))
        log_vars.update({RENDER_PREFIX + k: v for k, v in render_logs.items()})
        return log_vars

    # ------------------------------------------------------------------
    def _draw_sketch(self, noise: Tensor, sample_model: str) -> Tensor:
        """G_S's sketches of ``noise`` at the render resolution."""
        sketch = self.sketch_gan.sample_sketches(
            noise, sample_model=sample_model)
        size = self.out_scale
        if sketch.shape[-1] != size:
            # G_S is still growing: bring its sketch to the render size
            sketch = F.interpolate(
                sketch, size=(size, size), mode='bilinear',
                align_corners=False)
        return sketch

    @torch.no_grad()
    def sample(self,
               noise: Optional[Tensor] = None,
               num_batches: int = 1,
               sample_model: Optional[str] = None) -> Dict[str, Tensor]:
        """Noise -> sketch -> image.

        Args:
            noise (Tensor, optional): z (N, noise_size); drawn when None.
            num_batches (int): N when ``noise`` is None.
            sample_model (str, optional): G_S weights, ``'orig'`` or
                ``'ema'``; None: ``'ema'`` when G_S has an EMA, else
                ``'orig'`` (mmagic's default).

        Returns:
            dict: ``sketch`` (N, Cs, S, S) and ``image`` (N, Ci, S, S), both
            in [-1, 1] at the render resolution S, and ``noise``.
        """
        noise = self.sketch_gan.noise_fn(noise, num_batches=num_batches)
        if sample_model is None:  # mmagic's default: EMA when G_S has one
            sample_model = self.sketch_gan._get_valid_model({})
        sketch = self._draw_sketch(noise, sample_model)
        image = self.renderer.render(sketch)
        return dict(sketch=sketch, image=image, noise=noise)

    @torch.no_grad()
    def calibrate_renderer(self,
                           num_sketches: int = 400,
                           seed: int = 10000,
                           batch_size: int = 16,
                           sample_model: Optional[str] = None) -> int:
        """Fit G_P's batch-norm statistics to the sketches G_S draws.

        Draws ``num_sketches`` sketches as :meth:`sample` does (seeds
        ``seed, seed + 1, ...``, one noise vector per seed as in
        :func:`mmskr.apis.seeded_noise`; the default seeds lie outside
        Table 1's 0..99) and hands them to
        :meth:`SketchRenderer.calibrate_norm`. Samples drawn afterwards
        are rendered with statistics of the sketches they come from instead
        of those of the real drafts G_P was trained on. The global RNG is
        not used. ``RendererCalibrationHook`` calls this during training so
        that every checkpoint carries calibrated statistics.

        Args:
            num_sketches (int): Sketches to average over. Defaults to 400.
            seed (int): First seed. Defaults to 10000.
            batch_size (int): Sketches per forward pass (the training
                batch size is a good choice). Defaults to 16.
            sample_model (str, optional): G_S weights, as for
                :meth:`sample`.

        Returns:
            int: Number of sketches used.
        """
        if num_sketches < 1 or batch_size < 1:
            raise ValueError('calibrate_renderer needs num_sketches >= 1 and '
                             f'batch_size >= 1, got {num_sketches} and '
                             f'{batch_size}')
        from ....apis.generation import seeded_noise
        if sample_model is None:
            sample_model = self.sketch_gan._get_valid_model({})
        device = next(self.parameters()).device
        modes = [(m, m.training) for m in self.sketch_gan.modules()]

        def sketches():
            for start in range(seed, seed + num_sketches, batch_size):
                stop = min(start + batch_size, seed + num_sketches)
                noise = seeded_noise(range(start, stop),
                                     self.noise_size).to(device)
                yield self._draw_sketch(noise, sample_model)

        try:
            self.sketch_gan.eval()
            return self.renderer.calibrate_norm(sketches())
        finally:
            for m, mode in modes:
                m.training = mode

    def forward(self,
                inputs: Union[dict, Tensor],
                data_samples: Optional[list] = None,
                mode: Optional[str] = None) -> List[DataSample]:
        """Generate samples for mmagic's evaluation and visualization.

        Args:
            inputs (dict | Tensor): ``num_batches``, ``noise``,
                ``sample_model`` as for mmagic's GANs, or a noise tensor.
            data_samples (list, optional): Carried into the outputs.
            mode (str, optional): Unused, as in mmagic's GANs.

        Returns:
            list[DataSample]: ``fake_img`` (image), ``fake_sketch``, ``noise``
            and ``sample_model`` per sample; for ``'ema/orig'`` the images sit
            in ``ema`` and ``orig`` sub-samples.
        """
        if isinstance(inputs, Tensor):
            inputs = dict(noise=inputs)
        num_batches = get_valid_num_batches(inputs, data_samples)
        noise = self.sketch_gan.noise_fn(
            inputs.get('noise', None), num_batches=num_batches)
        sample_model = self.sketch_gan._get_valid_model(inputs)
        names = ['orig', 'ema'] if sample_model == 'ema/orig' else [
            sample_model
        ]
        gen_sample = DataSample()
        if data_samples:
            gen_sample.update(data_samples)
        for name in names:
            out = self.sample(noise, sample_model=name)
            image = self.data_preprocessor.destruct(out['image'],
                                                    data_samples)
            sketch = self.data_preprocessor.destruct(out['sketch'],
                                                     data_samples)
            if len(names) == 1:
                gen_sample.fake_img = image
                gen_sample.fake_sketch = sketch
            else:
                setattr(gen_sample, name,
                        DataSample(fake_img=image, fake_sketch=sketch))
        gen_sample.noise = noise
        gen_sample.sample_model = sample_model
        return gen_sample.split(allow_nonseq_value=True)

    def val_step(self, data: dict) -> List[DataSample]:
        data = self.data_preprocessor(data)
        return self(**data)

    test_step = val_step
