"""Writes SkrGAN sample grids (sketch | image) during training."""
import os.path as osp
from typing import Optional

import torch
from mmagic.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...utils import pair_grid, save_png


@HOOKS.register_module()
class SkrGANSampleHook(Hook):
    """Every ``interval`` iterations, sample fixed noise and save a grid.

    The grid shows (sketch | image) pairs drawn from the same noise at every
    save (seeded), so grids from different iterations are comparable. Files:
    ``{work_dir}/samples/iter_{N:06d}.png``; only rank 0 writes.

    Args:
        interval (int): Iterations between grids. Defaults to 1000.
        num_samples (int): Pairs per grid. Defaults to 8.
        seed (int): Seed of the fixed noise. Defaults to 0.
        sample_model (str, optional): ``'orig'`` or ``'ema'``; None takes
            the model's default (its EMA generator when it has one).
            Defaults to None.
    """
    priority = 'LOW'

    def __init__(self,
                 interval: int = 1000,
                 num_samples: int = 8,
                 seed: int = 0,
                 sample_model: Optional[str] = None):
        if interval <= 0 or num_samples <= 0:
            raise ValueError('interval and num_samples must be positive, got '
                             f'{interval} and {num_samples}')
        self.interval = interval
        self.num_samples = num_samples
        self.seed = seed
        self.sample_model = sample_model
        self._noise: Optional[torch.Tensor] = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        last = runner.iter + 1 == runner.max_iters
        if not (self.every_n_train_iters(runner, self.interval) or last):
            return
        if not is_main_process():
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if self._noise is None:
            gen = torch.Generator().manual_seed(self.seed)
            self._noise = torch.randn(
                self.num_samples, model.sketch_gan.noise_size, generator=gen)
        noise = self._noise.to(next(model.parameters()).device)
        out = model.sample(noise, sample_model=self.sample_model)
        path = osp.join(runner.work_dir, 'samples',
                        f'iter_{runner.iter + 1:06d}.png')
        save_png(path, pair_grid(out['sketch'], out['image']))
        runner.logger.info(f'sample grid written to {path}')
