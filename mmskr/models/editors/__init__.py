from .acgan import ACGAN, ACGANDiscriminator, ACGANGenerator
from .diffaugment import DiffAugmentDiscriminator
from .pggan import FullResolutionPGGAN, ScheduledPGGAN
from .skrgan import (ProgressiveSketchGAN, SketchPGGANGenerator,
                     SketchRenderer, SkrGAN)
from .wgan import WGAN
from .vessel_seg import VesselSegmentor, VesselUNet
from .wgan_gp import ScalableWGANGPDiscriminator, ScalableWGANGPGenerator

__all__ = [
    'ProgressiveSketchGAN', 'SketchPGGANGenerator', 'SketchRenderer', 'SkrGAN',
    'ACGAN', 'ACGANDiscriminator', 'ACGANGenerator', 'FullResolutionPGGAN',
    'ScheduledPGGAN', 'DiffAugmentDiscriminator', 'WGAN', 'ScalableWGANGPDiscriminator', 'ScalableWGANGPGenerator',
    'VesselSegmentor', 'VesselUNet'
]
