from .scalable_wgangp_discriminator import ScalableWGANGPDiscriminator
from .scalable_wgangp_generator import ScalableWGANGPGenerator

__all__ = ['ScalableWGANGPDiscriminator', 'ScalableWGANGPGenerator']
