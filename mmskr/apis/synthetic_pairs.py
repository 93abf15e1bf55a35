"""Synthetic (fundus image, vessel label) pairs drawn from a trained GAN.

SkrGAN draws a sketch and renders an image from it, so each sample comes
with its own label (the paper pretrains its U-Net on 2000 such pairs). Any
other mmagic GAN draws only images; their labels are then the sketch draft
(:func:`~mmskr.datasets.transforms.sketch_draft`) of the generated image,
the same edge extraction that made SkrGAN's training sketches.

For images smaller than 512 px the sketch draft is drawn on the image
upsampled (bilinear) to a short side of 512 px, the scale its parameters
were tuned for and at which SkrGAN's own training sketches were drawn, then
area-averaged back; on real DRIVE images at 64 px this labels vessels far
better than a sketch draft drawn at 64 px (Dice with the manual labels
about 0.26 against 0.10).

A sketch is an edge map, not a vessel map: besides vessels it holds the rim
of the field of view and the edge of the optic disc. The rim is removed
here by keeping the label only inside a FOV estimated from the image
(brightest channel >= 20, eroded by ``rim_erode`` pixels); the optic disc
edge stays, a systematic label error of this pretraining.
"""
from typing import Dict, Sequence

import cv2
import numpy as np
from torch import nn

from ..datasets.transforms import sketch_draft
from ..datasets.vessel_data import estimate_fov, resize_image, sketch_to_label
from .generation import generate_images

__all__ = [
    'DRAFT_SIZE', 'LABEL_SOURCES', 'draft_at_scale', 'pairs_from_samples',
    'synthetic_pairs'
]

#: ``'model'``: the GAN's own sketch (SkrGAN); ``'sketch_draft'``: the
#: sketch draft of the generated image (any GAN).
LABEL_SOURCES = ('model', 'sketch_draft')
#: Short side (px) at which sketch drafts of small images are drawn.
DRAFT_SIZE = 512


def draft_at_scale(img: np.ndarray, size: int = DRAFT_SIZE) -> np.ndarray:
    """Sketch draft of an RGB image, drawn with a short side of ``size``.

    Args:
        img (np.ndarray): HxWx3 uint8 RGB.
        size (int): Smaller images are upsampled (bilinear) to this short
            side before :func:`sketch_draft` and the sketch is area-averaged
            back. Defaults to 512.

    Returns:
        np.ndarray: HxW uint8 in [0, 255] (soft after the downsampling).
    """
    h, w = img.shape[:2]
    if min(h, w) >= size:
        return sketch_draft(img, channel_order='rgb')
    f = size / min(h, w)
    big = cv2.resize(img, (round(w * f), round(h * f)),
                     interpolation=cv2.INTER_LINEAR)
    return cv2.resize(sketch_draft(big, channel_order='rgb'), (w, h),
                      interpolation=cv2.INTER_AREA)


def pairs_from_samples(images: np.ndarray,
                       sketches: np.ndarray,
                       size: int,
                       sketch_threshold: int = 128,
                       fov_threshold: int = 20,
                       rim_erode: int = 2) -> Dict[str, np.ndarray]:
    """Turn generated images and sketches into a set of pairs.

    Args:
        images (np.ndarray): (N, 3, h, w) uint8 RGB (``fake_img``).
        sketches (np.ndarray): (N, 1, h, w) or (N, h, w) uint8 in [0, 255]
            (``fake_sketch``; soft at low resolution).
        size (int): Working resolution S; images and sketches are resized
            (area when shrinking, bilinear when enlarging) before the
            threshold.
        sketch_threshold (int): A pixel is vessel when its sketch value is
            ``>= sketch_threshold``. Defaults to 128.
        fov_threshold (int): See :func:`~.vessel_data.estimate_fov`.
            Defaults to 20.
        rim_erode (int): Erosion of the estimated FOV in pixels at S.
            Defaults to 2.

    Returns:
        dict: ``img`` (N, S, S, 3), ``vessel`` and ``fov`` (N, S, S) uint8
        (``fov`` = the eroded estimate: the loss ignores the rim too).
    """
    if len(images) != len(sketches):
        raise ValueError(f'{len(images)} images but {len(sketches)} '
                         'sketches')
    sketches = sketches.reshape(len(sketches), *sketches.shape[-2:])
    out = dict(img=[], vessel=[], fov=[])
    for img, sketch in zip(images.transpose(0, 2, 3, 1), sketches):
        img = resize_image(img, size)
        fov = estimate_fov(img, fov_threshold, rim_erode)
        out['img'].append(img)
        out['fov'].append(fov)
        out['vessel'].append(
            sketch_to_label(resize_image(sketch, size), fov,
                            sketch_threshold))
    return {k: np.stack(v) for k, v in out.items()}


def synthetic_pairs(model: nn.Module,
                    seeds: Sequence[int],
                    size: int,
                    label_source: str = 'model',
                    batch_size: int = 16,
                    **label_args) -> Dict[str, np.ndarray]:
    """Draw one pair per seed from a GAN.

    Args:
        model (nn.Module): A trained mmagic GAN (``init_model``).
        seeds (Sequence[int]): One seed per pair (see
            :func:`~mmskr.apis.generate_images`).
        size (int): Working resolution.
        label_source (str): One of :data:`LABEL_SOURCES`. Defaults to
            ``'model'`` (needs a model that draws sketches).
        batch_size (int): Images per forward pass. Defaults to 16.
        **label_args: ``sketch_threshold``, ``fov_threshold``,
            ``rim_erode`` of :func:`pairs_from_samples`.

    Returns:
        dict: A set of pairs, with ``sample_id`` = the seeds.
    """
    if label_source not in LABEL_SOURCES:
        raise ValueError(f'label_source must be one of {LABEL_SOURCES}, '
                         f'got {label_source!r}')
    out = generate_images(model, seeds, batch_size=batch_size)
    images = out['fake_img']
    if images.shape[1] != 3:
        raise ValueError(f'{type(model).__name__} draws {images.shape[1]}-'
                         'channel images; vessel pairs need RGB fundus '
                         'images')
    if label_source == 'model':
        if 'fake_sketch' not in out:
            raise ValueError(
                f'{type(model).__name__} draws no sketches; use '
                "label_source='sketch_draft' for GANs other than SkrGAN")
        sketches = out['fake_sketch']
    else:
        sketches = np.stack(
            [draft_at_scale(img) for img in images.transpose(0, 2, 3, 1)])
    pairs = pairs_from_samples(images, sketches, size, **label_args)
    pairs['sample_id'] = np.array([str(s) for s in seeds])
    return pairs
