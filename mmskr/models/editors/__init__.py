from .skrgan import (ProgressiveSketchGAN, SketchPGGANGenerator,
                     SketchRenderer, SkrGAN)

__all__ = [
    'ProgressiveSketchGAN', 'SketchPGGANGenerator', 'SketchRenderer', 'SkrGAN'
]
