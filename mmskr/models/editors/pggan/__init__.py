from .full_resolution_pggan import FullResolutionPGGAN
from .scheduled_pggan import ScheduledPGGAN

__all__ = ['FullResolutionPGGAN', 'ScheduledPGGAN']
