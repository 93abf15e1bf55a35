from .editors import (ProgressiveSketchGAN, SketchPGGANGenerator,
                      SketchRenderer, SkrGAN)
from .utils import NonFiniteLossError, check_finite

__all__ = [
    'ProgressiveSketchGAN', 'SketchPGGANGenerator', 'SketchRenderer',
    'SkrGAN', 'NonFiniteLossError', 'check_finite'
]
