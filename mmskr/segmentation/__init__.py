"""Vessel segmentation with synthetic pretraining (the paper's Table 2).

Importing this package registers :class:`VesselSegmentor`,
:class:`VesselUNet`, :class:`VesselPairDataset` and the transforms
``RandomPairedCrop``, ``RandomIntensity`` and ``PackVesselInputs`` into
mmagic's registries (configs: ``custom_imports=dict(imports=[
'mmskr.segmentation'])``). The experiment itself is
:mod:`mmskr.segmentation.harness`, run by ``benchmarks/vessel_seg.py``.
"""
from . import transforms  # noqa: F401
from .synthetic_pairs import (LABEL_SOURCES, pairs_from_samples,
                              synthetic_pairs)
from .vessel_data import (estimate_fov, load_drive_native, load_drive_pairs,
                          load_pairs, save_pairs, sketch_to_label)
from .vessel_losses import masked_bce, masked_dice
from .vessel_metrics import METRIC_KEYS, vessel_metrics
from .vessel_pair_dataset import VesselPairDataset
from .vessel_segmentor import VesselSegmentor
from .vessel_unet import VesselUNet

__all__ = [
    'LABEL_SOURCES', 'METRIC_KEYS', 'VesselPairDataset', 'VesselSegmentor',
    'VesselUNet', 'estimate_fov', 'load_drive_native', 'load_drive_pairs',
    'load_pairs', 'masked_bce', 'masked_dice', 'pairs_from_samples',
    'save_pairs', 'sketch_to_label', 'synthetic_pairs', 'transforms',
    'vessel_metrics'
]
