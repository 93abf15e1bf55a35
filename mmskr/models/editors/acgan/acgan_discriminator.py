"""DCGAN discriminator with an adversarial and an auxiliary class head."""
from typing import Tuple

from mmagic.models.editors.dcgan import DCGANDiscriminator
from mmagic.registry import MODELS
from mmcv.cnn import ConvModule
from torch import Tensor

from .acgan_generator import check_num_classes


@MODELS.register_module()
class ACGANDiscriminator(DCGANDiscriminator):
    """mmagic's ``DCGANDiscriminator`` with two heads (Odena et al., 2017).

    The DCGAN down-sampling trunk (strided conv4x4, BN, LeakyReLU) is
    shared; on its ``output_scale`` x ``output_scale`` feature map

    * the adversarial head (mmagic's ``output_layer``, conv4x4) gives the
      real/fake logit, P(S = real | X) after a sigmoid;
    * the auxiliary classifier head (``cls_head``, conv4x4 with K outputs,
      averaged over the remaining positions) gives the class logits,
      P(C | X) after a softmax.

    Weights are initialised like DCGAN's (N(0, 0.02) convolutions).

    Args:
        input_scale (int): Image size S (power of 2).
        num_classes (int): Number of classes K >= 1 (set by ``ACGAN``).
        output_scale (int): Size of the trunk's last feature map. Defaults
            to 4.
        out_channels (int): Adversarial outputs. Defaults to 1.
        **kwargs: Other ``DCGANDiscriminator`` arguments (``in_channels``,
            ``base_channels``, norm/act configs, ``init_cfg``).

    Raises:
        ValueError: ``num_classes`` < 1.
    """

    def __init__(self,
                 input_scale: int,
                 num_classes: int,
                 output_scale: int = 4,
                 out_channels: int = 1,
                 **kwargs):
        check_num_classes(num_classes)
        super().__init__(input_scale, output_scale, out_channels, **kwargs)
        self.num_classes = num_classes
        self.cls_head = ConvModule(
            self.output_layer.conv.in_channels,
            num_classes,
            kernel_size=4,
            stride=1,
            padding=0,
            conv_cfg=dict(type='Conv2d'),
            norm_cfg=None,
            act_cfg=None)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """Score images.

        Args:
            x (Tensor): Images (N, C, S, S) in [-1, 1].

        Returns:
            tuple[Tensor, Tensor]: Adversarial logits (N, out_channels *
            positions), 1 per image with the defaults; class logits (N, K).
        """
        feat = self.downsamples(x)
        adv = self.output_layer(feat).flatten(1)
        cls_logits = self.cls_head(feat).flatten(2).mean(2)
        return adv, cls_logits
