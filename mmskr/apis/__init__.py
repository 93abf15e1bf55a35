"""Programmatic entry points: build a model from a config, draw seeded
samples from any mmagic GAN, and read a config's real images."""
from .generation import (generate_images, init_model, load_real_images,
                         seeded_noise)

__all__ = ['generate_images', 'init_model', 'load_real_images', 'seeded_noise']
