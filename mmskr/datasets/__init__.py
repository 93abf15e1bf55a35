from . import transforms  # noqa: F401
from .drive_dataset import DRIVEDataset, drive_triples
from .io import (BadImageError, BadImageWarning, list_image_files,
                 probe_image, read_medical_image)
from .medical_image_dataset import MedicalImageDataset
from .vessel_data import (PAIR_KEYS, estimate_fov, load_pairs, read_meta,
                          save_pairs, sketch_to_label)
from .vessel_folders import (find_vessel_set, load_vessel_native,
                             load_vessel_pairs, vessel_folder_triples)
from .vessel_pair_dataset import VesselPairDataset

__all__ = [
    'transforms', 'BadImageError', 'BadImageWarning', 'DRIVEDataset',
    'MedicalImageDataset', 'drive_triples', 'list_image_files',
    'probe_image', 'read_medical_image', 'PAIR_KEYS', 'VesselPairDataset',
    'estimate_fov', 'load_pairs', 'read_meta', 'save_pairs',
    'sketch_to_label', 'find_vessel_set', 'load_vessel_native',
    'load_vessel_pairs', 'vessel_folder_triples'
]
