"""mmagic's WGAN-GP generator with the channel widths as an argument."""
from copy import deepcopy
from typing import Dict, Optional

import torch.nn as nn
from mmagic.models.editors.wgan_gp import WGANGPGenerator
from mmagic.models.editors.wgan_gp.wgan_gp_module import WGANNoiseTo2DFeat
from mmagic.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

# mmagic's widths (WGANGPGenerator._default_channels_per_scale, 4 to 128 px),
# continued by halving to 512 px.
DEFAULT_CHANNELS_PER_SCALE = {
    '4': 512,
    '8': 512,
    '16': 256,
    '32': 128,
    '64': 64,
    '128': 32,
    '256': 16,
    '512': 8
}


def channels_for_scales(channels_per_scale: Optional[Dict[str, int]],
                        out_scale: int) -> Dict[str, int]:
    """Widths of every scale from 4 px to ``out_scale``.

    Args:
        channels_per_scale (dict, optional): ``{'4': c4, '8': c8, ...}``;
            scales it leaves out take :data:`DEFAULT_CHANNELS_PER_SCALE`.
        out_scale (int): Image size, a power of 2 >= 8.

    Returns:
        dict[str, int]: Channels for the scales 4, 8, ..., ``out_scale``.

    Raises:
        ValueError: ``out_scale`` is not a power of 2 >= 8, or a scale has no
            positive width.
    """
    if out_scale < 8 or out_scale & (out_scale - 1):
        raise ValueError(
            f'out/in scale must be a power of 2 >= 8, got {out_scale!r}')
    merged = dict(DEFAULT_CHANNELS_PER_SCALE)
    merged.update({str(k): v for k, v in (channels_per_scale or {}).items()})
    scales = [str(4 * 2**i) for i in range(out_scale.bit_length() - 2)]
    bad = {s: merged.get(s) for s in scales
           if not (isinstance(merged.get(s), int) and merged[s] > 0)}
    if bad:
        raise ValueError(f'channels_per_scale needs a positive int for every '
                         f'scale {scales}; missing or bad: {bad}')
    return {s: merged[s] for s in scales}


@MODELS.register_module()
class ScalableWGANGPGenerator(WGANGPGenerator):
    """mmagic's ``WGANGPGenerator`` at any size and width.

    mmagic's class reads its widths from a class attribute that stops at
    128 px and hard-codes 512 channels at 4x4, so it can neither make
    512x512 images nor be narrowed for a CPU. This subclass builds the same
    layers under the same names (``noise2feat``, ``conv_blocks``,
    ``to_rgb``), so ``forward`` is mmagic's; only the widths come from
    ``channels_per_scale``. With the defaults it is mmagic's network up to
    128 px, continued by halving the width (16 at 256 px, 8 at 512 px).

    Layers (PGGAN paper, training configuration (a)): z -> linear -> 4x4
    feature, conv3x3; per doubling: nearest x2 upsampling, two conv3x3
    (BN, ReLU); to-RGB conv1x1 with tanh, output (N, 3, S, S) in [-1, 1].

    Args:
        noise_size (int): Size of z.
        out_scale (int): Output size S (power of 2, >= 8).
        channels_per_scale (dict, optional): Widths per scale, e.g.
            ``{'4': 64, '8': 64, '16': 32, '32': 16, '64': 8}``; missing
            scales take :data:`DEFAULT_CHANNELS_PER_SCALE`. Defaults to None.
        conv_module_cfg (dict, optional): Updates mmagic's conv module config
            (conv3x3, BN, ReLU). Defaults to None.
        upsample_cfg (dict, optional): Upsampling layer config. Defaults to
            nearest x2 (upstream ignores this argument; here it is used).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
        out_channels (int): Image channels (1 for grey sets; upstream: 3).
            Defaults to 3.
    """

    def __init__(self,
                 noise_size: int,
                 out_scale: int,
                 channels_per_scale: Optional[Dict[str, int]] = None,
                 conv_module_cfg: Optional[dict] = None,
                 upsample_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 out_channels: int = 3):
        # WGANGPGenerator.__init__ is skipped: it builds fixed widths.
        BaseModule.__init__(self, init_cfg=init_cfg)
        self.noise_size = noise_size
        self.out_scale = out_scale
        self.channels_per_scale = ch = channels_for_scales(
            channels_per_scale, out_scale)
        self.conv_module_cfg = deepcopy(self._default_conv_module_cfg)
        self.conv_module_cfg.update(conv_module_cfg or {})
        self.upsample_cfg = deepcopy(upsample_cfg
                                     or self._default_upsample_cfg)

        self.noise2feat = WGANNoiseTo2DFeat(noise_size, ch['4'])
        self.conv_blocks = nn.ModuleList(
            [ConvModule(ch['4'], ch['4'], **self.conv_module_cfg)])
        for prev, scale in zip(list(ch)[:-1], list(ch)[1:]):
            self.conv_blocks.append(MODELS.build(self.upsample_cfg))
            self.conv_blocks.append(
                ConvModule(ch[prev], ch[scale], **self.conv_module_cfg))
            self.conv_blocks.append(
                ConvModule(ch[scale], ch[scale], **self.conv_module_cfg))
        self.to_rgb = ConvModule(
            ch[str(out_scale)],
            kernel_size=1,
            out_channels=out_channels,
            act_cfg=dict(type='Tanh'))
