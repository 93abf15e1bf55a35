from .diff_augment import POLICIES, diff_augment, parse_policy
from .diff_augment_discriminator import DiffAugmentDiscriminator

__all__ = [
    'DiffAugmentDiscriminator', 'POLICIES', 'diff_augment', 'parse_policy'
]
