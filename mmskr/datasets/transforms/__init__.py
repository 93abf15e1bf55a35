from .cached import CachedTransforms, flat_pipeline
from .load_medical_image import LoadMedicalImage
from .pack_vessel_inputs import PackVesselInputs, image_to_input
from .random_intensity import RandomIntensity, adjust_intensity
from .random_paired_crop import RandomPairedCrop, paired_crop
from .sketch_draft import SketchDraft, sketch_draft

__all__ = [
    'CachedTransforms', 'LoadMedicalImage', 'SketchDraft', 'flat_pipeline',
    'sketch_draft', 'PackVesselInputs', 'RandomIntensity', 'RandomPairedCrop',
    'adjust_intensity', 'image_to_input', 'paired_crop'
]
