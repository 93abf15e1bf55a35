from .editors import (ACGAN, WGAN, ACGANDiscriminator, ACGANGenerator,
                      DiffAugmentDiscriminator, FullResolutionPGGAN,
                      ProgressiveSketchGAN, ScheduledPGGAN,
                      ScalableWGANGPDiscriminator, ScalableWGANGPGenerator,
                      SketchPGGANGenerator, SketchRenderer, SkrGAN,
                      VesselSegmentor, VesselUNet)
from .losses import masked_bce, masked_dice
from .utils import NonFiniteLossError, check_finite, scheduled_stage

__all__ = [
    'ProgressiveSketchGAN', 'SketchPGGANGenerator', 'SketchRenderer',
    'SkrGAN', 'NonFiniteLossError', 'check_finite', 'scheduled_stage',
    'ACGAN', 'ACGANDiscriminator', 'ACGANGenerator', 'FullResolutionPGGAN',
    'ScheduledPGGAN', 'DiffAugmentDiscriminator', 'WGAN', 'ScalableWGANGPDiscriminator', 'ScalableWGANGPGenerator',
    'VesselSegmentor', 'VesselUNet', 'masked_bce', 'masked_dice'
]
