"""Programmatic entry points: build a model from a config, draw seeded
samples from any mmagic GAN, read a config's real images, and draw
(image, vessel label) pairs from a trained GAN."""
from .config_from_data import (apply_data_channels, auto_keys,
                               fill_from_checkpoint_meta, fill_from_data)
from .config_switches import apply_diff_augment
from .generation import (dataset_images, generate_images, init_model,
                         load_config, load_real_images, seeded_labels,
                         seeded_noise)
from .synthetic_pairs import (DRAFT_SIZE, LABEL_SOURCES, pairs_from_samples,
                              synthetic_pairs)

__all__ = [
    'DRAFT_SIZE', 'LABEL_SOURCES', 'apply_data_channels', 'apply_diff_augment',
    'auto_keys', 'dataset_images', 'fill_from_checkpoint_meta',
    'fill_from_data', 'generate_images', 'init_model', 'load_config',
    'load_real_images', 'pairs_from_samples', 'seeded_labels', 'seeded_noise',
    'synthetic_pairs'
]
