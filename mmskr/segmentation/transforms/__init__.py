from .pack_vessel_inputs import PackVesselInputs, image_to_input
from .random_intensity import RandomIntensity, adjust_intensity
from .random_paired_crop import RandomPairedCrop, paired_crop

__all__ = [
    'PackVesselInputs', 'RandomIntensity', 'RandomPairedCrop',
    'adjust_intensity', 'image_to_input', 'paired_crop'
]
