from .wgan import WGAN

__all__ = ['WGAN']
