"""Keeps SkrGAN's renderer normalised for the sketches it will render."""
from mmagic.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class RendererCalibrationHook(Hook):
    """Every ``interval`` iterations and after the last one, fit G_P's
    batch-norm statistics to G_S's sketches
    (:meth:`mmskr.models.SkrGAN.calibrate_renderer`).

    G_P learns on real sketch drafts, but SkrGAN's samples are G_P applied
    to G_S's sketches. With running statistics of the drafts, the renderer
    misreads the generated sketches' softer strokes and grey background;
    on the CPU Table 1 runs this loses most of the images' coarse
    (16 px) structure (``benchmarks/results/skrgan_cpu_tuning/README.md``,
    round f). The hook replaces them by statistics of ``num_sketches``
    seeded sketches of the current G_S, so the checkpoint saved at that
    iteration, the sample grids and the validation metrics all use them.

    Training is unchanged: G_P normalises training batches with their own
    statistics, the sketches come from fixed seeds through private torch
    generators (the global RNG is not touched) and the modes of all modules
    are restored. The hook runs at ``ABOVE_NORMAL`` priority, before the
    sample, diversity and checkpoint hooks of the same iteration, and on
    every rank (same weights and seeds give every rank the same
    statistics).

    Args:
        interval (int): Iterations between calibrations; set it to the
            checkpoint interval. Defaults to 500.
        num_sketches (int): Sketches per calibration. Defaults to 400.
        seed (int): First seed (Table 1 samples seeds 0..99). Defaults to
            10000.
        batch_size (int): Sketches per forward pass. Defaults to 16.
    """
    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 interval: int = 500,
                 num_sketches: int = 400,
                 seed: int = 10000,
                 batch_size: int = 16):
        if interval <= 0 or num_sketches < 1 or batch_size < 1:
            raise ValueError(
                'RendererCalibrationHook needs interval > 0, num_sketches '
                f'>= 1 and batch_size >= 1, got {interval}, {num_sketches} '
                f'and {batch_size}')
        self.interval = interval
        self.num_sketches = num_sketches
        self.seed = seed
        self.batch_size = batch_size

    def calibrate(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not hasattr(model, 'calibrate_renderer'):
            raise TypeError(
                'RendererCalibrationHook needs a SkrGAN model (one with '
                f'calibrate_renderer), found {type(model).__name__}: remove '
                'the hook from custom_hooks')
        seen = model.calibrate_renderer(
            num_sketches=self.num_sketches,
            seed=self.seed,
            batch_size=self.batch_size)
        runner.logger.info(
            f'iteration {runner.iter + 1}: G_P batch-norm statistics fitted '
            f'to {seen} G_S sketches (seeds {self.seed}..'
            f'{self.seed + self.num_sketches - 1})')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self.every_n_train_iters(runner, self.interval) or \
                self.is_last_train_iter(runner):
            self.calibrate(runner)
