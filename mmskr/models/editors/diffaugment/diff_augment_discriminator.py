"""Any discriminator, seeing DiffAugment-ed images while training."""
from mmagic.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

#: The attribute (and state-dict infix) of the wrapped discriminator.
INFIX = 'discriminator.'


def _drop_infix(module, state_dict, prefix, local_metadata):
    """State-dict hook: ``{prefix}discriminator.{key}`` -> ``{prefix}{key}``
    (and the same for the version metadata of the wrapped modules)."""
    inner = prefix + INFIX
    for key in [k for k in state_dict if k.startswith(inner)]:
        state_dict[prefix + key[len(inner):]] = state_dict.pop(key)
    meta = getattr(state_dict, '_metadata', None)
    if meta is not None:
        for key in [k for k in meta if k.startswith(inner)]:
            meta[prefix + key[len(inner):]] = meta.pop(key)
        if inner[:-1] in meta:  # the wrapped module's own entry
            meta.pop(inner[:-1])
    return state_dict


def _add_infix(module, state_dict, prefix, local_metadata, strict,
               missing_keys, unexpected_keys, error_msgs):
    """Load pre-hook: ``{prefix}{key}`` -> ``{prefix}discriminator.{key}``
    for every key of the wrapped discriminator; keys already nested (the
    first wrapper's checkpoints) are left as they are."""
    own = set(module.discriminator.state_dict(keep_vars=True))
    for key in [k for k in state_dict if k.startswith(prefix)]:
        rest = key[len(prefix):]
        if rest in own and not (rest.startswith(INFIX)
                                and rest[len(INFIX):] in own):
            state_dict[prefix + INFIX + rest] = state_dict.pop(key)

from .diff_augment import diff_augment, parse_policy


@MODELS.register_module()
class DiffAugmentDiscriminator(BaseModule):
    """``D(T(x), ...)`` with T a random DiffAugment transform (Zhao et al.,
    2020) drawn per sample and per call, in train mode; ``D(x, ...)`` in
    eval mode.

    Every image D sees goes through it: reals, fakes, and the interpolates
    of a gradient penalty (WGAN-GP, PGGAN), as in the authors' code, where
    the transform is part of D. T is differentiable, so G's gradient flows
    through it. Extra arguments (PGGAN's ``curr_scale`` and
    ``transition_weight``) and every output (ACGAN's class logits) pass
    through unchanged.

    The wrapper is invisible in checkpoints: its state dict is the
    discriminator's own (``discriminator.conv.weight``, not
    ``discriminator.discriminator.conv.weight``), so a run trained with
    DiffAugment loads into a model without it and the reverse, and
    ``--resume`` works across a change of the switch. Checkpoints written
    by the first version of the wrapper (nested keys) still load.

    Args:
        discriminator (dict): The discriminator's config.
        policy (str): Comma-separated transforms, a subset of
            ``color,translation,cutout``
            (:data:`~mmskr.models.editors.diffaugment.diff_augment.POLICIES`).
        init_cfg (dict, optional): Unused; the discriminator initialises
            itself.
        **kwargs: What the model adds to its discriminator's config
            (ACGAN's ``num_classes``), passed on to it.
    """

    def __init__(self,
                 discriminator: dict,
                 policy: str,
                 init_cfg=None,
                 **kwargs):
        super().__init__(init_cfg)
        parse_policy(policy)  # fail at build time on a typo
        self.policy = policy
        self.discriminator = MODELS.build(dict(discriminator, **kwargs))
        self._register_state_dict_hook(_drop_infix)
        self._register_load_state_dict_pre_hook(_add_infix, with_module=True)

    def init_weights(self) -> None:
        """The discriminator's own initialisation (mmagic's discriminators
        initialise themselves outside mmengine's bookkeeping, which a
        BaseModule parent would assert on)."""
        init = getattr(self.discriminator, 'init_weights', None)
        if init is not None:
            init()

    def forward(self, x: Tensor, *args, **kwargs):
        """D's output on the (train mode: augmented) images ``x``
        (N, C, H, W)."""
        if self.training:
            x = diff_augment(x, self.policy)
        return self.discriminator(x, *args, **kwargs)
