"""A synthetic data set drawn from a trained GAN: image files, SkrGAN's
sketches and their label masks, and a manifest, written resumably.

Layout of ``out`` (``S`` = the seed, six digits)::

    images/image_S.png     generated image (RGB)
    sketches/sketch_S.png  SkrGAN's sketch as drawn (grey, soft)
    masks/mask_S.png       the sketch as a label mask: 255 where
                           sketch >= mask_threshold (default 128), else 0
    manifest.csv           image, sketch, mask, seed, checkpoint, config
    grid.png               the first images (with their sketches)

Models without sketches write images only (empty ``sketch`` and ``mask``
columns). ``images/`` is a folder :class:`~mmskr.datasets.
MedicalImageDataset` reads; the whole set loads as vessel pairs with
:func:`~mmskr.datasets.vessel_data.load_sample_set`. Each image depends on
(checkpoint, seed) alone, so a killed run resumes where the manifest ends
and gives the files an uninterrupted run gives.
"""
import csv
import io
import os
import os.path as osp
from typing import Callable, List, Optional, Sequence

import numpy as np
from torch import nn

from ..utils import save_png, tile
from ..utils.atomic_io import atomic_write_bytes
from .generation import generate_images

__all__ = ['MANIFEST', 'MANIFEST_FIELDS', 'read_manifest', 'write_sample_set']

MANIFEST = 'manifest.csv'
MANIFEST_FIELDS = ('image', 'sketch', 'mask', 'seed', 'checkpoint', 'config')
GRID_IMAGES = 16


def _files_exist(out: str, row: dict) -> bool:
    return all(not row.get(k) or osp.isfile(osp.join(out, row[k]))
               for k in ('image', 'sketch', 'mask'))


def read_manifest(out: str) -> List[dict]:
    """The rows of ``out/manifest.csv`` ([] when there is none) whose files
    all exist."""
    path = osp.join(out, MANIFEST)
    if not osp.isfile(path):
        return []
    with open(path, newline='') as f:
        return [r for r in csv.DictReader(f) if _files_exist(out, r)]


def _write_manifest(out: str, rows: List[dict]) -> None:
    """Replace the manifest (atomically) by ``rows``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, MANIFEST_FIELDS, lineterminator='\n')
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(buf.getvalue().encode(), osp.join(out, MANIFEST))


def _hwc(x: np.ndarray) -> np.ndarray:
    return x[0] if x.shape[0] == 1 else x.transpose(1, 2, 0)


def write_sample_set(model: nn.Module,
                     out: str,
                     seeds: Sequence[int],
                     checkpoint: str = '',
                     config: str = '',
                     batch_size: int = 16,
                     mask_threshold: int = 128,
                     sample_model: Optional[str] = None,
                     progress: Optional[Callable[[int, int], None]] = None
                     ) -> List[dict]:
    """Draw the images of ``seeds`` not yet in ``out``'s manifest and add
    them (files first, then their manifest rows, batch by batch).

    Args:
        model (nn.Module): A generative mmagic model (SkrGAN also gives
            sketches).
        out (str): The data set folder (created).
        seeds (Sequence[int]): One image per seed.
        checkpoint, config (str): Recorded in the manifest.
        batch_size (int): Images per forward pass.
        mask_threshold (int): Sketch value (0-255) from which a mask pixel
            is 255.
        sample_model (str, optional): ``'ema'`` / ``'orig'`` (default: the
            model's own).
        progress (callable, optional): ``progress(done, total)`` after each
            batch.

    Returns:
        list[dict]: The manifest rows of ``seeds``, in seed order.

    Raises:
        ValueError: an existing manifest was written from another
            checkpoint, or ``mask_threshold`` is not in 1..255.
    """
    if not 1 <= mask_threshold <= 255:
        raise ValueError(f'mask_threshold must be in 1..255, got '
                         f'{mask_threshold}')
    os.makedirs(out, exist_ok=True)
    done = {int(r['seed']): r for r in read_manifest(out)}
    others = {r['checkpoint'] for r in done.values()} - {checkpoint}
    if others:
        raise ValueError(
            f'{osp.join(out, MANIFEST)} was written from {sorted(others)}, '
            f'not {checkpoint!r}: choose another --out, or delete the folder '
            'to start again')
    todo = [s for s in seeds if s not in done]
    # the kept rows only: a row whose files went missing is drawn again
    _write_manifest(out, list(done.values()))
    with open(osp.join(out, MANIFEST), 'a', newline='') as f:
        writer = csv.DictWriter(f, MANIFEST_FIELDS, lineterminator='\n')
        for i in range(0, len(todo), batch_size):
            chunk = todo[i:i + batch_size]
            drawn = generate_images(model, chunk, batch_size=batch_size,
                                    sample_model=sample_model)
            for k, seed in enumerate(chunk):
                row = dict(image=f'images/image_{seed:06d}.png', sketch='',
                           mask='', seed=seed, checkpoint=checkpoint,
                           config=config)
                save_png(osp.join(out, row['image']),
                         _hwc(drawn['fake_img'][k]))
                if 'fake_sketch' in drawn:
                    sketch = drawn['fake_sketch'][k, 0]
                    row['sketch'] = f'sketches/sketch_{seed:06d}.png'
                    row['mask'] = f'masks/mask_{seed:06d}.png'
                    save_png(osp.join(out, row['sketch']), sketch)
                    save_png(osp.join(out, row['mask']),
                             np.where(sketch >= mask_threshold, 255,
                                      0).astype(np.uint8))
                writer.writerow(row)
            f.flush()
            os.fsync(f.fileno())
            if progress is not None:
                progress(min(i + batch_size, len(todo)), len(todo))
    by_seed = {int(r['seed']): r for r in read_manifest(out)}
    rows = [by_seed[s] for s in seeds]
    _grid(out, rows[:GRID_IMAGES])
    return rows


def _grid(out: str, rows: List[dict]) -> None:
    import cv2
    cells = []
    for r in rows:
        img = cv2.cvtColor(cv2.imread(osp.join(out, r['image'])),
                           cv2.COLOR_BGR2RGB)
        if r['sketch']:
            sk = cv2.imread(osp.join(out, r['sketch']), cv2.IMREAD_GRAYSCALE)
            img = np.concatenate([np.repeat(sk[..., None], 3, -1), img], 1)
        cells.append(img)
    if cells:
        save_png(osp.join(out, 'grid.png'), tile(cells))
