from .full_resolution_pggan import FullResolutionPGGAN

__all__ = ['FullResolutionPGGAN']
