"""Vessel segmentation metrics (Table 2) for mmengine's validation loop."""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmagic.registry import METRICS
from ..functional.vessel_metrics import vessel_metrics


@METRICS.register_module()
class VesselMetric(BaseMetric):
    """SEN, ACC, AUC, SPE and F1 of :class:`~mmskr.models.VesselSegmentor`
    over the FOV pixels of the whole validation set (pooled, as in the DRIVE
    literature; :func:`~mmskr.evaluation.functional.vessel_metrics`).

    The model's ``'predict'`` output is (N, 1, H, W) vessel probabilities;
    the batch's ``data_samples`` (from ``PackVesselInputs``) hold
    ``gt_vessel`` and ``fov``, (N, 1, H, W) in {0, 1}. Use it with a val
    data set whose pipeline ends in ``PackVesselInputs`` and does no random
    augmentation::

        val_evaluator = dict(type='VesselMetric')

    Args:
        threshold (float): A pixel is vessel when its probability is
            ``>= threshold``. Defaults to 0.5 (the paper's protocol).
        collect_device (str): Where results are gathered across ranks.
        prefix (str, optional): Key prefix. Defaults to ``'vessel'``.
    """
    default_prefix: Optional[str] = 'vessel'

    def __init__(self,
                 threshold: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not 0 < threshold < 1:
            raise ValueError(f'threshold must be in (0, 1), got {threshold}')
        self.threshold = threshold

    def process(self, data_batch: dict, data_samples: Sequence) -> None:
        """Keep each image's (probabilities, label, FOV) as HxW arrays.

        Args:
            data_batch (dict): The batch; ``data_batch['data_samples']``
                has ``gt_vessel`` and ``fov`` of shape (N, 1, H, W).
            data_samples (Sequence[Tensor]): The model's outputs, one
                (1, H, W) probability map per image.
        """
        samples = data_batch.get('data_samples') or {}
        for key in ('gt_vessel', 'fov'):
            if key not in samples:
                raise KeyError(f'VesselMetric needs data_samples[{key!r}] '
                               '(a val pipeline ending in PackVesselInputs)'
                               f', found {sorted(samples)}')
        if len(data_samples) != len(samples['gt_vessel']):
            raise ValueError(f'{len(data_samples)} predictions for '
                             f'{len(samples["gt_vessel"])} labels')
        for prob, label, fov in zip(data_samples, samples['gt_vessel'],
                                    samples['fov']):
            self.results.append(
                (torch.as_tensor(prob).detach().float().cpu().numpy()[0],
                 torch.as_tensor(label).cpu().numpy()[0].astype(np.uint8),
                 torch.as_tensor(fov).cpu().numpy()[0].astype(np.uint8)))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """``sen``, ``acc``, ``auc``, ``spe``, ``f1`` over all kept images."""
        probs, labels, fovs = zip(*results)
        out = vessel_metrics(list(probs), list(labels), list(fovs),
                             self.threshold)
        return {k: out[k] for k in ('sen', 'acc', 'auc', 'spe', 'f1')}
