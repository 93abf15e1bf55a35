"""DRIVE retinal images with their vessel labels and field-of-view masks."""
import os
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Sequence, Union

from mmengine.dataset import BaseDataset

from mmagic.registry import DATASETS
from .io import IMAGE_EXTENSIONS

DRIVE_SPLITS = ('training', 'test')
# sub-folder -> key of the path in each triple
_PARTS = (('images', 'img_path'), ('1st_manual', 'vessel_path'),
          ('mask', 'mask_path'), ('2nd_manual', 'vessel2_path'))
_REQUIRED = ('images', '1st_manual', 'mask')
_ID = re.compile(r'^(\d+)_')
_LAYOUT = ('{root}/{split}/images/NN_{split}.tif, '
           '{root}/{split}/1st_manual/NN_manual1.gif, '
           '{root}/{split}/mask/NN_{split}_mask.gif '
           '[, {root}/test/2nd_manual/NN_manual2.gif]')


def _by_id(folder: str) -> Dict[str, str]:
    """Map the leading number of each image file name to its path."""
    found: Dict[str, str] = {}
    for name in sorted(os.listdir(folder)):
        match = _ID.match(name)
        if match and name.lower().endswith(IMAGE_EXTENSIONS):
            if match.group(1) in found:
                raise ValueError(
                    f'two files for DRIVE image {match.group(1)} in '
                    f'{folder!r}: {osp.basename(found[match.group(1)])!r} and '
                    f'{name!r}')
            found[match.group(1)] = osp.join(folder, name)
    return found


def drive_triples(root: str, split: str = 'training') -> List[dict]:
    """List DRIVE (image, vessel label, FOV mask) paths of one split.

    Files are matched by their leading number (``21_training.tif``,
    ``21_manual1.gif``, ``21_training_mask.gif``); extensions may differ
    (e.g. labels converted to PNG). Images are RGB TIFF, labels and masks
    single-channel GIF with values {0, 255}; read them with
    :func:`~mmskr.datasets.io.read_medical_image` (``channels=1`` for
    labels and masks), which reads GIF (OpenCV cannot).

    Args:
        root (str): The DRIVE folder (holding ``training/`` and ``test/``).
        split (str): ``'training'`` (images 21-40) or ``'test'`` (01-20).
            Defaults to ``'training'``.

    Returns:
        list[dict]: One dict per image, sorted by number: ``sample_id``
        (str, e.g. ``'21'``), ``img_path``, ``vessel_path`` (1st observer),
        ``mask_path`` and, when ``{split}/2nd_manual`` exists (test split),
        ``vessel2_path`` (2nd observer).

    Raises:
        ValueError: ``split`` is not ``'training'`` or ``'test'``, or two
            files share a number.
        FileNotFoundError: a required folder is missing or empty, or an
            image lacks its label or mask (the message names it).
    """
    if split not in DRIVE_SPLITS:
        raise ValueError(
            f'DRIVE split must be one of {DRIVE_SPLITS}, got {split!r}')
    parts, folders = {}, {}
    for sub, key in _PARTS:
        folder = osp.join(root, split, sub)
        if not osp.isdir(folder):
            if sub in _REQUIRED:
                raise FileNotFoundError(
                    f'DRIVE folder {osp.abspath(folder)!r} does not exist; '
                    f'expected layout {_LAYOUT}')
            continue
        parts[key], folders[key] = _by_id(folder), folder
    images = parts['img_path']
    if not images:
        raise FileNotFoundError(
            f'no DRIVE images (NN_*.tif) in '
            f'{osp.abspath(osp.join(root, split, "images"))!r}; expected '
            f'layout {_LAYOUT}')
    triples = []
    for sample_id in sorted(images, key=int):
        triple = dict(sample_id=sample_id)
        for key, files in parts.items():
            if sample_id not in files:
                raise FileNotFoundError(
                    f'DRIVE image {images[sample_id]!r} has no matching '
                    f'{key[:-5]} file {sample_id}_* in {folders[key]!r}; '
                    f'expected layout {_LAYOUT}')
            triple[key] = files[sample_id]
        triples.append(triple)
    return triples


@DATASETS.register_module()
class DRIVEDataset(BaseDataset):
    """DRIVE fundus images with vessel labels and FOV masks (Table 2).

    Each data info is a :func:`drive_triples` dict plus ``sample_idx``:
    ``img_path``, ``vessel_path``, ``mask_path`` (and ``vessel2_path`` for
    the test split), so a pipeline loads them with
    ``LoadMedicalImage(key='img')``, ``LoadMedicalImage(key='vessel',
    channels=1)`` and ``LoadMedicalImage(key='mask', channels=1)``. For
    unconditional fundus generation use :class:`MedicalImageDataset` on
    ``DRIVE/training/images`` instead.

    Args:
        data_root (str): The DRIVE folder. Defaults to ''.
        split (str): ``'training'`` or ``'test'``. Defaults to
            ``'training'``.
        pipeline (list[dict | Callable]): Transforms. Defaults to [].
        metainfo (dict, optional): Extra meta information. Defaults to None.
        test_mode, serialize_data, lazy_init, indices, max_refetch: as in
            :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(dataset_type='drive', task_name='segmentation')

    def __init__(self,
                 data_root: Optional[str] = '',
                 split: str = 'training',
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 metainfo: Optional[dict] = None,
                 test_mode: bool = False,
                 serialize_data: bool = True,
                 lazy_init: bool = False,
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 max_refetch: int = 1000):
        if split not in DRIVE_SPLITS:
            raise ValueError(
                f'DRIVE split must be one of {DRIVE_SPLITS}, got {split!r}')
        self.split = split
        super().__init__(
            metainfo=metainfo,
            data_root=data_root or '',
            data_prefix=dict(),
            pipeline=list(pipeline),
            test_mode=test_mode,
            serialize_data=serialize_data,
            lazy_init=lazy_init,
            indices=indices,
            max_refetch=max_refetch)

    def load_data_list(self) -> List[dict]:
        """Returns:
            list[dict]: :func:`drive_triples` dicts with ``sample_idx``.
        """
        triples = drive_triples(self.data_root, self.split)
        for idx, triple in enumerate(triples):
            triple['sample_idx'] = idx
        return triples
