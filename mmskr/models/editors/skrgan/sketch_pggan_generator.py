"""PGGAN generator for sketches: configurable output channels, z ⊙ l."""
from typing import Optional

import torch
import torch.nn as nn
from mmagic.models.editors.pggan import PGGANGenerator
from mmagic.models.editors.pggan.pggan_modules import EqualizedLRConvModule
from mmagic.registry import MODELS


def straight_through_clamp(x: torch.Tensor) -> torch.Tensor:
    """``clamp(x, -1, 1)`` forward, identity backward."""
    return x + (x.clamp(-1., 1.) - x).detach()


OUT_ACTS = {
    None: lambda x: x,
    'tanh': torch.tanh,
    'clamp': straight_through_clamp,
}


@MODELS.register_module()
class SketchPGGANGenerator(PGGANGenerator):
    """Sketch generator G_S of SkrGAN (paper, Sec. 2.2, Eq. 1).

    mmagic's ``PGGANGenerator`` with two changes:

    * the to-RGB layers emit ``out_channels`` channels (1 for a gray sketch,
      3 for an RGB one) instead of a fixed 3;
    * the input noise is multiplied element-wise by a learned latent code,
      ``G_S(z ⊙ l)``. Our reading of Eq. (1): ``l`` is a trainable vector of
      size ``noise_size`` (initialised to ones, so training starts from plain
      PGGAN), shared by all samples, which lets G_S re-weight the noise
      dimensions. It is a parameter of the generator, so it is saved,
      averaged by EMA and optimised with G_S.

    Args:
        noise_size (int): Size of z (and l).
        out_scale (int): Output resolution (power of 2, >= 4).
        out_channels (int): Sketch channels. Defaults to 1.
        latent_code (bool): Use the learned code l; False gives plain
            ``G_S(z)``. Defaults to True.
        out_act (str, optional): Output activation. ``None`` keeps PGGAN's
            linear output (sampling clamps it to [-1, 1]); ``'tanh'``
            squashes it into (-1, 1); ``'clamp'`` clamps it to [-1, 1] in
            the forward pass with an identity gradient (straight-through),
            so D_S judges during training exactly what sampling returns.
            Defaults to None.
        **kwargs: Other ``PGGANGenerator`` arguments (``base_channels``,
            ``max_channels``, ...).
    """

    def __init__(self,
                 noise_size: int,
                 out_scale: int,
                 out_channels: int = 1,
                 latent_code: bool = True,
                 out_act: Optional[str] = None,
                 **kwargs):
        if out_act not in OUT_ACTS:
            raise ValueError('out_act must be None, tanh or clamp, '
                             f'got {out_act!r}')
        if out_channels not in (1, 3):
            raise ValueError(
                f'out_channels must be 1 or 3 (sketch channels), got '
                f'{out_channels}')
        # read by _get_torgb_layer during PGGANGenerator.__init__
        self.__dict__['_sketch_channels'] = out_channels
        super().__init__(noise_size, out_scale, **kwargs)
        self.out_channels = out_channels
        self.out_act = out_act
        self.latent_code = nn.Parameter(
            torch.ones(self.noise_size)) if latent_code else None

    def _get_torgb_layer(self, in_channels: int) -> nn.Module:
        return EqualizedLRConvModule(
            in_channels,
            self._sketch_channels,
            kernel_size=1,
            stride=1,
            equalized_lr_cfg=dict(gain=1),
            bias=True,
            norm_cfg=None,
            act_cfg=None)

    def forward(self, noise, num_batches: int = 0, **kwargs):
        """Generate sketches ``G_S(z ⊙ l)``.

        Args:
            noise (Tensor | callable | None): z, shape (N, noise_size), or a
                sampler, or None for N(0, I).
            num_batches (int): N when ``noise`` is not a tensor.
            **kwargs: ``curr_scale``, ``transition_weight``,
                ``return_noise`` as in ``PGGANGenerator.forward``.

        Returns:
            Tensor | dict: Sketches (N, out_channels, S, S), roughly in
            [-1, 1], or a dict with ``fake_img`` and ``noise_batch``.
        """
        if isinstance(noise, torch.Tensor):
            z = noise
        else:
            sampler = noise if callable(noise) else torch.randn
            if num_batches <= 0:
                raise ValueError('num_batches must be > 0 when no noise '
                                 'tensor is given')
            z = sampler((num_batches, self.noise_size)).to(
                next(self.parameters()).device)
        # Eq. (1): the generator's input is z ⊙ l
        zl = z * self.latent_code if self.latent_code is not None else z
        out = super().forward(zl, num_batches=num_batches, **kwargs)
        if isinstance(out, dict):
            out['fake_img'] = OUT_ACTS[self.out_act](out['fake_img'])
            out['noise_batch'] = z
            return out
        return OUT_ACTS[self.out_act](out)
