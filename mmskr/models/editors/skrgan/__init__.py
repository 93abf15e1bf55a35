from .progressive_sketch_gan import ProgressiveSketchGAN
from .sketch_pggan_generator import SketchPGGANGenerator
from .sketch_renderer import SketchRenderer
from .skrgan import SkrGAN

__all__ = [
    'ProgressiveSketchGAN', 'SketchPGGANGenerator', 'SketchRenderer', 'SkrGAN'
]
