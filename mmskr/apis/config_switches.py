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

__all__ = ['WRAPPER', 'adopt_switches_from_checkpoint_meta',
           'apply_diff_augment', 'discriminator_slots', 'unwrap_discriminator']

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


def _policy(value) -> str:
    """A policy as one string (``--cfg-options`` gives a list)."""
    return value if isinstance(value, str) else ','.join(value)


def _names(value) -> list:
    """The transforms a ``diff_augment`` value names ([] when off)."""
    return parse_policy(_policy(value)) if value else []


def apply_diff_augment(cfg: Config) -> None:
    """Wrap every discriminator of ``cfg.model`` in DiffAugment (in place)
    when ``cfg.diff_augment`` names a policy (a string, or the list
    ``--cfg-options diff_augment=color,translation`` makes); nothing when
    it is None or absent. Idempotent.

    Raises:
        ValueError: an unknown policy name.
    """
    root = _root(cfg)
    names = _names(root.get('diff_augment'))
    if not names:
        return
    for slot, paired in discriminator_slots(root['model']):
        if slot['discriminator'].get('type') == WRAPPER:
            continue
        used = [n for n in names if not (paired and n == 'color')]
        slot['discriminator'] = dict(
            type=WRAPPER,
            discriminator=slot['discriminator'],
            policy=','.join(used))


def adopt_switches_from_checkpoint_meta(cfg: Config, meta: dict,
                                        explicit: dict = None) -> None:
    """Give ``cfg`` (in place) the ``diff_augment`` a checkpoint was
    trained with, on or off, whatever its file says: its discriminators
    then carry the run's wrappers (their weights load either way: the
    wrapper is invisible in state dicts, and the first version's nested
    keys load into a wrapper only). Nothing when the checkpoint has no
    config (mmengine writes it as ``meta['cfg']``).

    Args:
        cfg (Config): The config the model is built from.
        meta (dict): The checkpoint's ``meta``.
        explicit (dict, optional): Options the caller gave (``cfg_options``):
            a ``diff_augment`` there must agree with the run's.

    Raises:
        ValueError: ``explicit`` names another ``diff_augment`` than the
            run's.
    """
    text = (meta or {}).get('cfg')
    if not text:
        return
    trained = Config.fromstring(text, '.py').get('diff_augment') or None
    if explicit and 'diff_augment' in explicit:
        given = explicit['diff_augment'] or None
        if _names(given) != _names(trained):
            raise ValueError(
                f'the checkpoint was trained with diff_augment='
                f'{trained and _policy(trained)!r}, the options say '
                f'{given and _policy(given)!r}; drop the option to use the '
                "checkpoint's")
    root = _root(cfg)
    root['diff_augment'] = trained
    for slot, _ in discriminator_slots(root['model']):
        slot['discriminator'] = unwrap_discriminator(slot['discriminator'])
    apply_diff_augment(cfg)
