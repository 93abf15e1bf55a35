"""Vessel segmentation sets in a generic folder layout, at native size.

One reader for DRIVE, STARE, CHASE_DB1, HRF, ... once they are arranged as::

    ROOT/images/   fundus photographs (any format read_medical_image reads)
    ROOT/labels/   binary vessel masks (0/255 or 0/1; GIF too)
    ROOT/masks/    optional field-of-view masks (binary)

Files are matched by stem (name without extension): ``images/im0001.ppm``
<-> ``labels/im0001.png`` <-> ``masks/im0001.gif``. Hidden files and files
with other extensions (``README.txt``) are ignored. Without ``masks/`` the
field of view is estimated from the image's intensity
(:func:`~mmskr.datasets.vessel_data.estimate_fov`).

:func:`find_vessel_set` also accepts the DRIVE layout as distributed
(``ROOT/{split}/images``, ``1st_manual``, ``mask``).
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

from .drive_dataset import drive_triples
from .io import list_image_files, read_medical_image
from .vessel_data import (binarize, estimate_fov, resize_binary, resize_image,
                          stack_padded)

__all__ = ['vessel_folder_triples', 'find_vessel_set', 'load_vessel_native',
           'load_vessel_pairs']

_LAYOUT = ('ROOT/images/<stem>.<ext>, ROOT/labels/<stem>.<ext> '
           '[, ROOT/masks/<stem>.<ext>], files matched by stem')
_DRIVE_LAYOUT = ('ROOT/{split}/images/NN_{split}.tif, '
                 'ROOT/{split}/1st_manual/NN_manual1.gif, '
                 'ROOT/{split}/mask/NN_{split}_mask.gif')
#: How many missing stems an error message lists.
_MAX_LISTED = 5


def _by_stem(folder: str) -> Dict[str, str]:
    """Map the stem of each image file directly in ``folder`` to its path.

    Raises:
        ValueError: two files share a stem (``a.png`` and ``a.tif``).
    """
    found: Dict[str, str] = {}
    for path in list_image_files(folder, recursive=False):
        stem = osp.splitext(osp.basename(path))[0]
        if stem in found:
            raise ValueError(
                f'two files with the stem {stem!r} in {osp.abspath(folder)!r}'
                f': {osp.basename(found[stem])!r} and {osp.basename(path)!r}'
                '; files are matched by stem, so keep one of them')
        found[stem] = path
    return found


def _listed(stems: List[str]) -> str:
    """``'a', 'b' (and 3 more)``: at most :data:`_MAX_LISTED` stems."""
    shown = ', '.join(repr(s) for s in stems[:_MAX_LISTED])
    rest = len(stems) - _MAX_LISTED
    return shown + (f' (and {rest} more)' if rest > 0 else '')


def _check_matched(images: Dict[str, str], others: Dict[str, str],
                   folder: str, root: str, advice: str = '') -> None:
    """Every image has a file in ``folder`` and every file there an image.

    Raises:
        FileNotFoundError: the message lists up to 5 unmatched stems.
    """
    what = osp.basename(folder)[:-1]  # 'labels' -> 'label'
    lacking = sorted(set(images) - set(others))
    if lacking:
        raise FileNotFoundError(
            f'{len(lacking)} image(s) in {osp.join(root, "images")!r} have no '
            f'{what} file: {_listed(lacking)}; expected '
            f'{osp.join(folder, "<stem>.<ext>")!r} (any image extension). '
            f'Add the missing files{advice}; layout {_LAYOUT}')
    orphans = sorted(set(others) - set(images))
    if orphans:
        raise FileNotFoundError(
            f'{len(orphans)} file(s) in {folder!r} have no image '
            f'{osp.join(root, "images", "<stem>.<ext>")!r}: '
            f'{_listed(orphans)}; add the images or remove these files; '
            f'layout {_LAYOUT}')


def _subfolder(root: str, sub: str) -> str:
    """``root/sub``, which must be a folder.

    Raises:
        FileNotFoundError: it is missing.
    """
    folder = osp.join(root, sub)
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'vessel set folder {folder!r} does not exist; expected layout '
            f'{_LAYOUT}')
    return folder


def vessel_folder_triples(root: str) -> List[dict]:
    """List (image, vessel label, FOV mask) paths of a folder-layout set.

    Args:
        root (str): Folder holding ``images/``, ``labels/`` and optionally
            ``masks/`` (module docstring).

    Returns:
        list[dict]: One dict per image, sorted by stem: ``sample_id`` (str,
        the stem), ``img_path``, ``vessel_path`` and ``mask_path`` (None
        when ``masks/`` is absent), as :func:`~mmskr.datasets.
        drive_triples` gives.

    Raises:
        FileNotFoundError: ``root``, ``images/`` or ``labels/`` is missing,
            ``images/`` holds no image file, or a file has no counterpart
            (an image without label or mask, a label or mask without image).
        ValueError: two files in one folder share a stem.
    """
    root = osp.abspath(root)
    if not osp.isdir(root):
        raise FileNotFoundError(
            f'vessel set root {root!r} does not exist or is not a folder; '
            f'expected layout {_LAYOUT}')
    images = _by_stem(_subfolder(root, 'images'))
    if not images:
        raise FileNotFoundError(
            f'no image files in {osp.join(root, "images")!r} (extensions '
            'as in mmskr.datasets.io.IMAGE_EXTENSIONS; hidden files are '
            f'ignored); put the fundus photographs there; layout {_LAYOUT}')
    labels_dir = _subfolder(root, 'labels')
    labels = _by_stem(labels_dir)
    _check_matched(images, labels, labels_dir, root)
    masks_dir = osp.join(root, 'masks')
    masks: Optional[Dict[str, str]] = None
    if osp.isdir(masks_dir):
        masks = _by_stem(masks_dir)
        _check_matched(images, masks, masks_dir, root,
                       ', or remove masks/ to estimate the FOV from the '
                       'images')
    return [
        dict(sample_id=stem, img_path=images[stem], vessel_path=labels[stem],
             mask_path=None if masks is None else masks[stem])
        for stem in sorted(images)
    ]


def find_vessel_set(root: str, split: str) -> List[dict]:
    """Triples of one split of a vessel set in any accepted layout.

    Tried in order: the DRIVE layout as distributed (``root/{split}/images``
    and ``root/{split}/1st_manual``: :func:`~mmskr.datasets.drive_triples`);
    the folder layout per split (``root/{split}/images``, ``labels``
    [, ``masks``]); the folder layout without splits (``root/images``: all
    samples whatever ``split`` is; the caller decides how to split them).

    Args:
        root (str): The set's folder.
        split (str): Split name, e.g. ``'training'`` or ``'test'``.

    Returns:
        list[dict]: As :func:`vessel_folder_triples`.

    Raises:
        FileNotFoundError: no layout matches, or as the reader chosen.
        ValueError: as the reader chosen.
    """
    split_dir = osp.join(root, split)
    if osp.isdir(osp.join(split_dir, 'images')):
        if osp.isdir(osp.join(split_dir, '1st_manual')):
            return drive_triples(root, split)
        return vessel_folder_triples(split_dir)
    if osp.isdir(osp.join(root, 'images')):
        return vessel_folder_triples(root)
    raise FileNotFoundError(
        f'no vessel set in {osp.abspath(root)!r} for split {split!r}: '
        f'neither {osp.join(split_dir, "images")!r} nor '
        f'{osp.join(root, "images")!r} exists. Accepted layouts: the folder '
        f'layout {_LAYOUT}, with ROOT = {osp.abspath(split_dir)!r} or '
        f'{osp.abspath(root)!r}; or the DRIVE layout {_DRIVE_LAYOUT}')


def _read_binary(path: str) -> np.ndarray:
    """A binary image file (0/255 or 0/1) as HxW uint8 {0, 1}."""
    gray = read_medical_image(path, 1)[..., 0]
    if gray.max() <= 1:  # stored as 0/1
        return gray.astype(np.uint8)
    return binarize(gray)


def _check_sizes(triple: dict, img: np.ndarray, vessel: np.ndarray,
                 fov: Optional[np.ndarray]) -> None:
    """Image, label and mask have the same height and width.

    Raises:
        ValueError: names the files and their H x W sizes.
    """
    parts = [('image', triple['img_path'], img),
             ('label', triple['vessel_path'], vessel)]
    if fov is not None:
        parts.append(('mask', triple['mask_path'], fov))
    if len({a.shape[:2] for _, _, a in parts}) > 1:
        sizes = ', '.join(f'{what} {path!r} {a.shape[0]}x{a.shape[1]}'
                          for what, path, a in parts)
        raise ValueError(
            f'sample {triple["sample_id"]!r}: sizes differ (height x width): '
            f'{sizes}; the label and mask must have the image\'s size')


def _check_vessels(triple: dict, vessel: np.ndarray, fov: np.ndarray,
                   fov_source: str) -> None:
    """The label has at least one vessel pixel inside the FOV.

    Raises:
        ValueError: names the label (and the FOV's source).
    """
    if (vessel & fov).any():
        return
    if not fov.any():
        why = f'the field of view ({fov_source}) is empty'
    elif not vessel.any():
        why = 'the label has no vessel pixel at all'
    else:
        why = f'no vessel pixel lies inside the field of view ({fov_source})'
    raise ValueError(
        f'label {triple["vessel_path"]!r} of sample '
        f'{triple["sample_id"]!r}: {why}; probably an inverted or wrong '
        'label or mask (vessels must be the bright value: 255 or 1)')


def _read_sample(triple: dict, fov_threshold: int, fov_erode: int
                 ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """One triple's HxWx3 image, HxW vessel and HxW FOV (uint8), and
    whether the FOV was estimated (no ``mask_path``).

    Raises:
        ValueError: sizes differ, or no vessel pixel inside the FOV.
    """
    img = read_medical_image(triple['img_path'], channels=3)
    vessel = _read_binary(triple['vessel_path'])
    mask_path = triple.get('mask_path')
    fov = None if mask_path is None else _read_binary(mask_path)
    _check_sizes(triple, img, vessel, fov)
    if fov is None:
        fov = estimate_fov(img, fov_threshold, erode=fov_erode)
        source = f'estimated from the image, threshold={fov_threshold}'
    else:
        source = f'mask {mask_path!r}'
    _check_vessels(triple, vessel, fov, source)
    return img, vessel, fov, mask_path is None


def load_vessel_native(triples: List[dict],
                       fov_threshold: int = 20,
                       fov_erode: int = 0) -> Dict[str, list]:
    """Read (image, vessel label, FOV) triples at their own resolution.

    Args:
        triples (list[dict]): From :func:`find_vessel_set`,
            :func:`vessel_folder_triples` or :func:`~mmskr.datasets.
            drive_triples` (``img_path``, ``vessel_path``, ``mask_path``
            (None: estimate the FOV), ``sample_id``).
        fov_threshold (int): For an estimated FOV, the minimum of
            ``max(R, G, B)`` inside it. Defaults to 20.
        fov_erode (int): For an estimated FOV, the erosion radius in
            pixels. Defaults to 0.

    Returns:
        dict: ``img`` (list of HxWx3 uint8 RGB), ``vessel`` and ``fov``
        (lists of HxW uint8 {0, 1}), ``sample_id`` (list of str), each in
        the order of ``triples``, H x W per sample; ``fov_estimated``
        (bool, True when any FOV was estimated).

    Raises:
        ValueError: ``triples`` is empty, a sample's image, label and mask
            sizes differ, or a label has no vessel pixel inside the FOV.
        FileNotFoundError, BadImageError: a file is missing or unreadable
            (from :func:`~mmskr.datasets.read_medical_image`).
    """
    if not triples:
        raise ValueError('load_vessel_native got no triples; list them with '
                         'find_vessel_set(root, split)')
    out: Dict[str, list] = dict(img=[], vessel=[], fov=[], sample_id=[])
    estimated = False
    for triple in triples:
        img, vessel, fov, was_estimated = _read_sample(
            triple, fov_threshold, fov_erode)
        estimated = estimated or was_estimated
        for key, value in (('img', img), ('vessel', vessel), ('fov', fov),
                           ('sample_id', str(triple['sample_id']))):
            out[key].append(value)
    out['fov_estimated'] = estimated
    return out


def load_vessel_pairs(root: str, split: str,
                      size: Optional[int]) -> Dict[str, np.ndarray]:
    """One split of a vessel set (:func:`find_vessel_set`) as a set of pairs
    (:mod:`~mmskr.datasets.vessel_data`), in sample order.

    Args:
        root (str): DRIVE or a folder-layout set.
        split (str): ``'training'`` or ``'test'``.
        size (int, optional): Working resolution S: images area-resized to
            S x S, labels and masks resized as 0/255 images and thresholded
            at half coverage. None: every image at its own resolution,
            padded outside the FOV to one shape (``stack_padded``).

    Returns:
        dict: ``img``, ``vessel``, ``fov`` and ``sample_id`` arrays.
    """
    data = load_vessel_native(find_vessel_set(root, split))
    if size is None:
        return stack_padded(data)
    return dict(
        img=np.stack([resize_image(i, size) for i in data['img']]),
        vessel=np.stack([resize_binary(v, size) for v in data['vessel']]),
        fov=np.stack([resize_binary(f, size) for f in data['fov']]),
        sample_id=np.array(data['sample_id']))
