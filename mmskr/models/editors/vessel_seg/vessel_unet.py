"""A plain U-Net (Ronneberger et al., MICCAI 2015) for vessel maps."""
from typing import List, Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmagic.registry import MODELS


def conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """Two (3x3 conv, BatchNorm, ReLU) layers; the size is kept."""
    layers = []
    for c_in in (in_channels, out_channels):
        layers += [
            nn.Conv2d(c_in, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True)
        ]
    return nn.Sequential(*layers)


@MODELS.register_module()
class VesselUNet(BaseModule):
    """U-Net: ``num_levels`` 2x downsamplings, skip connections, logits.

    Level ``k`` has ``base_channels * 2**k`` channels (k = 0 ...
    ``num_levels``, the last being the bottleneck). Down: 2x2 max pooling;
    up: bilinear 2x upsampling, concatenation with the skip, a conv block.
    Unlike the original it pads its convolutions (output size = input size)
    and uses BatchNorm; mmagic's ``UnetGenerator`` is pix2pix's variant
    (stride-2 convolutions, tanh output) and is not used.

    Args:
        in_channels (int): Image channels. Defaults to 3.
        out_channels (int): Output maps (logits). Defaults to 1.
        base_channels (int): Channels of the first level. Defaults to 16.
        num_levels (int): Downsamplings; inputs must be divisible by
            ``2 ** num_levels``. Defaults to 3.
        init_cfg (dict, optional): mmengine initialisation config. Defaults
            to None (PyTorch's default initialisation).
    """

    def __init__(self,
                 in_channels: int = 3,
                 out_channels: int = 1,
                 base_channels: int = 16,
                 num_levels: int = 3,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_levels < 1 or base_channels < 1:
            raise ValueError('VesselUNet needs num_levels >= 1 and '
                             f'base_channels >= 1, got {num_levels}, '
                             f'{base_channels}')
        self.num_levels = num_levels
        widths = [base_channels * 2**k for k in range(num_levels + 1)]
        self.down = nn.ModuleList(
            [conv_block(in_channels, widths[0])] +
            [conv_block(widths[k - 1], widths[k])
             for k in range(1, num_levels + 1)])
        self.up = nn.ModuleList([
            conv_block(widths[k + 1] + widths[k], widths[k])
            for k in range(num_levels)
        ])
        self.head = nn.Conv2d(widths[0], out_channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        """(N, in_channels, H, W) -> (N, out_channels, H, W) logits."""
        factor = 2**self.num_levels
        if x.shape[-2] % factor or x.shape[-1] % factor:
            raise ValueError(
                f'VesselUNet with {self.num_levels} levels needs H and W '
                f'divisible by {factor}, got {tuple(x.shape[-2:])}')
        skips: List[Tensor] = []
        for k, block in enumerate(self.down):
            x = block(x if k == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        x = skips.pop()
        for k in reversed(range(self.num_levels)):
            x = F.interpolate(x, scale_factor=2, mode='bilinear',
                              align_corners=False)
            x = self.up[k](torch.cat([x, skips.pop()], dim=1))
        return self.head(x)
