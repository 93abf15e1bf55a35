"""Segmentation losses restricted to the field of view (pure functions).

Every argument is (N, 1, H, W): ``logits`` (any real), ``target`` in
{0, 1} (soft values also work) and ``mask`` in {0, 1}, where 0 excludes a
pixel (outside the FOV). Pixels of the whole batch are pooled.
"""
import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ['masked_bce', 'masked_dice']


def masked_bce(logits: Tensor, target: Tensor, mask: Tensor) -> Tensor:
    """Binary cross-entropy averaged over the masked-in pixels.

    ``sum(mask * bce(sigmoid(logits), target)) / max(sum(mask), 1)``.

    Returns:
        Tensor: A scalar.
    """
    bce = F.binary_cross_entropy_with_logits(logits, target,
                                             reduction='none')
    return (bce * mask).sum() / mask.sum().clamp_min(1.0)


def masked_dice(logits: Tensor, target: Tensor, mask: Tensor,
                smooth: float = 1.0) -> Tensor:
    """Soft Dice loss over the masked-in pixels.

    With ``p = sigmoid(logits) * mask`` and ``t = target * mask``:
    ``1 - (2 sum(p t) + smooth) / (sum(p) + sum(t) + smooth)``.

    Args:
        smooth (float): Added to both terms (an empty target with an empty
            prediction gives 0). Defaults to 1.0.

    Returns:
        Tensor: A scalar in [0, 1].
    """
    p = torch.sigmoid(logits) * mask
    t = target * mask
    inter = (p * t).sum()
    return 1.0 - (2.0 * inter + smooth) / (p.sum() + t.sum() + smooth)
