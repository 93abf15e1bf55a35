"""Whole-image vessel maps from a network run on windows.

A fundus photograph at its own resolution (DRIVE: 565x584) is segmented by
running the network on ``window`` x ``window`` crops and keeping, of each
crop, only the pixels at least ``margin`` from its inner borders (a crop's
border that is also the image's border needs no margin). When ``margin``
is at least the network's receptive radius and every crop starts on the
network's pooling grid (a multiple of ``align``), each kept logit sees
exactly the pixels it would see in one pass over the whole image, so the
stitched map equals the whole-image map (up to float rounding): the window
only bounds the memory.

The image is first padded at the bottom and right (reflection) to a
multiple of ``align``, as a whole-image pass needs too; the output is
cropped back to H x W.
"""
from typing import Callable, List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ['pad_to_multiple', 'sliding_window_logits', 'unet_receptive_radius',
           'window_spans']


def unet_receptive_radius(num_levels: int) -> int:
    """Receptive radius, in input pixels, of :class:`VesselUNet`.

    With ``L = num_levels``: the two 3x3 convolutions of each down block
    ``k = 0..L`` add ``2 * 2**k``, each 2x2 max pooling before block
    ``k >= 1`` adds ``2**(k - 1)``, each bilinear 2x upsampling to level
    ``k`` adds ``2**(k + 1)`` and its up block ``2 * 2**k``:
    ``r = 2 (2**(L+1) - 1) + (2**L - 1) + 4 (2**L - 1) = 9 * 2**L - 7``.
    """
    if num_levels < 1:
        raise ValueError(f'num_levels must be >= 1, got {num_levels}')
    return 9 * 2**num_levels - 7


def pad_to_multiple(x: Tensor, factor: int) -> Tensor:
    """(N, C, H, W) padded at the bottom and right by reflection to
    multiples of ``factor`` (replication where the image is too small to
    reflect)."""
    pad_h, pad_w = -x.shape[-2] % factor, -x.shape[-1] % factor
    if not pad_h and not pad_w:
        return x
    mode = 'reflect' if (pad_h < x.shape[-2] and pad_w < x.shape[-1]) \
        else 'replicate'
    return F.pad(x, (0, pad_w, 0, pad_h), mode=mode)


def window_spans(length: int, window: int,
                 margin: int) -> List[Tuple[int, int, int]]:
    """Crops along one axis: ``(start, keep_from, keep_to)`` per crop.

    The crop is ``[start, start + window)``; its pixels ``[keep_from,
    keep_to)`` go to the output. The kept ranges tile ``[0, length)``
    without gaps or overlaps, and each lies at least ``margin`` inside its
    crop except at the ends of the axis. Starts are ``0``, then steps of
    ``window - 2 margin``, the last one ``length - window``.

    Raises:
        ValueError: ``window - 2 margin`` is not positive while the axis
            needs more than one crop.
    """
    if length <= window:
        return [(0, 0, length)]
    core = window - 2 * margin
    if core <= 0:
        raise ValueError(f'a {window} px window with a {margin} px margin '
                         'keeps nothing; use a window larger than twice the '
                         'margin')
    spans, start, keep_from = [], 0, 0
    while True:
        last = start + window >= length
        keep_to = length if last else start + window - margin
        spans.append((start, keep_from, keep_to))
        if last:
            return spans
        keep_from = keep_to
        start = min(keep_to - margin, length - window)


@torch.no_grad()
def sliding_window_logits(net: Callable[[Tensor], Tensor],
                          image: Tensor,
                          window: int,
                          margin: int,
                          align: int = 1) -> Tensor:
    """Logits of ``net`` over a whole image, computed window by window.

    Args:
        net (callable): (N, C, h, w) -> (N, K, h, w) for ``h, w``
            multiples of ``align`` (e.g. a ``VesselUNet`` in eval mode).
        image (Tensor): (N, C, H, W), already normalised for ``net``.
        window (int): Crop side (a multiple of ``align``).
        margin (int): Pixels discarded at inner crop borders (a multiple
            of ``align``); exact stitching needs at least the receptive
            radius (:func:`unet_receptive_radius`).
        align (int): The network's size factor (``2 ** num_levels``).

    Returns:
        Tensor: (N, K, H, W) logits.
    """
    if window % align or margin % align:
        raise ValueError(f'window ({window}) and margin ({margin}) must be '
                         f'multiples of align ({align})')
    h, w = image.shape[-2:]
    padded = pad_to_multiple(image, align)
    rows = window_spans(padded.shape[-2], window, margin)
    cols = window_spans(padded.shape[-1], window, margin)
    out = None
    for top, y0, y1 in rows:
        for left, x0, x1 in cols:
            crop = padded[..., top:top + window, left:left + window]
            logits = net(crop)
            if out is None:
                out = logits.new_empty(logits.shape[:2] + padded.shape[-2:])
            out[..., y0:y1, x0:x1] = logits[..., y0 - top:y1 - top,
                                            x0 - left:x1 - left]
    return out[..., :h, :w]
