"""A set of (image, vessel label, FOV mask) pairs read from one .npz file."""
from typing import Callable, List, Optional, Sequence, Union

from mmengine.dataset import BaseDataset

from mmagic.registry import DATASETS
from .vessel_data import load_pairs


@DATASETS.register_module()
class VesselPairDataset(BaseDataset):
    """Pairs written by :func:`~mmskr.datasets.vessel_data.save_pairs`.

    The same class serves the real DRIVE images (resized to the working
    resolution) and the synthetic pairs drawn from a GAN, so both arms of
    the Table 2 experiment train through one pipeline. The whole file is
    held in memory (2000 pairs at 64 px: 33 MB).

    Each data info holds ``img`` (HxWx3 uint8), ``vessel`` and ``fov``
    (HxWx1 uint8 in {0, 1}; the channel axis lets mmagic's ``Flip`` and
    ``RandomTransposeHW`` treat them like images), ``sample_id`` and
    ``sample_idx``.

    Args:
        pairs_file (str): The ``.npz`` file, or a synthetic data set folder
            written by ``tools/sample.py`` (images and their masks,
            :func:`~mmskr.datasets.vessel_data.load_sample_set`).
        pipeline (list[dict | Callable]): Transforms, usually ending in
            ``PackVesselInputs``. Defaults to [].
        indices (int | Sequence[int], optional): Use only these pairs.
            Defaults to None (all).
        test_mode, serialize_data, lazy_init, max_refetch: as in
            :class:`mmengine.dataset.BaseDataset`.
    """

    METAINFO = dict(dataset_type='vessel_pairs', task_name='segmentation')

    def __init__(self,
                 pairs_file: str,
                 pipeline: Sequence[Union[dict, Callable]] = (),
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 test_mode: bool = False,
                 serialize_data: bool = True,
                 lazy_init: bool = False,
                 max_refetch: int = 1000):
        self.pairs_file = pairs_file
        super().__init__(
            pipeline=list(pipeline),
            indices=indices,
            test_mode=test_mode,
            serialize_data=serialize_data,
            lazy_init=lazy_init,
            max_refetch=max_refetch)

    def load_data_list(self) -> List[dict]:
        """Returns:
            list[dict]: One dict per pair (see the class docstring).
        """
        pairs, _ = load_pairs(self.pairs_file)
        ids = pairs.get('sample_id')
        return [
            dict(img=pairs['img'][i], vessel=pairs['vessel'][i, ..., None],
                 fov=pairs['fov'][i, ..., None],
                 sample_id=str(ids[i]) if ids is not None else str(i),
                 sample_idx=i) for i in range(len(pairs['img']))
        ]
