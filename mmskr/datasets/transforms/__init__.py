from .load_medical_image import LoadMedicalImage
from .sketch_draft import SketchDraft, sketch_draft

__all__ = ['LoadMedicalImage', 'SketchDraft', 'sketch_draft']
