from .acgan import ACGAN
from .acgan_discriminator import ACGANDiscriminator
from .acgan_generator import ACGANGenerator

__all__ = ['ACGAN', 'ACGANDiscriminator', 'ACGANGenerator']
