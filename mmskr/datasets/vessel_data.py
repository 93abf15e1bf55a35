"""(image, vessel label, FOV mask) triples as in-memory arrays.

Pure numpy/OpenCV functions shared by the real DRIVE data and the synthetic
pairs drawn from a GAN. A set of pairs is a dict of three stacked arrays:

* ``img``: (N, S, S, 3) uint8 RGB in [0, 255];
* ``vessel``: (N, S, S) uint8 in {0, 1}, 1 = vessel;
* ``fov``: (N, S, S) uint8 in {0, 1}, 1 = inside the field of view;

plus ``sample_id`` (N,) str. Sets are stored as ``.npz`` files (with a JSON
``meta`` string saying where they came from) and read by
:class:`~mmskr.datasets.VesselPairDataset`.

Resizing follows the SkrGAN training pipeline (``configs/_base_/settings``):
the whole photograph is resized to S x S without keeping the aspect ratio,
with area averaging. Labels and masks are resized as 0/255 images the same
way and thresholded at 128, i.e. a pixel is vessel when at least half of its
area was.
"""
import io
import json
import os.path as osp
from typing import Dict, Optional, Tuple

import cv2
import numpy as np

from ..utils.atomic_io import atomic_write_bytes
from .io import read_medical_image

__all__ = [
    'PAIR_KEYS', 'binarize', 'check_pairs', 'estimate_fov', 'load_pairs',
    'load_sample_set', 'read_meta', 'resize_binary',
    'resize_image', 'save_pairs', 'sketch_to_label', 'stack_padded'
]

PAIR_KEYS = ('img', 'vessel', 'fov')


def binarize(a: np.ndarray, threshold: int = 128) -> np.ndarray:
    """``a >= threshold`` as uint8 {0, 1} (same shape)."""
    return (np.asarray(a) >= threshold).astype(np.uint8)


def resize_image(img: np.ndarray, size: int) -> np.ndarray:
    """Resize an HxW or HxWxC uint8 image to ``size`` x ``size``.

    Area averaging when shrinking, bilinear when enlarging (OpenCV's area
    mode degenerates to nearest neighbour when enlarging).
    """
    h, w = img.shape[:2]
    if (h, w) == (size, size):
        return img.copy()
    shrink = size <= min(h, w)
    out = cv2.resize(img, (size, size), interpolation=(
        cv2.INTER_AREA if shrink else cv2.INTER_LINEAR))
    return out.reshape((size, size) + img.shape[2:])


def resize_binary(mask: np.ndarray, size: int) -> np.ndarray:
    """Resize an HxW {0, 1} mask: as a 0/255 image, then ``>= 128``.

    Returns:
        np.ndarray: (size, size) uint8 in {0, 1}.
    """
    return binarize(resize_image(mask.astype(np.uint8) * 255, size))


def estimate_fov(img: np.ndarray,
                 threshold: int = 20,
                 erode: int = 2) -> np.ndarray:
    """Field of view of a fundus image from its intensity.

    The FOV is where the brightest channel reaches ``threshold``; eroding
    it by ``erode`` pixels drops the bright rim that edge-based sketches
    draw along the FOV border.

    Args:
        img (np.ndarray): HxWx3 uint8 RGB.
        threshold (int): Minimum of ``max(R, G, B)`` inside the FOV.
            Defaults to 20 (DRIVE's border is 0-10).
        erode (int): Erosion radius in pixels (elliptic element of
            ``2 * erode + 1``); 0 keeps the thresholded mask. Defaults to 2
            (for 64 px images).

    Returns:
        np.ndarray: HxW uint8 in {0, 1}.
    """
    fov = binarize(img.max(axis=2), threshold)
    if erode > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                           (2 * erode + 1, 2 * erode + 1))
        fov = cv2.erode(fov, kernel, borderValue=0)
    return fov


def sketch_to_label(sketch: np.ndarray,
                    fov: np.ndarray,
                    threshold: int = 128) -> np.ndarray:
    """A vessel label from a (soft) sketch: ``sketch >= threshold`` in FOV.

    Args:
        sketch (np.ndarray): HxW or HxWx1 uint8 in [0, 255] (SkrGAN's
            ``fake_sketch`` or a :func:`~mmskr.datasets.transforms.
            sketch_draft`).
        fov (np.ndarray): HxW {0, 1} mask; outside it the label is 0.
        threshold (int): Defaults to 128.

    Returns:
        np.ndarray: HxW uint8 in {0, 1}.
    """
    return binarize(sketch.reshape(fov.shape), threshold) & fov


def check_pairs(pairs: Dict[str, np.ndarray], source: str = 'pairs') -> int:
    """Check a set of pairs (see the module docstring); return N.

    Raises:
        ValueError: a key is missing, or a shape, dtype or value is wrong
            (the message names ``source`` and the key).
    """
    missing = [k for k in PAIR_KEYS if k not in pairs]
    if missing:
        raise ValueError(f'{source}: missing keys {missing}; a set of pairs '
                         f'holds {PAIR_KEYS}')
    img = pairs['img']
    if img.ndim != 4 or img.shape[3] != 3 or img.dtype != np.uint8:
        raise ValueError(f'{source}: img must be (N, H, W, 3) uint8, got '
                         f'{img.shape} {img.dtype}')
    for key in ('vessel', 'fov'):
        a = pairs[key]
        if a.shape != img.shape[:3] or a.dtype != np.uint8:
            raise ValueError(f'{source}: {key} must be {img.shape[:3]} '
                             f'uint8, got {a.shape} {a.dtype}')
        if a.size and a.max() > 1:
            raise ValueError(f'{source}: {key} must hold 0/1, found max '
                             f'{a.max()}')
    return len(img)


def stack_padded(images: Dict[str, list]) -> Dict[str, np.ndarray]:
    """A set of pairs (module docstring) from images of any sizes.

    Each image, label and mask is padded at the bottom and right to the
    largest height and width with zeros: the padding lies outside the FOV,
    which the losses, the patch sampler (``centre_key='fov'``) and the
    metrics all ignore, so a padded set trains and scores like the images
    themselves.

    Args:
        images (dict): ``img`` (list of HxWx3 uint8), ``vessel`` and
            ``fov`` (lists of HxW uint8 {0, 1}), ``sample_id`` (list of
            str), e.g. from :func:`~mmskr.datasets.load_vessel_native`.

    Returns:
        dict: ``img`` (N, H, W, 3), ``vessel``, ``fov`` (N, H, W) uint8 and
        ``sample_id`` (N,) str.
    """
    h = max(a.shape[0] for a in images['img'])
    w = max(a.shape[1] for a in images['img'])

    def pad(arrays: list) -> np.ndarray:
        out = np.zeros((len(arrays), h, w) + arrays[0].shape[2:], np.uint8)
        for i, a in enumerate(arrays):
            out[i, :a.shape[0], :a.shape[1]] = a
        return out

    return dict(img=pad(images['img']), vessel=pad(images['vessel']),
                fov=pad(images['fov']),
                sample_id=np.array(images['sample_id']))


def save_pairs(path: str, pairs: Dict[str, np.ndarray], meta: dict) -> None:
    """Write a set of pairs and its ``meta`` (JSON-able) atomically."""
    check_pairs(pairs, path)
    buf = io.BytesIO()
    np.savez(buf, meta=np.array(json.dumps(meta, sort_keys=True)),
             **{k: np.asarray(v) for k, v in pairs.items()})
    atomic_write_bytes(buf.getvalue(), path)


def load_sample_set(folder: str,
                    fov_threshold: int = 20,
                    rim_erode: int = 2) -> Tuple[Dict[str, np.ndarray], dict]:
    """Pairs from a synthetic data set folder (``tools/sample.py``,
    :mod:`mmskr.apis.sample_set`): each image with its mask as the vessel
    label, inside the FOV estimated from the image (:func:`estimate_fov`),
    the rule of :func:`~mmskr.apis.synthetic_pairs.pairs_from_samples`.

    Returns:
        tuple[dict, dict]: The pairs (``sample_id`` = the image file) and a
        meta naming the folder and the checkpoints.

    Raises:
        ValueError: the manifest lists no image with a mask (a model without
            sketches wrote it) or images of different sizes.
    """
    from ..apis.sample_set import read_manifest
    rows = [r for r in read_manifest(folder) if r.get('mask')]
    if not rows:
        raise ValueError(f'{folder}: no manifest row with a mask; only a '
                         'SkrGAN sample set has vessel labels')
    imgs, vessels, fovs = [], [], []
    for r in rows:
        img = read_medical_image(osp.join(folder, r['image']), 3)
        mask = read_medical_image(osp.join(folder, r['mask']), 1)[..., 0]
        fov = estimate_fov(img, fov_threshold, rim_erode)
        imgs.append(img)
        vessels.append(binarize(mask) & fov)
        fovs.append(fov)
    if len({i.shape for i in imgs}) > 1:
        raise ValueError(f'{folder}: images of different sizes '
                         f'{sorted({i.shape for i in imgs})}')
    pairs = dict(img=np.stack(imgs), vessel=np.stack(vessels),
                 fov=np.stack(fovs),
                 sample_id=np.array([r['image'] for r in rows]))
    check_pairs(pairs, folder)
    meta = dict(source='sample set', folder=osp.abspath(folder),
                checkpoints=sorted({r['checkpoint'] for r in rows}))
    return pairs, meta


def load_pairs(path: str) -> Tuple[Dict[str, np.ndarray], dict]:
    """Read a file written by :func:`save_pairs`, or a synthetic data set
    folder (:func:`load_sample_set`).

    Returns:
        tuple[dict, dict]: The pairs and their meta.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not a set of pairs.
    """
    if osp.isdir(path):
        return load_sample_set(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'no pairs file {osp.abspath(path)!r}')
    with np.load(path, allow_pickle=False) as z:
        pairs = {k: z[k] for k in z.files if k != 'meta'}
        meta = json.loads(str(z['meta'])) if 'meta' in z.files else {}
    check_pairs(pairs, path)
    return pairs, meta


def read_meta(path: str) -> Optional[dict]:
    """The meta of a pairs file, or None when missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return json.loads(str(z['meta']))
    except (OSError, KeyError, ValueError):
        return None
