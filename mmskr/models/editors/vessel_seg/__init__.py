from .vessel_segmentor import VesselSegmentor
from .vessel_unet import VesselUNet

__all__ = ['VesselSegmentor', 'VesselUNet']
