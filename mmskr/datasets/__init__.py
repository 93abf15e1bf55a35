from . import transforms  # noqa: F401
from .drive_dataset import DRIVEDataset, drive_triples
from .io import (BadImageError, BadImageWarning, list_image_files,
                 probe_image, read_medical_image)
from .medical_image_dataset import MedicalImageDataset

__all__ = [
    'transforms', 'BadImageError', 'BadImageWarning', 'DRIVEDataset',
    'MedicalImageDataset', 'drive_triples', 'list_image_files',
    'probe_image', 'read_medical_image'
]
