"""Checks that distributed ranks hold identical weights while training."""
import json
import os.path as osp

import torch
from mmagic.registry import HOOKS
from mmengine.dist import all_gather, get_world_size, is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class DistConsistencyHook(Hook):
    """Every ``interval`` iterations, compare a weight checksum across ranks.

    With data-parallel training every rank must hold the same weights after
    every step (gradients are all-reduced, optimizers are identical). A
    network that escaped DDP (called around its wrapper, or not wrapped at
    all) silently drifts apart instead; this hook catches that. The checksum
    of a rank is the float64 sum and the sum of squares of every parameter,
    gathered from all ranks; rank 0 appends them to
    ``{work_dir}/dist_consistency.jsonl``. A mismatch raises.

    Args:
        interval (int): Iterations between checks. Defaults to 100.
        rtol (float): Relative tolerance (0 = bitwise equal sums).
            Defaults to 0.
    """
    priority = 'LOW'

    def __init__(self, interval: int = 100, rtol: float = 0.0):
        if interval <= 0:
            raise ValueError(f'interval must be positive, got {interval}')
        self.interval = interval
        self.rtol = rtol

    @staticmethod
    def checksum(model: torch.nn.Module) -> torch.Tensor:
        """(2,) float64: sum and sum of squares of all parameters."""
        total = torch.zeros(2, dtype=torch.float64)
        for p in model.parameters():
            x = p.detach().double().cpu()
            total += torch.stack([x.sum(), (x * x).sum()])
        return total

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not self.every_n_train_iters(runner, self.interval):
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        sums = all_gather(self.checksum(model))
        ref = sums[0]
        bad = [
            r for r, s in enumerate(sums)
            if not torch.allclose(s, ref, rtol=self.rtol, atol=0.0)
        ]
        if is_main_process():
            row = dict(iter=runner.iter + 1, world_size=get_world_size(),
                       checksums=[s.tolist() for s in sums],
                       consistent=not bad)
            with open(osp.join(runner.work_dir, 'dist_consistency.jsonl'),
                      'a') as f:
                f.write(json.dumps(row) + '\n')
        if bad:
            raise RuntimeError(
                f'ranks {bad} hold different weights than rank 0 after '
                f'iteration {runner.iter + 1}: a network is trained outside '
                'its DDP wrapper (check model_wrapper_cfg)')
