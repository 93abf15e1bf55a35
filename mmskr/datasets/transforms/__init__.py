from .cached import CachedTransforms, flat_pipeline
from .load_medical_image import LoadMedicalImage
from .sketch_draft import SketchDraft, sketch_draft

__all__ = [
    'CachedTransforms', 'LoadMedicalImage', 'SketchDraft', 'flat_pipeline',
    'sketch_draft'
]
