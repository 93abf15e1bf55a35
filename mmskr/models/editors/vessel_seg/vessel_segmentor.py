"""The Table 2 vessel segmentation model, trainable by mmengine's Runner."""
from typing import Dict, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel
from torch import Tensor

from mmagic.registry import MODELS
from ...losses import masked_bce, masked_dice
from ...utils import check_finite


@MODELS.register_module()
class VesselSegmentor(BaseModel):
    """A segmentation network trained with BCE + Dice inside the FOV.

    The batch (from ``PackVesselInputs`` and ``default_collate``) is
    ``inputs`` (N, 3, H, W) in [-1, 1] and ``data_samples`` =
    ``dict(gt_vessel=(N, 1, H, W), fov=(N, 1, H, W))``, both in {0, 1}.
    The loss is ``bce_weight * masked_bce + dice_weight * masked_dice``
    over the FOV pixels (:mod:`~mmskr.models.losses.vessel_losses`), so the
    black border outside the field of view neither helps nor hurts, as in
    the metrics.

    Args:
        backbone (dict): Config of the network giving (N, 1, H, W) logits,
            e.g. ``dict(type='VesselUNet')``.
        bce_weight (float): Weight of the cross-entropy. Defaults to 1.0.
        dice_weight (float): Weight of the Dice loss. Defaults to 1.0.
        data_preprocessor (dict, optional): Defaults to None (mmengine's
            ``BaseDataPreprocessor``: moves the batch to the device).
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 bce_weight: float = 1.0,
                 dice_weight: float = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if bce_weight < 0 or dice_weight < 0 or bce_weight + dice_weight == 0:
            raise ValueError('bce_weight and dice_weight must be >= 0 and '
                             f'not both 0, got {bce_weight}, {dice_weight}')
        self.backbone = MODELS.build(backbone)
        self.bce_weight = bce_weight
        self.dice_weight = dice_weight

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[Dict[str, Tensor]] = None,
                mode: str = 'tensor') -> Union[Tensor, Dict[str, Tensor]]:
        """Logits (``'tensor'``), probabilities (``'predict'``) or losses.

        Args:
            inputs (Tensor): (N, 3, H, W) in [-1, 1].
            data_samples (dict, optional): ``gt_vessel`` and ``fov``,
                (N, 1, H, W); needed for ``mode='loss'``.
            mode (str): ``'tensor'``, ``'predict'`` or ``'loss'``.

        Returns:
            Tensor | dict: (N, 1, H, W) logits or probabilities in [0, 1],
            or ``dict(loss_bce=..., loss_dice=...)`` (weighted scalars).
        """
        logits = self.backbone(inputs)
        if mode == 'tensor':
            return logits
        if mode == 'predict':
            return torch.sigmoid(logits)
        if mode != 'loss':
            raise ValueError(f"mode must be 'tensor', 'predict' or 'loss', "
                             f'got {mode!r}')
        if not data_samples or 'gt_vessel' not in data_samples:
            raise ValueError("mode='loss' needs data_samples with "
                             "'gt_vessel' and 'fov' (PackVesselInputs)")
        target, fov = data_samples['gt_vessel'], data_samples['fov']
        return dict(
            loss_bce=self.bce_weight * masked_bce(logits, target, fov),
            loss_dice=self.dice_weight * masked_dice(logits, target, fov))

    def parse_losses(self, losses: Dict[str, Tensor]
                     ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """mmengine's sum of the losses; stops on a NaN or infinite one."""
        loss, log_vars = super().parse_losses(losses)
        check_finite(log_vars, type(self).__name__)
        return loss, log_vars
