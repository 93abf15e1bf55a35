"""Config switches that change every method's model alike, so a trick
given to SkrGAN is given to every baseline by the same key.

==================  =====================================================
key                 effect
==================  =====================================================
``diff_augment``    None (off) or a DiffAugment policy, e.g.
                    ``'color,translation,cutout'``: every discriminator of
                    the model is wrapped in ``DiffAugmentDiscriminator``
                    (SkrGAN: D_S and D_P); a conditional D on
                    (sketch, image) pairs takes the policy without
                    ``color``, which would mix the sketch channel into the
                    image's saturation
==================  =====================================================
"""
from typing import Iterator, Tuple

from mmengine.config import Config

from ..models.editors.diffaugment import parse_policy

__all__ = ['WRAPPER', 'apply_diff_augment', 'discriminator_slots',
           'unwrap_discriminator']

WRAPPER = 'DiffAugmentDiscriminator'


def _root(cfg):
    return cfg._cfg_dict if isinstance(cfg, Config) else cfg


def discriminator_slots(model: dict) -> Iterator[Tuple[dict, bool]]:
    """The dicts holding a model config's discriminators under the key
    ``'discriminator'``, each with whether that D is conditional on a
    sketch (SkrGAN's D_P)."""
    if model.get('type') == 'SkrGAN':
        yield model['sketch_gan'], False
        yield model['renderer'], True
    else:
        yield model, False


def unwrap_discriminator(disc: dict) -> dict:
    """The discriminator's own config, inside a DiffAugment wrapper or
    not."""
    while disc.get('type') == WRAPPER:
        disc = disc['discriminator']
    return disc


def apply_diff_augment(cfg: Config) -> None:
    """Wrap every discriminator of ``cfg.model`` in DiffAugment (in place)
    when ``cfg.diff_augment`` names a policy (a string, or the list
    ``--cfg-options diff_augment=color,translation`` makes); nothing when
    it is None or absent. Idempotent.

    Raises:
        ValueError: an unknown policy name.
    """
    root = _root(cfg)
    policy = root.get('diff_augment')
    if not policy:
        return
    if not isinstance(policy, str):
        policy = ','.join(policy)
    names = parse_policy(policy)
    for slot, paired in discriminator_slots(root['model']):
        if slot['discriminator'].get('type') == WRAPPER:
            continue
        used = [n for n in names if not (paired and n == 'color')]
        slot['discriminator'] = dict(
            type=WRAPPER,
            discriminator=slot['discriminator'],
            policy=','.join(used))
