"""Class-conditional DCGAN generator for ACGAN."""
from typing import Optional, Union

import torch
import torch.nn as nn
from mmagic.models.editors.dcgan import DCGANGenerator
from mmagic.registry import MODELS
from torch import Tensor


def check_num_classes(num_classes) -> None:
    """Raise ValueError unless ``num_classes`` is an int >= 1."""
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(
            f'num_classes must be an int >= 1, got {num_classes!r}')


@MODELS.register_module()
class ACGANGenerator(DCGANGenerator):
    """mmagic's ``DCGANGenerator`` conditioned on a class label.

    ``G(z, c)``: the noise z (N, noise_size) is multiplied element-wise by a
    learned embedding of the class c (``nn.Embedding(num_classes,
    noise_size)``), then goes through mmagic's DCGAN generator
    (transposed convolutions, BN, ReLU, tanh output). The multiplicative
    embedding is the usual AC-GAN implementation choice (e.g. the Keras
    AC-GAN example); Odena et al. only require G to take (c, z).

    Args:
        output_scale (int): Output size S (power of 2).
        num_classes (int): Number of classes K >= 1 (set by ``ACGAN``).
        noise_size (int): Size of z. Defaults to 100.
        **kwargs: Other ``DCGANGenerator`` arguments (``out_channels``,
            ``base_channels``, ``input_scale``, norm/act configs,
            ``init_cfg``).

    Raises:
        ValueError: ``num_classes`` < 1.
    """

    def __init__(self,
                 output_scale: int,
                 num_classes: int,
                 noise_size: int = 100,
                 **kwargs):
        check_num_classes(num_classes)
        super().__init__(output_scale, noise_size=noise_size, **kwargs)
        self.num_classes = num_classes
        self.label_embedding = nn.Embedding(num_classes, noise_size)

    def forward(self,
                noise: Optional[Tensor],
                label: Optional[Tensor] = None,
                num_batches: int = 0,
                return_noise: bool = False) -> Union[Tensor, dict]:
        """Generate images of the given classes.

        Args:
            noise (Tensor | None): z, (N, noise_size) or
                (N, noise_size, 1, 1); None draws N(0, 1) noise for
                ``num_batches`` images.
            label (Tensor): Class indices in [0, K), shape (N, ) (any shape
                with N elements).
            num_batches (int): N when ``noise`` is None. Defaults to 0.
            return_noise (bool): Also return z and the labels. Defaults to
                False.

        Returns:
            Tensor | dict: Images (N, C, S, S) in [-1, 1], or a dict with
            ``fake_img``, ``noise_batch`` and ``label``.

        Raises:
            ValueError: No label, a label count that differs from N, or a
                label outside [0, K).
        """
        device = self.label_embedding.weight.device
        if noise is None:
            if num_batches <= 0:
                raise ValueError('give noise or num_batches > 0')
            noise = torch.randn(num_batches, self.noise_size)
        noise = noise.to(device).reshape(noise.shape[0], -1)
        if label is None:
            raise ValueError(f'{type(self).__name__} needs a label per image')
        label = torch.as_tensor(label, device=device).long().reshape(-1)
        if label.numel() != noise.shape[0]:
            raise ValueError(f'{label.numel()} labels for {noise.shape[0]} '
                             'noise vectors')
        if label.numel() and (label.min() < 0
                              or label.max() >= self.num_classes):
            raise ValueError(f'labels must lie in [0, {self.num_classes}), '
                             f'got {label.tolist()}')
        cond = noise * self.label_embedding(label)  # z ⊙ e(c)
        img = super().forward(cond[:, :, None, None])
        if return_noise:
            return dict(fake_img=img, noise_batch=noise, label=label)
        return img
