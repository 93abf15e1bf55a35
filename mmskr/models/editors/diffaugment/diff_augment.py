"""DiffAugment (Zhao et al., "Differentiable Augmentation for Data-Efficient
GAN Training", NeurIPS 2020): random, differentiable transforms of every
image a discriminator sees, real and fake alike.

The transforms are those of the authors' code (github.com/mit-han-lab/
data-efficient-gans, ``DiffAugment_pytorch.py``), on (N, C, H, W) tensors
in [-1, 1], parameters drawn per sample from torch's global generator:

* ``color``: brightness ``x + (u - 0.5)``, saturation
  ``(x - mean_c x) * 2u + mean_c x`` (the identity for one channel) and
  contrast ``(x - mean_chw x) * (u + 0.5) + mean_chw x``, u ~ U(0, 1);
* ``translation``: shift by up to 1/8 of the size in each direction,
  zero-padded;
* ``cutout``: one square of half the size, zeroed, centred anywhere in the
  image.
"""
from typing import Callable, Dict, List

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ['POLICIES', 'diff_augment', 'parse_policy']


def _uniform(x: Tensor) -> Tensor:
    return torch.rand(x.size(0), 1, 1, 1, dtype=x.dtype, device=x.device)


def rand_brightness(x: Tensor) -> Tensor:
    return x + (_uniform(x) - 0.5)


def rand_saturation(x: Tensor) -> Tensor:
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * (_uniform(x) * 2) + mean


def rand_contrast(x: Tensor) -> Tensor:
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (_uniform(x) + 0.5) + mean


def rand_translation(x: Tensor, ratio: float = 0.125) -> Tensor:
    n, _, h, w = x.shape
    shift_h, shift_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dh = torch.randint(-shift_h, shift_h + 1, (n, 1, 1), device=x.device)
    dw = torch.randint(-shift_w, shift_w + 1, (n, 1, 1), device=x.device)
    batch, rows, cols = torch.meshgrid(
        torch.arange(n, device=x.device),
        torch.arange(h, device=x.device),
        torch.arange(w, device=x.device),
        indexing='ij')
    rows = torch.clamp(rows + dh + 1, 0, h + 1)
    cols = torch.clamp(cols + dw + 1, 0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1])
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)


def rand_cutout(x: Tensor, ratio: float = 0.5) -> Tensor:
    n, _, h, w = x.shape
    size_h, size_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    off_h = torch.randint(0, h + (1 - size_h % 2), (n, 1, 1), device=x.device)
    off_w = torch.randint(0, w + (1 - size_w % 2), (n, 1, 1), device=x.device)
    batch, rows, cols = torch.meshgrid(
        torch.arange(n, device=x.device),
        torch.arange(size_h, device=x.device),
        torch.arange(size_w, device=x.device),
        indexing='ij')
    rows = torch.clamp(rows + off_h - size_h // 2, 0, h - 1)
    cols = torch.clamp(cols + off_w - size_w // 2, 0, w - 1)
    mask = torch.ones(n, h, w, dtype=x.dtype, device=x.device)
    mask[batch, rows, cols] = 0
    return x * mask.unsqueeze(1)


POLICIES: Dict[str, List[Callable[[Tensor], Tensor]]] = {
    'color': [rand_brightness, rand_saturation, rand_contrast],
    'translation': [rand_translation],
    'cutout': [rand_cutout],
}


def parse_policy(policy: str) -> List[str]:
    """``'color,translation'`` -> ``['color', 'translation']``.

    Raises:
        ValueError: an unknown name (the message lists the known ones).
    """
    names = [p.strip() for p in policy.split(',') if p.strip()]
    unknown = [p for p in names if p not in POLICIES]
    if unknown:
        raise ValueError(f'unknown DiffAugment policy {unknown}: use a '
                         f'comma-separated subset of {sorted(POLICIES)}')
    return names


def diff_augment(x: Tensor, policy: str) -> Tensor:
    """Apply the transforms of ``policy`` in its order.

    Args:
        x (Tensor): (N, C, H, W) images.
        policy (str): Comma-separated names of :data:`POLICIES`; ``''`` is
            the identity.

    Returns:
        Tensor: (N, C, H, W), differentiable in ``x``.
    """
    for name in parse_policy(policy):
        for transform in POLICIES[name]:
            x = transform(x)
    return x
