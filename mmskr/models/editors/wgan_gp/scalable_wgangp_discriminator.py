"""mmagic's WGAN-GP critic with the channel widths as an argument."""
from copy import deepcopy
from typing import Dict, Optional

import torch.nn as nn
from mmagic.models.editors.wgan_gp import WGANGPDiscriminator
from mmagic.models.editors.wgan_gp.wgan_gp_module import (ConvLNModule,
                                                          WGANDecisionHead)
from mmagic.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from .scalable_wgangp_generator import channels_for_scales


@MODELS.register_module()
class ScalableWGANGPDiscriminator(WGANGPDiscriminator):
    """mmagic's ``WGANGPDiscriminator`` at any size and width.

    The counterpart of :class:`ScalableWGANGPGenerator`: the same layers
    under the same names as mmagic's critic (``from_rgb``, ``conv_blocks``,
    ``decision``), so ``forward`` is mmagic's, with widths from
    ``channels_per_scale`` (mmagic's stop at 128 px) and ``in_channel``
    honoured (upstream hard-codes 3 input channels).

    Layers: from-RGB conv1x1; per halving: two conv3x3 with layer norm and
    LeakyReLU(0.2), 2x2 average pooling; at 4x4 a conv4x4 + linear decision
    head. Input (N, in_channel, S, S) in [-1, 1]; output scores (N, 1).

    Args:
        in_channel (int): Image channels.
        in_scale (int): Image size S (power of 2, >= 8).
        channels_per_scale (dict, optional): Widths per scale; missing
            scales take mmagic's (continued by halving above 128 px).
            Defaults to None.
        conv_module_cfg (dict, optional): Updates mmagic's conv module config
            (conv3x3, LN2d, LeakyReLU 0.2). Defaults to None.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channel: int,
                 in_scale: int,
                 channels_per_scale: Optional[Dict[str, int]] = None,
                 conv_module_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        # WGANGPDiscriminator.__init__ is skipped: it builds fixed widths.
        BaseModule.__init__(self, init_cfg=init_cfg)
        self.in_channel = in_channel
        self.in_scale = in_scale
        self.channels_per_scale = ch = channels_for_scales(
            channels_per_scale, in_scale)
        self.conv_module_cfg = deepcopy(self._default_conv_module_cfg)
        self.conv_module_cfg.update(conv_module_cfg or {})

        self.from_rgb = ConvModule(
            in_channel,
            kernel_size=1,
            out_channels=ch[str(in_scale)],
            act_cfg=dict(type='LeakyReLU', negative_slope=0.2))
        self.conv_blocks = nn.ModuleList()
        scales = list(ch)[::-1]  # S, S/2, ..., 4
        for scale, lower in zip(scales[:-1], scales[1:]):
            size = int(scale)
            self.conv_blocks.append(
                ConvLNModule(
                    ch[scale],
                    ch[scale],
                    feature_shape=(ch[scale], size, size),
                    **self.conv_module_cfg))
            self.conv_blocks.append(
                ConvLNModule(
                    ch[scale],
                    ch[lower],
                    feature_shape=(ch[lower], size, size),
                    **self.conv_module_cfg))
            self.conv_blocks.append(nn.AvgPool2d(kernel_size=2, stride=2))
        self.decision = WGANDecisionHead(
            ch['4'],
            ch['4'],
            1,
            act_cfg=dict(type='LeakyReLU', negative_slope=0.2),
            norm_cfg=self.conv_module_cfg['norm_cfg'])
