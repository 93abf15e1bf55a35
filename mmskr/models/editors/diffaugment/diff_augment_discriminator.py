"""Any discriminator, seeing DiffAugment-ed images while training."""
from mmagic.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

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
