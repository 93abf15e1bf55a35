"""Augmentation of the renderer's (sketch, image) training pairs, so that
G_P learns a rendering rule rather than a lookup table of its 20-253
training drafts, and renders G_S's sketches, which differ from the drafts
in stroke contrast, width and completeness.

All transforms act on a batch in [-1, 1] (-1: sketch background), with
parameters drawn per sample from torch's global generator (seeded by the
Runner):

* ``gamma``: stroke contrast, ``y' = 2 ((y + 1) / 2) ** g - 1`` with
  ``log g ~ U(-log gamma, log gamma)`` (a soft threshold jitter: background
  and full strokes stay, grey strokes move);
* ``blur``: stroke width, a Gaussian blur of the sketch with
  ``sigma ~ U(0, blur)`` pixels;
* ``dropout``: missing strokes, each cell of a ``dropout_cell`` grid of the
  sketch set to background with probability ``dropout``;
* ``degrees``, ``scale``, ``translate``: one small affine map applied to
  the sketch and its image alike (rotation ``U(-degrees, degrees)``,
  zoom ``U(1 - scale, 1 + scale)``, shift ``U(-translate, translate)`` of
  the size), border values repeated.
"""
import inspect
import math
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ['augment_pairs', 'check_pair_augment']


def _uniform(n: int, lo: float, hi: float, like: Tensor) -> Tensor:
    return torch.rand(n, dtype=like.dtype, device=like.device) * (hi - lo) + lo


def _gamma(sketches: Tensor, gamma: float) -> Tensor:
    log_g = _uniform(len(sketches), -math.log(gamma), math.log(gamma),
                     sketches)
    unit = ((sketches + 1) / 2).clamp(0, 1)
    return 2 * unit.pow(log_g.exp().view(-1, 1, 1, 1)) - 1


def _blur(sketches: Tensor, max_sigma: float) -> Tensor:
    radius = max(1, math.ceil(2 * max_sigma))
    offsets = torch.arange(-radius, radius + 1, dtype=sketches.dtype,
                           device=sketches.device)
    sigma = _uniform(len(sketches), 0, max_sigma, sketches).clamp_min(1e-3)
    kernel = torch.exp(-offsets[None] ** 2 / (2 * sigma[:, None] ** 2))
    kernel = kernel / kernel.sum(1, keepdim=True)  # (N, K)
    n, c, h, w = sketches.shape
    x = sketches.reshape(1, n * c, h, w)
    k = kernel.repeat_interleave(c, 0)  # (N*C, K)
    x = F.pad(x, [radius, radius, 0, 0], mode='replicate')
    x = F.conv2d(x, k[:, None, None, :], groups=n * c)
    x = F.pad(x, [0, 0, radius, radius], mode='replicate')
    x = F.conv2d(x, k[:, None, :, None], groups=n * c)
    return x.reshape(n, c, h, w)


def _dropout(sketches: Tensor, p: float, cell: int) -> Tensor:
    n, _, h, w = sketches.shape
    keep = torch.rand(n, 1, math.ceil(h / cell), math.ceil(w / cell),
                      device=sketches.device) >= p
    keep = F.interpolate(keep.to(sketches.dtype), scale_factor=cell,
                         mode='nearest')[..., :h, :w]
    return sketches * keep - (1 - keep)  # dropped cells: background -1


def _affine(sketches: Tensor, images: Tensor, degrees: float, scale: float,
            translate: float) -> Tuple[Tensor, Tensor]:
    n = len(sketches)
    angle = _uniform(n, -degrees, degrees, sketches) * math.pi / 180
    zoom = _uniform(n, 1 - scale, 1 + scale, sketches)
    shift = _uniform(2 * n, -translate, translate, sketches).view(n, 2) * 2
    cos, sin = angle.cos() / zoom, angle.sin() / zoom
    theta = torch.stack([
        torch.stack([cos, -sin, shift[:, 0]], 1),
        torch.stack([sin, cos, shift[:, 1]], 1)
    ], 1)  # (N, 2, 3)
    grid = F.affine_grid(theta, list(sketches.shape), align_corners=False)
    warp = lambda x: F.grid_sample(  # noqa: E731
        x, grid, mode='bilinear', padding_mode='border', align_corners=False)
    return warp(sketches), warp(images)


def _check(gamma: float, dropout: float) -> None:
    if gamma < 1:
        raise ValueError(f'gamma must be >= 1 (1: off), got {gamma}')
    if not 0 <= dropout < 1:
        raise ValueError(f'dropout must lie in [0, 1), got {dropout}')


def check_pair_augment(**options) -> None:
    """Check :func:`augment_pairs` options without drawing random numbers
    (a model checks them when it is built, where a draw would shift the
    initial weights).

    Raises:
        TypeError: an unknown option.
        ValueError: ``gamma`` < 1 or ``dropout`` outside [0, 1).
    """
    bound = inspect.signature(augment_pairs).bind(None, None, **options)
    bound.apply_defaults()
    _check(bound.arguments['gamma'], bound.arguments['dropout'])


def augment_pairs(sketches: Tensor,
                  images: Tensor,
                  gamma: float = 1.,
                  blur: float = 0.,
                  dropout: float = 0.,
                  dropout_cell: int = 8,
                  degrees: float = 0.,
                  scale: float = 0.,
                  translate: float = 0.) -> Tuple[Tensor, Tensor]:
    """Augment a batch of (sketch, image) pairs (module docstring).

    Args:
        sketches (Tensor): (N, Cs, H, W) in [-1, 1].
        images (Tensor): (N, Ci, H, W) in [-1, 1].
        gamma (float): Largest contrast exponent (>= 1; 1: off).
        blur (float): Largest blur sigma in pixels (0: off).
        dropout (float): Probability that a grid cell of the sketch is
            erased (0: off).
        dropout_cell (int): Grid cell size in pixels.
        degrees, scale, translate (float): The paired affine map's ranges
            (all 0: off).

    Returns:
        tuple[Tensor, Tensor]: The augmented sketches and images, shapes
        unchanged; images change only by the affine map.
    """
    _check(gamma, dropout)
    if gamma > 1:
        sketches = _gamma(sketches, gamma)
    if blur > 0:
        sketches = _blur(sketches, blur)
    if dropout > 0:
        sketches = _dropout(sketches, dropout, dropout_cell)
    if degrees or scale or translate:
        sketches, images = _affine(sketches, images, degrees, scale,
                                   translate)
    return sketches, images
