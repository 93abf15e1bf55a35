"""Flags a collapsed generator from a fixed batch of seeded samples."""
import random
from typing import Dict, Optional

import numpy as np
import torch
from mmagic.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...apis.generation import dataset_images, generate_images
from ...evaluation.functional.ms_ssim import ms_ssim_diversity

PIXEL_STD_KEY = 'pixel_std'
MS_SSIM_KEY = 'ms_ssim'


def sample_diversity(images: np.ndarray,
                     ms_ssim: bool = True,
                     seed: int = 0) -> Dict[str, float]:
    """Two cheap diversity statistics of one batch of generated images.

    Args:
        images (np.ndarray): (N, C, H, W), N >= 2, uint8 or float in
            [0, 255].
        ms_ssim (bool): Also compute the MS-SSIM diversity (needs images of
            at least 11 px). Defaults to True.
        seed (int): Seed of the MS-SSIM pairs. Defaults to 0.

    Returns:
        dict[str, float]: ``'pixel_std'``: the standard deviation across the
        N images, averaged over pixels and channels, in grey levels (0 =
        all samples identical, at most 127.5); with ``ms_ssim``,
        ``'ms_ssim'``: mean MS-SSIM over ``N // 2`` random disjoint pairs
        (1 = identical, lower = more diverse).
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[0] < 2:
        raise ValueError('sample_diversity needs (N, C, H, W) images with '
                         f'N >= 2, found shape {images.shape}')
    # std over the batch axis: (C, H, W), then its mean
    stats = {PIXEL_STD_KEY: float(images.astype(np.float64).std(0).mean())}
    if ms_ssim:
        stats[MS_SSIM_KEY] = float(ms_ssim_diversity(images, seed=seed))
    return stats


@HOOKS.register_module()
class SampleDiversityHook(Hook):
    """Every ``interval`` iterations, check that samples of fixed seeds
    differ, and warn when the generator has collapsed.

    Draws ``num_samples`` images with seeds ``seed .. seed+num_samples-1``
    (:func:`~mmskr.apis.generate_images`, model in eval mode), computes
    :func:`sample_diversity` and writes it to the visualizer
    (``sample_diversity/pixel_std`` and ``sample_diversity/ms_ssim`` in
    ``vis_data/scalars.json``, step = iteration) and to the log. A
    ``pixel_std`` below ``min_pixel_std`` or an ``ms_ssim`` above
    ``max_ms_ssim`` is logged as a WARNING that names the iteration (a
    generator drawing one constant image gives 0 and 1).

    The check leaves training unchanged: it runs without gradients, restores
    the train/eval mode of every module and the global torch RNG state
    (conditional models draw their labels from it). Only rank 0 checks.

    A partial collapse (a few modes, each drawn often) keeps both values
    far from 0 and 1, but the samples agree more than real images do. With
    ``min_diversity_vs_real`` = f the hook measures, once before training,
    the MS-SSIM diversity r of ``num_real`` training images (evenly spaced
    over the data set, through its train pipeline) and also flags samples
    that keep less than the share f of the real images' diversity:

        1 - ms_ssim < f * (1 - r),  i.e.  ms_ssim > 1 - f * (1 - r).

    On the 64 px cells of the cpu Table 1 (seed 0, 16 samples,
    ``benchmarks/results/diversity_check``) the collapsed generators kept
    0.21-0.24 of the real diversity at the end (SkrGAN chest X-ray: one
    lattice for every seed; WGAN fundus: one textured square; PGGAN
    fundus: one blurred disc) and the varied ones 0.41 or more, hence
    f = 1/3 in the SkrGAN configs.

    An untrained generator also draws near-identical images (SkrGAN at
    64 px: ``pixel_std`` 0.3 and ``ms_ssim`` 0.999 at the start, 7 and 0.57
    after 200 iterations of batch 16), so check only after a few hundred
    iterations.

    Args:
        interval (int): Iterations between checks. Defaults to 1000.
        num_samples (int): Images per check (>= 2). Defaults to 16.
        seed (int): First seed. Defaults to 0.
        min_pixel_std (float): Collapse when ``pixel_std`` (grey levels) is
            below. Defaults to 1.0.
        max_ms_ssim (float, optional): Collapse when ``ms_ssim`` is above;
            None skips MS-SSIM. Defaults to 0.99.
        sample_model (str, optional): ``'orig'`` or ``'ema'``; None takes
            the model's default (its EMA generator when it has one).
            Defaults to None.
        min_diversity_vs_real (float, optional): Collapse when the samples'
            ``1 - ms_ssim`` is below this share of the training images';
            None skips the comparison. Defaults to None.
        num_real (int): Training images for the real MS-SSIM (>= 2; all
            when the data set has fewer). Defaults to 100.
    """
    priority = 'LOW'

    def __init__(self,
                 interval: int = 1000,
                 num_samples: int = 16,
                 seed: int = 0,
                 min_pixel_std: float = 1.0,
                 max_ms_ssim: Optional[float] = 0.99,
                 sample_model: Optional[str] = None,
                 min_diversity_vs_real: Optional[float] = None,
                 num_real: int = 100):
        if interval <= 0 or num_samples < 2 or num_real < 2:
            raise ValueError('SampleDiversityHook needs interval > 0, '
                             'num_samples >= 2 and num_real >= 2, got '
                             f'{interval}, {num_samples} and {num_real}')
        self.interval = interval
        self.seeds = list(range(seed, seed + num_samples))
        self.min_pixel_std = min_pixel_std
        self.max_ms_ssim = max_ms_ssim
        self.sample_model = sample_model
        self.min_diversity_vs_real = min_diversity_vs_real
        self.num_real = num_real
        self.real_ms_ssim: Optional[float] = None

    def measure_real(self, dataset) -> float:
        """MS-SSIM diversity of ``num_real`` items of ``dataset`` (evenly
        spaced indices, pairs seeded as the samples'); also kept as
        ``real_ms_ssim``. The numpy, Python and torch RNG states are
        restored after the pipeline's random transforms."""
        n = min(self.num_real, len(dataset))
        if n < 2:
            raise ValueError('SampleDiversityHook(min_diversity_vs_real=...) '
                             f'needs >= 2 training images, found {n}')
        indices = np.linspace(0, len(dataset) - 1, n).round().astype(int)
        # random transforms (flips) draw from these: leave training's draws
        np_state, py_state = np.random.get_state(), random.getstate()
        try:
            with torch.random.fork_rng(devices=[]):
                images = dataset_images(dataset, indices)
        finally:
            np.random.set_state(np_state)
            random.setstate(py_state)
        self.real_ms_ssim = float(
            ms_ssim_diversity(images, seed=self.seeds[0]))
        return self.real_ms_ssim

    def ms_ssim_limit(self) -> Optional[float]:
        """The lowest collapse threshold on ``ms_ssim`` in force (None:
        MS-SSIM is not checked)."""
        limits = [self.max_ms_ssim]
        if self.min_diversity_vs_real is not None and \
                self.real_ms_ssim is not None:
            limits.append(1 - self.min_diversity_vs_real *
                          (1 - self.real_ms_ssim))
        limits = [x for x in limits if x is not None]
        return min(limits) if limits else None

    def draw(self, model: torch.nn.Module) -> np.ndarray:
        """The fixed seeds' images, (num_samples, C, H, W) uint8, drawn in
        eval mode with the modes and the torch RNG state restored."""
        modes = [(m, m.training) for m in model.modules()]
        device = next(model.parameters()).device
        try:
            model.eval()
            with torch.random.fork_rng(
                    devices=[device] if device.type == 'cuda' else []):
                images = generate_images(
                    model, self.seeds, batch_size=len(self.seeds),
                    sample_model=self.sample_model)['fake_img']
        finally:
            for module, mode in modes:
                module.training = mode
        return images

    def measure(self, model: torch.nn.Module) -> Dict[str, float]:
        """:func:`sample_diversity` of the fixed seeds' images."""
        return self.score(self.draw(model))

    def score(self, images: np.ndarray) -> Dict[str, float]:
        """:func:`sample_diversity` of images from :meth:`draw`."""
        return sample_diversity(images, self.ms_ssim_limit() is not None,
                                self.seeds[0])

    def collapsed(self, stats: Dict[str, float]) -> bool:
        """Whether ``stats`` fall beyond a threshold."""
        limit = self.ms_ssim_limit()
        return stats[PIXEL_STD_KEY] < self.min_pixel_std or (
            limit is not None and stats[MS_SSIM_KEY] > limit)

    def before_train(self, runner) -> None:
        if self.min_diversity_vs_real is None or not is_main_process():
            return
        real = self.measure_real(runner.train_dataloader.dataset)
        runner.logger.info(
            f'sample diversity: the training images\' ms_ssim is {real:.4g}'
            f' ({min(self.num_real, len(runner.train_dataloader.dataset))} '
            f'images); samples above {self.ms_ssim_limit():.4g} are flagged')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not self.every_n_train_iters(runner, self.interval) or \
                not is_main_process():
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        stats = self.measure(model)
        step = runner.iter + 1
        runner.visualizer.add_scalars(
            {f'sample_diversity/{k}': v for k, v in stats.items()},
            step=step)
        text = ', '.join(f'{k} {v:.4g}' for k, v in stats.items())
        if not self.collapsed(stats):
            runner.logger.info(f'iteration {step}: sample diversity {text}')
            return
        limit = self.ms_ssim_limit()
        limits = f'pixel_std < {self.min_pixel_std}' + (
            '' if limit is None else f' or ms_ssim > {limit:.4g}') + (
                '' if self.real_ms_ssim is None else
                f'; training images: ms_ssim {self.real_ms_ssim:.4g}')
        runner.logger.warning(
            f'iteration {step}: the generator may have collapsed: '
            f'{len(self.seeds)} samples of fixed seeds are too alike '
            f'({text}; collapse = {limits}). Look at the sample grids '
            'and losses; if it persists, resume from an earlier checkpoint '
            'with a lower learning rate.')
