from .acgan import ACGAN, ACGANDiscriminator, ACGANGenerator
from .pggan import FullResolutionPGGAN
from .skrgan import (ProgressiveSketchGAN, SketchPGGANGenerator,
                     SketchRenderer, SkrGAN)
from .wgan import WGAN
from .vessel_seg import VesselSegmentor, VesselUNet
from .wgan_gp import ScalableWGANGPDiscriminator, ScalableWGANGPGenerator

__all__ = [
    'ProgressiveSketchGAN', 'SketchPGGANGenerator', 'SketchRenderer', 'SkrGAN',
    'ACGAN', 'ACGANDiscriminator', 'ACGANGenerator', 'FullResolutionPGGAN',
    'WGAN', 'ScalableWGANGPDiscriminator', 'ScalableWGANGPGenerator',
    'VesselSegmentor', 'VesselUNet'
]
